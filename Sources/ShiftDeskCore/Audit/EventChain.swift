import Foundation

/// The newest end of the event chain as the store records it, in the same transaction as every
/// event: what `audit verify` checks the walk against, so deleting the newest events (or the
/// whole record) is seen too.
public struct ChainHead: Sendable, Hashable {
    /// The id of the newest chained event; 0 when there is none.
    public var lastID: Int64
    /// How many events the chain holds (the newest one's position).
    public var count: Int64
    /// The newest event's hash (``EventEncoding/genesis`` when there is none).
    public var hash: [UInt8]

    public init(lastID: Int64, count: Int64, hash: [UInt8]) {
        self.lastID = lastID
        self.count = count
        self.hash = hash
    }

    public static let empty = ChainHead(lastID: 0, count: 0, hash: EventEncoding.genesis)

    public var hex: String { EventEncoding.hex(hash) }
}

/// One stored event with what the chain keeps beside it, as `audit verify` reads it.
public struct ChainLink: Sendable {
    public var event: TicketEvent
    /// Its place in the chain (1 for the first event); nil for a row written without one.
    public var position: Int64?
    /// The stored hash; nil for a row written without one.
    public var hash: [UInt8]?
    /// Whether the ticket the event names is still stored.
    public var ticketExists: Bool
    /// False when the stored row could not even be read as an event (a kind or changes text
    /// that ShiftDesk never writes): it was edited.
    public var readable: Bool

    public init(event: TicketEvent, position: Int64?, hash: [UInt8]?, ticketExists: Bool, readable: Bool = true) {
        self.event = event
        self.position = position
        self.hash = hash
        self.ticketExists = ticketExists
        self.readable = readable
    }
}

/// The first thing `audit verify` found wrong with the record.
public enum ChainBreak: Sendable, Hashable, CustomStringConvertible {
    /// The event's content (or its stored hash) is not what was chained.
    case edited(event: Int64, ticket: TicketID)
    /// A row with no place in the chain (no position or hash): written behind ShiftDesk's back.
    case unchained(event: Int64, ticket: TicketID)
    /// A row claiming a position the chain already passed (`heldBy` holds it).
    case inserted(event: Int64, ticket: TicketID, position: Int64, heldBy: Int64)
    /// A row after the newest event the chain's head records.
    case insertedAfterHead(event: Int64, ticket: TicketID, head: Int64)
    /// `count` events are missing between event `after` (nil: the start) and event `before`;
    /// `ticket` names a ticket deleted with its history, when its KPI summary shows one.
    case missing(after: Int64?, before: Int64, count: Int64, ticket: TicketID? = nil)
    /// The event holds a later position than the one due: events were moved around.
    case reordered(event: Int64, ticket: TicketID, position: Int64, expected: Int64, expectedAt: Int64)
    /// The event names a ticket that is no longer stored.
    case ticketGone(event: Int64, ticket: TicketID)
    /// The newest `count` events are missing: the record ends at `after`, the head names `head`.
    case missingAtEnd(after: Int64?, count: Int64, head: Int64)
    /// Events exist but the head record does not.
    case headMissing(last: Int64)
    /// The head names another newest event or hash than the record ends with.
    case headMismatch(last: Int64?, head: Int64)
    /// A KPI summary whose ticket is no longer stored.
    case summaryWithoutTicket(TicketID)
    /// A ticket without a single event.
    case ticketWithoutEvents(TicketID)
    /// A record beside the events (a handover…) or its journal was changed behind ShiftDesk's back.
    case record(JournalBreak)

