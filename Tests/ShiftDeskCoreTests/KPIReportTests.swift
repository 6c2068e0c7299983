import Foundation
import Testing
@testable import ShiftDeskCore

/// KPIs on a hand-made history whose right answers are known.
@Suite struct KPIReportTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static func local(_ text: String) -> Date { ISO8601.parse(text, defaultZone: shanghai) ?? .distantPast }
    let people = [Staff.desk, Staff.desk2, Staff.l1, Staff.l1b, Staff.l2, Staff.im]

    /// Builds tickets by running the real workflow at given local instants.
    struct Story {
        var tickets: [Ticket] = []
        var events: [TicketEvent] = []
        var nextEvent: Int64 = 1

        mutating func ticket(_ opened: String, by actor: Operator = Staff.desk, priority: Priority = .general,
                             channel: Channel = .phone, backfilled: Bool = false,
                             _ steps: [(String, TicketAction, Operator)] = []) throws {
            let id = TicketID(Int64(tickets.count + 1))
            var draft = TicketDraft(title: "t\(id.number)", caller: Caller(name: "c"), channel: channel, priority: priority, backfilled: backfilled)
            draft.openedAt = KPIReportTests.local(opened)
            var outcome = try Workflow.open(draft, id: id, by: actor, at: KPIReportTests.local(opened))
            record(&outcome.event)
            for (at, action, person) in steps {
                outcome = try Workflow.apply(action, to: outcome.ticket, by: person, at: KPIReportTests.local(at))
                record(&outcome.event)
            }
            tickets.append(outcome.ticket)
        }

        private mutating func record(_ event: inout TicketEvent) {
            event.id = nextEvent
            nextEvent += 1
            events.append(event)
        }
    }

    func november(_ story: Story, now: Date? = nil) throws -> KPIReport {
        let period = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.shanghai))
        return KPIReport(period: period, input: ReportInput(tickets: story.tickets, events: story.events, operators: people,
                                                            handovers: [], policy: .dutyTable(timeZone: Self.shanghai), now: now))
    }

    @Test func periodsFollowTheDeskZone() throws {
        let month = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.shanghai))
        #expect(ISO8601.format(month.interval.start) == "2026-10-31T16:00:00Z")
        let week = try #require(ReportPeriod(kind: .week, label: "2026-W48", timeZone: Self.shanghai))
        #expect(ISO8601.format(week.interval.start) == "2026-11-22T16:00:00Z")
        #expect(ReportPeriod(kind: .quarter, label: "2026-Q4", timeZone: Self.shanghai)?.interval.duration.rounded() == 7_948_800.0)
        #expect(ReportPeriod(kind: .month, label: "2026-13", timeZone: Self.shanghai) == nil)
        #expect(ReportPeriod(kind: .week, label: "2026-W53", timeZone: Self.shanghai) != nil, "2026 starts on a Thursday: 53 weeks")
        #expect(ReportPeriod(kind: .week, label: "2025-W53", timeZone: Self.shanghai) == nil)
        #expect(ReportPeriod.containing(Self.local("2026-11-29T10:00"), kind: .week, timeZone: Self.shanghai)?.label == "2026-W48")
    }

    @Test func deskFiguresFirstContactAndTheMonthBoundaryInTheDeskZone() throws {
        var story = Story()
        // 1 Nov 00:30 in Shanghai is still October in UTC: it counts in November.
        try story.ticket("2026-11-01T00:30", [("2026-11-01T00:40", .resolve(note: "reset"), Staff.desk),
                                             ("2026-11-01T01:00", .close(.rated(score: 5, comment: nil)), Staff.desk)])
        // Escalated before resolution: not first contact.
        try story.ticket("2026-11-02T09:00", [("2026-11-02T09:05", .escalate(to: .l1, note: nil), Staff.desk),
                                             ("2026-11-02T09:30", .resolve(note: "fixed"), Staff.l1),
                                             ("2026-11-04T09:31", .close(.unreachable), Staff.desk)])
        // Opened on 31 October local: not taken in November.
        try story.ticket("2026-10-31T23:50", [("2026-11-01T00:10", .resolve(note: "ok"), Staff.desk)])
        // Logged by L1: bypassed the desk, not a desk request.
        try story.ticket("2026-11-03T10:00", by: Staff.l1)
        let report = try november(story)
        #expect(report.value(.deskRequestsTaken, "desk") == 2)
        #expect(report.value(.deskResolvedAtFirstContact, "desk") == 1)
        #expect(report.value(.firstContactResolutionRate, "desk") == 50)
        #expect(report.value(.deskClosed, "desk") == 2)
        #expect(report.figure(.deskClosedWithSurvey, "desk")?.numerator == 1)
        #expect(report.figure(.deskClosedOnTime, "desk")?.numerator == 1, "the second was closed two days after resolution")
        #expect(report.value(.imBypassedDesk, "im") == 1)
        #expect(report.satisfactionDistribution == [1, 0, 0, 0, 0, 1])
        #expect(report.value(.satisfactionAverage, "all") == 5)
    }

    @Test func pausedTimeReopeningAndTimeToResolve() throws {
        var story = Story()
        // General, 4 h to resolve: 3 h waiting on the customer does not count, so 5 h wall clock is on time.
        try story.ticket("2026-11-10T09:00", [("2026-11-10T09:30", .pend(.customer), Staff.desk),
                                             ("2026-11-10T12:30", .resume, Staff.desk),
                                             ("2026-11-10T14:00", .resolve(note: "ok"), Staff.desk)])
        // No pause: 5 h is late.
        try story.ticket("2026-11-11T09:00", [("2026-11-11T14:00", .resolve(note: "late"), Staff.desk)])
        // Resolved, reopened, resolved again: the last resolution counts, and it was reopened.
        try story.ticket("2026-11-12T09:00", [("2026-11-12T10:00", .resolve(note: "first"), Staff.desk),
                                             ("2026-11-12T11:00", .reopen(note: "back"), Staff.desk),
                                             ("2026-11-12T12:00", .resolve(note: "second"), Staff.desk)])
        let report = try november(story)
        let compliance = try #require(report.figure(.resolutionCompliance, "all"))
        #expect(compliance.numerator == 2 && compliance.denominator == 3)
        #expect(report.value(.meanTimeToResolve, "priority:general") == (5 + 5 + 3) / 3.0)
        #expect(report.value(.medianTimeToResolve, "priority:general") == 5)
        #expect(report.figure(.reopenRate, "all")?.numerator == 1)
        #expect(report.value(.linePastSLA, "l1") == 0)
    }

    @Test func linesAndTheIncidentManager() throws {
        var story = Story()
        try story.ticket("2026-11-05T09:00", [("2026-11-05T09:05", .escalate(to: .l1, note: nil), Staff.desk),
                                             ("2026-11-05T09:10", .take, Staff.l1),
                                             ("2026-11-05T09:20", .printSheet, Staff.l1),
                                             ("2026-11-05T10:00", .resolve(note: "on site"), Staff.l1),
                                             ("2026-11-05T10:05", .signSheet, Staff.desk),
                                             ("2026-11-05T10:10", .close(.rated(score: 4, comment: nil)), Staff.desk)])
        try story.ticket("2026-11-06T09:00", priority: .major,
                         [("2026-11-06T09:05", .escalate(to: .l1, note: nil), Staff.desk),
                          ("2026-11-06T09:10", .escalate(to: .l2, note: nil), Staff.l1),
                          ("2026-11-06T09:20", .note("coordinating the DBA team"), Staff.im),
                          ("2026-11-06T09:30", .linkProblem(ProblemID(1)), Staff.im),
                          ("2026-11-06T10:00", .resolve(note: "failover"), Staff.l2),
                          ("2026-11-06T10:30", .close(.rated(score: 2, comment: nil)), Staff.desk)])
        try story.ticket("2026-11-07T09:00", backfilled: true)
        let report = try november(story)
        #expect(report.value(.lineTaken, "l1") == 2, "an escalation from an unassigned queue accepts it too")
        #expect(report.value(.lineResolvedDirectly, "l1") == 1)
        #expect(report.value(.lineEscalatedOnward, "l1") == 1)
        #expect(report.value(.lineSheetsPrinted, "l1") == 1)
        #expect(report.value(.lineSheetsSigned, "l1") == 1)
        #expect(report.value(.lineSatisfactionPassRate, "l1") == 100)
        #expect(report.value(.lineSatisfactionPassRate, "l2") == 0)
        #expect(report.value(.imMajorAndBreachedHandled, "im") == 1)
        #expect(report.value(.imTurnedIntoProblems, "im") == 1)
        #expect(report.value(.imBackfilled, "im") == 1)
        #expect(report.workload.first { $0.login == "wang.fang" }?.taken == 1)
    }

    @Test func theBacklogIsReplayedAtThePeriodsEnd() throws {
        var story = Story()
        try story.ticket("2026-11-20T09:00", [("2026-12-02T09:00", .resolve(note: "in December"), Staff.desk)])
        try story.ticket("2026-11-29T09:00", [("2026-11-29T10:00", .resolve(note: "done"), Staff.desk)])
        try story.ticket("2026-12-01T09:00")
        let report = try november(story)
        #expect(report.value(.backlog, "all") == 1)
        #expect(report.backlogAging == [0, 0, 0, 1])
        // Asked during the month, ages are measured to now.
        let midMonth = try november(story, now: Self.local("2026-11-21T10:00"))
        #expect(midMonth.backlogAging == [0, 1, 0, 0])
    }

    @Test func renderersCarryTheSameFigures() throws {
        var story = Story()
        try story.ticket("2026-11-01T09:00", [("2026-11-01T09:10", .resolve(note: "ok"), Staff.desk)])
        let report = try november(story)
        let renderer = ReportRenderer(report: report, language: .zh)
        #expect(renderer.csv.hasPrefix("\u{FEFF}period,kpi,scope"))
        #expect(renderer.csv.contains("2026-11,desk.requests_taken,desk,受理请求数,1.0000"))
        #expect(renderer.markdown.contains("| 受理请求数 | 1 |"))
        #expect(renderer.html.contains("<svg") && renderer.html.contains("lang=\"zh-CN\""))
        #expect(renderer.json.serialized().contains(#""kpi":"desk.requests_taken","scope":"desk","value":1"#))
    }

    @Test func ticketsCrossingThePeriodBoundaryWorkaroundsAndWorkloadPerLine() throws {
        var story = Story()
        // Opened in October, escalated and resolved in November: resolved and worked in November, not taken.
        try story.ticket("2026-10-31T22:00", [("2026-10-31T22:05", .escalate(to: .l1, note: nil), Staff.desk),
                                             ("2026-11-01T01:00", .take, Staff.l1),
                                             ("2026-11-01T02:00", .resolveWithWorkaround(note: "restarted the AP"), Staff.l1)])
        // Resolved in November, reopened in December: resolved in November, not reopened in it.
        try story.ticket("2026-11-30T20:00", [("2026-11-30T21:00", .resolve(note: "ok"), Staff.desk),
                                             ("2026-12-01T09:00", .reopen(note: "back"), Staff.desk)])
        // Reopened in November and still open at its end: in the backlog, counted as reopened.
        try story.ticket("2026-11-20T09:00", [("2026-11-20T10:00", .resolve(note: "ok"), Staff.desk),
                                             ("2026-11-21T09:00", .reopen(note: "back"), Staff.im),
                                             ("2026-11-21T09:30", .note("IM follows it"), Staff.im)])
        let report = try november(story)
        #expect(report.value(.deskRequestsTaken, "desk") == 2)
        #expect(report.figure(.resolutionCompliance, "all")?.denominator == 2, "the October one and the 30 November one")
        #expect(report.figure(.reopenRate, "all")?.numerator == 1)
        #expect(report.value(.backlog, "all") == 1)
        #expect(report.value(.lineResolvedDirectly, "l1") == 1, "a workaround is a resolution")
        #expect(report.value(.meanTimeToResolve, "priority:general") == (4 + 1) / 2.0)
        let lines = Dictionary(uniqueKeysWithValues: report.tierWorkload.map { ($0.login, $0) })
        #expect(report.tierWorkload.map(\.login) == ["desk", "l1", "l2", "im"])
        #expect(lines["l1"]?.taken == 1 && lines["l1"]?.resolved == 1)
        #expect(lines["desk"]?.resolved == 2 && lines["desk"]?.escalated == 0, "the escalation was in October")
        #expect(lines["im"]?.notes == 1)
        #expect(lines["l2"]?.total == 0)
        // The December report sees the reopening.
        let december = try #require(ReportPeriod(kind: .month, label: "2026-12", timeZone: Self.shanghai))
        let next = KPIReport(period: december, input: ReportInput(tickets: story.tickets, events: story.events, operators: people,
                                                                   handovers: [], policy: .dutyTable(timeZone: Self.shanghai)))
        #expect(next.figure(.reopenRate, "all")?.numerator == 1 && next.value(.backlog, "all") == 2)
    }

    /// The problem manager, the owner and the auditor work no line: what they do counts for
    /// them as people, never in a line's figures nor as the incident manager's.
    @Test func theRolesThatWorkNoQueueCountInNoLine() throws {
        var story = Story()
        try story.ticket("2026-11-10T09:00", priority: .major,
                         [("2026-11-10T09:10", .note("owner informed"), Staff.owner),
                          ("2026-11-10T09:20", .linkProblem(ProblemID(1)), Staff.problemManager),
                          ("2026-11-10T09:30", .note("root cause: firmware"), Staff.problemManager)])
        let period = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.shanghai))
        let report = KPIReport(period: period, input: ReportInput(
            tickets: story.tickets, events: story.events, operators: people + [Staff.problemManager, Staff.owner, Staff.auditor],
            handovers: [], policy: .dutyTable(timeZone: Self.shanghai), now: nil))
        #expect(report.tierWorkload.map(\.login) == ["desk", "l1", "l2", "im"])
        #expect(report.tierWorkload.allSatisfy { $0.notes == 0 }, "no line's notes")
        #expect(report.value(.imMajorAndBreachedHandled, "im") == 0, "the problem manager is not the incident manager")
        #expect(report.value(.imTurnedIntoProblems, "im") == 1, "the incident was turned into a problem, whoever linked it")
        for scope in ["l1", "l2"] { #expect(report.value(.lineTaken, scope) == 0) }
        let people = Dictionary(uniqueKeysWithValues: report.workload.map { ($0.login, $0) })
        #expect(people["he.jun"]?.notes == 1 && people["he.jun"]?.role == .problemManager)
        #expect(people["lin.hua"]?.notes == 1 && people["lin.hua"]?.role == .owner)
        #expect(people["qian.yu"] == nil)
        let markdown = ReportRenderer(report: report, language: .zh).markdown
        #expect(markdown.contains("问题经理") && markdown.contains("管理体系负责人"))
    }

    @Test func theSameRecordInAnyOrderAndInPagesGivesTheSameReport() throws {
        var story = Story()
        for day in 1...9 {
            try story.ticket("2026-11-0\(day)T09:00", priority: day % 3 == 0 ? .major : .general,
                             [("2026-11-0\(day)T09:10", .escalate(to: .l1, note: nil), Staff.desk),
                              ("2026-11-0\(day)T09:20", .take, day % 2 == 0 ? Staff.l1 : Staff.l1b),
                              ("2026-11-0\(day)T1\(day % 10):00", .resolve(note: "done"), day % 2 == 0 ? Staff.l1 : Staff.l1b),
                              ("2026-11-0\(day)T19:00", .close(.rated(score: 1 + day % 5, comment: nil)), Staff.desk)])
        }
        let whole = try november(story)
        let period = whole.period
        var accumulator = KPIAccumulator(period: period, operators: people, policy: .dutyTable(timeZone: Self.shanghai), now: nil)
        for ticket in story.tickets.reversed() {
            accumulator.add(ReportTicket(ticket: ticket, events: story.events.filter { $0.ticket == ticket.id }.reversed()))
        }
        let paged = accumulator.report(handovers: [])
        #expect(paged.figures == whole.figures)
        #expect(paged.workload == whole.workload)
        #expect(paged.satisfactionDistribution == whole.satisfactionDistribution)
    }
}
