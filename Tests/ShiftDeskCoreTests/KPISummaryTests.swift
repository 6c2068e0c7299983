import Foundation
import Testing
@testable import ShiftDeskCore

/// Per-incident KPI summaries: a report that adds the summaries it may use and replays the rest
/// gives exactly the report that replays every incident, whatever the period, the zone, the
/// moment it is asked, and whatever changed since the summaries were written.
@Suite struct KPISummaryTests {
    typealias Story = KPIReportTests.Story
    static let shanghai = KPIReportTests.shanghai
    static let newYork = TimeZone(identifier: "America/New_York") ?? .gmt
    static func local(_ text: String) -> Date { KPIReportTests.local(text) }
    static let people = [Staff.desk, Staff.desk2, Staff.l1, Staff.l1b, Staff.l2, Staff.im]
    /// Not an operator when the summaries are written (an actor of an imported history).
    static let vendor = Operator(login: "ext omar|vendor", name: "Omar (vendor)", role: .l2)

    /// Every kind of incident the report must get right, around November 2026 in Shanghai.
    static func story() throws -> Story {
        var story = Story()
        // Inside November: resolved at first contact, closed with a 5.
        try story.ticket("2026-11-02T09:00", [("2026-11-02T09:10", .resolve(note: "reset"), Staff.desk),
                                             ("2026-11-02T10:00", .close(.rated(score: 5, comment: nil)), Staff.desk)])
        // Crossing the start: opened on 31 October, resolved on 1 November (local time).
        try story.ticket("2026-10-31T22:00", [("2026-10-31T22:05", .escalate(to: .l1, note: nil), Staff.desk),
                                             ("2026-11-01T01:00", .take, Staff.l1),
                                             ("2026-11-01T02:00", .resolveWithWorkaround(note: "restarted the AP"), Staff.l1)])
        // Crossing the end: resolved on 30 November, reopened on 1 December.
        try story.ticket("2026-11-30T20:00", [("2026-11-30T21:00", .resolve(note: "ok"), Staff.desk),
                                             ("2026-12-01T09:00", .reopen(note: "back"), Staff.desk)])
        // Reopened and resolved again inside November, closed late, unreachable.
        try story.ticket("2026-11-12T09:00", [("2026-11-12T10:00", .resolve(note: "first"), Staff.desk),
                                             ("2026-11-12T11:00", .reopen(note: "back"), Staff.im),
                                             ("2026-11-12T12:00", .resolve(note: "second"), Staff.desk),
                                             ("2026-11-14T12:30", .close(.unreachable), Staff.desk)])
        // Paused on the customer for 3 h: 5 h wall clock is on time.
        try story.ticket("2026-11-10T09:00", [("2026-11-10T09:30", .pend(.customer), Staff.desk),
                                             ("2026-11-10T12:30", .resume, Staff.desk),
                                             ("2026-11-10T14:00", .resolve(note: "ok"), Staff.desk),
                                             ("2026-11-10T15:00", .close(.rated(score: 3, comment: nil)), Staff.desk)])
        // Still open, taken, watched by the incident manager: the resolution clock runs past the
        // span, and the incident manager's work counts once it is breached (from 4 h on).
        try story.ticket("2026-11-15T09:00", [("2026-11-15T09:05", .escalate(to: .l1, note: nil), Staff.desk),
                                             ("2026-11-15T09:20", .take, Staff.l1b),
                                             ("2026-11-15T09:30", .note("watching it"), Staff.im)])
        // Still open, never answered (an e-mail): both clocks run.
        try story.ticket("2026-11-21T08:00", channel: .email)
        // Still open, waiting on the customer since before its deadline: no deadline passes.
        try story.ticket("2026-11-22T09:00", [("2026-11-22T09:05", .pend(.customer), Staff.desk)])
        // Major, through both lines and the incident manager, a problem, a signed sheet, rated 4.
        try story.ticket("2026-11-06T09:00", priority: .major,
                         [("2026-11-06T09:05", .escalate(to: .l1, note: nil), Staff.desk),
                          ("2026-11-06T09:10", .take, Staff.l1b),
                          ("2026-11-06T09:15", .printSheet, Staff.l1b),
                          ("2026-11-06T09:20", .escalate(to: .l2, note: nil), Staff.l1b),
                          ("2026-11-06T09:25", .note("coordinating the DBA team"), Staff.im),
                          ("2026-11-06T09:30", .linkProblem(ProblemID(1)), Staff.im),
                          ("2026-11-06T10:00", .resolve(note: "failover"), Staff.l2),
                          ("2026-11-06T10:05", .signSheet, Staff.desk),
                          ("2026-11-06T10:30", .close(.rated(score: 4, comment: nil)), Staff.desk)])
        // Back-filled, and logged by L1 (bypassing the desk), resolved late by L1.
        try story.ticket("2026-11-07T09:00", backfilled: true, [("2026-11-07T09:30", .resolve(note: "late entry"), Staff.desk)])
        try story.ticket("2026-11-08T09:00", by: Staff.l1, [("2026-11-08T15:00", .resolve(note: "slow"), Staff.l1)])
        // Opened in September and still open: only the backlog of later periods.
        try story.ticket("2026-09-10T09:00", [("2026-09-10T09:10", .escalate(to: .l1, note: nil), Staff.desk)])
        // Closed in September: nothing in later periods.
        try story.ticket("2026-09-11T09:00", [("2026-09-11T09:10", .resolve(note: "ok"), Staff.desk),
                                             ("2026-09-11T10:00", .close(.rated(score: 2, comment: nil)), Staff.desk)])
        // An actor who is not an operator yet (an imported history), then becomes one.
        try story.ticket("2026-11-16T09:00", [("2026-11-16T09:05", .escalate(to: .l1, note: nil), Staff.desk),
                                             ("2026-11-16T09:10", .escalate(to: .vendor, note: nil), Staff.l1),
                                             ("2026-11-16T10:00", .note("vendor on site"), vendor),
                                             ("2026-11-16T11:00", .resolve(note: "vendor fix"), Staff.l1),
                                             ("2026-11-16T12:00", .close(.rated(score: 4, comment: nil)), Staff.desk)])
        // Opened in December: nothing in November.
        try story.ticket("2026-12-03T09:00", [("2026-12-03T09:10", .resolve(note: "ok"), Staff.desk)])
        return story
    }

