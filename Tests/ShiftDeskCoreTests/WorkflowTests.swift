import Foundation
import Testing
@testable import ShiftDeskCore

@Suite("Workflow: the duty table's rules")
struct WorkflowTests {
    @Test func deskLoggingAPhoneCallRespondsAtOnce() throws {
        let ticket = try opened()
        #expect(ticket.state == .inProgress)
        #expect(ticket.tier == .desk)
        #expect(ticket.assignee == "zhang.wei")
        #expect(ticket.owner == "zhang.wei")
        #expect(ticket.firstResponseAt == t0)
        #expect(!ticket.bypassedDesk)
    }

    @Test func mailWaitsInTheDeskQueue() throws {
        let ticket = try opened(.email)
        #expect(ticket.state == .new)
        #expect(ticket.assignee == nil)
        #expect(ticket.firstResponseAt == nil)
        let taken = try Workflow.apply(.take, to: ticket, by: Staff.desk2, at: minutes(3)).ticket
        #expect(taken.assignee == "amy.chen")
        #expect(taken.firstResponseAt == minutes(3))
    }

    /// An arrival nobody at the desk has handled (an inbox, a monitor, a drill's replay) is owned
    /// by the desk agent who accepts it, not by whoever wrote it in.
    @Test func anUnattendedArrivalBelongsToTheDeskAgentWhoAcceptsIt() throws {
        var arrival = draft(.email)
        arrival.unattended = true
        let ticket = try Workflow.open(arrival, id: TicketID(1), by: Staff.desk, at: t0).ticket
        #expect(ticket.owner == nil && ticket.assignee == nil && ticket.state == .new && !ticket.bypassedDesk)
        let taken = try Workflow.apply(.take, to: ticket, by: Staff.desk2, at: minutes(2)).ticket
        #expect(taken.owner == "amy.chen" && taken.assignee == "amy.chen")
        // Logged by hand, the agent who logs it owns it as before.
        #expect(try opened(.email).owner == "zhang.wei")
    }

    @Test func ticketsNotLoggedByTheDeskAreFlagged() throws {
        let byL1 = try opened(by: Staff.l1)
        #expect(byL1.bypassedDesk)
        #expect(byL1.tier == .l1)
        #expect(byL1.owner == nil)
        #expect(try opened(by: Staff.im, .email).bypassedDesk)
    }

    @Test func backfilledIncidentsKeepTheirRealOpeningTime() throws {
        var backfill = draft()
        backfill.backfilled = true
        backfill.openedAt = minutes(-600)
        let outcome = try Workflow.open(backfill, id: TicketID(1), by: Staff.desk, at: t0)
        #expect(outcome.ticket.backfilled)
        #expect(outcome.ticket.openedAt == minutes(-600))
        #expect(outcome.event.at == t0)
        backfill.openedAt = minutes(5)
        #expect(refusal { _ = try Workflow.open(backfill, id: TicketID(1), by: Staff.desk, at: t0) } == "ticket.opened-in-future")
    }

    @Test func openingNeedsATitleAndACallerOnThePhone() {
        var blank = draft()
        blank.title = "  \n"
        #expect(refusal { _ = try Workflow.open(blank, id: TicketID(1), by: Staff.desk, at: t0) } == "ticket.title-required")
        var anonymous = draft()
        anonymous.caller = Caller(name: " ")
        #expect(refusal { _ = try Workflow.open(anonymous, id: TicketID(1), by: Staff.desk, at: t0) } == "ticket.caller-required")
        anonymous.channel = .monitoring
        #expect(refusal { _ = try Workflow.open(anonymous, id: TicketID(1), by: Staff.desk, at: t0) } == nil)
    }

