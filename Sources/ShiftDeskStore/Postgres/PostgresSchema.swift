import Foundation
import ShiftDeskCore

/// Versioned schema of the PostgreSQL backend, the same tables and meaning as `SQLiteSchema`'s
/// v1..v7. Instants are `bigint` milliseconds since 1970 UTC, as in SQLite.
///
/// Numbers (tickets, problems, handovers) and event ids come from rows of `counters`, taken
/// with a row lock inside the writing transaction, not from sequences: a rolled-back write
/// leaves no gap (as SQLite), and event ids follow commit order, so a console that has read
/// the feed up to id N never misses an event committed later with a smaller id.
///
/// Every table a console shows fires `pg_notify('shiftdesk_events', …)` once per statement;
/// PostgreSQL folds the identical notifications of a transaction into one.
enum PostgresSchema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let sql: String
        /// Work SQL alone cannot do, run after `sql` in the same transaction.
        var then: (@Sendable (PGSession) async throws -> Void)? = nil
    }

    static let channel = "shiftdesk_events"

    /// Serialises migrations of every seat on the server (`pg_advisory_xact_lock`).
    static let migrationLock: Int64 = 0x5348_4946_5444_534B  // "SHIFTDSK"

    static let migrations: [Migration] = [
        Migration(version: 1, name: "v1: operators, tickets, events, problems", sql: """
            CREATE TABLE counters (
                name text PRIMARY KEY,
                value bigint NOT NULL
            );
            INSERT INTO counters (name, value) VALUES ('tickets', 0), ('events', 0), ('problems', 0);
            CREATE TABLE operators (
                login text PRIMARY KEY,
                name text NOT NULL,
                role text NOT NULL,
                shift text
            );
            CREATE TABLE problems (
                number bigint PRIMARY KEY,
                title text NOT NULL,
                owner text,
                state text NOT NULL,
                raised_by text NOT NULL,
                raised_at bigint NOT NULL,
                version bigint NOT NULL
            );
            CREATE TABLE tickets (
                number bigint PRIMARY KEY,
                title text NOT NULL,
                description text NOT NULL DEFAULT '',
                caller_name text NOT NULL,
                caller_phone text,
                caller_department text,
                channel text NOT NULL,
                priority text NOT NULL,
                category text,
                affected_service text,
                state text NOT NULL,
                tier text NOT NULL,
                assignee text,
                owner text,
                opened_at bigint NOT NULL,
                first_response_at bigint,
                resolved_at bigint,
                closed_at bigint,
                resolution_note text,
                csat_score bigint,
                csat_comment text,
                csat_unreachable boolean NOT NULL DEFAULT false,
                sheet_printed_at bigint,
                sheet_signed_at bigint,
                problem bigint REFERENCES problems(number),
                backfilled boolean NOT NULL DEFAULT false,
                bypassed_desk boolean NOT NULL DEFAULT false,
                reopen_count bigint NOT NULL DEFAULT 0,
                source text UNIQUE,
                version bigint NOT NULL
            );
            CREATE INDEX tickets_open_by_tier ON tickets(tier, priority) WHERE state NOT IN ('resolved', 'closed');
            CREATE INDEX tickets_opened_at ON tickets(opened_at);
            CREATE TABLE events (
                id bigint PRIMARY KEY,
                ticket bigint NOT NULL REFERENCES tickets(number),
                actor text NOT NULL,
                at bigint NOT NULL,
                kind text NOT NULL,
                changes text NOT NULL,
                note text
            );
            CREATE INDEX events_by_ticket ON events(ticket, id);
            CREATE INDEX events_by_time ON events(at);
            CREATE FUNCTION shiftdesk_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the event log is append-only';
            END $$;
            CREATE TRIGGER events_are_append_only BEFORE UPDATE OR DELETE ON events
                FOR EACH ROW EXECUTE FUNCTION shiftdesk_events_are_append_only();
            CREATE TRIGGER events_are_not_truncated BEFORE TRUNCATE ON events
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_events_are_append_only();
            CREATE FUNCTION shiftdesk_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('shiftdesk_events', TG_TABLE_NAME);
                RETURN NULL;
            END $$;
            CREATE TRIGGER events_notify AFTER INSERT ON events
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_notify();
            CREATE TRIGGER operators_notify AFTER INSERT OR UPDATE OR DELETE ON operators
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_notify();
            CREATE TRIGGER problems_notify AFTER INSERT OR UPDATE ON problems
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_notify();
            """),
        Migration(version: 2, name: "v2: escalation steps and the outbox", sql: """
            ALTER TABLE tickets ADD COLUMN escalation_due_at bigint;
            CREATE INDEX tickets_escalation_due ON tickets(escalation_due_at) WHERE escalation_due_at IS NOT NULL;
            CREATE TABLE escalation_steps (
                ticket bigint NOT NULL REFERENCES tickets(number),
                priority text NOT NULL,
                level bigint NOT NULL,
                due_at bigint NOT NULL,
                fired_at bigint NOT NULL,
                fired_by text NOT NULL,
                PRIMARY KEY (ticket, priority, level)
            );
            CREATE TABLE outbox (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                ticket bigint NOT NULL REFERENCES tickets(number),
                priority text NOT NULL,
                level bigint NOT NULL,
                recipient_role text NOT NULL,
                address text NOT NULL,
                via text NOT NULL,
                message_id text NOT NULL UNIQUE,
                subject text NOT NULL,
                body text NOT NULL,
                created_at bigint NOT NULL,
                attempts bigint NOT NULL DEFAULT 0,
                next_attempt_at bigint NOT NULL,
                last_error text,
                claimed_until bigint,
                delivered_at bigint,
                confirmed_by text
            );
            CREATE INDEX outbox_undelivered ON outbox(via, next_attempt_at) WHERE delivered_at IS NULL;
            CREATE INDEX outbox_by_ticket ON outbox(ticket);
            CREATE TRIGGER escalation_steps_notify AFTER INSERT ON escalation_steps
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_notify();
            CREATE TRIGGER outbox_notify AFTER INSERT OR UPDATE ON outbox
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_notify();
            """),
        Migration(version: 3, name: "v3: shift handovers", sql: """
            INSERT INTO counters (name, value) VALUES ('handovers', 0);
            CREATE TABLE handovers (
                id bigint PRIMARY KEY,
                from_shift text NOT NULL,
                from_start bigint NOT NULL,
                from_end bigint NOT NULL,
                to_shift text NOT NULL,
                to_start bigint NOT NULL,
                to_end bigint NOT NULL,
                prepared_by text NOT NULL,
                prepared_at bigint NOT NULL,
                note text NOT NULL DEFAULT ''
            );
            CREATE INDEX handovers_by_shift ON handovers(from_start);
            CREATE TABLE handover_items (
                handover bigint NOT NULL REFERENCES handovers(id),
                position bigint NOT NULL,
                ticket bigint NOT NULL REFERENCES tickets(number),
                note text NOT NULL DEFAULT '',
                acknowledged_by text,
                acknowledged_at bigint,
                acknowledgement_note text,
                PRIMARY KEY (handover, ticket)
            );
            CREATE INDEX handover_items_pending ON handover_items(ticket) WHERE acknowledged_at IS NULL;
            CREATE TRIGGER handover_items_notify AFTER INSERT OR UPDATE ON handover_items
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_notify();
            """),
        Migration(version: 4, name: "v4: settings", sql: """
            CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
            """),
        Migration(version: 5, name: "v5: imports (the source's SLA verdict, when a ticket was imported)", sql: """
            ALTER TABLE tickets ADD COLUMN source_made_sla boolean;
            ALTER TABLE tickets ADD COLUMN imported_at bigint;
            """),
        Migration(version: 6, name: "v6: planned SLA deadlines", sql: """
            ALTER TABLE tickets ADD COLUMN respond_by bigint;
            ALTER TABLE tickets ADD COLUMN resolve_by bigint;
            DELETE FROM settings WHERE key = 'escalation.policy';
            """),
        // Per-incident KPI summaries, as SQLite's v7 (`SQLiteSchema.kpiSummaries`): every ticket has
        // rows; any write of a ticket or its history that brings no summary leaves the mark
        // (`signature` 0: replayed by reports).
        Migration(version: 7, name: "v7: KPI summaries", sql: """
            CREATE TABLE kpi_summaries (
                ticket bigint NOT NULL REFERENCES tickets(number),
                piece bigint NOT NULL,
                span_start bigint NOT NULL,
                span_end bigint NOT NULL,
                valid_after double precision,
                valid_through double precision,
                backlog boolean NOT NULL,
                opened_at bigint NOT NULL,
                policy bigint NOT NULL,
                signature bigint NOT NULL,
                hours double precision,
                PRIMARY KEY (ticket, piece)
            );
            CREATE INDEX kpi_summaries_by_span ON kpi_summaries(span_start);
            CREATE INDEX kpi_summaries_lasting ON kpi_summaries(span_start) WHERE \(KPISummaryRows.lasting(backlog: "backlog"));
            CREATE TABLE kpi_texts (hash bigint PRIMARY KEY, text text NOT NULL);
            INSERT INTO kpi_summaries (ticket, piece, span_start, span_end, backlog, opened_at, policy, signature)
                SELECT number, 0, opened_at, 9223372036854775807, false, opened_at, 0, 0 FROM tickets;
            CREATE FUNCTION shiftdesk_kpi_unsummarise(written bigint) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM kpi_summaries WHERE ticket = written;
                INSERT INTO kpi_summaries (ticket, piece, span_start, span_end, backlog, opened_at, policy, signature)
                    SELECT number, 0, opened_at, 9223372036854775807, false, opened_at, 0, 0 FROM tickets WHERE number = written;
            END $$;
            CREATE FUNCTION shiftdesk_kpi_ticket_written() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM shiftdesk_kpi_unsummarise(NEW.number);
                RETURN NULL;
            END $$;
            CREATE TRIGGER kpi_summaries_new_ticket AFTER INSERT ON tickets
                FOR EACH ROW EXECUTE FUNCTION shiftdesk_kpi_ticket_written();
            CREATE TRIGGER kpi_summaries_changed_ticket
                AFTER UPDATE OF version, opened_at, first_response_at, resolved_at, state, priority, backfilled, bypassed_desk ON tickets
                FOR EACH ROW EXECUTE FUNCTION shiftdesk_kpi_ticket_written();
            CREATE FUNCTION shiftdesk_kpi_event_written() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM kpi_summaries WHERE ticket = NEW.ticket AND signature <> 0) THEN
                    PERFORM shiftdesk_kpi_unsummarise(NEW.ticket);
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER kpi_summaries_new_event AFTER INSERT ON events
                FOR EACH ROW EXECUTE FUNCTION shiftdesk_kpi_event_written();
            CREATE INDEX escalation_steps_by_due ON escalation_steps(due_at);
            CREATE INDEX outbox_calls_by_time ON outbox(created_at) WHERE via = 'phone';
            """),
        Migration(version: 8, name: "v8: queue order and change feed (urgency, breach, revision)", sql: """
            ALTER TABLE tickets ADD COLUMN urgency double precision;
            ALTER TABLE tickets ADD COLUMN breach_at bigint;
            ALTER TABLE tickets ADD COLUMN revision bigint NOT NULL DEFAULT 0;
            UPDATE tickets SET revision = number;
            INSERT INTO counters (name, value) SELECT 'revisions', COALESCE(MAX(number), 0) FROM tickets;
            -- Every queue walks its tickets most urgent first and counts them in here, membership
            -- columns included, and closed tickets (no urgency) stay out of it however many years pile up.
            CREATE INDEX tickets_queue ON tickets(urgency, number, state, tier, priority, breach_at) WHERE urgency IS NOT NULL;
            CREATE INDEX tickets_revision ON tickets(revision);
            DELETE FROM settings WHERE key = 'escalation.policy';
            """),
        // Event origin and the hash chain, as SQLite's v9: the events already stored are chained
        // in id order by `chainExistingEvents` in the same transaction.
        Migration(version: 9, name: "v9: event origin and hash chain", sql: """
            ALTER TABLE events ADD COLUMN origin text NOT NULL DEFAULT 'local';
            ALTER TABLE events ADD COLUMN position bigint;
            ALTER TABLE events ADD COLUMN hash bytea;
            CREATE TABLE chain_head (
                id bigint PRIMARY KEY CHECK (id = 1),
                last_id bigint NOT NULL,
                count bigint NOT NULL,
                hash bytea NOT NULL
            );
            CREATE FUNCTION shiftdesk_chain_head_is_kept() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the chain head is kept';
            END $$;
            CREATE TRIGGER chain_head_is_kept BEFORE DELETE OR TRUNCATE ON chain_head
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_chain_head_is_kept();
            """, then: chainExistingEvents),
        Migration(version: 10, name: "v10: operator keys and disabled operators", sql: """
            ALTER TABLE operators ADD COLUMN disabled boolean NOT NULL DEFAULT false;
            CREATE TABLE operator_keys (
                fingerprint text PRIMARY KEY,
                login text NOT NULL REFERENCES operators(login),
                type text NOT NULL,
                key text NOT NULL,
                comment text NOT NULL DEFAULT '',
                added_at bigint NOT NULL
            );
            CREATE INDEX operator_keys_by_login ON operator_keys(login);
            """),
        // Controlled documents, as SQLite's v11: an append-only history, ids from `counters`.
        Migration(version: 11, name: "v11: controlled documents", sql: """
            INSERT INTO counters (name, value) VALUES ('document_events', 0);
            CREATE TABLE document_events (
                id bigint PRIMARY KEY,
                document text NOT NULL,
                actor text NOT NULL,
                at bigint NOT NULL,
                kind text NOT NULL,
                payload text NOT NULL
            );
            CREATE INDEX document_events_by_document ON document_events(document, id);
            CREATE FUNCTION shiftdesk_document_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the document history is append-only';
            END $$;
            CREATE TRIGGER document_events_are_append_only BEFORE UPDATE OR DELETE ON document_events
                FOR EACH ROW EXECUTE FUNCTION shiftdesk_document_events_are_append_only();
            CREATE TRIGGER document_events_are_not_truncated BEFORE TRUNCATE ON document_events
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_document_events_are_append_only();
            CREATE TRIGGER document_events_notify AFTER INSERT ON document_events
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_notify();
            """),
        // v11 is another branch's (documents); versions are applied by number, so the gap is harmless.
        Migration(version: 12, name: "v12: problem life, known errors and problem events", sql: """
            ALTER TABLE problems ADD COLUMN reason text;
            ALTER TABLE problems ADD COLUMN cause text;
            ALTER TABLE problems ADD COLUMN root_cause_at bigint;
            ALTER TABLE problems ADD COLUMN resolution text;
            ALTER TABLE problems ADD COLUMN resolution_note text;
            ALTER TABLE problems ADD COLUMN duplicate_of bigint REFERENCES problems(number);
            ALTER TABLE problems ADD COLUMN resolved_at bigint;
            ALTER TABLE problems ADD COLUMN closed_at bigint;
            ALTER TABLE problems ADD COLUMN ke_symptom text;
            ALTER TABLE problems ADD COLUMN ke_workaround text;
            ALTER TABLE problems ADD COLUMN ke_version bigint;
            ALTER TABLE problems ADD COLUMN ke_published_by text;
            ALTER TABLE problems ADD COLUMN ke_published_at bigint;
            UPDATE problems SET state = 'new' WHERE state = 'open';
            UPDATE problems SET state = 'analysis' WHERE state = 'investigating';
            CREATE INDEX tickets_by_problem ON tickets(problem) WHERE problem IS NOT NULL;
            CREATE TABLE problem_events (
                id bigint PRIMARY KEY,
                problem bigint NOT NULL REFERENCES problems(number),
                actor text NOT NULL,
                at bigint NOT NULL,
                kind text NOT NULL,
                payload text NOT NULL,
                origin text NOT NULL DEFAULT 'local'
            );
            CREATE INDEX problem_events_by_problem ON problem_events(problem, id);
            CREATE INDEX problem_events_by_time ON problem_events(at);
            INSERT INTO problem_events (id, problem, actor, at, kind, payload)
                SELECT row_number() OVER (ORDER BY number), number, raised_by, raised_at, 'raised', '{"changes":[],"incidents":[]}'
                FROM problems;
            INSERT INTO counters (name, value) SELECT 'problem_events', count(*) FROM problem_events;
            CREATE FUNCTION shiftdesk_problem_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'a problem''s history is append-only';
            END $$;
            CREATE TRIGGER problem_events_are_append_only BEFORE UPDATE OR DELETE ON problem_events
                FOR EACH ROW EXECUTE FUNCTION shiftdesk_problem_events_are_append_only();
            CREATE TRIGGER problem_events_are_not_truncated BEFORE TRUNCATE ON problem_events
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_problem_events_are_append_only();
            CREATE TRIGGER problem_events_notify AFTER INSERT ON problem_events
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_notify();
            ALTER TABLE outbox ALTER COLUMN ticket DROP NOT NULL;
            ALTER TABLE outbox ALTER COLUMN priority DROP NOT NULL;
            ALTER TABLE outbox ALTER COLUMN level DROP NOT NULL;
            ALTER TABLE outbox ADD COLUMN problem bigint REFERENCES problems(number);
            ALTER TABLE outbox ADD CONSTRAINT outbox_is_about_something
                CHECK ((ticket IS NOT NULL AND priority IS NOT NULL AND level IS NOT NULL) OR problem IS NOT NULL);
            CREATE INDEX outbox_by_problem ON outbox(problem) WHERE problem IS NOT NULL;
            """),
        // Issue 16: as SQLiteSchema.messages.
        Migration(version: 13, name: "v13: e-mail addresses of operators and callers, messages beyond escalation", sql: """
            ALTER TABLE operators ADD COLUMN email text;
            ALTER TABLE tickets ADD COLUMN caller_email text;
            ALTER TABLE tickets ADD COLUMN customer_told_at bigint;
            ALTER TABLE outbox ADD COLUMN kind text NOT NULL DEFAULT 'escalation';
            ALTER TABLE outbox ADD COLUMN recipient_login text;
            """),
        // The record journal, as SQLite's v15: the handovers already stored are journaled by
        // `journalExistingRecords` in the same transaction.
        Migration(version: 15, name: "v15: record journal (handovers and every record beside the events, chained)", sql: """
            CREATE TABLE record_journal (
                position bigint PRIMARY KEY,
                subject text NOT NULL,
                key text NOT NULL,
                actor text NOT NULL,
                at bigint NOT NULL,
                origin text NOT NULL,
                fields text NOT NULL,
                hash bytea NOT NULL
            );
            CREATE FUNCTION shiftdesk_record_journal_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the record journal is append-only';
            END $$;
            CREATE TRIGGER record_journal_is_append_only BEFORE UPDATE OR DELETE ON record_journal
                FOR EACH ROW EXECUTE FUNCTION shiftdesk_record_journal_is_append_only();
            CREATE TRIGGER record_journal_is_not_truncated BEFORE TRUNCATE ON record_journal
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_record_journal_is_append_only();
            CREATE TABLE record_journal_head (
                id bigint PRIMARY KEY CHECK (id = 1),
                count bigint NOT NULL,
                hash bytea NOT NULL
            );
            CREATE TRIGGER record_journal_head_is_kept BEFORE DELETE OR TRUNCATE ON record_journal_head
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_chain_head_is_kept();
            """, then: journalExistingRecords),
        // Report deliveries, as SQLite's v16 (there the outbox is rebuilt; here its check is replaced).
        Migration(version: 16, name: "v16: report deliveries (the reports mailed to the people the duty table names)", sql: """
            CREATE TABLE report_deliveries (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                report text NOT NULL,
                period_kind text NOT NULL,
                period text NOT NULL,
                sequence bigint NOT NULL,
                at bigint NOT NULL,
                delivered_by text NOT NULL,
                recipients text NOT NULL,
                digest text NOT NULL,
                figures text NOT NULL,
                message_id text NOT NULL,
                UNIQUE (report, period_kind, period, sequence)
            );
            CREATE FUNCTION shiftdesk_report_deliveries_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'report deliveries are append-only';
            END $$;
            CREATE TRIGGER report_deliveries_are_append_only BEFORE UPDATE OR DELETE ON report_deliveries
                FOR EACH ROW EXECUTE FUNCTION shiftdesk_report_deliveries_are_append_only();
            CREATE TRIGGER report_deliveries_are_not_truncated BEFORE TRUNCATE ON report_deliveries
                FOR EACH STATEMENT EXECUTE FUNCTION shiftdesk_report_deliveries_are_append_only();
            ALTER TABLE outbox ADD COLUMN delivery bigint REFERENCES report_deliveries(id);
            ALTER TABLE outbox ADD COLUMN parts text NOT NULL DEFAULT '';
            ALTER TABLE outbox DROP CONSTRAINT outbox_is_about_something;
            ALTER TABLE outbox ADD CONSTRAINT outbox_is_about_something
                CHECK ((ticket IS NOT NULL AND priority IS NOT NULL AND level IS NOT NULL) OR problem IS NOT NULL OR delivery IS NOT NULL);
            CREATE INDEX outbox_by_delivery ON outbox(delivery) WHERE delivery IS NOT NULL;
            """),
        // Issue 14 (between v16 and v20, which came from other branches; applied by version, so a database at v20 takes it): an imported problem keeps where it came from; imports are keyed by it.
        Migration(version: 17, name: "v17: where an imported problem came from", sql: """
            ALTER TABLE problems ADD COLUMN source text;
            CREATE UNIQUE INDEX problems_source ON problems (source) WHERE source IS NOT NULL;
            """),
        // Issue 15: as SQLiteSchema.documentMail.
        Migration(version: 19, name: "v19: mail about controlled documents in the outbox", sql: """
            ALTER TABLE outbox ADD COLUMN document text;
            ALTER TABLE outbox DROP CONSTRAINT outbox_is_about_something;
            ALTER TABLE outbox ADD CONSTRAINT outbox_is_about_something
                CHECK ((ticket IS NOT NULL AND priority IS NOT NULL AND level IS NOT NULL) OR problem IS NOT NULL OR delivery IS NOT NULL
                       OR document IS NOT NULL);
            """),
        // As SQLite's v20.
        Migration(version: 20, name: "v20: the record journal keeps documents' and problems' histories and problems as they stand",
                  sql: "SELECT 1", then: journalExistingTables),
        // As SQLite's v21.
        Migration(version: 21, name: "v21: the calls to make, oldest first, without reading every unconfirmed call",
                  sql: "CREATE INDEX outbox_calls_to_make ON outbox(id) WHERE via = 'phone' AND delivered_at IS NULL"),
        // As SQLite's v22.
        Migration(version: 22, name: "v22: a ticket's SLA clock beside it, and the tickets awaiting a KPI summary", sql: """
            ALTER TABLE tickets ADD COLUMN clock text NOT NULL DEFAULT '';
            CREATE INDEX kpi_summaries_unsummarised ON kpi_summaries(ticket) WHERE signature = 0;
            """, then: clockExistingTickets),
    ]

    /// The clock of every ticket the database holds, folded from its events (schema v22), a
    /// thousand tickets at a time.
    static func clockExistingTickets(_ session: PGSession) async throws {
        var after: Int64 = 0
        while true {
            let batch = try await session.rows(PG.query { b in
                "SELECT number FROM tickets WHERE number > \(b.int(after)) ORDER BY number LIMIT 1000"
            }).map { row throws(StoreError) in try row.int("number") }
            guard let last = batch.last else { return }
            after = last
            let rows = try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.eventColumns) FROM events WHERE ticket = ANY(\(b.ints(batch))) ORDER BY ticket, id"
            })
            var histories: [Int64: [TicketEvent]] = [:]
            for row in rows {
                let event = try PostgresRows.event(row)
                histories[event.ticket.number, default: []].append(event)
            }
            let numbers = histories.keys.sorted()
            guard !numbers.isEmpty else { continue }
            try await session.run(PG.query { b in
                """
                UPDATE tickets SET clock = c.clock
                FROM unnest(\(b.ints(numbers)), \(b.texts(numbers.map { TicketClockText.text(TicketClock(events: histories[$0] ?? [])) })))
                    AS c(number, clock)
                WHERE tickets.number = c.number
                """
            })
        }
    }

    /// Journals the handovers a database already holds (schema v15), each as its own actor left it.
    static func journalExistingRecords(_ session: PGSession) async throws {
        var head = JournalHead.empty
        try await session.run(PG.query { b in
            "INSERT INTO record_journal_head (id, count, hash) VALUES (1, 0, decode(\(b.text(EventEncoding.hex(head.hash))), 'hex'))"
        })
        let handovers = try await PostgresStore.loadHandovers(session, PG.query { _ in
            "SELECT \(PostgresRows.handoverColumns) FROM handovers ORDER BY id"
        })
        for handover in handovers {
            try await PostgresStore.appendJournal(session, Array(handover.journalStates.prefix(1)), actor: handover.preparedBy,
                                                  at: handover.preparedAt, origin: .local, head: &head)
            for item in handover.items {
                try await PostgresStore.appendJournal(session, [handover.journalState(of: item)], actor: item.acknowledgedBy ?? handover.preparedBy,
                                                      at: item.acknowledgedAt ?? handover.preparedAt, origin: .local, head: &head)
            }
        }
        try await PostgresStore.saveJournalHead(session, head)
    }

    /// Journals the document events, problems and problem events a database already holds (schema v20).
    static func journalExistingTables(_ session: PGSession) async throws {
        for table in RecordJournalRows.journaledTables {
            for row in try await session.rows(PG.query { _ in table.selectAsText }) {
                let state = RecordState(subject: table.subject, key: try row.text("k"), names: table.columns,
                                        values: try table.columns.indices.map { index throws(StoreError) in try row.optionalText("c\(index)") })
                let author = RecordJournalRows.upgradeAuthor(of: state)
                try await PostgresStore.journal(session, [state], actor: author.actor, at: author.at, origin: .local)
            }
        }
    }

    /// Chains the events a database already holds, in id order, a page at a time; the
    /// append-only trigger is lifted inside this transaction only.
    static func chainExistingEvents(_ session: PGSession) async throws {
        try await session.run("ALTER TABLE events DISABLE TRIGGER events_are_append_only")
        var tail = ChainTail(ChainHead.empty)
        var after = Int64.min
        while true {
            let page = try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.eventColumns) FROM events WHERE id > \(b.int(after)) ORDER BY id LIMIT 5000"
            }).map(PostgresRows.event)
            guard let last = page.last else { break }
            var ids: [Int64] = [], positions: [Int64] = [], hashes: [String] = []
            for event in page {
                let (position, hash) = tail.append(event)
                ids.append(event.id)
                positions.append(position)
                hashes.append(EventEncoding.hex(hash))
            }
            try await session.run(PG.query { b in
                """
                UPDATE events SET position = v.position, hash = decode(v.hash, 'hex')
                FROM unnest(\(b.ints(ids)), \(b.ints(positions)), \(b.texts(hashes))) AS v(id, position, hash)
                WHERE events.id = v.id
                """
            })
            after = last.id
        }
        try await session.run("ALTER TABLE events ENABLE TRIGGER events_are_append_only")
        let hex = EventEncoding.hex(tail.hash)
        try await session.run(PG.query { b in
            "INSERT INTO chain_head (id, last_id, count, hash) VALUES (1, \(b.int(tail.lastID)), \(b.int(tail.count)), decode(\(b.text(hex)), 'hex'))"
        })
    }

    /// The oldest server (`server_version_num`) the statements run on: `sha256()` came in 11.
    static let oldestServer: Int64 = 110_000

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The statements of a migration one by one (the extended protocol takes one at a time):
    /// split at `;` outside `$$ … $$` bodies.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        var previous: Character = " "
        for character in sql {
            if character == "$" && previous == "$" { inBody.toggle() }
            if character == ";" && !inBody {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { statements.append(statement) }
                current = ""
            } else {
                current.append(character)
            }
            previous = character == "$" && previous == "$" ? " " : character
        }
        let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !statement.isEmpty { statements.append(statement) }
        return statements
    }
}
