import Foundation
import Testing
@testable import ShiftDeskCore

@Suite struct EscalationTests {
    let policy = SLAPolicy.dutyTable
    func t(_ s: String) throws -> Date { try at("2026-11-30 \(s)") }
    func levels(_ steps: [PlannedStep]) -> [Int] { steps.map(\.level) }

    @Test func generalLadderAtTheExactThresholds() throws {
        let plan = EscalationPlanner.plan(priority: .general, timeline: ClockTimeline(openedAt: try t("10:00")), policy: policy)
        #expect(plan.steps.map(\.at) == [try t("12:00"), try t("14:00")])
        #expect(plan.steps[0].notify == [.incidentManager] && plan.steps[0].via == [.email])
        #expect(plan.steps[1].notify == [.operationsManager, .operationsDirector, .managementOwner])
        #expect(plan.dueSteps(now: try t("11:59:59")).isEmpty)
        #expect(levels(plan.dueSteps(now: try t("12:00"))) == [1])
        #expect(levels(plan.dueSteps(now: try t("13:59:59"), alreadyRecorded: [1])).isEmpty)
        #expect(levels(plan.dueSteps(now: try t("14:00"))) == [1, 2])
        #expect(levels(plan.dueSteps(now: try t("14:00"), alreadyRecorded: [1])) == [2])
        #expect(plan.nextDueInstant(after: try t("10:00")) == (try t("12:00")))
        #expect(plan.nextDueInstant(after: try t("12:00"), alreadyRecorded: [1]) == (try t("14:00")))
        #expect(plan.nextDueInstant(after: try t("14:00"), alreadyRecorded: [1, 2]) == nil)
    }

    @Test func minorLadder() throws {
        let plan = EscalationPlanner.plan(priority: .minor, timeline: ClockTimeline(openedAt: try t("10:00")), policy: policy)
        #expect(plan.steps.map(\.at) == [try t("14:00"), try t("18:00")])
        #expect(plan.dueSteps(now: try t("13:59:59")).isEmpty)
        #expect(levels(plan.dueSteps(now: try t("14:00"))) == [1])
        #expect(levels(plan.dueSteps(now: try t("18:00"))) == [1, 2])
    }

    @Test func majorEscalatesAtOnce() throws {
        let plan = EscalationPlanner.plan(priority: .major, timeline: ClockTimeline(openedAt: try t("10:00")), policy: policy)
        #expect(plan.steps.count == 1)
        #expect(plan.steps[0].at == (try t("10:00")))
        #expect(plan.steps[0].notify == RecipientRole.escalation && plan.steps[0].via == [.phone, .email])
        #expect(levels(plan.dueSteps(now: try t("10:00"))) == [1])
        #expect(plan.dueSteps(now: try t("09:59:59")).isEmpty)
    }

    @Test func raisingToMajorEscalatesAtTheRaise() throws {
        let tl = ClockTimeline(openedAt: try t("10:00"))
        let plan = EscalationPlanner.plan(priority: .major, timeline: tl, policy: policy, priorityChangedAt: try t("10:30"))
        #expect(plan.steps[0].at == (try t("10:30")))
        #expect(plan.dueSteps(now: try t("10:29:59")).isEmpty)
        #expect(levels(plan.dueSteps(now: try t("10:30"))) == [1])
        // Lowering major → general at 13:00: the general ladder's 12:00 step falls due at the change.
        let lowered = EscalationPlanner.plan(priority: .general, timeline: tl, policy: policy, priorityChangedAt: try t("13:00"))
        #expect(lowered.steps.map(\.at) == [try t("13:00"), try t("14:00")])
    }

