import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// The internal auditor's console against a real SQLite desk: it opens on the Audit screen
/// (chain head, last verification), verifies the record, reads any incident's whole history,
/// and every action key is refused with the rule. Drawn through the virtual terminal in Chinese
/// and English at 80x24 and 200x60.
final class AuditScreenTests: XCTestCase {
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    var folder: URL!
    let auditor = Operator(login: "qian.yu", name: "钱玉", role: .auditor)
    let deskAgent = Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day)
    let im = Operator(login: "sun.li", name: "孙丽", role: .im, shift: .day)
    let owner = Operator(login: "lin.hua", name: "林华", role: .owner)
    let problemManager = Operator(login: "he.jun", name: "何军", role: .problemManager)
    static let small = TerminalSize(columns: 80, rows: 24)
    static let large = TerminalSize(columns: 200, rows: 60)

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    var now: Date { ISO8601.parse("2026-11-29T10:00:00", defaultZone: zone) ?? .distantPast }

    /// A desk with two incidents worked through the real workflow, and one whose note holds
    /// control characters that reached the database another way (an import).
    func makeDesk() throws -> Desk {
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        let desk = Desk(store: store, clock: FixedClock(now), policy: .dutyTable(timeZone: zone))
        let now = self.now
        try Blocking.run { [deskAgent, auditor, im, owner, problemManager] in
            for person in [deskAgent, auditor, im, owner, problemManager] { try await store.addOperator(person) }
            let first = try await desk.open(TicketDraft(title: "打印机卡纸 Printer jam", caller: Caller(name: "王小明")), as: deskAgent.login)
            try await desk.perform(.note("客户已通知 customer informed"), on: first.id, as: deskAgent.login)
            try await desk.perform(.escalate(to: .l1, note: "needs a visit"), on: first.id, as: deskAgent.login)
            try await desk.perform(.note("following it for the problem"), on: first.id, as: problemManager.login)
            _ = try await desk.open(TicketDraft(title: "VPN drops", caller: Caller(name: "Amy")), as: deskAgent.login)
            var hostile = Ticket(id: TicketID(3), title: "Imported \u{1b}[2J title", caller: Caller(name: "x"), channel: .email,
                                 priority: .minor, openedAt: now)
            hostile.owner = deskAgent.login
            let event = TicketEvent(ticket: TicketID(3), actor: deskAgent.login, at: now, kind: .opened,
                                    changes: hostile.changes(since: nil), note: "bad \u{1b}]0;pwned\u{07} note")
            _ = try await desk.insert([TicketHistory(ticket: hostile, events: [event])])
        }
        return desk
    }

    func services(_ desk: Desk, as me: Operator, language: Language) -> ConsoleServices {
        let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: zone),
                                  login: me.login, queue: nil, language: language, timeZone: zone, theme: nil, themeDirectories: [],
                                  sheetsDirectory: folder.path, environment: [:], schedule: .standard(timeZone: zone))
        return ConsoleServices(setup, me: me)
    }

    /// The console as it opens for `me` (the same start as the real one), at `size`.
    func open(_ desk: Desk, as me: Operator, language: Language, size: TerminalSize) -> (ConsoleState, ConsoleServices) {
        let services = services(desk, as: me, language: language)
        let setup = Console.Setup(desk: desk, sweep: services.sweep, login: me.login, queue: nil, language: language, timeZone: zone,
                                  theme: nil, themeDirectories: [], sheetsDirectory: folder.path, environment: [:],
                                  schedule: .standard(timeZone: zone))
        var (state, rest) = Console.initialState(setup, me: me, services: services, size: size)
        pump(&state, rest, services)
        return (state, services)
    }

    /// Carries out what the update asks, as the runner does (background effects too, here at once).
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

    func draw(_ state: ConsoleState) -> VirtualTerminal {
        let terminal = VirtualTerminal(size: state.size)
        var canvas = Canvas(size: state.size)
        ConsoleApp.render(state, &canvas, RenderContext(size: state.size, theme: .builtinDefault, colorMode: .color256, now: state.now))
        terminal.present(canvas)
        return terminal
    }

    func assertFits(_ lines: [String], _ size: TerminalSize, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(lines.count, size.rows, file: file, line: line)
        for (index, text) in lines.enumerated() {
            XCTAssertEqual(DisplayWidth.width(of: text), size.columns, "row \(index) is the screen's width: \(text)", file: file, line: line)
        }
    }

    func screen(_ lines: [String]) -> String { lines.joined(separator: "\n") }

    // MARK: Landing, verifying, reading a history

    func testTheAuditorLandsOnTheAuditScreenVerifiesAndReadsAHistoryInEnglishAt80x24() throws {
        let desk = try makeDesk()
        var (state, services) = open(desk, as: auditor, language: .en, size: Self.small)
        XCTAssertEqual(state.queue, .audit)
        var lines = draw(state).lines
        assertFits(lines, Self.small)
        XCTAssertTrue(lines[0].contains(" Audit ") && lines[0].contains(" Desk "), lines[0])
        let head = try XCTUnwrap(state.screens.audit.overview?.head)
        XCTAssertEqual(head.count, 6, "four events on the first incident, one on the second, one imported")
        XCTAssertTrue(screen(lines).contains("Chain   6 events · head event #\(head.lastID)"), screen(lines))
        XCTAssertTrue(screen(lines).contains("SHA-256 \(head.hex)"), "the whole hash fits at 80 columns: \(screen(lines))")
        XCTAssertTrue(screen(lines).contains("Last verified never (press F4 or v)"))
        XCTAssertTrue(lines[Self.small.rows - 1].hasPrefix("F1Help"), lines[Self.small.rows - 1])
        XCTAssertTrue(lines[Self.small.rows - 1].contains("F4Verify") && lines[Self.small.rows - 1].contains("F5History"), lines[Self.small.rows - 1])
        XCTAssertTrue(lines[Self.small.rows - 2].contains("Audit · chain head #\(head.lastID)"), lines[Self.small.rows - 2])

        // Verify now: "verifying…" at once, then the result, recorded as the auditor's.
        press(&state, services, .character("v"))
        lines = draw(state).lines
        XCTAssertTrue(screen(lines).contains("The record holds: 6 events checked, chain head event \(head.lastID)"), screen(lines))
        XCTAssertTrue(screen(lines).contains("Last verified 2026-11-29 10:00:00 by 钱玉 (qian.yu)"), screen(lines))
        XCTAssertTrue(screen(lines).contains("holds: 6 events checked"), screen(lines))
        let recorded = try XCTUnwrap(try Blocking.run { try await AuditVerifier.lastVerification(in: desk.store) })
        XCTAssertEqual(recorded.by, "qian.yu")
        XCTAssertTrue(recorded.holds)
        XCTAssertEqual(recorded.headEvents, 6)

        // An incident's whole history, by number.
        press(&state, services, .character("i"))
        guard case .form = state.mode else { return XCTFail("the incident form opens") }
        type(&state, services, "1")
        press(&state, services, .enter)
        XCTAssertEqual(state.screens.audit.history?.events.count, 4)
        lines = draw(state).lines
        assertFits(lines, Self.small)
        let text = screen(lines)
        XCTAssertTrue(text.contains("INC-000001 · 打印机卡纸 Printer jam · new · v4 · 4 events"), text)
        XCTAssertTrue(text.contains("2026-11-29 10:00:00  张伟 (zhang.wei)  local  logged"), text)
        XCTAssertTrue(text.contains("state: — → in_progress"), text)
        // Scroll to the end: the escalation, with before and after, and the problem manager's note.
        press(&state, services, .end)
        let end = screen(draw(state).lines)
        XCTAssertTrue(end.contains("tier: desk → l1"), end)
        XCTAssertTrue(end.contains("何军 (he.jun)  local  note"), end)
        XCTAssertTrue(end.contains("note: “following it for the problem”"), end)
        press(&state, services, .home)
        XCTAssertEqual(state.screens.audit.offset, 0)
        // Esc closes the history.
        press(&state, services, .escape)
        XCTAssertNil(state.screens.audit.incident)
        XCTAssertTrue(screen(draw(state).lines).contains("Press F5 or i and type an incident's number"))
    }

    func testAVerificationRunsOffTheConsolesThreadAndShowsItsProgress() throws {
        let desk = try makeDesk()
        var (state, services) = open(desk, as: auditor, language: .en, size: Self.small)
        let commands = ConsoleApp.update(&state, .key(KeyEvent(.character("v"))))
        guard case .performInBackground(.screen(.verifyAudit))? = commands.first else { return XCTFail("the walk runs in the background: \(commands)") }
        XCTAssertEqual(state.message, "verifying the record…")
        // While it runs, each tick reads how far it got; the screen says so and keys still work.
        services.auditProgress.set(4)
        let tick = ConsoleApp.update(&state, .tick(now.addingTimeInterval(2)))
        XCTAssertTrue(tick.contains { if case .perform(.screen(.auditProgress)) = $0 { true } else { false } })
        pump(&state, tick, services)
        var text = screen(draw(state).lines)
        XCTAssertTrue(text.contains("Verifying… 4 of 6 events checked (2 s)"), text)
        XCTAssertTrue(draw(state).lines[Self.small.rows - 2].contains("verifying…"))
        press(&state, services, .character("v"))
        XCTAssertEqual(state.message, "a verification is already running")
        // The result lands.
        pump(&state, commands, services)
        text = screen(draw(state).lines)
        XCTAssertNil(state.screens.audit.verifyingSince)
        XCTAssertTrue(text.contains("The record holds: 6 events checked"), text)
        XCTAssertEqual(ConsoleApp.update(&state, .tick(now.addingTimeInterval(3))).count { if case .perform(.screen(.auditProgress)) = $0 { true } else { false } }, 0)
    }

    func testTheAuditScreenInChineseAt80x24AndBothLanguagesAt200x60() throws {
        let desk = try makeDesk()
        for (language, size) in [(Language.zh, Self.small), (.zh, Self.large), (.en, Self.large)] {
            var (state, services) = open(desk, as: auditor, language: language, size: size)
            press(&state, services, .function(4))
            press(&state, services, .function(5))
            type(&state, services, "INC-000001")
            press(&state, services, .enter)
            let lines = draw(state).lines
            assertFits(lines, size)
            let text = screen(lines)
            let head = try XCTUnwrap(state.screens.audit.overview?.head)
            if language == .zh {
                XCTAssertTrue(lines[0].contains(" 审计 "), lines[0])
                XCTAssertTrue(text.contains("哈希链  6 条事件记录 · 链头事件 #\(head.lastID)"), text)
                XCTAssertTrue(text.contains("最近核验 2026-11-29 10:00:00，核验人 钱玉 (qian.yu)"), text)
                XCTAssertTrue(text.contains("记录完好：已核对 6 条"), text)
                XCTAssertTrue(text.contains("张伟 (zhang.wei)  local  登记"), text)
                XCTAssertTrue(lines[size.rows - 1].contains("F4核验") && lines[size.rows - 1].contains("F5事件记录"), lines[size.rows - 1])
            } else {
                XCTAssertTrue(text.contains("Last verified 2026-11-29 10:00:00 by 钱玉 (qian.yu)"), text)
                XCTAssertTrue(text.contains("What a verification checks"), "the wide screen explains the walk: \(text)")
            }
            if size == Self.large {
                // The overview on the left, the whole history on the right, at once.
                let chainRow = try XCTUnwrap(lines.firstIndex { $0.contains("SHA-256 \(head.hex)") })
                XCTAssertLessThan(chainRow, 6)
                XCTAssertTrue(text.contains("tier: desk → l1"), "the whole history fits at 200x60: \(text)")
                let historyTitle = try XCTUnwrap(lines.first { $0.contains("INC-000001 · 打印机卡纸") })
                XCTAssertGreaterThan(try XCTUnwrap(historyTitle.range(of: "INC-000001")).lowerBound.utf16Offset(in: historyTitle), 60)
            }
        }
    }

    func testHostileTextFromTheDatabaseIsNeutralised() throws {
        let desk = try makeDesk()
        var (state, services) = open(desk, as: auditor, language: .en, size: Self.large)
        press(&state, services, .character("i"))
        type(&state, services, "3")
        press(&state, services, .enter)
        let terminal = draw(state)
        let text = screen(terminal.lines)
        XCTAssertTrue(text.contains("Imported ␛[2J title"), text)
        XCTAssertTrue(text.contains("bad ␛]0;pwned␇ note"), text)
        XCTAssertFalse(terminal.writtenText.contains("\u{1b}]0;"))
        XCTAssertFalse(terminal.writtenText.contains("\u{07}"))
    }

    func testABrokenRecordIsShownWithItsFirstBreak() throws {
        let desk = try makeDesk()
        let found = ChainBreak.edited(event: 2, ticket: TicketID(1))
        // As `audit verify` records a break.
        let broken = JSONValue.object([("at", .instant(now)), ("by", "sun.li"), ("result", "broken"), ("checked", 1), ("break", .string(found.kind)),
                                       ("event", 2), ("message", .string(found.message(.en))), ("message_zh", .string(found.message(.zh)))])
        try Blocking.run { try await desk.store.setSetting(AuditVerifier.lastVerificationKey, to: broken.serialized()) }
        for (language, size) in [(Language.en, Self.small), (.zh, Self.large)] {
            let (state, _) = open(desk, as: im, language: language, size: size)
            XCTAssertEqual(state.queue, .im, "the incident manager opens on their queue")
            var audit = state
            audit.queue = .audit
            pump(&audit, ConsoleScreens.enter(&audit), services(desk, as: im, language: language))
            let lines = draw(audit).lines
            assertFits(lines, size)
            let text = screen(lines)
            if language == .en {
                XCTAssertTrue(text.contains("by 孙丽 (sun.li)"), text)
                XCTAssertTrue(text.contains("DOES NOT HOLD: event 2 (INC-000001) was edited"), text)
            } else {
                XCTAssertTrue(text.contains("未通过："), text)
                XCTAssertTrue(text.contains("第一个断点"), text)
                XCTAssertTrue(text.contains(found.message(.zh).prefix(8)), text)
            }
        }
    }

    // MARK: Who sees it, and the keys

    func testTheAuditScreenIsForTheAuditorTheIncidentManagerAndTheOwner() {
        XCTAssertEqual(QueueKind.home(of: .auditor), .audit)
        XCTAssertEqual(QueueKind.home(of: .problemManager), .problems)
        XCTAssertEqual(QueueKind.home(of: .owner), .supervisor)
        for role in Role.allCases {
            let visible = QueueKind.visible(to: role)
            XCTAssertEqual(visible.first, QueueKind.home(of: role))
            XCTAssertEqual(Set(visible).count, visible.count, "\(role): each queue once")
            XCTAssertEqual(visible.contains(.audit), [.auditor, .im, .owner].contains(role), "\(role)")
        }
        var state = ConsoleState(me: deskAgent, language: .en, timeZone: zone, now: now)
        _ = ConsoleApp.update(&state, .key(KeyEvent(.character(":"))))
        for character in "queue audit" { _ = ConsoleApp.update(&state, .key(KeyEvent(.character(character)))) }
        _ = ConsoleApp.update(&state, .key(KeyEvent(.enter)))
        XCTAssertEqual(state.queue, .desk)
        XCTAssertTrue(state.message?.contains("internal auditor, the incident manager and the owner") == true, state.message ?? "")
    }

    func testEveryActionKeyIsRefusedToTheAuditorWithTheRule() throws {
        let desk = try makeDesk()
        var (state, services) = open(desk, as: auditor, language: .en, size: Self.small)
        let actionKeys: [Key] = [.character("t"), .character("e"), .character("r"), .character("c"), .character("n"), .character("P"),
                                 .character("p"), .character("u"), .character("o"), .character("S"), .character("K"), .character("R"),
                                 .character("N"), .function(2), .function(6), .function(7), .function(8), .function(9)]
        // On the audit screen itself…
        for key in actionKeys {
            state.message = nil
            press(&state, services, key)
            guard case .browse = state.mode else { return XCTFail("\(key) opened something") }
            XCTAssertTrue(state.message?.hasSuffix("[auditor.read-only]") == true, "\(key): \(state.message ?? "nothing said")")
            XCTAssertTrue(state.messageIsError)
        }
        // … and on a queue and an incident's detail, before any form opens.
        press(&state, services, .tab)
        XCTAssertEqual(state.queue, .desk)
        for key in actionKeys {
            state.message = nil
            press(&state, services, key)
            guard case .browse = state.mode else { return XCTFail("\(key) opened something on the queue") }
            XCTAssertTrue(state.message?.contains("[auditor.read-only]") == true, "\(key): \(state.message ?? "nothing said")")
        }
        press(&state, services, .enter)
        guard case .detail = state.mode else { return XCTFail("the auditor reads an incident's detail") }
        press(&state, services, .character("n"))
        XCTAssertTrue(state.message?.contains("the internal auditor may not add a note: reads everything, changes nothing") == true, state.message ?? "")
        if case .form = state.mode { XCTFail("no note form for the auditor") }
        // The handover screen reads, but submitting and acknowledging are refused.
        press(&state, services, .escape, .character("H"))
        guard case .handover = state.mode else { return XCTFail("the handover screen opens to read") }
        press(&state, services, .character("S"))
        if case .form = state.mode { XCTFail("no submit form for the auditor") }
        XCTAssertTrue(state.message?.contains("[auditor.read-only]") == true, state.message ?? "")
        // Nothing was written by all of that.
        let events = try Blocking.run { try await desk.store.lastEventID() }
        XCTAssertEqual(events, 6)
    }

    func testTheProblemManagerAndTheOwnerAreToldTheyAddNotesOnly() throws {
        let desk = try makeDesk()
        for person in [problemManager, owner] {
            var (state, services) = open(desk, as: person, language: .en, size: Self.small)
            if state.queue != .desk {
                press(&state, services, .character(":"))
                type(&state, services, "queue desk")
                press(&state, services, .enter)
            }
            press(&state, services, .character("t"))
            XCTAssertTrue(state.message?.hasSuffix("[role.notes-only]") == true, "\(person.role): \(state.message ?? "")")
            press(&state, services, .character("n"))
            guard case .form = state.mode else { return XCTFail("\(person.role) writes a note") }
            type(&state, services, "looked at it")
            press(&state, services, .enter)
            XCTAssertTrue(state.message?.contains("note") == true, state.message ?? "")
            press(&state, services, .character("R"))
            if person.role == .owner {
                XCTAssertTrue(state.message?.hasSuffix("[problem.role]") == true, state.message ?? "")
            } else {
                guard case .form = state.mode else { return XCTFail("the problem manager raises a problem") }
                press(&state, services, .escape)
            }
        }
    }
}