    static func summaries(_ story: Story, people: [Operator] = people, policy: SLAPolicy = .dutyTable(timeZone: shanghai)) -> [TicketID: KPISummary] {
        let roles = Dictionary(people.map { ($0.login, $0.role) }, uniquingKeysWith: { a, _ in a })
        let fingerprint = policy.fingerprint
        var result: [TicketID: KPISummary] = [:]
        for ticket in story.tickets {
            let item = ReportTicket(ticket: ticket, events: story.events.filter { $0.ticket == ticket.id })
            result[ticket.id] = KPISummary.make(item, roles: roles, policy: policy, fingerprint: fingerprint)
        }
        return result
    }

    static let periods: [(ReportPeriod.Kind, String)] = [(.week, "2026-W45"), (.week, "2026-W48"), (.month, "2026-10"), (.month, "2026-11"),
                                                         (.month, "2026-12"), (.quarter, "2026-Q4"), (.year, "2026")]
    static let nows: [Date?] = [nil, local("2026-11-15T09:10"), local("2026-11-21T10:00"), local("2026-11-30T21:00"), local("2026-12-20T12:00")]

    /// The summarised report equals the replayed one for every period, zone and moment.
    func expectSameReports(_ story: Story, summaries: [TicketID: KPISummary], people: [Operator] = people,
                           policy: SLAPolicy = .dutyTable(timeZone: shanghai), zones: [TimeZone] = [shanghai, newYork, .gmt],
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        for zone in zones {
            for (kind, label) in Self.periods {
                let period = try #require(ReportPeriod(kind: kind, label: label, timeZone: zone))
                for now in Self.nows {
                    let input = ReportInput(tickets: story.tickets, events: story.events, operators: people, handovers: [], policy: policy, now: now)
                    let replayed = KPIReport(period: period, input: input)
                    let summarised = KPIReport(period: period, input: input, summaries: summaries)
                    let differences = summarised.differences(from: replayed)
                    #expect(differences == [], "\(label) in \(zone.identifier), now \(now.map(ISO8601.format) ?? "after it")",
                            sourceLocation: sourceLocation)
                    if differences.isEmpty { #expect(summarised == replayed, sourceLocation: sourceLocation) }
                }
            }
        }
    }

