import Foundation
import PostgresNIO
import ShiftDeskCore

// The record on PostgreSQL: the event chain as `audit verify` reads it (SQLite's twin).
extension PostgresStore {
    /// ``PostgresRows/eventColumns``, then position, hash (hex) and whether the ticket exists.
    static let chainColumns = """
        \(PostgresRows.eventColumns), position, encode(hash, 'hex') AS hash,
        EXISTS (SELECT 1 FROM tickets WHERE tickets.number = events.ticket) AS ticket_exists
        """

    /// A row of ``chainColumns``; a row that does not read as an event is kept, marked unreadable.
    static func chainLink(_ row: PGRow) throws(StoreError) -> ChainLink {
        let id = try row.int("id")
        let ticket = TicketID(try row.int("ticket"))
        var readable = true
        let event: TicketEvent
        do {
            event = try PostgresRows.event(row)
        } catch {
            readable = false
            event = TicketEvent(id: id, ticket: ticket, actor: (try? row.text("actor")) ?? "", at: (try? row.date("at")) ?? Date(timeIntervalSince1970: 0),
                                kind: .noted, changes: [])
        }
        let hash = try row.optionalText("hash").map { ChainHash.bytes(hex: $0) ?? [] }
        return ChainLink(event: event, position: try row.optionalInt("position"), hash: hash,
                         ticketExists: try row.value("ticket_exists", Bool.self), readable: readable)
    }

    public func chainSnapshot() async throws(StoreError) -> ChainSnapshot {
        try await read { session in
            // One statement, one snapshot.
            let rows = try await session.rows("""
                SELECT (SELECT COALESCE(max(id), 0) FROM events)::bigint AS last_event, h.last_id, h.count, encode(h.hash, 'hex') AS hash
                FROM (SELECT 1) AS one LEFT JOIN chain_head h ON h.id = 1
                """)
            guard let row = rows.first else { return ChainSnapshot(head: nil, lastEventID: 0) }
            var head: ChainHead?
            if let lastID = try row.optionalInt("last_id") {
                head = ChainHead(lastID: lastID, count: try row.optionalInt("count") ?? 0,
                                 hash: ChainHash.bytes(hex: try row.optionalText("hash") ?? "") ?? [])
            }
            return ChainSnapshot(head: head, lastEventID: try row.int("last_event"))
        }
    }

    public func chainLinks(after: Int64, through: Int64, limit: Int) async throws(StoreError) -> [ChainLink] {
        try await read { session in
            try await session.rows(PG.query { b in
                """
                SELECT \(Self.chainColumns) FROM events WHERE id > \(b.int(after)) AND id <= \(b.int(through))
                ORDER BY id LIMIT \(b.int(max(0, limit)))
                """
            }).map(Self.chainLink)
        }
    }

    public func chainLink(before id: Int64) async throws(StoreError) -> ChainLink? {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(Self.chainColumns) FROM events WHERE id < \(b.int(id)) ORDER BY id DESC LIMIT 1"
            }).first.map(Self.chainLink)
        }
    }

    public func chainEvent(atPosition position: Int64) async throws(StoreError) -> Int64? {
        try await read { session in
            try await session.rows(PG.query { b in "SELECT id FROM events WHERE position = \(b.int(position)) ORDER BY id LIMIT 1" })
                .first.map { row throws(StoreError) in try row.int("id") }
        }
    }

    public func recordOrphans(limit: Int) async throws(StoreError) -> RecordOrphans {
        try await read { session in
            let summaries = try await session.rows(PG.query { b in
                """
                SELECT DISTINCT ticket FROM kpi_summaries
                WHERE NOT EXISTS (SELECT 1 FROM tickets WHERE tickets.number = kpi_summaries.ticket) ORDER BY ticket LIMIT \(b.int(max(0, limit)))
                """
            }).map { row throws(StoreError) in TicketID(try row.int("ticket")) }
            let tickets = try await session.rows(PG.query { b in
                """
                SELECT number FROM tickets WHERE NOT EXISTS (SELECT 1 FROM events WHERE events.ticket = tickets.number)
                ORDER BY number LIMIT \(b.int(max(0, limit)))
                """
            }).map { row throws(StoreError) in TicketID(try row.int("number")) }
            return RecordOrphans(summariesWithoutTicket: summaries, ticketsWithoutEvents: tickets)
        }
    }
}

