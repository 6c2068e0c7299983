import Foundation
import GRDB
import GRDBSQLite
import ShiftDeskCore

// KPI summaries on SQLite (schema v7, `SQLiteSchema.kpiSummaries`).
extension SQLiteStore {
    /// Replaces the ticket's rows (the mark the triggers left) with `summary`'s pieces. Leaves the
    /// mark when a text of the summary collides with another kept under the same hash.
    @discardableResult
    static func writeSummary(_ db: Database, ticket: Int64, _ summary: KPISummary, registry: KPITexts.Registry) throws -> Bool {
        guard !summary.pieces.isEmpty else { return false }
        for (hash, text) in KPITexts.texts(of: summary) {
            switch registry.check(hash, text) {
            case .known:
                continue
            case .collides:
                return false
            case .unknown:
                if let stored = try String.fetchOne(db.cachedStatement(sql: "SELECT text FROM kpi_texts WHERE hash = ?"), arguments: [hash]) {
                    guard stored == text else { return false }
                } else {
                    try db.cachedStatement(sql: "INSERT INTO kpi_texts (hash, text) VALUES (?, ?)").execute(arguments: [hash, text])
                }
                registry.stored(hash, text)
            }
        }
        try db.cachedStatement(sql: "DELETE FROM kpi_summaries WHERE ticket = ?").execute(arguments: [ticket])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO kpi_summaries (ticket, piece, span_start, span_end, valid_after, valid_through, backlog, opened_at, policy, signature, hours)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let policy = KPISummary.hash(summary.policy)
        for (index, piece) in summary.pieces.enumerated() {
            try insert.execute(arguments: [ticket, index, Millis.from(summary.spanStart), Millis.from(summary.spanEnd),
                                           piece.after?.timeIntervalSinceReferenceDate, piece.through?.timeIntervalSinceReferenceDate,
                                           summary.backlog, Millis.from(summary.openedAt), policy, KPISummary.hash(piece.signature),
                                           piece.hours])
        }
        return true
    }

    /// A JSON array of numbers, for `IN (SELECT value FROM json_each(?))`.
    private static func jsonList(_ values: [Int64]) -> String { "[" + values.map(String.init).joined(separator: ",") + "]" }

