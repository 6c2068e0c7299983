import Foundation
import ShiftDeskCore
import ShiftDeskStore
import Synchronization

/// One line of a queue: the ticket as the queue shows, sorts and filters it, with its plan as
/// the desk stored it at the last write; the countdown is recomputed from the clock at every
/// frame. What a row does not show (the description, the caller's phone, notes, the survey…)
/// is not held: an action reads the ticket it acts on (``ConsoleEffect/act(_:_:)``).
public struct QueueEntry: Sendable {
    public fileprivate(set) var ticket: QueueTicket

    public init(ticket: Ticket) {
        var builder = QueueText.Builder()
        var one = [builder.add(ticket)]
        builder.finish(&one)
        self = one[0]
    }

    fileprivate init(_ row: QueueTicket) { ticket = row }

    /// Every ticket of `store` not closed, as queue rows, read a page at a time: the whole
    /// tickets (their descriptions, notes, surveys) never sit in memory all at once, only the rows.
    public static func loadAll(from store: any Store, page: Int = 5_000) async throws(StoreError) -> [QueueEntry] {
        var entries: [QueueEntry] = []
        // Room for the tickets logged while the console runs, so the first few do not double it.
        entries.reserveCapacity(try await store.count(.notClosed) + 1_024)
        var builder = QueueText.Builder()
        var after: Int64 = 0
        while true {
            var query = TicketQuery.notClosed
            query.limit = page
            query.afterNumber = after
            let tickets = try await store.tickets(query)
            for ticket in tickets { entries.append(builder.add(ticket)) }
            guard let last = tickets.last, tickets.count == page else { break }
            after = last.id.number
        }
        builder.finish(&entries)
        return entries
    }

    /// Waiting on the customer; or on a problem whose policy pauses the clocks (the plan then holds no deadline).
    public var paused: Bool { ticket.state == .pendingCustomer || (ticket.state == .pendingProblem && target == nil) }

    /// The next escalation step, or the response or resolution deadline, whichever comes first.
    public var target: Date? { ticket.countdownTarget }

    /// Seconds to the next escalation step or the breach; nil when no clock runs.
    public func countdown(now: Date) -> TimeInterval? {
        guard !paused, let target else { return nil }
        return target.timeIntervalSince(now)
    }

    public func breached(now: Date) -> Bool { ticket.breachAt.map { now > $0 } ?? false }

    /// Entries for `tickets`, their texts in one shared buffer (a whole load: 100k rows, no
    /// string of their own).
    public static func make(_ tickets: some Sequence<Ticket>) -> [QueueEntry] {
        var builder = QueueText.Builder()
        var entries = tickets.map { builder.add($0) }
        builder.finish(&entries)
        return entries
    }
}

/// A ticket as a queue row holds it: 80 bytes, its title and caller in a text buffer shared
/// by the rows loaded together, its holder, category and service interned together as one
/// index (``QueueStrings``). The instants it keeps are the ones the queue counts down to, sorts by
/// and judges breaches from; none of them moves with the clock. The small fields come last:
/// Swift lays a struct out in declaration order, and 100k rows pay for every byte of padding.
public struct QueueTicket: Sendable {
    public let id: TicketID
    /// ``Ticket/urgency``, the queue's default order.
    public let urgency: Double
    // Instants as seconds since 2001 (`Date`'s own), NaN for none: half an optional `Date`.
    private let opened: Double
    private let target: Double
    private let breach: Double
    private let customerUpdateFrom: Double
    private var text: QueueText?
    /// Where the title, U+001F and the caller start in `text`.
    private let textStart: UInt32
    /// The length of their lowercase copy, which follows them when lowering changes more than
    /// ASCII letters; 0 when it does not (then the filter folds ASCII case as it compares).
    private let versionSeen: Int32
    /// The holder, category and service (``QueueStrings/intern(assignee:category:service:)``).
    private let fieldsIndex: Int32
    private let titleLength: UInt16
    private let callerLength: UInt16
    private let loweredLength: UInt16
    public let priority: Priority
    public let state: TicketState
    public let tier: Tier
    /// Whether a customer update can be mailed (the caller has an address).
    public let callerHasEmail: Bool

    fileprivate init(_ t: Ticket, textStart: UInt32, titleLength: UInt16, callerLength: UInt16, loweredLength: Int) {
        func raw(_ date: Date?) -> Double { date?.timeIntervalSinceReferenceDate ?? .nan }
        id = t.id
        urgency = t.urgency
        opened = raw(t.openedAt)
        target = raw(t.plan.countdownTarget(for: t))
        breach = raw(t.breachAt)
        customerUpdateFrom = raw(t.customerToldAt ?? t.openedAt)
        self.textStart = textStart
        self.loweredLength = UInt16(clamping: loweredLength)
        // A ticket is never written two billion times; were it, the version seen would differ and
        // an action would be refused as a conflict, which is safe.
        versionSeen = Int32(clamping: t.version)
        self.titleLength = titleLength
        self.callerLength = callerLength
        fieldsIndex = QueueStrings.shared.intern(assignee: t.assignee, category: t.category, service: t.affectedService)
        priority = t.priority
        state = t.state
        tier = t.tier
        callerHasEmail = t.caller.email != nil
    }

