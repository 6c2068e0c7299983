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

    /// Problems without a known error, and closed ones whose resolution removed the fault
    /// (fix applied, duplicate, cancelled), are left out: their workaround no longer applies.
    public init(_ entries: [Entry]) {
        self.entries = entries.filter { Self.offered($0.problem) }
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
        var found: [Match] = []
        for entry in entries {
            let bySymptom = TitleSimilarity.similar(typed, entry.symptomTokens)
            let byTitle = TitleSimilarity.similar(typed, entry.titleTokens)
            guard bySymptom || byTitle else { continue }
            let overlap = max(bySymptom ? TitleSimilarity.overlap(typed, entry.symptomTokens) : 0,
                              byTitle ? TitleSimilarity.overlap(typed, entry.titleTokens) : 0)
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
