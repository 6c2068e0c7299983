import Foundation
import Testing
@testable import ShiftDeskCore

/// A problem's life (issue 14): every step and every refusal, with the rule it names.
@Suite("Problems: a problem's life and known errors")
struct ProblemLifeTests {
    static let prb = ProblemID(7)

    func raised(by actor: Operator = Staff.l2) throws -> Problem {
        try ProblemLife.raise(title: "打印机卡纸 printer jams", reason: "three calls", id: Self.prb, by: actor, at: t0).problem
    }

    /// Applies `action`, expecting it to be allowed.
    func step(_ action: ProblemAction, _ problem: Problem, by actor: Operator = Staff.problemManager, at minute: Double = 1,
              linked: [TicketID] = []) throws -> ProblemLife.Outcome {
        try ProblemLife.apply(action, to: problem, by: actor, at: minutes(minute), linked: linked)
    }

    /// The rule that refuses `action`, nil when allowed.
    func refusedRule(_ action: ProblemAction, _ problem: Problem, by actor: Operator = Staff.problemManager,
                     linked: [TicketID] = []) -> String? {
        do {
            _ = try ProblemLife.apply(action, to: problem, by: actor, at: minutes(1), linked: linked)
            return nil
        } catch {
            #expect(error.problem == problem.id)
            #expect(!error.message(.en).isEmpty && !error.message(.zh).isEmpty)
            return error.ruleID
        }
    }

    func inAnalysis() throws -> Problem {
        let assessed = try step(.assess(owner: Staff.l2), try raised()).problem
        return try step(.analyse, assessed, by: Staff.l2).problem
    }

    func fixing() throws -> Problem { try step(.startFix(cause: "worn roller"), try inAnalysis(), by: Staff.l2).problem }

