import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// `shiftdesk audit verify`: walks the event chain and the record around it (README, "The
/// record holds"); exit 1 on the first break, named.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Prove the desk's history was not changed afterwards.",
        subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the event chain: every hash recomputes, nothing missing, edited, inserted or reordered, no ticket deleted.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Start at this event id (the chain before it is taken as it is).") var from: Int64?

        func validate() throws {
            if let from, from < 1 { throw ValidationError("--from takes an event id (1 or more), not \(from)") }
        }

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let result: AuditVerification
            do {
                result = try await AuditVerifier.verifyAndRecord(store, from: from, clock: context.clock, by: context.login) { checked in
                    guard !context.json, isatty(STDERR_FILENO) != 0 else { return }
                    FileHandle.standardError.write(Data(context.language.pick(en: "\rchecked \(checked) events", zh: "\r已核对 \(checked) 条事件记录").utf8))
                }
            } catch {
                await AuditOutput.close(store)
                throw CLIFailure(error, context)
            }
            if !context.json, isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            await AuditOutput.close(store)
            try AuditOutput.report(result, context)
        }
    }
}

enum AuditOutput {
    static func close(_ store: any Store) async {
        if let postgres = store as? PostgresStore { await postgres.close() }
        if let sqlite = store as? SQLiteStore { sqlite.closeDatabase() }
    }

    static func json(_ result: AuditVerification) -> JSONValue {
        var fields: [(String, JSONValue)] = [("holds", .bool(result.holds)), ("checked", .int(Int64(result.checked))),
                                             ("from", result.from.map { .int($0) } ?? .null)]
        if let head = result.head {
            fields.append(("head", .object([("event", .int(head.lastID)), ("events", .int(head.count)), ("sha256", .string(head.hex))])))
        } else {
            fields.append(("head", .null))
        }
        fields.append(("journal", .object([("checked", .int(Int64(result.journalChecked))),
                                           ("entries", result.journalHead.map { .int($0.count) } ?? .null),
                                           ("sha256", result.journalHead.map { .string($0.hex) } ?? .null)])))
        if let found = result.firstBreak {
            fields.append(("break", .object([("kind", .string(found.kind)), ("event", found.event.map { .int($0) } ?? .null),
                                             ("message", .string(found.message(.en)))])))
        } else {
            fields.append(("break", .null))
        }
        return .object(fields)
    }

    /// One line: what holds, with the head; or the first break on stderr and exit 1.
    static func report(_ result: AuditVerification, _ context: Context, subject: String? = nil) throws {
        let l = context.language
        if context.json {
            Output.json(json(result))
            if !result.holds { throw ExitCode(1) }
            return
        }
        if let found = result.firstBreak {
            let prefix = subject.map { l.pick(en: "\($0): ", zh: "\($0)：") } ?? ""
            throw CLIFailure(prefix + l.pick(en: "the record does not hold: ", zh: "记录未通过核验：") + found.message(l))
        }
        let head = result.head ?? .empty
        let journal = result.journalHead ?? .empty
        print(l.pick(en: "The record holds: \(result.checked) events checked\(result.from.map { " from event \($0)" } ?? ""); chain head event \(head.lastID), SHA-256 \(head.hex)",
                     zh: "记录完好：已核对 \(result.checked) 条事件记录\(result.from.map { "（自事件记录 \($0) 起）" } ?? "")；哈希链头为事件记录 \(head.lastID)，SHA-256 \(head.hex)"))
        print(l.pick(en: "Handovers and other records: \(result.journalChecked) journal entries checked, every record as journaled; journal head \(journal.count), SHA-256 \(journal.hex)",
                     zh: "交接班等记录：已核对 \(result.journalChecked) 条记录日志，每条记录与日志一致；日志链头为第 \(journal.count) 条，SHA-256 \(journal.hex)"))
    }

    /// Verifies the SQLite file at `path` (a backup, a file about to be restored).
    static func verifyFile(_ path: String, _ context: Context) async throws(CLIFailure) -> AuditVerification {
        let store: SQLiteStore
        do { store = try SQLiteStore(path: path, create: false) } catch { throw CLIFailure(error, context) }
        defer { store.closeDatabase() }
        do { return try await AuditVerifier.verify(store) } catch { throw CLIFailure(error, context) }
    }

