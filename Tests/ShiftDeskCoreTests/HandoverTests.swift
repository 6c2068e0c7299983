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