/// A refusal cut to a narrow status line keeps the rule it names.
final class StatusLineRuleTests: XCTestCase {
    func testTheRuleSurvivesTheCut() {
        let message = "INC-000001: the internal auditor may not take it: reads everything, changes nothing, whatever the ticket [auditor.read-only] "
        let fitted = StatusLine.fit(message, toWidth: 80, ellipsis: "…")
        XCTAssertTrue(fitted.hasSuffix(" [auditor.read-only]"), fitted)
        XCTAssertLessThanOrEqual(DisplayWidth.width(of: fitted), 80)
        XCTAssertTrue(fitted.hasPrefix("INC-000001: the internal auditor"), fitted)
        XCTAssertEqual(StatusLine.fit("short [x.y] ", toWidth: 80, ellipsis: "…"), "short [x.y] ")
        XCTAssertEqual(StatusLine.fit("no rule here, just a long line of text", toWidth: 20, ellipsis: "…"), "no rule here, just …")
        var canvas = Canvas(size: TerminalSize(columns: 80, rows: 1))
        StatusLine.draw(left: " Desk: 3", right: message, in: canvas.bounds, canvas: &canvas)
        XCTAssertTrue(canvas.lines[0].hasSuffix("[auditor.read-only]"), canvas.lines[0])
    }
}