    static func postgresRefusal(_ command: String, _ context: Context) -> CLIFailure {
        let l = context.language
        let location = (try? context.databaseLocation()) ?? "postgres://…"
        if command == "backup" {
            return CLIFailure(l.pick(
                en: "a PostgreSQL desk is backed up with pg_dump: `pg_dump --format=custom --file=FILE '\(location)'`, then check the copy with `shiftdesk audit verify --db URL` once restored (README, \"Backups\")",
                zh: "PostgreSQL 服务台请用 pg_dump 备份：`pg_dump --format=custom --file=文件 '\(location)'`，恢复后用 `shiftdesk audit verify --db URL` 核验（见 README“备份”）"))
        }
        return CLIFailure(l.pick(
            en: "a PostgreSQL desk is restored with pg_restore: stop every seat, then `pg_restore --clean --if-exists --no-owner --dbname='\(location)' FILE` and `shiftdesk audit verify` (README, \"Backups\")",
            zh: "PostgreSQL 服务台请用 pg_restore 恢复：先停止所有席位，再执行 `pg_restore --clean --if-exists --no-owner --dbname='\(location)' 文件` 和 `shiftdesk audit verify`（见 README“备份”）"))
    }
}

/// `shiftdesk backup FILE`: a consistent copy of a live SQLite desk, verified.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the live SQLite desk to a new file (mode 0600) while seats keep working, then verify the copy.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new file (an existing file is never overwritten).") var file: String

    func run() async throws {
        let context = try Context(global)
        let l = context.language
        let store = try context.openStore()
        guard let sqlite = store as? SQLiteStore else {
            await AuditOutput.close(store)
            throw AuditOutput.postgresRefusal("backup", context)
        }
        let target = URL(fileURLWithPath: (file as NSString).expandingTildeInPath).standardizedFileURL.path
        if FileManager.default.fileExists(atPath: target) {
            sqlite.closeDatabase()
            throw CLIFailure(l.pick(en: "\(target) already exists; a backup never overwrites a file: pick a new name",
                                    zh: "\(target) 已存在；备份从不覆盖文件，请换一个文件名"))
        }
        // Written beside the target and given its name only once whole: no half-written backup.
        let folder = (target as NSString).deletingLastPathComponent
        let partial = (folder as NSString).appendingPathComponent(".\((target as NSString).lastPathComponent).partial-\(getpid())")
        do {
            try await sqlite.backup(to: partial)
        } catch {
            sqlite.closeDatabase()
            SQLiteStore.remove(partial)
            throw CLIFailure(error, context)
        }
        sqlite.closeDatabase()
        let result: AuditVerification
        do {
            result = try await AuditOutput.verifyFile(partial, context)
        } catch {
            SQLiteStore.remove(partial)
            throw error
        }
        if FileManager.default.fileExists(atPath: partial + "-wal") {
            SQLiteStore.remove(partial)
            throw CLIFailure(l.pick(en: "the backup could not be closed cleanly; nothing was written to \(target)",
                                    zh: "备份未能正常关闭；未写入 \(target)"))
        }
        unlink(partial + "-shm")
        guard link(partial, target) == 0 else {
            let reason = String(cString: strerror(errno))
            SQLiteStore.remove(partial)
            throw CLIFailure(l.pick(en: "cannot write \(target): \(reason)", zh: "无法写入 \(target)：\(reason)"))
        }
        unlink(partial)
        if context.json {
            Output.json(.object([("backup", .string(target)), ("verification", AuditOutput.json(result))]))
            if !result.holds { throw ExitCode(1) }
            return
        }
        if let found = result.firstBreak {
            throw CLIFailure(l.pick(en: "backup written to \(target), but the record it holds does not hold: \(found.message(l))",
                                    zh: "备份已写入 \(target)，但其中的记录未通过核验：\(found.message(l))"))
        }
        let head = result.head ?? .empty
        print(l.pick(en: "Backup written to \(target) and verified: \(result.checked) events, chain head event \(head.lastID), SHA-256 \(head.hex)",
                     zh: "备份已写入 \(target) 并通过核验：\(result.checked) 条事件记录，哈希链头为事件记录 \(head.lastID)，SHA-256 \(head.hex)"))
    }
}

