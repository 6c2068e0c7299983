import Foundation
import GRDB
import Synchronization
import ShiftDeskCore

/// The embedded backend: one SQLite file in WAL mode, shared safely by every console and
/// command on the host.
public final class SQLiteStore: Store {
    public let backend = "sqlite"
    public let path: String
    let pool: DatabasePool
    /// Texts of KPI summaries known to be stored under their hash (``KPITexts``).
    let texts = KPITexts()

    /// How long a write waits for another process's write lock: `$SHIFTDESK_BUSY_TIMEOUT`
    /// seconds (1–3600), else 30. Writers queue behind each other; a short timeout loses work
    /// (see STORAGE-NOTES.md), so this is long.
    public static var defaultBusyTimeout: Int {
        ProcessInfo.processInfo.environment["SHIFTDESK_BUSY_TIMEOUT"].flatMap(Int.init).map { min(3600, max(1, $0)) } ?? 30
    }

    /// Seconds a write waits for the write lock before it gives up (``StoreError/busy(path:seconds:)``).
    public let busyTimeout: Int

    /// Opens the desk database at `path`. With `create`, a missing file is made (mode 0600, its
    /// folder 0700); without it, a missing file is an error. Migrations run on open. A file
    /// that is not a ShiftDesk desk (not SQLite, or another program's SQLite database) is
    /// refused before anything is written to it.
    /// How a connection waits while another holds the lock it needs.
    public enum BusyWait: Sendable {
        /// Tries again every fraction of a millisecond, at most every 2 ms (``busyWait(seconds:)``):
        /// the lock is taken soon after it comes free, however many seats write.
        case brief
        /// SQLite's own timeout, which sleeps longer and longer between tries (up to 100 ms):
        /// what the desk did before issue 19; kept so that a benchmark can compare the two.
        case sqliteBackoff
    }

