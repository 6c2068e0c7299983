import Foundation
import ShiftDeskCore

/// The current queue in display order: which entries it shows (queue, filter) and how they
/// are sorted. Worked out when one of those changes, not at every frame, so that a frame with
/// 100k open tickets builds only the rows on screen.
struct QueueOrder {
    struct Key: Equatable {
        var version: Int
        var queue: QueueKind
        var filter: String
        var sort: TableSort?
        var language: Language
    }

    var key: Key?
    /// Indices into the state's entries, in display order.
    var indices: [Int] = []
    /// When membership changes without a reload: an incident crossing its deadline joins the
    /// incident manager's queue.
    var validUntil: Date = .distantFuture

    /// Brings the order up to date with the state; returns whether it changed.
    static func refresh(_ state: inout ConsoleState) -> Bool {
        guard state.queue != .supervisor else { return false }
        let key = Key(version: state.entriesVersion, queue: state.queue, filter: state.filter.lowercased(),
                      sort: state.table.sort, language: state.language)
        let old = state.order
        let stillValid = state.now < old.validUntil
        if old.key == key, stillValid { return false }
        var order = QueueOrder(key: key)
        if let previous = old.key, stillValid, previous.version == key.version, previous.queue == key.queue,
           previous.sort == key.sort, previous.language == key.language, key.filter.hasPrefix(previous.filter) {
            // Typing one more letter narrows what is shown; the order stays.
            order.indices = old.indices.filter { state.searchTexts[$0].contains(key.filter) }
            order.validUntil = old.validUntil
        } else {
            let now = state.now
            let members = state.entries.indices.filter { index in
                let entry = state.entries[index]
                guard state.queue.contains(entry.ticket, breached: entry.breached(now: now)) else { return false }
                return key.filter.isEmpty || state.searchTexts[index].contains(key.filter)
            }
            order.indices = sorted(members, state)
            if state.queue == .im { order.validUntil = nextBreach(state) }
        }
        state.order = order
        return true
    }

    private static func sorted(_ members: [Int], _ state: ConsoleState) -> [Int] {
        let sort = state.table.sort ?? ConsoleApp.defaultSort
        let ascending = sort.ascending
        if sort.column == ConsoleApp.slaColumn {
            let keys = members.map { state.entries[$0].urgencyKey }
            return zip(members, keys).sorted { a, b in
                if a.1 == b.1 { return a.0 < b.0 }
                return ascending ? a.1 < b.1 : b.1 < a.1
            }.map(\.0)
        }
        let keys = members.map { ConsoleApp.cell(sort.column, of: state.entries[$0], state).sortKey }
        return zip(members, keys).sorted { a, b in
            if a.1 == b.1 { return a.0 < b.0 }
            return ascending ? a.1 < b.1 : b.1 < a.1
        }.map(\.0)
    }

    /// The next instant an open incident not yet breached will breach.
    private static func nextBreach(_ state: ConsoleState) -> Date {
        var next = Date.distantFuture
        for entry in state.entries where entry.ticket.state.isOpen && !entry.paused {
            for deadline in [entry.sla.resolveBy, entry.ticket.firstResponseAt == nil ? entry.sla.respondBy : nil] {
                if let deadline, deadline > state.now, deadline < next { next = deadline }
            }
        }
        return next
    }
}

extension QueueEntry {
    /// What the filter searches, lowercased, in both languages.
    var searchText: String {
        let t = ticket
        return [t.id.description, t.title, t.caller.name, t.assignee ?? "", t.category ?? "", t.affectedService ?? "",
                t.state.label(.en), t.state.label(.zh)].joined(separator: "\u{1F}").lowercased()
    }

    /// Urgency as an order that does not move with the clock: breached and nearest deadlines
    /// first (a major a minute ahead of a general, a general of a minor), then resolved work
    /// awaiting closing, then what waits on the customer. Lower is more urgent.
    var urgencyKey: Double {
        let group: Double
        let value: Double
        if !paused, let target {
            (group, value) = (0, target.timeIntervalSince1970 - Double(2 - ticket.priority.rank) * 60)
        } else if ticket.state == .resolved {
            (group, value) = (1, ticket.resolvedAt?.timeIntervalSince1970 ?? 0)
        } else {
            (group, value) = (2, ticket.openedAt.timeIntervalSince1970)
        }
        // Instants are well under 1e11 seconds since 1970: the group decides first.
        return group * 1e11 + value
    }
}
