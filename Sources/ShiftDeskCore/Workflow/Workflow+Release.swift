import Foundation

extension Workflow {
    /// Hands an open ticket held by an operator who was disabled back to its line's queue: nobody
    /// holds it afterwards, so anyone of the line may take it. Recorded as a `released` event by
    /// `actor` (the administrator who disabled them); the holder's own events stay theirs.
    /// Nil when the ticket is not open or not held by `holder`.
    public static func release(_ ticket: Ticket, heldBy holder: String, by actor: String, at now: Date) -> Outcome? {
        guard ticket.state.isOpen, ticket.assignee == holder else { return nil }
        var after = ticket
        after.assignee = nil
        // Waiting on the customer or a vendor stays waiting; work under way returns to the queue.
        if after.state == .inProgress { after.state = .new }
        let event = TicketEvent(ticket: ticket.id, actor: actor, at: now, kind: .released, changes: after.changes(since: ticket),
                                note: "\(holder) was disabled")
        return Outcome(ticket: after, event: event)
    }
}
