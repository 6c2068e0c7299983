import GRDB

extension SQLiteStore {
    /// The number of the latest schema migration the file has (`vN: …`, the same numbering as
    /// the PostgreSQL backend's).
    public func schemaVersion() async throws(StoreError) -> Int {
        do {
            return try await pool.read { db in
                try SQLiteSchema.migrator.appliedIdentifiers(db).compactMap { identifier in
                    identifier.split(separator: ":").first.flatMap { Int($0.dropFirst()) }
                }.max() ?? 0
            }
        } catch {
            throw StoreError.failure(Self.describe(error))
        }
    }
}
