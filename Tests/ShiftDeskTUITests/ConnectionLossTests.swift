import Foundation
import ShiftDeskCore
import ShiftDeskStore
import XCTest
@testable import ShiftDeskTUI

/// What a console does when the database stops answering: only a database that stays silent
/// is lost, and only a form that was really sent comes back as "not sent".
final class ConnectionLossTests: XCTestCase {
    let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    func testOneFailedPollIsNotALostDatabaseTwoInARowAre() {
        let link = DatabaseLink()
        XCTAssertFalse(link.lost("busy"), "a poll can fail for a moment")
        XCTAssertNil(link.lostReason, "effects still go to the desk")
        XCTAssertFalse(link.restored(), "nothing to catch up")
        XCTAssertFalse(link.lost("busy"), "a success in between starts the count again")
        XCTAssertTrue(link.lost("server closed the connection"), "the second failure in a row: lost, told once")
        XCTAssertEqual(link.lostReason, "server closed the connection")
        XCTAssertFalse(link.lost("still down"), "already told")
        XCTAssertEqual(link.lostReason, "still down")
        XCTAssertTrue(link.restored(), "back: the console reloads")
        XCTAssertNil(link.lostReason)
        XCTAssertFalse(link.lost("busy"), "after a recovery one failure is again only a moment")
    }

    func testAHandoverNoteTypedInTheConsoleIsNotBroughtBackWhenTheConnectionDrops() throws {
        var state = try preparing()
        for key: KeyEvent in [KeyEvent(.character("n"))] + "call back at 9".map({ KeyEvent(.character($0)) }) + [KeyEvent(.enter)] {
            _ = ConsoleApp.update(&state, .key(key))
        }
        guard case .handover = state.mode else { return XCTFail("the note form closed: \(state.mode)") }
        XCTAssertEqual(state.handover.draft?.items.first?.note.hasSuffix("call back at 9"), true)

        _ = ConsoleApp.update(&state, .result(.connectionLost("the database cannot be reached")))
        guard case .handover = state.mode else { return XCTFail("the note was kept in the draft, not sent: no form comes back: \(state.mode)") }
        XCTAssertEqual(state.message, "the database cannot be reached")
    }

    func testASubmittedHandoverComesBackAsTypedWhenTheConnectionDrops() throws {
        var state = try preparing()
        var commands: [AppCommand<ConsoleEffect>] = []
        for key: KeyEvent in [KeyEvent(.function(2))] + "vendor at 9".map({ KeyEvent(.character($0)) }) + [KeyEvent(.enter)] {
            commands = ConsoleApp.update(&state, .key(key))
        }
        guard case .perform(.submitHandover)? = commands.first else { return XCTFail("submitted: \(commands)") }
        _ = ConsoleApp.update(&state, .result(.connectionLost("the database cannot be reached")))
        guard case let .form(form, .handoverSubmit) = state.mode else { return XCTFail("the sent form comes back: \(state.mode)") }
        XCTAssertEqual(form.value(of: "note"), "vendor at 9")
        XCTAssertTrue(form.message?.contains("Not sent") == true, form.message ?? "")
    }

    /// A day-shift desk agent on the handover screen with a proposal of one incident.
    func preparing() throws -> ConsoleState {
        let now = try XCTUnwrap(ISO8601DateFormatter().date(from: "2026-11-29T12:10:00Z"))  // 20:10 in Shanghai
        let me = Operator(login: "day1", name: "张伟", role: .desk, shift: .day)
        var state = ConsoleState(me: me, language: .en, timeZone: zone, now: now)
        let schedule = ShiftSchedule.standard(timeZone: zone)
        let day = schedule.occurrence(at: now)
        let ticket = Ticket(id: TicketID(1), title: "Printer jam", caller: Caller(name: "王小明"), channel: .phone, priority: .general,
                            state: .inProgress, assignee: "day1", owner: "day1", openedAt: now.addingTimeInterval(-3600))
        _ = ConsoleApp.update(&state, .result(.loaded(ConsoleSnapshot(entries: [QueueEntry(ticket: ticket)], calls: [],
                                                                      handovers: HandoverOverview(shift: day, ended: schedule.previous(before: day),
                                                                                                  recent: [], now: now)))))
        _ = ConsoleApp.update(&state, .key(KeyEvent(.character("H"))))
        let draft = HandoverDraft(from: day, to: schedule.next(after: day),
                                  proposed: [HandoverProposalItem(ticket: ticket, reasons: [.unfinished], deadline: nil)], note: { _ in "in progress" })
        _ = ConsoleApp.update(&state, .result(.handoverDraft(.success(draft))))
        guard case .handover = state.mode, state.handover.tab == .prepare, state.handover.draft != nil else {
            struct NotPreparing: Error {}
            XCTFail("not on the prepare tab with a draft: \(state.mode)")
            throw NotPreparing()
        }
        return state
    }
}
