import Foundation
import Testing
@testable import ShiftDeskCore

@Suite struct ShiftScheduleTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    var schedule: ShiftSchedule { .standard(timeZone: shanghai) }
    func local(_ text: String) -> Date { ISO8601.parse(text, defaultZone: shanghai) ?? .distantPast }

    @Test func theShiftOnDutyAcrossMidnightAndTheDayChange() {
        let night = schedule.occurrence(at: local("2026-11-30T02:00"))
        #expect(night.shift == .night)
        #expect(night.start == local("2026-11-29T20:30"))
        #expect(night.end == local("2026-11-30T08:30"))
        let day = schedule.occurrence(at: local("2026-11-30T08:30"))
        #expect(day.shift == .day && day.start == local("2026-11-30T08:30"))
        #expect(schedule.occurrence(at: local("2026-11-30T08:29:59")) == night)
        #expect(schedule.next(after: night) == day)
        #expect(schedule.previous(before: day) == night)
        #expect(schedule.next(after: day).start == local("2026-11-30T20:30"))
        // Just before midnight, the night duty that began this evening.
        #expect(schedule.occurrence(at: local("2026-11-29T23:59:59")) == night)
    }

    @Test func theHalfHourWindows() {
        let night = schedule.occurrence(at: local("2026-11-30T02:00"))
        #expect(night.reviewWindow == DateInterval(start: local("2026-11-29T20:30"), end: local("2026-11-29T21:00")))
        #expect(night.prepareWindow == DateInterval(start: local("2026-11-30T08:00"), end: local("2026-11-30T08:30")))
    }

    @Test func aDSTDayStillGivesContiguousShifts() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let schedule = ShiftSchedule.standard(timeZone: berlin)
        let night = schedule.occurrence(at: try #require(ISO8601.parse("2026-03-29T03:30", defaultZone: berlin)))
        #expect(night.shift == .night)
        #expect(night.end.timeIntervalSince(night.start) == 11 * 3600)  // one hour lost
        #expect(schedule.next(after: night).start == night.end)
    }

    @Test func complianceOfAHandover() {
        let day = schedule.occurrence(at: local("2026-11-29T12:00"))
        let night = schedule.next(after: day)
        var handover = Handover(from: day, to: night, preparedBy: "zhang.wei", preparedAt: local("2026-11-29T20:10"), note: "",
                                items: [HandoverItem(ticket: TicketID(1), note: "a"), HandoverItem(ticket: TicketID(2), note: "b")])
        #expect(handover.preparedInWindow && !handover.acknowledgedInWindow)
        handover.items[0].acknowledgedAt = local("2026-11-29T20:40")
        handover.items[1].acknowledgedAt = local("2026-11-29T21:00")
        #expect(handover.acknowledgedInWindow && handover.compliant)
        handover.items[1].acknowledgedAt = local("2026-11-29T21:00:01")
        #expect(!handover.compliant)
        handover.preparedAt = local("2026-11-29T19:59")
        #expect(!handover.preparedInWindow)
    }
}

@Suite struct HandoverProposalTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    func local(_ text: String) -> Date { ISO8601.parse(text, defaultZone: shanghai) ?? .distantPast }

    func ticket(_ number: Int64, state: TicketState = .inProgress, assignee: String? = nil, owner: String? = nil) -> Ticket {
        Ticket(id: TicketID(number), title: "t\(number)", caller: Caller(name: "c"), channel: .phone, priority: .general,
               state: state, assignee: assignee, owner: owner, openedAt: local("2026-11-29T09:00"))
    }

    @Test func exactlyTheUnfinishedWorkOfTheShiftAndWhatBreachesInTheNext() {
        let schedule = ShiftSchedule.standard(timeZone: shanghai)
        let day = schedule.occurrence(at: local("2026-11-29T12:00"))
        let night = schedule.next(after: day)
        let tickets = [
            ticket(1, owner: "zhang.wei"),                             // owned by the shift
            ticket(2, assignee: "wang.fang"),                          // touched during the shift
            ticket(3, assignee: "li.na"),                              // someone else's, breaching at 02:00
            ticket(4, assignee: "li.na"),                              // someone else's, breaching after the next shift
            ticket(5, state: .closed, owner: "zhang.wei"),             // closed: never
            ticket(6, state: .resolved, owner: "zhang.wei"),           // resolved, awaits closing: hand over
            ticket(7, assignee: "raj.patel"),                          // touched by someone of another shift
        ]
        let events = [
            TicketEvent(ticket: TicketID(2), actor: "zhang.wei", at: local("2026-11-29T15:00"), kind: .noted, changes: []),
            TicketEvent(ticket: TicketID(7), actor: "liu.yang", at: local("2026-11-29T15:00"), kind: .noted, changes: []),
            TicketEvent(ticket: TicketID(4), actor: "zhang.wei", at: local("2026-11-29T07:00"), kind: .noted, changes: []),
        ]
        let deadlines: [Int64: Date] = [3: local("2026-11-30T02:00"), 4: local("2026-11-30T09:00"), 2: local("2026-11-29T22:00")]
        let items = HandoverProposal.make(from: day, next: night, tickets: tickets, eventsDuringShift: events,
                                          shiftMembers: ["zhang.wei", "amy.chen"], deadline: { deadlines[$0.id.number] })
        #expect(Set(items.map(\.ticket.id.number)) == [1, 2, 3, 6])
        #expect(items.first { $0.ticket.id.number == 2 }?.reasons == [.unfinished, .breachesNextShift])
        #expect(items.first { $0.ticket.id.number == 3 }?.reasons == [.breachesNextShift])
        #expect(items.first?.ticket.id.number == 2, "the most pressing deadline first")
    }
}