    private static func date(_ raw: Double) -> Date? { raw.isNaN ? nil : Date(timeIntervalSinceReferenceDate: raw) }

    /// The version the queue saw: an action is refused when someone changed the ticket since.
    public var version: Int { Int(versionSeen) }
    public var openedAt: Date { Date(timeIntervalSinceReferenceDate: opened) }
    /// ``TicketPlan/countdownTarget(for:)``.
    public var countdownTarget: Date? { Self.date(target) }
    /// ``TicketPlan/breachAt(for:)``: the first deadline missed, or to be missed.
    public var breachAt: Date? { Self.date(breach) }
    /// When the customer was last told of the progress, else when the incident was opened.
    public var customerToldOrOpenedAt: Date { Date(timeIntervalSinceReferenceDate: customerUpdateFrom) }

    public var title: String { text?.string(from: Int(textStart), count: Int(titleLength)) ?? "" }
    public var callerName: String { text?.string(from: Int(textStart) + Int(titleLength) + 1, count: Int(callerLength)) ?? "" }
    public var assignee: String? { QueueStrings.shared.string(fieldsIndex, .assignee) }
    public var category: String? { QueueStrings.shared.string(fieldsIndex, .category) }
    public var affectedService: String? { QueueStrings.shared.string(fieldsIndex, .service) }

    /// Whether the customer is owed an update (``CustomerUpdate/isOverdue(_:every:now:)``).
    public func customerUpdateOverdue(every intervals: [Priority: TimeInterval], now: Date) -> Bool {
        CustomerUpdate.isOverdue(state: state, priority: priority, lastToldAt: customerToldOrOpenedAt, every: intervals, now: now)
    }

    /// Whether the filter's `needle` (lowercased, as UTF-8) is in the row's own texts: its ID
    /// (only looked at when `mayBeInID`: the needle has nothing but the letters of an ID), title
    /// or caller. The holder, category, service and state are matched once per distinct value
    /// (``QueueStrings/matches(_:)``).
    func ownTextContains(_ needle: UnsafeRawBufferPointer, mayBeInID: Bool) -> Bool {
        if mayBeInID, QueueText.idContains(id, needle) { return true }
        guard let text else { return needle.isEmpty }
        let typed = Int(titleLength) + 1 + Int(callerLength)
        let lowered = loweredLength > 0
        let start = lowered ? Int(textStart) + typed : Int(textStart)
        let end = start + (lowered ? Int(loweredLength) : typed)
        guard end <= text.bytes.count else { return false }
        return text.bytes.withUnsafeBytes { all in
            let own = UnsafeRawBufferPointer(rebasing: all[start..<end])
            return lowered ? QueueOrder.contains(own, needle) : QueueOrder.containsFoldingASCII(own, needle)
        }
    }

    /// Whether any of the interned fields matched (`matched` from ``QueueStrings/matches(_:)``).
    func sharedFieldMatched(_ matched: [Bool]) -> Bool {
        fieldsIndex >= 0 && Int(fieldsIndex) < matched.count && matched[Int(fieldsIndex)]
    }

    fileprivate mutating func attach(_ text: QueueText) { self.text = text }
}

