import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// The Plan screen against a real SQLite desk with three weeks of history: the supervisor sees
/// the next 24 hours per line, the seats needed against the roster, and the short hours;
/// drawn through the virtual terminal at 80x24 in Chinese and 200x60 in English.
final class PlanScreenTests: XCTestCase {
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    var folder: URL!
    let supervisor = Operator(login: "zhou.min", name: "周敏", role: .supervisor, shift: .day)
    let deskAgent = Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day)
    let nightAgent = Operator(login: "li.na", name: "李娜", role: .desk, shift: .night)
    let firstLine = Operator(login: "wang.fang", name: "王芳", role: .l1, shift: .day)
    static let small = TerminalSize(columns: 80, rows: 24)
    static let large = TerminalSize(columns: 200, rows: 60)

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Thursday 3 December 2026, 08:40 in Shanghai: the day shift has begun.
    var now: Date { ISO8601.parse("2026-12-03T08:40:00", defaultZone: zone) ?? .distantPast }

    /// Three weeks of calls: 6 an hour in office hours (09–18), one every other hour otherwise;
    /// each taken by the desk, every third escalated to L1 and resolved there.
    func makeDesk(weeks: Int = 3) throws -> Desk {
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        var histories: [TicketHistory] = []
        var number: Int64 = 0
        let start = now.addingTimeInterval(-Double(weeks * 7 + 1) * 86_400 - 8 * 3600)
        var hourStart = start
        while hourStart.addingTimeInterval(3600) < now {
            let hour = Calendar(identifier: .gregorian).dateComponents(in: zone, from: hourStart).hour ?? 0
            let count = (9..<18).contains(hour) ? 6 : (hour % 2 == 0 ? 1 : 0)
            for index in 0..<count {
                number += 1
                histories.append(history(number, opened: hourStart.addingTimeInterval(Double(index) * 540 + 30)))
            }
            hourStart = hourStart.addingTimeInterval(3600)
        }
        let people = [supervisor, deskAgent, nightAgent, firstLine]
        try Blocking.run { [histories] in
            for person in people { try await store.addOperator(person) }
            _ = try await desk.insert(histories)
        }
        return desk
    }

    func history(_ number: Int64, opened: Date) -> TicketHistory {
        var ticket = Ticket(id: TicketID(number), title: "VPN 断线 \(number)", caller: Caller(name: "王小明"), channel: .phone,
                            priority: number % 5 == 0 ? .minor : .general, owner: deskAgent.login, openedAt: opened)
        var events = [TicketEvent(ticket: ticket.id, actor: deskAgent.login, at: opened, kind: .opened, changes: ticket.changes(since: nil))]
        func step(_ minutes: Double, _ actor: String, _ kind: EventKind, _ change: (inout Ticket) -> Void) {
            let before = ticket
            change(&ticket)
            events.append(TicketEvent(ticket: ticket.id, actor: actor, at: opened.addingTimeInterval(minutes * 60), kind: kind,
                                      changes: ticket.changes(since: before)))
        }
        step(2, deskAgent.login, .taken) { $0.state = .inProgress; $0.assignee = self.deskAgent.login; $0.firstResponseAt = opened.addingTimeInterval(120) }
        if number % 3 == 0 {
            step(8, deskAgent.login, .escalated) { $0.tier = .l1; $0.assignee = nil; $0.state = .new }
            step(9, firstLine.login, .taken) { $0.state = .inProgress; $0.assignee = self.firstLine.login }
            step(29, firstLine.login, .resolved) { $0.state = .resolved; $0.resolvedAt = opened.addingTimeInterval(29 * 60); $0.resolutionNote = "ok" }
        } else {
            step(12, deskAgent.login, .resolved) { $0.state = .resolved; $0.resolvedAt = opened.addingTimeInterval(12 * 60); $0.resolutionNote = "ok" }
        }
        return TicketHistory(ticket: ticket, events: events)
    }

    func open(_ desk: Desk, as me: Operator, language: Language, size: TerminalSize) -> (ConsoleState, ConsoleServices) {
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: me.login, queue: nil, language: language, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone))
        let services = ConsoleServices(setup, me: me)
        var (state, rest) = Console.initialState(setup, me: me, services: services, size: size)
        pump(&state, rest, services)
        return (state, services)
    }

    func pump(_ state: inout ConsoleState, _ commands: [AppCommand<ConsoleEffect>], _ services: ConsoleServices, depth: Int = 0) {
        guard depth < 6 else { return }
        for command in commands {
            switch command {
            case let .perform(effect), let .performInBackground(effect):
                if let message = services.execute(effect) {
                    pump(&state, ConsoleApp.update(&state, .result(message)), services, depth: depth + 1)
                }
            default:
                break
            }
        }
    }

    func command(_ state: inout ConsoleState, _ services: ConsoleServices, _ text: String) {
        for key in [Key.character(":")] + text.map(Key.character) + [.enter] {
            pump(&state, ConsoleApp.update(&state, .key(KeyEvent(key))), services)
        }
    }

    func draw(_ state: ConsoleState) -> [String] {
        let terminal = VirtualTerminal(size: state.size)
        var canvas = Canvas(size: state.size)
        ConsoleApp.render(state, &canvas, RenderContext(size: state.size, theme: .builtinDefault, colorMode: .color256, now: state.now))
        terminal.present(canvas)
        return terminal.lines
    }

    func assertFits(_ lines: [String], _ size: TerminalSize, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(lines.count, size.rows, file: file, line: line)
        for (index, text) in lines.enumerated() {
            XCTAssertEqual(DisplayWidth.width(of: text), size.columns, "row \(index): \(text)", file: file, line: line)
        }
    }

    func testTheSupervisorSeesTheNext24HoursAndTheShortHoursIn80x24Chinese() throws {
        let desk = try makeDesk()
        var (state, services) = open(desk, as: supervisor, language: .zh, size: Self.small)
        XCTAssertTrue(QueueKind.visible(to: .supervisor).contains(.plan))
        command(&state, services, "queue plan")
        XCTAssertEqual(state.queue, .plan)
        let plan = try XCTUnwrap(state.screens.plan.plan)
        XCTAssertEqual(plan.hours.count, 24)
        XCTAssertEqual(plan.forecast.weeksUsed, 3)
        // Office hours need more desk seats than the one agent of the day shift.
        let ten = try XCTUnwrap(plan.hours.first { $0.hour == 10 }?.lines[.desk])
        XCTAssertEqual(ten.onRoster, 1)
        XCTAssertGreaterThan(ten.seatsNeeded ?? 0, 1)
        XCTAssertTrue(ten.isShort)
        let night = try XCTUnwrap(plan.hours.first { $0.hour == 2 }?.lines[.desk])
        XCTAssertFalse(night.isShort)

        let lines = draw(state)
        assertFits(lines, Self.small)
        let screen = lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("未来 24 小时（自 12-03 08:00 起）"), screen)
        for label in ["服务台", "一线", "二线", "厂商", "需要", "排班", "服务台缺员：", "坐席计划 · 历史 3 周"] {
            XCTAssertTrue(screen.contains(label), "\(label) missing:\n\(screen)")
        }
        // The hour axis starts at the hour under way and the short hours are in the warning style.
        XCTAssertTrue(lines[3].contains("08"), lines[3])
        let needRow = try XCTUnwrap(lines.firstIndex { $0.hasPrefix(" 需要") })
        XCTAssertTrue(lines[needRow].contains("?") == false, lines[needRow])
        var canvas = Canvas(size: state.size)
        ConsoleApp.render(state, &canvas, RenderContext(size: state.size, theme: .builtinDefault, colorMode: .color256, now: state.now))
        let rowCells = (0..<Self.small.columns).compactMap { canvas.cell(x: $0, y: needRow) }
        XCTAssertTrue(rowCells.contains { $0.role == .warning }, "a short hour is drawn in the warning style")

        // An action key is answered, not ignored.
        pump(&state, ConsoleApp.update(&state, .key(KeyEvent(.character("t")))), services)
        XCTAssertTrue(state.message?.contains("只读") ?? false)
    }

    func testAt200x60InEnglishTheBasisIsShownUnderTheLines() throws {
        let desk = try makeDesk()
        var (state, services) = open(desk, as: supervisor, language: .en, size: Self.large)
        command(&state, services, "queue plan")
        let lines = draw(state)
        assertFits(lines, Self.large)
        let screen = lines.joined(separator: "\n")
        for text in ["Next 24 h from 12-03 08:00", "Short desk: ", "Work time desk: median", "Response targets (policy in force): major 15m",
                     "roster — the supplier's own people", "Plan · 3 weeks of history", "peak "] {
            XCTAssertTrue(screen.contains(text), "\(text) missing:\n\(screen)")
        }
    }

    func testOtherRolesAreToldTheScreenIsNotTheirs() throws {
        let desk = try makeDesk(weeks: 1)
        XCTAssertFalse(QueueKind.visible(to: .desk).contains(.plan))
        var (state, services) = open(desk, as: deskAgent, language: .en, size: Self.small)
        command(&state, services, "queue plan")
        XCTAssertNotEqual(state.queue, .plan)
        XCTAssertTrue(state.message?.contains("the Plan screen is for") ?? false, state.message ?? "")
    }

    func testUnderTwoWeeksOfHistoryTheScreenSaysWhy() throws {
        let desk = try makeDesk(weeks: 1)
        var (state, services) = open(desk, as: supervisor, language: .zh, size: Self.small)
        command(&state, services, "queue plan")
        let lines = draw(state)
        assertFits(lines, Self.small)
        XCTAssertTrue(lines.joined().contains("无法预测"), lines.joined(separator: "\n"))
    }
}
