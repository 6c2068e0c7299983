import Foundation
import GRDB
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// Handovers (and every record beside the incidents' events) are journaled in a second hash
/// chain on every backend, and `audit verify` names a record changed behind ShiftDesk's back.
@Suite("Store contract: the record journal")
struct RecordJournalContractTests {
    let shanghai = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    /// A desk with one handover submitted at 20:10 and one of its two items acknowledged.
    func deskWithHandover(_ backend: Backend, origin: EventOrigin = .local) async throws -> (Desk, Handover) {
        let (base, clock) = try await staffedDesk(backend)
        let desk = Desk(store: base.store, clock: clock, origin: origin)
        try await desk.addOperator(Operator(login: "li.na", name: "李娜", role: .desk, shift: .night))
        let handovers = HandoverDesk(desk: desk, schedule: .standard(timeZone: shanghai))
        let first = try await desk.open(sampleDraft("打印机卡纸"), as: "zhang.wei")
        _ = try await desk.open(sampleDraft("VPN drops"), as: "zhang.wei")
        clock.advance(10 * 3600 + 600)
        var draft = try await handovers.draft(for: "zhang.wei", language: .zh)
        draft.note = "夜班注意 VPN"
        let submitted = try await handovers.submit(draft, as: "zhang.wei")
        clock.advance(1800)
        let (acked, _) = try await handovers.acknowledge(submitted.id, tickets: [first.id], note: "on it", take: false, as: "li.na")
        return (desk, acked)
    }

    @Test(arguments: Backend.available)
    func aHandoverAndItsAcknowledgementsAreJournaledAndVerify(_ backend: Backend) async throws {
        let (desk, handover) = try await deskWithHandover(backend, origin: .serve)
        let store = desk.store
        let all = try await store.journalEntries(after: 0, limit: 100)
        // The operators seated first, then the handover, its two items, then the acknowledged item again.
        let entries = all.filter { $0.state.subject == .handover || $0.state.subject == .handoverItem }
        #expect(all.prefix(all.count - 4).allSatisfy { $0.state.subject == .operator })
        #expect(entries.map(\.position) == Array(Int64(all.count - 3)...Int64(all.count)))
        #expect(entries.map(\.state.subject) == [.handover, .handoverItem, .handoverItem, .handoverItem])
        #expect(entries.map(\.actor) == ["zhang.wei", "zhang.wei", "zhang.wei", "li.na"])
        #expect(entries.allSatisfy { $0.origin == .serve })
        #expect(entries[3].state == handover.journalState(of: handover.items[0]))
        var previous = EventEncoding.genesis
        for entry in all {
            let expected = ChainHash.sha256(previous, JournalEncoding.bytes(of: entry))
            #expect(entry.hash == expected)
            previous = expected
        }
        let count = Int64(all.count)
        #expect(try await store.journalHead() == JournalHead(count: count, hash: previous))
        let result = try await AuditVerifier.verify(store, pageSize: 2)
        #expect(result.holds && result.journalChecked == all.count && result.journalHead?.count == count)
        // Acknowledging what is already acknowledged changes nothing and journals nothing.
        _ = try await HandoverDesk(desk: desk, schedule: .standard(timeZone: shanghai))
            .acknowledge(handover.id, tickets: [handover.items[0].ticket], note: "again", take: false, as: "li.na")
        #expect(try await store.journalHead()?.count == count)
    }

    @Test(arguments: Backend.available)
    func anEmptyJournalVerifies(_ backend: Backend) async throws {
        let store = try backend.makeStore()
        let result = try await AuditVerifier.verify(store)
        #expect(result.holds && result.journalChecked == 0 && result.journalHead?.count == 0)
    }

    /// `psql` behind the store's back: an edited handover note is named.
    @Test(.enabled(if: Backend.postgresServer != nil))
    func aHandoverEditedOnPostgreSQLIsNamed() async throws {
        let (desk, handover) = try await deskWithHandover(.postgres)
        let store = try #require(desk.store as? PostgresStore)
        try await store.write { session in try await session.run("UPDATE handovers SET note = 'rewritten'") }
        #expect(try await AuditVerifier.verify(store).firstBreak == .record(.recordEdited(.handover, key: String(handover.id), field: "note")))
        try await store.write { session in
            try await session.run("ALTER TABLE record_journal DISABLE TRIGGER record_journal_is_append_only")
            try await session.run("UPDATE record_journal SET actor = 'x' WHERE position = 2")
        }
        #expect(try await AuditVerifier.verify(store).firstBreak == .record(.entryEdited(position: 2)))
    }