/// The texts of the rows loaded together, back to back: per row its title and caller as typed,
/// separated by U+001F, followed by their lowercase copy only where lowering changes more than
/// the ASCII letters (a Turkish İ, a Greek capital); elsewhere the filter folds ASCII case as it
/// compares. The ID is not kept: it is made from the number when the filter could match it.
final class QueueText: Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func string(from start: Int, count: Int) -> String {
        guard start >= 0, count >= 0, start + count <= bytes.count else { return "" }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<(start + count)]), as: UTF8.self) }
    }

    /// The bytes an ID is made of, lowercased (`inc-000042`): a needle with any other byte
    /// cannot be in one.
    static func mayBeInID(_ needle: UnsafeRawBufferPointer) -> Bool {
        needle.allSatisfy { $0 == UInt8(ascii: "i") || $0 == UInt8(ascii: "n") || $0 == UInt8(ascii: "c") || $0 == UInt8(ascii: "-")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Whether `needle` occurs in `id` as a queue shows it, lowercased: ``TicketID/description``
    /// written into a few bytes of the stack, for 100k rows at each typed key.
    static func idContains(_ id: TicketID, _ needle: UnsafeRawBufferPointer) -> Bool {
        guard id.number >= 0 else {
            return Array(id.description.lowercased().utf8).withUnsafeBytes { QueueOrder.contains($0, needle) }
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            var digits = 0, rest = id.number
            repeat { digits += 1; rest /= 10 } while rest > 0
            let width = max(6, digits)
            for (offset, byte) in "inc-".utf8.enumerated() { buffer[offset] = byte }
            rest = id.number
            for position in stride(from: 4 + width - 1, through: 4, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return QueueOrder.contains(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<(4 + width)]), needle)
        }
    }

    struct Builder {
        var bytes: [UInt8] = []

        /// A row for `ticket`, its texts appended here; attached by ``finish(_:)``.
        mutating func add(_ ticket: Ticket) -> QueueEntry {
            let start = bytes.count
            // A title or name too long for a row's counters is cut at a character: the desk's own
            // limits are 200 and 100 characters, and a screen shows far less. Lowering makes a
            // text at most half as long again, so the lowercase copy's length fits too.
            let title = Self.prefix(ticket.title, maxBytes: Self.maxBytes)
            let caller = Self.prefix(ticket.caller.name, maxBytes: Self.maxBytes)
            bytes += title.utf8
            bytes.append(0x1F)
            bytes += caller.utf8
            let typedLength = bytes.count - start
            let lower = Array((title + "\u{1F}" + caller).lowercased().utf8)
            let foldsAsASCII = lower.count == typedLength && bytes.withUnsafeBufferPointer { all in
                zip(lower, all[start...]).allSatisfy { lowered, typed in lowered == QueueOrder.foldASCII(typed) }
            }
            if !foldsAsASCII { bytes += lower }
            return QueueEntry(QueueTicket(ticket, textStart: UInt32(truncatingIfNeeded: start), titleLength: UInt16(title.utf8.count),
                                          callerLength: UInt16(caller.utf8.count), loweredLength: foldsAsASCII ? 0 : lower.count))
        }

        /// Attaches the texts gathered so far to `entries` (the rows `add` made), in place.
        func finish(_ entries: inout [QueueEntry]) {
            // Exactly as long as the texts: the buffer grew by doubling.
            let text = QueueText([UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
                count = buffer.initialize(fromContentsOf: bytes)
            })
            for index in entries.indices { entries[index].ticket.attach(text) }
        }

        static let maxBytes = 16_384

        static func prefix(_ text: String, maxBytes: Int) -> String {
            guard text.utf8.count > maxBytes else { return text }
            var result = ""
            for character in text {
                guard result.utf8.count + character.utf8.count <= maxBytes else { break }
                result.append(character)
            }
            return result
        }
    }
}

/// The holders, categories and services of every row, each distinct text kept once for the
/// process (a desk has a few hundred of each), and each distinct holder–category–service
/// triple once: a row holds the triple's index. The filter matches each distinct text once per
/// key, then each triple, not each row.
final class QueueStrings: Sendable {
    static let shared = QueueStrings()

    enum Field { case assignee, category, service }

    struct Fields: Hashable {
        var assignee: Int32
        var category: Int32
        var service: Int32
    }

    private struct Table {
        var index: [String: Int32] = [:]
        var strings: [String] = []
        var lowered: [[UInt8]] = []
        var fieldsIndex: [Fields: Int32] = [:]
        var fields: [Fields] = []

        mutating func intern(_ text: String?) -> Int32 {
            guard let text else { return -1 }
            if let found = index[text] { return found }
            let new = Int32(strings.count)
            index[text] = new
            strings.append(text)
            lowered.append(Array(text.lowercased().utf8))
            return new
        }

        func string(_ at: Int32) -> String? { at >= 0 && Int(at) < strings.count ? strings[Int(at)] : nil }
    }

    private let table = Mutex(Table())

    /// The index of the triple (added when new).
    func intern(assignee: String?, category: String?, service: String?) -> Int32 {
        table.withLock { table in
            let fields = Fields(assignee: table.intern(assignee), category: table.intern(category), service: table.intern(service))
            if let found = table.fieldsIndex[fields] { return found }
            let new = Int32(table.fields.count)
            table.fieldsIndex[fields] = new
            table.fields.append(fields)
            return new
        }
    }

    /// One text of the triple at `index` (a sort by holder asks this of 100k rows).
    func string(_ index: Int32, _ field: Field) -> String? {
        table.withLock { table in
            guard index >= 0, Int(index) < table.fields.count else { return nil }
            let fields = table.fields[Int(index)]
            switch field {
            case .assignee: return table.string(fields.assignee)
            case .category: return table.string(fields.category)
            case .service: return table.string(fields.service)
            }
        }
    }

    /// For each triple, whether `needle` (lowercased UTF-8) occurs in its holder, category or service.
    func matches(_ needle: UnsafeRawBufferPointer) -> [Bool] {
        let (lowered, fields) = table.withLock { ($0.lowered, $0.fields) }
        let texts = lowered.map { text in text.withUnsafeBytes { QueueOrder.contains($0, needle) } }
        func hit(_ index: Int32) -> Bool { index >= 0 && texts[Int(index)] }
        return fields.map { hit($0.assignee) || hit($0.category) || hit($0.service) }
    }
}
