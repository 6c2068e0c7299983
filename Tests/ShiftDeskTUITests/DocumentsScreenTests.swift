import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// The Documents screen and the acknowledgement banner against a real SQLite desk (issue 15),
/// drawn through the virtual terminal in Chinese and English at 80x24 and 160x48.
final class DocumentsScreenTests: XCTestCase {
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    var folder: URL!
    let im = Operator(login: "sun.li", name: "孙丽", role: .im, shift: .day)
    let owner = Operator(login: "lin.hua", name: "林华", role: .owner)
    let l1 = Operator(login: "wang.fang", name: "王芳", role: .l1, shift: .day)
    let auditor = Operator(login: "qian.yu", name: "钱玉", role: .auditor)
    static let small = TerminalSize(columns: 80, rows: 24)
    static let large = TerminalSize(columns: 160, rows: 48)
    static let v10 = "# 升级规则\n一般事件 2 小时通知事件经理\n重大事件立即电话通知四位负责人\n"
    static let v11 = "# 升级规则\n一般事件 1 小时通知事件经理\n重大事件立即电话通知四位负责人\n"

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-documents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    var now: Date { ISO8601.parse("2026-11-29T10:00:00", defaultZone: zone) ?? .distantPast }

    static let parser: PolicyParser = { _, name in .failure(PolicyTextProblem("\(name):1: not read in this test")) }

    /// A desk whose escalation rules are at V1.0, with V1.1 submitted by the incident manager.
    func makeDesk() throws -> Desk {
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        let documents = DocumentDesk(desk: desk, parsePolicy: Self.parser)
        try Blocking.run { [im, owner, l1, auditor] in
            for person in [im, owner, l1, auditor] { try await store.addOperator(person) }
            _ = try await documents.create("escalation-rules", title: "升级规则 Escalation rules", concerns: [.l1, .desk], text: Self.v10, as: im.login)
            _ = try await documents.submit("escalation-rules", reason: "首次发布", major: false, as: im.login)
            _ = try await documents.approve("escalation-rules", comment: nil, as: owner.login)
            _ = try await documents.edit("escalation-rules", text: Self.v11, as: im.login)
            _ = try await documents.submit("escalation-rules", reason: "一般事件提前到 1 小时", major: false, as: im.login)
        }
        return desk
    }

    func open(_ desk: Desk, as me: Operator, language: Language, size: TerminalSize) -> (ConsoleState, ConsoleServices) {
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: me.login, queue: nil, language: language, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone), parsePolicy: Self.parser)
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

    func press(_ state: inout ConsoleState, _ services: ConsoleServices, _ keys: Key...) {
        for key in keys { pump(&state, ConsoleApp.update(&state, .key(KeyEvent(key))), services) }
    }

    func type(_ state: inout ConsoleState, _ services: ConsoleServices, _ text: String) {
        for character in text { press(&state, services, .character(character)) }
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
            XCTAssertEqual(DisplayWidth.width(of: text), size.columns, "row \(index) is the screen's width: \(text)", file: file, line: line)
        }
    }

    func testTheOwnerFindsTheSubmissionFirstReadsTheDiffAndApprovesIt() throws {
        let desk = try makeDesk()
        for (language, size) in [(Language.zh, Self.small), (.en, Self.large)] {
            var (state, services) = open(desk, as: owner, language: language, size: size)
            press(&state, services, .character("D"))
            XCTAssertEqual(state.queue, .documents)
            var lines = draw(state)
            assertFits(lines, size)
            let text = lines.joined(separator: "\n")
            XCTAssertTrue(text.contains(language == .zh ? "待你审批" : "to approve"), text)
            XCTAssertTrue(text.contains("一般事件 1 小时通知事件经理"), "the submission is what the owner reads: \(text)")
            press(&state, services, .character("d"))
            lines = draw(state)
            assertFits(lines, size)
            XCTAssertTrue(lines.contains { $0.contains("- 一般事件 2 小时通知事件经理") }, lines.joined(separator: "\n"))
            XCTAssertTrue(lines.contains { $0.contains("+ 一般事件 1 小时通知事件经理") }, lines.joined(separator: "\n"))
            XCTAssertTrue(lines.joined().contains("V1.0 → V1.1"))
        }
        var (state, services) = open(desk, as: owner, language: .en, size: Self.small)
        press(&state, services, .character("D"), .character("A"))
        guard case .form = state.mode else { return XCTFail("the approval form opens") }
        type(&state, services, "同意")
        press(&state, services, .enter)
        XCTAssertTrue(state.message?.contains("escalation-rules V1.1 approved") == true, state.message ?? "")
        let current = try Blocking.run { try await DocumentDesk(desk: desk, parsePolicy: Self.parser).requireDocument("escalation-rules") }
        XCTAssertEqual(current.current?.label, "V1.1")
        XCTAssertEqual(current.current?.comment, "同意")
    }

    func testAnL1OperatorSeesTheBannerUntilTheyAcknowledge() throws {
        let desk = try makeDesk()
        try Blocking.run { [owner] in
            _ = try await DocumentDesk(desk: desk, parsePolicy: Self.parser).approve("escalation-rules", comment: nil, as: owner.login)
        }
        for (language, size) in [(Language.zh, Self.small), (.en, Self.large)] {
            let (state, _) = open(desk, as: l1, language: language, size: size)
            XCTAssertEqual(state.queue, .l1)
            let lines = draw(state)
            assertFits(lines, size)
            let banner = language == .zh ? "有新版本文档须阅读并确认：escalation-rules V1.1 — 按 D" : "New version to read and acknowledge: escalation-rules V1.1 — press D"
            XCTAssertTrue(lines.contains { $0.contains(banner) }, lines.joined(separator: "\n"))
        }
        var (state, services) = open(desk, as: l1, language: .en, size: Self.small)
        press(&state, services, .character("D"))
        XCTAssertEqual(state.queue, .documents)
        XCTAssertTrue(draw(state).contains { $0.contains("一般事件 1 小时通知事件经理") })
        // L1 may not approve: the refusal names the rule.
        press(&state, services, .character("A"), .enter)
        XCTAssertTrue(state.message?.contains("[document.approver-role]") == true, state.message ?? "")
        press(&state, services, .character("a"))
        XCTAssertTrue(state.message?.contains("acknowledged") == true, state.message ?? "")
        press(&state, services, .tab)
        XCTAssertFalse(draw(state).contains { $0.contains("to read and acknowledge") }, "the banner is gone once acknowledged")
        // The auditor reads and changes nothing.
        var (audit, auditServices) = open(desk, as: auditor, language: .en, size: Self.small)
        press(&audit, auditServices, .character("D"), .character("a"))
        XCTAssertTrue(audit.message?.contains("[auditor.read-only]") == true, audit.message ?? "")
        XCTAssertFalse(draw(audit).contains { $0.contains("to read and acknowledge") }, "the auditor has nothing to acknowledge")
    }
}
