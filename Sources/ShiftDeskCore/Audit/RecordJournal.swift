import Foundation

/// The kinds of record the desk keeps beside incidents' events, each journaled: every state a
/// record takes is written, in the same transaction, as an entry of the record journal, a second
/// hash chain next to the events'. `audit verify` walks it and then holds every stored record
/// against the newest state the journal gave it, so a record edited, inserted or deleted behind
/// ShiftDesk's back is named.
public enum RecordSubject: String, Codable, CaseIterable, Sendable {
    /// A shift handover as prepared (its shifts, who prepared it, when, its note and ticket list).
    case handover
    /// One incident of a handover, with its acknowledgement once given.
    case handoverItem = "handover_item"
    /// One event of a controlled document's history (append-only).
    case documentEvent = "document_event"
    /// A problem as it stands (its row changes with every step of its life).
    case problem
    /// One event of a problem's history (append-only).
    case problemEvent = "problem_event"
    /// An operator as seated: name, role, shift, address, disabled.
    case `operator`
    /// An operator's SSH key (who a key signs in as), journaled as added and as removed.
    case operatorKey = "operator_key"

    public func name(_ l: Language) -> String {
        switch self {
        case .handover: return l.pick(en: "handover", zh: "交接班记录")
        case .handoverItem: return l.pick(en: "handover item", zh: "交接事项")
        case .documentEvent: return l.pick(en: "document event", zh: "文档事件")
        case .problem: return l.pick(en: "problem", zh: "问题单")
        case .problemEvent: return l.pick(en: "problem event", zh: "问题单事件")
        case .operator: return l.pick(en: "operator", zh: "操作员")
        case .operatorKey: return l.pick(en: "SSH key", zh: "SSH 密钥")
        }
    }
}

/// One field of a journaled record: its name and its value as text (nil: empty in the store).
public struct RecordField: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String?) {
        self.name = name
        self.value = value
    }
}

/// A record's state as the journal holds it and as `audit verify` reads it back from the store.
public struct RecordState: Sendable, Hashable {
    public var subject: RecordSubject
    /// The record's key within its subject (a handover's id; `handover/INC-…` for an item).
    public var key: String
    public var fields: [RecordField]

    public init(subject: RecordSubject, key: String, fields: [RecordField]) {
        self.subject = subject
        self.key = key
        self.fields = fields
    }

    /// The first field whose value differs from `other`'s (nil when they hold the same).
    public func firstDifference(from other: RecordState) -> String? {
        for (index, field) in fields.enumerated() {
            guard index < other.fields.count else { return field.name }
            if other.fields[index] != field { return field.name }
        }
        return other.fields.count > fields.count ? other.fields[fields.count].name : nil
    }
}

/// One entry of the record journal.
public struct JournalEntry: Sendable, Hashable {
    /// Its place in the journal's chain, 1 for the first.
    public var position: Int64
    public var actor: String
    public var at: Date
    public var origin: EventOrigin
    public var state: RecordState
    /// The stored hash (nil for a row read without one).
    public var hash: [UInt8]?
    /// False when the stored row could not even be read (a subject or fields text ShiftDesk never writes).
    public var readable: Bool

    public init(position: Int64, actor: String, at: Date, origin: EventOrigin, state: RecordState,
                hash: [UInt8]? = nil, readable: Bool = true) {
        self.position = position
        self.actor = actor
        self.at = at
        self.origin = origin
        self.state = state
        self.hash = hash
        self.readable = readable
    }
}

/// The canonical encoding of one journal entry, the bytes its hash covers (README, "The record
/// holds"). Same primitives as ``EventEncoding``:
///
///     "SDJ1"                      4 bytes: ShiftDesk journal, encoding version 1
///     position    int64
///     subject     text            `RecordSubject`'s raw value
///     key         text
///     actor       text
///     at          int64           milliseconds since 1970-01-01T00:00:00Z
///     origin      text
///     fields      uint32 count, then per field: name text, value optional
///
/// `hash(n) = SHA-256(hash(n-1) ‖ encoding(n))`, 32 zero bytes before the first entry.
public enum JournalEncoding {
    static let tag: [UInt8] = Array("SDJ1".utf8)

    public static func bytes(of entry: JournalEntry) -> [UInt8] {
        var out: [UInt8] = []
        out += tag
        EventEncoding.int64(entry.position, &out)
        EventEncoding.text(entry.state.subject.rawValue, &out)
        EventEncoding.text(entry.state.key, &out)
        EventEncoding.text(entry.actor, &out)
        EventEncoding.int64(EventEncoding.millis(entry.at), &out)
        EventEncoding.text(entry.origin.rawValue, &out)
        EventEncoding.uint32(UInt32(truncatingIfNeeded: entry.state.fields.count), &out)
        for field in entry.state.fields {
            EventEncoding.text(field.name, &out)
            EventEncoding.optional(field.value, &out)
        }
        return out
    }
}

/// The journal's end as recorded in the same transaction as every entry.
public struct JournalHead: Sendable, Hashable {
    public var count: Int64
    public var hash: [UInt8]

    public init(count: Int64, hash: [UInt8]) {
        self.count = count
        self.hash = hash
    }

    public static let empty = JournalHead(count: 0, hash: EventEncoding.genesis)

    public var hex: String { EventEncoding.hex(hash) }

