import Foundation
import Testing
@testable import ShiftDeskCore

/// What issue 14 adds around a problem's life: who has the Problems queue, the review's problems
/// open past 30 days, and waiting on a problem under the policy's pausing setting.
@Suite struct ProblemFollowUpTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static func local(_ text: String) -> Date { ISO8601.parse(text, defaultZone: zone) ?? .distantPast }

    @Test func theQueueIsForTheProblemManagerAndThoseWhoReadIt() {
        #expect(Role.allCases.filter(ProblemLife.mayOpenQueue) == [.l2, .im, .supervisor, .problemManager, .owner, .auditor]
                || Set(Role.allCases.filter(ProblemLife.mayOpenQueue)) == [.l2, .im, .supervisor, .problemManager, .owner, .auditor])
        #expect(!ProblemLife.mayOpenQueue(.desk) && !ProblemLife.mayOpenQueue(.l1))
    }

    @Test func theReviewListsProblemsStillOpenMoreThan30DaysAfterTheyWereRaised() throws {
        // 2026-W48 ends on Monday 30 November 00:00 in Shanghai.
        let week = try #require(ReportPeriod(kind: .week, label: "2026-W48", timeZone: Self.zone))
        func problem(_ n: Int64, raised: String, _ state: ProblemState) -> Problem {
            Problem(id: ProblemID(n), title: "p\(n)", state: state, raisedBy: "sun.li", raisedAt: Self.local(raised))
        }
        let problems = [
            problem(1, raised: "2026-10-30T23:00", .analysis),    // 30 days and an hour before the week's end
            problem(2, raised: "2026-10-31T01:00", .new),         // 29 days and 23 hours: not yet
            problem(3, raised: "2026-09-01T00:00", .resolved),    // old but resolved
            problem(4, raised: "2026-08-01T00:00", .closed),
            problem(5, raised: "2026-10-01T00:00", .fixInProgress),
        ]
        let review = WeeklyReview(week: week, tickets: [], events: [], problems: problems)
        #expect(review.problemsOpenTooLong.map(\.id.number) == [5, 1])
    }

    func pendingOnProblem() -> (Ticket, [TicketEvent]) {
        let opened = Self.local("2026-11-23T09:00")
        var ticket = Ticket(id: TicketID(1), title: "打印机卡纸", caller: Caller(name: "王"), channel: .phone, priority: .general, openedAt: opened)
        ticket.state = .pendingProblem
        ticket.problem = ProblemID(3)
        let events = [
            TicketEvent(id: 1, ticket: ticket.id, actor: "zhang.wei", at: opened, kind: .opened,
                        changes: [FieldChange(field: "state", before: nil, after: "new")]),
            TicketEvent(id: 2, ticket: ticket.id, actor: "zhang.wei", at: opened.addingTimeInterval(3600), kind: .pended,
                        changes: [FieldChange(field: "state", before: "new", after: "pending_problem")]),
        ]
        return (ticket, events)
    }

    @Test func waitingOnAProblemPausesNothingByDefault() {
        let (ticket, events) = pendingOnProblem()
        #expect(ClockTimeline(ticket: ticket, events: events).stops.isEmpty)
        let sla = TicketSLA(ticket: ticket, events: events, policy: .dutyTable, fired: [], now: ticket.openedAt.addingTimeInterval(5 * 3600))
        #expect(sla.evaluation.resolution.breached)
        #expect(sla.resolveBy == ticket.openedAt.addingTimeInterval(4 * 3600))
    }

    @Test func whenThePolicySaysSoBothClocksPauseWhileItWaits() {
        let (ticket, events) = pendingOnProblem()
        let stops = ClockTimeline(ticket: ticket, events: events, problemPauses: true).stops
        #expect(stops == [StopInterval(start: ticket.openedAt.addingTimeInterval(3600), end: nil, reason: .problem)])
        var policy = SLAPolicy.dutyTable
        policy.problemPausesClocks = true
        let later = ticket.openedAt.addingTimeInterval(5 * 3600)
        let sla = TicketSLA(ticket: ticket, events: events, policy: policy, fired: [], now: later)
        #expect(!sla.evaluation.resolution.breached && sla.resolveBy == nil)
        #expect(sla.evaluation.resolution.state == .paused(.problem) && sla.evaluation.response.state == .paused(.problem))
        #expect(sla.evaluation.resolution.elapsed == 3600)
        // `sla explain` names the stretch.
        let explained = policy.resolutionClock(for: .general).explain(ClockTimeline(ticket: ticket, events: events, problemPauses: true), now: later)
        #expect(explained.segments.map(\.label) == [.running, .pausedProblem])
    }
}