    /// The event the break is found at, if it is one.
    public var event: Int64? {
        switch self {
        case let .edited(event, _), let .unchained(event, _), let .inserted(event, _, _, _), let .insertedAfterHead(event, _, _),
             let .reordered(event, _, _, _, _), let .ticketGone(event, _):
            return event
        case let .missing(after, before, count, _):
            return count == 1 && after.map({ before - $0 == 2 }) ?? (before == 2) ? before - 1 : before
        case let .missingAtEnd(after, _, _): return after
        case let .headMissing(last): return last
        case let .headMismatch(last, _): return last
        case .summaryWithoutTicket, .ticketWithoutEvents, .record: return nil
        }
    }

    /// A short name of the kind of break, for `--json`.
    public var kind: String {
        switch self {
        case .edited: return "edited"
        case .unchained, .inserted, .insertedAfterHead: return "inserted"
        case .missing, .missingAtEnd: return "missing"
        case .reordered: return "reordered"
        case .ticketGone, .summaryWithoutTicket, .ticketWithoutEvents: return "ticket_deleted"
        case .headMissing, .headMismatch: return "head"
        case let .record(found): return found.kind
        }
    }

    public var description: String { message(.en) }

    public func message(_ l: Language) -> String {
        func event(_ id: Int64?) -> String { id.map { l.pick(en: "event \($0)", zh: "事件记录 \($0)") } ?? l.pick(en: "the start", zh: "开头") }
        switch self {
        case let .edited(id, ticket):
            return l.pick(en: "event \(id) (\(ticket)) was edited: its hash does not match",
                          zh: "事件记录 \(id)（\(ticket)）被修改过：哈希不符")
        case let .unchained(id, ticket):
            return l.pick(en: "event \(id) (\(ticket)) was inserted behind ShiftDesk's back: it has no place in the chain",
                          zh: "事件记录 \(id)（\(ticket)）是绕过 ShiftDesk 插入的：它不在哈希链中")
        case let .inserted(id, ticket, position, heldBy):
            return l.pick(en: "event \(id) (\(ticket)) was inserted: its chain position \(position) is already taken by event \(heldBy)",
                          zh: "事件记录 \(id)（\(ticket)）是插入的：它的链位置 \(position) 已属于事件记录 \(heldBy)")
        case let .insertedAfterHead(id, ticket, head):
            return l.pick(en: "event \(id) (\(ticket)) was inserted: the chain ends at event \(head)",
                          zh: "事件记录 \(id)（\(ticket)）是插入的：哈希链止于事件记录 \(head)")
        case let .missing(after, before, count, ticket):
            if let ticket {
                return l.pick(en: "\(count) event(s) are missing between \(event(after)) and event \(before): \(ticket) was deleted with its history behind ShiftDesk's back",
                              zh: "\(event(after))与事件记录 \(before) 之间缺失 \(count) 条事件记录：\(ticket) 连同其历史被绕过 ShiftDesk 删除")
            }
            if count == 1, let gone = self.event, gone != before {
                return l.pick(en: "event \(gone) is missing: the chain goes from \(event(after)) to event \(before)",
                              zh: "事件记录 \(gone) 缺失：哈希链从\(event(after))直接到事件记录 \(before)")
            }
            return l.pick(en: "\(count) event(s) are missing between \(event(after)) and event \(before)",
                          zh: "\(event(after))与事件记录 \(before) 之间缺失 \(count) 条事件记录")
        case let .reordered(id, ticket, position, expected, expectedAt):
            return l.pick(en: "event \(id) (\(ticket)) is out of order: it holds chain position \(position), but position \(expected) is due here and sits at event \(expectedAt)",
                          zh: "事件记录 \(id)（\(ticket)）顺序被调换：它占链位置 \(position)，此处应为位置 \(expected)（现位于事件记录 \(expectedAt)）")
        case let .ticketGone(id, ticket):
            return l.pick(en: "event \(id) names \(ticket), which no longer exists: the ticket was deleted behind ShiftDesk's back",
                          zh: "事件记录 \(id) 所属的 \(ticket) 已不存在：该工单被绕过 ShiftDesk 删除")
        case let .missingAtEnd(after, count, head):
            return l.pick(en: "the newest \(count) event(s) are missing: the chain's head is event \(head), the record ends at \(event(after))",
                          zh: "最新的 \(count) 条事件记录缺失：哈希链头为事件记录 \(head)，记录止于\(event(after))")
        case let .headMissing(last):
            return l.pick(en: "the chain's head record is missing (the record ends at event \(last))",
                          zh: "哈希链头记录缺失（记录止于事件记录 \(last)）")
        case let .headMismatch(last, head):
            return l.pick(en: "the chain's head (event \(head)) does not match the record, which ends at \(event(last))",
                          zh: "哈希链头（事件记录 \(head)）与记录不符，记录止于\(event(last))")
        case let .summaryWithoutTicket(ticket):
            return l.pick(en: "\(ticket) was deleted behind ShiftDesk's back: its KPI summary is still there",
                          zh: "\(ticket) 被绕过 ShiftDesk 删除：它的 KPI 汇总仍在")
        case let .ticketWithoutEvents(ticket):
            return l.pick(en: "\(ticket) has no events: its history was deleted behind ShiftDesk's back",
                          zh: "\(ticket) 没有任何事件记录：其历史被绕过 ShiftDesk 删除")
        case let .record(found):
            return found.message(l)
        }
    }
}