    @Test func resolvedTicketsHaveNothingDueLater() throws {
        let tl = ClockTimeline(openedAt: try t("10:00"), respondedAt: try t("10:05"), resolvedAt: try t("11:00"))
        let plan = EscalationPlanner.plan(priority: .general, timeline: tl, policy: policy)
        #expect(plan.steps.allSatisfy { $0.at == nil })
        #expect(plan.dueSteps(now: try t("23:00")).isEmpty)
        #expect(plan.nextDueInstant(after: try t("11:00")) == nil)
        // Resolved exactly at the threshold: resolved in time, not escalated.
        let atThreshold = ClockTimeline(openedAt: try t("10:00"), resolvedAt: try t("12:00"))
        #expect(EscalationPlanner.plan(priority: .general, timeline: atThreshold, policy: policy).dueSteps(now: try t("23:00")).isEmpty)
        // Resolved after the first step: the first stays due (it was), the second never comes.
        let afterFirst = ClockTimeline(openedAt: try t("10:00"), resolvedAt: try t("12:30"))
        let p = EscalationPlanner.plan(priority: .general, timeline: afterFirst, policy: policy)
        #expect(p.steps.map(\.at) == [try t("12:00"), nil])
    }

    @Test func customerPauseMovesTheSteps() throws {
        let tl = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("10:30"), end: try t("11:00"), reason: .customer)])
        let plan = EscalationPlanner.plan(priority: .general, timeline: tl, policy: policy)
        #expect(plan.steps.map(\.at) == [try t("12:30"), try t("14:30")])
        #expect(plan.dueSteps(now: try t("12:00")).isEmpty)
        // Still waiting on the customer: nothing falls due.
        let waiting = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("10:30"), end: nil, reason: .customer)])
        let w = EscalationPlanner.plan(priority: .general, timeline: waiting, policy: policy)
        #expect(try w.dueSteps(now: t("23:00")).isEmpty)
        #expect(try w.nextDueInstant(after: t("10:30")) == nil)
    }

    @Test func reopeningResumesTheLadder() throws {
        let tl = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("11:00"), end: try t("13:00"), reason: .resolved)])
        let plan = EscalationPlanner.plan(priority: .general, timeline: tl, policy: policy)
        #expect(plan.steps.map(\.at) == [try t("14:00"), try t("16:00")])
    }

    @Test func officeCalendarLadder() throws {
        let office = try shanghaiOffice()
        var prios = SLAPolicy.dutyTablePriorities
        for p in Priority.allCases { prios[p]?.calendar = "office" }
        let policy = try SLAPolicy(timeZone: try tz("Asia/Shanghai"), calendars: ["office": office], priorities: prios)
        // General opened Friday 17:00: 2h = 1h Friday + 1h Monday; 4h ends exactly at Monday 12:00 (span end).
        let g = EscalationPlanner.plan(priority: .general, timeline: ClockTimeline(openedAt: try at("2026-11-27 17:00")), policy: policy)
        #expect(g.steps.map(\.at) == [try t("10:00"), try t("12:00")])
        // Major opened on a Saturday night: at once, whatever the calendar.
        let m = EscalationPlanner.plan(priority: .major, timeline: ClockTimeline(openedAt: try at("2026-11-28 03:00")), policy: policy)
        #expect(m.steps[0].at == (try at("2026-11-28 03:00")))
    }

    @Test func dutyTableDefaults() throws {
        let p = SLAPolicy.dutyTable
        #expect(p.calendars.keys.sorted() == ["24x7"])
        #expect(p.policy(for: .major).respondWithin == 15 * minute && p.policy(for: .major).resolveWithin == 4 * hour)
        #expect(p.policy(for: .general).respondWithin == 30 * minute && p.policy(for: .general).resolveWithin == 4 * hour)
        #expect(p.policy(for: .minor).respondWithin == hour && p.policy(for: .minor).resolveWithin == 8 * hour)
        #expect(throws: SLAPolicyError.self) {
            try SLAPolicy(timeZone: try tz("UTC"), calendars: [:],
                          priorities: [.minor: PriorityPolicy(calendar: "ofice", respondWithin: 60, resolveWithin: 60, escalation: [])])
        }
        let e = p.evaluate(priority: .general, timeline: ClockTimeline(openedAt: try t("10:00")), now: try t("10:45"))
        #expect(e.response.breached && !e.resolution.breached && e.breached)
        #expect(e.resolution.deadline == (try t("14:00")))
    }
}
