import Foundation
import ShiftDeskCore

/// What can go wrong in the store, in words a desk agent understands. A failed write leaves the
/// data as it was.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Someone else changed the ticket after it was read; nothing was written.
    case conflict(ticket: TicketID, changedBy: String, at: Date, kind: EventKind, current: Ticket)
    /// Someone else moved the problem after it was read; nothing was written.
    case problemConflict(problem: ProblemID, changedBy: String, at: Date, kind: ProblemEventKind)
    case ticketNotFound(TicketID)
    case problemNotFound(ProblemID)
    case handoverNotFound(Int64)
    /// A controlled document changed (by `changedBy`) since it was read: nothing was written.
    case documentChanged(document: String, changedBy: String)
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
    /// An SQLite database of another program (tables of its own, none of ShiftDesk's): left alone.
    case foreignDatabase(path: String)
    /// The disk holding the database has no room left; the write was rolled back.
    case diskFull(path: String)
    /// The database file reached the largest file this process may write (`ulimit -f`, in bytes).
    case fileTooLarge(path: String, limit: UInt64?)
    /// The disk refused a write for another reason (an I/O error); the write was rolled back.
    case writeFailed(path: String, detail: String)
    /// The account may read the database but not write it (file, folder or mount read-only).
    case readOnly(path: String, account: String)
    /// The account may not open the database, or (`besideIt`) not create the files SQLite keeps
    /// beside it (`-wal`, `-shm`) in its folder.
    case permissionDenied(path: String, account: String, besideIt: Bool)
    /// Another process held the write lock longer than the busy timeout; nothing was written.
    case busy(path: String, seconds: Int)
    /// The file is damaged (pages overwritten, cut short): SQLite says the image is malformed.
    case damaged(path: String, detail: String)
    /// A value in the database this version cannot read.
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
        case let .documentChanged(document, changedBy):
            return l.pick(en: "\(document) was just changed by \(changedBy); nothing was written: look at it again and retry",
                          zh: "\(document) 刚被 \(changedBy) 修改；你的操作未写入：请刷新后重试")
        case let .problemConflict(problem, changedBy, at, kind):
            return l.pick(
                en: "\(problem) was just changed by \(changedBy) (\(kind.label(l)) at \(DisplayTime.format(at, in: timeZone))); nothing was written: look at it again and retry",
                zh: "\(problem) 刚被 \(changedBy) 修改（\(kind.label(l))，\(DisplayTime.format(at, in: timeZone))）；你的操作未写入：请刷新后重试")
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
        case let .foreignDatabase(path):
            return l.pick(en: "\(path) is an SQLite database of another program, not a ShiftDesk desk; nothing was changed",
                          zh: "\(path) 是其他程序的 SQLite 数据库，不是 ShiftDesk 服务台；未做任何修改")
        case let .diskFull(path):
            return l.pick(en: "the disk holding \(path) is full; nothing was written: free some space and retry",
                          zh: "\(path) 所在的磁盘已满；未写入任何内容：请腾出空间后重试")
        case let .fileTooLarge(path, limit):
            let size = limit.map { ": \($0) bytes" } ?? ""
            return l.pick(en: "\(path) cannot grow: this process may not write files larger than its file-size limit (ulimit -f\(size)); nothing was written",
                          zh: "\(path) 无法增大：已到本进程的文件大小上限（ulimit -f\(size)）；未写入任何内容")
        case let .writeFailed(path, detail):
            return l.pick(en: "the disk refused to write \(path) (\(detail)); nothing was written: check the disk, then retry",
                          zh: "磁盘拒绝写入 \(path)（\(detail)）；未写入任何内容：请检查磁盘后重试")
        case let .readOnly(path, account):
            return l.pick(en: "\(path) is read-only for \(account); nothing was written: run ShiftDesk as the desk's owner or make the file writable",
                          zh: "\(path) 对 \(account) 是只读的；未写入任何内容：请以服务台数据库的所有者运行，或让该文件可写")
        case let .permissionDenied(path, account, besideIt) where besideIt:
            let folder = (path as NSString).deletingLastPathComponent
            return l.pick(en: "permission denied: \(account) may not create the files SQLite keeps beside \(path) in \(folder); nothing was written: run ShiftDesk as the desk's owner",
                          zh: "没有权限：\(account) 无法在 \(folder) 中创建 SQLite 放在 \(path) 旁的文件；未写入任何内容：请以服务台数据库的所有者运行")
        case let .permissionDenied(path, account, _):
            return l.pick(en: "permission denied: \(account) may not open \(path); nothing was written: run ShiftDesk as the desk's owner",
                          zh: "没有权限：\(account) 无法打开 \(path)；未写入任何内容：请以服务台数据库的所有者运行")
        case let .busy(path, seconds):
            return l.pick(en: "\(path) is busy: another process has held its write lock for more than \(seconds) s; nothing was written: retry in a moment",
                          zh: "\(path) 正忙：另一个进程占用写锁已超过 \(seconds) 秒；未写入任何内容：请稍后重试")
        case let .damaged(path, detail):
            return l.pick(en: "\(path) is damaged (\(detail)); nothing was written: keep a copy of it and restore the latest backup (shiftdesk restore FILE)",
                          zh: "\(path) 已损坏（\(detail)）；未写入任何内容：请先保留该文件的副本，再恢复最近的备份（shiftdesk restore FILE）")
        case let .corrupt(detail):
            return l.pick(en: "the database holds a value this version cannot read: \(detail)",
                          zh: "数据库中有本版本无法读取的值：\(detail)")
        case let .failure(detail):
            return l.pick(en: "database error: \(detail)", zh: "数据库错误：\(detail)")
        }
    }
}
