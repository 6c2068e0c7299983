import Foundation
import Testing
@testable import ShiftDeskCore

/// "SLA clocks and ladders use the policy version in force when each instant was reached"
/// (issue 15): deadlines and steps of a ticket whose life spans an approval, on both sides of it.
@Suite("SLA over policy versions: each instant under the version in force then")
struct PolicyTimelineSLATests {
    /// 2026-11-02 10:00 Shanghai.
    static let t0 = Date(timeIntervalSince1970: 1_793_584_800)
    static let desk = Operator(login: "zhang.wei", name: "张伟", role: .desk)

    /// V1.0 the duty table (general: respond 30m, resolve 4h, steps 2h and 4h); V1.1 from
    /// `approval`: the general first step at 1 h, resolve within 3 h.
    static func timeline(approval: Date) throws -> PolicyTimeline {
        var faster = SLAPolicy.dutyTablePriorities
        faster[.general]?.escalation[0].after = 3600
        faster[.general]?.resolveWithin = 3 * 3600
        let v11 = try SLAPolicy(timeZone: .gmt, calendars: [:], priorities: faster)
        return PolicyTimeline(entries: [
            PolicyTimeline.Entry(version: .first, from: t0.addingTimeInterval(-30 * 86_400), policy: .dutyTable),
            PolicyTimeline.Entry(version: DocumentVersionNumber(major: 1, minor: 1), from: approval, policy: v11),
        ], fallback: .dutyTable)
    }

    static func ticket(openedAt: Date, resolvedAfter: TimeInterval? = nil) -> (Ticket, [TicketEvent]) {
        var ticket = Ticket(id: TicketID(1), title: "打印机卡纸", caller: Caller(name: "王小明"), channel: .phone, priority: .general, openedAt: openedAt)
        ticket.owner = desk.login
        var events = [TicketEvent(id: 1, ticket: ticket.id, actor: desk.login, at: openedAt, kind: .opened, changes: ticket.changes(since: nil), note: nil)]
        if let resolvedAfter {
            let before = ticket
            ticket.state = .resolved
            ticket.resolvedAt = openedAt.addingTimeInterval(resolvedAfter)
            ticket.firstResponseAt = ticket.resolvedAt
            events.append(TicketEvent(id: 2, ticket: ticket.id, actor: desk.login, at: openedAt.addingTimeInterval(resolvedAfter), kind: .resolved,
                                      changes: ticket.changes(since: before), note: nil))
        }
        return (ticket, events)
    }

    static func sla(_ timeline: PolicyTimeline, openedAt: Date, resolvedAfter: TimeInterval? = nil, now: Date) -> TicketSLA {
        let (ticket, events) = ticket(openedAt: openedAt, resolvedAfter: resolvedAfter)
        return TicketSLA(ticket: ticket, events: events, policies: timeline, fired: [], now: now)
    }

    @Test func aTicketOpenedAndDueBeforeTheApprovalKeepsTheOldVersionsInstants() throws {
        // Approved at 14:30: a ticket opened at 10:00 reached its 2 h step (12:00) and its 4 h
        // resolution deadline (14:00) under V1.0; V1.1 changes nothing of what was already reached.
        let timeline = try Self.timeline(approval: Self.t0.addingTimeInterval(4.5 * 3600))
        let sla = Self.sla(timeline, openedAt: Self.t0, now: Self.t0.addingTimeInterval(5 * 3600))
        #expect(sla.plan.steps.map(\.at) == [Self.t0.addingTimeInterval(2 * 3600), Self.t0.addingTimeInterval(4 * 3600)])
        #expect(sla.resolveBy == Self.t0.addingTimeInterval(4 * 3600))
        #expect(sla.respondBy == Self.t0.addingTimeInterval(30 * 60))
    }

