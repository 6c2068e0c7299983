import Foundation
import ShiftDeskCore

/// Everything a ticket's write reads before it writes, read at once: the acting operator, the
/// ticket, the name of whoever holds it, its history, the escalation steps already fired, and
/// the roles of everyone who acted on it (for its KPI summary). On PostgreSQL these were five to
/// seven round trips before every write; under fifty seats they were most of a write's cost
/// (issue 19).
public struct TicketWriteContext: Sendable {
    /// The acting operator as the roster holds them now; nil when unknown.
    public var actor: Operator?
    /// The ticket as stored; nil when there is none.
    public var ticket: Ticket?
    /// The display name of the ticket's holder (`ticket.assignee`), when the roster has them.
    public var holderName: String?
    /// The ticket's events in the order they were stored.
    public var events: [TicketEvent]
    public var fired: [FiredStep]
    /// The roles of the operators who acted on the ticket (those the roster still has).
    public var roles: [String: Role]

    public init(actor: Operator?, ticket: Ticket?, holderName: String?, events: [TicketEvent], fired: [FiredStep], roles: [String: Role]) {
        self.actor = actor
        self.ticket = ticket
        self.holderName = holderName
        self.events = events
        self.fired = fired
        self.roles = roles
    }
}
