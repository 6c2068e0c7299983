import Foundation
import GRDB
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// What only the SQLite backend promises: its file, its mode, its refusals.
@Suite struct SQLiteStoreTests {
    @Test func createsThePrivateFileInWALModeAndReopensIt() async throws {
        let folder = try TemporaryFolder.make().appendingPathComponent("nested/deeper")
        let path = folder.appendingPathComponent("desk.sqlite").path
        let store = try SQLiteStore(path: path, create: true)
        try await store.addOperator(People.desk)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let mode = try await store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let again = try SQLiteStore(path: path, create: false)
        #expect(try await again.operators() == [People.desk])
    }

    @Test func aMissingFileIsNotCreatedUnlessAsked() throws {
        let path = try TemporaryFolder.make().appendingPathComponent("none.sqlite").path
        #expect(throws: StoreError.databaseMissing(path: path)) { _ = try SQLiteStore(path: path, create: false) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAlone() throws {
        let path = try TemporaryFolder.make().appendingPathComponent("notes.txt").path
        let content = Data("minutes of the weekly review\n".utf8)
        try content.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notADatabase(path: path)) { _ = try SQLiteStore(path: path, create: true) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func aFolderIsRefused() throws {
        let path = try TemporaryFolder.make().path
        #expect(throws: StoreError.self) { _ = try SQLiteStore(path: path, create: false) }
    }

    @Test func theEventLogIsAppendOnly() async throws {
        let (desk, _) = try await staffedDesk(.sqlite)
        _ = try await desk.open(sampleDraft(), as: "zhang.wei")
        let store = try #require(desk.store as? SQLiteStore)
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in try db.execute(sql: "UPDATE events SET actor = 'mallory'") }
        }
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in try db.execute(sql: "DELETE FROM events") }
        }
    }

    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        let path = try TemporaryFolder.make().appendingPathComponent("desk.sqlite").path
        let store = try SQLiteStore(path: path, create: true)
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        }
        #expect(throws: StoreError.newerSchema(path: path)) { _ = try SQLiteStore(path: path, create: false) }
    }

    /// A seat opening the desk while another holds it whole for a moment (the last connection of
    /// a command checkpointing as it closes) waits for it, as a write waits for the write lock: it
    /// used to fail at once, naming a write lock held "for more than 30 s" (a CI run, issue 19).
    @Test func openingADeskHeldWholeForAMomentWaits() async throws {
        let path = try TemporaryFolder.make().appendingPathComponent("desk.sqlite").path
        let first = try SQLiteStore(path: path, create: true)
        try await first.addOperator(People.desk)
        first.closeDatabase()
        #expect(SQLiteStore.fileSize(path + "-wal") == 0, "the read-only check runs on a desk whose WAL is empty")
        var exclusive = Configuration()
        exclusive.prepareDatabase { db in try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
        let holder = try DatabaseQueue(path: path, configuration: exclusive)
        // An empty exclusive transaction: the lock is taken and kept, the WAL stays empty.
        try holder.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE; COMMIT") }
        #expect(SQLiteStore.fileSize(path + "-wal") == 0)
        // Released from a thread of its own: the opening below blocks its thread, and the test
        // pool's threads may all be blocked the same way by other tests.
        let released = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            usleep(400_000)
            try? holder.close()
            released.signal()
        }
        let started = Date()
        let opened = try SQLiteStore(path: path, create: false, busyTimeout: 30)
        #expect(Date().timeIntervalSince(started) >= 0.3)
        #expect(try await opened.operators() == [People.desk])
        released.wait()
    }

    @Test func anotherConnectionsWritesAreSignalled() async throws {
        let path = try TemporaryFolder.make().appendingPathComponent("desk.sqlite").path
        let mine = try SQLiteStore(path: path, create: true)
        let signal = try mine.changeSignal()
        _ = try await signal.poll()
        // Another seat: its own store on the same file, as another process would have.
        let theirs = try SQLiteStore(path: path, create: false)
        try await theirs.addOperator(People.l1)
        #expect(try await signal.poll() == true)
        #expect(try await mine.findOperator(login: "wang.fang") == People.l1)
    }

    @Test func eventChangesAreStoredAsJSONThatReadsBackAsWritten() throws {
        let changes = [
            FieldChange(field: "title", before: nil, after: "say \"hi\" \\ back/slash\n\t\u{1B}[2J 日志 😀"),
            FieldChange(field: "assignee", before: "a", after: nil),
            FieldChange(field: "note", before: "", after: "\u{0}\u{1F}"),
        ]
        let text = try SQLiteRows.encodeChanges(changes)
        #expect(text.hasPrefix("[{\"after\":\"say \\\"hi\\\" \\\\ back/slash\\n\\t\\u001b[2J"))
        #expect(try JSONDecoder().decode([FieldChange].self, from: Data(text.utf8)) == changes)
        #expect(try SQLiteRows.encodeChanges([]) == "[]")
    }
}
