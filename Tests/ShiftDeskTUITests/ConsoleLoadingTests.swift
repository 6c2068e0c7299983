import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// How a console gets its tickets from a real store: the first frame from a queue's most
/// urgent page, the rest in the background, then only what other seats wrote.
final class ConsoleLoadingTests: XCTestCase {
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-loading-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A demo desk of `count` tickets in SQLite, and services for `role`'s operator.
    func desk(_ count: Int, role: Role, now: Date) throws -> (Desk, ConsoleServices, Operator, DemoDesk) {
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk-\(UUID().uuidString).sqlite").path, create: true)
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        let demo = DemoDesk(now: now, tickets: count, seed: 11)
        try Blocking.run {
            for person in demo.operators { try await store.addOperator(person) }
            _ = try await desk.insert(demo.tickets.map { TicketHistory(ticket: $0.ticket, events: $0.events) })
        }
        let me = try XCTUnwrap(demo.operators.first { $0.role == role })
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: me.login, queue: nil, language: .en, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone))
        var services = ConsoleServices(setup, me: me)
        services.wholeLoadAtOnce = 0  // these desks are small: make them open as a large one does
        return (desk, services, me, demo)
    }

    func state(_ me: Operator, queue: QueueKind, now: Date) -> ConsoleState {
        var state = ConsoleState(me: me, language: .en, timeZone: zone, now: now)
        state.queue = queue
        state.size = TerminalSize(columns: 160, rows: 48)
        return state
    }

    func ids(_ state: ConsoleState) -> [Int64] {
        let rows = ConsoleApp.rows(state)
        return (0..<rows.count).map { rows.id(at: $0) }
    }

    func statusLine(_ state: ConsoleState) -> String {
        var canvas = Canvas(size: state.size)
        ConsoleApp.render(state, &canvas, RenderContext(size: state.size, theme: .builtinDefault, colorMode: .color256, now: state.now))
        return canvas.lines[state.size.rows - 2]
    }

    @discardableResult
    func run(_ services: ConsoleServices, _ effect: ConsoleEffect, into state: inout ConsoleState) throws -> [AppCommand<ConsoleEffect>] {
        let message = try XCTUnwrap(services.execute(effect))
        return ConsoleApp.update(&state, .result(message))
    }

    /// On a desk of 100k open tickets the first frame does not wait for them to be counted.
    func testAQueueTooLargeToCountBeforeTheFirstFrameSaysSo() throws {
        let me = Operator(login: "zhang.wei", name: "张伟", role: .desk)
        var shown = state(me, queue: .desk, now: Date(timeIntervalSince1970: 1_795_917_600))
        shown.coverage = .firstPage(queue: .desk, total: .moreThan(ConsoleServices.countedBeforeTheFirstFrame))
        XCTAssertTrue(statusLine(shown).contains("Desk: over 10000 · loading the rest…"), statusLine(shown))
        shown.language = .zh
        XCTAssertTrue(statusLine(shown).contains("超过 10000 · 正在加载其余…"), statusLine(shown))
    }

    func testEachQueuesFirstPageIsTheTopOfTheWholeQueue() throws {
        let now = try XCTUnwrap(ISO8601.parse("2026-11-29T15:00:00", defaultZone: zone))
        for (queue, role) in [(QueueKind.desk, Role.desk), (.l1, .l1), (.l2, .l2), (.im, .im)] {
            let (_, services, me, _) = try desk(400, role: role, now: now)
            var whole = state(me, queue: queue, now: now)
            try run(services, .reload, into: &whole)
            let everything = ids(whole)
            XCTAssertGreaterThan(everything.count, 12, "\(queue): the demo fills it")

            var first = state(me, queue: queue, now: now)
            try run(services, .loadFirstPage(queue, limit: 12), into: &first)
            XCTAssertEqual(ids(first), Array(everything.prefix(12)), "\(queue): the same rows in the same order")
            XCTAssertTrue(statusLine(first).contains("\(everything.count) · loading the rest"), "\(queue): \(statusLine(first))")

            // The whole load lands on the first page: everything shows, and it catches up with
            // what was written while it ran.
            let commands = try run(services, .reload, into: &first)
            XCTAssertEqual(ids(first), everything)
            guard case let .everything(revision) = first.coverage, case .perform(.refresh(after: revision))? = commands.first else {
                return XCTFail("\(queue): \(first.coverage) \(commands)")
            }
        }
    }

    func testASmallDeskComesWholeBeforeTheFirstFrame() throws {
        let now = try XCTUnwrap(ISO8601.parse("2026-11-29T15:00:00", defaultZone: zone))
        var (_, services, me, _) = try desk(50, role: .desk, now: now)
        services.wholeLoadAtOnce = 5_000
        var state = state(me, queue: .desk, now: now)
        try run(services, .loadFirstPage(.desk, limit: 10), into: &state)
        XCTAssertTrue(state.loaded)
        XCTAssertGreaterThan(ids(state).count, 10)
        XCTAssertFalse(statusLine(state).contains("loading"))
    }

    func testOtherQueuesWaitForTheWholeLoad() throws {
        let now = try XCTUnwrap(ISO8601.parse("2026-11-29T15:00:00", defaultZone: zone))
        let (_, services, me, _) = try desk(200, role: .desk, now: now)
        var state = state(me, queue: .desk, now: now)
        try run(services, .loadFirstPage(.desk, limit: 10), into: &state)
        _ = ConsoleApp.update(&state, .key(KeyEvent(.tab)))
        XCTAssertEqual(state.queue, .l1)
        _ = ConsoleApp.update(&state, .key(KeyEvent(.backTab)))
        XCTAssertEqual(state.queue, .desk, "Shift-Tab goes back")
        _ = ConsoleApp.update(&state, .key(KeyEvent(.tab)))
        XCTAssertEqual(ids(state), [], "only the desk's first page is here yet")
        XCTAssertTrue(statusLine(state).contains("loading…"))
        // Another seat's change meanwhile is read when the whole load lands, not twice.
        XCTAssertTrue(ConsoleApp.update(&state, .externalChange).isEmpty)
        try run(services, .reload, into: &state)
        XCTAssertFalse(ids(state).isEmpty)
    }

    func testAConsoleFollowsOtherSeatsByReadingOnlyWhatTheyWrote() throws {
        let now = try XCTUnwrap(ISO8601.parse("2026-11-29T15:00:00", defaultZone: zone))
        let (desk, services, me, demo) = try desk(120, role: .desk, now: now)
        var state = state(me, queue: .desk, now: now)
        try run(services, .reload, into: &state)
        let before = Set(ids(state))
        guard case let .everything(start) = state.coverage else { return XCTFail("\(state.coverage)") }

        // Another seat closes a resolved incident, takes an L1 one, and logs a new call.
        let resolved = try XCTUnwrap(state.entries.first { $0.ticket.state == .resolved }?.ticket)
        let waiting = try XCTUnwrap(state.entries.first { $0.ticket.tier == .l1 && $0.ticket.state == .new }?.ticket)
        let engineer = try XCTUnwrap(demo.operators.first { $0.role == .l1 })
        var draft = TicketDraft(title: "新来电 new call", caller: Caller(name: "李雷", phone: "139"), priority: .major)
        draft.category = "Network"
        let (opened, taken) = try Blocking.run { [draft] in
            _ = try await desk.perform(.close(.rated(score: 4, comment: nil)), on: resolved.id, as: me.login)
            let taken = try await desk.perform(.take, on: waiting.id, as: engineer.login).ticket
            return (try await desk.open(draft, as: me.login), taken)
        }

        let commands = ConsoleApp.update(&state, .externalChange)
        guard case .perform(.refresh(after: start))? = commands.first else { return XCTFail("\(commands)") }
        let message = try XCTUnwrap(services.execute(.refresh(after: start)))
        guard case let .loaded(snapshot) = message, case let .changed(changed, _) = snapshot.tickets else { return XCTFail("\(message)") }
        XCTAssertEqual(Set(changed.map(\.ticket.id)), [resolved.id, waiting.id, opened.id], "only what was written is read")
        _ = ConsoleApp.update(&state, .result(message))

        XCTAssertEqual(Set(ids(state)), before.subtracting([resolved.id.number]).union([opened.id.number]))
        let row = try XCTUnwrap(state.entries.first { $0.ticket.id == waiting.id }?.ticket)
        XCTAssertEqual(row.version, taken.version)
        XCTAssertEqual(row.assignee, taken.assignee)
        XCTAssertEqual(row.state, taken.state)
        guard case let .everything(reached) = state.coverage else { return XCTFail("\(state.coverage)") }
        XCTAssertGreaterThan(reached, start)
        // And the filter finds the new call by its words.
        for key in "/new call" { _ = ConsoleApp.update(&state, .key(KeyEvent(.character(key)))) }
        XCTAssertEqual(ids(state), [opened.id.number])
    }
}
