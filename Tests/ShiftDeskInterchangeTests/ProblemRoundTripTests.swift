import Foundation
import Testing
import ShiftDeskCore
import ShiftDeskStore
@testable import ShiftDeskInterchange

/// Issue 14: problems and their known errors travel in ShiftDesk's JSON export with their whole
/// histories, and come back the same.
@Suite struct ProblemRoundTripTests {
    static let people = [
        Operator(login: "zhang.wei", name: "张伟", role: .desk), Operator(login: "chen.jing", name: "陈静", role: .l2),
        Operator(login: "he.jun", name: "何军", role: .problemManager),
    ]

    /// A desk with a problem in fix with a known error (an incident waiting on it, one resolved
    /// with it) and a second problem resolved as its duplicate.
    func deskWithProblems() async throws -> (Desk, ProblemID, ProblemID) {
        let desk = try Scratch.desk()
        for person in Self.people { try await desk.store.addOperator(person) }
        func draft(_ title: String) -> TicketDraft { TicketDraft(title: title, caller: Caller(name: "王伟"), affectedService: "打印") }
        let a = try await desk.open(draft("三楼打印机卡纸"), as: "zhang.wei")
        let b = try await desk.open(draft("三楼打印机卡纸无法打印"), as: "zhang.wei")
        let main = try await desk.raiseProblem(title: "三楼打印机反复卡纸", reason: "一周三次\nthree a week", linking: [a.id, b.id], as: "chen.jing")
        try await desk.step(.assess(owner: "he.jun"), on: main.id, as: "he.jun")
        try await desk.step(.analyse, on: main.id, as: "he.jun")
        try await desk.step(.publishKnownError(symptom: "三楼打印机卡纸", workaround: "关机后清理搓纸轮\n再开机"), on: main.id, as: "he.jun")
        try await desk.step(.startFix(cause: "搓纸轮老化"), on: main.id, as: "he.jun")
        try await desk.waitOnProblem(b.id, problem: main.id, as: "zhang.wei")
        let c = try await desk.open(draft("3楼打印机又卡纸了"), as: "zhang.wei")
        try await desk.resolveWithKnownError(c.id, problem: main.id, as: "zhang.wei")
        let twin = try await desk.raiseProblem(title: "打印机卡纸 (二楼)", linking: [], as: "chen.jing")
        try await desk.step(.resolve(.duplicate, text: "同一原因", duplicateOf: main.id), on: twin.id, as: "he.jun")
        return (desk, main.id, twin.id)
    }

    @Test func problemsAndKnownErrorsComeBackWithTheirHistoriesAndTheSameBytes() async throws {
        let (original, main, twin) = try await deskWithProblems()
        let first = try await export(original, .json)
        #expect(first.hasPrefix("{\"format\":\"shiftdesk-export\",\"version\":2,"))
        #expect(first.contains("\"problems\":["))
        let copy = try Scratch.desk()
        let report = try await importText(first, .json, into: copy)
        #expect(report.imported == 3 && report.problems == 2 && report.importedProblems == 2, "\(report)")
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        #expect(try await export(copy, .json) == first)
        // The imported problems are in the record journal: the copy's record verifies.
        #expect(try await AuditVerifier.verify(copy.store).firstBreak == nil)

        let before = try await original.problemRecord(main), after = try await copy.problemRecord(main)
        #expect(after.problem.knownError == before.problem.knownError && after.problem.cause == "搓纸轮老化" && after.problem.state == .fixInProgress)
        #expect(after.events.map(\.kind) == before.events.map(\.kind))
        #expect(after.events.map(\.at) == before.events.map(\.at) && after.events.map(\.actor) == before.events.map(\.actor))
        #expect(after.events.map(\.incidents) == before.events.map(\.incidents))
        #expect(after.incidents.map(\.id) == before.incidents.map(\.id) && after.incidents.count == 3)
        #expect(after.problem.source != nil && before.problem.source == nil)
        let twinCopy = try await copy.problemRecord(twin)
        #expect(twinCopy.problem.duplicateOf == main && twinCopy.problem.resolution == .duplicate)
        // The known error is offered in the copy too.
        #expect(try await copy.knownErrorIndex().matches(title: "3楼打印机又卡纸了").first?.problem.id == main)

        // Importing again, or into the desk it came from, adds nothing.
        let problemEvents = try await copy.store.problemEvents(from: .distantPast, to: .distantFuture).count
        let again = try await importText(first, .json, into: copy)
        #expect(again.importedProblems == 0 && again.problemsAlreadyPresent == 2)
        #expect(try await copy.store.problemEvents(from: .distantPast, to: .distantFuture).count == problemEvents)
        let back = try await importText(first, .json, into: original)
        #expect(back.importedProblems == 0 && back.problemsAlreadyPresent == 2 && back.imported == 0)
        #expect(try await original.store.problems().count == 2)
    }

    @Test func aDeskThatHasProblemsOfItsOwnGetsTheImportedOnesUnderNewNumbersLinkedRight() async throws {
        let (original, main, _) = try await deskWithProblems()
        let text = try await export(original, .json)
        let busy = try Scratch.desk()
        for person in Self.people { try await busy.store.addOperator(person) }
        let own = try await busy.raiseProblem(title: "VPN 断线", linking: [], as: "chen.jing")
        #expect(own.id == main)
        let report = try await importText(text, .json, into: busy)
        #expect(report.importedProblems == 2 && report.warnings.isEmpty, "\(report)")
        let imported = try #require(try await busy.store.problems().first { $0.title == "三楼打印机反复卡纸" })
        #expect(imported.id != main)
        let record = try await busy.problemRecord(imported.id)
        #expect(record.incidents.count == 3 && record.incidents.allSatisfy { $0.problem == imported.id })
        #expect(try await busy.problemRecord(own.id).incidents.isEmpty)
    }

    @Test func aProblemWithABadValueIsNamedAndLeftOut() async throws {
        let (original, _, _) = try await deskWithProblems()
        let text = try await export(original, .json).replacingOccurrences(of: "\"state\":\"fix_in_progress\"", with: "\"state\":\"sleeping\"")
        let copy = try Scratch.desk()
        let report = try await importText(text, .json, into: copy)
        #expect(report.importedProblems == 1)
        #expect(report.skipped.contains { $0.reason.contains("problem 1 (PRB-000001): state \"sleeping\" is not known") }, "\(report.skipped)")
        await #expect(throws: ImportFailure.self) { try await importText(text, .json, into: try Scratch.desk(), strict: true) }
    }
}
