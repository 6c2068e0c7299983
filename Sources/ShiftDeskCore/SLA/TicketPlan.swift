import Foundation

/// What the desk plans from a ticket's SLA at every write: when its next management-escalation
/// step falls due and its two deadlines. Between writes none of them moves (a pause, a
/// resolution or a reopen is a write; a new policy replans every open ticket), so queues and
/// the escalation sweep work from the plan stored beside the ticket, without its history.
public struct TicketPlan: Hashable, Sendable {
    public var escalationDueAt: Date?
    /// `nil` while an open-ended pause holds the clock before its deadline.
    public var respondBy: Date?
    public var resolveBy: Date?

    public init(escalationDueAt: Date? = nil, respondBy: Date? = nil, resolveBy: Date? = nil) {
        self.escalationDueAt = escalationDueAt
        self.respondBy = respondBy
        self.resolveBy = resolveBy
    }

    /// What a countdown counts to: the next step, or the response (until someone responds) or
    /// resolution deadline, whichever is first; `nil` when no clock runs for an open ticket.
    public func countdownTarget(for ticket: Ticket) -> Date? {
        guard ticket.state.isOpen else { return nil }
        var target = escalationDueAt
        for deadline in [ticket.firstResponseAt == nil ? respondBy : nil, resolveBy] {
            if let deadline, target.map({ deadline < $0 }) ?? true { target = deadline }
        }
        return target
    }

    /// Past a deadline at `now`: a clock that ended late, or one still going past its deadline
    /// (a pause after the deadline does not undo the breach).
    public func breached(_ ticket: Ticket, now: Date) -> Bool {
        func late(_ deadline: Date?, endedAt: Date?) -> Bool {
            guard let deadline else { return false }
            return (endedAt.map { min($0, now) } ?? now) > deadline
        }
        return late(respondBy, endedAt: ticket.firstResponseAt) || late(resolveBy, endedAt: ticket.state.isOpen ? nil : ticket.resolvedAt)
    }
}

extension Ticket {
    public var plan: TicketPlan {
        get { TicketPlan(escalationDueAt: escalationDueAt, respondBy: respondBy, resolveBy: resolveBy) }
        set {
            escalationDueAt = newValue.escalationDueAt
            respondBy = newValue.respondBy
            resolveBy = newValue.resolveBy
        }
    }
}

extension TicketSLA {
    /// The plan to store with the ticket.
    public var ticketPlan: TicketPlan {
        TicketPlan(escalationDueAt: escalationDueAt, respondBy: evaluation.response.deadline, resolveBy: evaluation.resolution.deadline)
    }
}
