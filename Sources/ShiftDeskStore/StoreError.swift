import Foundation
import ShiftDeskCore

/// What can go wrong in the store, in words a desk agent understands. A failed write leaves the
/// data as it was.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Someone else changed the ticket after it was read; nothing was written.
    case conflict(ticket: TicketID, changedBy: String, at: Date, kind: EventKind, current: Ticket)
    case ticketNotFound(TicketID)
    case problemNotFound(ProblemID)
    case handoverNotFound(Int64)
    case notInHandover(handover: Int64, ticket: TicketID)
    case operatorExists(String)
    case operatorNotFound(String)
    /// The key is already given to `login` (perhaps the same operator).
    case keyTaken(fingerprint: String, login: String)
    case databaseMissing(path: String)
    case notADatabase(path: String)
    case cannotOpen(path: String, reason: String)
    /// The database server cannot be reached (down, restarting, network): worth retrying, and
    /// nothing was written.
    case unreachable(path: String, reason: String)
    case newerSchema(path: String)
    case corrupt(String)
    case failure(String)

    public var description: String { message(.en) }

    public var isUnreachable: Bool {
        if case .unreachable = self { return true }
        return false
    }

    public func message(_ l: Language, timeZone: TimeZone = .gmt) -> String {
        switch self {
        case let .conflict(ticket, changedBy, at, kind, _):
            return l.pick(
                en: "\(ticket) was just changed by \(changedBy) (\(kind.rawValue) at \(DisplayTime.format(at, in: timeZone))); nothing was written: look at it again and retry",
                zh: "\(ticket) 刚被 \(changedBy) 修改（\(kind.rawValue)，\(DisplayTime.format(at, in: timeZone))）；你的操作未写入：请刷新后重试")
        case let .ticketNotFound(id):
            return l.pick(en: "no incident \(id)", zh: "找不到事件 \(id)")
        case let .problemNotFound(id):
            return l.pick(en: "no problem \(id)", zh: "找不到问题单 \(id)")
        case let .handoverNotFound(id):
            return l.pick(en: "no handover #\(id)", zh: "找不到交接记录 #\(id)")
        case let .notInHandover(handover, ticket):
            return l.pick(en: "\(ticket) is not in handover #\(handover)", zh: "\(ticket) 不在交接记录 #\(handover) 中")
        case let .operatorExists(login):
            return l.pick(en: "operator \(login) already exists", zh: "操作员 \(login) 已存在")
        case let .operatorNotFound(login):
            return l.pick(en: "no operator \(login)", zh: "没有操作员 \(login)")
        case let .keyTaken(fingerprint, login):
            return l.pick(en: "key \(fingerprint) is already given to \(login); one key, one person",
                          zh: "密钥 \(fingerprint) 已属于 \(login)；一把密钥只属于一个人")
        case let .databaseMissing(path):
            return l.pick(en: "no desk database at \(path); create one with `shiftdesk init --db \(path)`",
                          zh: "\(path) 没有服务台数据库；请用 `shiftdesk init --db \(path)` 创建")
        case let .notADatabase(path):
            return l.pick(en: "\(path) is not a ShiftDesk database (not SQLite); nothing was changed",
                          zh: "\(path) 不是 ShiftDesk 数据库（不是 SQLite 文件）；未做任何修改")
        case let .cannotOpen(path, reason):
            return l.pick(en: "cannot open \(path): \(reason)", zh: "无法打开 \(path)：\(reason)")
        case let .unreachable(path, reason):
            return l.pick(en: "cannot open \(path): \(reason); nothing was written", zh: "无法打开 \(path)：\(reason)；未写入任何内容")
        case let .newerSchema(path):
            return l.pick(en: "\(path) was written by a newer ShiftDesk; upgrade this one",
                          zh: "\(path) 由更新版本的 ShiftDesk 写入；请升级本程序")
        case let .corrupt(detail):
            return l.pick(en: "the database holds a value this version cannot read: \(detail)",
                          zh: "数据库中有本版本无法读取的值：\(detail)")
        case let .failure(detail):
            return l.pick(en: "database error: \(detail)", zh: "数据库错误：\(detail)")
        }
    }
}
