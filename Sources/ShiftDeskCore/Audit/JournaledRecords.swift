import Foundation

// The states the record journal keeps of each kind of record (``RecordSubject``). Each list of
// fields is what the store holds of the record, as text, so `audit verify` can hold a stored
// row against its newest journaled state field by field. Instants are milliseconds, as stored.

extension Handover {
    /// The states the record journal keeps of this handover: the handover itself, then each item.
    public var journalStates: [RecordState] {
        var states = [RecordState(subject: .handover, key: String(id), fields: [
            RecordField("from", "\(from.shift.rawValue)@\(EventEncoding.millis(from.start))-\(EventEncoding.millis(from.end))"),
            RecordField("to", "\(to.shift.rawValue)@\(EventEncoding.millis(to.start))-\(EventEncoding.millis(to.end))"),
            RecordField("prepared_by", preparedBy),
            RecordField("prepared_at", String(EventEncoding.millis(preparedAt))),
            RecordField("note", note),
            RecordField("tickets", items.map { String($0.ticket.number) }.joined(separator: ",")),
        ])]
        for item in items { states.append(journalState(of: item)) }
        return states
    }

    public func journalState(of item: HandoverItem) -> RecordState {
        RecordState(subject: .handoverItem, key: "\(id)/\(item.ticket)", fields: [
            RecordField("note", item.note),
            RecordField("acknowledged_by", item.acknowledgedBy),
            RecordField("acknowledged_at", item.acknowledgedAt.map { String(EventEncoding.millis($0)) }),
            RecordField("acknowledgement_note", item.acknowledgementNote),
        ])
    }
}

extension DocumentEvent {
    /// The stored columns the journal keeps, in order.
    public static let journalColumns = ["document", "actor", "at", "kind", "payload"]

    /// The event as journaled when it is appended (key: its id).
    public var journalState: RecordState {
        RecordState(subject: .documentEvent, key: String(id), names: Self.journalColumns,
                    values: [document, actor, String(EventEncoding.millis(at)), kind.rawValue, payload.encoded()])
    }
}

extension ProblemEvent {
    /// The stored columns the journal keeps, in order.
    public static let journalColumns = ["problem", "actor", "at", "kind", "payload", "origin"]

    /// The event as journaled when it is appended (key: its id).
    public var journalState: RecordState {
        RecordState(subject: .problemEvent, key: String(id), names: Self.journalColumns,
                    values: [String(problem.number), actor, String(EventEncoding.millis(at)), kind.rawValue, payloadText,
                             origin.rawValue])
    }
}

extension Problem {
    /// The stored columns the journal keeps, in order (every column but the key, `number`).
    public static let journalColumns = [
        "title", "owner", "state", "raised_by", "raised_at", "version", "reason", "cause", "root_cause_at", "resolution",
        "resolution_note", "duplicate_of", "resolved_at", "closed_at", "ke_symptom", "ke_workaround", "ke_version",
        "ke_published_by", "ke_published_at",
    ]

    /// The problem's row as journaled after every write (key: its number).
    public var journalState: RecordState {
        func millis(_ date: Date?) -> String? { date.map { String(EventEncoding.millis($0)) } }
        return RecordState(subject: .problem, key: String(id.number), names: Self.journalColumns, values: [
            title, owner, state.rawValue, raisedBy, millis(raisedAt), String(version), reason, cause, millis(rootCauseAt),
            resolution?.rawValue, resolutionNote, duplicateOf.map { String($0.number) }, millis(resolvedAt), millis(closedAt),
            knownError?.symptom, knownError?.workaround, knownError.map { String($0.version) }, knownError?.publishedBy,
            millis(knownError?.publishedAt),
        ])
    }
}

extension RecordState {
    /// A state from the stored columns' names and their values as text, in the same order (as
    /// `audit verify` reads a row back).
    public init(subject: RecordSubject, key: String, names: [String], values: [String?]) {
        self.init(subject: subject, key: key, fields: zip(names, values).map { RecordField($0, $1) })
    }
}
