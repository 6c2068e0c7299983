import Foundation
import PostgresNIO
import ShiftDeskCore

// KPI summaries on PostgreSQL (schema v7). The rules are `KPISummary.use`'s, written as SQL over
// milliseconds: an instant stored as `m` is at or after a date exactly when `m` is at or after
// `Millis.threshold(date)`, and the pieces' bounds compare as the dates' own doubles.
extension PostgresStore {
    /// Replaces the ticket's rows (the mark the triggers left) with `summary`'s pieces. Leaves the
    /// mark when a text of the summary collides with another kept under the same hash, or was
    /// added by a transaction this one cannot see yet.
    @discardableResult
    static func writeSummary(_ session: PGSession, ticket: Int64, _ summary: KPISummary, registry: KPITexts.Registry) async throws -> Bool {
        guard !summary.pieces.isEmpty else { return false }
        var unknown: [Int64: String] = [:]
        for (hash, text) in KPITexts.texts(of: summary) {
            switch registry.check(hash, text) {
            case .known: continue
            case .collides: return false
            case .unknown: unknown[hash] = text
            }
        }
        if !unknown.isEmpty {
            // In one order for every writer: two inserting the same new texts wait, never in a circle.
            let hashes = unknown.keys.sorted(), list = hashes.compactMap { unknown[$0] }
            let rows = try await session.rows(PG.query { b in
                """
                WITH input AS (SELECT * FROM unnest(\(b.ints(hashes)), \(b.texts(list))) AS i(hash, text)),
                inserted AS (INSERT INTO kpi_texts (hash, text) SELECT hash, text FROM input ON CONFLICT (hash) DO NOTHING RETURNING hash, text)
                SELECT hash, text FROM inserted UNION ALL SELECT k.hash, k.text FROM kpi_texts k JOIN input USING (hash)
                """
            })
            var kept: [Int64: String] = [:]
            for row in rows { kept[try row.int("hash")] = try row.text("text") }
            for (hash, text) in unknown {
                guard kept[hash] == text else { return false }
                registry.stored(hash, text)
            }
        }
        // One statement: the pieces written over the ticket's old ones, and the old ones past the
        // new last piece removed (two disjoint sets of rows, so the order the two run in does not
        // matter). A round trip per piece was a fifth of a write's statements (issue 19).
        let policy = KPISummary.hash(summary.policy)
        let columns = ["span_start", "span_end", "valid_after", "valid_through", "backlog", "opened_at", "policy", "signature", "hours"]
        try await session.run(PG.query { b in
            let rows = summary.pieces.enumerated().map { index, piece in
                """
                (\(b.int(ticket)), \(b.int(index)), \(b.millis(summary.spanStart)), \(b.millis(summary.spanEnd)),
                 \(b.double(piece.after?.timeIntervalSinceReferenceDate)), \(b.double(piece.through?.timeIntervalSinceReferenceDate)),
                 \(b.bool(summary.backlog)), \(b.millis(summary.openedAt)), \(b.int(policy)), \(b.int(KPISummary.hash(piece.signature))),
                 \(b.double(piece.hours)))
                """
            }
            return """
                WITH trimmed AS (DELETE FROM kpi_summaries WHERE ticket = \(b.int(ticket)) AND piece >= \(b.int(summary.pieces.count)))
                INSERT INTO kpi_summaries (ticket, piece, \(columns.joined(separator: ", ")))
                VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (ticket, piece) DO UPDATE SET \(columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                """
        })
        return true
    }