    @Test func secondLineTheIncidentManagerAndTheProblemManagerRaiseOthersDoNot() throws {
        for actor in [Staff.l2, Staff.im, Staff.problemManager] {
            let outcome = try ProblemLife.raise(title: " VPN drops ", reason: nil, id: Self.prb, by: actor, at: t0)
            #expect(outcome.problem.state == .new && outcome.problem.title == "VPN drops" && outcome.problem.raisedBy == actor.login)
            #expect(outcome.event.kind == .raised && outcome.event.actor == actor.login)
        }
        for actor in [Staff.desk, Staff.l1, Staff.supervisor, Staff.owner] {
            #expect(throws: ProblemRefusal(.commentRole(actor.role))) {
                try ProblemLife.raise(title: "x y", reason: nil, id: Self.prb, by: actor, at: t0)
            }
        }
        #expect(throws: ProblemRefusal(.readOnly)) { try ProblemLife.raise(title: "x", reason: nil, id: Self.prb, by: Staff.auditor, at: t0) }
        #expect(throws: ProblemRefusal(.textRequired(.problemTitle))) {
            try ProblemLife.raise(title: "  ", reason: nil, id: Self.prb, by: Staff.l2, at: t0)
        }
        #expect(throws: ProblemRefusal.self) {
            try ProblemLife.raise(title: String(repeating: "长", count: 201), reason: nil, id: Self.prb, by: Staff.l2, at: t0)
        }
    }

    @Test func theWholeLifeFromNewToClosedRecordsEachStep() throws {
        var problem = try raised()
        var outcome = try step(.assess(owner: Staff.l2), problem)
        #expect(outcome.problem.state == .assessed && outcome.problem.owner == "chen.jing")
        #expect(outcome.event.kind == .assessed)
        #expect(outcome.event.change(of: "owner") == FieldChange(field: "owner", before: nil, after: "chen.jing"))
        #expect(outcome.event.change(of: "state") == FieldChange(field: "state", before: "new", after: "assessed"))
        problem = outcome.problem
        // The owner moves it from here on.
        outcome = try step(.analyse, problem, by: Staff.l2, at: 2)
        #expect(outcome.problem.state == .analysis && outcome.event.kind == .analysisStarted)
        outcome = try step(.startFix(cause: " 定影器老化 worn fuser "), outcome.problem, by: Staff.l2, at: 3)
        #expect(outcome.problem.state == .fixInProgress && outcome.problem.cause == "定影器老化 worn fuser")
        #expect(outcome.problem.rootCauseAt == minutes(3))
        outcome = try step(.resolve(.fixApplied, text: "replaced the fuser", duplicateOf: nil), outcome.problem, by: Staff.l2, at: 4)
        #expect(outcome.problem.state == .resolved && outcome.problem.resolution == .fixApplied)
        #expect(outcome.problem.resolutionNote == "replaced the fuser" && outcome.problem.resolvedAt == minutes(4))
        outcome = try step(.close, outcome.problem, at: 5)
        #expect(outcome.problem.state == .closed && outcome.problem.closedAt == minutes(5) && outcome.event.kind == .closed)
        outcome = try step(.reanalyse(note: "jammed again"), outcome.problem, by: Staff.l2, at: 6)
        #expect(outcome.problem.state == .analysis && outcome.problem.resolution == nil && outcome.problem.resolvedAt == nil)
        #expect(outcome.problem.closedAt == nil && outcome.problem.cause == "定影器老化 worn fuser")
        #expect(outcome.event.note == "jammed again")
    }

    @Test func onlyTheProblemManagerAndTheOwnerMoveIt() throws {
        let problem = try step(.assess(owner: Staff.l2), try raised()).problem
        for actor in [Staff.desk, Staff.l1, Staff.im, Staff.supervisor, Staff.owner] {
            #expect(refusedRule(.analyse, problem, by: actor) == "problem.move-role", "\(actor.role)")
        }
        let otherL2 = Operator(login: "zhao.lei", name: "赵磊", role: .l2)
        #expect(refusedRule(.analyse, problem, by: otherL2) == "problem.move-role")
        #expect(refusedRule(.analyse, problem, by: Staff.auditor) == "auditor.read-only")
        #expect(refusedRule(.analyse, problem, by: Staff.l2) == nil)
        #expect(refusedRule(.analyse, problem, by: Staff.problemManager) == nil)
    }

    @Test func onlyTheProblemManagerAssessesAndTheOwnerIsOneWhoWorksIncidentsLinks() throws {
        let problem = try raised()
        #expect(refusedRule(.assess(owner: Staff.l2), problem, by: Staff.l2) == "problem.assess-role")
        #expect(refusedRule(.assess(owner: Staff.l2), problem, by: Staff.im) == "problem.assess-role")
        #expect(refusedRule(.assess(owner: Staff.desk), problem) == "problem.owner-role")
        #expect(refusedRule(.assess(owner: Staff.auditor), problem) == "problem.owner-role")
        var gone = Staff.l2
        gone.disabled = true
        #expect(refusedRule(.assess(owner: gone), problem) == "problem.owner-role")
        let assessed = try step(.assess(owner: Staff.l2), problem).problem
        #expect(refusedRule(.assess(owner: Staff.l2), assessed) == "problem.owner-unchanged")
        // Handing it to another owner keeps its state.
        let handed = try step(.assess(owner: Staff.im), try step(.analyse, assessed).problem).problem
        #expect(handed.owner == "sun.li" && handed.state == .analysis)
    }

    @Test func stepsOutOfOrderAreRefusedNamingTheState() throws {
        let new = try raised()
        #expect(refusedRule(.analyse, new) == "problem.state")
        #expect(refusedRule(.startFix(cause: "x"), new) == "problem.state")
        #expect(refusedRule(.reanalyse(note: "x"), new) == "problem.state")
        #expect(refusedRule(.publishKnownError(symptom: "a b", workaround: "c"), new) == "problem.state")
        let analysing = try inAnalysis()
        #expect(refusedRule(.analyse, analysing) == "problem.state")
        let refusal = try #require(throws: ProblemRefusal.self) { try ProblemLife.apply(.analyse, to: new, by: Staff.problemManager, at: t0) }
        #expect(refusal.message(.en).contains("a problem that is new cannot be analysis started"))
        #expect(refusal.message(.zh).contains("新建状态的问题单不能执行"))
    }

    @Test func missingCauseFixAndReasonAreRefused() throws {
        let analysing = try inAnalysis()
        #expect(refusedRule(.startFix(cause: "  "), analysing) == "text.required")
        #expect(refusedRule(.resolve(.fixApplied, text: "done", duplicateOf: nil), analysing) == "problem.fix-needs-cause")
        let fixing = try fixing()
        #expect(refusedRule(.resolve(.fixApplied, text: nil, duplicateOf: nil), fixing) == "text.required")
        #expect(refusedRule(.resolve(.fixApplied, text: " ", duplicateOf: nil), fixing) == "text.required")
        #expect(refusedRule(.resolve(.riskAccepted, text: nil, duplicateOf: nil), fixing) == "text.required")
        #expect(refusedRule(.resolve(.cancelled, text: "", duplicateOf: nil), fixing) == "text.required")
        #expect(refusedRule(.reanalyse(note: ""), try step(.resolve(.cancelled, text: "not a fault", duplicateOf: nil), fixing).problem)
                == "text.required")
        // Risk accepted and cancelled need no cause: a problem can end before analysis.
        let new = try raised()
        let cancelled = try step(.resolve(.cancelled, text: "user error", duplicateOf: nil), new).problem
        #expect(cancelled.state == .resolved && cancelled.resolution == .cancelled && cancelled.resolutionNote == "user error")
        let accepted = try step(.resolve(.riskAccepted, text: "legacy, retiring in Q1", duplicateOf: nil), analysing).problem
        #expect(accepted.resolution == .riskAccepted)
        let message = ProblemRefusal(.textRequired(.rootCause), problem: Self.prb)
        #expect(message.message(.en) == "PRB-000007: the root cause needs some text [text.required]")
        #expect(message.message(.zh) == "PRB-000007: 根本原因不能为空 [text.required]")
    }

    @Test func aDuplicateNeedsAnotherOpenProblem() throws {
        let problem = try inAnalysis()
        #expect(refusedRule(.resolve(.duplicate, text: nil, duplicateOf: nil), problem) == "problem.duplicate-needed")
        #expect(refusedRule(.resolve(.duplicate, text: nil, duplicateOf: problem), problem) == "problem.duplicate-of-itself")
        var closed = try raised()
        closed.id = ProblemID(3)
        closed.state = .closed
        #expect(refusedRule(.resolve(.duplicate, text: nil, duplicateOf: closed), problem) == "problem.duplicate-target-not-open")
        var other = try raised()
        other.id = ProblemID(3)
        let outcome = try step(.resolve(.duplicate, text: nil, duplicateOf: other), problem)
        #expect(outcome.problem.duplicateOf == ProblemID(3) && outcome.problem.resolution == .duplicate)
        #expect(outcome.event.change(of: "duplicate_of")?.after == "PRB-000003")
    }

    @Test func closingNeedsAResolvedProblem() throws {
        for problem in [try raised(), try inAnalysis(), try fixing()] {
            #expect(refusedRule(.close, problem) == "problem.close-needs-resolved")
        }
        let closed = try step(.close, try step(.resolve(.cancelled, text: "x", duplicateOf: nil), try raised()).problem).problem
        #expect(refusedRule(.close, closed) == "problem.close-needs-resolved")
    }

    @Test func theKnownErrorIsPublishedFromAnalysisOnAndVersionedWhenEdited() throws {
        let analysing = try inAnalysis()
        #expect(refusedRule(.publishKnownError(symptom: "", workaround: "x"), analysing) == "text.required")
        #expect(refusedRule(.publishKnownError(symptom: "打印机卡纸", workaround: " "), analysing) == "text.required")
        #expect(refusedRule(.publishKnownError(symptom: "a\nb", workaround: "x"), analysing) == "text.limit")
        #expect(refusedRule(.publishKnownError(symptom: "x", workaround: "y"), analysing, by: Staff.im) == "problem.move-role")
        let first = try step(.publishKnownError(symptom: "打印机卡纸", workaround: "打开后盖取纸"), analysing, by: Staff.l2, at: 2)
        #expect(first.problem.knownError == KnownError(symptom: "打印机卡纸", workaround: "打开后盖取纸", version: 1,
                                                       publishedBy: "chen.jing", publishedAt: minutes(2)))
        #expect(first.event.kind == .knownErrorPublished && first.event.change(of: "known_error_version")?.after == "1")
        #expect(refusedRule(.publishKnownError(symptom: "打印机卡纸", workaround: "打开后盖取纸"), first.problem) == "problem.known-error-unchanged")
        let second = try step(.publishKnownError(symptom: "打印机卡纸", workaround: "打开后盖取纸，重启"), first.problem, at: 3)
        #expect(second.problem.knownError?.version == 2)
        #expect(second.event.change(of: "known_error_workaround") == FieldChange(field: "known_error_workaround", before: "打开后盖取纸",
                                                                                after: "打开后盖取纸，重启"))
        // A closed problem's known error is no longer edited.
        let closed = try step(.close, try step(.resolve(.riskAccepted, text: "old model", duplicateOf: nil), second.problem).problem).problem
        #expect(refusedRule(.publishKnownError(symptom: "a b", workaround: "c"), closed) == "problem.state")
    }

    @Test func communicateNeedsAKnownErrorAndRecordsWhoWasTold() throws {
        let analysing = try inAnalysis()
        #expect(refusedRule(.communicated(to: []), analysing) == "problem.no-known-error")
        let published = try step(.publishKnownError(symptom: "x y", workaround: "restart"), analysing).problem
        let told = try step(.communicated(to: [TicketID(1), TicketID(4)]), published)
        #expect(told.event.incidents == [TicketID(1), TicketID(4)] && told.event.note == "restart")
        #expect(told.problem == published)
    }

    @Test func notesAndLinksAreForSecondLineTheIncidentManagerTheManagerAndTheOwner() throws {
        let problem = try raised()
        for actor in [Staff.l2, Staff.im, Staff.problemManager] {
            #expect(refusedRule(.note("seen again"), problem, by: actor) == nil)
            #expect(refusedRule(.link(TicketID(9)), problem, by: actor) == nil)
        }
        for actor in [Staff.desk, Staff.l1, Staff.supervisor, Staff.owner] {
            #expect(refusedRule(.note("x"), problem, by: actor) == "problem.comment-role")
        }
        #expect(refusedRule(.note(" "), problem) == "text.required")
        #expect(refusedRule(.link(TicketID(9)), problem, linked: [TicketID(9)]) == "problem.already-linked")
        #expect(refusedRule(.unlink(TicketID(9)), problem) == "problem.not-linked")
        #expect(refusedRule(.unlink(TicketID(9)), problem, by: Staff.im, linked: [TicketID(9)]) == "problem.move-role")
        let unlinked = try step(.unlink(TicketID(9)), problem, linked: [TicketID(9)])
        #expect(unlinked.event.kind == .incidentUnlinked && unlinked.event.incidents == [TicketID(9)])
    }

    @Test func statesWrittenBeforeTheLifeReadAsItsStates() {
        #expect(ProblemState(stored: "open") == .new)
        #expect(ProblemState(stored: "investigating") == .analysis)
        #expect(ProblemState(stored: "fix_in_progress") == .fixInProgress)
        #expect(ProblemState(stored: "bogus") == nil)
        for state in ProblemState.allCases { #expect(ProblemState(stored: state.rawValue) == state) }
    }

    @Test func aDeskAgentResolvesWithAKnownErrorAtFirstContact() throws {
        var ticket = try opened()
        ticket.id = TicketID(12)
        let outcome = try Workflow.apply(.resolveWithKnownError(Self.prb, note: "打开后盖取纸"), to: ticket, by: Staff.desk, at: minutes(2))
        #expect(outcome.ticket.state == .resolved && outcome.ticket.problem == Self.prb)
        #expect(outcome.event.resolutionKind == .knownError)
        #expect(outcome.event.change(of: "problem")?.after == "PRB-000007")
        #expect(!outcome.event.isWorkaround)
        #expect(refusal { _ = try Workflow.apply(.resolveWithKnownError(Self.prb, note: " "), to: ticket, by: Staff.desk, at: minutes(2)) }
                == "text.required")
    }
}

