import Foundation
import Testing
@testable import ShiftDeskCore

/// Issue 16 in the domain: addresses, and who is told the result of an incident.
@Suite struct MessagesTests {
    let t0 = Date(timeIntervalSince1970: 1_795_917_600)

    @Test func anAddressIsSomethingAtSomethingWithoutBlanks() throws {
        for good in ["im@desk.example", "王小明@例子.中国", "a+b@x"] { #expect(EmailAddress.isValid(good), "\(good)") }
        for bad in ["", "desk.example", "@desk.example", "im@", "im @desk.example", "im@desk\n.example"] {
            #expect(!EmailAddress.isValid(bad), "\(bad)")
        }
        #expect(TextField.email.check("im@desk.example") == nil)
        #expect(TextField.email.check("im@desk\u{202E}.example")?.kind == .character(0x202E))
        #expect(TextField.email.check(String(repeating: "a", count: 250) + "@x.cn")?.kind == .tooLong(limit: 254))
        #expect(TextField.email.check("im at desk")?.message(.zh) == "电子邮箱格式应为 name@example.com，不含空格")
        #expect(try EmailAddress.parse("  ").get() == nil)
        #expect(try EmailAddress.parse(" im@desk.example ").get() == "im@desk.example")
    }

    func resolved(owner: String?, by resolver: Operator) -> Ticket {
        var ticket = Ticket(id: TicketID(7), title: "VPN 断线", description: "", caller: Caller(name: "王小明"), channel: .phone,
                            priority: .general, category: nil, affectedService: nil, state: .resolved, tier: .l1,
                            assignee: resolver.login, owner: owner, openedAt: t0)
        ticket.resolvedAt = t0.addingTimeInterval(3600)
        ticket.resolutionNote = "重置证书\n并重启"
        return ticket
    }

    @Test func theLinesResolutionsAreToldToTheOwnerByNoticeAndMail() {
        let l1 = Operator(login: "wang.fang", name: "王芳", role: .l1)
        let messages = ResultNotice.compose(ticket: resolved(owner: "zhang.wei", by: l1), resolver: l1, toldDesk: true, timeZone: .gmt,
                                            now: t0.addingTimeInterval(3600))
        #expect(messages.map(\.kind) == [.resultNotice, .result])
        #expect(messages.allSatisfy { $0.recipientLogin == "zhang.wei" && $0.recipientRole == nil })
        #expect(messages[0].subject == "INC-000007 已由 王芳 解决 resolved by 王芳: 重置证书 并重启")
        #expect(messages[1].body.contains("The desk was also told by phone."))
        #expect(messages[1].messageID == "INC-000007.result.1795921200000.zhang.wei@shiftdesk")
        // Without an owner (it bypassed the desk) the desk on shift gets the notice, nobody the mail.
        #expect(ResultNotice.compose(ticket: resolved(owner: nil, by: l1), resolver: l1, toldDesk: false, timeZone: .gmt, now: t0)
            .map(\.kind) == [.resultNotice])
        // The desk resolving its own incident tells nobody.
        let desk = Operator(login: "zhang.wei", name: "张伟", role: .desk)
        #expect(ResultNotice.compose(ticket: resolved(owner: "zhang.wei", by: desk), resolver: desk, toldDesk: false, timeZone: .gmt, now: t0).isEmpty)
        #expect(ResultNotice.concernsDesk(resolver: .l2) && !ResultNotice.concernsDesk(resolver: .im))
    }

    @Test func theNoticeIsTheOwnersOnShiftOtherwiseTheDeskOnShifts() throws {
        let l1 = Operator(login: "wang.fang", name: "王芳", role: .l1)
        let notice = try #require(ResultNotice.compose(ticket: resolved(owner: "zhang.wei", by: l1), resolver: l1, toldDesk: false,
                                                       timeZone: .gmt, now: t0).first)
        let owner = Operator(login: "zhang.wei", name: "张伟", role: .desk)
        let colleague = Operator(login: "amy.chen", name: "Amy Chen", role: .desk)
        #expect(ResultNotice.isFor(owner, notice: notice, ownerOnShift: true))
        #expect(!ResultNotice.isFor(colleague, notice: notice, ownerOnShift: true))
        #expect(ResultNotice.isFor(colleague, notice: notice, ownerOnShift: false))
        #expect(!ResultNotice.isFor(l1, notice: notice, ownerOnShift: false))
    }

    @Test func onlyTheLinesSayTheyToldTheDeskAndItIsRecordedOnTheEvent() throws {
        let l1 = Operator(login: "wang.fang", name: "王芳", role: .l1)
        var ticket = resolved(owner: "zhang.wei", by: l1)
        ticket.state = .inProgress
        ticket.resolvedAt = nil
        let outcome = try Workflow.apply(.resolve(note: "ok", toldDesk: true), to: ticket, by: l1, at: t0.addingTimeInterval(60))
        #expect(outcome.event.change(of: ResultNotice.toldDeskField)?.after == "phone")
        #expect(try Workflow.apply(.resolveWithWorkaround(note: "ok"), to: ticket, by: l1, at: t0).event.change(of: ResultNotice.toldDeskField) == nil)
        var deskTicket = ticket
        deskTicket.tier = .desk
        deskTicket.assignee = "zhang.wei"
        #expect(throws: WorkflowRefusal(.toldDeskRole(.desk), ticket: TicketID(7))) {
            try Workflow.apply(.resolve(note: "ok", toldDesk: true), to: deskTicket, by: Operator(login: "zhang.wei", name: "张伟", role: .desk), at: t0)
        }
    }
}

@Suite struct CustomerUpdateDueTests {
    let t0 = Date(timeIntervalSince1970: 1_795_917_600)

    @Test func anUpdateIsOverdueOnlyPastItsPrioritysIntervalWhileTheIncidentIsWorked() {
        var ticket = Ticket(id: TicketID(3), title: "VPN 断线", caller: Caller(name: "王小明"), channel: .phone, priority: .general,
                            state: .inProgress, openedAt: t0)
        let every: [Priority: TimeInterval] = [.general: 4 * 3600]
        #expect(!CustomerUpdate.isOverdue(ticket, every: every, now: t0.addingTimeInterval(4 * 3600)))
        #expect(CustomerUpdate.isOverdue(ticket, every: every, now: t0.addingTimeInterval(4 * 3600 + 1)))
        ticket.customerToldAt = t0.addingTimeInterval(3 * 3600)
        #expect(!CustomerUpdate.isOverdue(ticket, every: every, now: t0.addingTimeInterval(7 * 3600)))
        #expect(CustomerUpdate.isOverdue(ticket, every: every, now: t0.addingTimeInterval(7 * 3600 + 1)))
        // No interval for the priority, or nothing left to tell: no warning.
        #expect(!CustomerUpdate.isOverdue(ticket, every: [:], now: t0.addingTimeInterval(100 * 3600)))
        ticket.state = .resolved
        #expect(!CustomerUpdate.isOverdue(ticket, every: every, now: t0.addingTimeInterval(100 * 3600)))
    }
}