    public func reportItems(_ tickets: [Int64], until: Date) async throws(StoreError) -> [ReportTicket] {
        guard !tickets.isEmpty else { return [] }
        return try await read { session in
            let stored = try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.ticketColumns) FROM tickets WHERE number = ANY(\(b.ints(tickets))) ORDER BY number"
            }).map(PostgresRows.ticket)
            var events: [Int64: [TicketEvent]] = [:]
            for row in try await session.rows(PG.query { b in
                """
                SELECT \(PostgresRows.eventColumns) FROM events
                WHERE ticket = ANY(\(b.ints(tickets))) AND at < \(b.millis(until)) ORDER BY ticket, id
                """
            }) {
                let event = try PostgresRows.event(row)
                events[event.ticket.number, default: []].append(event)
            }
            return stored.map { ReportTicket(ticket: $0, events: events[$0.id.number] ?? []) }
        }
    }

    /// The bounds of `window` for the SQL below.
    private struct Bounds: Sendable {
        let start: Int64, end: Int64, recent: Int64, reference: Double
        /// Tickets deleted behind the desk's back: their summaries count for nothing.
        var gone: [Int64] = []

        func kept(_ b: PGBinder) -> String { gone.isEmpty ? "" : " AND ticket <> ALL(\(b.ints(gone)))" }

        init(_ window: KPIWindow) {
            start = Millis.threshold(window.start)
            end = Millis.threshold(window.end)
            recent = KPISummaryRows.recentFrom(window)
            reference = window.end.timeIntervalSinceReferenceDate
        }

        /// Rows that may concern the window at all (``KPISummaryRows``): the others count in nothing.
        func mayConcern(_ b: PGBinder) -> String {
            "span_start < \(b.int(end)) AND (span_start >= \(b.int(recent)) OR \(KPISummaryRows.lasting(backlog: "backlog")))" + kept(b)
        }

        /// The piece holds at the window's end.
        func holds(_ b: PGBinder) -> String {
            let reference = b.double(self.reference)
            return "(valid_after IS NULL OR valid_after < \(reference)) AND (valid_through IS NULL OR \(reference) <= valid_through)"
        }

        /// Summarised: a summary whose span lies inside the window and whose piece holds.
        func summarised(_ b: PGBinder) -> String {
            "signature <> 0 AND span_start >= \(b.int(start)) AND span_start < \(b.int(end)) AND span_end < \(b.int(end)) AND \(holds(b))" + kept(b)
        }
    }

    public func kpiSummaryScan(_ window: KPIWindow, accepting: @escaping @Sendable (String) -> Bool) async throws(StoreError) -> KPISummaryScan {
        let scanBounds = Bounds(window)
        return try await read { session in
            // One snapshot for every query below.
            try await session.transaction {
                try await session.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                var bounds = scanBounds
                bounds.gone = try await Self.ticketsGone(session)
                var scan = KPISummaryScan()
                var groups: [Int64: KPISummaryScan.Group] = [:]
                for row in try await session.rows(PG.query { b in
                    """
                    SELECT signature, count(*)::bigint AS n, array_agg(hours) FILTER (WHERE hours IS NOT NULL) AS hours,
                           array_agg(opened_at) FILTER (WHERE backlog) AS opened
                    FROM kpi_summaries WHERE \(bounds.summarised(b)) GROUP BY signature
                    """
                }) {
                    let opened = try row.value("opened", [Int64]?.self) ?? []
                    groups[try row.int("signature")] = KPISummaryScan.Group(count: Int(try row.int("n")),
                                                                          hours: try row.value("hours", [Double]?.self) ?? [],
                                                                          openedAt: opened.map(Millis.date))
                }
                var texts: [Int64: String] = [:]
                if !groups.isEmpty {
                    for row in try await session.rows(PG.query { b in
                        "SELECT hash, text FROM kpi_texts WHERE hash = ANY(\(b.ints(Array(groups.keys))))"
                    }) {
                        texts[try row.int("hash")] = try row.text("text")
                    }
                }
                var verdicts = KPISignatureVerdicts(accepting)
                let refused = groups.keys.filter { hash in !verdicts.accepts(hash) { texts[hash] } }
                for hash in refused { groups[hash] = nil }
                scan.groups = groups
                scan.texts = verdicts.texts
                scan.backlogOpenedAt = try await session.rows(PG.query { b in
                    """
                    SELECT opened_at FROM kpi_summaries
                    WHERE \(bounds.mayConcern(b)) AND signature <> 0 AND span_end < \(b.int(bounds.start))
                      AND span_end < \(b.int(bounds.end)) AND backlog AND \(bounds.holds(b))
                    """
                }).map { row throws(StoreError) in try row.date("opened_at") }
                var replay = try await session.rows(PG.query { b in
                    """
                    SELECT DISTINCT ticket FROM kpi_summaries
                    WHERE \(bounds.mayConcern(b))
                      AND (signature = 0
                           OR (\(bounds.holds(b)) AND NOT (span_end < \(b.int(bounds.start)) AND span_end < \(b.int(bounds.end)))
                               AND NOT (span_start >= \(b.int(bounds.start)) AND span_end < \(b.int(bounds.end)))))
                    """
                }).map { row throws(StoreError) in try row.int("ticket") }
                if !refused.isEmpty {
                    replay += try await session.rows(PG.query { b in
                        "SELECT DISTINCT ticket FROM kpi_summaries WHERE signature = ANY(\(b.ints(refused))) AND \(bounds.summarised(b))"
                    }).map { row throws(StoreError) in try row.int("ticket") }
                }
                scan.replay = Array(Set(replay)).sorted()
                return scan
            }
        }
    }

    /// Tickets whose KPI summary rows outlived them; cheap when there are none (numbers have no
    /// gaps, so a count equal to the largest number proves it), as SQLite's.
    static func ticketsGone(_ session: PGSession) async throws -> [Int64] {
        guard let row = try await session.rows("""
            SELECT count(*)::bigint AS n, COALESCE(max(number), 0)::bigint AS largest,
                   (SELECT COALESCE(max(ticket), 0) FROM kpi_summaries)::bigint AS summarised FROM tickets
            """).first else { return [] }
        let count = try row.int("n"), largest = try row.int("largest"), summarised = try row.int("summarised")
        if count == largest && summarised <= largest { return [] }
        return try await session.rows(
            "SELECT DISTINCT ticket FROM kpi_summaries WHERE NOT EXISTS (SELECT 1 FROM tickets WHERE tickets.number = kpi_summaries.ticket)"
        ).map { row throws(StoreError) in try row.int("ticket") }
    }

    public func kpiTexts(_ hashes: [Int64]) async throws(StoreError) -> [Int64: String] {
        guard !hashes.isEmpty else { return [:] }
        return try await read { session in
            var texts: [Int64: String] = [:]
            for row in try await session.rows(PG.query { b in "SELECT hash, text FROM kpi_texts WHERE hash = ANY(\(b.ints(hashes)))" }) {
                texts[try row.int("hash")] = try row.text("text")
            }
            return texts
        }
    }

    public func kpiEscalationFigures(_ window: KPIWindow) async throws(StoreError) -> KPIEscalationFigures {
        let bounds = Bounds(window)
        return try await read { session in
            var figures = KPIEscalationFigures()
            func due(_ b: PGBinder) -> String {
                """
                FROM escalation_steps s JOIN tickets t ON t.number = s.ticket
                WHERE s.due_at >= \(b.int(bounds.start)) AND s.due_at < \(b.int(bounds.end)) AND t.opened_at < \(b.int(bounds.end))
                """
            }
            // Recorded a millisecond or more either side of 5 minutes is plainly on time or late;
            // the few at the edge are judged as the accumulator judges them.
            if let row = try await session.rows(PG.query { b in
                "SELECT count(*)::bigint AS due, (count(*) FILTER (WHERE s.fired_at - s.due_at < 299999))::bigint AS on_time \(due(b))"
            }).first {
                figures.stepsDue = Int(try row.int("due"))
                figures.stepsOnTime = Int(try row.int("on_time"))
            }
            for row in try await session.rows(PG.query { b in
                "SELECT s.due_at, s.fired_at \(due(b)) AND s.fired_at - s.due_at BETWEEN 299999 AND 300001"
            }) where KPIAccumulator.firedOnTime(dueAt: try row.date("due_at"), firedAt: try row.date("fired_at")) {
                figures.stepsOnTime += 1
            }
            if let row = try await session.rows(PG.query { b in
                """
                SELECT count(*)::bigint AS calls, count(o.delivered_at)::bigint AS confirmed
                FROM outbox o JOIN tickets t ON t.number = o.ticket
                WHERE o.via = 'phone' AND o.created_at >= \(b.int(bounds.start)) AND o.created_at < \(b.int(bounds.end))
                  AND t.opened_at < \(b.int(bounds.end))
                """
            }).first {
                figures.calls = Int(try row.int("calls"))
                figures.callsConfirmed = Int(try row.int("confirmed"))
            }
            return figures
        }
    }

    public func kpiSummaryStates(after: Int64, limit: Int) async throws(StoreError) -> [KPISummaryState] {
        try await read { session in
            try await session.rows(PG.query { b in
                """
                SELECT ticket, min(policy) AS policy, array_agg(signature) AS signatures FROM kpi_summaries
                WHERE ticket > \(b.int(after)) GROUP BY ticket ORDER BY ticket LIMIT \(b.int(max(0, limit)))
                """
            }).map { row throws(StoreError) in
                KPISummaryState(ticket: try row.int("ticket"), policy: try row.int("policy"), signatures: try row.value("signatures", [Int64].self))
            }
        }
    }

    public func ticketsAwaitingSummary(after: Int64, limit: Int) async throws(StoreError) -> [Int64] {
        try await read { session in
            try await session.rows(PG.query { b in
                """
                SELECT ticket FROM kpi_summaries WHERE signature = 0 AND ticket > \(b.int(after))
                ORDER BY ticket LIMIT \(b.int(max(0, limit)))
                """
            }).map { row throws(StoreError) in try row.int("ticket") }
        }
    }

    public func setKPISummaries(_ summaries: [KPISummaryWrite]) async throws(StoreError) -> Int {
        guard !summaries.isEmpty else { return 0 }
        return try await texts.writing { registry throws(StoreError) in
            try await write { session in
                registry.restart()
                var written = 0
                for entry in summaries {
                    // FOR SHARE: a write of the ticket waits for this one (and this one, for it).
                    let row = try await session.rows(PG.query { b in
                        "SELECT version FROM tickets WHERE number = \(b.int(entry.ticket.number)) FOR SHARE"
                    }).first
                    guard let version = try row?.int("version"), version == Int64(entry.version) else { continue }
                    if try await Self.writeSummary(session, ticket: entry.ticket.number, entry.summary, registry: registry) { written += 1 }
                }
                return written
            }
        }
    }
}