    @Test func aGeneralIncidentsWholeLife() throws {
        var ticket = try opened()
        var kinds: [EventKind] = []
        func step(_ action: TicketAction, _ actor: Operator, _ minute: Double) throws {
            let outcome = try Workflow.apply(action, to: ticket, by: actor, at: minutes(minute))
            #expect(outcome.event.actor == actor.login)
            #expect(outcome.event.at == minutes(minute))
            kinds.append(outcome.event.kind)
            ticket = outcome.ticket
        }
        try step(.escalate(to: .l1, note: "需要现场"), Staff.desk, 5)
        #expect(ticket.tier == .l1 && ticket.state == .new && ticket.assignee == nil)
        try step(.take, Staff.l1, 10)
        try step(.escalate(to: .l2, note: nil), Staff.l1, 30)
        #expect(ticket.tier == .l2 && ticket.assignee == nil)
        try step(.resolve(note: "重启服务"), Staff.l2, 50)
        #expect(ticket.state == .resolved && ticket.resolvedAt == minutes(50) && ticket.assignee == "chen.jing")
        try step(.close(.rated(score: 5, comment: "快")), Staff.desk, 60)
        #expect(ticket.state == .closed && ticket.satisfaction == .rated(score: 5, comment: "快"))
        #expect(kinds == [.escalated, .taken, .escalated, .resolved, .closed])
        #expect(ticket.owner == "zhang.wei")
    }

    @Test func onlyTheDeskClosesAndOnlyWithTheSurvey() throws {
        let resolved = try Workflow.apply(.resolve(note: "fixed"), to: try opened(), by: Staff.desk, at: minutes(5)).ticket
        #expect(refusal { _ = try Workflow.apply(.close(.rated(score: 5, comment: nil)), to: resolved, by: Staff.l1, at: minutes(6)) } == "close.desk-only")
        #expect(refusal { _ = try Workflow.apply(.close(nil), to: resolved, by: Staff.desk, at: minutes(6)) } == "close.needs-survey")
        #expect(refusal { _ = try Workflow.apply(.close(.rated(score: 6, comment: nil)), to: resolved, by: Staff.desk, at: minutes(6)) } == "close.survey-score")
        #expect(refusal { _ = try Workflow.apply(.close(.rated(score: 0, comment: nil)), to: resolved, by: Staff.desk, at: minutes(6)) } == "close.survey-score")
        let unreachable = try Workflow.apply(.close(.unreachable), to: resolved, by: Staff.desk, at: minutes(6)).ticket
        #expect(unreachable.satisfaction == .unreachable)
        #expect(refusal { _ = try Workflow.apply(.close(.unreachable), to: try opened(), by: Staff.desk, at: minutes(6)) } == "close.needs-resolved")
    }

    @Test func takingWhatSomeoneElseHoldsNamesTheHolder() throws {
        let atL1 = try Workflow.apply(.escalate(to: .l1, note: nil), to: try opened(), by: Staff.desk, at: minutes(1)).ticket
        let held = try Workflow.apply(.take, to: atL1, by: Staff.l1, at: minutes(2)).ticket
        do {
            _ = try Workflow.apply(.take, to: held, by: Staff.l1b, at: minutes(3), nameOf: { $0 == "wang.fang" ? "王芳" : $0 })
            Issue.record("taking a held ticket must be refused")
        } catch {
            #expect(error.ruleID == "take.held-by-other")
            #expect(error.message(.en).contains("王芳"))
            #expect(error.message(.zh).contains("王芳"))
        }
        #expect(refusal { _ = try Workflow.apply(.take, to: held, by: Staff.l1, at: minutes(3)) } == "take.already-yours")
        #expect(refusal { _ = try Workflow.apply(.take, to: atL1, by: Staff.l2, at: minutes(3)) } == "take.wrong-tier")
        #expect(refusal { _ = try Workflow.apply(.take, to: atL1, by: Staff.im, at: minutes(3)) } == "take.wrong-tier")
    }

