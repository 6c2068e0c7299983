import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// The console's queue as the update function keeps it: order, filter, membership over time,
/// and the handover screen drawn through the virtual terminal.
final class ConsoleQueueTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_795_917_600)  // 2026-11-29 10:00 +08:00
    let me = Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day)

    func entry(_ number: Int64, _ title: String, priority: Priority = .general, openedMinutesAgo: Double,
               state: TicketState = .inProgress, assignee: String? = "zhang.wei") -> QueueEntry {
        QueueEntry(ticket: ticket(number, title, priority: priority, openedMinutesAgo: openedMinutesAgo, state: state, assignee: assignee))
    }

    func ticket(_ number: Int64, _ title: String, priority: Priority = .general, openedMinutesAgo: Double,
                state: TicketState = .inProgress, assignee: String? = "zhang.wei") -> Ticket {
        var ticket = Ticket(id: TicketID(number), title: title, caller: Caller(name: "王小明"), channel: .phone, priority: priority,
                            state: state, assignee: assignee, owner: "zhang.wei", openedAt: t0.addingTimeInterval(-openedMinutesAgo * 60))
        ticket.firstResponseAt = ticket.openedAt  // taken on the phone
        if state == .resolved { ticket.resolvedAt = t0 }
        var events: [TicketEvent] = []
        if state == .pendingCustomer {
            events.append(TicketEvent(ticket: ticket.id, actor: "zhang.wei", at: t0.addingTimeInterval(-60), kind: .pended,
                                      changes: [FieldChange(field: "state", before: "in_progress", after: "pending_customer")]))
        }
        ticket.plan = TicketSLA(ticket: ticket, events: events, policy: .dutyTable, fired: [], now: t0).ticketPlan
        return ticket
    }

    func loaded(_ entries: [QueueEntry], queue: QueueKind = .desk, role: Role = .desk) -> ConsoleState {
        var state = ConsoleState(me: Operator(login: me.login, name: me.name, role: role, shift: .day), language: .en, timeZone: .gmt, now: t0)
        state.queue = queue
        _ = ConsoleApp.update(&state, .result(.loaded(ConsoleSnapshot(entries: entries, calls: [], handovers: nil))))
        return state
    }

    func ids(_ state: ConsoleState) -> [Int64] {
        let rows = ConsoleApp.rows(state)
        return (0..<rows.count).map { rows.id(at: $0) }
    }

    func testTheQueueIsSortedByUrgencyAndStaysSoAsTheClockRuns() {
        var state = loaded([
            entry(1, "waits on the caller", openedMinutesAgo: 10, state: .pendingCustomer),
            entry(2, "fixed, to close", openedMinutesAgo: 30, state: .resolved),
            entry(3, "general, opened 3 h ago", openedMinutesAgo: 180),
            entry(4, "minor, opened 5 min ago", priority: .minor, openedMinutesAgo: 5),
            entry(5, "major, just now", priority: .major, openedMinutesAgo: 0),
            entry(6, "general, 1 h ago", openedMinutesAgo: 60),
        ])
        // Nearest steps first: the general's first step was due an hour ago, the major's is due
        // now; then the general's in an hour, the minor's in four; resolved; waiting on the customer.
        let expected: [Int64] = [3, 5, 6, 4, 2, 1]
        XCTAssertEqual(ids(state), expected)
        for second in 1...5 {
            _ = ConsoleApp.update(&state, .tick(t0.addingTimeInterval(Double(second) * 900)))
            XCTAssertEqual(ids(state), expected, "the order does not move with the clock")
        }
        XCTAssertEqual(ConsoleApp.rows(state).row(at: 5).cells[6].text, "paused")
        XCTAssertEqual(ConsoleApp.rows(state).row(at: 4).cells[6].text, "to close")
    }

    func testTheFilterNarrowsAsYouTypeAndWidensOnBackspace() {
        var state = loaded([
            entry(1, "VPN drops every hour", openedMinutesAgo: 10),
            entry(2, "VPN 连接断开", openedMinutesAgo: 20),
            entry(3, "Printer jam", openedMinutesAgo: 30),
        ])
        for key in ["/", "v", "p", "n"] { _ = ConsoleApp.update(&state, .key(KeyEvent(.character(Character(key))))) }
        XCTAssertEqual(Set(ids(state)), [1, 2])
        _ = ConsoleApp.update(&state, .key(KeyEvent(.character(" "))))
        _ = ConsoleApp.update(&state, .key(KeyEvent(.character("连"))))
        XCTAssertEqual(ids(state), [2])
        _ = ConsoleApp.update(&state, .key(KeyEvent(.backspace)))
        _ = ConsoleApp.update(&state, .key(KeyEvent(.backspace)))
        XCTAssertEqual(Set(ids(state)), [1, 2])
        _ = ConsoleApp.update(&state, .key(KeyEvent(.escape)))
        XCTAssertEqual(ids(state).count, 3)
        // The state label is found in either language.
        for key in ["/", "处", "理"] { _ = ConsoleApp.update(&state, .key(KeyEvent(.character(Character(key))))) }
        XCTAssertEqual(ids(state).count, 3)
    }

    func testAnIncidentCrossingItsDeadlineJoinsTheIncidentManagersQueueWithoutAReload() throws {
        var ticket = ticket(1, "general, by mail, about to breach", openedMinutesAgo: 0)
        ticket.firstResponseAt = nil
        let late = QueueEntry(ticket: ticket)
        // Not responded to: the response deadline comes first, and is when it breaches.
        let deadline = try XCTUnwrap(ticket.respondBy)
        XCTAssertLessThan(deadline, try XCTUnwrap(ticket.resolveBy))
        XCTAssertEqual(late.ticket.breachAt, deadline)
        var state = loaded([late, entry(2, "major", priority: .major, openedMinutesAgo: 0)], queue: .im, role: .im)
        XCTAssertEqual(ids(state), [2])
        _ = ConsoleApp.update(&state, .tick(deadline.addingTimeInterval(-1)))
        XCTAssertEqual(ids(state), [2])
        _ = ConsoleApp.update(&state, .tick(deadline))
        XCTAssertEqual(ids(state), [2], "at the deadline, not yet past it")
        _ = ConsoleApp.update(&state, .tick(deadline.addingTimeInterval(1)))
        XCTAssertEqual(Set(ids(state)), [1, 2])
        XCTAssertEqual(ConsoleApp.rows(state).row(at: ids(state).firstIndex(of: 1) ?? 0).cells[6].role, .breached)
    }

    func testSelectionFollowsTheIncidentWhenTheQueueReorders() {
        var state = loaded([entry(1, "a", openedMinutesAgo: 10), entry(2, "b", openedMinutesAgo: 20)])
        _ = ConsoleApp.update(&state, .key(KeyEvent(.down)))
        XCTAssertEqual(state.table.selectedID, 1)
        // Another seat logs a more urgent one: the selection stays on INC-000001.
        _ = ConsoleApp.update(&state, .result(.loaded(ConsoleSnapshot(entries: [entry(1, "a", openedMinutesAgo: 10), entry(2, "b", openedMinutesAgo: 20),
                                                                              entry(3, "c", priority: .major, openedMinutesAgo: 0)],
                                                                    calls: [], handovers: nil))))
        XCTAssertEqual(ids(state), [3, 2, 1])
        XCTAssertEqual(state.table.selectedID, 1)
        XCTAssertEqual(state.table.selectedIndex, 2)
    }

    /// Merging other seats' writes moves only the touched entries; the order must stay exactly
    /// the one a whole load would give, for every queue and sort.
    func testMergedWritesLeaveTheSameOrderAsAWholeLoad() {
        var random = SeededRandom(seed: 5)
        let demo = DemoDesk(now: t0, tickets: 300, seed: 3)
        let tickets = demo.tickets.map { history in
            var ticket = history.ticket
            ticket.plan = TicketSLA(ticket: ticket, events: history.events, policy: .dutyTable, fired: [], now: t0).ticketPlan
            return ticket
        }
        let entries = tickets.map(QueueEntry.init)
        for (queue, sort) in [(QueueKind.desk, nil), (.im, nil), (.l1, TableSort(column: 2, ascending: false)), (.desk, TableSort(column: 0))] {
            var state = loaded(entries, queue: queue, role: queue == .im ? .im : .desk)
            state.table.sort = sort
            var next = Int64(10_000)
            // The queue holds rows; the whole tickets they were made from, as other seats change them.
            var whole = Dictionary(tickets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for round in 0..<30 {
                var changed: [QueueEntry] = []
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    let picked = state.entries[Int(random.next() % UInt64(state.entries.count))].ticket.id
                    guard var ticket = whole[picked] else { return XCTFail("\(picked) was never loaded") }
                    switch random.next() % 5 {
                    case 0: ticket.state = .closed
                    case 1: ticket.priority = [.major, .general, .minor][Int(random.next() % 3)]
                    case 2: ticket.plan.escalationDueAt = t0.addingTimeInterval(Double(random.next() % 20_000) - 10_000)
                    case 3: ticket.tier = [.desk, .l1, .l2, .vendor][Int(random.next() % 4)]
                    default:
                        ticket.id = TicketID(next)
                        ticket.title = "new \(next)"
                        next += 1
                    }
                    whole[ticket.id] = ticket
                    changed.append(QueueEntry(ticket: ticket))
                }
                let snapshot = ConsoleSnapshot(.changed(changed, revision: Int64(round + 1)), calls: [], handovers: nil)
                _ = ConsoleApp.update(&state, .result(.loaded(snapshot)))
                var reloaded = loaded(state.entries.filter { $0.ticket.state != .closed }, queue: queue, role: state.me.role)
                reloaded.table.sort = sort
                _ = ConsoleApp.update(&reloaded, .tick(t0))
                XCTAssertEqual(ids(state), ids(reloaded), "\(queue) sorted by \(String(describing: sort)), round \(round)")
            }
        }
    }
}