// The record journal (``RecordSubject``): written in the transaction of the record it journals.
extension PostgresStore {
    /// The journal's end, its row locked until the transaction ends: journal writers queue
    /// behind each other, so the journal follows commit order.
    static func lockedJournalHead(_ session: PGSession) async throws -> JournalHead {
        if let row = try await session.rows("SELECT count, encode(hash, 'hex') AS hash FROM record_journal_head WHERE id = 1 FOR UPDATE").first {
            return JournalHead(count: try row.int("count"), hash: ChainHash.bytes(hex: try row.text("hash")) ?? [])
        }
        // Head removed by hand: carry on from the newest entry, and `audit verify` names it.
        if let row = try await session.rows("SELECT position, encode(hash, 'hex') AS hash FROM record_journal ORDER BY position DESC LIMIT 1").first {
            return JournalHead(count: try row.int("position"), hash: ChainHash.bytes(hex: try row.text("hash")) ?? [])
        }
        return .empty
    }

    static func appendJournal(_ session: PGSession, _ states: [RecordState], actor: String, at instant: Date, origin: EventOrigin,
                              head: inout JournalHead) async throws {
        for entry in RecordJournalRows.chain(states, actor: actor, at: instant, origin: origin, after: &head) {
            let fields = try RecordJournalRows.encodeFields(entry.state.fields)
            let hex = EventEncoding.hex(entry.hash ?? [])
            try await session.run(PG.query { b in
                """
                INSERT INTO record_journal (position, subject, key, actor, at, origin, fields, hash)
                VALUES (\(b.int(entry.position)), \(b.text(entry.state.subject.rawValue)), \(b.text(entry.state.key)), \(b.text(entry.actor)),
                        \(b.millis(entry.at)), \(b.text(entry.origin.rawValue)), \(b.text(fields)), decode(\(b.text(hex)), 'hex'))
                """
            })
        }
    }

    /// Appends `states` to the journal after its (locked) head and saves the new head: one write's entries.
    static func journal(_ session: PGSession, _ states: [RecordState], actor: String, at instant: Date, origin: EventOrigin) async throws {
        var head = try await lockedJournalHead(session)
        try await appendJournal(session, states, actor: actor, at: instant, origin: origin, head: &head)
        try await saveJournalHead(session, head)
    }

    /// Journals one row of `table` as it now stands (no fields when it is gone), by the administrator.
    static func journalRow(_ session: PGSession, _ table: RecordJournalRows.JournaledTable, key: String, at instant: Date) async throws {
        let row = try await session.rows(PG.query { b in table.selectOneAsText(keyPlaceholder: b.text(key)) }).first
        let values = try table.columns.indices.map { index throws(StoreError) in try row?.optionalText("c\(index)") }
        let state = RecordState(subject: table.subject, key: key, names: row == nil ? [] : table.columns, values: values)
        try await journal(session, [state], actor: RecordJournalRows.administrator, at: instant, origin: .local)
    }

    static func saveJournalHead(_ session: PGSession, _ head: JournalHead) async throws {
        let hex = EventEncoding.hex(head.hash)
        try await session.run(PG.query { b in
            """
            INSERT INTO record_journal_head (id, count, hash) VALUES (1, \(b.int(head.count)), decode(\(b.text(hex)), 'hex'))
            ON CONFLICT (id) DO UPDATE SET count = excluded.count, hash = excluded.hash
            """
        })
    }

    public func journalHead() async throws(StoreError) -> JournalHead? {
        try await read { session in
            try await session.rows("SELECT count, encode(hash, 'hex') AS hash FROM record_journal_head WHERE id = 1").first.map { row throws(StoreError) in
                JournalHead(count: try row.int("count"), hash: ChainHash.bytes(hex: try row.text("hash")) ?? [])
            }
        }
    }

    public func journalEntries(after position: Int64, limit: Int) async throws(StoreError) -> [JournalEntry] {
        try await read { session in
            try await session.rows(PG.query { b in
                """
                SELECT position, subject, key, actor, at, origin, fields, encode(hash, 'hex') AS hash FROM record_journal
                WHERE position > \(b.int(position)) ORDER BY position LIMIT \(b.int(max(0, limit)))
                """
            }).map { row throws(StoreError) in
                RecordJournalRows.entry(position: try row.int("position"), subject: try row.text("subject"), key: try row.text("key"),
                                        actor: try row.text("actor"), at: try row.int("at"), origin: try row.text("origin"),
                                        fields: try row.text("fields"), hash: ChainHash.bytes(hex: try row.text("hash")))
            }
        }
    }

    public func journaledRecords() async throws(StoreError) -> [RecordState] {
        try await read { session in
            let handovers = try await Self.loadHandovers(session, PG.query { _ in
                "SELECT \(PostgresRows.handoverColumns) FROM handovers ORDER BY id"
            }).flatMap(\.journalStates)
            var rows: [RecordState] = []
            for table in RecordJournalRows.journaledTables {
                for row in try await session.rows(PG.query { _ in table.selectAsText }) {
                    rows.append(RecordState(subject: table.subject, key: try row.text("k"), names: table.columns,
                                            values: try table.columns.indices.map { index throws(StoreError) in try row.optionalText("c\(index)") }))
                }
            }
            return handovers + rows
        }
    }
}
