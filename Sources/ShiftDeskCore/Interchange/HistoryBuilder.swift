import Foundation

/// Builds a ticket's history from another system's successive snapshots of it: each snapshot
/// becomes one event whose changes are what differs from the one before (ShiftDesk's fields,
/// then the source's own fields, prefixed with the source's name) and whose kind is the
/// workflow step the change amounts to.
struct HistoryBuilder {
    private(set) var ticket: Ticket?
    private(set) var events: [TicketEvent] = []
    private var sourceFields: [String: String] = [:]
    /// The audit fields of `ticket`, kept so that each snapshot is rendered once.
    private var auditFields: [String: String] = [:]

    /// Appends the snapshot `next` as an event at `at` by `actor`. `source` holds the source's
    /// own fields as they are in this snapshot (missing values absent), in a fixed order.
    /// The changes are those of `Ticket.changes(since:)`.
    mutating func append(_ next: Ticket, at: Date, actor: String, source: [(String, String?)], note: String? = nil) {
        var changes: [FieldChange] = []
        var fields: [String: String] = [:]
        fields.reserveCapacity(auditFields.count + 4)
        for (field, value) in next.auditFields {
            let previous = auditFields[field]
            if let value { fields[field] = value }
            guard previous != value, !(ticket == nil && value == nil) else { continue }
            changes.append(FieldChange(field: field, before: previous, after: value))
        }
        auditFields = fields
        for (field, value) in source {
            let before = sourceFields[field]
            guard before != value else { continue }
            changes.append(FieldChange(field: field, before: before, after: value))
            sourceFields[field] = value
        }
        let kind = ticket.map { Self.kind(from: $0, to: next) } ?? .opened
        events.append(TicketEvent(ticket: next.id, actor: actor, at: at, kind: kind, changes: changes, note: note))
        ticket = next
    }

    /// The workflow step a change of snapshot amounts to; `imported` for an update that is none
    /// of them (a field the source keeps changed, or nothing did).
    static func kind(from before: Ticket, to after: Ticket) -> EventKind {
        if before.state != after.state {
            switch (before.state.isOpen, after.state) {
            case (_, .resolved): return .resolved
            case (_, .closed): return .closed
            case (false, _): return .reopened
            case (true, .pendingCustomer), (true, .pendingVendor), (true, .pendingProblem): return .pended
            default: break
            }
            if before.tier != after.tier { return .escalated }
            if before.state == .pendingCustomer || before.state == .pendingVendor || before.state == .pendingProblem { return .resumed }
            return .taken
        }
        if before.tier != after.tier { return .escalated }
        if before.assignee != after.assignee, after.assignee != nil { return .taken }
        if before.priority != after.priority { return .reprioritised }
        return .imported
    }
}

extension HistoryBuilder {
    /// A source that names the kind of each event itself (ShiftDesk's own export) keeps it.
    mutating func overrideLast(kind: EventKind, changes: [FieldChange]?) {
        guard !events.isEmpty else { return }
        events[events.count - 1].kind = kind
        if let changes { events[events.count - 1].changes = changes }
    }
}
