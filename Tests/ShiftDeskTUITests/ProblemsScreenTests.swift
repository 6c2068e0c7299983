import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// The problem manager's Problems queue and a problem's detail, and the known errors under the
/// Log-a-call form, against a real SQLite desk through the virtual terminal: Chinese at 80x24,
/// English at 160x48.
final class ProblemsScreenTests: XCTestCase {
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    var folder: URL!
    let manager = Operator(login: "he.jun", name: "何军", role: .problemManager, shift: .day)
    let secondLine = Operator(login: "chen.jing", name: "陈静", role: .l2, shift: .day)
    let deskAgent = Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day)
    let incidentManager = Operator(login: "sun.li", name: "孙丽", role: .im, shift: .day)
    static let small = TerminalSize(columns: 80, rows: 24)
    static let large = TerminalSize(columns: 160, rows: 48)
    var now: Date { ISO8601.parse("2026-12-03T10:00:00", defaultZone: zone) ?? .distantPast }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-problems-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Two problems: one new and unassigned with one open incident, one older in analysis with a
    /// known error and two open incidents (raised 40 days ago).
    func makeDesk() throws -> (Desk, new: ProblemID, old: ProblemID) {
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        let earlier = Desk(store: store, clock: FixedClock(now.addingTimeInterval(-40 * 86_400)), policy: .dutyTable(timeZone: zone))
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        let people = [manager, secondLine, deskAgent, incidentManager]
        let ids = try Blocking.run { [people] () async throws -> (ProblemID, ProblemID) in
            for person in people { try await store.addOperator(person) }
            func draft(_ title: String) -> TicketDraft {
                TicketDraft(title: title, caller: Caller(name: "王小明"), channel: .phone, priority: .general, category: "硬件", affectedService: "打印")
            }
            let a = try await earlier.open(draft("三楼打印机卡纸"), as: "zhang.wei")
            let b = try await earlier.open(draft("三楼打印机卡纸无法打印"), as: "zhang.wei")
            let old = try await earlier.raiseProblem(title: "三楼打印机反复卡纸", reason: "一周三次", linking: [a.id, b.id], as: "sun.li")
            try await earlier.step(.assess(owner: "he.jun"), on: old.id, as: "he.jun")
            try await earlier.step(.analyse, on: old.id, as: "he.jun")
            try await earlier.step(.publishKnownError(symptom: "三楼打印机卡纸", workaround: "关机后清理搓纸轮再开机"), on: old.id, as: "he.jun")
            let c = try await desk.open(draft("VPN 频繁断线"), as: "zhang.wei")
            let new = try await desk.raiseProblem(title: "VPN 频繁断线 VPN keeps dropping", linking: [c.id], as: "chen.jing")
            return (new.id, old.id)
        }
        return (desk, ids.0, ids.1)
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

    func press(_ state: inout ConsoleState, _ services: ConsoleServices, _ keys: [Key]) {
        for key in keys { pump(&state, ConsoleApp.update(&state, .key(KeyEvent(key))), services) }
    }

    func type(_ state: inout ConsoleState, _ services: ConsoleServices, _ text: String) {
        press(&state, services, text.map(Key.character))
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

    func testTheProblemManagerOpensOnTheQueueWhatNeedsThemFirstIn80x24Chinese() throws {
        let (desk, new, old) = try makeDesk()
        let (state, _) = open(desk, as: manager, language: .zh, size: Self.small)
        XCTAssertEqual(state.queue, .problems)
        let rows = ProblemsScreen.rows(state)
        // New and unassigned first, then by open linked incidents.
        XCTAssertEqual(rows.map(\.id), [new.number, old.number])
        let lines = draw(state)
        assertFits(lines, Self.small)
        let screen = lines.joined(separator: "\n")
        for text in ["问题单", "标题", "状态", "负责人", "时长", "未结/全部", "已知错误", new.description, old.description, "新建", "根因分析",
                     "未指派", "1/1", "2/2", "40d", "是", "否", "未结 2", "待评估 1", "超 30 天未结 1"] {
            XCTAssertTrue(screen.contains(text), "\(text) missing:\n\(screen)")
        }
    }

    func testTheDetailShowsEveryFieldAndItsKeysMoveTheProblemThroughTheDomainIn160x48English() throws {
        let (desk, new, _) = try makeDesk()
        var (state, services) = open(desk, as: manager, language: .en, size: Self.large)
        press(&state, services, [.enter])
        XCTAssertEqual(state.screens.problems.open, new)
        var screen = draw(state).joined(separator: "\n")
        assertFits(draw(state), Self.large)
        for text in ["\(new)  new  v1", "VPN 频繁断线 VPN keeps dropping", "Owner", "unassigned", "Raised", "陈静 (chen.jing)", "Root cause",
                     "Resolution", "Known error", "not published (F7 / e)", "Linked incidents: 1 open / 1 in all", "History", "raised",
                     "F2Assess", "F5Resolve", "F7KnownErr"] {
            XCTAssertTrue(screen.contains(text), "\(text) missing:\n\(screen)")
        }
        // Closing an unresolved problem is refused by the domain, with its rule's name.
        press(&state, services, [.character("c")])
        XCTAssertTrue(state.message?.contains("problem.close-needs-resolved") ?? false, state.message ?? "")
        // Assess with an owner: a form, the domain's step, the detail read again.
        press(&state, services, [.character("a")])
        guard case .form = state.mode else { return XCTFail("no assess form") }
        press(&state, services, [.control("u")])
        type(&state, services, "chen.jing")
        press(&state, services, [.enter])
        XCTAssertEqual(state.screens.problems.record?.problem.state, .assessed, state.message ?? "")
        XCTAssertEqual(state.screens.problems.record?.problem.owner, "chen.jing")
        press(&state, services, [.character("y")])
        XCTAssertEqual(state.screens.problems.record?.problem.state, .analysis, state.message ?? "")
        // The known error's form shows how much of the symptom's limit is used.
        press(&state, services, [.character("e")])
        guard case let .form(form, _) = state.mode else { return XCTFail("no known-error form") }
        XCTAssertEqual(form.limitHint, "\("VPN 频繁断线 VPN keeps dropping".count)/500")
        XCTAssertTrue(draw(state).joined().contains("/500"))
        press(&state, services, [.tab])
        type(&state, services, "Reconnect with the backup gateway")
        press(&state, services, [.enter])
        XCTAssertEqual(state.screens.problems.record?.problem.knownError?.workaround, "Reconnect with the backup gateway", state.message ?? "")
        // A fix needs its cause: the form refuses an empty one before anything is sent.
        press(&state, services, [.character("f")])
        press(&state, services, [.enter])
        guard case let .form(fixForm, _) = state.mode else { return XCTFail("the empty cause was sent") }
        XCTAssertNotNil(fixForm.message)
        type(&state, services, "gateway certificate expired")
        press(&state, services, [.enter])
        XCTAssertEqual(state.screens.problems.record?.problem.state, .fixInProgress, state.message ?? "")
        // Communicate: one note per open linked incident, who was told in the message.
        press(&state, services, [.character("w")])
        XCTAssertTrue(state.message?.contains("told INC-") ?? false, state.message ?? "")
        screen = draw(state).joined(separator: "\n")
        for text in ["fix in progress", "gateway certificate expired", "Reconnect with the backup gateway", "workaround communicated",
                     "known error published", "assessed"] {
            XCTAssertTrue(screen.contains(text), "\(text) missing:\n\(screen)")
        }
        // Esc goes back to the queue, the problem still selected.
        press(&state, services, [.escape])
        XCTAssertNil(state.screens.problems.open)
        XCTAssertEqual(state.screens.problems.table.selectedID, new.number)
    }

    func testSecondLineReadsTheQueueAndIsRefusedTheManagersStepsByName() throws {
        let (desk, new, _) = try makeDesk()
        XCTAssertTrue(QueueKind.visible(to: .l2).contains(.problems))
        XCTAssertFalse(QueueKind.visible(to: .desk).contains(.problems))
        var (state, services) = open(desk, as: secondLine, language: .zh, size: Self.small)
        press(&state, services, [.character(":")])
        type(&state, services, "queue problems")
        press(&state, services, [.enter])
        XCTAssertEqual(state.queue, .problems)
        press(&state, services, [.enter])
        XCTAssertEqual(state.screens.problems.open, new)
        let lines = draw(state)
        assertFits(lines, Self.small)
        XCTAssertTrue(lines.joined().contains("关联事件：未结 1 / 共 1"), lines.joined(separator: "\n"))
        press(&state, services, [.character("y")])
        XCTAssertTrue(state.message?.contains("problem.") ?? false, state.message ?? "")
        // A desk agent is told the queue is not theirs.
        var (deskState, deskServices) = open(desk, as: deskAgent, language: .en, size: Self.small)
        press(&deskState, deskServices, [.character(":")])
        type(&deskState, deskServices, "queue problems")
        press(&deskState, deskServices, [.enter])
        XCTAssertNotEqual(deskState.queue, .problems)
        XCTAssertTrue(deskState.message?.contains("the Problems queue is for") ?? false, deskState.message ?? "")
    }

    func testTheDeskSeesTheKnownErrorUnderTheFormAndResolvesTheCallWithItInTwoKeys() throws {
        let (desk, _, old) = try makeDesk()
        for (language, size, title, label) in [(Language.zh, Self.small, "3楼打印机又卡纸了", "与该来电相符的已知错误"),
                                               (.en, Self.large, "printer on floor 3 jams again", "Known errors matching this call")] {
            if language == .en {
                // The English rewording matches the problem's English title.
                try Blocking.run { _ = try await desk.step(.publishKnownError(symptom: "printer on the third floor jams",
                                                                                workaround: "switch off, clean the pick-up roller, switch on"),
                                                         on: old, as: "he.jun") }
            }
            var (state, services) = open(desk, as: deskAgent, language: language, size: size)
            press(&state, services, [.character("N")])
            XCTAssertNotNil(state.screens.problems.knownErrors)
            type(&state, services, title)
            XCTAssertEqual(state.screens.problems.callMatches.first?.problem.id, old, "\(title) does not match")
            // The caller, in the next field: the matches stay.
            press(&state, services, [.tab])
            type(&state, services, "王伟")
            XCTAssertEqual(state.screens.problems.callMatches.first?.problem.id, old)
            var lines = draw(state)
            assertFits(lines, size)
            var screen = lines.joined(separator: "\n")
            XCTAssertTrue(screen.contains(label) && screen.contains(old.description), screen)
            // One key shows the workaround…
            press(&state, services, [.function(5)])
            XCTAssertEqual(state.screens.problems.pick, 0)
            lines = draw(state)
            assertFits(lines, size)
            screen = lines.joined(separator: "\n")
            XCTAssertTrue(screen.contains(language == .zh ? "搓纸轮" : "pick-up roller"), screen)
            // …one more logs the call and resolves it with it.
            press(&state, services, [.enter])
            XCTAssertTrue(state.message?.contains(old.description) ?? false, state.message ?? "")
            let logged = try Blocking.run { try await desk.store.tickets(.all).last }
            let ticket = try XCTUnwrap(logged)
            XCTAssertEqual(ticket.title, title)
            XCTAssertEqual(ticket.state, .resolved)
            XCTAssertEqual(ticket.problem, old)
            let events = try Blocking.run { try await desk.store.events(of: ticket.id) }
            XCTAssertEqual(events.last?.resolutionKind, .knownError)
            XCTAssertEqual(events.last?.actor, deskAgent.login)
        }
    }

    func testTheWeeklyReviewListsProblemsOpenPast30Days() throws {
        let (desk, _, old) = try makeDesk()
        var (state, services) = open(desk, as: incidentManager, language: .en, size: Self.large)
        press(&state, services, [.character(":")])
        type(&state, services, "queue review")
        press(&state, services, [.enter])
        let review = try XCTUnwrap(state.screens.review.review)
        XCTAssertEqual(review.problemsOpenTooLong.map(\.id), [old])
        state.screens.review.section = .openProblems
        let screen = draw(state).joined(separator: "\n")
        XCTAssertTrue(screen.contains("Problems open > 30 d 1") && screen.contains("三楼打印机反复卡纸") && screen.contains("40d"), screen)
        // Enter opens the problem's detail.
        state.screens.review.table.reconcile(with: ReviewScreen.rows(state))
        press(&state, services, [.enter])
        XCTAssertEqual(state.queue, .problems)
        XCTAssertEqual(state.screens.problems.open, old)
        XCTAssertEqual(state.screens.problems.record?.problem.id, old)
    }
}
