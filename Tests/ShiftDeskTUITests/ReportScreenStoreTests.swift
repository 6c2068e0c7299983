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
}