    // MARK: SQLite, with raw SQL as the `sqlite3` shell would

    func tampered(_ sql: String) async throws -> (AuditVerification, Handover) {
        try await tampered { _ in sql }
    }

    /// `sql` from the journal's last position (the acknowledgement).
    func tampered(_ sql: (Int64) -> String) async throws -> (AuditVerification, Handover) {
        let (desk, handover) = try await deskWithHandover(.sqlite)
        let store = try #require(desk.store as? SQLiteStore)
        let last = try #require(try await store.journalHead()).count
        try SQLiteTamperingTests().tamper(store, sql(last))
        return (try await AuditVerifier.verify(store), handover)
    }

    @Test func anEditedHandoverIsNamedWithItsField() async throws {
        let (result, handover) = try await tampered("UPDATE handovers SET note = 'nothing to see'")
        #expect(result.firstBreak == .record(.recordEdited(.handover, key: String(handover.id), field: "note")))
        #expect(result.firstBreak?.message(.en) == "handover \(handover.id) was edited behind ShiftDesk's back: its note is not what was recorded")
    }

    @Test func aForgedAcknowledgementIsNamed() async throws {
        let (result, handover) = try await tampered("UPDATE handover_items SET acknowledged_by = 'sun.li' WHERE acknowledged_by = 'li.na'")
        let key = "\(handover.id)/\(handover.items[0].ticket)"
        #expect(result.firstBreak == .record(.recordEdited(.handoverItem, key: key, field: "acknowledged_by")))
    }

    @Test func aHandoverInsertedBehindTheDesksBackIsNamed() async throws {
        let (result, _) = try await tampered("""
            INSERT INTO handovers (from_shift, from_start, from_end, to_shift, to_start, to_end, prepared_by, prepared_at, note)
            VALUES ('day', 0, 1, 'night', 1, 2, 'zhang.wei', 0, 'forged')
            """)
        guard case .record(.recordInserted(.handover, _)) = result.firstBreak else {
            Issue.record("\(String(describing: result.firstBreak))")
            return
        }
    }

    @Test func aDeletedHandoverIsNamed() async throws {
        let (result, handover) = try await tampered("DELETE FROM handover_items; DELETE FROM handovers")
        #expect(result.firstBreak == .record(.recordDeleted(.handover, key: String(handover.id))))
    }

    @Test func anEditedOrRemovedJournalEntryIsNamed() async throws {
        var acknowledgement: Int64 = 0
        let (edited, _) = try await tampered { position in
            acknowledgement = position
            return "UPDATE record_journal SET fields = replace(fields, 'on it', 'on it!') WHERE position = \(position)"
        }
        #expect(edited.firstBreak == .record(.entryEdited(position: acknowledgement)))
        let (gone, _) = try await tampered("DELETE FROM record_journal WHERE position = 2")
        #expect(gone.firstBreak == .record(.entriesMissing(before: 3, count: 1)))
        var last: Int64 = 0
        let (newest, _) = try await tampered { position in
            last = position
            return "DELETE FROM record_journal WHERE position = \(position)"
        }
        #expect(newest.firstBreak == .record(.headMismatch(head: last, last: last - 1)))
    }

    /// Schema v15 journals the handovers of a desk written before it.
    @Test func theMigrationJournalsExistingHandovers() async throws {
        let path = try TemporaryFolder.make().appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(queue, upTo: "v8: queue order and change feed (urgency, breach, revision)")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO tickets (title, caller_name, channel, priority, state, tier, opened_at, version)
                VALUES ('old', 'someone', 'phone', 'general', 'new', 'desk', 0, 1);
                INSERT INTO events (ticket, actor, at, kind, changes, note) VALUES (1, 'a', 0, 'opened', '[]', NULL);
                INSERT INTO handovers (from_shift, from_start, from_end, to_shift, to_start, to_end, prepared_by, prepared_at, note)
                VALUES ('day', 0, 1000, 'night', 1000, 2000, 'zhang.wei', 900, 'old note');
                INSERT INTO handover_items (handover, position, ticket, note, acknowledged_by, acknowledged_at)
                VALUES (1, 0, 1, 'status', 'li.na', 1100);
                """)
        }
        try queue.close()
        let store = try SQLiteStore(path: path, create: false)
        let entries = try await store.journalEntries(after: 0, limit: 10)
        #expect(entries.map(\.actor) == ["zhang.wei", "li.na"])
        let result = try await AuditVerifier.verify(store)
        #expect(result.holds && result.journalChecked == 2, "\(String(describing: result.firstBreak))")
    }
}
