import Foundation
import ShiftDeskCore

/// Everything a ticket's write reads before it writes, read at once: the acting operator, the
/// ticket (with its clock, ``TicketClock``), the name of whoever holds it and the escalation
/// steps already fired. Not its history: the write plans from the clock, and the KPI summary is
/// the sweep's (issue 19). On PostgreSQL these were five to seven round trips before every write.
public struct TicketWriteContext: Sendable {
    /// The acting operator as the roster holds them now; nil when unknown.
    public var actor: Operator?
    /// The ticket as stored; nil when there is none.
    public var ticket: Ticket?
    /// The display name of the ticket's holder (`ticket.assignee`), when the roster has them.
    public var holderName: String?
    public var fired: [FiredStep]

    public init(actor: Operator?, ticket: Ticket?, holderName: String?, fired: [FiredStep]) {
        self.actor = actor
        self.ticket = ticket
        self.holderName = holderName
        self.fired = fired
    }
}
