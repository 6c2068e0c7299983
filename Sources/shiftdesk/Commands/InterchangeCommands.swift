import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskInterchange
import ShiftDeskStore

extension ImportFormat: ExpressibleByArgument {}
extension ExportFormat: ExpressibleByArgument {}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring a desk's history in: ServiceNow CSV, XES event logs, or ShiftDesk's own CSV/JSON export.",
        discussion: """
            Each incident becomes a ticket with its whole history, marked with its source (e.g. servicenow:INC0000045). \
            Importing the same file again changes nothing. A bad row is reported as FILE:LINE: reason; without --strict \
            its ticket is skipped and every skip is listed at the end, with --strict nothing is imported.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "csv or json (ShiftDesk's own export), servicenow (incident export, CSV) or xes (plain or gzip).")
    var format: ImportFormat
    @Flag(help: "Stop at the first bad row and import nothing.") var strict = false
    @Option(help: "Prefix of the imported tickets' source key (default: servicenow, xes; ShiftDesk exports carry their own).")
    var source: String?
    @Option(help: "Time zone of times written without one (ServiceNow's d/m/yyyy hh:mm), default UTC.")
    var zone = "UTC"
    @Option(help: "Tickets per transaction.") var batch = 500
    @Argument(help: "The file to import.") var file: String

    func validate() throws {
        guard TimeZone(identifier: zone) != nil else { throw ValidationError("--zone takes a time zone such as UTC or Asia/Shanghai, not \"\(zone)\"") }
        guard (1...100_000).contains(batch) else { throw ValidationError("--batch takes 1 to 100000") }
        if let source, source.isEmpty || source.contains(where: { $0.isWhitespace }) {
            throw ValidationError("--source takes a short name without spaces, such as bpi2013")
        }
    }

    func run() async throws {
        let context = try Context(global)
        let l = context.language
        let desk = try await context.desk()
        let options = ImportOptions(format: format, path: (file as NSString).expandingTildeInPath, displayName: file, strict: strict,
                                    batchSize: batch, sourcePrefix: source,
                                    timeZone: TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC") ?? .gmt)
        let bar = ProgressBar(label: l.pick(en: "importing", zh: "导入中"))
        let report: ImportReport
        do {
            report = try await Importer(desk: desk, options: options).run { done, total in bar.show(done, of: total) }
        } catch {
            bar.finish()
            switch error {
            case let .desk(deskError): throw CLIFailure(deskError, context)
            default: throw CLIFailure(error.description)
            }
        }
        bar.finish()
        for issue in report.skipped {
            Output.error(l.pick(en: "skipped: ", zh: "已跳过：") + issue.description, prefixed: false)
        }
        for warning in report.warnings { Output.error(warning) }
        if context.json {
            Output.json(.object([
                ("file", .string(file)), ("format", .string(format.rawValue)),
                ("tickets", .int(report.tickets)), ("events", .int(report.events)),
                ("imported", .int(report.imported)), ("imported_events", .int(report.importedEvents)),
                ("already_present", .int(report.alreadyPresent)),
                ("problems", .int(report.problems)), ("imported_problems", .int(report.importedProblems)),
                ("problems_already_present", .int(report.problemsAlreadyPresent)),
                ("skipped", .array(report.skipped.map { issue in
                    .object([("file", .string(issue.file)), ("line", .int(issue.line)), ("reason", .string(issue.reason))])
                })),
                ("warnings", .array(report.warnings.map { .string($0) })),
            ]))
        } else {
            print(l.pick(
                en: "\(TerminalText.sanitize(file)): imported \(report.imported) tickets (\(report.importedEvents) events); \(report.alreadyPresent) already present; \(report.skipped.count) skipped",
                zh: "\(TerminalText.sanitize(file))：导入 \(report.imported) 个事件工单（\(report.importedEvents) 条记录）；\(report.alreadyPresent) 个已存在；跳过 \(report.skipped.count) 个"))
            if report.problems > 0 {
                print(l.pick(en: "problems: imported \(report.importedProblems) with their histories; \(report.problemsAlreadyPresent) already present",
                             zh: "问题单：导入 \(report.importedProblems) 个（含处理记录）；\(report.problemsAlreadyPresent) 个已存在"))
            }
        }
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Take tickets and their whole histories out: CSV or JSON (re-importable without loss) or XES (process mining).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "csv, json or xes.") var format: ExportFormat
    @Option(help: "Only tickets opened in this period of the desk's zone: 2026-W48, 2026-11, 2026-Q4 or 2026.") var period: String?
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        let context = try Context(global)
        let l = context.language
        var interval: DateInterval?
        if let period {
            guard let parsed = Self.period(period, timeZone: context.timeZone) else {
                throw CLIFailure(l.pick(en: "--period looks like 2026-W48, 2026-11, 2026-Q4 or 2026, not \"\(period)\"",
                                        zh: "--period 格式如 2026-W48、2026-11、2026-Q4 或 2026，收到 \"\(period)\""), status: 2)
            }
            interval = parsed.interval
        }
        let store = try context.openStore()
        let exporter = Exporter(store: store)
        let destination: FileHandle
        var temporary: String?
        if let output {
            let path = (output as NSString).expandingTildeInPath
            let partial = path + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
                throw CLIFailure(l.pick(en: "cannot write \(output)", zh: "无法写入 \(output)"))
            }
            destination = handle
            temporary = partial
        } else {
            destination = FileHandle.standardOutput
        }
        let counts: (tickets: Int, events: Int)
        do {
            // On a terminal, text from the database is shown, not obeyed (a CSV cell may hold an escape sequence).
            let toTerminal = output == nil && isatty(STDOUT_FILENO) != 0
            counts = try await exporter.write(format, opened: interval, logName: period.map { "ShiftDesk \($0)" } ?? "ShiftDesk") { text in
                try destination.write(contentsOf: Data((toTerminal ? TerminalText.sanitize(text, keepNewlines: true) : text).utf8))
            }
        } catch let error as StoreError {
            if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
            throw CLIFailure(error, context)
        } catch {
            if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
            throw CLIFailure(l.pick(en: "cannot write the export: \(error.localizedDescription)", zh: "无法写出导出文件：\(error.localizedDescription)"))
        }
        if let output, let temporary {
            try? destination.close()
            let path = (output as NSString).expandingTildeInPath
            do {
                if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
                try FileManager.default.moveItem(atPath: temporary, toPath: path)
            } catch {
                throw CLIFailure(l.pick(en: "cannot write \(output): \(error.localizedDescription)", zh: "无法写入 \(output)：\(error.localizedDescription)"))
            }
            Output.error(l.pick(en: "exported \(counts.tickets) tickets (\(counts.events) events) to \(output)",
                                zh: "已导出 \(counts.tickets) 个事件工单（\(counts.events) 条记录）到 \(output)"), prefixed: false)
        }
    }

    /// A period label of any kind: `2026-W48`, `2026-11`, `2026-Q4`, `2026`.
    static func period(_ label: String, timeZone: TimeZone) -> ReportPeriod? {
        let upper = label.uppercased()
        let kind: ReportPeriod.Kind = upper.contains("-W") ? .week : upper.contains("-Q") ? .quarter : upper.contains("-") ? .month : .year
        return ReportPeriod(kind: kind, label: label, timeZone: timeZone)
    }
}

/// A progress bar on standard error, only when it is a terminal: `importing [#####.....] 12,345/24,918`.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled = isatty(STDERR_FILENO) != 0
    private var last = Date.distantPast
    private var drawn = false

    init(label: String) { self.label = label }

    func show(_ done: Int, of total: Int) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(last) >= 0.1 else { return }
        last = now
        let width = 30
        let filled = total == 0 ? width : min(width, width * done / max(1, total))
        let line = "\r\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
