import Foundation

/// A ticket with its whole history, for bulk loads (demo data, imports) and exports.
public struct TicketHistory: Sendable, Hashable {
    public var ticket: Ticket
    public var events: [TicketEvent]

    public init(ticket: Ticket, events: [TicketEvent]) {
        self.ticket = ticket
        self.events = events
    }
}
