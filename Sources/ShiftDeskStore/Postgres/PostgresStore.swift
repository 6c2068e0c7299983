import Foundation
import PostgresNIO
import ShiftDeskCore
import Synchronization

/// The backend for desks with many seats on many machines: one PostgreSQL database, reached
/// through postgres-nio's connection pool.
///
/// Opening is quick and synchronous (the command line's `openStore` is): the client starts at
/// once; the first operation waits until one direct connection has checked the server and run
/// the migrations under an advisory lock. `ready()` waits for that explicitly (`migrate`, `init`).
public final class PostgresStore: Store {
    public let backend = "postgres"
    public let location: PostgresLocation
    private let create: Bool
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let opening = Mutex<Task<Result<Int, StoreError>, Never>?>(nil)
    let logger: Logger
    /// Texts of KPI summaries known to be stored under their hash (``KPITexts``).
    let texts = KPITexts()

    /// Connections this process keeps open at most (a console needs few; a server has a limit).
    public static let defaultMaximumConnections = 5

    /// Starts a store on `url` (`postgres://user[:password]@host[:port]/db[?sslmode=…]`). With
    /// `create`, a database that does not exist yet is created (when the user may) and an empty
    /// one gets the schema; without it, a database without the desk's schema is refused.
    public convenience init(url: String, create: Bool, maximumConnections: Int = PostgresStore.defaultMaximumConnections) throws(StoreError) {
        try self.init(location: PostgresLocation(url: url), create: create, maximumConnections: maximumConnections)
    }

    public init(location: PostgresLocation, create: Bool, maximumConnections: Int = PostgresStore.defaultMaximumConnections) throws(StoreError) {
        self.location = location
        self.create = create
        var logger = Logger(label: "shiftdesk.postgres")
        logger.logLevel = .critical
        self.logger = logger
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try Self.clientTLS(location))
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit {
        runner.cancel()
    }

    /// Stops the client: open connections are closed, later operations fail.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// Waits until the database is checked and migrated; returns its schema version.
    @discardableResult
    public func ready() async throws(StoreError) -> Int {
        let task = opening.withLock { current in
            if let current { return current }
            let location = self.location, create = self.create, logger = self.logger
            let task = Task { () async -> Result<Int, StoreError> in
                do throws(StoreError) {
                    return .success(try await PostgresMigrator.migrate(location, create: create, logger: logger))
                } catch {
                    return .failure(error)
                }
            }
            current = task
            return task
        }
        switch await task.value {
        case let .success(version):
            return version
        case let .failure(error):
            // A server that was down may be up at the next attempt.
            opening.withLock { current in if current == task { current = nil } }
            throw error
        }
    }

    // MARK: Connections

    static func clientTLS(_ location: PostgresLocation) throws(StoreError) -> PostgresClient.Configuration.TLS {
        switch location.tls {
        case .disable: return .disable
        case .prefer: return .prefer(opportunisticTLS)
        case .require: return .require(TLSConfiguration.makeClientConfiguration())
        }
    }