final class QueueFilterSearchTests: XCTestCase {
    func found(_ needle: String, in text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { text in Array(needle.utf8).withUnsafeBytes { QueueOrder.contains(text, $0) } }
    }

    func testByteSearchFindsWhatStringContainsFinds() {
        let texts = ["", "a", "abc", "vpn 连接断开", "xxabcxabd", "printer jam", "ababab", "打印机卡纸"]
        let needles = ["", "a", "c", "abd", "ababa", "连接", "断开", "jam", "打印机卡纸x", "卡", "zz", "b"]
        for text in texts {
            for needle in needles {
                XCTAssertEqual(found(needle, in: text), needle.isEmpty || text.contains(needle), "\(needle) in \(text)")
            }
        }
    }
}

/// The handover screen drawn through the virtual terminal, in both languages, at 80x24.
final class HandoverScreenSnapshotTests: XCTestCase {
    let zone = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    func at(_ text: String) -> Date { ISO8601.parse(text, defaultZone: zone) ?? .distantPast }

    func screen(_ language: Language, tab: HandoverScreen.Tab) -> [String] {
        let schedule = ShiftSchedule.standard(timeZone: zone)
        let day = schedule.occurrence(at: at("2026-11-29T12:00"))
        let night = schedule.next(after: day)
        func ticket(_ n: Int64, _ title: String, _ priority: Priority) -> Ticket {
            Ticket(id: TicketID(n), title: title, caller: Caller(name: "王小明"), channel: .phone, priority: priority,
                   state: .inProgress, assignee: "day1", openedAt: at("2026-11-29T15:00"))
        }
        let tickets = [ticket(1, "打印机卡纸 Printer jam", .general), ticket(2, "VPN 每小时断线", .major)]
        var draft = HandoverDraft(from: day, to: night, proposed: tickets.map {
            HandoverProposalItem(ticket: $0, reasons: [.unfinished], deadline: at("2026-11-29T23:00"))
        }, note: { _ in "处理中，服务台，day1" })
        draft.note = "打印机厂商明早到场"
        var handover = draft.handover(preparedBy: "day1", at: at("2026-11-29T20:10"))
        handover.id = 1
        handover.items[0].acknowledgedBy = "night1"
        handover.items[0].acknowledgedAt = at("2026-11-29T20:35")
        var state = ConsoleState(me: Operator(login: "night1", name: "李娜", role: .desk, shift: .night), language: language,
                                 timeZone: zone, now: at("2026-11-29T20:40"))
        state.size = TerminalSize(columns: 80, rows: 24)
        _ = ConsoleApp.update(&state, .result(.loaded(ConsoleSnapshot(
            entries: tickets.map(QueueEntry.init), calls: [],
            handovers: HandoverOverview(shift: night, ended: day, recent: [handover], now: state.now)))))
        state.handover.draft = draft
        state.handover.history = [handover]
        state.handover.tab = tab
        state.mode = .handover
        let terminal = VirtualTerminal(size: state.size)
        var canvas = Canvas(size: state.size)
        ConsoleApp.render(state, &canvas, RenderContext(size: state.size, theme: .builtinDefault, colorMode: .color256, now: state.now))
        terminal.present(canvas)
        return terminal.lines
    }

