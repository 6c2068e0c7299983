import Foundation
import ShiftDeskCore
import XCTest
@testable import ShiftDeskTUI

/// The compact queue row (issue 19, memory): a queue holds rows, not whole tickets, and must
/// still show, sort, count down and filter exactly as from the tickets themselves.
final class QueueRowTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_795_917_600)

    /// Demo tickets planned as the desk plans them, with a few hard texts mixed in: case that
    /// changes length when lowered, full-width letters, an empty caller, a long title.
    func tickets() -> [Ticket] {
        var tickets = DemoDesk(now: t0, tickets: 400, seed: 11).tickets.map { history in
            var ticket = history.ticket
            ticket.plan = TicketSLA(ticket: ticket, events: history.events, policy: .dutyTable, fired: [], now: t0).ticketPlan
            return ticket
        }
        let odd = ["İSTANBUL office VPN", "ＶＰＮ 全角 Printer", "ǅ Title Case Ǆ", String(repeating: "打印机卡纸 ", count: 60),
                   "VPN 故障 Outlook", "ΣΟΦΙΑ ΟΔΟΣ"]
        for (index, title) in odd.enumerated() {
            tickets[index].title = title
            tickets[index].caller.name = index == 1 ? "" : index == 4 ? "Li Ming" : "Ĳssel Ǉubljana"
            tickets[index].caller.email = index == 2 ? "x@example.com" : nil
            tickets[index].customerToldAt = index == 3 ? t0.addingTimeInterval(-7200) : nil
        }
        return tickets
    }

    func testARowKeepsWhatTheQueueShowsSortsAndJudges() {
        let all = tickets()
        let everyUpdateInterval: [Priority: TimeInterval] = [.major: 1800, .general: 3600, .minor: 7200]
        // One by one (a merge) and loaded together in one shared text buffer (a whole load).
        for entries in [all.map(QueueEntry.init), QueueEntry.make(all)] {
            XCTAssertEqual(entries.count, all.count)
            for (entry, ticket) in zip(entries, all) {
                let row = entry.ticket
                XCTAssertEqual(row.id, ticket.id)
                XCTAssertEqual(row.version, ticket.version)
                XCTAssertEqual(row.title, ticket.title)
                XCTAssertEqual(row.callerName, ticket.caller.name)
                XCTAssertEqual(row.callerHasEmail, ticket.caller.email != nil)
                XCTAssertEqual(row.assignee, ticket.assignee)
                XCTAssertEqual(row.category, ticket.category)
                XCTAssertEqual(row.affectedService, ticket.affectedService)
                XCTAssertEqual(row.priority, ticket.priority)
                XCTAssertEqual(row.state, ticket.state)
                XCTAssertEqual(row.tier, ticket.tier)
                XCTAssertEqual(row.openedAt, ticket.openedAt)
                XCTAssertEqual(row.urgency, ticket.urgency)
                XCTAssertEqual(entry.target, ticket.plan.countdownTarget(for: ticket))
                XCTAssertEqual(row.breachAt, ticket.breachAt)
                for hours in [-30.0, 0, 0.5, 2, 9, 50] {
                    let now = t0.addingTimeInterval(hours * 3600)
                    XCTAssertEqual(entry.breached(now: now), ticket.plan.breached(ticket, now: now), "\(ticket.id) at \(hours) h")
                    XCTAssertEqual(row.customerUpdateOverdue(every: everyUpdateInterval, now: now),
                                   CustomerUpdate.isOverdue(ticket, every: everyUpdateInterval, now: now))
                }
            }
        }
    }

    /// The filter finds exactly what the old search text (every field joined and lowered) found,
    /// in the queue's order.
    func testTheFilterFindsWhatTheWholeTicketsSearchTextFinds() {
        let all = tickets()
        func searchText(_ t: Ticket) -> String {
            [t.id.description, t.title, t.caller.name, t.assignee ?? "", t.category ?? "", t.affectedService ?? "",
             t.state.label(.en), t.state.label(.zh)].joined(separator: "\u{1F}").lowercased()
        }
        var needles = ["inc-0001", "inc-000042", "vpn", "ｖｐｎ", "i̇stanbul", "ǆ", "ĳssel", "打印机", "卡纸 打印", "waiting", "处理", "待受理",
                       "closed", "zzz-nothing", "l1",
                       "vpn 故障 o", "n 故", "σοφια", "οδος", "οδοσ", "000", "0004", "c-", "nc-00", "-", "1", "inc-000400", "inc-0004000"]
        for ticket in all.prefix(40) {
            needles.append(String(ticket.title.lowercased().prefix(5)))
            if let service = ticket.affectedService { needles.append(service.lowercased()) }
            if let category = ticket.category { needles.append(String(category.lowercased().suffix(2))) }
            if let assignee = ticket.assignee { needles.append(assignee) }
            needles.append(ticket.caller.name.lowercased())
        }
        var state = ConsoleState(me: Operator(login: "zhang.wei", name: "张伟", role: .desk), language: .en, timeZone: .gmt, now: t0)
        _ = ConsoleApp.update(&state, .result(.loaded(ConsoleSnapshot(entries: QueueEntry.make(all), calls: [], handovers: nil))))
        func shown() -> [Int64] {
            let rows = ConsoleApp.rows(state)
            return (0..<rows.count).map { rows.id(at: $0) }
        }
        let unfiltered = shown()
        let byID = Dictionary(all.map { ($0.id.number, $0) }, uniquingKeysWith: { a, _ in a })
        for needle in Set(needles) where !needle.isEmpty {
            state.filter = needle
            _ = ConsoleApp.update(&state, .tick(t0))
            // As the console searched before rows: bytes of the lowered needle in the bytes of that text.
            let pattern = Array(needle.lowercased().utf8)
            let want = unfiltered.filter { id in
                guard let ticket = byID[id] else { return false }
                return Array(searchText(ticket).utf8).withUnsafeBytes { text in pattern.withUnsafeBytes { QueueOrder.contains(text, $0) } }
            }
            XCTAssertEqual(shown(), want, "filter \(needle)")
        }
    }

    /// A row shows its texts as typed, through the queue's cells.
    func testTheQueuesCellsShowTheTicketsTexts() {
        let all = Array(tickets().prefix(30))
        var state = ConsoleState(me: Operator(login: "zhang.wei", name: "张伟", role: .desk), language: .zh, timeZone: .gmt, now: t0)
        _ = ConsoleApp.update(&state, .result(.loaded(ConsoleSnapshot(entries: QueueEntry.make(all), calls: [], handovers: nil))))
        let rows = ConsoleApp.rows(state)
        let byID = Dictionary(all.map { ($0.id.number, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertGreaterThan(rows.count, 5)
        for index in 0..<rows.count {
            let row = rows.row(at: index)
            guard let ticket = byID[row.id] else { return XCTFail("row \(row.id) is no ticket") }
            XCTAssertTrue(row.cells[0].text.hasSuffix(ticket.id.description))
            XCTAssertEqual(row.cells[2].text, ticket.title)
            XCTAssertTrue(row.cells[3].text.hasSuffix(ticket.caller.name))
            XCTAssertEqual(row.cells[4].text, "\(ticket.tier.label(.zh)) \(ticket.assignee ?? "待受理")")
            XCTAssertEqual(row.cells[5].text, ticket.state.label(.zh))
        }
    }

    /// The countdown's digits, written by hand since issue 19, read as `String(format:)` wrote them.
    func testTheCountdownReadsAsBefore() {
        func before(_ seconds: TimeInterval) -> String {
            let total = Int(seconds.rounded(.down))
            let sign = total < 0 ? "-" : ""
            let value = abs(total)
            if value >= 100 * 3600 { return sign + String(format: "%dd%02dh", value / 86_400, value % 86_400 / 3600) }
            return sign + String(format: "%d:%02d:%02d", value / 3600, value % 3600 / 60, value % 60)
        }
        for seconds in [0, 0.5, 9, 59.9, 60, 61, 599, 3599, 3600, 3661, 36_000, 359_999, 360_000, 360_001, 3_600_000, 90_061.7] {
            XCTAssertEqual(Countdown.text(seconds), before(seconds), "\(seconds)")
            XCTAssertEqual(Countdown.text(-seconds), before(-seconds), "-\(seconds)")
        }
        XCTAssertEqual(Countdown.text(-2_223), "-0:37:03")
        XCTAssertEqual(Countdown.text(4 * 86_400 + 4 * 3600), "4d04h")
    }

    /// 100k rows are the console's memory (issue 19): a field added to a row costs 100k times over.
    func testARowStaysEightyBytes() {
        XCTAssertLessThanOrEqual(MemoryLayout<QueueTicket>.stride, 80)
        XCTAssertEqual(MemoryLayout<QueueEntry>.stride, MemoryLayout<QueueTicket>.stride)
    }

    /// A ticket's entry is found without an index of every position: by binary search over the
    /// entries in number order, by a small dictionary for those that came out of order (a first
    /// page sorted by urgency, tickets committed out of number order), through merges of new
    /// tickets, changed ones and closed ones compacted away.
    func testEntriesAreFoundWhereverTheyArrived() {
        let all = tickets()
        var state = ConsoleState(me: Operator(login: "zhang.wei", name: "张伟", role: .desk), language: .en, timeZone: .gmt, now: t0)
        func expectEveryEntryFound(_ context: String) {
            for entry in state.entries { XCTAssertEqual(state.entry(entry.ticket.id)?.ticket.id, entry.ticket.id, context) }
            XCTAssertNil(state.entry(TicketID(999_999)), context)
        }
        // A whole load in number order, then new tickets: mostly in order, some not.
        let byNumber = all.sorted { $0.id < $1.id }
        var open = byNumber.filter { $0.state != .closed }
        let late = Array(open.suffix(12))
        open.removeLast(12)
        state.entries = QueueEntry.make(open)
        state.reindex()
        expectEveryEntryFound("whole load")
        state.merge(QueueEntry.make([late[0], late[1], late[3], late[2], late[4]]))
        state.merge(QueueEntry.make(late[5...].reversed()))
        XCTAssertEqual(state.entries.count, open.count + late.count)
        expectEveryEntryFound("after merges out of order")
        // A change to one that came out of order replaces it in place.
        var changed = late[6]
        changed.title = "Changed in place"
        state.merge([QueueEntry(ticket: changed)])
        XCTAssertEqual(state.entries.count, open.count + late.count)
        XCTAssertEqual(state.entry(changed.id)?.ticket.title, "Changed in place")
        // A first page, sorted by urgency, then reindexed.
        state.entries = QueueEntry.make(open.sorted { $0.urgency < $1.urgency }.prefix(60))
        state.reindex()
        expectEveryEntryFound("first page")
        // The positions themselves, kept entry by entry as a merge keeps them and made at once.
        let entries = QueueEntry.make(open.prefix(20) + late.reversed() + open.dropFirst(20).prefix(20))
        var kept = EntryPositions()
        for (index, entry) in entries.enumerated() { kept.appended(entry.ticket.id, at: index, after: index > 0 ? entries[index - 1].ticket.id : nil) }
        for positions in [kept, EntryPositions(entries)] {
            for (index, entry) in entries.enumerated() { XCTAssertEqual(positions.find(entry.ticket.id, in: entries), index) }
            XCTAssertNil(positions.find(TicketID(999_999), in: entries))
        }
    }
}