/// The walk of `audit verify` over the events in id order, pure: the store reads the pages, the
/// caller supplies SHA-256. Each link must take the next position, hash to what is stored from
/// its predecessor's stored hash, stay within the head, and name a stored ticket.
public struct ChainWalk: Sendable {
    public private(set) var lastID: Int64
    public private(set) var position: Int64
    public private(set) var hash: [UInt8]
    /// Events checked so far.
    public private(set) var checked = 0
    let head: ChainHead?
    /// The encoding of the link being checked, its storage reused from link to link.
    private var encoding: [UInt8] = []

    /// Starts after `previous` (nil: at the chain's start), checking against `head`.
    public init(after previous: ChainLink?, head: ChainHead?) {
        lastID = previous?.event.id ?? 0
        position = previous?.position ?? 0
        hash = previous?.hash ?? EventEncoding.genesis
        self.head = head
    }

    /// Checks the next link; nil when it holds.
    public mutating func check(_ link: ChainLink, sha256: (_ previous: [UInt8], _ encoding: [UInt8]) -> [UInt8]) -> ChainBreak? {
        let event = link.event
        guard let stored = link.hash, let at = link.position else { return .unchained(event: event.id, ticket: event.ticket) }
        if let head, event.id > head.lastID {
            return .insertedAfterHead(event: event.id, ticket: event.ticket, head: head.lastID)
        }
        let expected = position + 1
        if at == expected, !link.readable { return .edited(event: event.id, ticket: event.ticket) }
        if at > expected { return .missing(after: lastID == 0 ? nil : lastID, before: event.id, count: at - expected) }
        if at < expected { return .inserted(event: event.id, ticket: event.ticket, position: at, heldBy: lastID) }
        encoding.removeAll(keepingCapacity: true)
        EventEncoding.append(event, position: at, to: &encoding)
        guard sha256(hash, encoding) == stored else {
            return .edited(event: event.id, ticket: event.ticket)
        }
        guard link.ticketExists else { return .ticketGone(event: event.id, ticket: event.ticket) }
        lastID = event.id
        position = at
        hash = stored
        checked += 1
        return nil
    }

    /// After the last link: the head must name the same newest event, position and hash.
    public func finish() -> ChainBreak? {
        let last = lastID == 0 ? nil : lastID
        guard let head else { return position > 0 ? .headMissing(last: lastID) : nil }
        if head.count > position, head.lastID > lastID { return .missingAtEnd(after: last, count: head.count - position, head: head.lastID) }
        if head.count != position || head.lastID != lastID || head.hash != hash { return .headMismatch(last: last, head: head.lastID) }
        return nil
    }
}
