import Foundation
import GRDB

/// What SQLite (through GRDB) reports, said the way a desk agent understands it: the cause
/// named (a full disk, a file-size limit, a read-only file, a lock held too long, a damaged
/// file), never only "disk I/O error".
enum SQLiteErrors {
    static func map(_ error: any Error, path: String, busySeconds: Int) -> StoreError {
        if let store = error as? StoreError { return store }
        guard let database = error as? DatabaseError else { return .failure("\(error)") }
        let detail = database.message ?? "\(database.resultCode)"
        switch database.resultCode {
        case .SQLITE_NOTADB:
            return .notADatabase(path: path)
        case .SQLITE_CORRUPT:
            return .damaged(path: path, detail: detail)
        case .SQLITE_FULL:
            return sizeLimitReached(path) ?? .diskFull(path: path)
        case .SQLITE_IOERR:
            // SQLite reports EFBIG (a file-size limit) and most ENOSPC cases as an I/O error of
            // the write: look at the limit and the disk to name the cause.
            if let limit = sizeLimitReached(path) { return limit }
            if diskIsFull(path) { return .diskFull(path: path) }
            let code = database.extendedResultCode.rawValue
            let reading = code == 266 || code == 522 // SQLITE_IOERR_READ, SQLITE_IOERR_SHORT_READ
            return reading ? .damaged(path: path, detail: detail) : .writeFailed(path: path, detail: detail)
        case .SQLITE_READONLY:
            // Plain SQLITE_READONLY is a write refused; its extended codes (cannot initialise or
            // lock the shared memory, a read-only folder) are about the files beside the desk.
            if database.extendedResultCode.rawValue != 8, let cause = openFailure(path) { return cause }
            return .readOnly(path: path, account: account())
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .busy(path: path, seconds: busySeconds)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return openFailure(path) ?? .cannotOpen(path: path, reason: detail)
        default:
            return .failure(detail)
        }
    }

    /// Why `path` cannot be opened, when permissions say so.
    static func openFailure(_ path: String) -> StoreError? {
        if access(path, F_OK) == 0, access(path, R_OK) != 0 {
            return .permissionDenied(path: path, account: account(), besideIt: false)
        }
        let folder = (path as NSString).deletingLastPathComponent
        if access(folder.isEmpty ? "." : folder, W_OK | X_OK) != 0 {
            // SQLite in WAL mode keeps `-wal` and `-shm` beside the database.
            return .permissionDenied(path: path, account: account(), besideIt: true)
        }
        if access(path, F_OK) == 0, access(path, W_OK) != 0 { return .readOnly(path: path, account: account()) }
        return nil
    }

    /// The file-size limit of this process (`ulimit -f`), when the database or its WAL is at it.
    static func sizeLimitReached(_ path: String) -> StoreError? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        let soft = UInt64(limit.rlim_cur)
        // A write of a page or a WAL frame (page + 24 bytes) would cross it.
        let margin: UInt64 = 65_536 + 24
        for file in [path, path + "-wal", path + "-journal"] {
            var info = stat()
            if stat(file, &info) == 0, UInt64(max(0, info.st_size)) + margin > soft {
                return .fileTooLarge(path: path, limit: soft)
            }
        }
        return nil
    }

    /// True when the file system holding `path` has (almost) no room for this account.
    static func diskIsFull(_ path: String) -> Bool {
        var info = statvfs()
        let folder = (path as NSString).deletingLastPathComponent
        guard statvfs(folder.isEmpty ? "." : folder, &info) == 0 else { return false }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) < 256 * 1024
    }

    /// This process's account, as `ls -l` would name it: `nobody`, `uid 1234`.
    static func account() -> String {
        let uid = geteuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(uid)"
    }
}
