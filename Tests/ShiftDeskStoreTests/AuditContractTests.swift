import Foundation
import GRDB
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// The record on every backend: every insertion path chains, origins are kept, backdating is
/// refused, and `AuditVerifier` names what was changed behind the store's back.
@Suite("Store contract: the record")
struct AuditContractTests {
    /// A desk written through every insertion path: open, perform, insert, import.
    func writtenEveryWay(_ backend: Backend, origin: EventOrigin = .local) async throws -> (Desk, ManualClock) {
        let (base, clock) = try await staffedDesk(backend)
        let desk = Desk(store: base.store, clock: clock, origin: origin)
        let summaries = KPISummaryContractTests()
        let first = try await desk.open(sampleDraft("VPN 断线"), as: People.desk.login)
        clock.advance(60)
        try await desk.perform(.note("看一下 looking"), on: first.id, as: People.desk.login)
        try await desk.perform(.escalate(to: .l1, note: nil), on: first.id, as: People.desk.login)
        try await summaries.insertHistory(into: desk)
        try await summaries.importHistory(into: desk)
        clock.advance(60)
        try await desk.perform(.take, on: first.id, as: People.l1.login)
        return (desk, clock)
    }

    @Test(arguments: Backend.available)
    func everyInsertionPathChainsAndTheWalkHolds(_ backend: Backend) async throws {
        let (desk, _) = try await writtenEveryWay(backend)
        let store = desk.store
        let result = try await AuditVerifier.verify(store, pageSize: 3)
        #expect(result.firstBreak == nil)
        let last = try await store.lastEventID()
        #expect(result.checked == Int(last))
        #expect(result.head?.lastID == last && result.head?.count == last)
        // Each stored hash is SHA-256(previous hash ‖ canonical encoding), from 32 zero bytes.
        var previous = EventEncoding.genesis
        for (index, link) in try await store.chainLinks(after: 0, through: last, limit: 1000).enumerated() {
            #expect(link.position == Int64(index + 1))
            let expected = ChainHash.sha256(previous, EventEncoding.bytes(of: link.event, position: Int64(index + 1)))
            #expect(link.hash == expected)
            previous = expected
        }
        #expect(result.head?.hash == previous)
        // From the middle: the chain before is taken as it is.
        let partial = try await AuditVerifier.verify(store, from: 4)
        #expect(partial.firstBreak == nil && partial.checked == Int(last) - 3)
    }

    @Test(arguments: Backend.available)
    func theOriginIsStampedOnEveryEventAndKeptInTheChain(_ backend: Backend) async throws {
        let (desk, _) = try await writtenEveryWay(backend, origin: .serve)
        let events = try await desk.store.events(after: 0, limit: 1000)
        #expect(!events.isEmpty && events.allSatisfy { $0.origin == .serve })
        #expect(events.first?.json.serialized().contains("\"origin\":\"serve\"") == true)
        let (local, _) = try await staffedDesk(backend)
        let ticket = try await local.open(sampleDraft(), as: People.desk.login)
        #expect(try await local.store.events(of: ticket.id).map(\.origin) == [.local])
        // The same event with another origin encodes differently.
        var event = events[0]
        let serve = EventEncoding.bytes(of: event, position: 1)
        event.origin = .local
        #expect(EventEncoding.bytes(of: event, position: 1) != serve)
    }