    @Test func aTicketOpenedAfterTheApprovalIsJudgedByTheNewVersionAlone() throws {
        let approval = Self.t0
        let timeline = try Self.timeline(approval: approval)
        let opened = approval.addingTimeInterval(60)
        let sla = Self.sla(timeline, openedAt: opened, now: opened.addingTimeInterval(60))
        #expect(sla.plan.steps.first?.at == opened.addingTimeInterval(3600))
        #expect(sla.resolveBy == opened.addingTimeInterval(3 * 3600))
        // The same as that policy on its own.
        let alone = TicketSLA(ticket: Self.ticket(openedAt: opened).0, events: Self.ticket(openedAt: opened).1,
                              policy: timeline.policy(at: opened), fired: [], now: opened.addingTimeInterval(60))
        #expect(alone.plan == sla.plan && alone.evaluation == sla.evaluation)
    }

    @Test func aTicketOpenOnBothSidesTakesEachInstantFromTheVersionThenInForce() throws {
        // Opened 10:00 under V1.0, approval of V1.1 at 10:30, still open.
        let approval = Self.t0.addingTimeInterval(30 * 60)
        let timeline = try Self.timeline(approval: approval)
        var sla = Self.sla(timeline, openedAt: Self.t0, now: approval.addingTimeInterval(60))
        // The step V1.1 puts at 11:00 is after the approval: 11:00, with V1.1's recipients.
        #expect(sla.plan.steps[0].at == Self.t0.addingTimeInterval(3600))
        #expect(sla.plan.steps[0].after == 3600)
        // Resolution: 3 h under V1.1 (13:00), reached after the approval.
        #expect(sla.resolveBy == Self.t0.addingTimeInterval(3 * 3600))
        // The response deadline (10:30) was reached under V1.0, right at the approval: kept.
        #expect(sla.respondBy == Self.t0.addingTimeInterval(30 * 60))

        // Approved at 11:30 instead: V1.1's 1 h step had passed before it took force; under V1.0
        // it was not yet due. It falls due at the approval, as a step past at a priority change.
        let late = Self.t0.addingTimeInterval(90 * 60)
        sla = Self.sla(try Self.timeline(approval: late), openedAt: Self.t0, now: late.addingTimeInterval(60))
        #expect(sla.plan.steps[0].at == late)
        #expect(sla.nextStep?.level == 1 && sla.escalationDueAt == late)
        #expect(sla.resolveBy == Self.t0.addingTimeInterval(3 * 3600))
        // Before the approval was known, the same ticket planned 12:00 (the desk re-plans on approval).
        let before = Self.sla(try Self.timeline(approval: late).known(at: late.addingTimeInterval(-60)), openedAt: Self.t0,
                              now: late.addingTimeInterval(-60))
        #expect(before.plan.steps[0].at == Self.t0.addingTimeInterval(2 * 3600))
    }

    @Test func aDeadlineTheNewVersionPutsBeforeTheApprovalIsReachedAtTheApproval() throws {
        // V1.1 resolves within 3 h; approved at 13:30, when the ticket (opened 10:00) was still
        // inside V1.0's 4 h. Reached at 13:30, so resolving at 13:45 breaches and at 13:15 does not.
        let approval = Self.t0.addingTimeInterval(3.5 * 3600)
        let timeline = try Self.timeline(approval: approval)
        let late = Self.sla(timeline, openedAt: Self.t0, resolvedAfter: 3.75 * 3600, now: approval.addingTimeInterval(3600))
        #expect(late.resolveBy == approval && late.evaluation.resolution.breached)
        let early = Self.sla(timeline, openedAt: Self.t0, resolvedAfter: 3.25 * 3600, now: approval.addingTimeInterval(3600))
        #expect(!early.evaluation.resolution.breached, "resolved under V1.0, within its 4 h")
        // A step not yet due at the resolution never falls due.
        #expect(early.plan.steps.allSatisfy { $0.at == nil || $0.at! < Self.t0.addingTimeInterval(3.25 * 3600) })
    }

