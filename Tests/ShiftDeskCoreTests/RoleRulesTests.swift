import Foundation
import Testing
@testable import ShiftDeskCore

/// The three roles that work no queue (DESIGN.md, "Growing the shape"; issues 14, 15, 18): the
/// problem manager and the owner read and add work notes (the problem manager also raises and
/// links problems); the internal auditor reads everything and changes nothing.
@Suite("Workflow: problem manager, owner, internal auditor")
struct RoleRulesTests {
    /// Every action there is, on a ticket where it could otherwise apply.
    static let everyAction: [TicketAction] = [
        .take, .takeOver, .escalate(to: .l1, note: "x"), .pend(.customer), .resume, .resolve(note: "x"),
        .resolveWithWorkaround(note: "x"), .resolveWithKnownError(ProblemID(1), note: "x"), .close(.rated(score: 5, comment: nil)), .reopen(note: "x"), .note("x"),
        .changePriority(.major), .linkProblem(ProblemID(1)), .printSheet, .signSheet,
    ]

    @Test func theRolesAreLabelledInBothLanguagesAndWorkNoQueue() {
        #expect(Role.problemManager.rawValue == "problem_manager")
        #expect(Role.problemManager.label(.zh) == "问题经理" && Role.problemManager.label(.en) == "problem manager")
        #expect(Role.owner.label(.zh) == "管理体系负责人" && Role.owner.label(.en) == "management-system owner")
        #expect(Role.auditor.label(.zh) == "内审员" && Role.auditor.label(.en) == "internal auditor")
        for role in [Role.problemManager, .owner, .auditor] {
            #expect(role.tier == nil, "\(role) works no queue")
        }
        #expect(Role.allCases.filter(\.isReadOnly) == [.auditor])
    }

    @Test func theAuditorDoesNoTicketActionAtAllNotEvenANote() throws {
        let ticket = try opened()
        for action in Self.everyAction {
            do {
                _ = try Workflow.apply(action, to: ticket, by: Staff.auditor, at: minutes(1))
                Issue.record("\(action) by the auditor must be refused")
            } catch {
                #expect(error.ruleID == "auditor.read-only", "\(action)")
                #expect(error.ticket == ticket.id)
                #expect(error.message(.en).contains("changes nothing"))
                #expect(error.message(.zh).contains("内审员不能") && error.message(.zh).contains("只读"))
            }
        }
        // Even on a resolved ticket (where close would be the desk's), the auditor's rule comes first.
        let resolved = try Workflow.apply(.resolve(note: "fixed"), to: ticket, by: Staff.desk, at: minutes(2)).ticket
        #expect(refusal { _ = try Workflow.apply(.close(.unreachable), to: resolved, by: Staff.auditor, at: minutes(3)) } == "auditor.read-only")
        // An over-long note is refused as read-only, not as too long: the role is the rule.
        #expect(refusal { _ = try Workflow.apply(.note(String(repeating: "x", count: 100_000)), to: ticket, by: Staff.auditor, at: minutes(3)) } == "auditor.read-only")
    }

