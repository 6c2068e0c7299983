import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// A problem's life through the desk and the store contract, on every backend (issue 14).
@Suite("Problems: the store contract")
struct ProblemContractTests {
    static let manager = Operator(login: "he.jun", name: "何军", role: .problemManager)

    func desk(_ backend: Backend) async throws -> (Desk, ManualClock) {
        let (desk, clock) = try await staffedDesk(backend)
        try await desk.store.addOperator(Self.manager)
        return (desk, clock)
    }

    /// The rule a refused step names.
    func rule(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let DeskError.problemRefused(refusal) {
            return refusal.ruleID
        } catch let DeskError.refused(refusal) {
            return refusal.ruleID
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test(arguments: Backend.available)
    func everyStepIsAnEventInTheProblemsOwnHistoryAndEveryFieldRoundTrips(_ backend: Backend) async throws {
        let (desk, clock) = try await desk(backend)
        let incident = try await desk.open(sampleDraft(), as: "zhang.wei")
        let raised = try await desk.raiseProblem(title: "打印机卡纸 printer jams", reason: "三次 three calls", linking: [incident.id], as: "chen.jing")
        #expect(raised.state == .new && raised.reason == "三次 three calls")
        let steps: [(ProblemStep, String)] = [
            (.assess(owner: "chen.jing"), "he.jun"), (.analyse, "chen.jing"), (.note("看过了 seen"), "sun.li"),
            (.publishKnownError(symptom: "打印机卡纸", workaround: "打开后盖\n取出纸张"), "chen.jing"), (.startFix(cause: "roller worn"), "chen.jing"),
            (.resolve(.fixApplied, text: "roller replaced", duplicateOf: nil), "chen.jing"), (.close, "he.jun"),
            (.reanalyse(note: "again"), "he.jun"),
        ]
        for (step, login) in steps {
            clock.advance(60)
            try await desk.step(step, on: raised.id, as: login)
        }
        let record = try await desk.problemRecord(raised.id)
        #expect(record.events.map(\.kind) == [.raised, .assessed, .analysisStarted, .noted, .knownErrorPublished, .fixStarted,
                                              .resolved, .closed, .reanalysed])
        #expect(record.events.map(\.actor) == ["chen.jing", "he.jun", "chen.jing", "sun.li", "chen.jing", "chen.jing", "chen.jing",
                                               "he.jun", "he.jun"])
        #expect(record.events[0].incidents == [incident.id] && record.events[0].note == "三次 three calls")
        #expect(record.events.map(\.id) == record.events.map(\.id).sorted() && Set(record.events.map(\.id)).count == 9)
        #expect(record.events[4].change(of: "known_error_workaround")?.after == "打开后盖\n取出纸张")
        let p = record.problem
        #expect(p.state == .analysis && p.owner == "chen.jing" && p.cause == "roller worn" && p.version == 9)
        #expect(p.knownError == KnownError(symptom: "打印机卡纸", workaround: "打开后盖\n取出纸张", version: 1, publishedBy: "chen.jing",
                                           publishedAt: t0.addingTimeInterval(240)))
        #expect(p.rootCauseAt == t0.addingTimeInterval(300) && p.resolution == nil && p.resolvedAt == nil && p.closedAt == nil)
        #expect(record.incidents.map(\.id) == [incident.id])
        #expect(try await desk.store.problem(raised.id) == p)
        #expect(try await desk.store.problemEvents(from: t0.addingTimeInterval(120), to: t0.addingTimeInterval(241)).map(\.kind)
                == [.analysisStarted, .noted, .knownErrorPublished])
    }

    @Test(arguments: Backend.available)
    func refusalsNameTheirRuleAndWriteNothing(_ backend: Backend) async throws {
        let (desk, clock) = try await desk(backend)
        let problem = try await desk.raiseProblem(title: "VPN drops sessions", linking: [], as: "sun.li")
        clock.advance(60)
        #expect(await rule { try await desk.step(.assess(owner: "chen.jing"), on: problem.id, as: "chen.jing") } == "problem.assess-role")
        #expect(await rule { try await desk.step(.analyse, on: problem.id, as: "he.jun") } == "problem.state")
        #expect(await rule { try await desk.step(.close, on: problem.id, as: "he.jun") } == "problem.close-needs-resolved")
        #expect(await rule { try await desk.step(.resolve(.duplicate, text: nil, duplicateOf: problem.id), on: problem.id, as: "he.jun") }
                == "problem.duplicate-of-itself")
        #expect(await rule { try await desk.step(.resolve(.riskAccepted, text: " ", duplicateOf: nil), on: problem.id, as: "he.jun") }
                == "text.required")
        #expect(await rule { try await desk.step(.note("x"), on: problem.id, as: "zhang.wei") } == "problem.comment-role")
        #expect(await rule { _ = try await desk.raiseProblem(title: "x y", linking: [], as: "wang.fang") } == "problem.role")
        try await desk.step(.assess(owner: "chen.jing"), on: problem.id, as: "he.jun")
        try await desk.step(.analyse, on: problem.id, as: "chen.jing")
        #expect(await rule { try await desk.step(.startFix(cause: ""), on: problem.id, as: "chen.jing") } == "text.required")
        #expect(await rule { try await desk.step(.resolve(.fixApplied, text: "x", duplicateOf: nil), on: problem.id, as: "chen.jing") }
                == "problem.fix-needs-cause")
        #expect(await rule { try await desk.step(.analyse, on: problem.id, as: "sun.li") } == "problem.move-role")
        let record = try await desk.problemRecord(problem.id)
        #expect(record.events.count == 3 && record.problem.version == 3 && record.problem.state == .analysis)
        await #expect(throws: DeskError.store(.problemNotFound(ProblemID(99)))) { try await desk.step(.analyse, on: ProblemID(99), as: "he.jun") }
        await #expect(throws: DeskError.unknownOperator("nobody")) {
            try await desk.step(.assess(owner: "nobody"), on: problem.id, as: "he.jun")
        }
    }

    @Test(arguments: Backend.available)
    func twoSeatsMovingOneProblemHaveOneWinnerTheOtherToldWho(_ backend: Backend) async throws {
        let (desk, clock) = try await desk(backend)
        let problem = try await desk.raiseProblem(title: "VPN drops sessions", linking: [], as: "sun.li")
        clock.advance(60)
        try await desk.step(.assess(owner: "chen.jing"), on: problem.id, as: "he.jun", seenVersion: 1)
        // Caught untyped and matched after: a typed catch pattern here crashes this compiler (TOOLCHAIN-NOTES).
        let refusal: (any Error)? = await {
            do {
                try await desk.step(.resolve(.cancelled, text: "dup", duplicateOf: nil), on: problem.id, as: "he.jun", seenVersion: 1)
                return nil
            } catch {
                return error as any Error
            }
        }()
        guard case let .store(.problemConflict(id, changedBy, _, kind))? = refusal as? DeskError else {
            Issue.record("a stale version must be refused naming who moved it, got \(String(describing: refusal))")
            return
        }
        #expect(id == problem.id && changedBy == "he.jun" && kind == .assessed)
        // The store itself refuses a stale write, whoever asks.
        var stale = problem
        stale.state = .closed
        await #expect(throws: StoreError.self) {
            _ = try await desk.store.updateProblem(stale, event: ProblemEvent(problem: problem.id, actor: "he.jun", at: t0, kind: .closed))
        }
        let record = try await desk.problemRecord(problem.id)
        #expect(record.problem.state == .assessed && record.events.count == 2)
    }

    @Test(arguments: Backend.available)
    func communicateWritesOneNotePerOpenLinkedIncidentNoneToClosedOnes(_ backend: Backend) async throws {
        let (desk, clock) = try await desk(backend)
        var ids: [TicketID] = []
        for n in 0..<3 { ids.append(try await desk.open(sampleDraft("打印机卡纸 \(n)"), as: "zhang.wei").id) }
        try await desk.perform(.resolve(note: "cleared"), on: ids[2], as: "zhang.wei")
        try await desk.perform(.close(.unreachable), on: ids[2], as: "zhang.wei")
        let problem = try await desk.raiseProblem(title: "打印机卡纸", linking: ids, as: "chen.jing")
        clock.advance(60)
        #expect(await rule { try await desk.step(.communicate, on: problem.id, as: "he.jun") } == "problem.no-known-error")
        try await desk.step(.assess(owner: "chen.jing"), on: problem.id, as: "he.jun")
        try await desk.step(.analyse, on: problem.id, as: "chen.jing")
        try await desk.step(.publishKnownError(symptom: "打印机卡纸", workaround: "取出纸张"), on: problem.id, as: "chen.jing")
        let notesBefore = try await desk.store.events(of: ids[2]).count
        let result = try await desk.step(.communicate, on: problem.id, as: "chen.jing")
        #expect(result.incidents == [ids[0], ids[1]])
        #expect(result.outcome.event.kind == .communicated && result.outcome.event.incidents == [ids[0], ids[1]])
        for id in ids[0...1] {
            let notes = try await desk.store.events(of: id).filter { $0.kind == .noted }
            #expect(notes.count == 1)
            #expect(notes.first?.note == "[\(problem.id) known error v1] 取出纸张" && notes.first?.actor == "chen.jing")
        }
        #expect(try await desk.store.events(of: ids[2]).count == notesBefore)
    }

    @Test(arguments: Backend.available)
    func aDuplicateMovesItsIncidentsToTheProblemItDuplicates(_ backend: Backend) async throws {
        let (desk, clock) = try await desk(backend)
        let a = try await desk.open(sampleDraft("VPN drops"), as: "zhang.wei")
        let b = try await desk.open(sampleDraft("VPN drops again"), as: "zhang.wei")
        let c = try await desk.open(sampleDraft("VPN drops at night"), as: "zhang.wei")
        let kept = try await desk.raiseProblem(title: "VPN concentrator", linking: [c.id], as: "chen.jing")
        let duplicate = try await desk.raiseProblem(title: "VPN sessions", linking: [a.id, b.id], as: "sun.li")
        clock.advance(60)
        let result = try await desk.step(.resolve(.duplicate, text: nil, duplicateOf: kept.id), on: duplicate.id, as: "he.jun")
        #expect(result.outcome.problem.duplicateOf == kept.id && result.outcome.problem.state == .resolved)
        #expect(Set(result.incidents) == [a.id, b.id])
        #expect(try await desk.store.tickets(linkedTo: kept.id).map(\.id) == [a.id, b.id, c.id])
        #expect(try await desk.store.tickets(linkedTo: duplicate.id).isEmpty)
        let keptHistory = try await desk.store.problemEvents(of: kept.id)
        #expect(keptHistory.last?.kind == .incidentLinked && keptHistory.last?.incidents == [a.id, b.id])
        #expect(try await desk.store.events(of: a.id).last?.change(of: "problem") == FieldChange(field: "problem", before: "PRB-000002",
                                                                                             after: "PRB-000001"))
        // A closed problem takes no duplicates.
        let other = try await desk.raiseProblem(title: "VPN other", linking: [], as: "sun.li")
        try await desk.step(.close, on: duplicate.id, as: "he.jun")
        try await desk.step(.resolve(.cancelled, text: "x", duplicateOf: nil), on: kept.id, as: "he.jun")
        #expect(await rule { try await desk.step(.resolve(.duplicate, text: nil, duplicateOf: kept.id), on: other.id, as: "he.jun") }
                == "problem.duplicate-target-not-open")
    }

    @Test(arguments: Backend.available)
    func aCallResolvedWithAKnownErrorIsLinkedAndCountedAsKnownError(_ backend: Backend) async throws {
        let (desk, clock) = try await desk(backend)
        let problem = try await desk.raiseProblem(title: "打印机卡纸", linking: [], as: "chen.jing")
        clock.advance(60)
        let call = try await desk.open(sampleDraft("财务部打印机又卡纸了，无法打印"), as: "zhang.wei")
        #expect(await rule { try await desk.resolveWithKnownError(call.id, problem: problem.id, as: "zhang.wei") } == "problem.no-known-error")
        try await desk.step(.assess(owner: "chen.jing"), on: problem.id, as: "he.jun")
        try await desk.step(.analyse, on: problem.id, as: "chen.jing")
        try await desk.step(.publishKnownError(symptom: "打印机卡纸，无法打印", workaround: "打开后盖取出纸张"), on: problem.id, as: "chen.jing")
        let index = try await desk.knownErrorIndex()
        #expect(index.matches(title: call.title, service: call.affectedService).map(\.problem.id) == [problem.id])
        let outcome = try await desk.resolveWithKnownError(call.id, problem: problem.id, as: "zhang.wei")
        #expect(outcome.ticket.state == .resolved && outcome.ticket.problem == problem.id)
        #expect(outcome.ticket.resolutionNote == "打开后盖取出纸张" && outcome.event.resolutionKind == .knownError)
        #expect(try await desk.store.problemEvents(of: problem.id).last?.incidents == [call.id])
        #expect(try await desk.store.tickets(linkedTo: problem.id).map(\.id) == [call.id])
    }

    @Test(arguments: Backend.available)
    func fixAppliedResolvesExactlyTheIncidentsWaitingOnTheProblem(_ backend: Backend) async throws {
        let (desk, clock) = try await desk(backend)
        var ids: [TicketID] = []
        for n in 0..<4 { ids.append(try await desk.open(sampleDraft("VPN drops \(n)"), as: "zhang.wei").id) }
        let problem = try await desk.raiseProblem(title: "VPN concentrator", linking: [ids[0], ids[1]], as: "chen.jing")
        let other = try await desk.raiseProblem(title: "VPN other", linking: [], as: "chen.jing")
        clock.advance(60)
        try await desk.waitOnProblem(ids[0], problem: problem.id, as: "zhang.wei")   // linked, waits
        try await desk.waitOnProblem(ids[2], problem: problem.id, as: "zhang.wei")   // links by waiting
        try await desk.waitOnProblem(ids[3], problem: other.id, as: "zhang.wei")     // waits on another
        // ids[1] is linked but does not wait.
        #expect(try await desk.store.ticket(ids[2])?.problem == problem.id)
        #expect(try await desk.store.problemEvents(of: problem.id).last?.incidents == [ids[2]])
        try await desk.step(.assess(owner: "chen.jing"), on: problem.id, as: "he.jun")
        try await desk.step(.analyse, on: problem.id, as: "chen.jing")
        try await desk.step(.startFix(cause: "firmware bug"), on: problem.id, as: "chen.jing")
        let result = try await desk.step(.resolve(.fixApplied, text: "firmware 2.1 installed", duplicateOf: nil), on: problem.id, as: "chen.jing")
        #expect(result.incidents == [ids[0], ids[2]])
        for id in [ids[0], ids[2]] {
            let ticket = try #require(try await desk.store.ticket(id))
            #expect(ticket.state == .resolved && ticket.resolutionNote == "firmware 2.1 installed")
            #expect(try await desk.store.events(of: id).last?.resolutionKind == .problem)
        }
        #expect(try await desk.store.ticket(ids[1])?.state == .inProgress)
        #expect(try await desk.store.ticket(ids[3])?.state == .pendingProblem)
        // A resolved problem takes no more waiting incidents.
        let late = try await desk.open(sampleDraft("VPN drops late"), as: "zhang.wei")
        #expect(await rule { try await desk.waitOnProblem(late.id, problem: problem.id, as: "zhang.wei") } == "problem.state")
    }

    @Test(arguments: Backend.available)
    func problemHistoryIsAppendOnly(_ backend: Backend) async throws {
        guard backend == .sqlite else { return }
        let (desk, _) = try await desk(backend)
        _ = try await desk.raiseProblem(title: "VPN drops", linking: [], as: "sun.li")
        let store = try #require(desk.store as? SQLiteStore)
        await #expect(throws: (any Error).self) { try await store.pool.write { db in try db.execute(sql: "UPDATE problem_events SET actor = 'x'") } }
        await #expect(throws: (any Error).self) { try await store.pool.write { db in try db.execute(sql: "DELETE FROM problem_events") } }
        #expect(try await store.problemEvents(of: ProblemID(1)).map(\.actor) == ["sun.li"])
    }
}
