import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// Prepares a desk database ahead of time: creates it if needed and brings its schema to this
/// build's version (a database from a newer ShiftDesk is refused and left alone).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the desk database schema (SQLite path or postgres:// URL) and report its version.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = try Context(global)
        let location = try context.databaseLocation()
        let (store, version) = try await context.openPreparedStore(create: true)
        if let postgres = store as? PostgresStore { await postgres.close() }
        if context.json {
            Output.json(.object([("database", .string(location)), ("backend", .string(store.backend)),
                                 ("schemaVersion", .int(Int64(version)))]))
        } else {
            print(context.language.pick(
                en: "Desk database at \(location) (\(store.backend)) is at schema version \(version).",
                zh: "服务台数据库 \(location)（\(store.backend)）的结构版本为 \(version)。"))
        }
    }
}