    /// `pageCacheKiB`: each connection's page cache, when not SQLite's default 2 MB (the console
    /// keeps its own memory small; the operating system keeps the file's pages anyway).
    public init(path: String, create: Bool, busyTimeout: Int = SQLiteStore.defaultBusyTimeout, busyWait: BusyWait = .brief,
                pageCacheKiB: Int? = nil) throws(StoreError) {
        self.path = path
        self.busyTimeout = busyTimeout
        let files = FileManager.default
        var isWAL = false
        if files.fileExists(atPath: path) {
            isWAL = try Self.checkIsSQLite(path)
        } else {
            guard create else { throw StoreError.databaseMissing(path: path) }
            try Self.createPrivateFile(path)
        }
        var configuration = Configuration()
        switch busyWait {
        case .brief: configuration.busyMode = .callback(Self.busyWait(seconds: busyTimeout))
        case .sqliteBackoff: configuration.busyMode = .timeout(TimeInterval(busyTimeout))
        }
        configuration.foreignKeysEnabled = true
        configuration.label = "shiftdesk"
        if let pageCacheKiB {
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -\(max(64, pageCacheKiB))") }
        }
        // A desk this account may read but not write is opened read-only: it can be looked at,
        // and a write is refused naming the cause (a writable pool would not even open).
        let writable = access(path, W_OK) == 0
        configuration.readonly = !writable
        do {
            let migrator = SQLiteSchema.migrator
            // Opening a pool writes when the file is not in WAL mode yet, or its WAL is empty
            // (GRDB makes sure the WAL holds a frame): a file that is not this desk, or a desk
            // of a newer ShiftDesk, is refused before that, through a read-only connection.
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.intValue ?? 0
            if files.fileExists(atPath: path), !isWAL || wal == 0, Self.fileSize(path) > 0 {
                var readOnly = Configuration()
                readOnly.readonly = true
                // Another seat may be closing the desk at this moment (its last connection
                // checkpoints under an exclusive lock): wait for it, not fail at once. SQLite's
                // own timeout, not the pool's callback: this connection lives for one read.
                readOnly.busyMode = .timeout(TimeInterval(busyTimeout))
                let (foreign, superseded) = try DatabaseQueue(path: path, configuration: readOnly).read { db in
                    let foreign = try Self.isForeign(db)
                    return (foreign, foreign ? false : try migrator.hasBeenSuperseded(db))
                }
                if foreign { throw StoreError.foreignDatabase(path: path) }
                if superseded { throw StoreError.newerSchema(path: path) }
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            let (superseded, foreign, complete) = try pool.read { db in
                (try migrator.hasBeenSuperseded(db), try Self.isForeign(db), try migrator.hasCompletedMigrations(db))
            }
            if foreign { throw StoreError.foreignDatabase(path: path) }
            if superseded { throw StoreError.newerSchema(path: path) }
            // Migrating takes the write lock even when nothing is pending: only when something is.
            if !complete {
                guard writable else { throw StoreError.readOnly(path: path, account: SQLiteErrors.account()) }
                try migrator.migrate(pool)
            }
        } catch {
            throw SQLiteErrors.map(error, path: path, busySeconds: busyTimeout)
        }
    }

    /// How a connection waits for another's lock (another process's write, mostly). SQLite's own
    /// timeout sleeps longer and longer between tries, up to 100 ms a try: with many seats
    /// writing, a waiter sleeps through the moments the lock is free, and one write in a hundred
    /// waited several times as long as the writes queued before it (issue 19). This tries again
    /// after a fraction of a millisecond at first, at most every 2 ms, with a little jitter so
    /// that waiters do not move in step, and gives up after `seconds`, as the timeout did.
    static func busyWait(seconds: Int) -> Database.BusyCallback {
        let limit = UInt64(max(1, seconds)) * 1_000_000_000
        // When each waiting thread began to wait: SQLite calls back on the thread whose statement
        // waits, with `tries` counting from 0 for that wait.
        let began = Mutex<[UInt: UInt64]>([:])
        return { tries in
            let thread = UInt(pthread_self())
            let now = DispatchTime.now().uptimeNanoseconds
            let start = began.withLock { waits in
                if tries == 0 || waits[thread] == nil { waits[thread] = now }
                return waits[thread] ?? now
            }
            let pause = busyPause(afterTries: tries)
            guard now - start + pause * 1_000 <= limit else {
                began.withLock { $0[thread] = nil }
                return false
            }
            usleep(UInt32(pause / 2 + UInt64.random(in: 0...pause)))
            return true
        }
    }

    /// Microseconds before try `tries + 1` (±50 %): 50 µs more each try, at most 2 ms.
    static func busyPause(afterTries tries: Int) -> UInt64 { UInt64(min(2_000, 50 * (max(0, tries) + 1))) }

    static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Tables, but none of ShiftDesk's: another program's database.
    static func isForeign(_ db: Database) throws -> Bool {
        if try db.tableExists("grdb_migrations") { return false }
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") ?? 0 > 0
    }

    /// A non-empty file must start with SQLite's magic header before anything touches it.
    /// Returns whether the file is in WAL mode (header bytes 18 and 19), as every desk is.
    private static func checkIsSQLite(_ path: String) throws(StoreError) -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError.cannotOpen(path: path, reason: "it is a folder")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let reason = errno
            if reason == EACCES || reason == EPERM {
                throw StoreError.permissionDenied(path: path, account: SQLiteErrors.account(), besideIt: false)
            }
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(reason)))
        }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 20)
        let count = read(descriptor, &header, header.count)
        if count <= 0 { return false }
        guard count >= 16, header[0..<16].elementsEqual("SQLite format 3\0".utf8) else { throw StoreError.notADatabase(path: path) }
        return count >= 20 && header[18] == 2 && header[19] == 2
    }

    private static func createPrivateFile(_ path: String) throws(StoreError) {
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
            throw StoreError.cannotOpen(path: path, reason: "cannot create its folder: \(folder) is a file")
        }
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.cannotOpen(path: path, reason: "cannot create its folder: \(error.localizedDescription)")
            }
        }
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        close(descriptor)
    }

    static func describe(_ error: any Error) -> String {
        if let database = error as? DatabaseError { return database.message ?? "\(database.resultCode)" }
        return "\(error)"
    }

    /// Runs a read or write, turning anything GRDB throws into a `StoreError` that names its cause.
    func guarded<T>(_ body: () async throws -> T) async throws(StoreError) -> T {
        do {
            return try await body()
        } catch {
            throw SQLiteErrors.map(error, path: path, busySeconds: busyTimeout)
        }
    }

    // MARK: Operators

    public func addOperator(_ person: Operator) async throws(StoreError) {
        try await guarded {
            try await pool.write { db in
                if try Row.fetchOne(db, sql: "SELECT 1 FROM operators WHERE login = ?", arguments: [person.login]) != nil {
                    throw StoreError.operatorExists(person.login)
                }
                try db.execute(sql: "INSERT INTO operators (login, name, role, shift, email) VALUES (?, ?, ?, ?, ?)",
                               arguments: [person.login, person.name, person.role.rawValue, person.shift?.rawValue, person.email])
                try Self.journalRow(db, RecordJournalRows.operators, key: person.login, at: Date())
            }
        }
    }

    public func operators() async throws(StoreError) -> [Operator] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM operators ORDER BY role, login").map(SQLiteRows.operatorRecord)
            }
        }
    }

    public func findOperator(login: String) async throws(StoreError) -> Operator? {
        try await guarded {
            try await pool.read { db in try Self.findOperator(db, login: login) }
        }
    }

    public func setOperatorDisabled(_ login: String, _ disabled: Bool) async throws(StoreError) -> Bool {
        try await guarded {
            try await pool.write { db in
                try db.execute(sql: "UPDATE operators SET disabled = ? WHERE login = ?", arguments: [disabled ? 1 : 0, login])
                guard db.changesCount > 0 else { return false }
                try Self.journalRow(db, RecordJournalRows.operators, key: login, at: Date())
                return true
            }
        }
    }

    public func setOperatorEmail(_ login: String, _ email: String?) async throws(StoreError) -> Bool {
        try await guarded {
            try await pool.write { db in
                try db.execute(sql: "UPDATE operators SET email = ? WHERE login = ?", arguments: [email, login])
                guard db.changesCount > 0 else { return false }
                try Self.journalRow(db, RecordJournalRows.operators, key: login, at: Date())
                return true
            }
        }
    }

    public func addOperatorKey(_ key: OperatorKey) async throws(StoreError) {
        try await guarded {
            try await pool.write { db in
                guard try Row.fetchOne(db, sql: "SELECT 1 FROM operators WHERE login = ?", arguments: [key.login]) != nil else {
                    throw StoreError.operatorNotFound(key.login)
                }
                if let holder = try String.fetchOne(db, sql: "SELECT login FROM operator_keys WHERE fingerprint = ?", arguments: [key.fingerprint]) {
                    throw StoreError.keyTaken(fingerprint: key.fingerprint, login: holder)
                }
                try db.execute(sql: "INSERT INTO operator_keys (fingerprint, login, type, key, comment, added_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [key.fingerprint, key.login, key.type, key.base64, key.comment, Millis.from(key.addedAt)])
                try Self.journalRow(db, RecordJournalRows.operatorKeys, key: key.fingerprint, at: key.addedAt)
            }
        }
    }

    public func operatorKeys(login: String?) async throws(StoreError) -> [OperatorKey] {
        try await guarded {
            try await pool.read { db in
                if let login {
                    return try Row.fetchAll(db, sql: "SELECT * FROM operator_keys WHERE login = ? ORDER BY fingerprint", arguments: [login])
                        .map(SQLiteRows.operatorKey)
                }
                return try Row.fetchAll(db, sql: "SELECT * FROM operator_keys ORDER BY login, fingerprint").map(SQLiteRows.operatorKey)
            }
        }
    }

    public func removeOperatorKey(login: String, fingerprint: String) async throws(StoreError) -> Bool {
        try await guarded {
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM operator_keys WHERE login = ? AND fingerprint = ?", arguments: [login, fingerprint])
                guard db.changesCount > 0 else { return false }
                try Self.journalRow(db, RecordJournalRows.operatorKeys, key: fingerprint, at: Date())
                return true
            }
        }
    }

    // MARK: Tickets

    public func insertTicket(_ ticket: Ticket, event: TicketEvent, summary: KPISummary?) async throws(StoreError) -> (Ticket, TicketEvent) {
        let texts = self.texts
        return try await texts.writing { registry throws(StoreError) in
            try await guarded {
                try await pool.write { db in
                    var chain = try Self.chainTail(db)
                    let inserted = try Self.insert(db, ticket: ticket, events: [event], summary: summary, registry: registry, chain: &chain)
                    try Self.saveChain(db, chain)
                    return inserted
                }
            }
        }
    }

    /// The columns a write sets from the ticket, in `ticketArguments` order.
    private static let writtenColumns = SQLiteRows.ticketColumns
        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .filter { $0 != "number" } + SQLiteRows.derivedColumns

    /// Every write of a ticket takes the next revision: writes are serialised, so revisions
    /// follow commit order and a reader catches up with `revision > last seen`.
    private static let nextRevision = "(SELECT COALESCE(MAX(revision), 0) + 1 FROM tickets)"

    private static let insertTicketSQL: String = {
        let placeholders = Array(repeating: "?", count: writtenColumns.count).joined(separator: ", ")
        return "INSERT INTO tickets (\(writtenColumns.joined(separator: ", ")), revision) VALUES (\(placeholders), \(nextRevision))"
    }()

    private static let updateTicketSQL: String = {
        let assignments = writtenColumns.map { "\($0) = ?" }.joined(separator: ", ")
        return "UPDATE tickets SET \(assignments), revision = \(nextRevision) WHERE number = ? AND version = ?"
    }()

    /// Inserts one ticket (its number chosen here) and its events; returns them as stored.
    private static func insert(_ db: Database, ticket: Ticket, events: [TicketEvent], summary: KPISummary?,
                               registry: KPITexts.Registry, chain: inout ChainTail) throws -> (Ticket, TicketEvent) {
        var stored = ticket
        stored.version = max(1, ticket.version)
        // Cached statements: preparing one compiles the KPI-summary triggers too (schema v7).
        try db.cachedStatement(sql: insertTicketSQL).execute(arguments: SQLiteRows.ticketArguments(stored))
        stored.id = TicketID(db.lastInsertedRowID)
        var last = TicketEvent(ticket: stored.id, actor: "", at: stored.openedAt, kind: .opened, changes: [])
        for event in events {
            var copy = event
            copy.ticket = stored.id
            last = try appendEvent(db, copy, chain: &chain)
        }
        if let summary { try writeSummary(db, ticket: stored.id.number, summary, registry: registry) }
        return (stored, last)
    }

    /// Appends one event, chained: its id is the next one after every id ever handed out, its
    /// hash covers the previous event's (the write transaction holds SQLite's write lock, so the
    /// chain follows commit order).
    private static func appendEvent(_ db: Database, _ event: TicketEvent, chain: inout ChainTail) throws -> TicketEvent {
        var stored = event
        stored.id = chain.lastID + 1
        let (position, hash) = chain.append(stored)
        try db.cachedStatement(sql: """
            INSERT INTO events (id, ticket, actor, at, kind, changes, note, origin, position, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
            .execute(arguments: [stored.id, event.ticket.number, event.actor, Millis.from(event.at), event.kind.rawValue,
                                 try SQLiteRows.encodeChanges(event.changes), event.note, event.origin.rawValue, position, Data(hash)])
        return stored
    }

    /// The chain's end as recorded, read inside the write transaction. Ids continue after the
    /// largest ever handed out (`sqlite_sequence`), so an id is never used twice. Without a head
    /// row (removed by hand), the newest chained event stands in.
    static func chainTail(_ db: Database) throws -> ChainTail {
        let sequence = try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'")) ?? 0
        var head = try SQLiteRows.chainHead(db)
        if head == nil, let row = try Row.fetchOne(db, sql: "SELECT id, position, hash FROM events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1") {
            let hash: Data = row[2] ?? Data()
            head = ChainHead(lastID: row[0] ?? 0, count: row[1] ?? 0, hash: Array(hash))
        }
        var tail = ChainTail(head ?? .empty)
        tail.lastID = max(tail.lastID, sequence)
        return tail
    }

    static func saveChain(_ db: Database, _ chain: ChainTail) throws {
        try db.cachedStatement(sql: """
            INSERT INTO chain_head (id, last_id, count, hash) VALUES (1, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET last_id = excluded.last_id, count = excluded.count, hash = excluded.hash
            """).execute(arguments: [chain.lastID, chain.count, Data(chain.hash)])
    }

    public func updateTicket(_ ticket: Ticket, event: TicketEvent, summary: KPISummary?,
                             messages: [OutboxMessage]) async throws(StoreError) -> (Ticket, TicketEvent) {
        let texts = self.texts
        return try await texts.writing { registry throws(StoreError) in try await guarded {
            try await pool.write { db in
                var stored = ticket
                stored.version = ticket.version + 1
                var arguments = SQLiteRows.ticketArguments(stored)
                arguments += [ticket.id.number, ticket.version]
                try db.cachedStatement(sql: Self.updateTicketSQL).execute(arguments: arguments)
                guard db.changesCount == 1 else { throw try Self.conflict(db, ticket.id) }
                var copy = event
                copy.ticket = ticket.id
                var chain = try Self.chainTail(db)
                let appended = try Self.appendEvent(db, copy, chain: &chain)
                try Self.saveChain(db, chain)
                if let summary { try Self.writeSummary(db, ticket: ticket.id.number, summary, registry: registry) }
                for message in messages { try Self.queue(db, message) }
                return (stored, appended)
            }
        } }
    }

    /// Why a versioned write found nothing to update: gone, or changed by someone else.
    private static func conflict(_ db: Database, _ id: TicketID) throws -> StoreError {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.ticketColumns) FROM tickets WHERE number = ?",
                                         arguments: [id.number]) else { return .ticketNotFound(id) }
        let current = try SQLiteRows.ticket(row)
        let last = try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.eventColumns) FROM events WHERE ticket = ? ORDER BY id DESC LIMIT 1",
                                    arguments: [id.number]).map(SQLiteRows.event)
        return .conflict(ticket: id, changedBy: last?.actor ?? "?", at: last?.at ?? current.openedAt,
                         kind: last?.kind ?? .opened, current: current)
    }

    public func insertHistories(_ histories: [TicketHistory], summaries: [KPISummary?]) async throws(StoreError) -> [TicketID] {
        let texts = self.texts
        return try await texts.writing { registry throws(StoreError) in try await guarded {
            try await pool.write { db in
                var chain = try Self.chainTail(db)
                let ids = try histories.enumerated().map { index, history in
                    try Self.insert(db, ticket: history.ticket, events: history.events, summary: summaries.indices.contains(index) ? summaries[index] : nil,
                                    registry: registry, chain: &chain).0.id
                }
                try Self.saveChain(db, chain)
                return ids
            }
        } }
    }

    public func importHistories(_ histories: [TicketHistory], summaries: [KPISummary?]) async throws(StoreError) -> [ImportedHistory] {
        let texts = self.texts
        return try await texts.writing { registry throws(StoreError) in try await guarded {
            try await pool.write { db in
                var chain = try Self.chainTail(db)
                let results = try histories.enumerated().map { index, history in
                    if let source = history.ticket.source,
                       let number = try Int64.fetchOne(db, sql: "SELECT number FROM tickets WHERE source = ?", arguments: [source]) {
                        return ImportedHistory(id: TicketID(number), isNew: false)
                    }
                    let summary = summaries.indices.contains(index) ? summaries[index] : nil
                    return ImportedHistory(id: try Self.insert(db, ticket: history.ticket, events: history.events, summary: summary,
                                                               registry: registry, chain: &chain).0.id, isNew: true)
                }
                try Self.saveChain(db, chain)
                return results
            }
        } }
    }

    public func histories(opened: DateInterval?) async throws(StoreError) -> [TicketHistory] {
        let range = opened.map { (Millis.from($0.start), Millis.from($0.end)) } ?? (Int64.min, Int64.max)
        return try await guarded {
            try await pool.read { db in
                let tickets = try Row.fetchAll(db, sql: """
                    SELECT \(SQLiteRows.ticketColumns) FROM tickets WHERE opened_at >= ? AND opened_at < ? ORDER BY number
                    """, arguments: [range.0, range.1]).map(SQLiteRows.ticket)
                var events: [Int64: [TicketEvent]] = [:]
                let cursor = try Row.fetchCursor(db, sql: """
                    SELECT \(SQLiteRows.eventColumns) FROM events
                    WHERE ticket IN (SELECT number FROM tickets WHERE opened_at >= ? AND opened_at < ?) ORDER BY id
                    """, arguments: [range.0, range.1])
                while let row = try cursor.next() {
                    let event = try SQLiteRows.event(row)
                    events[event.ticket.number, default: []].append(event)
                }
                return tickets.map { TicketHistory(ticket: $0, events: events[$0.id.number] ?? []) }
            }
        }
    }

    public func ticket(_ id: TicketID) async throws(StoreError) -> Ticket? {
        try await guarded {
            try await pool.read { db in try Self.ticket(db, id) }
        }
    }

    public func tickets(_ query: TicketQuery) async throws(StoreError) -> [Ticket] {
        let (condition, arguments) = Self.condition(query)
        var sql = "SELECT \(SQLiteRows.ticketColumns) FROM tickets\(condition)"
        sql += query.urgentFirst ? " ORDER BY urgency, number" : " ORDER BY number"
        if let limit = query.limit { sql += " LIMIT \(max(0, limit))" }
        let finalSQL = sql
        return try await guarded {
            try await pool.read { db in
                // Row by row: a queue of 100k tickets never sits in memory twice (as rows, then as tickets).
                var tickets: [Ticket] = []
                let rows = try Row.fetchCursor(db, sql: finalSQL, arguments: arguments)
                while let row = try rows.next() { tickets.append(try SQLiteRows.ticket(row)) }
                return tickets
            }
        }
    }

    public func count(_ query: TicketQuery) async throws(StoreError) -> Int {
        let (condition, arguments) = Self.condition(query)
        return try await guarded {
            try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tickets\(condition)", arguments: arguments) ?? 0 }
        }
    }

    public func count(_ query: TicketQuery, atMost bound: Int) async throws(StoreError) -> Int {
        let (condition, arguments) = Self.condition(query)
        return try await guarded {
            try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM tickets\(condition) LIMIT \(max(0, bound)))",
                                 arguments: arguments) ?? 0
            }
        }
    }

    /// The `WHERE` clause of a query (empty, or with a leading space) and its arguments.
    private static func condition(_ query: TicketQuery) -> (String, StatementArguments) {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func list<V: RawRepresentable>(_ column: String, _ values: Set<V>?) where V.RawValue == String {
            guard let values else { return }
            clauses.append("\(column) IN (\(values.map { _ in "?" }.joined(separator: ", ")))")
            arguments += values.map(\.rawValue).sorted()
        }
        list("tier", query.tiers)
        list("state", query.states)
        list("priority", query.priorities)
        if query.openOnly { clauses.append("state NOT IN ('resolved', 'closed')") }
        if let assignee = query.assignee {
            clauses.append("assignee = ?")
            arguments.append(assignee)
        }
        if let instant = query.majorOrBreachedAt {
            clauses.append("(priority = 'major' OR breach_at < ?)")
            arguments.append(Millis.from(instant))
        }
        if query.urgentFirst { clauses.append("urgency IS NOT NULL") }
        if let after = query.afterNumber {
            clauses.append("number > ?")
            arguments.append(after)
        }
        return (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "), StatementArguments(arguments))
    }

    public func ticketsChanged(after revision: Int64, limit: Int) async throws(StoreError) -> TicketChanges {
        try await guarded {
            try await pool.read { db in
                var changes = TicketChanges(tickets: [], revision: revision)
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT \(SQLiteRows.ticketColumns), revision FROM tickets WHERE revision > ? ORDER BY revision LIMIT ?
                    """, arguments: [revision, max(1, limit)])
                let revisionIndex = SQLiteRows.ticketIndex.count
                while let row = try rows.next() {
                    changes.tickets.append(try SQLiteRows.ticket(row))
                    changes.revision = row[revisionIndex]
                }
                return changes
            }
        }
    }

    public func lastRevision() async throws(StoreError) -> Int64 {
        try await guarded {
            try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(revision), 0) FROM tickets") ?? 0 }
        }
    }

    public func events(of ticket: TicketID) async throws(StoreError) -> [TicketEvent] {
        try await guarded {
            try await pool.read { db in try Self.events(db, of: ticket) }
        }
    }

    public func writeContext(of id: TicketID, actor login: String) async throws(StoreError) -> TicketWriteContext {
        try await guarded {
            try await pool.read { db in
                let actor = try Self.findOperator(db, login: login)
                guard let ticket = try Self.ticket(db, id) else {
                    return TicketWriteContext(actor: actor, ticket: nil, holderName: nil, fired: [])
                }
                return TicketWriteContext(actor: actor, ticket: ticket, holderName: try ticket.assignee.flatMap { try Self.findOperator(db, login: $0)?.name },
                                          fired: try Self.firedSteps(db, of: id))
            }
        }
    }

    /// The reads `writeContext` makes in one transaction, each also a read of its own.
    static func findOperator(_ db: Database, login: String) throws -> Operator? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM operators WHERE login = ?"), arguments: [login]).map(SQLiteRows.operatorRecord)
    }

    static func ticket(_ db: Database, _ id: TicketID) throws -> Ticket? {
        try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.ticketColumns) FROM tickets WHERE number = ?", arguments: [id.number]).map(SQLiteRows.ticket)
    }

    static func events(_ db: Database, of ticket: TicketID) throws -> [TicketEvent] {
        try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.eventColumns) FROM events WHERE ticket = ? ORDER BY id", arguments: [ticket.number])
            .map(SQLiteRows.event)
    }

    static func firedSteps(_ db: Database, of ticket: TicketID) throws -> [FiredStep] {
        try Row.fetchAll(db, sql: "SELECT * FROM escalation_steps WHERE ticket = ? ORDER BY fired_at, priority, level", arguments: [ticket.number])
            .map(SQLiteRows.firedStep)
    }

    public func events(after id: Int64, limit: Int) async throws(StoreError) -> [TicketEvent] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.eventColumns) FROM events WHERE id > ? ORDER BY id LIMIT ?",
                                 arguments: [id, max(0, limit)]).map(SQLiteRows.event)
            }
        }
    }

    public func events(from: Date, to: Date) async throws(StoreError) -> [TicketEvent] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.eventColumns) FROM events WHERE at >= ? AND at < ? ORDER BY at, id",
                                 arguments: [Millis.from(from), Millis.from(to)]).map(SQLiteRows.event)
            }
        }
    }

    public func activity(from: Date, to: Date) async throws(StoreError) -> [EventActivity] {
        try await guarded {
            try await pool.read { db in
                var activity: [EventActivity] = []
                let rows = try Row.fetchCursor(db, sql: "SELECT at, kind, actor FROM events WHERE at >= ? AND at < ? ORDER BY at, id",
                                               arguments: [Millis.from(from), Millis.from(to)])
                while let row = try rows.next() {
                    let kindText: String = row[1] ?? ""
                    guard let kind = EventKind(rawValue: kindText) else { throw StoreError.corrupt("event kind \"\(kindText)\"") }
                    activity.append(EventActivity(at: Millis.date(row[0] ?? 0), kind: kind, actor: row[2] ?? ""))
                }
                return activity
            }
        }
    }

    public func reportPage(after: Int64, limit: Int, until: Date) async throws(StoreError) -> [ReportTicket] {
        try await guarded {
            try await pool.read { db in
                let tickets = try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.ticketColumns) FROM tickets WHERE number > ? ORDER BY number LIMIT ?",
                                               arguments: [after, max(0, limit)]).map(SQLiteRows.ticket)
                guard let first = tickets.first?.id.number, let last = tickets.last?.id.number else { return [] }
                var events: [Int64: [TicketEvent]] = [:]
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT \(SQLiteRows.eventColumns) FROM events WHERE ticket BETWEEN ? AND ? AND at < ? ORDER BY ticket, id
                    """, arguments: [first, last, Millis.from(until)])
                while let row = try rows.next() {
                    let event = try SQLiteRows.event(row, keeping: ReportTicket.fieldsRead)
                    events[event.ticket.number, default: []].append(event)
                }
                var fired: [Int64: [FiredStep]] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT * FROM escalation_steps WHERE ticket BETWEEN ? AND ? ORDER BY fired_at, priority, level",
                                            arguments: [first, last]) {
                    let step = try SQLiteRows.firedStep(row)
                    fired[step.ticket.number, default: []].append(step)
                }
                var calls: [Int64: [OutboxMessage]] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT \(SQLiteRows.outboxColumns) FROM outbox WHERE ticket BETWEEN ? AND ? AND via = 'phone' ORDER BY id
                    """, arguments: [first, last]) {
                    let call = try SQLiteRows.outbox(row)
                    if let ticket = call.ticket { calls[ticket.number, default: []].append(call) }
                }
                return tickets.map { ticket in
                    ReportTicket(ticket: ticket, events: events[ticket.id.number] ?? [], fired: fired[ticket.id.number] ?? [],
                                 calls: calls[ticket.id.number] ?? [])
                }
            }
        }
    }

    public func lastEventID() async throws(StoreError) -> Int64 {
        try await guarded {
            try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM events") ?? 0 }
        }
    }

    public func changeSignal() throws(StoreError) -> any ChangeSignal {
        try SQLiteChangeSignal(path: path)
    }

    // MARK: Escalation and the outbox

    public func ticketsDueForEscalation(at instant: Date, limit: Int) async throws(StoreError) -> [Ticket] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT \(SQLiteRows.ticketColumns) FROM tickets
                    WHERE escalation_due_at IS NOT NULL AND escalation_due_at <= ?
                    ORDER BY escalation_due_at LIMIT ?
                    """, arguments: [Millis.from(instant), max(0, limit)]).map(SQLiteRows.ticket)
            }
        }
    }

    public func setPlan(_ plan: TicketPlan, of ticket: Ticket) async throws(StoreError) {
        var planned = ticket
        planned.plan = plan
        try await guarded { [planned] in
            try await pool.write { db in
                try db.execute(sql: """
                    UPDATE tickets SET escalation_due_at = ?, respond_by = ?, resolve_by = ?, urgency = ?, breach_at = ?,
                        revision = \(Self.nextRevision)
                    WHERE number = ? AND version = ?
                    """, arguments: [Millis.from(plan.escalationDueAt), Millis.from(plan.respondBy), Millis.from(plan.resolveBy),
                                     planned.state == .closed ? nil : planned.urgency, Millis.from(planned.breachAt),
                                     planned.id.number, planned.version])
            }
        }
    }

    public func recordStep(_ step: FiredStep, messages: [OutboxMessage]) async throws(StoreError) -> Bool {
        try await guarded {
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO escalation_steps (ticket, priority, level, due_at, fired_at, fired_by)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """, arguments: [step.ticket.number, step.priority.rawValue, step.level, Millis.from(step.dueAt),
                                   Millis.from(step.firedAt), step.firedBy])
                guard db.changesCount == 1 else { return false }
                for message in messages { try Self.queue(db, message) }
                return true
            }
        }
    }

    public func firedSteps(of ticket: TicketID) async throws(StoreError) -> [FiredStep] {
        try await guarded {
            try await pool.read { db in try Self.firedSteps(db, of: ticket) }
        }
    }

    public func nextEscalationDue() async throws(StoreError) -> Date? {
        try await guarded {
            try await pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT MIN(escalation_due_at) FROM tickets WHERE escalation_due_at IS NOT NULL").map(Millis.date)
            }
        }
    }

    /// A setting read at once, from synchronous code (nil also when it cannot be read): how a
    /// command learns, as it opens the desk, that the desk runs a drill's clock.
    public func settingNow(_ key: String) -> String? {
        try? pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
    }

    public func setting(_ key: String) async throws(StoreError) -> String? {
        try await guarded {
            try await pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
        }
    }

    public func setSetting(_ key: String, to value: String) async throws(StoreError) {
        try await guarded {
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [key, value])
            }
        }
    }

    public func claimMail(dueBy instant: Date, leaseUntil: Date, limit: Int) async throws(StoreError) -> [OutboxMessage] {
        try await guarded {
            try await pool.write { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT \(SQLiteRows.outboxColumns) FROM outbox
                    WHERE via = 'email' AND delivered_at IS NULL AND next_attempt_at <= ?
                      AND (claimed_until IS NULL OR claimed_until < ?)
                    ORDER BY next_attempt_at, id LIMIT ?
                    """, arguments: [Millis.from(instant), Millis.from(instant), max(0, limit)])
                let messages = try rows.map(SQLiteRows.outbox)
                for message in messages {
                    try db.execute(sql: "UPDATE outbox SET claimed_until = ? WHERE id = ?",
                                   arguments: [Millis.from(leaseUntil), message.id])
                }
                return messages
            }
        }
    }

    public func markDelivered(_ message: Int64, at instant: Date) async throws(StoreError) {
        try await guarded {
            try await pool.write { db in
                try db.execute(sql: """
                    UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, claimed_until = NULL, last_error = NULL
                    WHERE id = ? AND delivered_at IS NULL
                    """, arguments: [Millis.from(instant), message])
            }
        }
    }

    public func markFailed(_ message: Int64, error: String, retryAt: Date) async throws(StoreError) {
        try await guarded {
            try await pool.write { db in
                try db.execute(sql: """
                    UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL
                    WHERE id = ? AND delivered_at IS NULL
                    """, arguments: [error, Millis.from(retryAt), message])
            }
        }
    }

    /// Through the v21 index, named: SQLite's planner prefers `outbox_undelivered` (`via =`) and
    /// then sorts every unconfirmed call to return the oldest few.
    public func pendingCalls(limit: Int?) async throws(StoreError) -> [OutboxMessage] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT \(SQLiteRows.outboxColumns) FROM outbox INDEXED BY outbox_calls_to_make
                    WHERE via = 'phone' AND delivered_at IS NULL ORDER BY id
                    \(limit.map { " LIMIT \(max(0, $0))" } ?? "")
                    """).map(SQLiteRows.outbox)
            }
        }
    }

    public func releaseMemory() async {
        pool.releaseMemory()
    }

    public func pendingCallCount() async throws(StoreError) -> Int {
        try await guarded {
            try await pool.read { db in
                // The calls' own index holds only their ids: counting 40k calls there takes half
                // the time of the planner's choice (the undelivered index), before the first frame.
                try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM outbox INDEXED BY outbox_calls_to_make WHERE via = 'phone' AND delivered_at IS NULL
                    """) ?? 0
            }
        }
    }

    public func confirmCall(_ message: Int64, by login: String, at instant: Date) async throws(StoreError) -> Bool {
        try await confirm(message, via: .phone, by: login, at: instant)
    }

    public func pendingNotices(limit: Int?) async throws(StoreError) -> [OutboxMessage] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT \(SQLiteRows.outboxColumns) FROM outbox WHERE via = 'console' AND delivered_at IS NULL ORDER BY id
                    \(limit.map { " LIMIT \(max(0, $0))" } ?? "")
                    """).map(SQLiteRows.outbox)
            }
        }
    }

    public func confirmNotice(_ message: Int64, by login: String, at instant: Date) async throws(StoreError) -> Bool {
        try await confirm(message, via: .console, by: login, at: instant)
    }

    /// Records that `login` made the call or saw the notice, unless someone already did.
    private func confirm(_ message: Int64, via: ContactMethod, by login: String, at instant: Date) async throws(StoreError) -> Bool {
        try await guarded {
            try await pool.write { db in
                try db.execute(sql: """
                    UPDATE outbox SET delivered_at = ?, confirmed_by = ?, attempts = attempts + 1
                    WHERE id = ? AND via = ? AND delivered_at IS NULL
                    """, arguments: [Millis.from(instant), login, message, via.rawValue])
                return db.changesCount == 1
            }
        }
    }

    public func outbox(of ticket: TicketID) async throws(StoreError) -> [OutboxMessage] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.outboxColumns) FROM outbox WHERE ticket = ? ORDER BY id",
                                 arguments: [ticket.number]).map(SQLiteRows.outbox)
            }
        }
    }

    public func outbox(ofProblem problem: ProblemID) async throws(StoreError) -> [OutboxMessage] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.outboxColumns) FROM outbox WHERE problem = ? ORDER BY id",
                                 arguments: [problem.number]).map(SQLiteRows.outbox)
            }
        }
    }

    // MARK: Handovers

    public func insertHandover(_ handover: Handover, origin: EventOrigin) async throws(StoreError) -> Handover {
        try await guarded {
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO handovers (from_shift, from_start, from_end, to_shift, to_start, to_end, prepared_by, prepared_at, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [handover.from.shift.rawValue, Millis.from(handover.from.start), Millis.from(handover.from.end),
                                   handover.to.shift.rawValue, Millis.from(handover.to.start), Millis.from(handover.to.end),
                                   handover.preparedBy, Millis.from(handover.preparedAt), handover.note])
                var stored = handover
                stored.id = db.lastInsertedRowID
                for (position, item) in handover.items.enumerated() {
                    try db.execute(sql: "INSERT INTO handover_items (handover, position, ticket, note) VALUES (?, ?, ?, ?)",
                                   arguments: [stored.id, position, item.ticket.number, item.note])
                }
                try Self.journal(db, stored.journalStates, actor: stored.preparedBy, at: stored.preparedAt, origin: origin)
                return stored
            }
        }
    }

    static func loadHandovers(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [Handover] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM handovers WHERE \(clause)", arguments: arguments)
        return try rows.map { row in
            let id: Int64 = row["id"] ?? 0
            func occurrence(_ prefix: String) throws -> ShiftSchedule.Occurrence {
                let name: String = row["\(prefix)_shift"] ?? ""
                guard let shift = ShiftName(rawValue: name) else { throw StoreError.corrupt("handover \(id) shift \(name)") }
                return ShiftSchedule.Occurrence(shift: shift, start: Millis.date(row["\(prefix)_start"] ?? 0),
                                                end: Millis.date(row["\(prefix)_end"] ?? 0))
            }
            let items = try Row.fetchAll(db, sql: "SELECT * FROM handover_items WHERE handover = ? ORDER BY position", arguments: [id])
                .map { item in
                    HandoverItem(ticket: TicketID(item["ticket"] ?? 0), note: item["note"] ?? "",
                                 acknowledgedBy: item["acknowledged_by"],
                                 acknowledgedAt: Millis.date(item["acknowledged_at"] as Int64?),
                                 acknowledgementNote: item["acknowledgement_note"])
                }
            return Handover(id: id, from: try occurrence("from"), to: try occurrence("to"), preparedBy: row["prepared_by"] ?? "",
                            preparedAt: Millis.date(row["prepared_at"] ?? 0), note: row["note"] ?? "", items: items)
        }
    }

    public func handover(_ id: Int64) async throws(StoreError) -> Handover? {
        try await guarded {
            try await pool.read { db in try Self.loadHandovers(db, where: "id = ?", [id]).first }
        }
    }

    public func handovers(from: Date?, to: Date?, limit: Int) async throws(StoreError) -> [Handover] {
        try await guarded {
            try await pool.read { db in
                try Self.loadHandovers(db, where: "from_start >= ? AND from_start < ? ORDER BY from_start DESC, id DESC LIMIT ?",
                                       [Millis.from(from) ?? Int64.min, Millis.from(to) ?? Int64.max, max(0, limit)])
            }
        }
    }

    public func acknowledge(handover id: Int64, tickets: [TicketID]?, by login: String, at instant: Date,
                            note: String?, origin: EventOrigin) async throws(StoreError) -> Handover {
        try await guarded {
            try await pool.write { db in
                guard try Row.fetchOne(db, sql: "SELECT 1 FROM handovers WHERE id = ?", arguments: [id]) != nil else {
                    throw StoreError.handoverNotFound(id)
                }
                let targets: [Int64]
                if let tickets {
                    for ticket in tickets where try Row.fetchOne(db, sql: "SELECT 1 FROM handover_items WHERE handover = ? AND ticket = ?",
                                                                 arguments: [id, ticket.number]) == nil {
                        throw StoreError.notInHandover(handover: id, ticket: ticket)
                    }
                    targets = tickets.map(\.number)
                } else {
                    targets = try Int64.fetchAll(db, sql: "SELECT ticket FROM handover_items WHERE handover = ?", arguments: [id])
                }
                var acknowledged = Set<Int64>()
                for ticket in targets {
                    try db.execute(sql: """
                        UPDATE handover_items SET acknowledged_by = ?, acknowledged_at = ?, acknowledgement_note = ?
                        WHERE handover = ? AND ticket = ? AND acknowledged_at IS NULL
                        """, arguments: [login, Millis.from(instant), note, id, ticket])
                    if db.changesCount > 0 { acknowledged.insert(ticket) }
                }
                guard let stored = try Self.loadHandovers(db, where: "id = ?", [id]).first else { throw StoreError.handoverNotFound(id) }
                if !acknowledged.isEmpty {
                    let states = stored.items.filter { acknowledged.contains($0.ticket.number) }.map(stored.journalState(of:))
                    try Self.journal(db, states, actor: login, at: instant, origin: origin)
                }
                return stored
            }
        }
    }

    /// Queues one message in the outbox; a message whose id is already queued is left as it is.
    static func queue(_ db: Database, _ message: OutboxMessage) throws {
        try db.execute(sql: """
            INSERT INTO outbox (ticket, problem, priority, level, recipient_role, address, via, message_id, subject, body,
                                created_at, attempts, next_attempt_at, kind, recipient_login, delivery, parts, document)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?) ON CONFLICT(message_id) DO NOTHING
            """, arguments: [message.ticket?.number, message.problem?.number, message.priority?.rawValue, message.level,
                           message.recipientRole?.rawValue ?? "", message.address, message.via.rawValue,
                           message.messageID, message.subject, message.body, Millis.from(message.createdAt),
                           Millis.from(message.nextAttemptAt), message.kind.rawValue, message.recipientLogin,
                           message.delivery, MailPart.text(message.parts), message.document])
    }

    // MARK: Problems

    private static func appendProblemEvent(_ db: Database, _ event: ProblemEvent, problem: ProblemID) throws -> ProblemEvent {
        try db.execute(sql: "INSERT INTO problem_events (problem, actor, at, kind, payload, origin) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [problem.number, event.actor, Millis.from(event.at), event.kind.rawValue, event.payloadText,
                                   event.origin.rawValue])
        var stored = event
        stored.id = db.lastInsertedRowID
        stored.problem = problem
        return stored
    }

    public func insertProblem(_ problem: Problem, event: ProblemEvent,
                              messages: @escaping @Sendable (ProblemID) -> [OutboxMessage]) async throws(StoreError) -> (Problem, ProblemEvent) {
        try await guarded {
            try await pool.write { db in
                var stored = problem
                stored.version = 1
                let columns = SQLiteRows.problemColumns.split(separator: ",").dropFirst().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                try db.execute(sql: "INSERT INTO problems (\(columns.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: columns.count)))",
                               arguments: StatementArguments(SQLiteRows.problemValues(stored)))
                stored.id = ProblemID(db.lastInsertedRowID)
                let raised = try Self.appendProblemEvent(db, event, problem: stored.id)
                try Self.journal(db, [stored.journalState, raised.journalState], actor: raised.actor, at: raised.at, origin: raised.origin)
                for message in messages(stored.id) { try Self.queue(db, message) }
                return (stored, raised)
            }
        }
    }

    public func importProblem(_ problem: Problem, events: [ProblemEvent], linking: [TicketID]) async throws(StoreError) -> (id: ProblemID, isNew: Bool) {
        try await guarded {
            try await pool.write { db in
                if let source = problem.source,
                   let number = try Int64.fetchOne(db, sql: "SELECT number FROM problems WHERE source = ?", arguments: [source]) {
                    return (ProblemID(number), false)
                }
                let columns = SQLiteRows.problemColumns.split(separator: ",").dropFirst().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                try db.execute(sql: "INSERT INTO problems (\(columns.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: columns.count)))",
                               arguments: StatementArguments(SQLiteRows.problemValues(problem)))
                let id = ProblemID(db.lastInsertedRowID)
                var stored = problem
                stored.id = id
                var appended: [ProblemEvent] = []
                for event in events { appended.append(try Self.appendProblemEvent(db, event, problem: id)) }
                // The record journal keeps the imported problem as it stands and every event of its history.
                let last = appended.last
                try Self.journal(db, [stored.journalState] + appended.map(\.journalState), actor: last?.actor ?? stored.raisedBy,
                                 at: last?.at ?? stored.raisedAt, origin: last?.origin ?? .local)
                for ticket in linking {
                    try db.execute(sql: "UPDATE tickets SET problem = ?, revision = \(Self.nextRevision) WHERE number = ?",
                                   arguments: [id.number, ticket.number])
                }
                return (id, true)
            }
        }
    }

    public func updateProblem(_ problem: Problem, event: ProblemEvent) async throws(StoreError) -> (Problem, ProblemEvent) {
        try await guarded {
            try await pool.write { db in
                var stored = problem
                stored.version = problem.version + 1
                let columns = SQLiteRows.problemColumns.split(separator: ",").dropFirst().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                try db.execute(sql: "UPDATE problems SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE number = ? AND version = ?",
                               arguments: StatementArguments(SQLiteRows.problemValues(stored) + [problem.id.number, problem.version]))
                guard db.changesCount == 1 else {
                    if try Row.fetchOne(db, sql: "SELECT 1 FROM problems WHERE number = ?", arguments: [problem.id.number]) == nil {
                        throw StoreError.problemNotFound(problem.id)
                    }
                    let last = try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.problemEventColumns) FROM problem_events WHERE problem = ? ORDER BY id DESC LIMIT 1",
                                                arguments: [problem.id.number]).map(SQLiteRows.problemEvent)
                    throw StoreError.problemConflict(problem: problem.id, changedBy: last?.actor ?? "?", at: last?.at ?? Date(timeIntervalSince1970: 0),
                                                     kind: last?.kind ?? .raised)
                }
                let appended = try Self.appendProblemEvent(db, event, problem: problem.id)
                try Self.journal(db, [stored.journalState, appended.journalState], actor: appended.actor, at: appended.at,
                                 origin: appended.origin)
                return (stored, appended)
            }
        }
    }

    public func problem(_ id: ProblemID) async throws(StoreError) -> Problem? {
        try await guarded {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.problemColumns) FROM problems WHERE number = ?", arguments: [id.number])
                    .map(SQLiteRows.problem)
            }
        }
    }

    public func problems() async throws(StoreError) -> [Problem] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.problemColumns) FROM problems ORDER BY number").map(SQLiteRows.problem)
            }
        }
    }

    public func problemEvents(of problem: ProblemID) async throws(StoreError) -> [ProblemEvent] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.problemEventColumns) FROM problem_events WHERE problem = ? ORDER BY id",
                                 arguments: [problem.number]).map(SQLiteRows.problemEvent)
            }
        }
    }

    public func problemEvents(from: Date, to: Date) async throws(StoreError) -> [ProblemEvent] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.problemEventColumns) FROM problem_events WHERE at >= ? AND at < ? ORDER BY id",
                                 arguments: [Millis.from(from), Millis.from(to)]).map(SQLiteRows.problemEvent)
            }
        }
    }

    public func tickets(linkedTo problem: ProblemID) async throws(StoreError) -> [Ticket] {
        try await guarded {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(SQLiteRows.ticketColumns) FROM tickets WHERE problem = ? ORDER BY number",
                                 arguments: [problem.number]).map(SQLiteRows.ticket)
            }
        }
    }
}
