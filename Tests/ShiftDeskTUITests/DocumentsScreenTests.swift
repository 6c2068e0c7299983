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

    func open(_ desk: Desk, as me: Operator, language: Language, size: TerminalSize,
              parser: @escaping PolicyParser = DocumentsScreenTests.parser) -> (ConsoleState, ConsoleServices) {
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: me.login, queue: nil, language: language, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone), parsePolicy: parser)
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

    /// Stands in for the TOML reader: `duty-table` is the duty table, `general-1h` moves the
    /// general incident's first step to an hour.
    static let policyParser: PolicyParser = { text, name in
        var priorities = SLAPolicy.dutyTablePriorities
        switch text.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "duty-table": break
        case "general-1h": priorities[.general]?.escalation[0].after = 3600
        default: return .failure(PolicyTextProblem("\(name):1: unknown"))
        }
        guard let policy = try? SLAPolicy(timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt, calendars: [:], priorities: priorities) else {
            return .failure(PolicyTextProblem("\(name):1: unreadable"))
        }
        return .success(policy)
    }

    /// The owner's approval screen: `w` on a submitted policy replays the last four weeks under it
    /// beside the version in force, above its text (the what-if, issue 15). A general incident
    /// logged by the desk 90 minutes ago and still open: no step under V1.0 (2 h), one under V1.1
    /// (1 h), breached under neither (the desk answered it as it logged it; 4 h to resolve).
    func testTheOwnerSeesTheWhatIfOfTheSubmittedPolicyBeforeApproving() throws {
        let store = try SQLiteStore(path: folder.appendingPathComponent("whatif.sqlite").path, create: true)
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        let agent = Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day)
        let documents = DocumentDesk(desk: desk, parsePolicy: Self.policyParser)
        try Blocking.run { [im, owner, agent, now] in
            for person in [im, owner, agent] { try await store.addOperator(person) }
            _ = try await documents.installPolicyIfMissing("duty-table", reason: "init")
            let earlier = Desk(store: store, clock: FixedClock(now.addingTimeInterval(-90 * 60)), policy: .dutyTable(timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt))
            _ = try await earlier.open(TicketDraft(title: "VPN 断线", caller: Caller(name: "王小明", phone: "138"), channel: .phone, priority: .general),
                                       as: agent.login)
            _ = try await documents.proposePolicy("general-1h", reason: "一般事件一小时上报", major: false, as: im.login)
        }
        let expected: [Language: [String]] = [
            .zh: [
                "试算：最近 4 周的事件按两个策略重放",
                "                        V1.0      V1.1",
                "事件数                     1         1",
                "升级次数                   0         1",
                "  重大                     0         0",
                "  一般                     0         1",
                "  轻微                     0         0",
                "邮件                       0         1",
                "电话                       0         0",
                "超时事件                   0         0",
            ],
            .en: [
                "What if: incidents of the last 4 weeks replayed",
                "                        V1.0      V1.1",
                "incidents                  1         1",
                "escalation steps           0         1",
                "  major                    0         0",
                "  general                  0         1",
                "  minor                    0         0",
                "e-mails                    0         1",
                "phone calls                0         0",
                "breached                   0         0",
            ],
        ]
        for (language, size) in [(Language.zh, Self.small), (.en, Self.large)] {
            var (state, services) = open(desk, as: owner, language: language, size: size, parser: Self.policyParser)
            press(&state, services, .character("D"))
            XCTAssertEqual(state.screens.documents.selected, DocumentRules.policyDocument, "the submission awaiting the owner comes first")
            press(&state, services, .character("w"))
            let lines = draw(state)
            assertFits(lines, size)
            let table = try XCTUnwrap(expected[language])
            let top = try XCTUnwrap(lines.firstIndex { $0.contains(table[0]) }, lines.joined(separator: "\n"))
            let x = try XCTUnwrap(lines[top].range(of: table[0])).lowerBound
            let left = DisplayWidth.width(of: lines[top][..<x])
            for (offset, row) in table.enumerated() {
                let line = lines[top + offset]
                // Each row at the same column, with the same cells: the table lines up in Chinese too.
                let found = line.range(of: row).map { DisplayWidth.width(of: line[..<$0.lowerBound]) }
                XCTAssertEqual(found, left, "row \(offset) of the what-if at \(size): \(line)")
            }
            // Beneath it, the submitted text itself.
            XCTAssertTrue(lines[(top + table.count)...].contains { $0.contains("general-1h") }, lines.joined(separator: "\n"))
        }
    }
}