    @Test func summarisedReportsEqualReplayedOnesForEveryPeriodZoneAndMoment() throws {
        let story = try Self.story()
        try expectSameReports(story, summaries: Self.summaries(story))
        // The figures are not all zero: the comparison bites.
        let november = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.shanghai))
        let report = KPIReport(period: november, input: ReportInput(tickets: story.tickets, events: story.events, operators: Self.people,
                                                                     handovers: [], policy: .dutyTable(timeZone: Self.shanghai)),
                               summaries: Self.summaries(story))
        #expect(report.value(.deskRequestsTaken, "desk") == 10)
        #expect(report.value(.backlog, "all") == 4)
        #expect(report.figure(.reopenRate, "all")?.numerator == 1)
        #expect(report.value(.imMajorAndBreachedHandled, "im") == 2)
        #expect(report.value(.lineSheetsSigned, "l1") == 1)
    }

    @Test func aStillRunningClockGivesOnePiecePerDeadline() throws {
        let story = try Self.story()
        let summaries = Self.summaries(story)
        let taken = try #require(summaries[TicketID(6)])
        #expect(taken.backlog && taken.pieces.count == 2, "open, watched by the incident manager: before and after its resolution deadline")
        #expect(taken.pieces.first?.through == Self.local("2026-11-15T13:00") && taken.pieces.last?.after == taken.pieces.first?.through)
        let unanswered = try #require(summaries[TicketID(7)])
        #expect(unanswered.backlog && unanswered.pieces.count == 1, "never answered, but nothing of its share depends on its clocks")
        let waiting = try #require(summaries[TicketID(8)])
        #expect(waiting.pieces.count == 1, "waiting on the customer before any deadline: nothing moves")
        let closed = try #require(summaries[TicketID(1)])
        #expect(!closed.backlog && closed.pieces.count == 1 && closed.pieces[0].hours != nil)
        #expect(closed.spanStart == Self.local("2026-11-02T09:00") && closed.spanEnd == Self.local("2026-11-02T10:00"))
    }

    @Test func whichIncidentsAReportReplays() throws {
        let story = try Self.story()
        let summaries = Self.summaries(story)
        let november = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.shanghai))
        let window = KPIWindow(start: november.interval.start, end: november.interval.end)
        func use(_ number: Int64) throws -> KPISummary.Use {
            let summary = try #require(summaries[TicketID(number)])
            let uses = summary.pieces.map {
                KPISummary.use(spanStart: summary.spanStart, spanEnd: summary.spanEnd, after: $0.after, through: $0.through,
                               backlog: summary.backlog, summarised: true, in: window)
            }
            #expect(uses.filter { $0 != .none }.count <= 1, "one piece of an incident at most")
            return uses.first { $0 != .none } ?? .none
        }
        #expect(try use(1) == .summarised)
        #expect(try use(2) == .replay, "crosses the start")
        #expect(try use(3) == .replay, "crosses the end")
        #expect(try use(6) == .summarised && use(7) == .summarised, "still open, inside the month")
        #expect(try use(12) == .backlog, "open since September")
        #expect(try use(13) == KPISummary.Use.none, "closed in September")
        #expect(try use(15) == KPISummary.Use.none, "opened in December")
        let unsummarised = KPISummary.use(spanStart: Self.local("2026-11-02T09:00"), spanEnd: .distantFuture, after: nil, through: nil,
                                          backlog: false, summarised: false, in: window)
        #expect(unsummarised == .replay)
    }

    @Test func aChangedRoleOrAnOperatorAddedLaterIsReplayed() throws {
        let story = try Self.story()
        let summaries = Self.summaries(story)
        // raj.patel moves from L1 to L2, and the vendor's engineer becomes an L2 operator.
        var changed = Self.people.map { $0.login == Staff.l1b.login ? Operator(login: $0.login, name: $0.name, role: .l2) : $0 }
        changed.append(Self.vendor)
        try expectSameReports(story, summaries: summaries, people: changed)
        let november = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.shanghai))
        let before = KPIReport(period: november, input: ReportInput(tickets: story.tickets, events: story.events, operators: Self.people,
                                                                     handovers: [], policy: .dutyTable(timeZone: Self.shanghai)))
        let after = KPIReport(period: november, input: ReportInput(tickets: story.tickets, events: story.events, operators: changed,
                                                                    handovers: [], policy: .dutyTable(timeZone: Self.shanghai)),
                              summaries: summaries)
        #expect(before.value(.lineTaken, "l2") != after.value(.lineTaken, "l2"), "the change shows in the figures")
        // A summary names the roles it looked up, with the role each had.
        let signature = try #require(summaries[TicketID(14)].flatMap { KPISignature(text: $0.pieces[0].signature) })
        #expect(signature.contribution.roles[Self.vendor.login] == "")
        #expect(signature.contribution.roles[Staff.l1.login] == "l1")
        var accumulator = KPIAccumulator(period: november, operators: changed, policy: .dutyTable(timeZone: Self.shanghai), now: nil)
        #expect(!accumulator.accepts(signature, policyHash: signature.policy))
        accumulator = KPIAccumulator(period: november, operators: Self.people, policy: .dutyTable(timeZone: Self.shanghai), now: nil)
        #expect(accumulator.accepts(signature, policyHash: signature.policy))
    }

    @Test func aChangedPolicyIsReplayed() throws {
        let story = try Self.story()
        let summaries = Self.summaries(story)
        // General incidents on office hours in New York, 2 h to resolve.
        let office = try WorkingCalendar(timeZone: Self.newYork, hours: ["09:00-12:00", "13:00-17:00"], days: ["mon", "tue", "wed", "thu", "fri"])
        let strict = try SLAPolicy(timeZone: Self.newYork, calendars: ["office": office],
                                   priorities: [.general: PriorityPolicy(calendar: "office", respondWithin: 1800, resolveWithin: 7200, escalation: [])])
        #expect(strict.fingerprint != SLAPolicy.dutyTable(timeZone: Self.shanghai).fingerprint)
        try expectSameReports(story, summaries: summaries, policy: strict)
        // Summaries written under that policy, read under the duty table, and under it again.
        let officeSummaries = Self.summaries(story, policy: strict)
        try expectSameReports(story, summaries: officeSummaries, zones: [Self.shanghai])
        try expectSameReports(story, summaries: officeSummaries, policy: strict)
    }

    @Test func anIncidentWithoutASummaryIsReplayed() throws {
        let story = try Self.story()
        var summaries = Self.summaries(story)
        summaries[TicketID(1)] = nil
        summaries[TicketID(6)] = nil
        try expectSameReports(story, summaries: summaries, zones: [Self.shanghai])
        try expectSameReports(story, summaries: [:], zones: [Self.shanghai])
    }

    @Test func signaturesReadBackWhatTheySay() throws {
        var share = KPIContribution(priority: .minor)
        share.takenByDesk = 1
        share.survey = 0
        share.l2.escalated = 3
        share.backlog = 1
        share.hours = 2.5
        share.work = ["ext omar|vendor": KPIContribution.Work(notes: 2), "张伟,=%": KPIContribution.Work(taken: 1, closed: 1)]
        share.roles = ["ext omar|vendor": "", "张伟,=%": "desk", "": ""]
        let signature = KPISignature(policy: -42, contribution: share)
        let read = try #require(KPISignature(text: signature.text))
        #expect(read == signature && read.contribution.hours == nil)
        #expect(!signature.text.contains("张"), "logins are percent-encoded")
        #expect(KPISignature(text: "k1|0|minor|1,2|||") == nil)
        #expect(KPISummary.hash("") != 0 && KPISummary.hash("a") != KPISummary.hash("b"))
    }
}