    @Test func oneVersionThroughoutIsThatPolicysOwnComputationAndFingerprint() throws {
        let single = PolicyTimeline(entries: [PolicyTimeline.Entry(version: .first, from: Self.t0, policy: .dutyTable)], fallback: .dutyTable)
        #expect(single.fingerprint == SLAPolicy.dutyTable.fingerprint, "a desk's stored plans stay valid across the upgrade")
        #expect(PolicyTimeline(.dutyTable).fingerprint == SLAPolicy.dutyTable.fingerprint)
        let two = try Self.timeline(approval: Self.t0)
        #expect(two.fingerprint != SLAPolicy.dutyTable.fingerprint && two.fingerprint != two.policy(at: Self.t0).fingerprint)
        #expect(try Self.timeline(approval: Self.t0.addingTimeInterval(1)).fingerprint != two.fingerprint, "the instant counts")
        // Approving the same text again changes nothing that plans.
        let same = PolicyTimeline(entries: single.entries + [PolicyTimeline.Entry(version: DocumentVersionNumber(major: 1, minor: 1), from: Self.t0.addingTimeInterval(60),
                                                                                   policy: .dutyTable)], fallback: .dutyTable)
        #expect(same.fingerprint == single.fingerprint)
        #expect(two.versions(from: Self.t0.addingTimeInterval(-60), to: Self.t0.addingTimeInterval(60)).map(\.description) == ["V1.0", "V1.1"])
        #expect(two.versions(from: Self.t0.addingTimeInterval(60), to: Self.t0.addingTimeInterval(120)).map(\.description) == ["V1.1"])
    }

    @Test func aMonthlyReportJudgesEachDeadlineUnderTheVersionThenInForceAndNamesBoth() throws {
        // November; V1.1 (resolve 3 h) approved on the 15th. Two incidents each resolved after
        // 3.5 h: within V1.0's 4 h on the 2nd, past V1.1's 3 h on the 20th.
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let month = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: zone))
        let approval = Self.t0.addingTimeInterval(13 * 86_400)
        let timeline = try Self.timeline(approval: approval)
        var tickets: [Ticket] = [], events: [TicketEvent] = []
        for (number, opened) in [(1, Self.t0), (2, Self.t0.addingTimeInterval(18 * 86_400))] {
            var (ticket, history) = Self.ticket(openedAt: opened, resolvedAfter: 3.5 * 3600)
            ticket.id = TicketID(Int64(number))
            for index in history.indices { history[index].ticket = ticket.id; history[index].id = Int64(number * 10 + index) }
            tickets.append(ticket)
            events += history
        }
        let now = Self.t0.addingTimeInterval(28 * 86_400)
        let input = ReportInput(tickets: tickets, events: events, operators: [Self.desk], handovers: [], policy: .dutyTable, now: now,
                                policies: timeline)
        let report = KPIReport(period: month, input: input)
        #expect(report.figure(.resolutionCompliance, "all")?.numerator == 1 && report.figure(.resolutionCompliance, "all")?.denominator == 2)
        // One version throughout would have judged both alike.
        let old = KPIReport(period: month, input: ReportInput(tickets: tickets, events: events, operators: [Self.desk], handovers: [],
                                                              policy: .dutyTable, now: now))
        #expect(old.figure(.resolutionCompliance, "all")?.numerator == 2)
        // Through summaries, as a store makes it: the same figures.
        let summaries = Dictionary(uniqueKeysWithValues: tickets.map { ticket in
            (ticket.id, KPISummary.make(ReportTicket(ticket: ticket, events: events.filter { $0.ticket == ticket.id }), roles: [Self.desk.login: .desk],
                                        policies: timeline, fingerprint: timeline.fingerprint))
        })
        #expect(KPIReport(period: month, input: input, summaries: summaries).differences(from: report).isEmpty)
        let versions = try #require(ReportPolicyVersions.of(timeline, period: month, now: now))
        #expect(versions.inForce.map(\.version) == ["V1.0", "V1.1"] && versions.inForce[1].from == approval)
        #expect(versions.computedWith == "V1.0, V1.1")
        var named = report
        named.policyVersions = versions
        let line = try #require(ReportRenderer(report: named, language: .en).policyLine)
        #expect(line.contains("V1.0, V1.1 (from") && line.contains("each deadline under the version in force when it was reached"), "\(line)")
        #expect(ReportPolicyVersions.of(PolicyTimeline(.dutyTable), period: month, now: now) == nil)
    }
}
