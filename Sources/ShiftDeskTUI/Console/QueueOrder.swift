import Foundation
import ShiftDeskCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        /// The supervisor's drill-down, when the queue was opened from a number of the load view.
        var drill: Drill?
    }

    var key: Key?
    /// The queue's members sorted, before the filter: the filter only ever picks from these.
    var members: [Int32] = []
    /// Indices into the state's entries, in display order (4 bytes each: 100k of them, twice).
    var indices: [Int32] = []
    /// When membership changes without a reload: an incident crossing its deadline joins the
    /// incident manager's queue.
    var validUntil: Date = .distantFuture

    /// Brings the order up to date with the state; returns whether it changed.
    static func refresh(_ state: inout ConsoleState) -> Bool {
        guard state.queue != .supervisor else { return false }
        let key = Key(version: state.entriesVersion, queue: state.queue, filter: state.filter.lowercased(),
                      sort: state.table.sort, language: state.language, drill: state.screens.drill)
        let old = state.order
        let stillValid = state.now < old.validUntil
        if old.key == key, stillValid { return false }
        var order = QueueOrder(key: key)
        if let previous = old.key, stillValid, previous.version == key.version, previous.queue == key.queue,
           previous.sort == key.sort, previous.language == key.language, previous.drill == key.drill {
            // Only the filter changed: one more letter narrows what is shown, anything else
            // picks again from the sorted members; the order stays.
            order.members = old.members
            order.validUntil = old.validUntil
            order.indices = filter(key.filter.hasPrefix(previous.filter) ? old.indices : old.members, by: key.filter, state)
        } else if let previous = old.key, stillValid, let merge = state.lastMerge, merge.from == previous.version, merge.to == key.version,
                  previous.queue == key.queue, previous.sort == key.sort, previous.language == key.language, previous.drill == key.drill,
                  previous.filter == key.filter {
            // Another seat's write merged a few entries: those leave the order and rejoin where
            // they now belong; the other 100k keep their places.
            order.members = inserting(merge.indices, into: old.members, state)
            order.indices = filter(order.members, by: key.filter, state)
            order.validUntil = state.queue == .im ? nextBreach(state) : old.validUntil
        } else {
            let now = state.now
            let drill = key.drill
            // While only the first page of one queue is loaded, the others wait for the rest.
            let loaded = state.coverage.covers(state.queue)
            let members = loaded ? state.entries.indices.filter { belongs($0, state, drill: drill) }.map { Int32(truncatingIfNeeded: $0) } : []
            order.members = sorted(members, state)
            order.indices = filter(order.members, by: key.filter, state)
            if state.queue == .im { order.validUntil = nextBreach(state) }
            // "At risk" and "breached" drill-downs change with the clock: worked out again each second.
            if drill?.filter == .atRisk || drill?.filter == .breached { order.validUntil = now.addingTimeInterval(1) }
        }
        state.order = order
        return true
    }

    /// Whether the entry at `index` is in the queue on show.
    private static func belongs(_ index: Int, _ state: ConsoleState, drill: Drill?) -> Bool {
        let entry = state.entries[index]
        if let drill, !drill.allows(entry, now: state.now) { return false }
        return state.queue.contains(entry.ticket, breached: entry.breached(now: state.now))
    }

    /// `members` (sorted) without `touched`, then with those of `touched` that belong, each
    /// where the sort puts it.
    private static func inserting(_ touched: [Int], into members: [Int32], _ state: ConsoleState) -> [Int32] {
        let moved = Set(touched.map { Int32(truncatingIfNeeded: $0) })
        var result = members.filter { !moved.contains($0) }
        let sort = state.table.sort ?? ConsoleApp.defaultSort
        for index in moved.sorted() where belongs(Int(index), state, drill: state.screens.drill) {
            let position: Int
            if sort.column == ConsoleApp.slaColumn {
                position = insertionPoint(of: index, in: result, ascending: sort.ascending) { state.entries[Int($0)].ticket.urgency }
            } else {
                position = insertionPoint(of: index, in: result, ascending: sort.ascending) {
                    ConsoleApp.cell(sort.column, of: state.entries[Int($0)], state).sortKey
                }
            }
            result.insert(index, at: position)
        }
        return result
    }

    /// Where `index` goes in `sorted` (ordered as `sorted(_:keys:ascending:)` orders): after
    /// everything that sorts before it.
    private static func insertionPoint<Key: Comparable>(of index: Int32, in sorted: [Int32], ascending: Bool, key: (Int32) -> Key) -> Int {
        let mine = key(index)
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            let other = key(sorted[mid])
            let before = other == mine ? sorted[mid] < index : (ascending ? other < mine : mine < other)
            if before { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The entries whose search text contains `needle` (already lowercased), as bytes: a
    /// filter over 100k tickets has a frame's time to answer. A row's ID, title and caller are
    /// its own; its holder, category, service and state are matched once per distinct value.
    private static func filter(_ indices: [Int32], by needle: String, _ state: ConsoleState) -> [Int32] {
        guard !needle.isEmpty else { return indices }
        let pattern = Array(needle.utf8)
        return pattern.withUnsafeBytes { pattern in
            let shared = QueueStrings.shared.matches(pattern)
            let anyShared = shared.contains(true)
            let states = Set(TicketState.allCases.filter { value in
                [value.label(.en), value.label(.zh)].contains { label in Array(label.lowercased().utf8).withUnsafeBytes { contains($0, pattern) } }
            })
            let mayBeInID = QueueText.mayBeInID(pattern)
            return indices.filter { index in
                let row = state.entries[Int(index)].ticket
                return (!states.isEmpty && states.contains(row.state)) || (anyShared && row.sharedFieldMatched(shared))
                    || row.ownTextContains(pattern, mayBeInID: mayBeInID)
            }
        }
    }

    /// Whether `pattern` occurs in `text`: memchr to the candidates, memcmp to confirm.
    static func contains(_ text: UnsafeRawBufferPointer, _ pattern: UnsafeRawBufferPointer) -> Bool {
        guard let pat = pattern.baseAddress, !pattern.isEmpty else { return true }
        guard let base = text.baseAddress, text.count >= pattern.count else { return false }
        let first = Int32(pattern[0]), lastStart = text.count - pattern.count
        var offset = 0
        while offset <= lastStart {
            guard let hit = memchr(base + offset, first, lastStart - offset + 1) else { return false }
            let at = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + at, pat, pattern.count) == 0 { return true }
            offset = at + 1
        }
        return false
    }

    /// `byte` with an ASCII capital made small; every other byte as it is.
    static func foldASCII(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// Whether `pattern` (lowercase) occurs in `text` with its ASCII capitals made small:
    /// memchr to the candidates, for the first byte and, when it is a letter, its capital.
    static func containsFoldingASCII(_ text: UnsafeRawBufferPointer, _ pattern: UnsafeRawBufferPointer) -> Bool {
        guard !pattern.isEmpty else { return true }
        guard let base = text.baseAddress, text.count >= pattern.count else { return false }
        let first = pattern[0]
        let capital = first &- 0x61 < 26 ? first & ~0x20 : first
        let lastStart = text.count - pattern.count
        func next(_ byte: UInt8, from offset: Int) -> Int? {
            guard offset <= lastStart, let hit = memchr(base + offset, Int32(byte), lastStart - offset + 1) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        func matchesAt(_ at: Int) -> Bool {
            for k in 1..<pattern.count where foldASCII(text[at + k]) != pattern[k] { return false }
            return true
        }
        var small = next(first, from: 0)
        var large = capital == first ? nil : next(capital, from: 0)
        while true {
            let at = min(small ?? .max, large ?? .max)
            if at == .max { return false }
            if matchesAt(at) { return true }
            if at == small { small = next(first, from: at + 1) } else { large = next(capital, from: at + 1) }
        }
    }

    private static func sorted(_ members: [Int32], _ state: ConsoleState) -> [Int32] {
        let sort = state.table.sort ?? ConsoleApp.defaultSort
        if sort.column == ConsoleApp.slaColumn {
            return sorted(members, keys: members.map { state.entries[Int($0)].ticket.urgency }, ascending: sort.ascending)
        }
        return sorted(members, keys: members.map { ConsoleApp.cell(sort.column, of: state.entries[Int($0)], state).sortKey },
                      ascending: sort.ascending)
    }

    /// `members` by `keys` (one each), ties in entry order.
    private static func sorted<Key: Comparable>(_ members: [Int32], keys: [Key], ascending: Bool) -> [Int32] {
        zip(members, keys).sorted { a, b in
            if a.1 == b.1 { return a.0 < b.0 }
            return ascending ? a.1 < b.1 : b.1 < a.1
        }.map(\.0)
    }

    /// The next instant an open incident not yet breached will breach: its first deadline
    /// missed (``TicketPlan/breachAt(for:)``), which is when the incident manager's queue takes it in.
    private static func nextBreach(_ state: ConsoleState) -> Date {
        var next = Date.distantFuture
        for entry in state.entries where entry.ticket.state.isOpen {
            // Past a deadline means after it: at the deadline itself the order is refreshed
            // until the clock moves on.
            if let breach = entry.ticket.breachAt, breach >= state.now, breach < next { next = breach }
        }
        return next
    }
}
