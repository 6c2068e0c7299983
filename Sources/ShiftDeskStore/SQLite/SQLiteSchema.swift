import Foundation
import GRDB
import ShiftDeskCore

/// Versioned schema of the SQLite backend. Migrations run on open; a database migrated by a
/// newer ShiftDesk is refused rather than guessed at.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: operators, tickets, events, problems") { db in
            try db.execute(sql: """
                CREATE TABLE operators (
                    login TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    shift TEXT
                );
                CREATE TABLE problems (
                    number INTEGER PRIMARY KEY AUTOINCREMENT,
                    title TEXT NOT NULL,
                    owner TEXT,
                    state TEXT NOT NULL,
                    raised_by TEXT NOT NULL,
                    raised_at INTEGER NOT NULL,
                    version INTEGER NOT NULL
                );
                CREATE TABLE tickets (
                    number INTEGER PRIMARY KEY AUTOINCREMENT,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    caller_name TEXT NOT NULL,
                    caller_phone TEXT,
                    caller_department TEXT,
                    channel TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    category TEXT,
                    affected_service TEXT,
                    state TEXT NOT NULL,
                    tier TEXT NOT NULL,
                    assignee TEXT,
                    owner TEXT,
                    opened_at INTEGER NOT NULL,
                    first_response_at INTEGER,
                    resolved_at INTEGER,
                    closed_at INTEGER,
                    resolution_note TEXT,
                    csat_score INTEGER,
                    csat_comment TEXT,
                    csat_unreachable INTEGER NOT NULL DEFAULT 0,
                    sheet_printed_at INTEGER,
                    sheet_signed_at INTEGER,
                    problem INTEGER REFERENCES problems(number),
                    backfilled INTEGER NOT NULL DEFAULT 0,
                    bypassed_desk INTEGER NOT NULL DEFAULT 0,
                    reopen_count INTEGER NOT NULL DEFAULT 0,
                    source TEXT UNIQUE,
                    version INTEGER NOT NULL
                );
                CREATE INDEX tickets_open_by_tier ON tickets(tier, priority)
                    WHERE state NOT IN ('resolved', 'closed');
                CREATE INDEX tickets_opened_at ON tickets(opened_at);
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    ticket INTEGER NOT NULL REFERENCES tickets(number),
                    actor TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    changes TEXT NOT NULL,
                    note TEXT
                );
                CREATE INDEX events_by_ticket ON events(ticket, id);
                CREATE INDEX events_by_time ON events(at);
                CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
                CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
                """)
        }
        migrator.registerMigration("v2: escalation steps and the outbox") { db in
            try db.execute(sql: """
                ALTER TABLE tickets ADD COLUMN escalation_due_at INTEGER;
                CREATE INDEX tickets_escalation_due ON tickets(escalation_due_at)
                    WHERE escalation_due_at IS NOT NULL;
                CREATE TABLE escalation_steps (
                    ticket INTEGER NOT NULL REFERENCES tickets(number),
                    priority TEXT NOT NULL,
                    level INTEGER NOT NULL,
                    due_at INTEGER NOT NULL,
                    fired_at INTEGER NOT NULL,
                    fired_by TEXT NOT NULL,
                    PRIMARY KEY (ticket, priority, level)
                );
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    ticket INTEGER NOT NULL REFERENCES tickets(number),
                    priority TEXT NOT NULL,
                    level INTEGER NOT NULL,
                    recipient_role TEXT NOT NULL,
                    address TEXT NOT NULL,
                    via TEXT NOT NULL,
                    message_id TEXT NOT NULL UNIQUE,
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    last_error TEXT,
                    claimed_until INTEGER,
                    delivered_at INTEGER,
                    confirmed_by TEXT
                );
                CREATE INDEX outbox_undelivered ON outbox(via, next_attempt_at) WHERE delivered_at IS NULL;
                CREATE INDEX outbox_by_ticket ON outbox(ticket);
                """)
        }
        migrator.registerMigration("v3: shift handovers") { db in
            try db.execute(sql: """
                CREATE TABLE handovers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    from_shift TEXT NOT NULL,
                    from_start INTEGER NOT NULL,
                    from_end INTEGER NOT NULL,
                    to_shift TEXT NOT NULL,
                    to_start INTEGER NOT NULL,
                    to_end INTEGER NOT NULL,
                    prepared_by TEXT NOT NULL,
                    prepared_at INTEGER NOT NULL,
                    note TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX handovers_by_shift ON handovers(from_start);
                CREATE TABLE handover_items (
                    handover INTEGER NOT NULL REFERENCES handovers(id),
                    position INTEGER NOT NULL,
                    ticket INTEGER NOT NULL REFERENCES tickets(number),
                    note TEXT NOT NULL DEFAULT '',
                    acknowledged_by TEXT,
                    acknowledged_at INTEGER,
                    acknowledgement_note TEXT,
                    PRIMARY KEY (handover, ticket)
                );
                CREATE INDEX handover_items_pending ON handover_items(ticket) WHERE acknowledged_at IS NULL;
                """)
        }
        migrator.registerMigration("v4: settings") { db in
            try db.execute(sql: "CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
        }
        migrator.registerMigration("v5: imports (the source's SLA verdict, when a ticket was imported)") { db in
            try db.execute(sql: """
                ALTER TABLE tickets ADD COLUMN source_made_sla INTEGER;
                ALTER TABLE tickets ADD COLUMN imported_at INTEGER;
                """)
        }
        migrator.registerMigration("v6: planned SLA deadlines") { db in
            // Forgetting the policy the plans were made with makes the next start plan every
            // open ticket, deadlines included.
            try db.execute(sql: """
                ALTER TABLE tickets ADD COLUMN respond_by INTEGER;
                ALTER TABLE tickets ADD COLUMN resolve_by INTEGER;
                DELETE FROM settings WHERE key = 'escalation.policy';
                """)
        }
        migrator.registerMigration("v7: KPI summaries") { db in
            try db.execute(sql: SQLiteSchema.kpiSummaries)
        }
        migrator.registerMigration("v8: queue order and change feed (urgency, breach, revision)") { db in
            // Urgency and breach are filled in by the replanning that forgetting the policy
            // brings about on the next start, as v6 did for the plan.
            try db.execute(sql: """
                ALTER TABLE tickets ADD COLUMN urgency REAL;
                ALTER TABLE tickets ADD COLUMN breach_at INTEGER;
                ALTER TABLE tickets ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
                UPDATE tickets SET revision = number;
                -- Every queue walks its tickets most urgent first and counts them in here, membership
                -- columns included, and closed tickets (no urgency) stay out of it however many years pile up.
                CREATE INDEX tickets_queue ON tickets(urgency, number, state, tier, priority, breach_at) WHERE urgency IS NOT NULL;
                CREATE INDEX tickets_revision ON tickets(revision);
                DELETE FROM settings WHERE key = 'escalation.policy';
                """)
        }
        migrator.registerMigration("v9: event origin and hash chain") { db in
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN origin TEXT NOT NULL DEFAULT 'local';
                ALTER TABLE events ADD COLUMN position INTEGER;
                ALTER TABLE events ADD COLUMN hash BLOB;
                CREATE TABLE chain_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_id INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    hash BLOB NOT NULL
                );
                CREATE TRIGGER chain_head_is_kept BEFORE DELETE ON chain_head
                    BEGIN SELECT RAISE(ABORT, 'the chain head is kept'); END;
                """)
            try chainExistingEvents(db)
        }
        migrator.registerMigration("v10: operator keys and disabled operators") { db in
            try db.execute(sql: SQLiteSchema.operatorKeys)
        }
        migrator.registerMigration("v11: controlled documents") { db in
            try db.execute(sql: SQLiteSchema.documentEvents)
        }
        // v11 is another branch's (documents); the migrations are named, so the gap is harmless.
        migrator.registerMigration("v12: problem life, known errors and problem events") { db in
            try db.execute(sql: SQLiteSchema.problemLife)
        }
        // After v12, which rebuilt the outbox: v13's columns are added to the rebuilt table.
        migrator.registerMigration("v13: e-mail addresses of operators and callers, messages beyond escalation") { db in
            try db.execute(sql: SQLiteSchema.messages)
        }
        migrator.registerMigration("v15: record journal (handovers and every record beside the events, chained)") { db in
            try db.execute(sql: SQLiteSchema.recordJournal)
            try journalExistingRecords(db)
        }
        migrator.registerMigration("v16: report deliveries (the reports mailed to the people the duty table names)") { db in
            try db.execute(sql: SQLiteSchema.reportDeliveries)
        }
        // Issue 14's v17 sits between v16 and v20 (another branch's): the migrations are named, so a
        // desk that has v20 already takes v17 on its next start; adding a column changes no journaled state.
        migrator.registerMigration("v17: where an imported problem came from") { db in
            try db.execute(sql: SQLiteSchema.problemSource)
        }
        // v16 (report deliveries) and v20 (the journal's histories) came from two branches; the
        // migrations are named, so a desk that has v20 and not v16 takes v16 on its next start.
        migrator.registerMigration("v19: mail about controlled documents in the outbox") { db in
            try db.execute(sql: SQLiteSchema.documentMail)
        }
        migrator.registerMigration("v20: the record journal keeps documents' and problems' histories and problems as they stand") { db in
            try journalExistingTables(db)
        }
        migrator.registerMigration("v21: the calls to make, oldest first, without reading every unconfirmed call") { db in
            try db.execute(sql: SQLiteSchema.callsToMake)
        }
        migrator.registerMigration("v22: a ticket's SLA clock beside it, and the tickets awaiting a KPI summary") { db in
            try db.execute(sql: SQLiteSchema.ticketClock)
            try clockExistingTickets(db)
        }
        return migrator
    }

    /// A write plans a ticket's next step from the clock kept beside it (``TicketClock``), not
    /// from its history; the sweep finds the incidents whose KPI summary a write left to it.
    static let ticketClock = """
        ALTER TABLE tickets ADD COLUMN clock TEXT NOT NULL DEFAULT '';
        CREATE INDEX kpi_summaries_unsummarised ON kpi_summaries(ticket) WHERE signature = 0;
        """

    /// The clock of every ticket the desk holds, folded from its events (schema v22).
    static func clockExistingTickets(_ db: Database) throws {
        let update = try db.makeStatement(sql: "UPDATE tickets SET clock = ? WHERE number = ?")
        var ticket: Int64?
        var events: [TicketEvent] = []
        func flush() throws {
            guard let number = ticket, !events.isEmpty else { return }
            try update.execute(arguments: [TicketClockText.text(TicketClock(events: events)), number])
            events.removeAll(keepingCapacity: true)
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT \(SQLiteRows.eventColumns) FROM events ORDER BY ticket, id")
        while let row = try rows.next() {
            let event = try SQLiteRows.event(row)
            if event.ticket.number != ticket {
                try flush()
                ticket = event.ticket.number
            }
            events.append(event)
        }
        try flush()
    }

    /// A console lists the oldest 200 unconfirmed calls with every load: on the 128k demo desk
    /// (40k unconfirmed) the other indexes made it read and sort every one of them before the
    /// first frame. Ordered by id, the oldest 200 are the first 200 entries.
    static let callsToMake = "CREATE INDEX outbox_calls_to_make ON outbox(id) WHERE via = 'phone' AND delivered_at IS NULL"

    /// Issue 14: problems travel in ShiftDesk's JSON export; an imported one keeps its origin,
    /// and imports are keyed by it (like tickets' `source`).
    static let problemSource = """
        ALTER TABLE problems ADD COLUMN source TEXT;
        CREATE UNIQUE INDEX problems_source ON problems(source) WHERE source IS NOT NULL;
        """

    /// The record journal (``RecordSubject``): a second hash chain beside the events', over the
    /// records that are not incidents' events (handovers and their items), append-only.
    static let recordJournal = """
        CREATE TABLE record_journal (
            position INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            key TEXT NOT NULL,
            actor TEXT NOT NULL,
            at INTEGER NOT NULL,
            origin TEXT NOT NULL,
            fields TEXT NOT NULL,
            hash BLOB NOT NULL
        );
        CREATE TRIGGER record_journal_is_append_only_update BEFORE UPDATE ON record_journal
            BEGIN SELECT RAISE(ABORT, 'the record journal is append-only'); END;
        CREATE TRIGGER record_journal_is_append_only_delete BEFORE DELETE ON record_journal
            BEGIN SELECT RAISE(ABORT, 'the record journal is append-only'); END;
        CREATE TABLE record_journal_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            count INTEGER NOT NULL,
            hash BLOB NOT NULL
        );
        CREATE TRIGGER record_journal_head_is_kept BEFORE DELETE ON record_journal_head
            BEGIN SELECT RAISE(ABORT, 'the record journal head is kept'); END;
        """

    /// Journals the records a desk already holds (schema v15), each as its own actor left it.
    static func journalExistingRecords(_ db: Database) throws {
        var head = JournalHead.empty
        try db.execute(sql: "INSERT INTO record_journal_head (id, count, hash) VALUES (1, 0, ?)", arguments: [Data(head.hash)])
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM handovers ORDER BY id")
        for id in ids {
            guard let handover = try SQLiteStore.loadHandovers(db, where: "id = ?", [id]).first else { continue }
            try SQLiteStore.appendJournal(db, Array(handover.journalStates.prefix(1)), actor: handover.preparedBy,
                                          at: handover.preparedAt, origin: .local, head: &head)
            for item in handover.items {
                try SQLiteStore.appendJournal(db, [handover.journalState(of: item)], actor: item.acknowledgedBy ?? handover.preparedBy,
                                              at: item.acknowledgedAt ?? handover.preparedAt, origin: .local, head: &head)
            }
        }
        try SQLiteStore.saveJournalHead(db, head)
    }

    /// Journals the document events, problems and problem events a desk already holds (schema v20).
    static func journalExistingTables(_ db: Database) throws {
        for table in RecordJournalRows.journaledTables {
            for row in try Row.fetchAll(db, sql: table.selectAsText) {
                let state = RecordState(subject: table.subject, key: row["k"] ?? "", names: table.columns,
                                        values: table.columns.indices.map { row["c\($0)"] })
                let author = RecordJournalRows.upgradeAuthor(of: state)
                try SQLiteStore.journal(db, [state], actor: author.actor, at: author.at, origin: .local)
            }
        }
    }

    /// Problems get their life (README, "Problems and known errors"): the fields of each step,
    /// the known error, and their own append-only history, one row per event (id, actor,
    /// instant, kind, payload) like `events`. Problems raised before have their `raised` event
    /// written here; the two states they could hold read as the new life's. The outbox also
    /// carries mail about a problem (ticket, priority and rung then empty): SQLite cannot drop a
    /// NOT NULL, so the table is rebuilt with its rows, ids and indexes.
    static let problemLife = """
        ALTER TABLE problems ADD COLUMN reason TEXT;
        ALTER TABLE problems ADD COLUMN cause TEXT;
        ALTER TABLE problems ADD COLUMN root_cause_at INTEGER;
        ALTER TABLE problems ADD COLUMN resolution TEXT;
        ALTER TABLE problems ADD COLUMN resolution_note TEXT;
        ALTER TABLE problems ADD COLUMN duplicate_of INTEGER REFERENCES problems(number);
        ALTER TABLE problems ADD COLUMN resolved_at INTEGER;
        ALTER TABLE problems ADD COLUMN closed_at INTEGER;
        ALTER TABLE problems ADD COLUMN ke_symptom TEXT;
        ALTER TABLE problems ADD COLUMN ke_workaround TEXT;
        ALTER TABLE problems ADD COLUMN ke_version INTEGER;
        ALTER TABLE problems ADD COLUMN ke_published_by TEXT;
        ALTER TABLE problems ADD COLUMN ke_published_at INTEGER;
        UPDATE problems SET state = 'new' WHERE state = 'open';
        UPDATE problems SET state = 'analysis' WHERE state = 'investigating';
        CREATE INDEX tickets_by_problem ON tickets(problem) WHERE problem IS NOT NULL;
        CREATE TABLE problem_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            problem INTEGER NOT NULL REFERENCES problems(number),
            actor TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            origin TEXT NOT NULL DEFAULT 'local'
        );
        CREATE INDEX problem_events_by_problem ON problem_events(problem, id);
        CREATE INDEX problem_events_by_time ON problem_events(at);
        INSERT INTO problem_events (problem, actor, at, kind, payload)
            SELECT number, raised_by, raised_at, 'raised', '{"changes":[],"incidents":[]}' FROM problems ORDER BY number;
        CREATE TRIGGER problem_events_are_append_only_update BEFORE UPDATE ON problem_events
            BEGIN SELECT RAISE(ABORT, 'a problem''s history is append-only'); END;
        CREATE TRIGGER problem_events_are_append_only_delete BEFORE DELETE ON problem_events
            BEGIN SELECT RAISE(ABORT, 'a problem''s history is append-only'); END;
        CREATE TABLE outbox_v12 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket INTEGER REFERENCES tickets(number),
            problem INTEGER REFERENCES problems(number),
            priority TEXT,
            level INTEGER,
            recipient_role TEXT NOT NULL,
            address TEXT NOT NULL,
            via TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT,
            claimed_until INTEGER,
            delivered_at INTEGER,
            confirmed_by TEXT,
            CHECK ((ticket IS NOT NULL AND priority IS NOT NULL AND level IS NOT NULL) OR problem IS NOT NULL)
        );
        INSERT INTO outbox_v12 (id, ticket, priority, level, recipient_role, address, via, message_id, subject, body, created_at,
                                attempts, next_attempt_at, last_error, claimed_until, delivered_at, confirmed_by)
            SELECT id, ticket, priority, level, recipient_role, address, via, message_id, subject, body, created_at,
                   attempts, next_attempt_at, last_error, claimed_until, delivered_at, confirmed_by FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v12 RENAME TO outbox;
        CREATE INDEX outbox_undelivered ON outbox(via, next_attempt_at) WHERE delivered_at IS NULL;
        CREATE INDEX outbox_by_ticket ON outbox(ticket);
        CREATE INDEX outbox_by_problem ON outbox(problem) WHERE problem IS NOT NULL;
        CREATE INDEX outbox_calls_by_time ON outbox(created_at) WHERE via = 'phone';
        """

    /// Chains the events a desk already holds, in id order, in one pass (schema v9): the
    /// append-only trigger is lifted for this one transaction only.
    static func chainExistingEvents(_ db: Database) throws {
        try db.execute(sql: "DROP TRIGGER events_are_append_only_update")
        var tail = ChainTail(ChainHead.empty)
        let update = try db.makeStatement(sql: "UPDATE events SET position = ?, hash = ? WHERE id = ?")
        var after = Int64.min
        while true {
            // A page read whole before it is written: no row is updated under a running cursor.
            let page = try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.eventColumns) FROM events WHERE id > ? ORDER BY id LIMIT 10000",
                                        arguments: [after]).map(SQLiteRows.event)
            for event in page {
                let (position, hash) = tail.append(event)
                try update.execute(arguments: [position, Data(hash), event.id])
            }
            guard let last = page.last else { break }
            after = last.id
        }
        try db.execute(sql: """
            CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
            """)
        try db.execute(sql: "INSERT INTO chain_head (id, last_id, count, hash) VALUES (1, ?, ?, ?)",
                       arguments: [tail.lastID, tail.count, Data(tail.hash)])
    }

    /// Per-incident KPI summaries (`KPISummary`): one row per piece, `signature` 0 marking an
    /// incident without one (span unknown, replayed by every report that it may concern). The
    /// triggers keep the invariant that every ticket has rows and that rows never outlive a
    /// change of the ticket or its history: any write that does not bring a summary leaves the
    /// mark, so nothing written by another path (or by hand) can make a report wrong.
    static let kpiSummaries = """
        CREATE TABLE kpi_summaries (
            ticket INTEGER NOT NULL REFERENCES tickets(number),
            piece INTEGER NOT NULL,
            span_start INTEGER NOT NULL,
            span_end INTEGER NOT NULL,
            valid_after REAL,
            valid_through REAL,
            backlog INTEGER NOT NULL,
            opened_at INTEGER NOT NULL,
            policy INTEGER NOT NULL,
            signature INTEGER NOT NULL,
            hours REAL,
            PRIMARY KEY (span_start, ticket, piece)
        ) WITHOUT ROWID;
        CREATE INDEX kpi_summaries_by_ticket ON kpi_summaries(ticket, signature);
        CREATE INDEX kpi_summaries_lasting ON kpi_summaries(span_start) WHERE \(KPISummaryRows.lasting(backlog: "backlog = 1"));
        CREATE TABLE kpi_texts (hash INTEGER PRIMARY KEY NOT NULL, text TEXT NOT NULL);
        INSERT INTO kpi_summaries (ticket, piece, span_start, span_end, backlog, opened_at, policy, signature)
            SELECT number, 0, opened_at, \(unsummarisedEnd), 0, opened_at, 0, 0 FROM tickets;
        CREATE TRIGGER kpi_summaries_new_ticket AFTER INSERT ON tickets BEGIN
            INSERT INTO kpi_summaries (ticket, piece, span_start, span_end, backlog, opened_at, policy, signature)
            VALUES (NEW.number, 0, NEW.opened_at, \(unsummarisedEnd), 0, NEW.opened_at, 0, 0);
        END;
        CREATE TRIGGER kpi_summaries_changed_ticket
            AFTER UPDATE OF version, opened_at, first_response_at, resolved_at, state, priority, backfilled, bypassed_desk ON tickets
        BEGIN
            DELETE FROM kpi_summaries WHERE ticket = OLD.number;
            INSERT INTO kpi_summaries (ticket, piece, span_start, span_end, backlog, opened_at, policy, signature)
            VALUES (NEW.number, 0, NEW.opened_at, \(unsummarisedEnd), 0, NEW.opened_at, 0, 0);
        END;
        CREATE TRIGGER kpi_summaries_new_event AFTER INSERT ON events
            WHEN EXISTS (SELECT 1 FROM kpi_summaries WHERE ticket = NEW.ticket AND signature <> 0)
        BEGIN
            DELETE FROM kpi_summaries WHERE ticket = NEW.ticket;
            INSERT INTO kpi_summaries (ticket, piece, span_start, span_end, backlog, opened_at, policy, signature)
                SELECT number, 0, opened_at, \(unsummarisedEnd), 0, opened_at, 0, 0 FROM tickets WHERE number = NEW.ticket;
        END;
        CREATE INDEX escalation_steps_by_due ON escalation_steps(due_at);
        CREATE INDEX outbox_calls_by_time ON outbox(created_at) WHERE via = 'phone';
        """

    /// Who may reach the desk over SSH: each key belongs to one operator (its fingerprint is
    /// unique), and a disabled operator keeps their history but loses their keys' access.
    static let operatorKeys = """
        ALTER TABLE operators ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE operator_keys (
            fingerprint TEXT PRIMARY KEY NOT NULL,
            login TEXT NOT NULL REFERENCES operators(login),
            type TEXT NOT NULL,
            key TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '',
            added_at INTEGER NOT NULL
        );
        CREATE INDEX operator_keys_by_login ON operator_keys(login);
        """

    /// Issue 15: the outbox carries mail about a controlled document (a version submitted, for the
    /// owners; the decision, for its submitter): no incident, no problem, the document's name. SQLite
    /// cannot change a CHECK in place, so the table is rebuilt as v12 did, every row and id kept.
    static let documentMail = """
        CREATE TABLE outbox_v19 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket INTEGER REFERENCES tickets(number),
            problem INTEGER REFERENCES problems(number),
            delivery INTEGER REFERENCES report_deliveries(id),
            priority TEXT,
            level INTEGER,
            recipient_role TEXT NOT NULL,
            address TEXT NOT NULL,
            via TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            parts TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT,
            claimed_until INTEGER,
            delivered_at INTEGER,
            confirmed_by TEXT,
            kind TEXT NOT NULL DEFAULT 'escalation',
            recipient_login TEXT,
            document TEXT,
            CHECK ((ticket IS NOT NULL AND priority IS NOT NULL AND level IS NOT NULL) OR problem IS NOT NULL OR delivery IS NOT NULL
                   OR document IS NOT NULL)
        );
        INSERT INTO outbox_v19 (id, ticket, problem, delivery, priority, level, recipient_role, address, via, message_id, subject, body,
                                parts, created_at, attempts, next_attempt_at, last_error, claimed_until, delivered_at, confirmed_by, kind,
                                recipient_login)
            SELECT id, ticket, problem, delivery, priority, level, recipient_role, address, via, message_id, subject, body,
                   parts, created_at, attempts, next_attempt_at, last_error, claimed_until, delivered_at, confirmed_by, kind,
                   recipient_login FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v19 RENAME TO outbox;
        CREATE INDEX outbox_undelivered ON outbox(via, next_attempt_at) WHERE delivered_at IS NULL;
        CREATE INDEX outbox_by_ticket ON outbox(ticket);
        CREATE INDEX outbox_by_problem ON outbox(problem) WHERE problem IS NOT NULL;
        CREATE INDEX outbox_by_delivery ON outbox(delivery) WHERE delivery IS NOT NULL;
        CREATE INDEX outbox_calls_by_time ON outbox(created_at) WHERE via = 'phone';
        """

    /// Issue 16: operators and callers have e-mail addresses, and the one outbox carries messages
    /// other than escalation steps (`kind`), addressed to an operator (`recipient_login`) whose
    /// address is looked up when the message is delivered.
    static let messages = """
        ALTER TABLE operators ADD COLUMN email TEXT;
        ALTER TABLE tickets ADD COLUMN caller_email TEXT;
        ALTER TABLE tickets ADD COLUMN customer_told_at INTEGER;
        ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'escalation';
        ALTER TABLE outbox ADD COLUMN recipient_login TEXT;
        """

    /// Issue 16: every report delivered (``ReportDelivery``), append-only and unique per report,
    /// period and sequence, so that any number of sweeps record a period's first delivery once;
    /// the outbox is rebuilt so that a message may be about a delivery (no ticket, no problem) and
    /// carry parts (the report's HTML and attachments).
    static let reportDeliveries = """
        CREATE TABLE report_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            report TEXT NOT NULL,
            period_kind TEXT NOT NULL,
            period TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            at INTEGER NOT NULL,
            delivered_by TEXT NOT NULL,
            recipients TEXT NOT NULL,
            digest TEXT NOT NULL,
            figures TEXT NOT NULL,
            message_id TEXT NOT NULL,
            UNIQUE (report, period_kind, period, sequence)
        );
        CREATE TRIGGER report_deliveries_are_append_only_update BEFORE UPDATE ON report_deliveries
            BEGIN SELECT RAISE(ABORT, 'report deliveries are append-only'); END;
        CREATE TRIGGER report_deliveries_are_append_only_delete BEFORE DELETE ON report_deliveries
            BEGIN SELECT RAISE(ABORT, 'report deliveries are append-only'); END;
        CREATE TABLE outbox_v16 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket INTEGER REFERENCES tickets(number),
            problem INTEGER REFERENCES problems(number),
            delivery INTEGER REFERENCES report_deliveries(id),
            priority TEXT,
            level INTEGER,
            recipient_role TEXT NOT NULL,
            address TEXT NOT NULL,
            via TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            parts TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_error TEXT,
            claimed_until INTEGER,
            delivered_at INTEGER,
            confirmed_by TEXT,
            kind TEXT NOT NULL DEFAULT 'escalation',
            recipient_login TEXT,
            CHECK ((ticket IS NOT NULL AND priority IS NOT NULL AND level IS NOT NULL) OR problem IS NOT NULL OR delivery IS NOT NULL)
        );
        INSERT INTO outbox_v16 (id, ticket, problem, priority, level, recipient_role, address, via, message_id, subject, body, created_at,
                                attempts, next_attempt_at, last_error, claimed_until, delivered_at, confirmed_by, kind, recipient_login)
            SELECT id, ticket, problem, priority, level, recipient_role, address, via, message_id, subject, body, created_at,
                   attempts, next_attempt_at, last_error, claimed_until, delivered_at, confirmed_by, kind, recipient_login FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v16 RENAME TO outbox;
        CREATE INDEX outbox_undelivered ON outbox(via, next_attempt_at) WHERE delivered_at IS NULL;
        CREATE INDEX outbox_by_ticket ON outbox(ticket);
        CREATE INDEX outbox_by_problem ON outbox(problem) WHERE problem IS NOT NULL;
        CREATE INDEX outbox_by_delivery ON outbox(delivery) WHERE delivery IS NOT NULL;
        CREATE INDEX outbox_calls_by_time ON outbox(created_at) WHERE via = 'phone';
        """

    /// The history of every controlled document (the SLA policy among them), one row per event,
    /// append-only like `events`: versions, approvals and acknowledgements are folded from it.
    static let documentEvents = """
        CREATE TABLE document_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document TEXT NOT NULL,
            actor TEXT NOT NULL,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL
        );
        CREATE INDEX document_events_by_document ON document_events(document, id);
        CREATE TRIGGER document_events_are_append_only_update BEFORE UPDATE ON document_events
            BEGIN SELECT RAISE(ABORT, 'the document history is append-only'); END;
        CREATE TRIGGER document_events_are_append_only_delete BEFORE DELETE ON document_events
            BEGIN SELECT RAISE(ABORT, 'the document history is append-only'); END;
        """

    /// The span end of an incident without a summary: it crosses every period's end.
    static let unsummarisedEnd = Int64.max
}
