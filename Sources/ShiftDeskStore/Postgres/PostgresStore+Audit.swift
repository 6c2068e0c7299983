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
