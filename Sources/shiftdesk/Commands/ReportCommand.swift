import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

extension ReportPeriod.Kind: ExpressibleByArgument {}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "The incident-management report: every assessment item of the duty table and the service KPIs.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case md, csv, json, html }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "week, month, quarter or year.") var kind: ReportPeriod.Kind
    @Option(help: "2026-W48, 2026-11, 2026-Q4 or 2026 (default: the current one).") var period: String?
    @Option(help: "md, csv, json or html.") var format: Format = .md
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        let context = try Context(global)
        let chosen: ReportPeriod? = period.map { ReportPeriod(kind: kind, label: $0, timeZone: context.timeZone) }
            ?? ReportPeriod.containing(context.clock.now(), kind: kind, timeZone: context.timeZone)
        guard let chosen else {
            let example = ["week": "2026-W48", "month": "2026-11", "quarter": "2026-Q4", "year": "2026"][kind.rawValue] ?? ""
            throw CLIFailure(context.language.pick(en: "--period for a \(kind.rawValue) looks like \(example), not \"\(period ?? "")\"",
                                                   zh: "\(kind.rawValue) 报告的 --period 格式如 \(example)，收到 \"\(period ?? "")\""), status: 2)
        }
        // The loader names the policy versions the figures were computed with.
        let desk = try await context.desk()
        var report: KPIReport
        do { report = try await ReportLoader(desk: desk).report(for: chosen) } catch { throw CLIFailure(error, context) }
        let renderer = ReportRenderer(report: report, language: context.language)
        let text: String
        switch context.json ? .json : format {
        case .md: text = renderer.markdown
        case .csv: text = renderer.csv
        case .json: text = renderer.json.serialized(pretty: true) + "\n"
        case .html: text = renderer.html
        }
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw CLIFailure(context.language.pick(en: "cannot write \(output): \(error.localizedDescription)",
                                                       zh: "无法写入 \(output)：\(error.localizedDescription)"))
            }
            Output.error(context.language.pick(en: "report written to \(output)", zh: "报告已写入 \(output)"))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
