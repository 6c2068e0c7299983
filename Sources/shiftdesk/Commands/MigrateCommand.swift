import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// Prepares a desk database ahead of time: creates it if needed and brings its schema to this
/// build's version (a database from a newer ShiftDesk is refused and left alone), then makes the
/// KPI summaries reports cannot use: those of incidents written before schema v7, or judged by
/// another SLA policy (the one in force is `--policy`'s) or with roles that changed since.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the desk database schema (SQLite path or postgres:// URL), summarise incidents for reports, report the version.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = try Context(global)
        let location = try context.databaseLocation()
        let (store, version) = try await context.openPreparedStore(create: true)
        let desk = Desk(store: store, clock: context.clock, policy: context.policy)
        let summarised: Int
        do {
            summarised = try await desk.refreshKPISummaries { done in
                guard !context.json, isatty(STDERR_FILENO) != 0 else { return }
                FileHandle.standardError.write(Data(context.language.pick(en: "\rsummarising incidents for reports: \(done)",
                                                                          zh: "\r正在为报表汇总事件：\(done)").utf8))
            }
        } catch {
            if let postgres = store as? PostgresStore { await postgres.close() }
            throw CLIFailure(error, context)
        }
        if let postgres = store as? PostgresStore { await postgres.close() }
        if context.json {
            Output.json(.object([("database", .string(location)), ("backend", .string(store.backend)),
                                 ("schemaVersion", .int(Int64(version))), ("summarised", .int(Int64(summarised)))]))
        } else {
            if summarised > 0, isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\n".utf8)) }
            print(context.language.pick(
                en: "Desk database at \(location) (\(store.backend)) is at schema version \(version).",
                zh: "服务台数据库 \(location)（\(store.backend)）的结构版本为 \(version)。"))
            if summarised > 0 {
                print(context.language.pick(en: "Summarised \(summarised) incidents for reports.", zh: "已为报表汇总 \(summarised) 个事件。"))
            }
        }
    }
}