    @Test(arguments: Backend.available)
    func anActionDatedBeforeTheTicketsLatestEventIsRefusedAndWritesNothing(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let ticket = try await desk.open(sampleDraft(), as: People.desk.login)
        clock.advance(600)
        try await desk.perform(.note("first look"), on: ticket.id, as: People.desk.login)
        let latest = clock.now()
        let before = try await desk.store.events(of: ticket.id)
        clock.advance(-1)
        await #expect(throws: DeskError.backdated(ticket: ticket.id, latest: latest, attempted: clock.now())) {
            try await desk.perform(.note("late"), on: ticket.id, as: People.desk.login)
        }
        #expect(try await desk.store.events(of: ticket.id) == before)
        let message = DeskError.backdated(ticket: ticket.id, latest: latest, attempted: clock.now())
            .message(.en, timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt)
        #expect(message.contains(DisplayTime.format(latest, in: TimeZone(identifier: "Asia/Shanghai") ?? .gmt)))
        // The same instant as the latest event is not backdating.
        clock.advance(1)
        try await desk.perform(.note("same instant"), on: ticket.id, as: People.desk.login)
        #expect(try await AuditVerifier.verify(desk.store).holds)
    }

    /// `psql` behind the store's back: an edited event and a deleted ticket are named.
    @Test(.enabled(if: Backend.postgresServer != nil))
    func editsOnPostgreSQLAreNamed() async throws {
        let (desk, _) = try await writtenEveryWay(.postgres)
        let store = try #require(desk.store as? PostgresStore)
        try await store.write { session in
            try await session.run("ALTER TABLE events DISABLE TRIGGER events_are_append_only")
            try await session.run("UPDATE events SET note = 'rewritten' WHERE id = 2")
            try await session.run("ALTER TABLE events ENABLE TRIGGER events_are_append_only")
        }
        #expect(try await AuditVerifier.verify(store).firstBreak == .edited(event: 2, ticket: TicketID(1)))
        let (other, _) = try await writtenEveryWay(.postgres)
        let second = try #require(other.store as? PostgresStore)
        try await second.write { session in
            try await session.run("SET LOCAL session_replication_role = replica")
            try await session.run("DELETE FROM tickets WHERE number = 1")
        }
        #expect(try await AuditVerifier.verify(second).firstBreak == .ticketGone(event: 1, ticket: TicketID(1)))
    }


    /// PostgreSQL hashes a change's event on the server from the bytes after its id; SQLite in
    /// the process. Every field an event can hold, absent, empty or wide, hashes the same, and a
    /// change refused for its version takes no id and leaves the chain as it was.
    @Test(arguments: Backend.available)
    func everyFieldOfAChangeHashesAsTheVerifierReadsIt(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        var ticket = try await desk.open(sampleDraft("打印机 🖨 offline"), as: People.desk.login)
        let variants: [(note: String?, changes: [FieldChange])] = [
            (nil, []),
            ("", [FieldChange(field: "state", before: nil, after: "in_progress")]),
            ("多字节 ✓ \u{1F600} \"quoted\" \\ back", [FieldChange(field: "assignee", before: "amy.chen", after: nil),
                                                   FieldChange(field: "title", before: "", after: String(repeating: "长", count: 400))]),
        ]
        for variant in variants {
            clock.advance(60)
            let event = TicketEvent(ticket: ticket.id, actor: People.desk.login, at: clock.now(), kind: .noted,
                                    changes: variant.changes, note: variant.note)
            ticket = try await desk.store.updateTicket(ticket, event: event, summary: nil).0
        }
        let last = try await desk.store.lastEventID()
        var stale = ticket
        stale.version -= 1
        await #expect(throws: StoreError.self) {
            try await desk.store.updateTicket(stale, event: TicketEvent(ticket: ticket.id, actor: People.desk.login, at: clock.now(),
                                                                         kind: .noted, changes: []), summary: nil)
        }
        #expect(try await desk.store.lastEventID() == last)
        let result = try await AuditVerifier.verify(desk.store)
        #expect(result.firstBreak == nil && result.checked == Int(last) && result.head?.count == last)
        let stored = try await desk.store.events(of: ticket.id).suffix(3)
        #expect(stored.map(\.note) == variants.map(\.note))
        #expect(stored.map(\.changes) == variants.map(\.changes))
    }
    @Test(arguments: Backend.available)
    func anEmptyDeskVerifies(_ backend: Backend) async throws {
        let store = try backend.makeStore()
        let result = try await AuditVerifier.verify(store)
        #expect(result.holds && result.checked == 0)
    }
}

