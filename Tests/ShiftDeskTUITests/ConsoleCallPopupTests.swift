import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// The escalation-call popup and the first keys of a console, on a desk with calls waiting:
/// the real start-up path, a SQLite store and the runner, through the virtual terminal.
final class ConsoleCallPopupTests: XCTestCase {
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    let now = Date(timeIntervalSince1970: 1_795_917_600)  // 2026-11-29 10:00 +08:00
    /// XCTest makes an instance per test: each has its own folder.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-calls-\(UUID().uuidString)")

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The demo desk as `init --demo` leaves it: the steps already due fired, their calls unconfirmed.
    func demoDesk() throws -> (SQLiteStore, Console.Setup, Operator) {
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        let demo = DemoDesk(now: now, tickets: 60, seed: 2026)
        try Blocking.run { [zone] in
            for person in demo.operators { try await store.addOperator(person) }
            _ = try await desk.insert(demo.tickets.map { TicketHistory(ticket: $0.ticket, events: $0.events) })
            _ = try await EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "escalator@demo", timeZone: zone).run()
        }
        let me = try XCTUnwrap(demo.operators.first { $0.login == DemoDesk.deskAgent })
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: me.login, queue: nil, language: .en, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone))
        return (store, setup, me)
    }

    /// A console as `Console.run` builds it, on a virtual terminal; `changed` stands for the store's change signal.
    func console(_ setup: Console.Setup, _ me: Operator, size: TerminalSize, changed: @escaping () -> Bool = { false })
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

    /// Types `keys`, one loop iteration each, and one more that draws what they did; returns why the console ended, if it did.
    @discardableResult
    func press(_ keys: [Key], _ runner: AppRunner<ConsoleState, ConsoleEffect, ConsoleMessage>, _ terminal: VirtualTerminal) throws -> ExitReason? {
        terminal.enqueue(keys: keys)
        for _ in keys { if let reason = try runner.step() { return reason } }
        return try runner.step()
    }

    /// The reported bug: on a desk with calls waiting, the console opened with the oldest call
    /// popped up over the queue, and the operator's first key (here `?`) only closed it.
    func testTheFirstKeyWorksOnADeskWithCallsWaiting() throws {
        let (_, setup, me) = try demoDesk()
        for size in [TerminalSize(columns: 80, rows: 24), TerminalSize(columns: 200, rows: 60)] {
            let (runner, terminal) = console(setup, me, size: size)
            try runner.step()
            var shown = screen(terminal)
            XCTAssertTrue(shown.contains("escalation call(s) to make and confirm — press C"), shown)
            XCTAssertFalse(shown.contains("Escalation call"), "no popup over the first frame at \(size)\n\(shown)")
            try press([.character("?")], runner, terminal)
            shown = screen(terminal)
            XCTAssertTrue(shown.contains("Keys") && shown.contains("Esc closes"), "the first key opens help at \(size)\n\(shown)")
            // C still lists the calls waiting, and the popup it opens is on screen.
            try press([.escape, .character("C")], runner, terminal)
            shown = screen(terminal)
            XCTAssertTrue(shown.contains("Escalation call") && shown.contains("Call now:"), shown)
            runner.finish()
        }
    }

    /// A call that comes in while the console is open pops up at once, in the same frame, and
    /// Esc or any other key closes it; it stays in the banner until someone confirms it.
    func testACallArrivingLaterPopsUpVisiblyAndAnyKeyClosesIt() throws {
        let (store, setup, me) = try demoDesk()
        let signal = ChangeFlag()
        let (runner, terminal) = console(setup, me, size: TerminalSize(columns: 80, rows: 24), changed: { signal.take() })
        try runner.step()
        XCTAssertFalse(screen(terminal).contains("Escalation call"))
        let before = try Blocking.run { try await store.pendingCalls() }.count
        // A major incident is logged at another seat; an hour later an escalator fires its steps: new calls.
        let draft = TicketDraft(title: "核心交换机宕机 Core switch down", description: "", caller: Caller(name: "王小明"), channel: .phone,
                                priority: .major, category: "network", affectedService: "LAN")
        try Blocking.run { [setup, zone, now] in
            _ = try await setup.desk.open(draft, as: DemoDesk.deskAgent)
            let later = Desk(store: store, clock: FixedClock(now.addingTimeInterval(3600)), policy: .dutyTable(timeZone: zone))
            _ = try await EscalationSweep(desk: later, directory: RecipientDirectory(), firedBy: "escalator@later", timeZone: zone).run()
        }
        let after = try Blocking.run { try await store.pendingCalls() }.count
        XCTAssertGreaterThan(after, before, "the later sweep made new calls")
        signal.raised = true
        try runner.step()
        let shown = screen(terminal)
        XCTAssertTrue(shown.contains("Escalation call") && shown.contains("Call now:"), "the new call is on screen\n\(shown)")
        XCTAssertTrue(shown.contains("☎ \(after) escalation call(s)"), shown)
        // As designed: any key other than Enter/y closes the popup it can see, and does nothing else.
        try press([.character("?")], runner, terminal)
        let closed = screen(terminal)
        XCTAssertFalse(closed.contains("Escalation call"), closed)
        XCTAssertFalse(closed.contains("Esc closes"), closed)
        XCTAssertTrue(closed.contains("☎ \(after) escalation call(s)"), closed)
        runner.finish()
    }

    /// The key bar's F-keys do what it says: F1 help, F3 filter, F10 quit (bound by their slot).
    func testTheKeyBarsFunctionKeysWork() throws {
        let (_, setup, me) = try demoDesk()
        let (runner, terminal) = console(setup, me, size: TerminalSize(columns: 80, rows: 24))
        try runner.step()
        XCTAssertTrue(screen(terminal).contains("F1Help") && screen(terminal).contains("F10Quit"))
        try press([.function(1)], runner, terminal)
        XCTAssertTrue(screen(terminal).contains("Esc closes"), screen(terminal))
        try press([.escape, .function(3)], runner, terminal)
        XCTAssertTrue(screen(terminal).line(22).hasPrefix("/ "), screen(terminal))
        XCTAssertEqual(try press([.escape, .function(10)], runner, terminal), .quit)
        runner.finish()
    }

    /// Wherever the bottom bar shows `Fn Label`, Fn does that binding's action.
    func testEveryFunctionKeyInTheBarIsBound() {
        let contexts: [ScreenContext] = [.queue, .detail, .handoverPrepare, .handoverReview, .handoverHistory, .handoverRecord,
                                         .supervisor, .review, .reports]
        let keymap = ConsoleKeys.keymap
        for context in contexts {
            let bar = keymap.keyBarItems(in: context, language: .en)
            for item in bar {
                guard let number = Int(item.key.dropFirst()) else { return XCTFail(item.key) }
                let action = keymap.action(for: .function(number), in: context)
                let promised = keymap.bindings(in: context).first { $0.functionKeySlot == number }?.action
                XCTAssertNotNil(action, "\(item.key) \(item.label) in \(context.rawValue)")
                XCTAssertEqual(action, promised, "\(item.key) \(item.label) in \(context.rawValue)")
            }
        }
    }
}

/// The store's change signal, raised by hand.
private final class ChangeFlag {
    var raised = false

    func take() -> Bool {
        defer { raised = false }
        return raised
    }
}

private extension String {
    func line(_ index: Int) -> String {
        let all = split(separator: "\n", omittingEmptySubsequences: false)
        return index < all.count ? String(all[index]) : ""
    }
}
