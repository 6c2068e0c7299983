import Foundation
@testable import ShiftDeskCore

enum Staff {
    static let desk = Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day)
    static let desk2 = Operator(login: "amy.chen", name: "Amy Chen", role: .desk, shift: .day)
    static let l1 = Operator(login: "wang.fang", name: "王芳", role: .l1, shift: .day)
    static let l1b = Operator(login: "raj.patel", name: "Raj Patel", role: .l1, shift: .day)
    static let l2 = Operator(login: "chen.jing", name: "陈静", role: .l2, shift: .day)
    static let im = Operator(login: "sun.li", name: "孙丽", role: .im, shift: .day)
    static let supervisor = Operator(login: "zhou.min", name: "周敏", role: .supervisor, shift: .day)
    static let problemManager = Operator(login: "he.jun", name: "何军", role: .problemManager)
    static let owner = Operator(login: "lin.hua", name: "林华", role: .owner)
    static let auditor = Operator(login: "qian.yu", name: "钱玉", role: .auditor)
}

/// 2026-11-29 10:00 Shanghai.
let t0 = Date(timeIntervalSince1970: 1_795_917_600)

func minutes(_ n: Double) -> Date { t0.addingTimeInterval(n * 60) }

func draft(_ channel: Channel = .phone, priority: Priority = .general) -> TicketDraft {
    TicketDraft(title: "VPN 断线 drops", caller: Caller(name: "王小明", phone: "138"), channel: channel, priority: priority)
}

func opened(by actor: Operator = Staff.desk, _ channel: Channel = .phone, priority: Priority = .general) throws -> Ticket {
    try Workflow.open(draft(channel, priority: priority), id: TicketID(1), by: actor, at: t0).ticket
}

/// Expects a refusal naming `ruleID`.
func refusal(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let refusal as WorkflowRefusal {
        return refusal.ruleID
    } catch {
        return "unexpected \(error)"
    }
}
