import Foundation

/// What kind of change an event records.
public enum EventKind: String, Codable, CaseIterable, Sendable {
    case opened, taken, escalated, pended, resumed, resolved, closed, reopened, noted
    case reprioritised, problemLinked = "problem_linked", sheetPrinted = "sheet_printed", sheetSigned = "sheet_signed"
    case imported
    /// Handed back to its line's queue because its holder was disabled.
    case released
}

/// One field's value before and after a change, as audit text.
public struct FieldChange: Codable, Hashable, Sendable {
    public var field: String
    public var before: String?
    public var after: String?

    public init(field: String, before: String?, after: String?) {
        self.field = field
        self.before = before
        self.after = after
    }
}

/// An append-only record of one change to a ticket: the audit trail, the source of every
/// KPI and the change feed other seats follow.
public struct TicketEvent: Codable, Hashable, Sendable {
    /// Assigned by the store, increasing; 0 before the event is stored.
    public var id: Int64
    public var ticket: TicketID
    public var actor: String
    public var at: Date
    public var kind: EventKind
    public var changes: [FieldChange]
    public var note: String?
    /// Where the action came from (the administrator's shell, or `serve` over SSH); covered by
    /// the chain hash like every other field.
    public var origin: EventOrigin

    public init(id: Int64 = 0, ticket: TicketID, actor: String, at: Date, kind: EventKind,
                changes: [FieldChange], note: String? = nil, origin: EventOrigin = .local) {
        self.id = id
        self.ticket = ticket
        self.actor = actor
        self.at = at
        self.kind = kind
        self.changes = changes
        self.note = note
        self.origin = origin
    }

    private enum CodingKeys: String, CodingKey { case id, ticket, actor, at, kind, changes, note, origin }

    /// Events encoded before origins were recorded read as `.local`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        ticket = try container.decode(TicketID.self, forKey: .ticket)
        actor = try container.decode(String.self, forKey: .actor)
        at = try container.decode(Date.self, forKey: .at)
        kind = try container.decode(EventKind.self, forKey: .kind)
        changes = try container.decode([FieldChange].self, forKey: .changes)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        origin = try container.decodeIfPresent(EventOrigin.self, forKey: .origin) ?? .local
    }

    public func change(of field: String) -> FieldChange? {
        changes.first { $0.field == field }
    }

    /// The field a resolution event carries when the fix is a workaround (no ticket column: the
    /// event log is the record).
    public static let resolutionKindField = "resolution_kind"

    /// How a resolution came about, when not by the line's own fix.
    public enum ResolutionKind: String, Sendable, CaseIterable {
        /// The service restored with a workaround, the root cause not fixed.
        case workaround
        /// Resolved with the workaround of a problem's known error.
        case knownError = "known_error"
        /// Resolved because the problem it waited on was fixed.
        case problem
    }

    /// The resolution's kind, if the event is a resolution that names one.
    public var resolutionKind: ResolutionKind? {
        guard kind == .resolved, let text = change(of: Self.resolutionKindField)?.after else { return nil }
        return ResolutionKind(rawValue: text)
    }

    /// A resolution that restored the service with a workaround, the root cause not fixed.
    public var isWorkaround: Bool { resolutionKind == .workaround }
}

/// Who did what when, without the changes and the note: what the supervisor's view counts
/// (arrivals and resolutions per hour, each operator's work this shift) from a day of events,
/// read without decoding the changes of each.
public struct EventActivity: Sendable, Hashable {
    public var at: Date
    public var kind: EventKind
    public var actor: String

    public init(at: Date, kind: EventKind, actor: String) {
        self.at = at
        self.kind = kind
        self.actor = actor
    }
}

extension TicketEvent {
    public var activity: EventActivity { EventActivity(at: at, kind: kind, actor: actor) }
}