    public func reportItems(_ tickets: [Int64], until: Date) async throws(StoreError) -> [ReportTicket] {
        guard !tickets.isEmpty else { return [] }
        let list = Self.jsonList(tickets)
        return try await guarded {
            try await pool.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT \(SQLiteRows.ticketColumns) FROM tickets WHERE number IN (SELECT value FROM json_each(?)) ORDER BY number
                    """, arguments: [list])
                let tickets = try rows.map(SQLiteRows.ticket)
                var events: [Int64: [TicketEvent]] = [:]
                let cursor = try Row.fetchCursor(db, sql: """
                    SELECT \(SQLiteRows.eventColumns) FROM events WHERE ticket IN (SELECT value FROM json_each(?)) AND at < ? ORDER BY ticket, id
                    """, arguments: [list, Millis.from(until)])
                while let row = try cursor.next() {
                    let event = try SQLiteRows.event(row, keeping: ReportTicket.fieldsRead)
                    events[event.ticket.number, default: []].append(event)
                }
                return tickets.map { ReportTicket(ticket: $0, events: events[$0.id.number] ?? []) }
            }
        }
    }

    /// Steps through every summary row that may concern `window` (``KPISummaryRows``): those
    /// starting shortly before it or in it, and the lasting ones before that. By the C interface:
    /// a yearly report reads a million rows, and decoding them as GRDB rows cost more than the
    /// rest of the report.
    private static func eachSummary(_ db: Database, _ window: KPIWindow,
                                    _ body: (_ use: KPISummary.Use, _ row: SummaryRow) throws -> Void) throws {
        let recent = KPISummaryRows.recentFrom(window), end = Millis.threshold(window.end)
        let columns = "span_start, span_end, valid_after, valid_through, backlog, signature, hours, opened_at, ticket"
        let queries: [(String, StatementArguments)] = [
            ("SELECT \(columns) FROM kpi_summaries WHERE span_start >= ? AND span_start < ?", [recent, end]),
            ("""
             SELECT \(columns) FROM kpi_summaries INDEXED BY kpi_summaries_lasting
             WHERE span_start < ? AND (\(KPISummaryRows.lasting(backlog: "backlog = 1")))
             """, [recent]),
        ]
        for (sql, arguments) in queries {
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(arguments)
            let raw = statement.sqliteStatement
            defer { sqlite3_reset(raw) }
            while true {
                let code = sqlite3_step(raw)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw StoreError.failure(String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let row = SummaryRow(raw)
                let use = KPISummary.use(spanStart: Millis.date(row.spanStart), spanEnd: Millis.date(row.spanEnd), after: row.after,
                                         through: row.through, backlog: row.backlog, summarised: row.signature != 0, in: window)
                try body(use, row)
            }
        }
    }

    /// One row of `eachSummary`'s query.
    struct SummaryRow {
        let raw: OpaquePointer
        let spanStart: Int64
        let spanEnd: Int64
        let signature: Int64
        let backlog: Bool

        init(_ raw: OpaquePointer) {
            self.raw = raw
            spanStart = sqlite3_column_int64(raw, 0)
            spanEnd = sqlite3_column_int64(raw, 1)
            backlog = sqlite3_column_int64(raw, 4) != 0
            signature = sqlite3_column_int64(raw, 5)
        }

        private func real(_ column: Int32) -> Double? {
            sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : sqlite3_column_double(raw, column)
        }

        var after: Date? { real(2).map { Date(timeIntervalSinceReferenceDate: $0) } }
        var through: Date? { real(3).map { Date(timeIntervalSinceReferenceDate: $0) } }
        var hours: Double? { real(6) }
        var openedAt: Date { Millis.date(sqlite3_column_int64(raw, 7)) }
        var ticket: Int64 { sqlite3_column_int64(raw, 8) }
    }

    public func kpiSummaryScan(_ window: KPIWindow, accepting: @escaping @Sendable (String) -> Bool) async throws(StoreError) -> KPISummaryScan {
        try await guarded {
            // One read transaction: the second pass, if any, sees what the first saw.
            try await pool.read { db in
                var scan = KPISummaryScan()
                // Summaries of tickets deleted behind the desk's back count for nothing.
                let gone = try Self.ticketsGone(db)
                try Self.eachSummary(db, window) { use, row in
                    if !gone.isEmpty, gone.contains(row.ticket) { return }
                    scan.add(use, ticket: row.ticket, signature: row.signature, hours: row.hours, openedAt: row.openedAt, backlog: row.backlog,
                             accepted: true)
                }
                var verdicts = KPISignatureVerdicts(accepting)
                let text = try db.cachedStatement(sql: "SELECT text FROM kpi_texts WHERE hash = ?")
                var refused: Set<Int64> = []
                for hash in scan.groups.keys where try !verdicts.accepts(hash, text: { () throws -> String? in
                    try String.fetchOne(text, arguments: [hash])
                }) {
                    refused.insert(hash)
                }
                if !refused.isEmpty {
                    for hash in refused { scan.groups[hash] = nil }
                    try Self.eachSummary(db, window) { use, row in
                        if use == .summarised, refused.contains(row.signature), !gone.contains(row.ticket) { scan.replay.append(row.ticket) }
                    }
                }
                scan.texts = verdicts.texts
                scan.replay = Array(Set(scan.replay)).sorted()
                return scan
            }
        }
    }

    public func kpiTexts(_ hashes: [Int64]) async throws(StoreError) -> [Int64: String] {
        guard !hashes.isEmpty else { return [:] }
        let list = Self.jsonList(hashes)
        return try await guarded {
            try await pool.read { db in
                var texts: [Int64: String] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT hash, text FROM kpi_texts WHERE hash IN (SELECT value FROM json_each(?))",
                                            arguments: [list]) {
                    texts[row[0]] = row[1]
                }
                return texts
            }
        }
    }

    public func kpiEscalationFigures(_ window: KPIWindow) async throws(StoreError) -> KPIEscalationFigures {
        let start = Millis.threshold(window.start), end = Millis.threshold(window.end)
        return try await guarded {
            try await pool.read { db in
                var figures = KPIEscalationFigures()
                // Recorded a millisecond or more either side of 5 minutes is plainly on time or late;
                // the few at the edge are judged as the accumulator judges them.
                let steps = try Row.fetchOne(db, sql: """
                    SELECT COUNT(*), COALESCE(SUM(s.fired_at - s.due_at < 299999), 0) FROM escalation_steps s JOIN tickets t ON t.number = s.ticket
                    WHERE s.due_at >= ? AND s.due_at < ? AND t.opened_at < ?
                    """, arguments: [start, end, end])
                figures.stepsDue = steps?[0] ?? 0
                figures.stepsOnTime = steps?[1] ?? 0
                for row in try Row.fetchAll(db, sql: """
                    SELECT s.due_at, s.fired_at FROM escalation_steps s JOIN tickets t ON t.number = s.ticket
                    WHERE s.due_at >= ? AND s.due_at < ? AND t.opened_at < ? AND s.fired_at - s.due_at BETWEEN 299999 AND 300001
                    """, arguments: [start, end, end]) {
                    if KPIAccumulator.firedOnTime(dueAt: Millis.date(row[0] as Int64), firedAt: Millis.date(row[1] as Int64)) {
                        figures.stepsOnTime += 1
                    }
                }
                let calls = try Row.fetchOne(db, sql: """
                    SELECT COUNT(*), COUNT(o.delivered_at) FROM outbox o JOIN tickets t ON t.number = o.ticket
                    WHERE o.via = 'phone' AND o.created_at >= ? AND o.created_at < ? AND t.opened_at < ?
                    """, arguments: [start, end, end])
                figures.calls = calls?[0] ?? 0
                figures.callsConfirmed = calls?[1] ?? 0
                return figures
            }
        }
    }

    public func kpiSummaryStates(after: Int64, limit: Int) async throws(StoreError) -> [KPISummaryState] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT ticket, MIN(policy), group_concat(signature) FROM kpi_summaries WHERE ticket > ?
                    GROUP BY ticket ORDER BY ticket LIMIT ?
                    """, arguments: [after, max(0, limit)]).map { row in
                    let list: String = row[2] ?? "0"
                    return KPISummaryState(ticket: row[0], policy: row[1], signatures: list.split(separator: ",").map { Int64($0) ?? 0 })
                }
            }
        }
    }

    public func ticketsAwaitingSummary(after: Int64, limit: Int) async throws(StoreError) -> [Int64] {
        try await guarded {
            try await pool.read { db in
                try Int64.fetchAll(db.cachedStatement(sql: """
                    SELECT ticket FROM kpi_summaries WHERE signature = 0 AND ticket > ? ORDER BY ticket LIMIT ?
                    """), arguments: [after, max(0, limit)])
            }
        }
    }

    public func setKPISummaries(_ summaries: [KPISummaryWrite]) async throws(StoreError) -> Int {
        guard !summaries.isEmpty else { return 0 }
        let texts = self.texts
        return try await texts.writing { registry throws(StoreError) in
            try await guarded {
                try await pool.write { db in
                    var written = 0
                    for entry in summaries {
                        let version = try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM tickets WHERE number = ?"),
                                                       arguments: [entry.ticket.number])
                        guard version == entry.version else { continue }
                        if try Self.writeSummary(db, ticket: entry.ticket.number, entry.summary, registry: registry) { written += 1 }
                    }
                    return written
                }
            }
        }
    }
}