    @Test func theAuditorLogsNothingRaisesNoProblemHandsNothingOverConfirmsNoCall() {
        #expect(refusal { _ = try Workflow.open(draft(), id: TicketID(1), by: Staff.auditor, at: t0) } == "auditor.read-only")
        for change in [Workflow.DeskChange.raiseProblem, .submitHandover, .acknowledgeHandover, .confirmCall, .logIncident] {
            #expect(refusal { try Workflow.check(change, by: Staff.auditor) } == "auditor.read-only", "\(change)")
            #expect(Workflow.roleRule(change, by: .auditor) == .readOnly(change))
        }
        let message = WorkflowRefusal(.readOnly(.confirmCall)).message(.en)
        #expect(message == "the internal auditor may not confirm an escalation call: reads everything, changes nothing [auditor.read-only]")
        #expect(WorkflowRefusal(.readOnly(.ticket(.noted)), ticket: TicketID(4)).message(.en)
            == "INC-000004: the internal auditor may not add a note: reads everything, changes nothing [auditor.read-only]")
        #expect(WorkflowRefusal(.readOnly(.submitHandover)).message(.zh).contains("提交交接"))
        #expect(!Workflow.mayChange(.auditor) && Workflow.mayChange(.owner) && Workflow.mayChange(.problemManager))
    }

    @Test func theProblemManagerAndTheOwnerReadAndAddNotes() throws {
        let ticket = try opened()
        for person in [Staff.problemManager, Staff.owner] {
            let outcome = try Workflow.apply(.note("根因分析中 root cause under analysis"), to: ticket, by: person, at: minutes(1))
            #expect(outcome.event.kind == .noted && outcome.event.actor == person.login && outcome.event.changes.isEmpty)
            #expect(outcome.ticket.state == ticket.state && outcome.ticket.assignee == ticket.assignee, "a note moves nothing")
            #expect(refusal { _ = try Workflow.apply(.note("  "), to: ticket, by: person, at: minutes(1)) } == "text.required")
        }
    }

    @Test func theProblemManagerRaisesAndLinksProblemsTheOwnerDoesNot() throws {
        let ticket = try opened()
        let linked = try Workflow.apply(.linkProblem(ProblemID(3)), to: ticket, by: Staff.problemManager, at: minutes(1))
        #expect(linked.ticket.problem == ProblemID(3) && linked.event.kind == .problemLinked)
        #expect(refusal { _ = try Workflow.apply(.linkProblem(ProblemID(3)), to: linked.ticket, by: Staff.problemManager, at: minutes(2)) } == "problem.already-linked")
        #expect(refusal { _ = try Workflow.apply(.linkProblem(ProblemID(3)), to: ticket, by: Staff.owner, at: minutes(1)) } == "problem.role")
        #expect(refusal { try Workflow.check(.raiseProblem, by: Staff.problemManager) } == nil)
        #expect(refusal { try Workflow.check(.raiseProblem, by: Staff.owner) } == "problem.role")
        #expect(WorkflowRefusal(.problemRole(.owner)).message(.en).contains("the problem manager do"))
        #expect([Role.l2, .im, .problemManager] == Role.allCases.filter(Workflow.mayRaiseProblems))
    }

    @Test func theProblemManagerAndTheOwnerWorkNoQueue() throws {
        let atDesk = try opened(.email)
        let resolved = try Workflow.apply(.resolve(note: "fixed"), to: try opened(), by: Staff.desk, at: minutes(1)).ticket
        for person in [Staff.problemManager, Staff.owner] {
            for action in Self.everyAction where action.kind != .noted && action.kind != .problemLinked {
                let target = action.kind == .closed || action.kind == .reopened ? resolved : atDesk
                do {
                    _ = try Workflow.apply(action, to: target, by: person, at: minutes(2))
                    Issue.record("\(action) by the \(person.role) must be refused")
                } catch {
                    #expect(error.ruleID == "role.notes-only", "\(person.role) \(action)")
                }
            }
            #expect(refusal { _ = try Workflow.open(draft(.email), id: TicketID(1), by: person, at: t0) } == "role.notes-only")
        }
        #expect(WorkflowRefusal(.notesOnly(.problemManager)).message(.en).contains("raises problems"))
        #expect(!WorkflowRefusal(.notesOnly(.owner)).message(.en).contains("raises problems"))
        #expect(WorkflowRefusal(.notesOnly(.owner), ticket: TicketID(9)).message(.zh)
            == "INC-000009: 管理体系负责人不处理队列：可查看事件、添加备注；由服务台和各线支持处理 [role.notes-only]")
    }

    @Test func theProblemManagerAndTheOwnerMayStillHandOverAndConfirmCalls() {
        // Only the auditor is barred from these: the others are not read-only.
        for person in [Staff.problemManager, Staff.owner] {
            for change in [Workflow.DeskChange.submitHandover, .acknowledgeHandover, .confirmCall] {
                #expect(refusal { try Workflow.check(change, by: person) } == nil)
            }
        }
    }

    @Test func theExistingRolesAreUnchanged() throws {
        let ticket = try opened()
        for role in [Role.desk, .l1, .l2, .im, .supervisor] {
            #expect(Workflow.roleRule(.ticket(.noted), by: role) == nil)
            #expect(Workflow.roleRule(.logIncident, by: role) == nil)
            #expect(Workflow.roleRule(.submitHandover, by: role) == nil)
            #expect(Workflow.roleRule(.confirmCall, by: role) == nil)
        }
        #expect(try Workflow.apply(.linkProblem(ProblemID(1)), to: ticket, by: Staff.l2, at: minutes(1)).ticket.problem == ProblemID(1))
        #expect(refusal { _ = try Workflow.apply(.linkProblem(ProblemID(1)), to: ticket, by: Staff.desk, at: minutes(1)) } == "problem.role")
        #expect(refusal { _ = try Workflow.apply(.escalate(to: .l1, note: nil), to: ticket, by: Staff.supervisor, at: minutes(1)) } == "escalate.path")
    }
}
