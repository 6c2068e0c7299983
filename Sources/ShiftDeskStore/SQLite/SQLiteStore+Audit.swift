import Foundation
import GRDB
import ShiftDeskCore

extension SQLiteRows {
    /// The head row, nil when it is missing.
    static func chainHead(_ db: Database) throws -> ChainHead? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT last_id, count, hash FROM chain_head WHERE id = 1")) else { return nil }
        let hash: Data = row[2] ?? Data()
        return ChainHead(lastID: row[0] ?? 0, count: row[1] ?? 0, hash: Array(hash))
    }

    /// ``eventColumns``, then position, hash and whether the ticket exists.
    static let chainColumns = "\(eventColumns), position, hash, EXISTS (SELECT 1 FROM tickets WHERE tickets.number = events.ticket)"

    /// A row of ``chainColumns``; a row that does not read as an event is kept, marked unreadable.
    static func chainLink(_ row: Row) -> ChainLink {
        let id: Int64 = row[0] ?? 0
        let ticket = TicketID(row[1] ?? 0)
        let event: TicketEvent
        var readable = true
        do {
            event = try SQLiteRows.event(row)
        } catch {
            readable = false
            event = TicketEvent(id: id, ticket: ticket, actor: row[2] ?? "", at: Millis.date(row[3] ?? 0), kind: .noted, changes: [])
        }
        let hash: Data? = row[9]
        return ChainLink(event: event, position: row[8], hash: hash.map(Array.init), ticketExists: row[10] ?? false, readable: readable)
    }
}

