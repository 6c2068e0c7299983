import Foundation

/// When two incident titles say the same thing, in Chinese, English or both. The rule is
/// deterministic and quoted in README.md ("Recurring incidents"):
///
/// 1. Normalise: Unicode compatibility form (full-width letters and digits become ASCII),
///    lower case; a hyphen between letters joins them (`Wi-Fi` → `wifi`).
/// 2. Tokens: the title splits into runs of CJK characters and runs of letters/digits;
///    everything else separates.
///    - a CJK run gives its character bigrams (`打印机卡纸` → 打印 印机 机卡 卡纸), a lone
///      CJK character itself; the particles 的 了 在 和 与 及 把 被 separate runs;
///    - a Latin run is a word: dropped when it is a stop-word (`the`, `on`, `after`, …), a
///      single letter or only digits (`10`, `500` vary between reports of one fault); a
///      plural `s` is stripped from words longer than three letters (`drops` → `drop`).
/// 3. Similarity is the overlap of the two token sets: |A ∩ B| ÷ min(|A|, |B|).
/// 4. Two titles are similar when they share at least ``minimumShared`` tokens and the overlap
///    is at least ``threshold``.
public enum TitleSimilarity {
    /// Two titles are similar from this overlap on.
    public static let threshold = 0.6
    /// …and when they share at least this many tokens (one shared word is a coincidence).
    public static let minimumShared = 2

    static let englishStopWords: Set<String> = [
        "a", "an", "the", "and", "or", "of", "on", "in", "at", "to", "for", "from", "with", "by", "is", "are", "was",
        "were", "be", "not", "no", "after", "before", "when", "while", "every", "again", "still", "keeps", "keep",
        "cannot", "can", "cant", "does", "doesnt", "do", "dont", "will", "won", "wont", "it", "its", "this", "that",
        "my", "our", "their", "his", "her", "please", "issue", "problem", "error", "fails", "failed", "fail",
    ]
    static let chineseSeparators: Set<Character> = ["的", "了", "在", "和", "与", "及", "把", "被"]

    /// The title's tokens under the rule above.
    public static func tokens(_ title: String) -> Set<String> {
        let text = title.precomposedStringWithCompatibilityMapping.lowercased()
        var tokens: Set<String> = []
        var cjk: [Character] = []
        var word = ""
        func flushCJK() {
            if cjk.count == 1 { tokens.insert(String(cjk[0])) }
            if cjk.count >= 2 { for index in 0..<(cjk.count - 1) { tokens.insert(String(cjk[index...index + 1])) } }
            cjk.removeAll()
        }
        func flushWord() {
            defer { word = "" }
            guard word.count > 1, !word.allSatisfy(\.isNumber), !englishStopWords.contains(word) else { return }
            var stem = word
            if stem.count > 3, stem.hasSuffix("s"), !stem.hasSuffix("ss") { stem.removeLast() }
            if !englishStopWords.contains(stem) { tokens.insert(stem) }
        }
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if isCJK(character) {
                flushWord()
                if chineseSeparators.contains(character) { flushCJK() } else { cjk.append(character) }
            } else if character.isLetter || character.isNumber {
                flushCJK()
                word.append(character)
            } else if character == "-", !word.isEmpty, index + 1 < characters.count, characters[index + 1].isLetter,
                      !isCJK(characters[index + 1]) {
                continue  // Wi-Fi → wifi, e-mail → email
            } else if character == "'" || character == "’" {
                continue  // can't → cant
            } else {
                flushCJK()
                flushWord()
            }
        }
        flushCJK()
        flushWord()
        return tokens
    }

    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F: return true
        default: return false
        }
    }

    /// |A ∩ B| ÷ min(|A|, |B|); 0 when either is empty.
    public static func overlap(_ a: Set<String>, _ b: Set<String>) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        return Double(a.intersection(b).count) / Double(min(a.count, b.count))
    }

    public static func similar(_ a: Set<String>, _ b: Set<String>) -> Bool {
        a.intersection(b).count >= minimumShared && overlap(a, b) >= threshold
    }

    public static func similar(_ a: String, _ b: String) -> Bool { similar(tokens(a), tokens(b)) }
}

/// Three or more similar incidents of one period: the same affected service or category and
/// similar titles (``TitleSimilarity``), linked transitively.
public struct IncidentCluster: Sendable, Hashable {
    /// Members, oldest first.
    public var incidents: [Ticket]
    /// The most frequent title (the earliest on a tie).
    public var title: String
    /// The service all members share, else nil.
    public var service: String?
    /// The category all members share, else nil.
    public var category: String?

    /// Problems the members are linked to, in order of first appearance.
    public var problems: [ProblemID] {
        var seen: [ProblemID] = []
        for ticket in incidents { if let id = ticket.problem, !seen.contains(id) { seen.append(id) } }
        return seen
    }

    /// Every member is linked to a problem.
    public var tracked: Bool { incidents.allSatisfy { $0.problem != nil } }
    /// Members not yet linked to a problem.
    public var untracked: [Ticket] { incidents.filter { $0.problem == nil } }

    /// Stable identity: the first member.
    public var id: TicketID { incidents[0].id }

    public static let minimumSize = 3

    /// Clusters among `tickets`: pairs with the same service or category (case-insensitive,
    /// trimmed, non-empty) and similar titles are joined; groups of ``minimumSize`` or more are
    /// clusters, largest first, then by their first incident.
    public static func find(in tickets: [Ticket]) -> [IncidentCluster] {
        let sorted = tickets.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
        let tokens = sorted.map { TitleSimilarity.tokens($0.title) }
        var parent = Array(sorted.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        func key(_ text: String?) -> String? {
            let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            return trimmed.isEmpty ? nil : trimmed
        }
        // Only incidents sharing a service or a category are compared.
        var buckets: [String: [Int]] = [:]
        for (index, ticket) in sorted.enumerated() {
            if let service = key(ticket.affectedService) { buckets["s:" + service, default: []].append(index) }
            if let category = key(ticket.category) { buckets["c:" + category, default: []].append(index) }
        }
        for bucketKey in buckets.keys.sorted() {
            let members = buckets[bucketKey] ?? []
            for (position, i) in members.enumerated() {
                for j in members[(position + 1)...] where root(i) != root(j) {
                    if TitleSimilarity.similar(tokens[i], tokens[j]) { parent[max(root(i), root(j))] = min(root(i), root(j)) }
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        for index in sorted.indices { groups[root(index), default: []].append(index) }
        let clusters = groups.values.filter { $0.count >= minimumSize }.map { indices -> IncidentCluster in
            let members = indices.sorted().map { sorted[$0] }
            var counts: [String: Int] = [:]
            for ticket in members { counts[ticket.title, default: 0] += 1 }
            let top = counts.values.max() ?? 0
            let title = members.first { counts[$0.title] == top }?.title ?? members[0].title
            func shared(_ value: (Ticket) -> String?) -> String? {
                let keys = Set(members.map { key(value($0)) })
                guard keys.count == 1, let only = keys.first, only != nil else { return nil }
                return value(members[0])
            }
            return IncidentCluster(incidents: members, title: title, service: shared(\.affectedService), category: shared(\.category))
        }
        return clusters.sorted { ($0.incidents.count, $1.id) > ($1.incidents.count, $0.id) }
    }
}
