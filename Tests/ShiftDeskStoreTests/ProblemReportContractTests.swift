import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// What problems add to the record beyond their life, on every backend (issue 14): the report's
/// problem figures, and the policy setting that makes waiting on a problem pause the clocks.
@Suite("Problems: report figures and the pausing policy")
struct ProblemReportContractTests {
    @Test(arguments: Backend.available)
    func theReportCountsProblemsKnownErrorResolutionsAndAFixThatDidNotHold(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        try await desk.store.addOperator(ProblemContractTests.manager)
        let first = try await desk.open(sampleDraft("三楼打印机卡纸"), as: "zhang.wei")
        let problem = try await desk.raiseProblem(title: "三楼打印机反复卡纸", linking: [first.id], as: "chen.jing")
        clock.advance(600)
        try await desk.step(.assess(owner: "he.jun"), on: problem.id, as: "he.jun")
        try await desk.step(.analyse, on: problem.id, as: "he.jun")
        try await desk.step(.publishKnownError(symptom: "三楼打印机卡纸", workaround: "关机后清理搓纸轮再开机"), on: problem.id, as: "he.jun")
        clock.advance(600)
        // A reworded call, resolved by the desk with the known error: first contact.
        let call = try await desk.open(sampleDraft("3楼打印机又卡纸了"), as: "zhang.wei")
        try await desk.resolveWithKnownError(call.id, problem: problem.id, as: "zhang.wei")
        clock.advance(3600)
        try await desk.step(.startFix(cause: "搓纸轮老化"), on: problem.id, as: "he.jun")
        clock.advance(3600)
        try await desk.step(.resolve(.fixApplied, text: "更换搓纸轮", duplicateOf: nil), on: problem.id, as: "he.jun")
        clock.advance(3600)
        // The fix did not hold: a new call linked to it afterwards.
        let again = try await desk.open(sampleDraft("三楼打印机又卡纸"), as: "zhang.wei")
        try await desk.step(.link(again.id), on: problem.id, as: "he.jun")
        // A second problem raised and cancelled.
        let other = try await desk.raiseProblem(title: "VPN 断线", linking: [], as: "sun.li")
        try await desk.step(.resolve(.cancelled, text: "not a problem", duplicateOf: nil), on: other.id, as: "he.jun")
        // The report is made a minute later (a month not yet over is judged as of now).
        clock.advance(60)

        let period = try #require(ReportPeriod.containing(t0, kind: .month, timeZone: .gmt))
        let report = try await ReportLoader(desk: desk).report(for: period)
        #expect(report.value(.problemsRaised, "problems") == 2)
        #expect(report.value(.problemsByStateAtEnd, "state:resolved") == 2)
        #expect(report.value(.problemsByStateAtEnd, "state:new") == 0)
        #expect(report.value(.problemsByStateAtEnd, "problems") == 0)
        let toCause = try #require(report.value(.problemMedianHoursToRootCause, "problems"))
        #expect(abs(toCause - (600 + 600 + 3600) / 3600.0) < 0.01)
        #expect(report.figure(.problemMedianHoursToResolution, "problems")?.denominator == 2)
        #expect(report.value(.knownErrorResolutions, "problems") == 1)
        let share = try #require(report.figure(.knownErrorShareOfFirstContact, "problems"))
        #expect(share.numerator == 1 && share.denominator == Int(report.value(.deskResolvedAtFirstContact, "desk") ?? -1))
        #expect(share.value == 100)
        #expect(report.value(.problemFixRecurred, "problems") == 1)
        // The same figures however the report is made.
        let replayed = try await ReportLoader(desk: desk).replayedReport(for: period)
        #expect(report.differences(from: replayed).isEmpty)
        let input = try await ReportLoader(desk: desk).input(for: period)
        #expect(report.differences(from: KPIReport(period: period, input: input)).isEmpty)
        // The renderers name them.
        let markdown = ReportRenderer(report: report, language: .en).markdown
        #expect(markdown.contains("## Problem management") && markdown.contains("incidents resolved by a known error | 1"))
    }

    @Test(arguments: Backend.available)
    func raisingWithALinkTheWorkflowRefusesStoresNoProblem(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let incident = try await desk.open(sampleDraft(), as: "zhang.wei")
        clock.advance(-3600)
        await #expect(throws: DeskError.self) {
            _ = try await desk.raiseProblem(title: "打印机卡纸", linking: [incident.id], as: "chen.jing")
        }
        #expect(try await desk.store.problems().isEmpty)
        #expect(try await desk.store.outbox(ofProblem: ProblemID(1)).isEmpty)
    }

    @Test(arguments: Backend.available)
    func waitingOnAProblemPausesTheClocksOnlyWhenThePolicySaysSo(_ backend: Backend) async throws {
        for pauses in [false, true] {
            let (base, clock) = try await staffedDesk(backend)
            try await base.store.addOperator(ProblemContractTests.manager)
            var policy = SLAPolicy.dutyTable
            policy.problemPausesClocks = pauses
            let desk = Desk(store: base.store, clock: clock, policy: policy)
            let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
            let problem = try await desk.raiseProblem(title: "打印机卡纸", linking: [], as: "chen.jing")
            clock.advance(600)
            try await desk.waitOnProblem(ticket.id, problem: problem.id, as: "zhang.wei")
            let stored = try #require(try await desk.store.ticket(ticket.id))
            #expect(stored.state == .pendingProblem)
            // Paused: no deadline while it waits (an open-ended pause); running: the deadline of the duty table.
            #expect((stored.resolveBy == nil) == pauses)
            let sla = try await desk.sla(of: stored)
            #expect((sla.evaluation.resolution.state == .paused(.problem)) == pauses)
            clock.advance(5 * 3600)
            #expect(try await desk.sla(of: stored).evaluation.resolution.breached == !pauses)
        }
    }
}
