import Foundation

/// The known errors a desk agent may meet at first contact, ready to match as they type: the
/// same bilingual rule as the weekly review's recurring clusters (``TitleSimilarity``), applied
/// to each known error's symptom and to its problem's title.
public struct KnownErrorIndex: Sendable {
    /// One known error with what it is matched on.
    public struct Entry: Sendable, Hashable {
        public var problem: Problem
        public var knownError: KnownError
        /// The services and categories of the incidents linked to the problem (lower case,
        /// trimmed): a call in one of them ranks first.
        public var services: Set<String>
        public var categories: Set<String>
        let symptomTokens: Set<String>
        let titleTokens: Set<String>

        public init(problem: Problem, knownError: KnownError, services: Set<String> = [], categories: Set<String> = []) {
            self.problem = problem
            self.knownError = knownError
            self.services = Set(services.compactMap(KnownErrorIndex.key))
            self.categories = Set(categories.compactMap(KnownErrorIndex.key))
            symptomTokens = TitleSimilarity.tokens(knownError.symptom)
            titleTokens = TitleSimilarity.tokens(problem.title)
        }
    }

    /// A known error that matches what was typed.
    public struct Match: Sendable, Hashable {
        public var problem: Problem
        public var knownError: KnownError
        /// The better overlap of the symptom and of the title with the typed title (0…1).
        public var overlap: Double
        /// The call's service or category is one of the problem's incidents'.
        public var sameScope: Bool
    }

    public let entries: [Entry]
    /// For each token, the entries whose symptom (title) holds it: a keystroke visits only the
    /// known errors sharing a token with what is typed, not all of them.
    let symptomPostings: [String: [Int]]
    let titlePostings: [String: [Int]]

    /// Problems without a known error, and closed ones whose resolution removed the fault
    /// (fix applied, duplicate, cancelled), are left out: their workaround no longer applies.
    public init(_ entries: [Entry]) {
        let kept = entries.filter { Self.offered($0.problem) }
        self.entries = kept
        var symptoms: [String: [Int]] = [:], titles: [String: [Int]] = [:]
        for (index, entry) in kept.enumerated() {
            for token in entry.symptomTokens { symptoms[token, default: []].append(index) }
            for token in entry.titleTokens { titles[token, default: []].append(index) }
        }
        symptomPostings = symptoms
        titlePostings = titles
    }

    /// Whether a problem's known error is offered at first contact.
    public static func offered(_ problem: Problem) -> Bool {
        guard problem.knownError != nil else { return false }
        switch problem.resolution {
        case nil, .riskAccepted?: return true
        case .fixApplied?, .duplicate?, .cancelled?: return false
        }
    }

    static func key(_ text: String?) -> String? {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The known errors matching `title`, best first: those in the call's service or category,
    /// then by overlap, then the newest problem. At most `limit`.
    public func matches(title: String, service: String? = nil, category: String? = nil, limit: Int = 5) -> [Match] {
        let typed = TitleSimilarity.tokens(title)
        guard typed.count >= TitleSimilarity.minimumShared else { return [] }
        let serviceKey = Self.key(service), categoryKey = Self.key(category)
        // Shared tokens per entry, counted from the postings: |A ∩ B| of the rule.
        var sharedSymptom = [Int32](repeating: 0, count: entries.count), sharedTitle = sharedSymptom
        var touched: [Int] = []
        for token in typed {
            for index in symptomPostings[token] ?? [] {
                if sharedSymptom[index] == 0, sharedTitle[index] == 0 { touched.append(index) }
                sharedSymptom[index] += 1
            }
            for index in titlePostings[token] ?? [] {
                if sharedSymptom[index] == 0, sharedTitle[index] == 0 { touched.append(index) }
                sharedTitle[index] += 1
            }
        }
        /// The overlap when similar under ``TitleSimilarity``, else 0.
        func similarity(_ shared: Int32, _ tokens: Set<String>) -> Double {
            guard shared >= TitleSimilarity.minimumShared else { return 0 }
            let overlap = Double(shared) / Double(min(typed.count, tokens.count))
            return overlap >= TitleSimilarity.threshold ? overlap : 0
        }
        var found: [Match] = []
        for index in touched {
            let entry = entries[index]
            let overlap = max(similarity(sharedSymptom[index], entry.symptomTokens), similarity(sharedTitle[index], entry.titleTokens))
            guard overlap > 0 else { continue }
            let sameScope = (serviceKey.map(entry.services.contains) ?? false) || (categoryKey.map(entry.categories.contains) ?? false)
            found.append(Match(problem: entry.problem, knownError: entry.knownError, overlap: overlap, sameScope: sameScope))
        }
        found.sort { a, b in
            if a.sameScope != b.sameScope { return a.sameScope }
            if a.overlap != b.overlap { return a.overlap > b.overlap }
            return a.problem.id > b.problem.id
        }
        return Array(found.prefix(limit))
    }
}