    @Test func escalationFollowsTheLadderOfLines() throws {
        let atDesk = try opened()
        #expect(refusal { _ = try Workflow.apply(.escalate(to: .l2, note: nil), to: atDesk, by: Staff.desk, at: minutes(1)) } == "escalate.path")
        #expect(refusal { _ = try Workflow.apply(.escalate(to: .vendor, note: nil), to: atDesk, by: Staff.desk, at: minutes(1)) } == "escalate.path")
        #expect(refusal { _ = try Workflow.apply(.escalate(to: .l1, note: nil), to: atDesk, by: Staff.im, at: minutes(1)) } == "escalate.path")
        let atL1 = try Workflow.apply(.escalate(to: .l1, note: nil), to: atDesk, by: Staff.desk, at: minutes(1)).ticket
        let atVendor = try Workflow.apply(.escalate(to: .vendor, note: "保修"), to: atL1, by: Staff.l1, at: minutes(2))
        #expect(atVendor.ticket.tier == .vendor)
        #expect(atVendor.ticket.assignee == "wang.fang")
        #expect(atVendor.event.note == "保修")
        let resolved = try Workflow.apply(.resolve(note: "vendor replaced disk"), to: atVendor.ticket, by: Staff.l1, at: minutes(90))
        #expect(resolved.ticket.state == .resolved)
    }

    @Test func pendingOnTheCustomerAndResuming() throws {
        let ticket = try opened()
        let pending = try Workflow.apply(.pend(.customer), to: ticket, by: Staff.desk, at: minutes(5)).ticket
        #expect(pending.state == .pendingCustomer)
        #expect(refusal { _ = try Workflow.apply(.pend(.customer), to: pending, by: Staff.desk, at: minutes(6)) } == "pend.already-pending")
        let resumed = try Workflow.apply(.resume, to: pending, by: Staff.desk2, at: minutes(30)).ticket
        #expect(resumed.state == .inProgress)
        #expect(refusal { _ = try Workflow.apply(.resume, to: resumed, by: Staff.desk, at: minutes(31)) } == "resume.not-pending")
    }

    @Test func resolvingBelongsToTheDeskAtFirstContactAndToTheLineHoldingIt() throws {
        let atDesk = try opened()
        #expect(refusal { _ = try Workflow.apply(.resolve(note: "x"), to: atDesk, by: Staff.l1, at: minutes(1)) } == "resolve.role")
        #expect(refusal { _ = try Workflow.apply(.resolve(note: "x"), to: atDesk, by: Staff.im, at: minutes(1)) } == "resolve.role")
        #expect(refusal { _ = try Workflow.apply(.resolve(note: "  "), to: atDesk, by: Staff.desk, at: minutes(1)) } == "text.required")
        #expect(refusal { _ = try Workflow.apply(.resolve(note: "x"), to: atDesk, by: Staff.desk2, at: minutes(1)) } == "take.held-by-other")
        let resolved = try Workflow.apply(.resolve(note: "restarted"), to: atDesk, by: Staff.desk, at: minutes(1)).ticket
        #expect(refusal { _ = try Workflow.apply(.resolve(note: "again"), to: resolved, by: Staff.desk, at: minutes(2)) } == "ticket.not-open")
    }

    @Test func reopeningResumesWorkAndCounts() throws {
        let resolved = try Workflow.apply(.resolve(note: "restarted"), to: try opened(), by: Staff.desk, at: minutes(1)).ticket
        let closed = try Workflow.apply(.close(.rated(score: 2, comment: nil)), to: resolved, by: Staff.desk, at: minutes(2)).ticket
        #expect(refusal { _ = try Workflow.apply(.reopen(note: "back"), to: closed, by: Staff.l1, at: minutes(3)) } == "reopen.role")
        let reopened = try Workflow.apply(.reopen(note: "back again"), to: closed, by: Staff.desk, at: minutes(3))
        #expect(reopened.ticket.state == .inProgress)
        #expect(reopened.ticket.reopenCount == 1)
        #expect(reopened.ticket.resolvedAt == nil && reopened.ticket.closedAt == nil && reopened.ticket.satisfaction == nil)
        #expect(reopened.event.change(of: "state")?.before == "closed")
        #expect(refusal { _ = try Workflow.apply(.reopen(note: "x"), to: reopened.ticket, by: Staff.desk, at: minutes(4)) } == "reopen.state")
    }