    func testEveryTabFitsAndLinesUpInBothLanguages() {
        for language in [Language.zh, .en] {
            for tab in HandoverScreen.Tab.allCases {
                let lines = screen(language, tab: tab)
                XCTAssertEqual(lines.count, 24)
                for line in lines { XCTAssertEqual(DisplayWidth.width(of: line), 80, "\(language) \(tab): \(line)") }
                let text = lines.joined(separator: "\n")
                switch tab {
                case .prepare:
                    XCTAssertTrue(text.contains("[x] INC-000001") && text.contains("[x] INC-000002"), text)
                    XCTAssertTrue(text.contains("打印机厂商明早到场"), text)
                case .review:
                    XCTAssertTrue(text.contains("#1 day1") && text.contains("打印机厂商明早到场"), text)
                    XCTAssertTrue(text.contains(language == .zh ? "待确认 1 项" : "1 to acknowledge"), text)
                    // The two items' IDs start in the same column whatever the width of the text before them.
                    let starts = lines.compactMap { line in line.range(of: "INC-00000").map { DisplayWidth.width(of: line[..<$0.lowerBound]) } }
                    XCTAssertEqual(Set(starts.prefix(2)).count, 1, text)
                case .history:
                    XCTAssertTrue(text.contains("day1") && text.contains("1/2"), text)
                }
            }
        }
    }