    static func connectionTLS(_ location: PostgresLocation) throws(StoreError) -> PostgresConnection.Configuration.TLS {
        do {
            switch location.tls {
            case .disable: return .disable
            case .prefer: return .prefer(try NIOSSLContext(configuration: opportunisticTLS))
            case .require: return .require(try NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration()))
            }
        } catch {
            throw StoreError.cannotOpen(path: location.description, reason: "cannot set up TLS: \(error)")
        }
    }

    /// `sslmode=prefer` as libpq means it: encryption when offered, no certificate check.
    private static var opportunisticTLS: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }

    /// One connection of its own, outside the pool (migrations, LISTEN).
    static func connect(_ location: PostgresLocation, logger: Logger) async throws(StoreError) -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try connectionTLS(location))
        configuration.options.connectTimeout = .seconds(5)
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw PostgresErrors.map(error, location)
        }
    }

    /// How long an operation waits for a pooled connection before the server counts as
    /// unreachable. The pool itself would keep a request waiting for a minute while it retries
    /// a server that is down; a console must say so at once and keep what was typed.
    static let leaseTimeout: Duration = .seconds(4)

    /// Leases a pooled connection for `body`; gives up with `unreachable` when none comes within
    /// `leaseTimeout`. Once `body` has a connection it is never abandoned: a write either
    /// commits or fails on its own.
    private func withLeasedConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let granted = Flag()
        let client = self.client
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    granted.raise()
                    return try await body(connection)
                }
            }
            group.addTask {
                try? await Task.sleep(for: Self.leaseTimeout)
                return nil
            }
            while let result = try await group.next() {
                if let value = result {
                    group.cancelAll()
                    return value
                }
                if !granted.isRaised {
                    group.cancelAll()
                    throw StoreError.unreachable(path: location.description,
                                                 reason: "cannot reach the PostgreSQL server at \(location.server)")
                }
            }
            throw StoreError.failure("the operation was cancelled")
        }
    }

    /// Runs `body` on a pooled connection, after the schema is ready. A connection the server
    /// dropped while it sat in the pool (a restart) is replaced once: reads are safe to repeat.
    func read<T: Sendable>(_ body: @escaping @Sendable (PGSession) async throws -> T) async throws(StoreError) -> T {
        try await ready()
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await withLeasedConnection { [logger] connection in
                    try await body(PGSession(connection: connection, logger: logger))
                }
            } catch {
                if attempt < 3, PostgresErrors.isConnectionLost(error) {
                    // Just after a restart the pool may still hold connections the server closed.
                    try? await Task.sleep(for: .milliseconds(150 * attempt))
                    continue
                }
                throw PostgresErrors.map(error, location)
            }
        }
    }

    /// Runs `body` in one transaction: all of it lands or none. A deadlock or serialisation
    /// failure reported by the server is retried a few times, and so is a pooled connection
    /// found dropped before anything was sent on it (BEGIN failed); never a lost COMMIT.
    func write<T: Sendable>(_ body: @escaping @Sendable (PGSession) async throws -> T) async throws(StoreError) -> T {
        try await ready()
        var attempt = 0
        while true {
            attempt += 1
            let begun = Flag()
            do {
                return try await withLeasedConnection { [logger] connection in
                    let session = PGSession(connection: connection, logger: logger)
                    try await session.run("BEGIN")
                    begun.raise()
                    do {
                        let value = try await body(session)
                        try await session.run("COMMIT")
                        return value
                    } catch {
                        try? await session.run("ROLLBACK")
                        throw error
                    }
                }
            } catch {
                if attempt < 4, PostgresErrors.isRetryable(error) { continue }
                if attempt < 3, !begun.isRaised, PostgresErrors.isConnectionLost(error) {
                    try? await Task.sleep(for: .milliseconds(150 * attempt))
                    continue
                }
                throw PostgresErrors.map(error, location)
            }
        }
    }

    /// Runs `body`, one statement, as its own transaction: no BEGIN or COMMIT round trip, so
    /// the locks it takes are held only while the server runs it. A deadlock (the statement
    /// rolled back whole) is retried, and so is a connection lost under it, with `resent` true:
    /// the first may have landed, and `body` must find it rather than write twice.
    func statement<T: Sendable>(_ body: @escaping @Sendable (PGSession, _ resent: Bool) async throws -> T) async throws(StoreError) -> T {
        try await ready()
        var attempt = 0
        var resent = false
        while true {
            attempt += 1
            let again = resent
            do {
                return try await withLeasedConnection { [logger] connection in
                    try await body(PGSession(connection: connection, logger: logger), again)
                }
            } catch {
                if attempt < 4, PostgresErrors.isRetryable(error) { continue }
                if attempt < 3, PostgresErrors.isConnectionLost(error) {
                    resent = true
                    try? await Task.sleep(for: .milliseconds(150 * attempt))
                    continue
                }
                throw PostgresErrors.map(error, location)
            }
        }
    }

    // MARK: Operators

    public func addOperator(_ person: Operator) async throws(StoreError) {
        try await write { session in
            let rows = try await session.rows(PG.query { b in
                """
                INSERT INTO operators (login, name, role, shift, email)
                VALUES (\(b.text(person.login)), \(b.text(person.name)), \(b.text(person.role.rawValue)), \(b.text(person.shift?.rawValue)),
                        \(b.text(person.email)))
                ON CONFLICT (login) DO NOTHING RETURNING login
                """
            })
            if rows.isEmpty { throw StoreError.operatorExists(person.login) }
            try await Self.journalRow(session, RecordJournalRows.operators, key: person.login, at: Date())
        }
    }

    public func operators() async throws(StoreError) -> [Operator] {
        try await read { session in
            try await session.rows("SELECT login, name, role, shift, disabled, email FROM operators ORDER BY role COLLATE \"C\", login COLLATE \"C\"")
                .map(PostgresRows.operatorRecord)
        }
    }

    public func findOperator(login: String) async throws(StoreError) -> Operator? {
        try await read { session in
            try await session.rows(PG.query { b in "SELECT login, name, role, shift, disabled, email FROM operators WHERE login = \(b.text(login))" })
                .first.map(PostgresRows.operatorRecord)
        }
    }

    public func setOperatorDisabled(_ login: String, _ disabled: Bool) async throws(StoreError) -> Bool {
        try await write { session in
            guard !(try await session.rows(PG.query { b in
                "UPDATE operators SET disabled = \(b.bool(disabled)) WHERE login = \(b.text(login)) RETURNING login"
            })).isEmpty else { return false }
            try await Self.journalRow(session, RecordJournalRows.operators, key: login, at: Date())
            return true
        }
    }

    public func setOperatorEmail(_ login: String, _ email: String?) async throws(StoreError) -> Bool {
        try await write { session in
            guard !(try await session.rows(PG.query { b in
                "UPDATE operators SET email = \(b.text(email)) WHERE login = \(b.text(login)) RETURNING login"
            })).isEmpty else { return false }
            try await Self.journalRow(session, RecordJournalRows.operators, key: login, at: Date())
            return true
        }
    }

    public func addOperatorKey(_ key: OperatorKey) async throws(StoreError) {
        try await write { session in
            guard !(try await session.rows(PG.query { b in "SELECT 1 FROM operators WHERE login = \(b.text(key.login))" })).isEmpty else {
                throw StoreError.operatorNotFound(key.login)
            }
            let inserted = try await session.rows(PG.query { b in
                """
                INSERT INTO operator_keys (fingerprint, login, type, key, comment, added_at)
                VALUES (\(b.text(key.fingerprint)), \(b.text(key.login)), \(b.text(key.type)), \(b.text(key.base64)),
                        \(b.text(key.comment)), \(b.millis(key.addedAt)))
                ON CONFLICT (fingerprint) DO NOTHING RETURNING login
                """
            })
            if inserted.isEmpty {
                let holder = try await session.rows(PG.query { b in
                    "SELECT login FROM operator_keys WHERE fingerprint = \(b.text(key.fingerprint))"
                }).first.map { row throws(StoreError) in try row.text("login") }
                throw StoreError.keyTaken(fingerprint: key.fingerprint, login: holder ?? "?")
            }
            try await Self.journalRow(session, RecordJournalRows.operatorKeys, key: key.fingerprint, at: key.addedAt)
        }
    }

    public func operatorKeys(login: String?) async throws(StoreError) -> [OperatorKey] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT * FROM operator_keys" + (login.map { " WHERE login = \(b.text($0))" } ?? "")
                    + " ORDER BY login COLLATE \"C\", fingerprint COLLATE \"C\""
            }).map(PostgresRows.operatorKey)
        }
    }

    public func removeOperatorKey(login: String, fingerprint: String) async throws(StoreError) -> Bool {
        try await write { session in
            guard !(try await session.rows(PG.query { b in
                "DELETE FROM operator_keys WHERE login = \(b.text(login)) AND fingerprint = \(b.text(fingerprint)) RETURNING login"
            })).isEmpty else { return false }
            try await Self.journalRow(session, RecordJournalRows.operatorKeys, key: fingerprint, at: Date())
            return true
        }
    }

    // MARK: Tickets

    public func insertTicket(_ ticket: Ticket, event: TicketEvent, summary: KPISummary?) async throws(StoreError) -> (Ticket, TicketEvent) {
        if summary == nil {
            // One statement, its own transaction (see `updateTicket`).
            let result = try await statement { session, resent in
                // Sent again after a connection was lost under it: the first may have landed.
                if resent, let opened = try await Self.leftBehind(session, event, on: nil) { return opened }
                return try await Self.open(session, ticket, event)
            }
            return (result.ticket, result.last)
        }
        let result = try await texts.writing { registry throws(StoreError) in
            try await write { session in
                registry.restart()
                var chain: ChainTail?
                let inserted = try await Self.insert(session, ticket: ticket, events: [event], summary: summary, registry: registry, chain: &chain)
                try await Self.saveChain(session, chain)
                return inserted
            }
        }
        return (result.ticket, result.last)
    }

    struct Inserted: Sendable {
        var ticket: Ticket
        var last: TicketEvent
    }

    /// Takes the next number of `counter` (a row lock held to the end of the transaction).
    private static func next(_ session: PGSession, _ counter: String) async throws -> Int64 {
        let rows = try await session.rows(PG.query { b in
            "UPDATE counters SET value = value + 1 WHERE name = \(b.text(counter)) RETURNING value"
        })
        guard let row = rows.first else { throw StoreError.corrupt("no counter \(counter)") }
        return try row.int("value")
    }

    private static func insert(_ session: PGSession, ticket: Ticket, events: [TicketEvent], summary: KPISummary?,
                               registry: KPITexts.Registry, chain: inout ChainTail?) async throws -> Inserted {
        var stored = ticket
        stored.version = max(1, ticket.version)
        let number = try await next(session, "tickets")
        stored.id = TicketID(number)
        let copy = stored
        let revision = try await next(session, "revisions")
        try await session.run(PG.query { b in
            let values = [b.int(number)] + PostgresRows.ticketValues(copy, b) + [b.int(revision)]
            let columns = (["number"] + PostgresRows.writtenColumnNames + ["revision"]).joined(separator: ", ")
            return "INSERT INTO tickets (\(columns)) VALUES (\(values.joined(separator: ", ")))"
        })
        var last = TicketEvent(ticket: stored.id, actor: "", at: stored.openedAt, kind: .opened, changes: [])
        for event in events {
            var eventCopy = event
            eventCopy.ticket = stored.id
            last = try await appendEvent(session, eventCopy, chain: &chain)
        }
        if let summary { try await writeSummary(session, ticket: number, summary, registry: registry) }
        return Inserted(ticket: stored, last: last)
    }

    /// Appends one event; its id is taken last, so ids follow commit order. The event counter's
    /// row stays locked until the transaction ends, so the chain's end read after taking it is
    /// the one every other writer waits behind: the chain follows commit order too.
    private static func appendEvent(_ session: PGSession, _ event: TicketEvent, chain: inout ChainTail?) async throws -> TicketEvent {
        let changes = try SQLiteRows.encodeChanges(event.changes)
        var stored = event
        stored.id = try await next(session, "events")
        var tail: ChainTail
        if let chain { tail = chain } else { tail = try await chainTail(session) }
        let (position, hash) = tail.append(stored)
        chain = tail
        let id = stored.id
        try await session.run(PG.query { b in insertEvent(b, event, id: id, changes: changes, position: position, hash: hash) })
        return stored
    }

    /// The statement that inserts `event` as `id`, at `position` of the chain with `hash`.
    private static func insertEvent(_ b: PGBinder, _ event: TicketEvent, id: Int64, changes: String, position: Int64, hash: [UInt8]) -> String {
        """
        INSERT INTO events (id, ticket, actor, at, kind, changes, note, origin, position, hash)
        VALUES (\(b.int(id)), \(b.int(event.ticket.number)), \(b.text(event.actor)), \(b.millis(event.at)),
                \(b.text(event.kind.rawValue)), \(b.text(changes)), \(b.text(event.note)), \(b.text(event.origin.rawValue)),
                \(b.int(position)), decode(\(b.text(EventEncoding.hex(hash))), 'hex'))
        """
    }

    /// The chain's end as recorded (the head row; without it, the newest chained event).
    static func chainTail(_ session: PGSession) async throws -> ChainTail {
        if let head = try await chainHead(session) { return ChainTail(head) }
        if let row = try await session.rows("""
            SELECT id, position, encode(hash, 'hex') AS hash FROM events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1
            """).first {
            return ChainTail(lastID: try row.int("id"), count: try row.optionalInt("position") ?? 0,
                             hash: ChainHash.bytes(hex: try row.text("hash")) ?? [])
        }
        return ChainTail(ChainHead.empty)
    }

    static func chainHead(_ session: PGSession) async throws -> ChainHead? {
        guard let row = try await session.rows("SELECT last_id, count, encode(hash, 'hex') AS hash FROM chain_head WHERE id = 1").first else {
            return nil
        }
        return ChainHead(lastID: try row.int("last_id"), count: try row.int("count"), hash: ChainHash.bytes(hex: try row.text("hash")) ?? [])
    }

    /// Records the chain's end, in the transaction that appended to it.
    static func saveChain(_ session: PGSession, _ chain: ChainTail?) async throws {
        guard let chain else { return }
        try await session.run(PG.query { b in upsertChainHead(b, chain) })
    }

    /// The statement that records `chain` as the chain's end.
    private static func upsertChainHead(_ b: PGBinder, _ chain: ChainTail) -> String {
        """
        INSERT INTO chain_head (id, last_id, count, hash) VALUES (1, \(b.int(chain.lastID)), \(b.int(chain.count)), decode(\(b.text(EventEncoding.hex(chain.hash))), 'hex'))
        ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, count = excluded.count, hash = excluded.hash
        """
    }

    /// A ticket's change: one statement checks the version, takes the desk's revision and the
    /// event's id, chains the event (the server hashes it, from ``EventEncoding/afterTicket(of:)``),
    /// moves the chain's end and updates the row. Alone (no messages, no summary) it is its own
    /// transaction, so the revisions counter every seat's write queues behind is held only while
    /// the server runs it, never across a round trip to a client waiting for a core (issue 19:
    /// with 50 writer processes on 2 cores that wait was the p99).
    public func updateTicket(_ ticket: Ticket, event: TicketEvent, summary: KPISummary?,
                             messages: [OutboxMessage]) async throws(StoreError) -> (Ticket, TicketEvent) {
        var eventCopy = event
        eventCopy.ticket = ticket.id
        let chained = eventCopy
        guard messages.isEmpty, summary == nil else {
            let result = try await texts.writing { registry throws(StoreError) in try await write { session in
                registry.restart()
                for message in messages { try await Self.queue(session, message) }
                guard let changed = try await Self.change(session, ticket, chained) else { throw try await Self.conflict(session, ticket.id) }
                // After the event: its insert marks the ticket unsummarised (the schema's trigger),
                // and the summary made with it is what a report then reads.
                if let summary { try await Self.writeSummary(session, ticket: ticket.id.number, summary, registry: registry) }
                return changed
            } }
            return (result.ticket, result.last)
        }
        let result = try await statement { session, resent in
            if let changed = try await Self.change(session, ticket, chained) { return changed }
            // Sent again after a connection was lost under it: the first may have landed.
            if resent, let landed = try await Self.leftBehind(session, chained, on: ticket.id) { return landed }
            throw try await Self.conflict(session, ticket.id)
        }
        return (result.ticket, result.last)
    }

    /// Changes `ticket` (from the version it was read at) and chains `event` in one statement;
    /// nil, with nothing changed or taken, when the ticket is gone or at another version.
    private static func change(_ session: PGSession, _ ticket: Ticket, _ event: TicketEvent) async throws -> Inserted? {
        enum Changing: PreparedShape { static let name = "shiftdesk_change_ticket" }
        var stored = ticket
        stored.version = ticket.version + 1
        let copy = stored
        let afterTicket = EventEncoding.hex(EventEncoding.afterTicket(of: event))
        let changes = try SQLiteRows.encodeChanges(event.changes)
        let rows = try await session.rows(PG.query { b in
            let number = b.int(ticket.id.number)
            let assignments = zip(PostgresRows.writtenColumnNames, PostgresRows.ticketValues(copy, b))
                .map { "\($0) = \($1)" }.joined(separator: ", ")
            return """
                WITH locked AS (SELECT number FROM tickets WHERE number = \(number) AND version = \(b.int(ticket.version)) FOR UPDATE),
                desk_revision AS (
                    UPDATE counters SET value = value + 1 WHERE name = 'revisions' AND EXISTS (SELECT 1 FROM locked)
                    RETURNING value, (SELECT number FROM locked) AS ticket),
                \(chainingEvent(b, event, afterTicket: afterTicket, changes: changes)),
                written AS (
                    UPDATE tickets SET \(assignments), revision = chained.revision
                    FROM chained WHERE tickets.number = chained.ticket RETURNING tickets.number)
                \(chainedResult)
                """
        }, preparedAs: Changing.self)
        guard let row = rows.first, try row.optionalInt("revision") != nil else { return nil }
        var appended = event
        appended.id = try chainedID(row, what: "\(ticket.id)'s change")
        return Inserted(ticket: stored, last: appended)
    }

    /// Opens `ticket` with `event` in one statement: the ticket's number, the desk's revision,
    /// the event's id and the chain's end are taken and written together.
    private static func open(_ session: PGSession, _ ticket: Ticket, _ event: TicketEvent) async throws -> Inserted {
        enum Opening: PreparedShape { static let name = "shiftdesk_open_ticket" }
        var stored = ticket
        stored.version = max(1, ticket.version)
        let copy = stored
        let afterTicket = EventEncoding.hex(EventEncoding.afterTicket(of: event))
        let changes = try SQLiteRows.encodeChanges(event.changes)
        let rows = try await session.rows(PG.query { b in
            let columns = (["number"] + PostgresRows.writtenColumnNames + ["revision"]).joined(separator: ", ")
            let values = PostgresRows.ticketValues(copy, b).joined(separator: ", ")
            return """
                WITH numbered AS (UPDATE counters SET value = value + 1 WHERE name = 'tickets' RETURNING value),
                desk_revision AS (
                    UPDATE counters SET value = value + 1 WHERE name = 'revisions' AND EXISTS (SELECT 1 FROM numbered)
                    RETURNING value, (SELECT value FROM numbered) AS ticket),
                \(chainingEvent(b, event, afterTicket: afterTicket, changes: changes)),
                written AS (
                    INSERT INTO tickets (\(columns)) SELECT chained.ticket, \(values), chained.revision FROM chained RETURNING number)
                \(chainedResult)
                """
        }, preparedAs: Opening.self)
        guard let row = rows.first, let number = try row.optionalInt("ticket") else {
            throw StoreError.corrupt("the desk has no ticket counter")
        }
        stored.id = TicketID(number)
        var appended = event
        appended.ticket = stored.id
        appended.id = try chainedID(row, what: "\(stored.id)'s opening")
        return Inserted(ticket: stored, last: appended)
    }

    /// The common tail of a write that chains one event, after a `desk_revision` CTE that yields
    /// (value, ticket) when the write goes ahead: `chained` takes the event's id, locks the
    /// chain's end and hashes the event on the server (``EventEncoding``: the tag, position, id
    /// and ticket are put before `afterTicket`, the bytes the client encoded); `event` and
    /// `chain` write it. The statement's own `written` CTE then writes the ticket from `chained`.
    ///
    /// Each step waits on the one before through its WHERE or FROM, so every writer locks in one
    /// order: its ticket (or the ticket counter), the revisions counter, the events counter, the
    /// chain's end. Rows locked FOR UPDATE or updated under read committed are the newest
    /// committed, not the statement's snapshot, so the chain's end is the one the last holder
    /// of the counter wrote.
    private static func chainingEvent(_ b: PGBinder, _ event: TicketEvent, afterTicket: String, changes: String) -> String {
        """
        taken AS (UPDATE counters SET value = value + 1 WHERE name = 'events' AND EXISTS (SELECT 1 FROM desk_revision) RETURNING value),
        head AS (SELECT last_id, count, hash FROM chain_head WHERE id = 1 AND EXISTS (SELECT 1 FROM taken) FOR UPDATE),
        chained AS (
            SELECT taken.value AS id, desk_revision.value AS revision, desk_revision.ticket, head.count + 1 AS position,
                   GREATEST(head.last_id, taken.value) AS last_id,
                   sha256(head.hash || decode('\(EventEncoding.tagHex)', 'hex') || int8send(head.count + 1) || int8send(taken.value)
                          || int8send(desk_revision.ticket) || decode(\(b.text(afterTicket)), 'hex')) AS hash
            FROM desk_revision CROSS JOIN taken CROSS JOIN head),
        event AS (
            INSERT INTO events (id, ticket, actor, at, kind, changes, note, origin, position, hash)
            SELECT id, ticket, \(b.text(event.actor)), \(b.millis(event.at)), \(b.text(event.kind.rawValue)), \(b.text(changes)),
                   \(b.text(event.note)), \(b.text(event.origin.rawValue)), position, hash
            FROM chained RETURNING id),
        chain AS (
            UPDATE chain_head SET last_id = chained.last_id, count = chained.position, hash = chained.hash
            FROM chained WHERE chain_head.id = 1 RETURNING chain_head.id)
        """
    }

    /// The select that ends a statement built on ``chainingEvent(_:_:afterTicket:changes:)``:
    /// no row's revision when the write did not go ahead, and how many of the three rows were written.
    private static let chainedResult = """
        SELECT desk_revision.value AS revision, desk_revision.ticket, chained.id,
               (SELECT count(*) FROM event) + (SELECT count(*) FROM chain) + (SELECT count(*) FROM written) AS written
        FROM (SELECT 1) AS one LEFT JOIN desk_revision ON true LEFT JOIN chained ON true
        """

    /// The chained event's id, when the event, the chain's end and the ticket were all written.
    private static func chainedID(_ row: PGRow, what: String) throws -> Int64 {
        guard let id = try row.optionalInt("id"), try row.int("written") == 3 else {
            throw StoreError.corrupt("the record's chain has no end to append \(what) to")
        }
        return id
    }

    /// What a statement lost with its connection left behind: `event`, by its actor at its
    /// instant (an actor's instants on a ticket only move forward, so it is no other), on
    /// `ticket` or, for an opening, on whichever ticket it opened; with that ticket as it is now
    /// (another seat may have changed it since).
    static func leftBehind(_ session: PGSession, _ event: TicketEvent, on ticket: TicketID?) async throws -> Inserted? {
        guard let found = try await session.rows(PG.query { b in
            """
            SELECT \(PostgresRows.eventColumns) FROM events
            WHERE at = \(b.millis(event.at)) AND actor = \(b.text(event.actor)) AND kind = \(b.text(event.kind.rawValue))
            \(ticket.map { "AND ticket = \(b.int($0.number))" } ?? "")
            ORDER BY id DESC LIMIT 1
            """
        }).first.map(PostgresRows.event), found.note == event.note, found.changes == event.changes,
              let current = try await storedTicket(session, found.ticket) else { return nil }
        return Inserted(ticket: current, last: found)
    }

    static func storedTicket(_ session: PGSession, _ id: TicketID) async throws -> Ticket? {
        try await session.rows(PG.query { b in
            "SELECT \(PostgresRows.ticketColumns) FROM tickets WHERE number = \(b.int(id.number))"
        }).first.map(PostgresRows.ticket)
    }

    /// Why a versioned write found nothing to update: gone, or changed by someone else.
    private static func conflict(_ session: PGSession, _ id: TicketID) async throws -> StoreError {
        guard let current = try await storedTicket(session, id) else { return .ticketNotFound(id) }
        let last = try await session.rows(PG.query { b in
            "SELECT \(PostgresRows.eventColumns) FROM events WHERE ticket = \(b.int(id.number)) ORDER BY id DESC LIMIT 1"
        }).first.map(PostgresRows.event)
        return .conflict(ticket: id, changedBy: last?.actor ?? "?", at: last?.at ?? current.openedAt,
                         kind: last?.kind ?? .opened, current: current)
    }

    public func insertHistories(_ histories: [TicketHistory], summaries: [KPISummary?]) async throws(StoreError) -> [TicketID] {
        try await texts.writing { registry throws(StoreError) in try await write { session in
            registry.restart()
            var ids: [TicketID] = []
            ids.reserveCapacity(histories.count)
            var chain: ChainTail?
            for (index, history) in histories.enumerated() {
                let summary = summaries.indices.contains(index) ? summaries[index] : nil
                ids.append(try await Self.insert(session, ticket: history.ticket, events: history.events, summary: summary,
                                                 registry: registry, chain: &chain).ticket.id)
            }
            try await Self.saveChain(session, chain)
            return ids
        } }
    }

    public func importHistories(_ histories: [TicketHistory], summaries: [KPISummary?]) async throws(StoreError) -> [ImportedHistory] {
        try await texts.writing { registry throws(StoreError) in try await write { session in
            registry.restart()
            // The ticket counter's row lock serialises every ticket insert on the server; holding it
            // first, the check below sees whatever another import committed meanwhile.
            _ = try await session.rows("SELECT value FROM counters WHERE name = 'tickets' FOR UPDATE")
            var results: [ImportedHistory] = []
            results.reserveCapacity(histories.count)
            var chain: ChainTail?
            for (index, history) in histories.enumerated() {
                if let source = history.ticket.source,
                   let row = try await session.rows(PG.query { b in "SELECT number FROM tickets WHERE source = \(b.text(source))" }).first {
                    results.append(ImportedHistory(id: TicketID(try row.int("number")), isNew: false))
                    continue
                }
                let summary = summaries.indices.contains(index) ? summaries[index] : nil
                results.append(ImportedHistory(id: try await Self.insert(session, ticket: history.ticket, events: history.events, summary: summary,
                                                                         registry: registry, chain: &chain).ticket.id,
                                               isNew: true))
            }
            try await Self.saveChain(session, chain)
            return results
        } }
    }

    public func histories(opened: DateInterval?) async throws(StoreError) -> [TicketHistory] {
        let start = opened.map { Millis.from($0.start) } ?? Int64.min
        let end = opened.map { Millis.from($0.end) } ?? Int64.max
        return try await read { session in
            let tickets = try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.ticketColumns) FROM tickets WHERE opened_at >= \(b.int(start)) AND opened_at < \(b.int(end)) ORDER BY number"
            }).map(PostgresRows.ticket)
            var events: [Int64: [TicketEvent]] = [:]
            for row in try await session.rows(PG.query { b in
                """
                SELECT \(PostgresRows.eventColumns) FROM events
                WHERE ticket IN (SELECT number FROM tickets WHERE opened_at >= \(b.int(start)) AND opened_at < \(b.int(end))) ORDER BY id
                """
            }) {
                let event = try PostgresRows.event(row)
                events[event.ticket.number, default: []].append(event)
            }
            return tickets.map { TicketHistory(ticket: $0, events: events[$0.id.number] ?? []) }
        }
    }

    public func ticket(_ id: TicketID) async throws(StoreError) -> Ticket? {
        try await read { session in try await Self.storedTicket(session, id) }
    }

    public func tickets(_ query: TicketQuery) async throws(StoreError) -> [Ticket] {
        let statement = PG.query { b in
            var sql = "SELECT \(PostgresRows.ticketColumns) FROM tickets\(Self.condition(query, b))"
            sql += query.urgentFirst ? " ORDER BY urgency, number" : " ORDER BY number"
            if let limit = query.limit { sql += " LIMIT \(max(0, limit))" }
            return sql
        }
        return try await read { session in try await session.rows(statement).map(PostgresRows.ticket) }
    }

    public func count(_ query: TicketQuery) async throws(StoreError) -> Int {
        let statement = PG.query { b in "SELECT COUNT(*) AS n FROM tickets\(Self.condition(query, b))" }
        return try await read { session in Int(try await session.rows(statement).first?.int("n") ?? 0) }
    }

    public func count(_ query: TicketQuery, atMost bound: Int) async throws(StoreError) -> Int {
        let statement = PG.query { b in
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM tickets\(Self.condition(query, b)) LIMIT \(b.int(Int64(max(0, bound))))) AS bounded"
        }
        return try await read { session in Int(try await session.rows(statement).first?.int("n") ?? 0) }
    }

    /// The `WHERE` clause of a query: empty, or with a leading space.
    private static func condition(_ query: TicketQuery, _ b: PGBinder) -> String {
        var clauses: [String] = []
        func list<V: RawRepresentable>(_ column: String, _ values: Set<V>?) where V.RawValue == String {
            guard let values else { return }
            clauses.append("\(column) = ANY(\(b.texts(values.map(\.rawValue).sorted())))")
        }
        list("tier", query.tiers)
        list("state", query.states)
        list("priority", query.priorities)
        if query.openOnly { clauses.append("state NOT IN ('resolved', 'closed')") }
        if let assignee = query.assignee { clauses.append("assignee = \(b.text(assignee))") }
        if let instant = query.majorOrBreachedAt { clauses.append("(priority = 'major' OR breach_at < \(b.millis(instant)))") }
        if query.urgentFirst { clauses.append("urgency IS NOT NULL") }
        if let after = query.afterNumber { clauses.append("number > \(b.int(after))") }
        return clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
    }

    /// Revisions come from a counter row locked to the end of each writing transaction, so
    /// they follow commit order, as event ids do.
    public func ticketsChanged(after revision: Int64, limit: Int) async throws(StoreError) -> TicketChanges {
        try await read { session in
            var changes = TicketChanges(tickets: [], revision: revision)
            for row in try await session.rows(PG.query { b in
                """
                SELECT \(PostgresRows.ticketColumns), revision FROM tickets WHERE revision > \(b.int(revision))
                ORDER BY revision LIMIT \(b.int(max(1, limit)))
                """
            }) {
                changes.tickets.append(try PostgresRows.ticket(row))
                changes.revision = try row.int("revision")
            }
            return changes
        }
    }

    public func lastRevision() async throws(StoreError) -> Int64 {
        try await read { session in
            try await session.rows("SELECT COALESCE(MAX(revision), 0) AS revision FROM tickets").first?.int("revision") ?? 0
        }
    }

    public func events(of ticket: TicketID) async throws(StoreError) -> [TicketEvent] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.eventColumns) FROM events WHERE ticket = \(b.int(ticket.number)) ORDER BY id"
            }).map(PostgresRows.event)
        }
    }

    public func events(after id: Int64, limit: Int) async throws(StoreError) -> [TicketEvent] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.eventColumns) FROM events WHERE id > \(b.int(id)) ORDER BY id LIMIT \(b.int(max(0, limit)))"
            }).map(PostgresRows.event)
        }
    }

    public func events(from: Date, to: Date) async throws(StoreError) -> [TicketEvent] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.eventColumns) FROM events WHERE at >= \(b.millis(from)) AND at < \(b.millis(to)) ORDER BY at, id"
            }).map(PostgresRows.event)
        }
    }

    public func activity(from: Date, to: Date) async throws(StoreError) -> [EventActivity] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT at, kind, actor FROM events WHERE at >= \(b.millis(from)) AND at < \(b.millis(to)) ORDER BY at, id"
            }).map { row throws(StoreError) in
                EventActivity(at: try row.date("at"), kind: try row.raw("kind", EventKind.self), actor: try row.text("actor"))
            }
        }
    }

    public func reportPage(after: Int64, limit: Int, until: Date) async throws(StoreError) -> [ReportTicket] {
        try await read { session in
            let tickets = try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.ticketColumns) FROM tickets WHERE number > \(b.int(after)) ORDER BY number LIMIT \(b.int(max(0, limit)))"
            }).map(PostgresRows.ticket)
            guard let first = tickets.first?.id.number, let last = tickets.last?.id.number else { return [] }
            var events: [Int64: [TicketEvent]] = [:]
            for row in try await session.rows(PG.query { b in
                """
                SELECT \(PostgresRows.eventColumns) FROM events
                WHERE ticket BETWEEN \(b.int(first)) AND \(b.int(last)) AND at < \(b.millis(until)) ORDER BY ticket, id
                """
            }) {
                let event = try PostgresRows.event(row)
                events[event.ticket.number, default: []].append(event)
            }
            var fired: [Int64: [FiredStep]] = [:]
            for row in try await session.rows(PG.query { b in
                """
                SELECT \(PostgresRows.stepColumns) FROM escalation_steps WHERE ticket BETWEEN \(b.int(first)) AND \(b.int(last))
                ORDER BY fired_at, priority COLLATE "C", level
                """
            }) {
                let step = try PostgresRows.firedStep(row)
                fired[step.ticket.number, default: []].append(step)
            }
            var calls: [Int64: [OutboxMessage]] = [:]
            for row in try await session.rows(PG.query { b in
                """
                SELECT \(PostgresRows.outboxColumns) FROM outbox
                WHERE ticket BETWEEN \(b.int(first)) AND \(b.int(last)) AND via = 'phone' ORDER BY id
                """
            }) {
                let call = try PostgresRows.outbox(row)
                if let ticket = call.ticket { calls[ticket.number, default: []].append(call) }
            }
            return tickets.map { ticket in
                ReportTicket(ticket: ticket, events: events[ticket.id.number] ?? [], fired: fired[ticket.id.number] ?? [],
                             calls: calls[ticket.id.number] ?? [])
            }
        }
    }

    public func lastEventID() async throws(StoreError) -> Int64 {
        try await read { session in
            try await session.rows("SELECT COALESCE(MAX(id), 0)::bigint AS id FROM events").first?.int("id") ?? 0
        }
    }

    public func changeSignal() throws(StoreError) -> any ChangeSignal {
        PostgresChangeSignal(location: location, logger: logger)
    }

    // MARK: Escalation and the outbox

    public func ticketsDueForEscalation(at instant: Date, limit: Int) async throws(StoreError) -> [Ticket] {
        try await read { session in
            try await session.rows(PG.query { b in
                """
                SELECT \(PostgresRows.ticketColumns) FROM tickets
                WHERE escalation_due_at IS NOT NULL AND escalation_due_at <= \(b.millis(instant))
                ORDER BY escalation_due_at, number LIMIT \(b.int(max(0, limit)))
                """
            }).map(PostgresRows.ticket)
        }
    }

    public func setPlan(_ plan: TicketPlan, of ticket: Ticket) async throws(StoreError) {
        var planned = ticket
        planned.plan = plan
        try await write { [planned] session in
            // The ticket's row before the revisions counter, as every path takes them (``updateTicket``).
            let rows = try await session.rows(PG.query { b in
                """
                UPDATE tickets SET escalation_due_at = \(b.millis(plan.escalationDueAt)), respond_by = \(b.millis(plan.respondBy)),
                    resolve_by = \(b.millis(plan.resolveBy)), urgency = \(b.double(planned.state == .closed ? nil : planned.urgency)),
                    breach_at = \(b.millis(planned.breachAt))
                WHERE number = \(b.int(planned.id.number)) AND version = \(b.int(planned.version)) RETURNING number
                """
            })
            guard !rows.isEmpty else { return }
            let revision = try await Self.next(session, "revisions")
            try await session.run(PG.query { b in
                "UPDATE tickets SET revision = \(b.int(revision)) WHERE number = \(b.int(planned.id.number))"
            })
        }
    }

    public func recordStep(_ step: FiredStep, messages: [OutboxMessage]) async throws(StoreError) -> Bool {
        try await write { session in
            let inserted = try await session.rows(PG.query { b in
                """
                INSERT INTO escalation_steps (ticket, priority, level, due_at, fired_at, fired_by)
                VALUES (\(b.int(step.ticket.number)), \(b.text(step.priority.rawValue)), \(b.int(step.level)),
                        \(b.millis(step.dueAt)), \(b.millis(step.firedAt)), \(b.text(step.firedBy)))
                ON CONFLICT DO NOTHING RETURNING ticket
                """
            })
            guard inserted.count == 1 else { return false }
            for message in messages { try await Self.queue(session, message) }
            return true
        }
    }

    public func writeContext(of id: TicketID, actor login: String) async throws(StoreError) -> TicketWriteContext {
        enum Shape: PreparedShape { static let name = "shiftdesk_write_context" }
        return try await read { session in
            let rows = try await session.rows(PG.query { b in
                let number = b.int(id.number)
                let stepOrder = #"ORDER BY fired_at, priority COLLATE "C", level"#
                let steps = ["priority", "level", "due_at", "fired_at", "fired_by"].map { "array_agg(\($0) \(stepOrder)) AS s_\($0)" }
                let actor = ["login", "name", "role", "shift", "disabled", "email"].map { "a.\($0) AS a_\($0)" }
                return """
                    WITH t AS (SELECT \(PostgresRows.ticketColumns) FROM tickets WHERE number = \(number)),
                    steps AS (SELECT \(steps.joined(separator: ", ")) FROM escalation_steps WHERE ticket = \(number))
                    SELECT \(actor.joined(separator: ", ")), t.*, h.name AS holder_name, steps.*
                    FROM steps
                    LEFT JOIN operators a ON a.login = \(b.text(login))
                    LEFT JOIN t ON true
                    LEFT JOIN operators h ON h.login = t.assignee
                    """
            }, preparedAs: Shape.self)
            guard let first = rows.first else { throw StoreError.corrupt("the write context of \(id) read no row") }
            let actor = try first.optionalText("a_login") == nil ? nil : try PostgresRows.operatorRecord(first.prefixed("a_"))
            guard try first.optionalInt("number") != nil else {
                return TicketWriteContext(actor: actor, ticket: nil, holderName: nil, fired: [])
            }
            let levels = try first.value("s_level", [Int64]?.self) ?? []
            let priorities = try first.value("s_priority", [String]?.self) ?? []
            let due = try first.value("s_due_at", [Int64]?.self) ?? [], firedAt = try first.value("s_fired_at", [Int64]?.self) ?? []
            let firedBy = try first.value("s_fired_by", [String]?.self) ?? []
            guard [priorities.count, due.count, firedAt.count, firedBy.count].allSatisfy({ $0 == levels.count }) else {
                throw StoreError.corrupt("the escalation steps of \(id) read unevenly")
            }
            let fired = try levels.indices.map { index throws(StoreError) in
                guard let priority = Priority(rawValue: priorities[index]) else { throw StoreError.corrupt("step priority \(priorities[index])") }
                return FiredStep(ticket: id, priority: priority, level: Int(levels[index]), dueAt: Millis.date(due[index]),
                                 firedAt: Millis.date(firedAt[index]), firedBy: firedBy[index])
            }
            return TicketWriteContext(actor: actor, ticket: try PostgresRows.ticket(first), holderName: try first.optionalText("holder_name"),
                                      fired: fired)
        }
    }

    public func firedSteps(of ticket: TicketID) async throws(StoreError) -> [FiredStep] {
        try await read { session in
            try await session.rows(PG.query { b in
                """
                SELECT \(PostgresRows.stepColumns) FROM escalation_steps WHERE ticket = \(b.int(ticket.number))
                ORDER BY fired_at, priority COLLATE "C", level
                """
            }).map(PostgresRows.firedStep)
        }
    }

    public func nextEscalationDue() async throws(StoreError) -> Date? {
        try await read { session in
            try await session.rows("SELECT MIN(escalation_due_at) AS due FROM tickets WHERE escalation_due_at IS NOT NULL")
                .first?.optionalDate("due") ?? nil
        }
    }

    public func setting(_ key: String) async throws(StoreError) -> String? {
        try await read { session in
            try await session.rows(PG.query { b in "SELECT value FROM settings WHERE key = \(b.text(key))" }).first?.text("value")
        }
    }

    public func setSetting(_ key: String, to value: String) async throws(StoreError) {
        try await write { session in
            try await session.run(PG.query { b in
                "INSERT INTO settings (key, value) VALUES (\(b.text(key)), \(b.text(value))) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            })
        }
    }

    public func claimMail(dueBy instant: Date, leaseUntil: Date, limit: Int) async throws(StoreError) -> [OutboxMessage] {
        try await write { session in
            // Rows another flusher holds are skipped, never waited for nor handed out twice.
            let rows = try await session.rows(PG.query { b in
                """
                SELECT \(PostgresRows.outboxColumns) FROM outbox
                WHERE via = 'email' AND delivered_at IS NULL AND next_attempt_at <= \(b.millis(instant))
                  AND (claimed_until IS NULL OR claimed_until < \(b.millis(instant)))
                ORDER BY next_attempt_at, id LIMIT \(b.int(max(0, limit)))
                FOR UPDATE SKIP LOCKED
                """
            })
            let messages = try rows.map(PostgresRows.outbox)
            if !messages.isEmpty {
                try await session.run(PG.query { b in
                    "UPDATE outbox SET claimed_until = \(b.millis(leaseUntil)) WHERE id = ANY(\(b.ints(messages.map(\.id))))"
                })
            }
            return messages
        }
    }

    public func markDelivered(_ message: Int64, at instant: Date) async throws(StoreError) {
        try await write { session in
            try await session.run(PG.query { b in
                """
                UPDATE outbox SET delivered_at = \(b.millis(instant)), attempts = attempts + 1, claimed_until = NULL, last_error = NULL
                WHERE id = \(b.int(message)) AND delivered_at IS NULL
                """
            })
        }
    }

    public func markFailed(_ message: Int64, error: String, retryAt: Date) async throws(StoreError) {
        try await write { session in
            try await session.run(PG.query { b in
                """
                UPDATE outbox SET attempts = attempts + 1, last_error = \(b.text(error)), next_attempt_at = \(b.millis(retryAt)),
                                  claimed_until = NULL
                WHERE id = \(b.int(message)) AND delivered_at IS NULL
                """
            })
        }
    }

    public func pendingCalls(limit: Int?) async throws(StoreError) -> [OutboxMessage] {
        try await read { session in
            try await session.rows(PG.query { _ in
                "SELECT \(PostgresRows.outboxColumns) FROM outbox WHERE via = 'phone' AND delivered_at IS NULL ORDER BY id"
                    + (limit.map { " LIMIT \(max(0, $0))" } ?? "")
            }).map(PostgresRows.outbox)
        }
    }

    public func pendingCallCount() async throws(StoreError) -> Int {
        try await read { session in
            Int(try await session.rows("SELECT COUNT(*) AS n FROM outbox WHERE via = 'phone' AND delivered_at IS NULL").first?.int("n") ?? 0)
        }
    }

    public func confirmCall(_ message: Int64, by login: String, at instant: Date) async throws(StoreError) -> Bool {
        try await confirm(message, via: .phone, by: login, at: instant)
    }

    public func pendingNotices(limit: Int?) async throws(StoreError) -> [OutboxMessage] {
        try await read { session in
            try await session.rows(PG.query { _ in
                "SELECT \(PostgresRows.outboxColumns) FROM outbox WHERE via = 'console' AND delivered_at IS NULL ORDER BY id"
                    + (limit.map { " LIMIT \(max(0, $0))" } ?? "")
            }).map(PostgresRows.outbox)
        }
    }

    public func confirmNotice(_ message: Int64, by login: String, at instant: Date) async throws(StoreError) -> Bool {
        try await confirm(message, via: .console, by: login, at: instant)
    }

    /// Records that `login` made the call or saw the notice, unless someone already did.
    private func confirm(_ message: Int64, via: ContactMethod, by login: String, at instant: Date) async throws(StoreError) -> Bool {
        try await write { session in
            try await session.rows(PG.query { b in
                """
                UPDATE outbox SET delivered_at = \(b.millis(instant)), confirmed_by = \(b.text(login)), attempts = attempts + 1
                WHERE id = \(b.int(message)) AND via = \(b.text(via.rawValue)) AND delivered_at IS NULL RETURNING id
                """
            }).count == 1
        }
    }

    public func outbox(of ticket: TicketID) async throws(StoreError) -> [OutboxMessage] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.outboxColumns) FROM outbox WHERE ticket = \(b.int(ticket.number)) ORDER BY id"
            }).map(PostgresRows.outbox)
        }
    }

    public func outbox(ofProblem problem: ProblemID) async throws(StoreError) -> [OutboxMessage] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.outboxColumns) FROM outbox WHERE problem = \(b.int(problem.number)) ORDER BY id"
            }).map(PostgresRows.outbox)
        }
    }

    // MARK: Handovers

    public func insertHandover(_ handover: Handover, origin: EventOrigin) async throws(StoreError) -> Handover {
        try await write { session in
            var stored = handover
            stored.id = try await Self.next(session, "handovers")
            let id = stored.id
            try await session.run(PG.query { b in
                """
                INSERT INTO handovers (id, from_shift, from_start, from_end, to_shift, to_start, to_end, prepared_by, prepared_at, note)
                VALUES (\(b.int(id)), \(b.text(handover.from.shift.rawValue)), \(b.millis(handover.from.start)),
                        \(b.millis(handover.from.end)), \(b.text(handover.to.shift.rawValue)), \(b.millis(handover.to.start)),
                        \(b.millis(handover.to.end)), \(b.text(handover.preparedBy)), \(b.millis(handover.preparedAt)),
                        \(b.text(handover.note)))
                """
            })
            for (position, item) in handover.items.enumerated() {
                try await session.run(PG.query { b in
                    """
                    INSERT INTO handover_items (handover, position, ticket, note)
                    VALUES (\(b.int(id)), \(b.int(position)), \(b.int(item.ticket.number)), \(b.text(item.note)))
                    """
                })
            }
            try await Self.journal(session, stored.journalStates, actor: stored.preparedBy, at: stored.preparedAt, origin: origin)
            return stored
        }
    }

    static func loadHandovers(_ session: PGSession, _ statement: PostgresQuery) async throws -> [Handover] {
        let rows = try await session.rows(statement)
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { row throws(StoreError) in try row.int("id") }
        let itemRows = try await session.rows(PG.query { b in
            "SELECT \(PostgresRows.handoverItemColumns) FROM handover_items WHERE handover = ANY(\(b.ints(ids))) ORDER BY handover, position"
        })
        var items: [Int64: [HandoverItem]] = [:]
        for row in itemRows {
            items[try row.int("handover"), default: []].append(try PostgresRows.handoverItem(row))
        }
        return try rows.map { row throws(StoreError) in try PostgresRows.handover(row, items: items[try row.int("id")] ?? []) }
    }

    public func handover(_ id: Int64) async throws(StoreError) -> Handover? {
        try await read { session in
            try await Self.loadHandovers(session, PG.query { b in
                "SELECT \(PostgresRows.handoverColumns) FROM handovers WHERE id = \(b.int(id))"
            }).first
        }
    }

    public func handovers(from: Date?, to: Date?, limit: Int) async throws(StoreError) -> [Handover] {
        try await read { session in
            try await Self.loadHandovers(session, PG.query { b in
                """
                SELECT \(PostgresRows.handoverColumns) FROM handovers
                WHERE from_start >= \(b.int(Millis.from(from) ?? Int64.min)) AND from_start < \(b.int(Millis.from(to) ?? Int64.max))
                ORDER BY from_start DESC, id DESC LIMIT \(b.int(max(0, limit)))
                """
            })
        }
    }

    public func acknowledge(handover id: Int64, tickets: [TicketID]?, by login: String, at instant: Date,
                            note: String?, origin: EventOrigin) async throws(StoreError) -> Handover {
        try await write { session in
            guard try await !session.rows(PG.query { b in "SELECT 1 FROM handovers WHERE id = \(b.int(id)) FOR UPDATE" }).isEmpty else {
                throw StoreError.handoverNotFound(id)
            }
            let held = Set(try await session.rows(PG.query { b in "SELECT ticket FROM handover_items WHERE handover = \(b.int(id))" })
                .map { row throws(StoreError) in try row.int("ticket") })
            let targets: [Int64]
            if let tickets {
                if let missing = tickets.first(where: { !held.contains($0.number) }) {
                    throw StoreError.notInHandover(handover: id, ticket: missing)
                }
                targets = tickets.map(\.number)
            } else {
                targets = Array(held)
            }
            var acknowledged = Set<Int64>()
            if !targets.isEmpty {
                let rows = try await session.rows(PG.query { b in
                    """
                    UPDATE handover_items SET acknowledged_by = \(b.text(login)), acknowledged_at = \(b.millis(instant)),
                                              acknowledgement_note = \(b.text(note))
                    WHERE handover = \(b.int(id)) AND ticket = ANY(\(b.ints(targets))) AND acknowledged_at IS NULL
                    RETURNING ticket
                    """
                })
                acknowledged = Set(try rows.map { row throws(StoreError) in try row.int("ticket") })
            }
            guard let stored = try await Self.loadHandovers(session, PG.query { b in
                "SELECT \(PostgresRows.handoverColumns) FROM handovers WHERE id = \(b.int(id))"
            }).first else { throw StoreError.handoverNotFound(id) }
            if !acknowledged.isEmpty {
                let states = stored.items.filter { acknowledged.contains($0.ticket.number) }.map(stored.journalState(of:))
                try await Self.journal(session, states, actor: login, at: instant, origin: origin)
            }
            return stored
        }
    }

    /// Queues one message in the outbox; a message whose id is already queued is left as it is.
    static func queue(_ session: PGSession, _ message: OutboxMessage) async throws {
        try await session.run(PG.query { b in
            """
            INSERT INTO outbox (ticket, problem, priority, level, recipient_role, address, via, message_id, subject, body,
                                created_at, attempts, next_attempt_at, kind, recipient_login, delivery, parts, document)
            VALUES (\(b.int(message.ticket?.number)), \(b.int(message.problem?.number)), \(b.text(message.priority?.rawValue)),
                    \(b.int(message.level)), \(b.text(message.recipientRole?.rawValue ?? "")), \(b.text(message.address)),
                    \(b.text(message.via.rawValue)), \(b.text(message.messageID)), \(b.text(message.subject)), \(b.text(message.body)),
                    \(b.millis(message.createdAt)), 0, \(b.millis(message.nextAttemptAt)), \(b.text(message.kind.rawValue)),
                    \(b.text(message.recipientLogin)), \(b.int(message.delivery)), \(b.text(MailPart.text(message.parts))),
                    \(b.text(message.document)))
            ON CONFLICT (message_id) DO NOTHING
            """
        })
    }

    // MARK: Problems

    private static let problemWriteColumns = PostgresRows.problemColumns.split(separator: ",").dropFirst()
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

    private static func appendProblemEvent(_ session: PGSession, _ event: ProblemEvent, problem: ProblemID) async throws -> ProblemEvent {
        var stored = event
        stored.id = try await next(session, "problem_events")
        stored.problem = problem
        try await session.run(PG.query { b in
            """
            INSERT INTO problem_events (id, problem, actor, at, kind, payload, origin)
            VALUES (\(b.int(stored.id)), \(b.int(problem.number)), \(b.text(event.actor)), \(b.millis(event.at)),
                    \(b.text(event.kind.rawValue)), \(b.text(event.payloadText)), \(b.text(event.origin.rawValue)))
            """
        })
        return stored
    }

    public func insertProblem(_ problem: Problem, event: ProblemEvent,
                              messages: @escaping @Sendable (ProblemID) -> [OutboxMessage]) async throws(StoreError) -> (Problem, ProblemEvent) {
        try await write { session in
            var stored = problem
            stored.id = ProblemID(try await Self.next(session, "problems"))
            stored.version = 1
            let row = stored
            try await session.run(PG.query { b in
                """
                INSERT INTO problems (number, \(Self.problemWriteColumns.joined(separator: ", ")))
                VALUES (\(b.int(row.id.number)), \(PostgresRows.problemValues(row, b).joined(separator: ", ")))
                """
            })
            let raised = try await Self.appendProblemEvent(session, event, problem: stored.id)
            try await Self.journal(session, [stored.journalState, raised.journalState], actor: raised.actor, at: raised.at,
                                   origin: raised.origin)
            for message in messages(stored.id) { try await Self.queue(session, message) }
            return (stored, raised)
        }
    }

    public func importProblem(_ problem: Problem, events: [ProblemEvent], linking: [TicketID]) async throws(StoreError) -> (id: ProblemID, isNew: Bool) {
        try await write { session in
            if let source = problem.source, let found = try await session.rows(PG.query { b in
                "SELECT number FROM problems WHERE source = \(b.text(source))"
            }).first {
                return (ProblemID(try found.int("number")), false)
            }
            var row = problem
            row.id = ProblemID(try await Self.next(session, "problems"))
            let stored = row
            try await session.run(PG.query { b in
                """
                INSERT INTO problems (number, \(Self.problemWriteColumns.joined(separator: ", ")))
                VALUES (\(b.int(stored.id.number)), \(PostgresRows.problemValues(stored, b).joined(separator: ", ")))
                """
            })
            var appended: [ProblemEvent] = []
            for event in events { appended.append(try await Self.appendProblemEvent(session, event, problem: stored.id)) }
            // The record journal keeps the imported problem as it stands and every event of its history.
            let last = appended.last
            try await Self.journal(session, [stored.journalState] + appended.map(\.journalState), actor: last?.actor ?? stored.raisedBy,
                                   at: last?.at ?? stored.raisedAt, origin: last?.origin ?? .local)
            if !linking.isEmpty {
                // The incidents' rows before the revisions counter, as every path takes them (``updateTicket``).
                try await session.run(PG.query { b in
                    "SELECT number FROM tickets WHERE number = ANY(\(b.ints(linking.map(\.number)))) ORDER BY number FOR UPDATE"
                })
                let revision = try await Self.next(session, "revisions")
                try await session.run(PG.query { b in
                    "UPDATE tickets SET problem = \(b.int(stored.id.number)), revision = \(b.int(revision)) WHERE number = ANY(\(b.ints(linking.map(\.number))))"
                })
            }
            return (stored.id, true)
        }
    }

    public func updateProblem(_ problem: Problem, event: ProblemEvent) async throws(StoreError) -> (Problem, ProblemEvent) {
        try await write { session in
            var stored = problem
            stored.version = problem.version + 1
            let row = stored
            let rows = try await session.rows(PG.query { b in
                let sets = zip(Self.problemWriteColumns, PostgresRows.problemValues(row, b)).map { "\($0) = \($1)" }
                return """
                    UPDATE problems SET \(sets.joined(separator: ", "))
                    WHERE number = \(b.int(problem.id.number)) AND version = \(b.int(problem.version)) RETURNING number
                    """
            })
            guard rows.count == 1 else {
                if try await session.rows(PG.query { b in "SELECT 1 FROM problems WHERE number = \(b.int(problem.id.number))" }).isEmpty {
                    throw StoreError.problemNotFound(problem.id)
                }
                let last = try await session.rows(PG.query { b in
                    "SELECT \(PostgresRows.problemEventColumns) FROM problem_events WHERE problem = \(b.int(problem.id.number)) ORDER BY id DESC LIMIT 1"
                }).first.map(PostgresRows.problemEvent)
                throw StoreError.problemConflict(problem: problem.id, changedBy: last?.actor ?? "?",
                                                 at: last?.at ?? Date(timeIntervalSince1970: 0), kind: last?.kind ?? .raised)
            }
            let appended = try await Self.appendProblemEvent(session, event, problem: problem.id)
            try await Self.journal(session, [stored.journalState, appended.journalState], actor: appended.actor, at: appended.at,
                                   origin: appended.origin)
            return (stored, appended)
        }
    }

    public func problem(_ id: ProblemID) async throws(StoreError) -> Problem? {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.problemColumns) FROM problems WHERE number = \(b.int(id.number))"
            }).first.map(PostgresRows.problem)
        }
    }

    public func problems() async throws(StoreError) -> [Problem] {
        try await read { session in
            try await session.rows(PG.query { _ in "SELECT \(PostgresRows.problemColumns) FROM problems ORDER BY number" })
                .map(PostgresRows.problem)
        }
    }

    public func problemEvents(of problem: ProblemID) async throws(StoreError) -> [ProblemEvent] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.problemEventColumns) FROM problem_events WHERE problem = \(b.int(problem.number)) ORDER BY id"
            }).map(PostgresRows.problemEvent)
        }
    }

    public func problemEvents(from: Date, to: Date) async throws(StoreError) -> [ProblemEvent] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.problemEventColumns) FROM problem_events WHERE at >= \(b.millis(from)) AND at < \(b.millis(to)) ORDER BY id"
            }).map(PostgresRows.problemEvent)
        }
    }

    public func tickets(linkedTo problem: ProblemID) async throws(StoreError) -> [Ticket] {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.ticketColumns) FROM tickets WHERE problem = \(b.int(problem.number)) ORDER BY number"
            }).map(PostgresRows.ticket)
        }
    }
}

/// One leased connection and the few things done with it.
struct PGSession {
    let connection: PostgresConnection
    let logger: Logger

    func rows(_ query: PostgresQuery) async throws -> [PGRow] {
        try await connection.query(query, logger: logger).collect().map(PGRow.init)
    }

    func run(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }

    /// BEGIN … COMMIT around `body`, ROLLBACK when it throws (its error is passed on as is).
    func transaction<T>(_ body: () async throws -> T) async throws -> T {
        try await run("BEGIN")
        do {
            let value = try await body()
            try await run("COMMIT")
            return value
        } catch {
            try? await run("ROLLBACK")
            throw error
        }
    }
}
