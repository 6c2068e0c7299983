import Foundation
import ShiftDeskCore
import XCTest
@testable import ShiftDeskTUI

/// The supervisor's view, the weekly review and the report screen drawn through the virtual
/// terminal, in Chinese and English, at 80x24 and 200x60.
final class ReviewScreensTests: XCTestCase {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static func local(_ text: String) -> Date { ISO8601.parse(text, defaultZone: zone) ?? .distantPast }
    let now = ReviewScreensTests.local("2026-11-28T15:00")
    let im = Operator(login: "sun.li", name: "孙丽", role: .im, shift: .day)
    let supervisor = Operator(login: "zhou.min", name: "周敏", role: .supervisor, shift: .day)
    let desk = Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day)
    let l1 = Operator(login: "wang.fang", name: "王芳", role: .l1, shift: .day)

    func ticket(_ n: Int64, _ title: String, hoursAgo: Double, service: String = "Printing", priority: Priority = .general,
                tier: Tier = .desk, assignee: String? = nil, problem: ProblemID? = nil) -> Ticket {
        Ticket(id: TicketID(n), title: title, caller: Caller(name: "王小明"), channel: .phone, priority: priority, category: "硬件",
               affectedService: service, tier: tier, assignee: assignee, openedAt: now.addingTimeInterval(-hoursAgo * 3600), problem: problem)
    }

    var weekTickets: [Ticket] {
        [ticket(1, "打印机卡纸", hoursAgo: 50), ticket(2, "三楼打印机卡纸", hoursAgo: 30, tier: .l1, assignee: "wang.fang"),
         ticket(3, "打印机又卡纸了", hoursAgo: 5, priority: .major), ticket(4, "VPN connection drops every 10 minutes", hoursAgo: 4, service: "VPN"),
         ticket(5, "VPN connection drops again", hoursAgo: 3, service: "VPN"), ticket(6, "VPN connection drops at night", hoursAgo: 2, service: "VPN"),
         ticket(7, "Old one", hoursAgo: 24 * 10, service: "Mail")]
    }

    func state(_ me: Operator, _ language: Language, queue: QueueKind, size: TerminalSize) -> ConsoleState {
        var state = ConsoleState(me: me, language: language, timeZone: Self.zone, now: now)
        state.queue = queue
        state.size = size
        state.coverage = .everything(revision: 0)
        return state
    }

    func draw(_ state: ConsoleState, glyphs: GlyphSet = .unicode) -> [String] {
        let terminal = VirtualTerminal(size: state.size)
        var canvas = Canvas(size: state.size, glyphs: glyphs)
        ConsoleApp.render(state, &canvas, RenderContext(size: state.size, theme: .builtinDefault, colorMode: .color256, now: now))
        terminal.present(canvas)
        return terminal.lines
    }

    func assertFits(_ lines: [String], _ size: TerminalSize, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(lines.count, size.rows, file: file, line: line)
        for (index, text) in lines.enumerated() {
            XCTAssertEqual(DisplayWidth.width(of: text), size.columns, "row \(index) is the screen's width: \(text)", file: file, line: line)
        }
    }

    func column(of needle: String, in line: String) -> Int? {
        line.range(of: needle).map { DisplayWidth.width(of: line[..<$0.lowerBound]) }
    }

    // MARK: Weekly review

    func reviewState(_ language: Language, size: TerminalSize) throws -> ConsoleState {
        var state = state(im, language, queue: .review, size: size)
        _ = ConsoleScreens.enter(&state)
        let week = try XCTUnwrap(state.screens.review.week)
        XCTAssertEqual(week.label, "2026-W48")
        _ = ConsoleApp.update(&state, .result(.screen(.review(.success(WeeklyReview(week: week, tickets: weekTickets, events: []))))))
        return state
    }

    func testWeeklyReviewListsTheClustersInChineseAt80x24() throws {
        let size = TerminalSize(columns: 80, rows: 24)
        let lines = draw(try reviewState(.zh, size: size))
        assertFits(lines, size)
        XCTAssertTrue(lines[0].contains("周回顾") && lines[0].contains("报告"), lines[0])
        XCTAssertTrue(lines[1].contains("2026-W48") && lines[1].contains("本周 6 起"), lines[1])
        XCTAssertTrue(lines[2].contains("重复发生 2") && lines[2].contains("趋势"), lines[2])
        let printing = try XCTUnwrap(lines.first { $0.contains("打印机卡纸") && $0.contains("Printing") })
        let vpn = try XCTUnwrap(lines.first { $0.contains("VPN connection") })
        XCTAssertTrue(printing.contains("未跟踪：按 R"))
        // CJK and Latin rows line up column by column.
        XCTAssertEqual(column(of: "Printing", in: printing), column(of: "VPN /", in: vpn))
        XCTAssertEqual(column(of: "未跟踪", in: printing), column(of: "未跟踪", in: vpn))
    }

    func testWeeklyReviewAt200x60ShowsTheTrendBesideTheSections() throws {
        let size = TerminalSize(columns: 200, rows: 60)
        let lines = draw(try reviewState(.en, size: size))
        assertFits(lines, size)
        XCTAssertTrue(lines[2].contains("Trend 6") && lines[2].contains("Recurring 2"), lines[2])
        let major = try XCTUnwrap(lines.first { $0.contains("priority") && $0.contains("major") })
        XCTAssertTrue(major.contains("untracked: R"), "the first cluster row sits beside the first trend row: \(major)")
        XCTAssertTrue(lines.contains { $0.contains("Printing") && $0.contains("1") })
    }

    func testOneKeyRaisesTheClustersProblemAndTheClusterShowsIt() throws {
        var state = try reviewState(.en, size: TerminalSize(columns: 100, rows: 30))
        let commands = ConsoleApp.update(&state, .key(KeyEvent(.character("R"))))
        guard case let .perform(.screen(.raiseProblem(title, incidents, week)))? = commands.first else {
            return XCTFail("R raises the problem: \(commands)")
        }
        XCTAssertEqual(incidents.map(\.number), [1, 2, 3], "two clusters of three: the one whose first incident is oldest first")
        XCTAssertTrue(title.hasPrefix("Recurring: 打印机卡纸 (3 incidents in 2026-W48)"), title)
        let problem = Problem(id: ProblemID(3), title: title, raisedBy: im.login, raisedAt: now)
        let after = ConsoleApp.update(&state, .result(.screen(.raised(.success(problem), week: week))))
        XCTAssertTrue(after.contains { if case .perform(.screen(.loadReview)) = $0 { true } else { false } })
        let linked = weekTickets.map { t -> Ticket in var t = t; if [1, 2, 3].contains(t.id.number) { t.problem = ProblemID(3) }; return t }
        _ = ConsoleApp.update(&state, .result(.screen(.review(.success(WeeklyReview(week: week, tickets: linked, events: [], problems: [problem]))))))
        let lines = draw(state)
        XCTAssertTrue(lines.contains { $0.contains("打印机卡纸") && $0.contains("PRB-000003 new") }, lines.joined(separator: "\n"))
        XCTAssertTrue(state.message?.contains("PRB-000003") ?? false)
        // Pressed again, it is already tracked.
        XCTAssertTrue(ConsoleApp.update(&state, .key(KeyEvent(.character("R")))).isEmpty)
        XCTAssertTrue(state.message?.contains("already tracked by PRB-000003") ?? false, state.message ?? "")
    }

    func testPreviousAndNextWeekAndTheClustersIncidents() throws {
        var state = try reviewState(.en, size: TerminalSize(columns: 80, rows: 24))
        XCTAssertTrue(ConsoleApp.update(&state, .key(KeyEvent(.character("]")))).isEmpty, "no week after the current one")
        let back = ConsoleApp.update(&state, .key(KeyEvent(.character("["))))
        XCTAssertEqual(state.screens.review.week?.label, "2026-W47")
        guard case .perform(.screen(.loadReview))? = back.first else { return XCTFail("\(back)") }
        state = try reviewState(.en, size: TerminalSize(columns: 80, rows: 24))
        _ = ConsoleApp.update(&state, .key(KeyEvent(.enter)))
        let lines = draw(state)
        XCTAssertTrue(lines.contains { $0.hasPrefix("INC-000002") && $0.contains("三楼打印机卡纸") }, lines.joined(separator: "\n"))
        let open = ConsoleApp.update(&state, .key(KeyEvent(.enter)))
        guard case .perform(.loadDetail(TicketID(1)))? = open.first else { return XCTFail("\(open)") }
    }

    // MARK: Supervisor

    func supervisorState(_ language: Language, size: TerminalSize) -> ConsoleState {
        var state = state(supervisor, language, queue: .supervisor, size: size)
        let open = [ticket(1, "打印机卡纸", hoursAgo: 3, priority: .major), ticket(2, "VPN 断线", hoursAgo: 2, tier: .l1, assignee: "wang.fang"),
                    ticket(3, "Mail relay down", hoursAgo: 1, tier: .l1, assignee: "wang.fang")]
        let policy = SLAPolicy.dutyTable(timeZone: Self.zone)
        let entries = open.map { ticket in
            var planned = ticket
            planned.plan = TicketSLA(ticket: ticket, events: [], policy: policy, fired: [], now: now).ticketPlan
            return QueueEntry(ticket: planned)
        }
        _ = ConsoleApp.update(&state, .result(.loaded(ConsoleSnapshot(entries: entries, calls: [], handovers: nil))))
        var events: [TicketEvent] = []
        for hour in 0..<20 {
            for _ in 0..<(hour % 5) {
                events.append(TicketEvent(ticket: TicketID(1), actor: desk.login, at: now.addingTimeInterval(Double(-hour) * 3600), kind: .opened, changes: []))
            }
        }
        events.append(TicketEvent(ticket: TicketID(2), actor: l1.login, at: now.addingTimeInterval(-1800), kind: .taken, changes: []))
        events.append(TicketEvent(ticket: TicketID(9), actor: l1.login, at: now.addingTimeInterval(-900), kind: .resolved, changes: []))
        let schedule = ShiftSchedule.standard(timeZone: Self.zone)
        let night = schedule.previous(before: schedule.occurrence(at: now))
        let handover = Handover(id: 4, from: night, to: schedule.occurrence(at: now), preparedBy: "li.na", preparedAt: night.end.addingTimeInterval(-600),
                                note: "", items: [HandoverItem(ticket: TicketID(2), note: "等客户回电")])
        let data = SupervisorData.make(now: now, schedule: schedule, operators: [desk, l1, supervisor, Operator(login: "li.na", name: "李娜", role: .desk, shift: .night)],
                                       held: SupervisorData.held(in: entries), activity: events.map(\.activity), handovers: [handover])
        _ = ConsoleApp.update(&state, .result(.screen(.supervisor(data))))
        return state
    }

    func testOperatorsOffTheShiftAreListedOnlyWhileTheyHoldIncidentsAndAfterTheShift() throws {
        let zone = Self.zone
        let schedule = ShiftSchedule.standard(timeZone: zone)
        let now = try XCTUnwrap(ISO8601.parse("2026-11-29T10:00:00", defaultZone: zone))
        let day = Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day)
        let nightHolding = Operator(login: "li.na", name: "李娜", role: .desk, shift: .night)
        let nightIdle = Operator(login: "zhou.qi", name: "周琪", role: .l1, shift: .night)
        var held = Ticket(id: TicketID(7), title: "t", caller: Caller(name: "c"), channel: .phone, priority: .general, state: .inProgress,
                          openedAt: now.addingTimeInterval(-7200))
        held.assignee = nightHolding.login
        let data = SupervisorData.make(now: now, schedule: schedule, operators: [nightHolding, nightIdle, day],
                                       held: SupervisorData.held(in: [QueueEntry(ticket: held)]), activity: [], handovers: [])
        XCTAssertEqual(data.operators.map(\.person.login), ["zhang.wei", "li.na"])
        XCTAssertEqual(data.operators.map(\.onShift), [true, false])
        XCTAssertEqual(data.operators.last?.held, 1)
    }

    func supervisorLoads(_ commands: [AppCommand<ConsoleEffect>]) -> Int {
        commands.filter { if case .performInBackground(.screen(.loadSupervisor)) = $0 { true } else { false } }.count
    }

    /// At 100k open a supervisor load takes longer than a key may wait: it runs on a thread of its
    /// own, one at a time, and one asked for meanwhile follows when that one lands.
    func testOneSupervisorLoadAtATimeAndTheOneAskedForMeanwhileFollows() throws {
        var state = supervisorState(.en, size: TerminalSize(columns: 120, rows: 30))
        let data = try XCTUnwrap(state.screens.supervisor.data)
        let sent = ConsoleApp.update(&state, .externalChange)
        XCTAssertEqual(supervisorLoads(sent), 1)
        XCTAssertTrue(state.screens.supervisor.loading)
        let held = sent.compactMap { command -> [String: Int]?? in
            if case let .performInBackground(.screen(.loadSupervisor(held))) = command { held } else { nil }
        }
        XCTAssertEqual(held, [["wang.fang": 2]], "the load sent carries the holders counted from the rows")
        XCTAssertEqual(supervisorLoads(ConsoleApp.update(&state, .externalChange)), 0, "not beside the one running")
        XCTAssertEqual(supervisorLoads(ConsoleApp.update(&state, .externalChange)), 0)
        XCTAssertEqual(supervisorLoads(ConsoleApp.update(&state, .result(.screen(.supervisor(data))))), 1, "the one asked for meanwhile")
        XCTAssertEqual(supervisorLoads(ConsoleApp.update(&state, .result(.screen(.supervisor(data))))), 0)
        XCTAssertFalse(state.screens.supervisor.loading)
        // A load that failed is no longer waited for.
        XCTAssertEqual(supervisorLoads(ConsoleApp.update(&state, .externalChange)), 1)
        _ = ConsoleApp.update(&state, .result(.failed("database error")))
        XCTAssertEqual(supervisorLoads(ConsoleApp.update(&state, .externalChange)), 1)
    }

    /// The load view holds holders' counts from the console's rows: until every row is loaded its
    /// numbers would be a part of the desk, so none are shown.
    func testTheLoadTableShowsNoNumbersUntilTheDeskIsLoaded() throws {
        var empty = state(supervisor, .en, queue: .supervisor, size: TerminalSize(columns: 120, rows: 30))
        empty.coverage = .nothing
        let waiting = draw(empty)
        let deskRow = try XCTUnwrap(waiting.first { $0.hasPrefix("Desk ") }, waiting.joined(separator: "\n"))
        XCTAssertTrue(deskRow.contains("…") && !deskRow.contains(" 0 "), deskRow)
        let loaded = draw(supervisorState(.en, size: TerminalSize(columns: 120, rows: 30)))
        let l1Row = try XCTUnwrap(loaded.first { $0.hasPrefix("L1 ") }, loaded.joined(separator: "\n"))
        XCTAssertEqual(l1Row.split(separator: " ").dropFirst().prefix(2), ["2", "0"], "two open in L1, no major: \(l1Row)")
    }

    func testSupervisorViewAt80x24InChineseAndEnglish() throws {
        let size = TerminalSize(columns: 80, rows: 24)
        for language in [Language.zh, .en] {
            let lines = draw(supervisorState(language, size: size))
            assertFits(lines, size)
            let text = lines.joined(separator: "\n")
            XCTAssertTrue(text.contains(language == .zh ? "每小时新增" : "Arrivals/h"), text)
            XCTAssertTrue(text.contains(language == .zh ? "王芳" : "王芳"), text)
            XCTAssertTrue(text.contains("#4") && text.contains("INC-000002"), "the pending handover item: \(text)")
            XCTAssertTrue(text.contains("▁") || text.contains("█"), "sparklines")
            let l1Row = try XCTUnwrap(lines.first { $0.contains("王芳") })
            XCTAssertTrue(l1Row.contains("2"), "holds two: \(l1Row)")
        }
    }

    func testSupervisorViewAt200x60DrawsBarCharts() {
        let size = TerminalSize(columns: 200, rows: 60)
        let lines = draw(supervisorState(.zh, size: size))
        assertFits(lines, size)
        let text = lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("近 24 小时每小时新增") && text.contains("近 24 小时每小时解决"), text)
        XCTAssertGreaterThan(lines.filter { $0.contains("█") }.count, 3, "vertical bars several rows high")
    }

    func testTheAsciiThemeDrawsChartsInAscii() {
        let lines = draw(supervisorState(.en, size: TerminalSize(columns: 80, rows: 24)), glyphs: .ascii)
        let text = lines.joined(separator: "\n")
        XCTAssertFalse(text.unicodeScalars.contains { (0x2580...0x259F).contains($0.value) }, text)
        XCTAssertTrue(text.contains("#"), text)
    }

    func testEnterOnABreachedOrHeldNumberOpensThatQueueFiltered() {
        var state = supervisorState(.en, size: TerminalSize(columns: 80, rows: 24))
        // Desk row, "major" column.
        _ = ConsoleApp.update(&state, .key(KeyEvent(.right)))
        XCTAssertEqual(state.screens.supervisor.column, 2)
        _ = ConsoleApp.update(&state, .key(KeyEvent(.enter)))
        XCTAssertEqual(state.queue, .desk)
        XCTAssertEqual(state.visibleEntries.map(\.ticket.id.number), [1])
        XCTAssertTrue(draw(state).contains { $0.contains("major: 1") && $0.contains("Esc: all") }, draw(state).joined(separator: "\n"))
        // Esc clears the drill-down.
        _ = ConsoleApp.update(&state, .key(KeyEvent(.escape)))
        XCTAssertEqual(state.visibleEntries.count, 3)
        // An operator's "held" number: the L1 queue, only what 王芳 holds.
        state = supervisorState(.en, size: TerminalSize(columns: 80, rows: 24))
        for _ in 0..<6 { _ = ConsoleApp.update(&state, .key(KeyEvent(.down))) }
        _ = ConsoleApp.update(&state, .key(KeyEvent(.enter)))
        XCTAssertEqual(state.queue, .l1)
        XCTAssertEqual(state.visibleEntries.map(\.ticket.id.number).sorted(), [2, 3])
    }

    // MARK: Reports

    func testTheReportScreenShowsTheRenderersFigures() throws {
        let period = try XCTUnwrap(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.zone))
        var events: [TicketEvent] = []
        var tickets: [Ticket] = []
        for n in 1...5 {
            var outcome = try Workflow.open(TicketDraft(title: "VPN 断线 \(n)", caller: Caller(name: "c")), id: TicketID(Int64(n)), by: desk,
                                            at: now.addingTimeInterval(Double(-n) * 86_400))
            outcome.event.id = Int64(n * 10)
            events.append(outcome.event)
            if n % 2 == 0 {
                outcome = try Workflow.apply(.resolve(note: "ok"), to: outcome.ticket, by: desk, at: now.addingTimeInterval(Double(-n) * 86_400 + 3600))
                outcome.event.id = Int64(n * 10 + 1)
                events.append(outcome.event)
            }
            tickets.append(outcome.ticket)
        }
        let report = KPIReport(period: period, input: ReportInput(tickets: tickets, events: events, operators: [desk, l1, im], handovers: [],
                                                                  policy: .dutyTable(timeZone: Self.zone), now: now))
        for (language, size) in [(Language.zh, TerminalSize(columns: 80, rows: 60)), (.en, TerminalSize(columns: 200, rows: 60))] {
            var state = state(im, language, queue: .reports, size: size)
            state.screens.reports.period = period
            _ = ConsoleApp.update(&state, .result(.screen(.report(.success(report)))))
            let lines = draw(state)
            assertFits(lines, size)
            let renderer = ReportRenderer(report: report, language: language)
            for section in renderer.sections {
                for kpi in section.kpis {
                    let value = renderer.format(report.figure(kpi, section.scope))
                    XCTAssertTrue(lines.contains { $0.contains(kpi.name(language)) && $0.hasSuffix(value) || $0.contains(kpi.name(language)) && $0.contains(value + " ") },
                                  "\(language) \(section.scope) \(kpi.rawValue) = \(value)")
                }
            }
        }
    }

    func testSavingTheReportAsksForAFormatAndAFile() throws {
        var state = state(im, .en, queue: .reports, size: TerminalSize(columns: 80, rows: 24))
        _ = ConsoleScreens.enter(&state)
        XCTAssertEqual(state.screens.reports.period?.label, "2026-11")
        _ = ConsoleApp.update(&state, .key(KeyEvent(.character("x"))))
        guard case let .form(form, _) = state.mode else { return XCTFail("a form") }
        XCTAssertEqual(form.value(of: "format"), "html")
        var commands: [AppCommand<ConsoleEffect>] = []
        for _ in 0..<3 { commands = ConsoleApp.update(&state, .key(KeyEvent(.enter))); if !commands.isEmpty { break } }
        guard case let .perform(.screen(.saveReport(period, format, path)))? = commands.first else { return XCTFail("\(commands)") }
        XCTAssertEqual(period.label, "2026-11")
        XCTAssertEqual(format, .html)
        XCTAssertEqual(path, "shiftdesk-report-2026-11.html")
        // w cycles week → month → quarter → year.
        _ = ConsoleApp.update(&state, .key(KeyEvent(.character("w"))))
        XCTAssertEqual(state.screens.reports.period?.label, "2026-Q4")
        _ = ConsoleApp.update(&state, .key(KeyEvent(.character("["))))
        XCTAssertEqual(state.screens.reports.period?.label, "2026-Q3")
    }
}

extension ConsoleState {
    /// What the current queue shows, in its order.
    var visibleEntries: [QueueEntry] { order.indices.map { entries[Int($0)] } }
}
