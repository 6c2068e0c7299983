import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// The result told to the desk (issue 16) on the desk queue: the real start-up path, a SQLite
/// store and the runner, through the virtual terminal.
final class ConsoleResultNoticeTests: XCTestCase {
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    let now = Date(timeIntervalSince1970: 1_795_917_600)  // 2026-11-29 10:00 +08:00, the day shift
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-notice-\(UUID().uuidString)")

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func demoDesk(as login: String) throws -> (SQLiteStore, Console.Setup, Operator) {
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        let demo = DemoDesk(now: now, tickets: 60, seed: 2026)
        try Blocking.run { [zone] in
            for person in demo.operators { try await store.addOperator(person) }
            _ = try await desk.insert(demo.tickets.map { TicketHistory(ticket: $0.ticket, events: $0.events) })
            // The steps already due fired, as `init --demo` leaves it: no call pops up over the result.
            _ = try await EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "escalator@demo", timeZone: zone).run()
        }
        let me = try XCTUnwrap(demo.operators.first { $0.login == login })
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: me.login, queue: nil, language: .en, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone))
        return (store, setup, me)
    }

    func console(_ setup: Console.Setup, _ me: Operator, size: TerminalSize, changed: @escaping () -> Bool)
        -> (AppRunner<ConsoleState, ConsoleEffect, ConsoleMessage>, VirtualTerminal) {
        let services = ConsoleServices(setup, me: me)
        let (initial, rest) = Console.initialState(setup, me: me, services: services, size: size)
        let program = AppProgram<ConsoleState, ConsoleEffect, ConsoleMessage>(
            initialState: initial, initialCommands: rest, update: ConsoleApp.update, render: ConsoleApp.render,
            execute: { services.execute($0) }, pollExternalChange: changed)
        let clock = ManualClock(now)
        let terminal = VirtualTerminal(size: size, clock: clock)
        let runner = AppRunner(terminal: terminal, program: program, theme: .builtinDefault, clock: clock,
                               options: AppRunnerOptions(handleSignals: false))
        return (runner, terminal)
    }

    func screen(_ terminal: VirtualTerminal) -> String { terminal.screen.lines.joined(separator: "\n") }

    func press(_ keys: [Key], _ runner: AppRunner<ConsoleState, ConsoleEffect, ConsoleMessage>, _ terminal: VirtualTerminal) throws {
        terminal.enqueue(keys: keys)
        for _ in keys { _ = try runner.step() }
        _ = try runner.step()
    }

    /// An incident of `owner`'s that an L1 engineer holds, resolved by them a minute after the console opened.
    func resolveOne(ownedBy owner: String, _ store: SQLiteStore) throws -> TicketID {
        let (zone, now) = (zone, now)
        return try Blocking.run {
            let held = try await store.tickets(.notClosed).first {
                $0.owner == owner && $0.tier == .l1 && $0.state == .inProgress && $0.assignee != nil
            }
            guard let held, let engineer = held.assignee else { throw StoreError.failure("the demo desk has no such incident") }
            let line = Desk(store: store, clock: FixedClock(now.addingTimeInterval(60)), policy: .dutyTable(timeZone: zone))
            try await line.perform(.resolve(note: "Replaced the network cable; the user is back online", toldDesk: true), on: held.id, as: engineer)
            return held.id
        }
    }

    func testTheOwnersResultPopsUpIsMarkedUntilSeenAndClosesWithTheSurvey() throws {
        let (store, setup, me) = try demoDesk(as: DemoDesk.deskAgent)
        var raised = false
        let (runner, terminal) = console(setup, me, size: TerminalSize(columns: 80, rows: 24), changed: {
            defer { raised = false }
            return raised
        })
        _ = try runner.step()
        XCTAssertFalse(screen(terminal).contains("Result from the line"))
        let id = try resolveOne(ownedBy: me.login, store)
        raised = true
        _ = try runner.step()
        var shown = screen(terminal)
        XCTAssertTrue(shown.contains("Result from the line") && shown.contains("\(id) 已由") && shown.contains("Replaced the network"), shown)
        XCTAssertTrue(shown.contains("* 1 result(s) from L1/L2 to see"), shown)
        // Later: the popup goes, the banner and the row's mark stay.
        try press([.escape], runner, terminal)
        shown = screen(terminal)
        XCTAssertFalse(shown.contains("Result from the line"), shown)
        try press([.character("/")] + "\(id.number)".map { .character($0) } + [.enter], runner, terminal)
        shown = screen(terminal)
        XCTAssertTrue(shown.contains("*\(id)"), "the row is marked\n\(shown)")
        // V shows it again; c closes it with the survey, and it is seen.
        try press([.character("V")], runner, terminal)
        XCTAssertTrue(screen(terminal).contains("Result from the line"))
        try press([.character("c")], runner, terminal)
        shown = screen(terminal)
        XCTAssertTrue(shown.contains("Close \(id)"), shown)
        var pending = 1
        for _ in 0..<100 where pending > 0 {
            _ = try runner.step()
            pending = try Blocking.run { try await store.pendingNotices(limit: nil) }.count
            if pending > 0 { Thread.sleep(forTimeInterval: 0.02) }
        }
        XCTAssertEqual(pending, 0)
        let seenBy = try Blocking.run { try await store.outbox(of: id) }.first { $0.kind == .resultNotice }?.confirmedBy
        XCTAssertEqual(seenBy, me.login)
        runner.finish()
    }

    /// The owner is on the day shift: at night the desk agents on duty get the result instead.
    func testAnOwnerOffShiftLeavesTheResultToTheDeskOnShift() throws {
        let (store, setup, _) = try demoDesk(as: DemoDesk.deskAgent)
        let night = try XCTUnwrap(DemoDesk.staff.first { $0.role == .desk && $0.shift == .night })
        _ = try resolveOne(ownedBy: DemoDesk.deskAgent, store)
        let notices = try Blocking.run { try await store.pendingNotices(limit: nil) }
        let dayOwner = try XCTUnwrap(DemoDesk.staff.first { $0.login == DemoDesk.deskAgent })
        let notice = try XCTUnwrap(notices.first)
        XCTAssertTrue(ResultNotice.isFor(dayOwner, notice: notice, ownerOnShift: ResultNotice.ownerOnShift(dayOwner, current: .day)))
        XCTAssertFalse(ResultNotice.isFor(night, notice: notice, ownerOnShift: ResultNotice.ownerOnShift(dayOwner, current: .day)))
        XCTAssertTrue(ResultNotice.isFor(night, notice: notice, ownerOnShift: ResultNotice.ownerOnShift(dayOwner, current: .night)))
        // The console at 80x24 in Chinese of the night agent, after the day shift: the banner and the popup.
        let nightSetup = Console.Setup(desk: Desk(store: store, clock: FixedClock(now.addingTimeInterval(12 * 3600)), policy: .dutyTable(timeZone: zone)),
                                       sweep: setup.sweep, login: night.login, queue: nil, language: .zh, timeZone: zone, theme: nil,
                                       themeDirectories: [], sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone))
        let (runner, terminal) = console(nightSetup, night, size: TerminalSize(columns: 80, rows: 24), changed: { false })
        _ = try runner.step()
        let shown = screen(terminal)
        XCTAssertTrue(shown.contains("* 有 1 个一线/二线处理结果待查看"), shown)
        try press([.character("V")], runner, terminal)
        XCTAssertTrue(screen(terminal).contains("处理结果"), screen(terminal))
        runner.finish()
    }
}