@Suite("Problems: incidents waiting on a problem")
struct WaitingOnProblemTests {
    @Test func anIncidentWaitsOnAProblemWithTheClocksRunningAndIsResolvedByIt() throws {
        var ticket = try opened()
        ticket.id = TicketID(3)
        let prb = ProblemID(5)
        #expect(refusal { _ = try Workflow.apply(.pend(.problem), to: ticket, by: Staff.desk, at: minutes(1)) } == "pend.problem-needed")
        let waiting = try Workflow.apply(.pendOnProblem(prb), to: ticket, by: Staff.desk, at: minutes(1))
        #expect(waiting.ticket.state == .pendingProblem && waiting.ticket.problem == prb && waiting.event.kind == .pended)
        #expect(refusal { _ = try Workflow.apply(.pendOnProblem(prb), to: waiting.ticket, by: Staff.desk, at: minutes(2)) }
                == "pend.already-pending")
        // Waiting on a problem pauses nothing (the clocks run, as for a vendor).
        let timeline = ClockTimeline(ticket: waiting.ticket, events: [waiting.event])
        #expect(timeline.stops.isEmpty)
        #expect(refusal { _ = try Workflow.apply(.resolveByProblem(ProblemID(6), fix: "x"), to: waiting.ticket, by: Staff.problemManager, at: minutes(3)) }
                == "problem.not-waiting")
        #expect(refusal { _ = try Workflow.apply(.resolveByProblem(prb, fix: "x"), to: waiting.ticket, by: Staff.desk, at: minutes(3)) }
                == "problem.role")
        #expect(refusal { _ = try Workflow.apply(.resolveByProblem(prb, fix: "x"), to: ticket, by: Staff.l2, at: minutes(3)) }
                == "problem.not-waiting")
        let resolved = try Workflow.apply(.resolveByProblem(prb, fix: "firmware 2.1"), to: waiting.ticket, by: Staff.problemManager, at: minutes(3))
        #expect(resolved.ticket.state == .resolved && resolved.ticket.resolutionNote == "firmware 2.1")
        #expect(resolved.event.resolutionKind == .problem && resolved.event.actor == "he.jun")
        // The desk can still resume it by hand.
        #expect(try Workflow.apply(.resume, to: waiting.ticket, by: Staff.desk, at: minutes(3)).ticket.state == .inProgress)
    }
}

