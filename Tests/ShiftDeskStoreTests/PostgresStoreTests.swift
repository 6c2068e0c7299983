import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// What the URL parser promises; needs no server.
@Suite("PostgreSQL URLs")
struct PostgresLocationTests {
    @Test func urlsAreParsedWithDefaultsAndPercentDecoding() throws {
        let full = try PostgresLocation(url: "postgres://desk%40corp:p%3Ass%2Fw@db.example:6543/shift%20desk?sslmode=require")
        #expect(full.user == "desk@corp" && full.password == "p:ss/w" && full.host == "db.example" && full.port == 6543)
        #expect(full.database == "shift desk" && full.tls == .require)
        #expect(!full.description.contains("p:ss") && !full.description.contains("p%3Ass"))
        let short = try PostgresLocation(url: "postgresql://10.0.0.5/desk")
        #expect(short.user == "postgres" && short.port == 5432 && short.tls == .prefer && short.password == nil)
        #expect(try PostgresLocation(url: "postgres://u@h/d?sslmode=disable").tls == .disable)
        #expect(try PostgresLocation(url: "postgres://u@[::1]:5433/d").host == "::1")
    }

    @Test func badURLsAreRefusedWithoutShowingThePassword() {
        for text in ["postgres://u:secret@h:99999/d", "postgres://u:secret@h/", "postgres://u:secret@h/d?sslmode=maybe",
                     "postgres://u:secret@h/d?application=x"] {
            #expect(throws: StoreError.self) { _ = try PostgresLocation(url: text) }
            do {
                _ = try PostgresLocation(url: text)
            } catch {
                #expect(!error.description.contains("secret"), "\(error.description)")
            }
        }
    }

    @Test func migrationsSplitIntoStatementsKeepingFunctionBodiesWhole() {
        let all = PostgresSchema.migrations.flatMap { PostgresSchema.statements($0.sql) }
        #expect(all.contains { $0.hasPrefix("CREATE FUNCTION shiftdesk_notify()") && $0.hasSuffix("END $$") })
        #expect(all.allSatisfy { !$0.isEmpty })
    }
}

/// What only the PostgreSQL backend promises: migrations under a lock, refusals, LISTEN/NOTIFY
/// across connections, surviving dropped connections.
@Suite("PostgreSQL store", .enabled(if: Backend.postgresServer != nil, "SHIFTDESK_TEST_POSTGRES is not set"))
struct PostgresStoreTests {
    func freshStore(create: Bool = true) throws -> PostgresStore {
        try PostgresStore(location: Backend.freshPostgresDatabase(), create: create)
    }

    @Test func seatsStartingAtOnceMigrateOnceUnderTheLock() async throws {
        let location = try Backend.freshPostgresDatabase()
        let seats = try (0..<4).map { _ in try PostgresStore(location: location, create: true) }
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for seat in seats { group.addTask { try await seat.ready() } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(versions == Array(repeating: PostgresSchema.latestVersion, count: 4))
        let applied = try await seats[0].read { session in
            try await session.rows("SELECT version FROM schema_migrations ORDER BY version").map { try $0.int("version") }
        }
        #expect(applied == PostgresSchema.migrations.map { Int64($0.version) })
        for seat in seats { await seat.close() }
    }

    @Test func aDatabaseWithoutTheDeskIsNotSetUpUnlessAsked() async throws {
        let location = try Backend.freshPostgresDatabase()
        let creator = try PostgresStore(location: location, create: true)
        try await creator.write { session in try await session.run("DROP TABLE schema_migrations") }
        // The database exists but holds no desk: refused, and nothing is created in it.
        let reader = try PostgresStore(location: location, create: false)
        await #expect(throws: StoreError.databaseMissing(path: location.description)) { try await reader.ready() }
        let missing = try freshStore(create: false)
        await #expect(throws: StoreError.databaseMissing(path: missing.location.description)) { _ = try await missing.operators() }
        await creator.close()
    }

    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        let store = try freshStore()
        try await store.write { session in
            try await session.run("INSERT INTO schema_migrations (version, name) VALUES (99, 'v99: from the future')")
        }
        let later = try PostgresStore(location: store.location, create: false)
        await #expect(throws: StoreError.newerSchema(path: store.location.description)) { try await later.ready() }
        await store.close()
    }

    @Test func theEventLogIsAppendOnly() async throws {
        let store = try freshStore()
        let desk = Desk(store: store, clock: ManualClock(t0))
        try await store.addOperator(People.desk)
        _ = try await desk.open(sampleDraft(), as: "zhang.wei")
        await #expect(throws: StoreError.self) { try await store.write { try await $0.run("UPDATE events SET actor = 'mallory'") } }
        await #expect(throws: StoreError.self) { try await store.write { try await $0.run("DELETE FROM events") } }
        await #expect(throws: StoreError.self) { try await store.write { try await $0.run("TRUNCATE events CASCADE") } }
        #expect(try await store.events(after: 0, limit: 10).first?.actor == "zhang.wei")
    }

