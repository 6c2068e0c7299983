import Foundation
import ShiftDeskCore

/// How both stores keep the record journal (``RecordJournal``): one row per entry, its fields as
/// a JSON array of `[name, value]` pairs (`null` for an absent value), its hash beside it.
enum RecordJournalRows {
    static func encodeFields(_ fields: [RecordField]) throws -> String {
        let pairs: [[String?]] = fields.map { [$0.name, $0.value] }
        return String(decoding: try JSONEncoder().encode(pairs), as: UTF8.self)
    }

    /// nil when the text is not what ShiftDesk writes (the row was edited).
    static func decodeFields(_ text: String) -> [RecordField]? {
        guard let pairs = try? JSONDecoder().decode([[String?]].self, from: Data(text.utf8)) else { return nil }
        var fields: [RecordField] = []
        for pair in pairs {
            guard pair.count == 2, let name = pair[0] else { return nil }
            fields.append(RecordField(name, pair[1]))
        }
        return fields
    }

    /// An entry as read back; an unknown subject or unreadable fields make it unreadable, so the
    /// walk names it as edited.
    static func entry(position: Int64, subject: String, key: String, actor: String, at: Int64, origin: String,
                      fields: String, hash: [UInt8]?) -> JournalEntry {
        let decoded = decodeFields(fields)
        let subjectValue = RecordSubject(rawValue: subject)
        let originValue = EventOrigin(rawValue: origin)
        return JournalEntry(position: position, actor: actor, at: Millis.date(at), origin: originValue ?? .local,
                            state: RecordState(subject: subjectValue ?? .handover, key: key, fields: decoded ?? []),
                            hash: hash, readable: decoded != nil && subjectValue != nil && originValue != nil)
    }

    /// The entries one write appends, chained after `head`.
    static func chain(_ states: [RecordState], actor: String, at instant: Date, origin: EventOrigin,
                      after head: inout JournalHead) -> [JournalEntry] {
        states.map { state in
            head.append(JournalEntry(position: 0, actor: actor, at: instant, origin: origin, state: state), sha256: ChainHash.sha256)
        }
    }

    /// The tables whose every row the journal keeps, beside handovers (which are read through
    /// their own loader): each row's columns as text, in the order the domain journals them.
    struct JournaledTable {
        var subject: RecordSubject
        var table: String
        var key: String
        var columns: [String]

        /// The rows as stored, every column as text (NULL stays absent), the same SQL on both backends.
        var selectAsText: String { "\(selectColumns) ORDER BY \(key)" }

        /// One row as stored, by its key as text (the placeholder is the caller's).
        func selectOneAsText(keyPlaceholder: String) -> String { "\(selectColumns) WHERE CAST(\(key) AS TEXT) = \(keyPlaceholder)" }

        private var selectColumns: String {
            let values = columns.enumerated().map { "CAST(\($1) AS TEXT) AS c\($0)" }
            return "SELECT CAST(\(key) AS TEXT) AS k, \(values.joined(separator: ", ")) FROM \(table)"
        }
    }

    /// Who the journal names for a row journaled on upgrade (schema v20): an event's own actor and
    /// instant; a problem's row as "system" at the instant it was raised.
    static func upgradeAuthor(of state: RecordState) -> (actor: String, at: Date) {
        func field(_ name: String) -> String? { state.fields.first { $0.name == name }?.value ?? nil }
        switch state.subject {
        case .documentEvent, .problemEvent:
            return (field("actor") ?? "system", Millis.date(field("at").flatMap { Int64($0) } ?? 0))
        case .operatorKey:
            return ("system", Millis.date(field("added_at").flatMap { Int64($0) } ?? 0))
        case .operator:
            return ("system", Millis.date(0))
        default:
            return ("system", Millis.date(field("raised_at").flatMap { Int64($0) } ?? 0))
        }
    }

    static let journaledTables = [
        JournaledTable(subject: .documentEvent, table: "document_events", key: "id", columns: DocumentEvent.journalColumns),
        JournaledTable(subject: .problem, table: "problems", key: "number", columns: Problem.journalColumns),
        JournaledTable(subject: .problemEvent, table: "problem_events", key: "id", columns: ProblemEvent.journalColumns),
        operators,
        operatorKeys,
    ]

    /// Operators and their keys: who may act, and as whom a key signs in. The administrator's
    /// shell writes them (`operator …`), so the journal names "administrator".
    static let operators = JournaledTable(subject: .operator, table: "operators", key: "login",
                                          columns: ["name", "role", "shift", "email", "disabled"])
    static let operatorKeys = JournaledTable(subject: .operatorKey, table: "operator_keys", key: "fingerprint",
                                             columns: ["login", "type", "key", "comment", "added_at"])
    static let administrator = "administrator"
}
