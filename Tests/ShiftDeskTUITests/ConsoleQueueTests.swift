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
        return QueueEntry(ticket: ticket)
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
        var late = entry(1, "general, by mail, about to breach", openedMinutesAgo: 0)
        late.ticket.firstResponseAt = nil
        // Not responded to: the response deadline comes first.
        let deadline = try XCTUnwrap(late.ticket.respondBy)
        XCTAssertLessThan(deadline, try XCTUnwrap(late.ticket.resolveBy))
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
