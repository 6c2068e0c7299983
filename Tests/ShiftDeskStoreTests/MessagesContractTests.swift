import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// Issue 16 on every backend: operators' and callers' addresses, and the result of an incident
/// told to the desk through the one outbox.
@Suite("Store contract: messages beyond escalation")
struct MessagesContractTests {
    @Test(arguments: Backend.available)
    func operatorsKeepTheirAddressAndItCanBeChangedOrRemoved(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        var person = Operator(login: "amy.chen", name: "Amy Chen", role: .desk, shift: .day, email: " amy@desk.example ")
        try await desk.addOperator(person)
        person.email = "amy@desk.example"
        #expect(try await desk.store.findOperator(login: "amy.chen") == person)
        #expect(try await desk.setOperatorEmail("amy.chen", to: "amy.chen@desk.example").email == "amy.chen@desk.example")
        #expect(try await desk.store.operators().first { $0.login == "amy.chen" }?.email == "amy.chen@desk.example")
        #expect(try await desk.setOperatorEmail("amy.chen", to: nil).email == nil)
        // Refused, nothing written: not an address, no such operator.
        await #expect(throws: DeskError.invalidEmail(TextViolation(field: .email, kind: .notAnAddress))) {
            try await desk.setOperatorEmail("amy.chen", to: "amy at desk")
        }
        await #expect(throws: DeskError.unknownOperator("nobody")) { try await desk.setOperatorEmail("nobody", to: "n@x.example") }
        #expect(try await desk.store.findOperator(login: "amy.chen")?.email == nil)
        await #expect(throws: DeskError.invalidEmail(TextViolation(field: .email, kind: .notAnAddress))) {
            try await desk.addOperator(Operator(login: "bob", name: "Bob", role: .desk, email: "@desk.example"))
        }
        #expect(try await desk.store.findOperator(login: "bob") == nil)
    }

    @Test(arguments: Backend.available)
    func aCallerAddressIsKeptTrimmedAndABadOneRefused(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let ticket = try await desk.open(TicketDraft(title: "VPN 断线", caller: Caller(name: "王小明", email: " wxm@corp.example ")),
                                         as: "zhang.wei")
        #expect(try await desk.store.ticket(ticket.id)?.caller.email == "wxm@corp.example")
        #expect(try await desk.store.events(of: ticket.id).first?.change(of: "caller_email")?.after == "wxm@corp.example")
        let blank = try await desk.open(TicketDraft(title: "打印机卡纸", caller: Caller(name: "黄磊", email: "  ")), as: "zhang.wei")
        #expect(try await desk.store.ticket(blank.id)?.caller.email == nil)
        await #expect(throws: DeskError.refused(WorkflowRefusal(.text(TextViolation(field: .email, kind: .notAnAddress))))) {
            try await desk.open(TicketDraft(title: "x", caller: Caller(name: "y", email: "wxm corp.example")), as: "zhang.wei")
        }
        #expect(try await desk.store.count(.all) == 2)
    }

    /// Desk logs, L1 resolves: one notice and one mail, queued with the resolution.
    func resolvedByL1(_ backend: Backend, toldDesk: Bool = false) async throws -> (Desk, ManualClock, Ticket) {
        let (desk, clock) = try await staffedDesk(backend)
        let ticket = try await desk.open(TicketDraft(title: "VPN 断线", caller: Caller(name: "王小明", phone: "138")), as: "zhang.wei")
        clock.advance(60)
        try await desk.perform(.escalate(to: .l1, note: "需要现场"), on: ticket.id, as: "zhang.wei")
        clock.advance(60)
        try await desk.perform(.take, on: ticket.id, as: "wang.fang")
        clock.advance(600)
        let resolved = try await desk.perform(.resolve(note: "重置 VPN 证书", toldDesk: toldDesk), on: ticket.id, as: "wang.fang").ticket
        return (desk, clock, resolved)
    }

    @Test(arguments: Backend.available)
    func aLineResolutionQueuesANoticeAndAMailToTheOwner(_ backend: Backend) async throws {
        let (desk, _, ticket) = try await resolvedByL1(backend, toldDesk: true)
        let outbox = try await desk.store.outbox(of: ticket.id)
        let notice = try #require(outbox.first { $0.kind == .resultNotice })
        let mail = try #require(outbox.first { $0.kind == .result })
        #expect(outbox.count == 2)
        #expect(notice.via == .console && notice.recipientLogin == "zhang.wei" && notice.recipientRole == nil && notice.level == 0)
        #expect(notice.subject.contains("王芳") && notice.subject.contains("重置 VPN 证书"))
        #expect(mail.via == .email && mail.recipientLogin == "zhang.wei" && mail.body.contains("重置 VPN 证书"))
        #expect(mail.messageID.hasPrefix("\(ticket.id).result.") && mail.messageID.hasSuffix(".zhang.wei@shiftdesk"))
        #expect(try await desk.store.events(of: ticket.id).last?.change(of: ResultNotice.toldDeskField)?.after == "phone")
        // The notice waits until a desk agent has seen it; then it is gone from the list.
        #expect(try await desk.store.pendingNotices(limit: nil).map(\.id) == [notice.id])
        #expect(try await desk.confirmNotice(notice.id, as: "zhang.wei"))
        #expect(try await !desk.confirmNotice(notice.id, as: "zhang.wei"))
        #expect(try await desk.store.pendingNotices(limit: nil).isEmpty)
        #expect(try await desk.store.outbox(of: ticket.id).first { $0.id == notice.id }?.confirmedBy == "zhang.wei")
        // The mail is e-mail like the escalation steps': a flusher claims it; the notice never is.
        let claimed = try await desk.store.claimMail(dueBy: Date.distantFuture, leaseUntil: Date.distantFuture, limit: 10)
        #expect(claimed.map(\.id) == [mail.id])
    }

    @Test(arguments: Backend.available)
    func onlyADeskAgentMarksAResultSeenAndOnlyTheLinesTellTheDesk(_ backend: Backend) async throws {
        let (desk, _, ticket) = try await resolvedByL1(backend)
        let notice = try #require(try await desk.store.pendingNotices(limit: nil).first)
        await #expect(throws: DeskError.refused(WorkflowRefusal(.resultForDesk(.l1)))) { try await desk.confirmNotice(notice.id, as: "wang.fang") }
        #expect(try await desk.store.events(of: ticket.id).last?.change(of: ResultNotice.toldDeskField) == nil)
        // The desk resolving its own incident tells nobody, and may not claim to have told the desk.
        let own = try await desk.open(TicketDraft(title: "密码重置", caller: Caller(name: "刘芳")), as: "zhang.wei")
        await #expect(throws: DeskError.refused(WorkflowRefusal(.toldDeskRole(.desk), ticket: own.id))) {
            try await desk.perform(.resolve(note: "已重置", toldDesk: true), on: own.id, as: "zhang.wei")
        }
        try await desk.perform(.resolve(note: "已重置"), on: own.id, as: "zhang.wei")
        #expect(try await desk.store.outbox(of: own.id).isEmpty)
    }

    @Test(arguments: Backend.available)
    func aRefusedOrConflictingResolutionQueuesNothing(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let ticket = try await desk.open(TicketDraft(title: "VPN 断线", caller: Caller(name: "王小明")), as: "zhang.wei")
        try await desk.perform(.escalate(to: .l1, note: nil), on: ticket.id, as: "zhang.wei")
        clock.advance(60)
        let taken = try await desk.perform(.take, on: ticket.id, as: "wang.fang").ticket
        clock.advance(60)
        try await desk.perform(.note("在路上"), on: ticket.id, as: "wang.fang")
        // Resolving the version read before the note: refused, and no message is queued with it.
        await #expect(throws: DeskError.self) { try await desk.perform(.resolve(note: "fixed"), on: taken, by: People.l1) }
        #expect(try await desk.store.outbox(of: ticket.id).isEmpty)
        #expect(try await desk.store.pendingNotices(limit: nil).isEmpty)
    }

    @Test(arguments: Backend.available)
    func aResolutionAfterAReopenIsToldAgainWithItsOwnMessageID(_ backend: Backend) async throws {
        let (desk, clock, ticket) = try await resolvedByL1(backend)
        clock.advance(60)
        // Reopened, it goes back to the line that resolved it.
        let reopened = try await desk.perform(.reopen(note: "又断了"), on: ticket.id, as: "zhang.wei").ticket
        #expect(reopened.tier == .l1)
        clock.advance(60)
        if reopened.assignee != "wang.fang" { try await desk.perform(.take, on: ticket.id, as: "wang.fang") }
        clock.advance(60)
        try await desk.perform(.resolve(note: "换了网卡"), on: ticket.id, as: "wang.fang")
        let mails = try await desk.store.outbox(of: ticket.id).filter { $0.kind == .result }
        #expect(mails.count == 2 && Set(mails.map(\.messageID)).count == 2)
    }
}
