import Foundation

/// The person who called.
public struct Caller: Codable, Hashable, Sendable {
    public var name: String
    public var phone: String?
    public var department: String?
    /// Where customer updates are mailed (``EmailAddress``); nil when only a phone is known.
    public var email: String?

    public init(name: String, phone: String? = nil, department: String? = nil, email: String? = nil) {
        self.name = name
        self.phone = phone
        self.department = department
        self.email = email
    }
}

/// The customer-satisfaction survey recorded at closing (客户满意度调查).
public enum Satisfaction: Codable, Hashable, Sendable {
    /// A score from 1 (very dissatisfied) to 5 (very satisfied), with an optional comment.
    case rated(score: Int, comment: String?)
    /// The customer could not be reached for the survey.
    case unreachable

    public static let scores = 1...5

    private enum CodingKeys: String, CodingKey { case score, comment, unreachable }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if try container.decodeIfPresent(Bool.self, forKey: .unreachable) == true {
            self = .unreachable
        } else {
            self = .rated(score: try container.decode(Int.self, forKey: .score),
                          comment: try container.decodeIfPresent(String.self, forKey: .comment))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .rated(score, comment):
            try container.encode(score, forKey: .score)
            try container.encode(comment, forKey: .comment)
            try container.encode(false, forKey: .unreachable)
        case .unreachable:
            try container.encodeNil(forKey: .score)
            try container.encodeNil(forKey: .comment)
            try container.encode(true, forKey: .unreachable)
        }
    }

    /// Short text for the audit trail: `5`, `4 "quick fix"`, `unreachable`.
    public var auditText: String {
        switch self {
        case let .rated(score, comment?) where !comment.isEmpty: "\(score) \"\(comment)\""
        case let .rated(score, _): "\(score)"
        case .unreachable: "unreachable"
        }
    }
}

/// The on-site service sheet (现场服务单) L1 prints and the customer signs.
public struct OnSiteSheet: Codable, Hashable, Sendable {
    public var printedAt: Date?
    public var signedAt: Date?

    public init(printedAt: Date? = nil, signedAt: Date? = nil) {
        self.printedAt = printedAt
        self.signedAt = signedAt
    }
}

/// An incident ticket (事件工单).
public struct Ticket: Codable, Hashable, Sendable {
    public var id: TicketID
    public var title: String
    public var description: String
    public var caller: Caller
    public var channel: Channel
    public var priority: Priority
    public var category: String?
    public var affectedService: String?
    public var state: TicketState
    public var tier: Tier
    /// Who works it now; nil while it waits in its tier's queue.
    public var assignee: String?
    /// The desk agent who owns it end to end; nil when it bypassed the desk.
    public var owner: String?
    public var openedAt: Date
    public var firstResponseAt: Date?
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var resolutionNote: String?
    public var satisfaction: Satisfaction?
    public var onSiteSheet: OnSiteSheet
    public var problem: ProblemID?
    public var backfilled: Bool
    public var bypassedDesk: Bool
    public var reopenCount: Int
    /// Where an imported ticket came from (`servicenow:INC0000045`); nil for tickets logged here.
    /// Unique in the store: it is the key that makes importing the same file twice a no-op.
    public var source: String?
    /// The source system's own "made SLA" verdict (ServiceNow's `made_sla`), kept beside
    /// ShiftDesk's own judgement; nil when the source gave none.
    public var sourceMadeSLA: Bool?
    /// When this ticket entered this desk by an import; nil for tickets logged here. Escalation
    /// steps that fell due before it belong to the source's history and never fire here.
    /// Desk-local, like `escalationDueAt`: not audited, not exported.
    public var importedAt: Date?
    /// Bumped by every write; a write that expects another version is refused.
    public var version: Int
    /// When this ticket's next management-escalation step falls due, as the desk last planned it
    /// from the SLA policy; nil when none is ahead. Derived, not audited: the store indexes it so
    /// that an escalation sweep reads only the tickets that are due.
    public var escalationDueAt: Date?
    /// The response and resolution deadlines as the desk last planned them (see ``TicketPlan``).
    /// Derived like ``escalationDueAt``: a queue counts down and judges breaches from them
    /// without reading the ticket's history.
    public var respondBy: Date?
    public var resolveBy: Date?
    /// When the customer was last told of the progress (a work note marked customer update).
    public var customerToldAt: Date?
    /// What its SLA clocks need of its history (``TicketClock``), as of its stored events.
    /// Derived like ``escalationDueAt``: whoever stores an event stores the clock with it.
    public var clock: TicketClock