    func testTheQueueMarksHandedOverIncidentsUntilAcknowledged() {
        var state = ConsoleState(me: Operator(login: "night1", name: "Li Na", role: .desk, shift: .night), language: .en, timeZone: zone,
                                 now: at("2026-11-29T20:40"))
        let schedule = ShiftSchedule.standard(timeZone: zone)
        let day = schedule.occurrence(at: at("2026-11-29T12:00"))
        let night = schedule.next(after: day)
        let handover = Handover(id: 7, from: day, to: night, preparedBy: "day1", preparedAt: at("2026-11-29T20:10"), note: "",
                                items: [HandoverItem(ticket: TicketID(1), note: "a"),
                                        HandoverItem(ticket: TicketID(2), note: "b", acknowledgedBy: "night1", acknowledgedAt: at("2026-11-29T20:35"))])
        let tickets = [Int64(1), 2].map { Ticket(id: TicketID($0), title: "t\($0)", caller: Caller(name: "c"), channel: .phone, priority: .general,
                                                  state: .inProgress, openedAt: at("2026-11-29T15:00")) }
        _ = ConsoleApp.update(&state, .result(.loaded(ConsoleSnapshot(entries: tickets.map(QueueEntry.init), calls: [],
                                                                      handovers: HandoverOverview(shift: night, ended: day, recent: [handover], now: state.now)))))
        let rows = ConsoleApp.rows(state)
        let ids = (0..<rows.count).map { rows.row(at: $0).cells[0].text }
        XCTAssertEqual(Set(ids), ["»INC-000001", " INC-000002"])
        XCTAssertTrue(ConsoleApp.banners(state).contains { $0.0.contains("1 handed-over incident(s) to acknowledge") })
    }

}