@Suite struct HandoverDraftTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    func local(_ text: String) -> Date { ISO8601.parse(text, defaultZone: shanghai) ?? .distantPast }

    func ticket(_ number: Int64, state: TicketState = .inProgress) -> Ticket {
        Ticket(id: TicketID(number), title: "t\(number)", caller: Caller(name: "c"), channel: .phone, priority: .general,
               state: state, openedAt: local("2026-11-29T09:00"))
    }

    var draft: HandoverDraft {
        let schedule = ShiftSchedule.standard(timeZone: shanghai)
        let day = schedule.occurrence(at: local("2026-11-29T12:00"))
        let proposed = [
            HandoverProposalItem(ticket: ticket(1), reasons: [.unfinished], deadline: nil),
            HandoverProposalItem(ticket: ticket(2), reasons: [.breachesNextShift], deadline: local("2026-11-30T01:00")),
        ]
        return HandoverDraft(from: day, to: schedule.next(after: day), proposed: proposed, note: { "status of \($0.ticket.id)" })
    }

    @Test func untickedItemsStayOffTheRecordAndNotesAreKept() throws {
        var draft = draft
        #expect(draft.items.map(\.note) == ["status of INC-000001", "status of INC-000002"])
        #expect(draft.toggle(TicketID(1)) == false)
        draft.setNote("  vendor comes at 9  ", for: TicketID(2))
        draft.note = " switch fault \n"
        let handover = draft.handover(preparedBy: "zhang.wei", at: local("2026-11-29T20:10"))
        #expect(handover.items == [HandoverItem(ticket: TicketID(2), note: "vendor comes at 9")])
        #expect(handover.note == "switch fault")
        #expect(handover.preparedInWindow)
        #expect(draft.toggle(TicketID(1)) == true)
        #expect(draft.included.count == 2)
    }

    @Test func addingByHandRefusesClosedAndDuplicatesButReticksAnUntickedOne() throws {
        var draft = draft
        try draft.add(ticket(3, state: .pendingCustomer), note: "waits for the caller")
        #expect(draft.items.last?.addedByHand == true && draft.items.last?.note == "waits for the caller")
        #expect(throws: HandoverDraft.Refusal.alreadyListed(TicketID(3))) { try draft.add(ticket(3), note: "") }
        #expect(throws: HandoverDraft.Refusal.closed(TicketID(4))) { try draft.add(ticket(4, state: .closed), note: "") }
        draft.toggle(TicketID(1))
        try draft.add(ticket(1), note: "ignored: the proposal's note stays")
        #expect(draft.items.count == 3 && draft.included.count == 3)
        #expect(draft.items.first?.note == "status of INC-000001")
        #expect(HandoverDraft.Refusal.closed(TicketID(4)).message(.zh).contains("已关闭"))
    }

    @Test func aShiftWithNothingUnfinishedStillRecordsItsHandover() {
        var draft = draft
        draft.toggle(TicketID(1))
        draft.toggle(TicketID(2))
        let handover = draft.handover(preparedBy: "li.na", at: local("2026-11-29T20:20"))
        #expect(handover.items.isEmpty && handover.preparedInWindow)
        #expect(handover.acknowledgedInWindow, "nothing to acknowledge is acknowledged")
    }

    @Test func acknowledgementIsUndecidedWhileTheReviewWindowRuns() {
        var handover = draft.handover(preparedBy: "zhang.wei", at: local("2026-11-29T20:10"))
        #expect(handover.acknowledgedInWindow(asOf: local("2026-11-29T20:45")) == nil)
        #expect(handover.acknowledgedInWindow(asOf: local("2026-11-29T21:00:01")) == false)
        handover.items[0].acknowledgedAt = local("2026-11-29T20:40")
        handover.items[1].acknowledgedAt = local("2026-11-29T20:50")
        #expect(handover.acknowledgedInWindow(asOf: local("2026-11-29T20:55")) == true)
    }

    @Test func whereAnInstantStandsAgainstAWindow() {
        let window = DateInterval(start: local("2026-11-29T20:00"), end: local("2026-11-29T20:30"))
        #expect(HandoverWindowStatus(window, at: local("2026-11-29T19:59")) == .before(opensAt: window.start))
        #expect(HandoverWindowStatus(window, at: local("2026-11-29T20:00")) == .open(closesAt: window.end))
        #expect(HandoverWindowStatus(window, at: local("2026-11-29T20:30")) == .after(closedAt: window.end))
    }
}
