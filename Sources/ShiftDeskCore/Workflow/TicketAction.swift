import Foundation

/// What a desk agent fills in when logging a call.
public struct TicketDraft: Sendable, Hashable {
    public var title: String
    public var description: String
    public var caller: Caller
    public var channel: Channel
    public var priority: Priority
    public var category: String?
    public var affectedService: String?
    /// Back-filled after the weekly review with customers, sales and operations managers.
    public var backfilled: Bool
    /// When the incident really began, for back-filled incidents; default: now.
    public var openedAt: Date?
    /// Arrived in the desk's queue with nobody at the desk on it yet (an inbox or a monitor
    /// writing in, a drill replaying a log): the desk agent who accepts it owns it.
    public var unattended = false

    public init(title: String, description: String = "", caller: Caller, channel: Channel = .phone,
                priority: Priority = .general, category: String? = nil, affectedService: String? = nil,
                backfilled: Bool = false, openedAt: Date? = nil) {
        self.title = title
        self.description = description
        self.caller = caller
        self.channel = channel
        self.priority = priority
        self.category = category
        self.affectedService = affectedService
        self.backfilled = backfilled
        self.openedAt = openedAt
    }
}

/// Every change an operator can ask for on an existing ticket.
public enum TicketAction: Sendable, Hashable {
    /// Take (accept) the ticket from its tier's queue.
    case take
    /// Take over an incident handed over to your shift, from whoever of the last shift held it.
    case takeOver
    case escalate(to: Tier, note: String?)
    case pend(PendingReason)
    /// Wait on a problem (`pend --reason problem --problem PRB-…`), linking the incident to it.
    case pendOnProblem(ProblemID)
    case resume
    /// `toldDesk`: first or second line also told the desk by phone or in person (recorded on
    /// the event as `told_desk`).
    case resolve(note: String, toldDesk: Bool = false)
    /// Resolved with a workaround: service restored, the root cause not fixed. The resolution
    /// event records `resolution_kind: workaround`; the weekly review lists it as not fixed at
    /// the root.
    case resolveWithWorkaround(note: String, toldDesk: Bool = false)
    /// Resolved with the workaround of a problem's known error (at first contact, or on an open
    /// incident): the resolution event records `resolution_kind: known_error` and the incident
    /// is linked to the problem.
    case resolveWithKnownError(ProblemID, note: String)
    /// Resolved because the problem it waits on was resolved with its fix applied (by whoever
    /// resolved the problem): `resolution_kind: problem`, the fix notes as its resolution. The
    /// desk then calls the customer and closes it.
    case resolveByProblem(ProblemID, fix: String)
    /// Closing records the satisfaction survey; nil (no survey) is refused.
    case close(Satisfaction?)
    case reopen(note: String)
    /// A work note; `customerUpdate`: it is also what the customer was told of the progress
    /// (ROLES.md, desk 7), mailed to the caller's address when one is on record, otherwise told
    /// by phone (``CustomerUpdate``).
    case note(String, customerUpdate: Bool = false)
    case changePriority(Priority)
    case linkProblem(ProblemID)
    case printSheet
    case signSheet

    /// Whether the resolver also told the desk by phone or in person (`--told-desk`).
    public var toldDesk: Bool {
        switch self {
        case let .resolve(_, told), let .resolveWithWorkaround(_, told): told
        default: false
        }
    }

    public var kind: EventKind {
        switch self {
        case .take, .takeOver: .taken
        case .escalate: .escalated
        case .pend, .pendOnProblem: .pended
        case .resume: .resumed
        case .resolve, .resolveWithWorkaround, .resolveWithKnownError, .resolveByProblem: .resolved
        case .close: .closed
        case .reopen: .reopened
        case .note: .noted
        case .changePriority: .reprioritised
        case .linkProblem: .problemLinked
        case .printSheet: .sheetPrinted
        case .signSheet: .sheetSigned
        }
    }
}
