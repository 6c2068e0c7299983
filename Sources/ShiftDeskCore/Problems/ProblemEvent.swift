import Foundation

/// What kind of step a problem event records.
public enum ProblemEventKind: String, Codable, CaseIterable, Sendable {
    case raised, assessed
    case analysisStarted = "analysis_started"
    case fixStarted = "fix_started"
    case resolved, closed, reanalysed
    case knownErrorPublished = "known_error_published"
    /// The workaround was added as a work note to the open linked incidents (named in the note).
    case communicated
    case noted
    case incidentLinked = "incident_linked"
    case incidentUnlinked = "incident_unlinked"

    public func label(_ l: Language) -> String {
        switch self {
        case .raised: l.pick(en: "raised", zh: "提交")
        case .assessed: l.pick(en: "assessed", zh: "评估")
        case .analysisStarted: l.pick(en: "analysis started", zh: "开始根因分析")
        case .fixStarted: l.pick(en: "fix started", zh: "开始修复")
        case .resolved: l.pick(en: "resolved", zh: "解决")
        case .closed: l.pick(en: "closed", zh: "关闭")
        case .reanalysed: l.pick(en: "re-analysed", zh: "重新分析")
        case .knownErrorPublished: l.pick(en: "known error published", zh: "发布已知错误")
        case .communicated: l.pick(en: "workaround communicated", zh: "通告临时解决办法")
        case .noted: l.pick(en: "note", zh: "备注")
        case .incidentLinked: l.pick(en: "incident linked", zh: "关联事件")
        case .incidentUnlinked: l.pick(en: "incident unlinked", zh: "取消关联事件")
        }
    }
}

/// One step in a problem's own history: append-only, like a ticket's events (stored one row
/// per event with id, actor, instant, kind and payload, so that the record can chain it).
public struct ProblemEvent: Codable, Hashable, Sendable {
    /// Assigned by the store, increasing; 0 before the event is stored.
    public var id: Int64
    public var problem: ProblemID
    public var actor: String
    public var at: Date
    public var kind: ProblemEventKind
    public var changes: [FieldChange]
    public var note: String?
    /// The incident a link, an unlink or a communication concerns; for a communication, every
    /// incident told.
    public var incidents: [TicketID]
    public var origin: EventOrigin

    public init(id: Int64 = 0, problem: ProblemID, actor: String, at: Date, kind: ProblemEventKind,
                changes: [FieldChange] = [], note: String? = nil, incidents: [TicketID] = [], origin: EventOrigin = .local) {
        self.id = id
        self.problem = problem
        self.actor = actor
        self.at = at
        self.kind = kind
        self.changes = changes
        self.note = note
        self.incidents = incidents
        self.origin = origin
    }

    public func change(of field: String) -> FieldChange? { changes.first { $0.field == field } }

    /// What the store keeps besides id, problem, actor, instant, kind and origin.
    public struct Payload: Codable, Hashable, Sendable {
        public var changes: [FieldChange]
        public var note: String?
        public var incidents: [TicketID]

        public init(changes: [FieldChange], note: String?, incidents: [TicketID]) {
            self.changes = changes
            self.note = note
            self.incidents = incidents
        }
    }

    public var payload: Payload { Payload(changes: changes, note: note, incidents: incidents) }

    /// The payload as stored: JSON with sorted keys, so the same event always gives the same text.
    public var payloadText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(payload) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a stored payload; nil when it is not one.
    public static func payload(from text: String) -> Payload? {
        try? JSONDecoder().decode(Payload.self, from: Data(text.utf8))
    }
}