/// `shiftdesk restore FILE`: replaces a SQLite desk nobody is using with a verified copy of FILE;
/// the replaced desk is kept beside it as `.before-restore`.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the SQLite desk with a backup, once the backup verifies and no seat has the desk open.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup to restore (left unchanged).") var file: String

    func run() async throws {
        let context = try Context(global)
        let l = context.language
        let location = try context.databaseLocation()
        if PostgresLocation.matches(location) { throw AuditOutput.postgresRefusal("restore", context) }
        let desk = URL(fileURLWithPath: location).standardizedFileURL.path
        let source = URL(fileURLWithPath: (file as NSString).expandingTildeInPath).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: source) else {
            throw CLIFailure(l.pick(en: "\(source) does not exist", zh: "\(source) 不存在"))
        }
        guard source != desk else {
            throw CLIFailure(l.pick(en: "\(source) is the desk itself; name a backup", zh: "\(source) 就是服务台数据库本身；请指定备份文件"))
        }
        let kept = desk + ".before-restore"
        if FileManager.default.fileExists(atPath: kept) {
            throw CLIFailure(l.pick(en: "\(kept) is still there from an earlier restore; move it away first",
                                    zh: "\(kept) 是上次恢复留下的，请先将其移走"))
        }
        try refuseInUse(desk, context)
        // A private copy of the backup is verified (and brought to this build's schema), never the backup itself.
        let incoming = desk + ".restoring-\(getpid())"
        do { try SQLiteStore.copy(from: source, to: incoming) } catch { throw CLIFailure(error, context) }
        let result: AuditVerification
        do {
            result = try await AuditOutput.verifyFile(incoming, context)
        } catch {
            SQLiteStore.remove(incoming)
            throw error
        }
        if let found = result.firstBreak {
            SQLiteStore.remove(incoming)
            throw CLIFailure(l.pick(en: "\(source) was not restored: the record it holds does not hold: \(found.message(l))",
                                    zh: "未恢复 \(source)：其中的记录未通过核验：\(found.message(l))"))
        }
        if FileManager.default.fileExists(atPath: incoming + "-wal") {
            SQLiteStore.remove(incoming)
            throw CLIFailure(l.pick(en: "\(source) was not restored: its copy could not be closed cleanly", zh: "未恢复 \(source)：其副本未能正常关闭"))
        }
        do {
            try refuseInUse(desk, context)
        } catch {
            SQLiteStore.remove(incoming)
            throw error
        }
        // The swap: the old desk keeps its inode under the new name (with its WAL, so it stays
        // whole), then the verified copy takes the desk's name in one rename.
        if FileManager.default.fileExists(atPath: desk) {
            guard link(desk, kept) == 0 else {
                let reason = String(cString: strerror(errno))
                SQLiteStore.remove(incoming)
                throw CLIFailure(l.pick(en: "cannot keep the desk as \(kept): \(reason); nothing was changed",
                                        zh: "无法将服务台保留为 \(kept)：\(reason)；未做任何更改"))
            }
            if FileManager.default.fileExists(atPath: desk + "-wal") { rename(desk + "-wal", kept + "-wal") }
            unlink(desk + "-shm")
        }
        guard rename(incoming, desk) == 0 else {
            let reason = String(cString: strerror(errno))
            SQLiteStore.remove(incoming)
            throw CLIFailure(l.pick(en: "cannot put the backup in place: \(reason); the desk is unchanged", zh: "无法放置备份：\(reason)；服务台未变"))
        }
        let head = result.head ?? .empty
        if context.json {
            Output.json(.object([("restored", .string(source)), ("desk", .string(desk)), ("kept", .string(kept)),
                                 ("verification", AuditOutput.json(result))]))
        } else {
            print(l.pick(en: "Restored \(source) into \(desk): \(result.checked) events verified, chain head event \(head.lastID), SHA-256 \(head.hex). The replaced desk is kept as \(kept).",
                         zh: "已将 \(source) 恢复到 \(desk)：已核验 \(result.checked) 条事件记录，哈希链头为事件记录 \(head.lastID)，SHA-256 \(head.hex)。被替换的服务台保留为 \(kept)。"))
        }
    }

    private func refuseInUse(_ desk: String, _ context: Context) throws(CLIFailure) {
        guard SQLiteStore.isInUse(desk) else { return }
        throw CLIFailure(context.language.pick(
            en: "\(desk) is in use (a console, escalator or command has it open); stop every seat, then restore",
            zh: "\(desk) 正在使用中（有控制台、升级进程或命令打开了它）；请先停止所有席位再恢复"))
    }
}
