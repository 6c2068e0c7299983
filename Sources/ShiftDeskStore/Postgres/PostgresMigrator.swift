import Foundation
import PostgresNIO

/// Brings a database to the schema this build knows, on one direct connection, in one
/// transaction under `pg_advisory_xact_lock`: seats starting at once queue up, the first
/// migrates, the others find the work done. A database migrated by a newer ShiftDesk is refused.
enum PostgresMigrator {
    static func migrate(_ location: PostgresLocation, create: Bool, logger: Logger) async throws(StoreError) -> Int {
        let connection: PostgresConnection
        do {
            connection = try await PostgresStore.connect(location, logger: logger)
        } catch {
            guard case .databaseMissing = error, create else { throw error }
            try await createDatabase(location, logger: logger)
            connection = try await PostgresStore.connect(location, logger: logger)
        }
        do {
            let session = PGSession(connection: connection, logger: logger)
            let version = try await session.transaction { () async throws -> Int in
                // A change's event is hashed by the server (`sha256()`, PostgreSQL 11).
                if let server = try await session.rows("""
                    SELECT current_setting('server_version_num')::bigint AS number, current_setting('server_version') AS version
                    """).first, try server.int("number") < PostgresSchema.oldestServer {
                    throw StoreError.cannotOpen(path: location.description,
                                                reason: "ShiftDesk needs PostgreSQL 11 or newer; this server is \(try server.text("version"))")
                }
                try await session.run(PG.query { b in "SELECT pg_advisory_xact_lock(\(b.int(PostgresSchema.migrationLock)))" })
                try await session.run("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version bigint PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """)
                let applied = Set(try await session.rows("SELECT version FROM schema_migrations")
                    .map { row throws(StoreError) in Int(try row.int("version")) })
                let known = Set(PostgresSchema.migrations.map(\.version))
                if !applied.subtracting(known).isEmpty { throw StoreError.newerSchema(path: location.description) }
                if applied.isEmpty && !create {
                    // An empty database: the desk has not been set up here (rolls back the bookkeeping table).
                    throw StoreError.databaseMissing(path: location.description)
                }
                for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                    for statement in PostgresSchema.statements(migration.sql) {
                        try await session.run(PostgresQuery(unsafeSQL: statement))
                    }
                    if let then = migration.then { try await then(session) }
                    try await session.run(PG.query { b in
                        "INSERT INTO schema_migrations (version, name) VALUES (\(b.int(migration.version)), \(b.text(migration.name)))"
                    })
                }
                return PostgresSchema.latestVersion
            }
            try? await connection.close()
            return version
        } catch {
            try? await connection.close()
            throw PostgresErrors.map(error, location)
        }
    }

    /// `CREATE DATABASE` through the server's `postgres` database, for `init` on a fresh server.
    private static func createDatabase(_ location: PostgresLocation, logger: Logger) async throws(StoreError) {
        let maintenance = location.with(database: "postgres")
        let connection: PostgresConnection
        do {
            connection = try await PostgresStore.connect(maintenance, logger: logger)
        } catch {
            throw StoreError.databaseMissing(path: location.description)
        }
        let quoted = "\"" + location.database.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        do {
            try await PGSession(connection: connection, logger: logger).run(PostgresQuery(unsafeSQL: "CREATE DATABASE \(quoted)"))
            try? await connection.close()
        } catch {
            try? await connection.close()
            // Someone else created it meanwhile (two seats at once may also meet in the catalog's index): fine.
            if ["42P04", "23505"].contains(PostgresErrors.sqlState(error) ?? "") { return }
            if PostgresErrors.sqlState(error) == "42501" {
                throw StoreError.cannotOpen(
                    path: location.description,
                    reason: "database \(location.database) does not exist and user \(location.user) may not create it; ask the DBA for `CREATE DATABASE \(quoted) OWNER \(location.user)`")
            }
            throw PostgresErrors.map(error, maintenance)
        }
    }
}
