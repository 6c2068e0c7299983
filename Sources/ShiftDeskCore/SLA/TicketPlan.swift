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
        breachAt(for: ticket).map { now > $0 } ?? false
    }

    /// The instant after which the ticket counts as breached, as it stands: a deadline whose
    /// clock still runs or ended after it; `nil` when neither clock can breach any more. A store
    /// keeps it beside the plan, so a query can pick breached tickets without the SLA code.
    public func breachAt(for ticket: Ticket) -> Date? {
        func deadline(_ deadline: Date?, endedAt: Date?) -> Date? {
            guard let deadline else { return nil }
            return endedAt.map { $0 > deadline } ?? true ? deadline : nil
        }
        let deadlines = [deadline(respondBy, endedAt: ticket.firstResponseAt),
                         deadline(resolveBy, endedAt: ticket.state.isOpen ? nil : ticket.resolvedAt)]
        return deadlines.compactMap { $0 }.min()
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

    /// Urgency as an order that does not move with the clock: breached and nearest deadlines
    /// first (a major a minute ahead of a general, a general of a minor), then resolved work
    /// awaiting closing, then what waits on the customer. Lower is more urgent. Queues sort by
    /// it, and a store keeps it beside the ticket so a queue's first page is one indexed query.
    public var urgency: Double {
        let group: Double
        let value: Double
        if state != .pendingCustomer, let target = plan.countdownTarget(for: self) {
            (group, value) = (0, target.timeIntervalSince1970 - Double(2 - priority.rank) * 60)
        } else if state == .resolved {
            (group, value) = (1, resolvedAt?.timeIntervalSince1970 ?? 0)
        } else {
            (group, value) = (2, openedAt.timeIntervalSince1970)
        }
        // Instants are well under 1e11 seconds since 1970: the group decides first.
        return group * 1e11 + value
    }

    /// See ``TicketPlan/breachAt(for:)``.
    public var breachAt: Date? { plan.breachAt(for: self) }
}

extension TicketSLA {
    /// The plan to store with the ticket.
    public var ticketPlan: TicketPlan {
        TicketPlan(escalationDueAt: escalationDueAt, respondBy: evaluation.response.deadline, resolveBy: evaluation.resolution.deadline)
    }
}