/// Changes made behind ShiftDesk's back, with raw SQL as the `sqlite3` shell would: each is named.
@Suite("The record: tampering on SQLite")
struct SQLiteTamperingTests {
    func tamper(_ store: SQLiteStore, _ sql: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: store.path, configuration: configuration)
        try queue.writeWithoutTransaction { db in
            for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                try db.execute(sql: "DROP TRIGGER \(trigger)")
            }
            try db.execute(sql: sql)
        }
        try queue.close()
    }

    func desk() async throws -> (Desk, SQLiteStore) {
        let (desk, _) = try await AuditContractTests().writtenEveryWay(.sqlite)
        guard let store = desk.store as? SQLiteStore else { throw StoreError.failure("not SQLite") }
        return (desk, store)
    }

    @Test func anEditedEventIsNamed() async throws {
        let (_, store) = try await desk()
        try tamper(store, "UPDATE events SET actor = 'x' WHERE id = 5")
        let result = try await AuditVerifier.verify(store)
        guard case let .edited(event, _) = result.firstBreak else { Issue.record("\(String(describing: result.firstBreak))"); return }
        #expect(event == 5 && result.checked == 4)
        #expect(result.firstBreak?.message(.en).contains("event 5") == true)
    }

    @Test func aDeletedEventIsNamed() async throws {
        let (_, store) = try await desk()
        try tamper(store, "DELETE FROM events WHERE id = 3")
        let result = try await AuditVerifier.verify(store)
        #expect(result.firstBreak == .missing(after: 2, before: 4, count: 1))
        #expect(result.firstBreak?.message(.en) == "event 3 is missing: the chain goes from event 2 to event 4")
    }

    @Test func theNewestEventsDeletedAreSeenByTheHead() async throws {
        let (_, store) = try await desk()
        let last = try await store.lastEventID()
        try tamper(store, "DELETE FROM events WHERE id >= \(last - 1)")
        let result = try await AuditVerifier.verify(store)
        #expect(result.firstBreak == .missingAtEnd(after: last - 2, count: 2, head: last))
    }

    @Test func anInsertedEventIsNamed() async throws {
        let (_, store) = try await desk()
        let last = try await store.lastEventID()
        try tamper(store, "INSERT INTO events (ticket, actor, at, kind, changes, note) VALUES (1, 'x', 0, 'noted', '[]', 'forged')")
        let result = try await AuditVerifier.verify(store)
        #expect(result.firstBreak == .unchained(event: last + 1, ticket: TicketID(1)))
        // With a forged position and hash, it is still after the head.
        let (_, other) = try await desk()
        try tamper(other, "INSERT INTO events (ticket, actor, at, kind, changes, note, position, hash) VALUES (1, 'x', 0, 'noted', '[]', 'f', \(last + 1), x'00')")
        #expect(try await AuditVerifier.verify(other).firstBreak == .insertedAfterHead(event: last + 1, ticket: TicketID(1), head: last))
    }

    @Test func reorderedEventsAreNamed() async throws {
        let (_, store) = try await desk()
        try tamper(store, "UPDATE events SET id = -1 WHERE id = 3; UPDATE events SET id = 3 WHERE id = 4; UPDATE events SET id = 4 WHERE id = -1")
        let result = try await AuditVerifier.verify(store)
        guard case let .reordered(event, _, position, expected, at) = result.firstBreak else {
            Issue.record("\(String(describing: result.firstBreak))"); return
        }
        #expect(event == 3 && position == 4 && expected == 3 && at == 4)
    }

    /// A ticket deleted with the `sqlite3` shell (foreign keys off) is named, and the yearly
    /// report no longer counts it (it used to: its KPI summary stayed behind).
    @Test func aDeletedTicketIsNamedAndReportsNoLongerCountIt() async throws {
        let (desk, _) = try await KPISummaryContractTests().busyDesk(.sqlite)
        guard let store = desk.store as? SQLiteStore else { throw StoreError.failure("not SQLite") }
        let year = try #require(ReportPeriod(kind: .year, label: "2026", timeZone: KPISummaryContractTests.shanghai))
        let asked = Desk(store: store, clock: FixedClock(t0.addingTimeInterval(40 * 86_400)), policy: desk.policy)
        let before = try await ReportLoader(desk: asked).report(for: year)
        // The summaries were written (not replayed): the deleted ticket would count through them.
        #expect(try await store.kpiSummaryStates(after: 0, limit: 1).first?.signatures.contains(0) == false)
        try tamper(store, "DELETE FROM tickets WHERE number = 1")
        let result = try await AuditVerifier.verify(store)
        #expect(result.firstBreak == .ticketGone(event: 1, ticket: TicketID(1)))
        let after = try await ReportLoader(desk: asked).report(for: year)
        let opened = { (report: KPIReport) in report.openedByPriority.values.reduce(0, +) }
        #expect(opened(after) == opened(before) - 1)
        #expect(after == (try await ReportLoader(desk: asked).replayedReport(for: year)))
        // With its events gone too, the events are named missing and the ticket by its summary.
        try tamper(store, "DELETE FROM events WHERE ticket = 1")
        let gone = try await AuditVerifier.verify(store)
        guard case let .missing(_, _, _, ticket) = gone.firstBreak else { Issue.record("\(String(describing: gone.firstBreak))"); return }
        #expect(ticket == TicketID(1))
    }

    /// Schema v9 chains the events of a desk written before it, in id order.
    @Test func theMigrationChainsAnExistingDesk() async throws {
        let path = try TemporaryFolder.make().appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(queue, upTo: "v8: queue order and change feed (urgency, breach, revision)")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO tickets (title, caller_name, channel, priority, state, tier, opened_at, version)
                VALUES ('old', 'someone', 'phone', 'general', 'new', 'desk', 0, 1);
                INSERT INTO events (ticket, actor, at, kind, changes, note) VALUES (1, 'a', 0, 'opened', '[]', NULL);
                INSERT INTO events (ticket, actor, at, kind, changes, note) VALUES (1, 'b', 1000, 'noted', '[{"after":"x","field":"f"}]', 'n');
                """)
        }
        try queue.close()
        let store = try SQLiteStore(path: path, create: false)
        let result = try await AuditVerifier.verify(store)
        #expect(result.holds && result.checked == 2 && result.head?.lastID == 2)
        #expect(try await store.events(of: TicketID(1)).map(\.origin) == [.local, .local])
        // The append-only guarantee is back after the migration.
        let raw = try DatabaseQueue(path: path)
        await #expect(throws: DatabaseError.self) { try await raw.write { db in try db.execute(sql: "UPDATE events SET actor = 'z'") } }
        try raw.close()
    }
}