    public init(
        id: TicketID, title: String, description: String = "", caller: Caller, channel: Channel,
        priority: Priority, category: String? = nil, affectedService: String? = nil,
        state: TicketState = .new, tier: Tier = .desk, assignee: String? = nil, owner: String? = nil,
        openedAt: Date, firstResponseAt: Date? = nil, resolvedAt: Date? = nil, closedAt: Date? = nil,
        resolutionNote: String? = nil, satisfaction: Satisfaction? = nil, onSiteSheet: OnSiteSheet = OnSiteSheet(),
        problem: ProblemID? = nil, backfilled: Bool = false, bypassedDesk: Bool = false, reopenCount: Int = 0,
        source: String? = nil, sourceMadeSLA: Bool? = nil, version: Int = 1, escalationDueAt: Date? = nil,
        importedAt: Date? = nil, respondBy: Date? = nil, resolveBy: Date? = nil, customerToldAt: Date? = nil,
        clock: TicketClock = TicketClock()
    ) {
        self.customerToldAt = customerToldAt
        self.clock = clock
        self.id = id
        self.title = title
        self.description = description
        self.caller = caller
        self.channel = channel
        self.priority = priority
        self.category = category
        self.affectedService = affectedService
        self.state = state
        self.tier = tier
        self.assignee = assignee
        self.owner = owner
        self.openedAt = openedAt
        self.firstResponseAt = firstResponseAt
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
        self.resolutionNote = resolutionNote
        self.satisfaction = satisfaction
        self.onSiteSheet = onSiteSheet
        self.problem = problem
        self.backfilled = backfilled
        self.bypassedDesk = bypassedDesk
        self.reopenCount = reopenCount
        self.source = source
        self.sourceMadeSLA = sourceMadeSLA
        self.version = version
        self.escalationDueAt = escalationDueAt
        self.importedAt = importedAt
        self.respondBy = respondBy
        self.resolveBy = resolveBy
    }
}

extension Ticket {
    /// The fields the audit trail records, as text, in a fixed order.
    public var auditFields: KeyValuePairs<String, String?> {
        [
            "title": title,
            "description": description,
            "caller": caller.name,
            "phone": caller.phone,
            "department": caller.department,
            "caller_email": caller.email,
            "channel": channel.rawValue,
            "priority": priority.rawValue,
            "category": category,
            "affected_service": affectedService,
            "state": state.rawValue,
            "tier": tier.rawValue,
            "assignee": assignee,
            "owner": owner,
            "opened_at": openedAt.auditText,
            "first_response_at": firstResponseAt?.auditText,
            "resolved_at": resolvedAt?.auditText,
            "closed_at": closedAt?.auditText,
            "resolution_note": resolutionNote,
            "satisfaction": satisfaction?.auditText,
            "sheet_printed_at": onSiteSheet.printedAt?.auditText,
            "sheet_signed_at": onSiteSheet.signedAt?.auditText,
            "problem": problem?.description,
            "backfilled": backfilled ? "true" : "false",
            "bypassed_desk": bypassedDesk ? "true" : "false",
            "reopen_count": String(reopenCount),
            "source": source,
            "source_made_sla": sourceMadeSLA.map { $0 ? "true" : "false" },
            "customer_told_at": customerToldAt?.auditText,
        ]
    }

    /// What changed from `before` to `self`, field by field.
    public func changes(since before: Ticket?) -> [FieldChange] {
        let old = before.map { Dictionary(uniqueKeysWithValues: $0.auditFields.map { ($0.key, $0.value) }) } ?? [:]
        return auditFields.compactMap { field, value in
            let previous = old[field] ?? nil
            guard previous != value, !(before == nil && value == nil) else { return nil }
            return FieldChange(field: field, before: previous, after: value)
        }
    }
}

extension Date {
    /// ISO 8601 in UTC, to the second: `2026-11-29T04:00:00Z`.
    public var auditText: String { ISO8601.format(self) }
}