// The record: the event chain as `audit verify` reads it, backups and restores.
extension SQLiteStore {
    public func chainSnapshot() async throws(StoreError) -> ChainSnapshot {
        try await guarded {
            try await pool.read { db in
                ChainSnapshot(head: try SQLiteRows.chainHead(db),
                              lastEventID: try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM events") ?? 0)
            }
        }
    }

    public func chainLinks(after: Int64, through: Int64, limit: Int) async throws(StoreError) -> [ChainLink] {
        try await guarded {
            try await pool.read { db in
                var links: [ChainLink] = []
                links.reserveCapacity(max(0, min(limit, 100_000)))
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT \(SQLiteRows.chainColumns) FROM events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?
                    """, arguments: [after, through, max(0, limit)])
                while let row = try rows.next() { links.append(SQLiteRows.chainLink(row)) }
                return links
            }
        }
    }

    public func chainLink(before id: Int64) async throws(StoreError) -> ChainLink? {
        try await guarded {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.chainColumns) FROM events WHERE id < ? ORDER BY id DESC LIMIT 1",
                                 arguments: [id]).map(SQLiteRows.chainLink)
            }
        }
    }

    public func chainEvent(atPosition position: Int64) async throws(StoreError) -> Int64? {
        try await guarded {
            try await pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM events WHERE position = ? ORDER BY id LIMIT 1", arguments: [position])
            }
        }
    }

    public func recordOrphans(limit: Int) async throws(StoreError) -> RecordOrphans {
        try await guarded {
            try await pool.read { db in
                let summaries = try Int64.fetchAll(db, sql: """
                    SELECT DISTINCT ticket FROM kpi_summaries WHERE ticket NOT IN (SELECT number FROM tickets) ORDER BY ticket LIMIT ?
                    """, arguments: [max(0, limit)])
                let tickets = try Int64.fetchAll(db, sql: """
                    SELECT number FROM tickets WHERE NOT EXISTS (SELECT 1 FROM events WHERE events.ticket = tickets.number)
                    ORDER BY number LIMIT ?
                    """, arguments: [max(0, limit)])
                return RecordOrphans(summariesWithoutTicket: summaries.map(TicketID.init), ticketsWithoutEvents: tickets.map(TicketID.init))
            }
        }
    }

    /// Tickets whose KPI summary rows outlived them (deleted behind the desk's back). Cheap when
    /// there are none: ticket numbers are handed out without gaps, so a count equal to the
    /// largest number, with no summary beyond it, proves every summary has its ticket.
    static func ticketsGone(_ db: Database) throws -> Set<Int64> {
        guard let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(MAX(number), 0) FROM tickets") else { return [] }
        let count: Int64 = row[0] ?? 0, largest: Int64 = row[1] ?? 0
        let largestSummarised = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(ticket), 0) FROM kpi_summaries") ?? 0
        if count == largest && largestSummarised <= largest { return [] }
        return Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT ticket FROM kpi_summaries WHERE ticket NOT IN (SELECT number FROM tickets)"))
    }

    /// Closes the database (a backup or a restore is done with it) and folds its WAL into the
    /// file: the pool's last connection to close is a read-only one, which leaves the WAL
    /// behind, so one read-write connection opens and closes last.
    public func closeDatabase() {
        try? pool.close()
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        if let queue = try? DatabaseQueue(path: path, configuration: configuration) {
            _ = try? queue.inDatabase { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try? queue.close()
        }
    }

    /// Writes a consistent copy of the desk to `path` (`VACUUM INTO`, one read transaction:
    /// seats keep writing meanwhile). The file is made here with mode 0600; one that exists is
    /// refused, and nothing is left at `path` on failure.
    public func backup(to path: String) async throws(StoreError) {
        try Self.createEmptyPrivateFile(path)
        do {
            try await guarded {
                // Outside a transaction (VACUUM refuses one), on a reader: writers carry on.
                try await pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
            }
        } catch {
            unlink(path)
            throw error
        }
    }

    /// A new empty file with mode 0600, refused when something is already there.
    static func createEmptyPrivateFile(_ path: String) throws(StoreError) {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it already exists; pick a new name (a backup never overwrites a file)" : String(cString: strerror(errno))
            throw StoreError.cannotOpen(path: path, reason: reason)
        }
        fchmod(descriptor, 0o600)
        close(descriptor)
    }

    /// Whether another process has the SQLite database at `path` open: every connection in WAL
    /// mode holds a shared lock on the dead-man switch byte of the `-shm` file (offset 128 in
    /// SQLite's unix VFS) for as long as it is open.
    public static func isInUse(_ path: String) -> Bool {
        let descriptor = open(path + "-shm", O_RDWR)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 128
        lock.l_len = 1
        guard fcntl(descriptor, F_GETLK, &lock) == 0 else { return true }
        return lock.l_type != Int16(F_UNLCK)
    }
}

extension SQLiteStore {
    /// A consistent copy of the SQLite database at `source` (opened read-only, never changed)
    /// into the new file `target` (mode 0600; refused when it exists; removed on failure).
    public static func copy(from source: String, to target: String) throws(StoreError) {
        guard FileManager.default.fileExists(atPath: source) else { throw StoreError.databaseMissing(path: source) }
        try checkHeader(source)
        try createEmptyPrivateFile(target)
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(30)
            let queue = try DatabaseQueue(path: source, configuration: configuration)
            try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
            try queue.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            unlink(target)
            throw StoreError.notADatabase(path: source)
        } catch {
            unlink(target)
            throw StoreError.cannotOpen(path: source, reason: describe(error))
        }
    }

    /// Refuses a non-empty file that is not an SQLite database before anything touches it.
    static func checkHeader(_ path: String) throws(StoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.cannotOpen(path: path, reason: "permission denied or not a file")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        guard header == Data("SQLite format 3\0".utf8) else { throw StoreError.notADatabase(path: path) }
    }

    /// Removes a database file with its `-wal` and `-shm` companions (a copy that failed).
    public static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }
}

// The record journal (``RecordSubject``): written in the transaction of the record it journals.
extension SQLiteStore {
    /// The journal's end, read inside the write transaction (the write lock keeps it).
    static func journalHead(_ db: Database) throws -> JournalHead {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT count, hash FROM record_journal_head WHERE id = 1")) else {
            // Head removed by hand: carry on from the newest entry, and `audit verify` names it.
            if let last = try Row.fetchOne(db, sql: "SELECT position, hash FROM record_journal ORDER BY position DESC LIMIT 1") {
                let hash: Data = last[1] ?? Data()
                return JournalHead(count: last[0] ?? 0, hash: Array(hash))
            }
            return .empty
        }
        let hash: Data = row[1] ?? Data()
        return JournalHead(count: row[0] ?? 0, hash: Array(hash))
    }

    static func appendJournal(_ db: Database, _ states: [RecordState], actor: String, at instant: Date, origin: EventOrigin,
                              head: inout JournalHead) throws {
        for entry in RecordJournalRows.chain(states, actor: actor, at: instant, origin: origin, after: &head) {
            try db.cachedStatement(sql: """
                INSERT INTO record_journal (position, subject, key, actor, at, origin, fields, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [entry.position, entry.state.subject.rawValue, entry.state.key, entry.actor, Millis.from(entry.at),
                                         entry.origin.rawValue, try RecordJournalRows.encodeFields(entry.state.fields),
                                         Data(entry.hash ?? [])])
        }
    }

    /// Appends `states` to the journal after its current head and saves the new head: one write's entries.
    static func journal(_ db: Database, _ states: [RecordState], actor: String, at instant: Date, origin: EventOrigin) throws {
        var head = try journalHead(db)
        try appendJournal(db, states, actor: actor, at: instant, origin: origin, head: &head)
        try saveJournalHead(db, head)
    }

    /// Journals one row of `table` as it now stands (no fields when it is gone), by the administrator.
    static func journalRow(_ db: Database, _ table: RecordJournalRows.JournaledTable, key: String, at instant: Date) throws {
        let row = try Row.fetchOne(db, sql: table.selectOneAsText(keyPlaceholder: "?"), arguments: [key])
        let state = RecordState(subject: table.subject, key: key, names: row == nil ? [] : table.columns,
                                values: table.columns.indices.map { row?["c\($0)"] })
        try journal(db, [state], actor: RecordJournalRows.administrator, at: instant, origin: .local)
    }

    static func saveJournalHead(_ db: Database, _ head: JournalHead) throws {
        try db.cachedStatement(sql: """
            INSERT INTO record_journal_head (id, count, hash) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET count = excluded.count, hash = excluded.hash
            """).execute(arguments: [head.count, Data(head.hash)])
    }

    public func journalHead() async throws(StoreError) -> JournalHead? {
        try await guarded {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT count, hash FROM record_journal_head WHERE id = 1").map { row in
                    let hash: Data = row[1] ?? Data()
                    return JournalHead(count: row[0] ?? 0, hash: Array(hash))
                }
            }
        }
    }

    public func journalEntries(after position: Int64, limit: Int) async throws(StoreError) -> [JournalEntry] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT position, subject, key, actor, at, origin, fields, hash FROM record_journal
                    WHERE position > ? ORDER BY position LIMIT ?
                    """, arguments: [position, max(0, limit)]).map { row in
                    let hash: Data? = row[7]
                    return RecordJournalRows.entry(position: row[0] ?? 0, subject: row[1] ?? "", key: row[2] ?? "", actor: row[3] ?? "",
                                                   at: row[4] ?? 0, origin: row[5] ?? "", fields: row[6] ?? "", hash: hash.map(Array.init))
                }
            }
        }
    }

    public func journaledRecords() async throws(StoreError) -> [RecordState] {
        try await guarded {
            try await pool.read { db in
                try Self.loadHandovers(db, where: "1 ORDER BY id", []).flatMap(\.journalStates)
                    + RecordJournalRows.journaledTables.flatMap { table in
                        try Row.fetchAll(db, sql: table.selectAsText).map { row in
                            RecordState(subject: table.subject, key: row["k"] ?? "", names: table.columns,
                                        values: table.columns.indices.map { row["c\($0)"] })
                        }
                    }
            }
        }
    }
}