    @Test func anUnreachableServerIsNamed() async throws {
        let store = try PostgresStore(url: "postgres://postgres@127.0.0.1:1/desk?sslmode=disable", create: false)
        do {
            _ = try await store.operators()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description.contains("cannot reach the PostgreSQL server at 127.0.0.1:1"), "\(error.description)")
        }
    }

    @Test func anotherSeatsWritesAreSignalledAndADroppedListenerComesBack() async throws {
        let mine = try freshStore()
        try await mine.ready()
        let signal = try mine.changeSignal()
        #expect(try await signal.poll() == false)
        // Another seat: its own store (own pool) on the same database, as another machine would have.
        let theirs = try PostgresStore(location: mine.location, create: false)
        try await theirs.addOperator(People.l1)
        #expect(try await signal.poll() == true)
        #expect(try await signal.poll() == false)

        // The server drops every connection to the database (as a restart does).
        try await theirs.write { session in
            try await session.run("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                """)
        }
        try await Task.sleep(nanoseconds: 200_000_000)
        // Reconnected: true, so the console re-reads the feed from where it stopped.
        #expect(try await signal.poll() == true)
        #expect(try await signal.poll() == false)
        try await theirs.addOperator(People.l2)
        #expect(try await signal.poll() == true)
        // The pools replaced their dropped connections too.
        #expect(try await mine.findOperator(login: "chen.jing") == People.l2)
        await mine.close()
        await theirs.close()
    }

    /// A change or an opening is one statement sent without BEGIN; when the connection is lost
    /// under it, it is sent again, and what the first left behind is found rather than written twice.
    @Test func aWriteWhoseConnectionIsLostIsSentAgainAndLandsOnce() async throws {
        let store = try freshStore()
        for person in People.all { try await store.addOperator(person) }
        let clock = ManualClock(t0)
        let desk = Desk(store: store, clock: clock)
        let ticket = try await desk.open(sampleDraft("VPN"), as: People.desk.login)
        // The first event inserted after this ends its own backend (as a server restart would),
        // the statement rolled back with it; the sequence counts outside the transaction.
        try await store.write { session in
            try await session.run("CREATE SEQUENCE lose_once")
            try await session.run("""
                CREATE FUNCTION lose_once() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('lose_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
                    RETURN NULL;
                END $$
                """)
            try await session.run("CREATE TRIGGER lose_once AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION lose_once()")
        }
        clock.advance(60)
        try await desk.perform(.note("once"), on: ticket.id, as: People.desk.login)
        #expect(try await store.events(of: ticket.id).filter { $0.note == "once" }.count == 1)
        // Sent twice: the trigger ran on the lost statement and on the one sent again.
        let sends = { () async throws -> Int64 in
            try await store.read { session in try await session.rows("SELECT last_value FROM lose_once").first?.int("last_value") ?? 0 }
        }
        #expect(try await sends() == 2)
        try await store.write { session in try await session.run("ALTER SEQUENCE lose_once RESTART") }
        clock.advance(60)
        let opened = try await desk.open(sampleDraft("打印机"), as: People.desk.login)
        #expect(try await store.tickets(TicketQuery()).filter { $0.title == "打印机" }.map(\.id) == [opened.id])
        #expect(try await sends() == 2)
        #expect(try await AuditVerifier.verify(store).firstBreak == nil)

        // Had the first landed before the connection was lost, the second finds it.
        let current = try #require(try await store.ticket(ticket.id))
        clock.advance(60)
        let note = TicketEvent(ticket: ticket.id, actor: People.desk.login, at: clock.now(), kind: .noted, changes: [], note: "landed")
        let (written, event) = try await store.updateTicket(current, event: note, summary: nil)
        let found = try await store.read { session in try await PostgresStore.leftBehind(session, note, on: current.id) }
        #expect(found?.ticket.version == written.version && found?.last == event)
        var changed = note
        changed.note = "another"
        let other = changed
        #expect(try await store.read { session in try await PostgresStore.leftBehind(session, other, on: current.id) } == nil)
        // Another seat wrote after it: it is found all the same, with the ticket as it is now.
        clock.advance(1)
        try await desk.perform(.note("later, by another seat"), on: ticket.id, as: People.l1.login)
        let afterAnother = try await store.read { session in try await PostgresStore.leftBehind(session, note, on: current.id) }
        #expect(afterAnother?.last == event && afterAnother?.ticket.version == written.version + 1)
        let opening = try #require(try await store.events(of: opened.id).first)
        #expect(try await store.read { session in try await PostgresStore.leftBehind(session, opening, on: nil) }?.ticket.id == opened.id)
        await store.close()
    }
}
