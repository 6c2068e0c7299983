import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// The console's report screen and `shiftdesk report` show the same figures for the same
/// period: both read `ReportLoader`; here the screen is drawn from what the console's own
/// effect loaded, and every figure of the Markdown report is on it.
final class ReportScreenStoreTests: XCTestCase {
    func testTheReportScreenAndTheReportShowTheSameFigures() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let now = try XCTUnwrap(ISO8601.parse("2026-11-29T15:00:00", defaultZone: zone))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        let demo = DemoDesk(now: now, tickets: 300, seed: 7)
        let me = try XCTUnwrap(demo.operators.first { $0.role == .im })
        try Blocking.run {
            for person in demo.operators { try await store.addOperator(person) }
            _ = try await desk.insert(demo.tickets.map { TicketHistory(ticket: $0.ticket, events: $0.events) })
        }
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: me.login, queue: .reports, language: .zh, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone))
        let services = ConsoleServices(setup, me: me)
        for (kind, label) in [(ReportPeriod.Kind.month, "2026-11"), (.week, "2026-W48")] {
            let period = try XCTUnwrap(ReportPeriod(kind: kind, label: label, timeZone: zone))
            // What `shiftdesk report` prints.
            let report = try Blocking.run { try await ReportLoader(desk: desk).report(for: period) }
            let markdown = ReportRenderer(report: report, language: .zh).markdown
            // What the console shows.
            var state = ConsoleState(me: me, language: .zh, timeZone: zone, now: now)
            state.size = TerminalSize(columns: 200, rows: 60)
            state.queue = .reports
            state.screens.reports.period = period
            let message = try XCTUnwrap(services.execute(.screen(.loadReport(period))))
            _ = ConsoleApp.update(&state, .result(message))
            var canvas = Canvas(size: state.size)
            ConsoleApp.render(state, &canvas, RenderContext(size: state.size, theme: .builtinDefault, colorMode: .color256, now: now))
            let screen = canvas.lines
            let renderer = ReportRenderer(report: report, language: .zh)
            var checked = 0
            for section in renderer.sections {
                for kpi in section.kpis {
                    let value = renderer.format(report.figure(kpi, section.scope))
                    XCTAssertTrue(markdown.contains("| \(kpi.name(.zh)) | \(value) |"), "\(label) report: \(kpi.rawValue)")
                    XCTAssertTrue(screen.contains { $0.contains(kpi.name(.zh)) && $0.contains(value) }, "\(label) screen: \(kpi.rawValue) = \(value)")
                    checked += 1
                }
            }
            XCTAssertGreaterThan(checked, 30)
            XCTAssertGreaterThan(report.value(.deskRequestsTaken, "desk") ?? 0, 0, "the demo history has figures to compare")
        }
    }

    /// The Reports screen names the SLA policy versions its figures were computed with (issue 15):
    /// V1.1 approved mid-month, so November's line names both, each from when it took force.
    func testTheReportScreenNamesThePolicyVersionsOfItsFigures() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let now = try XCTUnwrap(ISO8601.parse("2026-11-29T15:00:00", defaultZone: zone))
        let approval = try XCTUnwrap(ISO8601.parse("2026-11-15T10:00:00", defaultZone: zone))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        var faster = SLAPolicy.dutyTablePriorities
        faster[.general]?.escalation[0].after = 3600
        let timeline = PolicyTimeline(entries: [
            PolicyTimeline.Entry(version: .first, from: approval.addingTimeInterval(-60 * 86_400), policy: .dutyTable(timeZone: zone)),
            PolicyTimeline.Entry(version: DocumentVersionNumber(major: 1, minor: 1), from: approval,
                                 policy: try SLAPolicy(timeZone: zone, calendars: [:], priorities: faster)),
        ], fallback: .dutyTable(timeZone: zone))
        let desk = Desk(store: store, clock: FixedClock(now), policies: timeline)
        let me = Operator(login: "sun.li", name: "孙丽", role: .im)
        try Blocking.run { try await store.addOperator(me) }
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: me.login, queue: .reports, language: .zh, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone))
        let services = ConsoleServices(setup, me: me)
        let cases: [(Language, TerminalSize, String, String)] = [
            (.zh, TerminalSize(columns: 80, rows: 24), "SLA 策略 V1.0 → V1.1 (自 2026-11-15 10:00:00)", "各时限按到达时的现行版本判定"),
            (.en, TerminalSize(columns: 160, rows: 48), "SLA policy V1.0 → V1.1 (from 2026-11-15 10:00:00)",
             "each deadline judged under the version in force when it was reached"),
        ]
        for (language, size, versions, rule) in cases {
            for (label, expected) in [("2026-11", versions), ("2026-10", "V1.0")] {
                let period = try XCTUnwrap(ReportPeriod(kind: .month, label: label, timeZone: zone))
                var state = ConsoleState(me: me, language: language, timeZone: zone, now: now)
                state.size = size
                state.queue = .reports
                state.screens.reports.period = period
                let message = try XCTUnwrap(services.execute(.screen(.loadReport(period))))
                _ = ConsoleApp.update(&state, .result(message))
                let terminal = VirtualTerminal(size: size)
                var canvas = Canvas(size: size)
                ConsoleApp.render(state, &canvas, RenderContext(size: size, theme: .builtinDefault, colorMode: .color256, now: now))
                terminal.present(canvas)
                let lines = terminal.lines
                for line in lines { XCTAssertEqual(DisplayWidth.width(of: line), size.columns, line) }
                let line = try XCTUnwrap(lines.first { $0.contains(expected) }, "\(label) \(language): \(lines.joined(separator: "\n"))")
                if label == "2026-11" {
                    XCTAssertTrue(line.contains(rule), line)
                } else {
                    XCTAssertTrue(line.contains(language == .zh ? "本期全程执行 V1.0，指标按 V1.0 计算" : "SLA policy V1.0 in force throughout the period"), line)
                }
            }
        }
    }
}