    /// Appends `entry` (its position is assigned here): returns it with position and hash.
    public mutating func append(_ entry: JournalEntry, sha256: (_ previous: [UInt8], _ encoding: [UInt8]) -> [UInt8]) -> JournalEntry {
        var chained = entry
        chained.position = count + 1
        chained.hash = sha256(hash, JournalEncoding.bytes(of: chained))
        count = chained.position
        hash = chained.hash ?? hash
        return chained
    }
}

/// What `audit verify` found wrong with the records beside the events.
public enum JournalBreak: Sendable, Hashable, CustomStringConvertible {
    /// Entry `position` is not what was chained (its content or its hash was changed).
    case entryEdited(position: Int64)
    /// Entries are missing before entry `before` (`count` of them).
    case entriesMissing(before: Int64, count: Int64)
    /// The journal's head does not name its newest entry (entries removed from the end, or the head edited).
    case headMismatch(head: Int64, last: Int64)
    /// A record differs from the newest state the journal gave it.
    case recordEdited(RecordSubject, key: String, field: String)
    /// A record the journal never saw: written behind ShiftDesk's back.
    case recordInserted(RecordSubject, key: String)
    /// A record the journal holds that is no longer stored.
    case recordDeleted(RecordSubject, key: String)

    public var kind: String {
        switch self {
        case .entryEdited, .recordEdited: return "edited"
        case .entriesMissing, .recordDeleted: return "missing"
        case .recordInserted: return "inserted"
        case .headMismatch: return "head"
        }
    }

    public var description: String { message(.en) }

    public func message(_ l: Language) -> String {
        switch self {
        case let .entryEdited(position):
            return l.pick(en: "record journal entry \(position) was edited: its hash does not match",
                          zh: "记录日志第 \(position) 条被修改过：哈希不符")
        case let .entriesMissing(before, count):
            return l.pick(en: "\(count) record journal entr\(count == 1 ? "y is" : "ies are") missing before entry \(before)",
                          zh: "记录日志第 \(before) 条之前缺失 \(count) 条")
        case let .headMismatch(head, last):
            return l.pick(en: "the record journal's head names entry \(head), the journal ends at entry \(last)",
                          zh: "记录日志的链头为第 \(head) 条，日志止于第 \(last) 条")
        case let .recordEdited(subject, key, field):
            return l.pick(en: "\(subject.name(.en)) \(key) was edited behind ShiftDesk's back: its \(field) is not what was recorded",
                          zh: "\(subject.name(.zh)) \(key) 被绕过 ShiftDesk 修改：其 \(field) 与记录不符")
        case let .recordInserted(subject, key):
            return l.pick(en: "\(subject.name(.en)) \(key) was inserted behind ShiftDesk's back: the record journal never saw it",
                          zh: "\(subject.name(.zh)) \(key) 是绕过 ShiftDesk 插入的：记录日志中没有它")
        case let .recordDeleted(subject, key):
            return l.pick(en: "\(subject.name(.en)) \(key) was deleted behind ShiftDesk's back",
                          zh: "\(subject.name(.zh)) \(key) 被绕过 ShiftDesk 删除")
        }
    }
}

/// The walk of `audit verify` over the record journal, pure: entries in position order, then the
/// records as stored.
public struct JournalWalk: Sendable {
    public private(set) var position: Int64 = 0
    public private(set) var hash: [UInt8] = EventEncoding.genesis
    public private(set) var checked = 0
    /// The newest state the journal gave each record.
    private var newest: [RecordKey: RecordState] = [:]
    private var order: [RecordKey] = []

    struct RecordKey: Hashable, Sendable {
        var subject: RecordSubject
        var key: String
    }

    public init() {}

    public mutating func check(_ entry: JournalEntry, sha256: (_ previous: [UInt8], _ encoding: [UInt8]) -> [UInt8]) -> JournalBreak? {
        let expected = position + 1
        if entry.position > expected { return .entriesMissing(before: entry.position, count: entry.position - expected) }
        guard entry.readable, let stored = entry.hash, entry.position == expected,
              sha256(hash, JournalEncoding.bytes(of: entry)) == stored else {
            return .entryEdited(position: entry.position)
        }
        position = expected
        hash = stored
        checked += 1
        let key = RecordKey(subject: entry.state.subject, key: entry.state.key)
        if newest.updateValue(entry.state, forKey: key) == nil { order.append(key) }
        return nil
    }

    /// After the last entry: the head must name it.
    public func finish(head: JournalHead?) -> JournalBreak? {
        let head = head ?? .empty
        if head.count != position || head.hash != hash { return .headMismatch(head: head.count, last: position) }
        return nil
    }

    /// Holds the records as stored against the journal: each must be there, as last journaled.
    public func compare(stored: [RecordState]) -> JournalBreak? {
        var seen = Set<RecordKey>()
        for record in stored {
            let key = RecordKey(subject: record.subject, key: record.key)
            seen.insert(key)
            // A state with no fields records the record's removal.
            guard let journaled = newest[key], !journaled.fields.isEmpty else { return .recordInserted(record.subject, key: record.key) }
            if let field = record.firstDifference(from: journaled) {
                return .recordEdited(record.subject, key: record.key, field: field)
            }
        }
        for key in order where !seen.contains(key) && newest[key]?.fields.isEmpty == false {
            return .recordDeleted(key.subject, key: key.key)
        }
        return nil
    }
}
