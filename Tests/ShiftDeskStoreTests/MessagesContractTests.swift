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

@Suite("Store contract: customer updates")
struct CustomerUpdateContractTests {
    @Test(arguments: Backend.available)
    func aCustomerUpdateIsMailedToTheCallersAddressOrRecordedAsToldByPhone(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let withAddress = try await desk.open(TicketDraft(title: "VPN 断线", caller: Caller(name: "王小明", email: "wxm@corp.example")),
                                              as: "zhang.wei")
        let byPhone = try await desk.open(TicketDraft(title: "打印机卡纸", caller: Caller(name: "黄磊", phone: "138")), as: "zhang.wei")
        clock.advance(600)
        let told = try await desk.perform(.note("已更换网线，请重新登录试试", customerUpdate: true), on: withAddress.id, as: "zhang.wei")
        #expect(told.ticket.customerToldAt == t0.addingTimeInterval(600))
        #expect(told.event.change(of: CustomerUpdate.toldByField)?.after == "email")
        #expect(try await desk.store.ticket(withAddress.id)?.customerToldAt == t0.addingTimeInterval(600))
        let mail = try #require(try await desk.store.outbox(of: withAddress.id).first)
        #expect(mail.kind == .customerUpdate && mail.address == "wxm@corp.example" && mail.via == .email && mail.recipientLogin == nil)
        #expect(mail.subject == "[\(withAddress.id)] 您报告的事件处理进展：VPN 断线")
        #expect(mail.body.contains("已更换网线，请重新登录试试") && mail.body.contains("当前状态：处理中"))

        let phoned = try await desk.perform(.note("engineer on the way", customerUpdate: true), on: byPhone.id, as: "zhang.wei")
        #expect(phoned.event.change(of: CustomerUpdate.toldByField)?.after == "phone")
        #expect(try await desk.store.ticket(byPhone.id)?.customerToldAt == t0.addingTimeInterval(600))
        #expect(try await desk.store.outbox(of: byPhone.id).isEmpty)

        // A plain work note tells nobody and leaves the instant as it was.
        clock.advance(60)
        try await desk.perform(.note("internal: cable replaced"), on: withAddress.id, as: "zhang.wei")
        #expect(try await desk.store.ticket(withAddress.id)?.customerToldAt == t0.addingTimeInterval(600))
        #expect(try await desk.store.outbox(of: withAddress.id).count == 1)
    }

    @Test(arguments: Backend.available)
    func theDesksLanguageWritesTheUpdateAndTheAuditorMayNotSendOne(_ backend: Backend) async throws {
        var (desk, _) = try await staffedDesk(backend)
        desk.customerLanguage = .en
        try await desk.store.addOperator(Operator(login: "qian.yu", name: "钱宇", role: .auditor))
        let ticket = try await desk.open(TicketDraft(title: "Outlook 日历不同步", caller: Caller(name: "Emily Wong", email: "emily@corp.example")),
                                         as: "zhang.wei")
        await #expect(throws: DeskError.self) {
            try await desk.perform(.note("looking into it", customerUpdate: true), on: ticket.id, as: "qian.yu")
        }
        #expect(try await desk.store.outbox(of: ticket.id).isEmpty)
        try await desk.perform(.note("looking into it", customerUpdate: true), on: ticket.id, as: "zhang.wei")
        let mail = try #require(try await desk.store.outbox(of: ticket.id).first)
        #expect(mail.subject == "[\(ticket.id)] Update on your incident: Outlook 日历不同步")
        #expect(mail.body.hasPrefix("Dear Emily Wong,"))
    }
}
