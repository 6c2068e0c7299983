import ArgumentParser
import Foundation
import ShiftDeskConfig
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
        let summarised: Int
        let installed: Bool
        let desk: Desk
        do {
            // A desk made before controlled documents ran on its machine's sla.toml (or the duty
            // table): that becomes its approved V1.0, and nothing else changes.
            let base = Desk(store: store, clock: context.clock, policy: context.builtInPolicy)
            let (text, source) = try Self.formerPolicy(context)
            installed = try await context.documents(base).installPolicyIfMissing(context.withMachineRoster(text),
                                                                                  reason: "shiftdesk migrate: \(source)")
            desk = try await context.deskInForce(on: store).desk
            summarised = try await desk.refreshKPISummaries { done in
                guard !context.json, isatty(STDERR_FILENO) != 0 else { return }
                FileHandle.standardError.write(Data(context.language.pick(en: "\rsummarising incidents for reports: \(done)",
                                                                          zh: "\r正在为报表汇总事件：\(done)").utf8))
            }
        } catch let error as DeskError {
            if let postgres = store as? PostgresStore { await postgres.close() }
            throw CLIFailure(error, context)
        } catch let error as StoreError {
            if let postgres = store as? PostgresStore { await postgres.close() }
            throw CLIFailure(error, context)
        } catch {
            if let postgres = store as? PostgresStore { await postgres.close() }
            throw error
        }
        if let postgres = store as? PostgresStore { await postgres.close() }
        if context.json {
            Output.json(.object([("database", .string(location)), ("backend", .string(store.backend)),
                                 ("schemaVersion", .int(Int64(version))), ("summarised", .int(Int64(summarised))),
                                 ("policy_installed", .bool(installed))]))
        } else {
            if summarised > 0, isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\n".utf8)) }
            print(context.language.pick(
                en: "Desk database at \(location) (\(store.backend)) is at schema version \(version).",
                zh: "服务台数据库 \(location)（\(store.backend)）的结构版本为 \(version)。"))
            if installed {
                print(context.language.pick(en: "Installed the SLA policy this desk ran on as its approved V1.0.",
                                            zh: "已将本服务台原用的 SLA 策略登记为已批准的 V1.0。"))
            }
            if summarised > 0 {
                print(context.language.pick(en: "Summarised \(summarised) incidents for reports.", zh: "已为报表汇总 \(summarised) 个事件。"))
            }
        }
    }

    /// The policy this machine ran on before: `$XDG_CONFIG_HOME/shiftdesk/sla.toml` if there is
    /// one (checked: a broken one stops the migration untouched), else the duty table.
    static func formerPolicy(_ context: Context) throws(CLIFailure) -> (text: String, source: String) {
        guard let directory = Context.configDirectory(context.environment) else { return (PolicyFile.dutyTableText, "the duty table") }
        let path = (directory as NSString).appendingPathComponent("sla.toml")
        guard FileManager.default.fileExists(atPath: path) else { return (PolicyFile.dutyTableText, "the duty table") }
        do {
            let text = try PolicyFile.text(path: path)
            _ = try PolicyFile.load(contents: text, path: path, defaultTimeZone: context.timeZone)
            return (text, path)
        } catch {
            throw CLIFailure(error.description)
        }
    }
}
