import GRDB

extension SQLiteStore {
    /// How many schema migrations the file has (the same numbering as the PostgreSQL backend's).
    public func schemaVersion() async throws(StoreError) -> Int {
        do {
            return try await pool.read { db in try SQLiteSchema.migrator.appliedIdentifiers(db).count }
        } catch {
            throw StoreError.failure(Self.describe(error))
        }
    }
}
