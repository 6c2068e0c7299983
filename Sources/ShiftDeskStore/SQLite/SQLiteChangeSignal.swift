import Foundation
import GRDB
import Synchronization

/// Polls `PRAGMA data_version` on one dedicated connection: GRDB's observation does not see
/// other processes' writes, and a pool's readers would each keep their own count
/// (STORAGE-NOTES.md). A poll costs tens of microseconds.
final class SQLiteChangeSignal: ChangeSignal {
    private let connection: DatabaseQueue
    private let path: String
    private let lastVersion = Mutex<Int?>(nil)

    init(path: String) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        do {
            connection = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: SQLiteStore.describe(error))
        }
    }

    func poll() async throws(StoreError) -> Bool {
        let version: Int
        do {
            version = try connection.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch {
            throw SQLiteErrors.map(error, path: path, busySeconds: 5)
        }
        return lastVersion.withLock { last in
            defer { last = version }
            return last.map { $0 != version } ?? false
        }
    }
}