    @Test func priorityIsTheIncidentManagersAndTheDeskMayOnlyRaiseIt() throws {
        let ticket = try opened()
        #expect(try Workflow.apply(.changePriority(.major), to: ticket, by: Staff.desk, at: minutes(1)).ticket.priority == .major)
        #expect(refusal { _ = try Workflow.apply(.changePriority(.minor), to: ticket, by: Staff.desk, at: minutes(1)) } == "priority.role")
        #expect(refusal { _ = try Workflow.apply(.changePriority(.major), to: ticket, by: Staff.l1, at: minutes(1)) } == "priority.role")
        #expect(refusal { _ = try Workflow.apply(.changePriority(.general), to: ticket, by: Staff.im, at: minutes(1)) } == "priority.unchanged")
        let lowered = try Workflow.apply(.changePriority(.minor), to: ticket, by: Staff.im, at: minutes(1))
        #expect(lowered.event.change(of: "priority") == FieldChange(field: "priority", before: "general", after: "minor"))
    }

    @Test func problemsAndOnSiteSheets() throws {
        let ticket = try opened()
        #expect(refusal { _ = try Workflow.apply(.linkProblem(ProblemID(1)), to: ticket, by: Staff.l1, at: minutes(1)) } == "problem.role")
        let linked = try Workflow.apply(.linkProblem(ProblemID(1)), to: ticket, by: Staff.im, at: minutes(1)).ticket
        #expect(linked.problem == ProblemID(1))
        #expect(refusal { _ = try Workflow.apply(.linkProblem(ProblemID(1)), to: linked, by: Staff.l2, at: minutes(1)) } == "problem.already-linked")

        let atL1 = try Workflow.apply(.escalate(to: .l1, note: nil), to: ticket, by: Staff.desk, at: minutes(1)).ticket
        #expect(refusal { _ = try Workflow.apply(.printSheet, to: atL1, by: Staff.desk, at: minutes(2)) } == "sheet.l1-only")
        #expect(refusal { _ = try Workflow.apply(.signSheet, to: atL1, by: Staff.l1, at: minutes(2)) } == "sheet.not-printed")
        let printed = try Workflow.apply(.printSheet, to: atL1, by: Staff.l1, at: minutes(2)).ticket
        #expect(printed.onSiteSheet.printedAt == minutes(2) && printed.assignee == "wang.fang")
        let signed = try Workflow.apply(.signSheet, to: printed, by: Staff.desk, at: minutes(40)).ticket
        #expect(signed.onSiteSheet.signedAt == minutes(40))
        #expect(refusal { _ = try Workflow.apply(.signSheet, to: signed, by: Staff.l1, at: minutes(41)) } == "sheet.already-signed")
    }

    @Test func anyoneMayAddANoteButNotAnEmptyOne() throws {
        let ticket = try opened()
        for person in [Staff.desk2, Staff.l2, Staff.im, Staff.supervisor] {
            let outcome = try Workflow.apply(.note("客户已通知 customer informed"), to: ticket, by: person, at: minutes(1))
            #expect(outcome.event.changes.isEmpty && outcome.event.note == "客户已通知 customer informed")
        }
        #expect(refusal { _ = try Workflow.apply(.note(" \t"), to: ticket, by: Staff.desk, at: minutes(1)) } == "text.required")
    }

    @Test func refusalsSpeakBothLanguagesAndNameTheRule() {
        let refusal = WorkflowRefusal(.onlyDeskCloses, ticket: TicketID(7))
        #expect(refusal.message(.en) == "INC-000007: only the service desk closes incidents; tell the desk it is resolved [close.desk-only]")
        #expect(refusal.message(.zh).hasPrefix("INC-000007: 只有服务台可以关闭事件"))
    }
}
