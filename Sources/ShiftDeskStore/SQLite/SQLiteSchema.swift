import GRDB

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
        return migrator
    }
}