@Suite("Problems: matching known errors at first contact")
struct KnownErrorMatchTests {
    func entry(_ number: Int64, title: String, symptom: String, services: Set<String> = [], resolution: ProblemResolution? = nil) -> KnownErrorIndex.Entry {
        let known = KnownError(symptom: symptom, workaround: "workaround \(number)", publishedBy: "he.jun", publishedAt: t0)
        let problem = Problem(id: ProblemID(number), title: title, state: resolution == nil ? .analysis : .resolved,
                              raisedBy: "chen.jing", raisedAt: t0, resolution: resolution, knownError: known)
        return KnownErrorIndex.Entry(problem: problem, knownError: known, services: services)
    }

    @Test func aRewordedSymptomMatchesInChineseAndInEnglish() {
        let index = KnownErrorIndex([
            entry(1, title: "三楼打印机频繁卡纸", symptom: "打印机卡纸，无法打印"),
            entry(2, title: "VPN concentrator drops sessions", symptom: "VPN disconnects every few minutes"),
            entry(3, title: "邮件服务器无法发送外部邮件", symptom: "外部邮件发送失败"),
        ])
        #expect(index.matches(title: "打印机又卡纸了，无法打印").map(\.problem.id) == [ProblemID(1)])
        // The same rule as the recurring clusters: three shared bigrams of eight are not enough.
        #expect(index.matches(title: "财务部打印机又卡纸了").isEmpty)
        #expect(index.matches(title: "my VPN keeps disconnecting every few minutes").map(\.problem.id) == [ProblemID(2)])
        #expect(index.matches(title: "VPN drops all sessions").map(\.problem.id) == [ProblemID(2)])
        #expect(index.matches(title: "密码重置").isEmpty)
        #expect(index.matches(title: "打").isEmpty)
    }

    @Test func theCallsOwnServiceRanksFirstThenTheOverlap() {
        let index = KnownErrorIndex([
            entry(1, title: "printer jam tray", symptom: "printer jam paper tray"),
            entry(2, title: "printer jam toner", symptom: "printer jam toner", services: ["Printing"]),
        ])
        #expect(index.matches(title: "printer jam in paper tray").map(\.problem.id) == [ProblemID(1), ProblemID(2)])
        #expect(index.matches(title: "printer jam in paper tray", service: " printing ").map(\.problem.id) == [ProblemID(2), ProblemID(1)])
    }

    @Test func aFixedDuplicateOrCancelledProblemIsNoLongerOffered() {
        let index = KnownErrorIndex([
            entry(1, title: "printer jam", symptom: "printer jam", resolution: .fixApplied),
            entry(2, title: "printer jam", symptom: "printer jam", resolution: .duplicate),
            entry(3, title: "printer jam", symptom: "printer jam", resolution: .cancelled),
            entry(4, title: "printer jam", symptom: "printer jam", resolution: .riskAccepted),
        ])
        #expect(index.matches(title: "printer jam again").map(\.problem.id) == [ProblemID(4)])
    }
}
