import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// Issue 16 in the console: the close form asks for the score the customer gave (nothing chosen
/// beforehand), and the incident manager is reminded of the weekly review and of reports owed.
final class SurveyAndReminderTests: XCTestCase {
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-survey-\(UUID().uuidString)")

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func raise() { lock.withLock { value = true } }
        func take() -> Bool { lock.withLock { defer { value = false }; return value } }
    }
    let changed = Flag()

    func console(_ setup: Console.Setup, _ me: Operator, size: TerminalSize, now: Date)
        -> (AppRunner<ConsoleState, ConsoleEffect, ConsoleMessage>, VirtualTerminal) {
        let services = ConsoleServices(setup, me: me)
        let (initial, rest) = Console.initialState(setup, me: me, services: services, size: size)
        let program = AppProgram<ConsoleState, ConsoleEffect, ConsoleMessage>(
            initialState: initial, initialCommands: rest, update: ConsoleApp.update, render: ConsoleApp.render,
            execute: { services.execute($0) }, pollExternalChange: { [changed] in changed.take() })
        let clock = ManualClock(now)
        let terminal = VirtualTerminal(size: size, clock: clock)
        let runner = AppRunner(terminal: terminal, program: program, theme: .builtinDefault, clock: clock,
                               options: AppRunnerOptions(handleSignals: false))
        return (runner, terminal)
    }

    func screen(_ terminal: VirtualTerminal) -> String { terminal.screen.lines.joined(separator: "\n") }

    func press(_ keys: [Key], _ runner: AppRunner<ConsoleState, ConsoleEffect, ConsoleMessage>, _ terminal: VirtualTerminal) throws {
        for key in keys {
            terminal.enqueue(keys: [key])
            _ = try runner.step()
        }
        _ = try runner.step()
    }

    /// A desk with one incident resolved by the desk, to close; the console of `login` on it at `now`.
    func desk(now: Date, as login: String, language: Language, size: TerminalSize, openedDaysBefore days: Double = 0)
        throws -> (SQLiteStore, TicketID, AppRunner<ConsoleState, ConsoleEffect, ConsoleMessage>, VirtualTerminal) {
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk-\(UUID().uuidString).sqlite").path, create: true)
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        let earlier = Desk(store: store, clock: FixedClock(now.addingTimeInterval(-days * 86_400)), policy: .dutyTable(timeZone: zone))
        let people = [Operator(login: "zhang.wei", name: "张伟", role: .desk), Operator(login: "sun.li", name: "孙丽", role: .im)]
        let id = try Blocking.run {
            for person in people { try await store.addOperator(person) }
            let ticket = try await earlier.open(TicketDraft(title: "打印机卡纸", caller: Caller(name: "王小明")), as: "zhang.wei")
            try await earlier.perform(.resolve(note: "换了硒鼓"), on: ticket.id, as: "zhang.wei")
            return ticket.id
        }
        let me = try XCTUnwrap(people.first { $0.login == login })
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: login, queue: nil, language: language, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone))
        let (runner, terminal) = console(setup, me, size: size, now: now)
        _ = try runner.step()
        _ = try runner.step()
        return (store, id, runner, terminal)
    }

    func testTheSurveyRecordsOnlyTheScoreTheAgentTyped() throws {
        // Thursday 3 December 2026, 10:00 in Shanghai.
        let now = try XCTUnwrap(ISO8601.parse("2026-12-03T10:00", defaultZone: zone))
        let (store, id, runner, terminal) = try desk(now: now, as: "zhang.wei", language: .en, size: TerminalSize(columns: 160, rows: 48))
        try press([.function(7)], runner, terminal)
        var shown = screen(terminal)
        XCTAssertTrue(shown.contains("Close \(id) — satisfaction survey"), shown)
        XCTAssertTrue(shown.contains("< 1-5, or u: unreachable >"), shown)
        XCTAssertFalse(shown.contains("very satisfied"), "nothing chosen beforehand\n\(shown)")
        // Enter alone records nothing: the score is asked for.
        try press([.enter], runner, terminal)
        shown = screen(terminal)
        XCTAssertTrue(shown.contains("Satisfaction is required"), shown)
        XCTAssertEqual(try Blocking.run { try await store.ticket(id) }?.state, .resolved)
        try press([.character("3"), .enter], runner, terminal)
        var closed: Ticket?
        for _ in 0..<100 {
            closed = try Blocking.run { try await store.ticket(id) }
            if closed?.state == .closed { break }
            _ = try runner.step()
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertEqual(closed?.satisfaction, .rated(score: 3, comment: nil))
        runner.finish()
    }

    func testUnreachableIsTypedAndTheFormLinesUpInChineseAt80x24() throws {
        let now = try XCTUnwrap(ISO8601.parse("2026-12-03T10:00", defaultZone: zone))
        let (store, id, runner, terminal) = try desk(now: now, as: "zhang.wei", language: .zh, size: TerminalSize(columns: 80, rows: 24))
        try press([.function(7)], runner, terminal)
        let lines = terminal.screen.lines
        let field = try XCTUnwrap(lines.first { $0.contains("满意度*") }, lines.joined(separator: "\n"))
        XCTAssertTrue(field.contains("< 1-5，或 u：无法联系 >"), field)
        let comment = try XCTUnwrap(lines.first { $0.contains("客户意见") })
        // The labels end in the same column (double-width cells counted).
        XCTAssertEqual(DisplayWidth.width(of: String(field.prefix { $0 != "*" })) + 1,
                       DisplayWidth.width(of: String(comment.prefix { $0 != "见" })) + 2)
        try press([.character("u")], runner, terminal)
        XCTAssertTrue(screen(terminal).contains("< u 客户无法联系 >"), screen(terminal))
        try press([.enter], runner, terminal)
        var closed: Ticket?
        for _ in 0..<100 {
            closed = try Blocking.run { try await store.ticket(id) }
            if closed?.state == .closed { break }
            _ = try runner.step()
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertEqual(closed?.satisfaction, .unreachable)
        runner.finish()
    }

    func testTheIncidentManagerIsRemindedOfTheWeeklyReviewAndAReportOwed() throws {
        // Tuesday 1 December 2026, 09:30 in Shanghai: November has ended, its work was logged in it; no review on a Tuesday.
        let tuesday = try XCTUnwrap(ISO8601.parse("2026-12-01T09:30", defaultZone: zone))
        let (store, _, runner, terminal) = try desk(now: tuesday, as: "sun.li", language: .en, size: TerminalSize(columns: 160, rows: 48),
                                                    openedDaysBefore: 10)
        // Owed and not delivered (or, once a sweep recorded them, their mail waiting: no address on the roster).
        var shown = ""
        for _ in 0..<100 {
            _ = try runner.step()
            shown = screen(terminal)
            if shown.contains("incident-management report 2026-11") && shown.contains("workload report 2026-11") { break }
            changed.raise()
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertTrue(shown.contains("incident-management report 2026-11: mail") || shown.contains("incident-management report 2026-11 not delivered"), shown)
        XCTAssertFalse(shown.contains("Weekly review 2026-W"), shown)
        // Delivered and the mail gone out: the reminders go.
        let zone = zone
        try Blocking.run {
            let desk = Desk(store: store, clock: FixedClock(tuesday), policy: .dutyTable(timeZone: zone))
            _ = try await ReportDeliverer(desk: desk, directory: RecipientDirectory(), timeZone: zone).deliverOwed(by: "test")
            for delivery in try await store.reportDeliveries(kind: .month, period: "2026-11") {
                if let mail = try await store.deliveryMail(delivery.id) { try await store.markDelivered(mail.id, at: tuesday) }
            }
        }
        for _ in 0..<100 {
            changed.raise()
            _ = try runner.step()
            shown = screen(terminal)
            if !shown.contains("report 2026-11") { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertFalse(shown.contains("report 2026-11"), shown)
        runner.finish()
        // Friday 4 December: the weekly review, in Chinese at 80x24.
        let friday = try XCTUnwrap(ISO8601.parse("2026-12-04T09:30", defaultZone: zone))
        let (_, _, second, screenTwo) = try desk(now: friday, as: "sun.li", language: .zh, size: TerminalSize(columns: 80, rows: 24))
        for _ in 0..<50 where !screen(screenTwo).contains("周回顾：") {
            _ = try second.step()
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertTrue(screen(screenTwo).contains("今天进行 2026-W49 周回顾"), screen(screenTwo))
        second.finish()
    }
}
