import Foundation

/// A realistic, deterministic desk for `init --demo`: operators for every role on both shifts,
/// and tickets of every tier, state, priority and age, each made by the real workflow so that
/// its history is one a real desk could have written.
public struct DemoDesk: Sendable {
    public let operators: [Operator]
    public let tickets: [(ticket: Ticket, events: [TicketEvent])]

    /// The desk agent `console --demo` opens as.
    public static let deskAgent = "zhang.wei"

    public static let staff: [Operator] = [
        Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day),
        Operator(login: "amy.chen", name: "Amy Chen", role: .desk, shift: .day),
        Operator(login: "li.na", name: "李娜", role: .desk, shift: .night),
        Operator(login: "tom.baker", name: "Tom Baker", role: .desk, shift: .night),
        Operator(login: "wang.fang", name: "王芳", role: .l1, shift: .day),
        Operator(login: "raj.patel", name: "Raj Patel", role: .l1, shift: .day),
        Operator(login: "liu.yang", name: "刘洋", role: .l1, shift: .night),
        Operator(login: "chen.jing", name: "陈静", role: .l2, shift: .day),
        Operator(login: "omar.haddad", name: "Omar Haddad", role: .l2, shift: .day),
        Operator(login: "zhao.lei", name: "赵磊", role: .l2, shift: .night),
        Operator(login: "sun.li", name: "孙丽", role: .im, shift: .day),
        Operator(login: "zhou.min", name: "周敏", role: .supervisor, shift: .day),
        Operator(login: "he.jun", name: "何军", role: .problemManager),
        Operator(login: "lin.hua", name: "林华", role: .owner),
        Operator(login: "qian.yu", name: "钱玉", role: .auditor),
    ]

    private struct Template {
        let title: String
        let category: String
        let service: String
        let channel: Channel?
    }

    private static let templates: [Template] = [
        Template(title: "邮件服务器无法发送外部邮件", category: "邮件", service: "Exchange", channel: nil),
        Template(title: "VPN connection drops every 10 minutes", category: "Network", service: "VPN", channel: nil),
        Template(title: "财务系统登录超时", category: "应用", service: "财务系统 ERP", channel: nil),
        Template(title: "Printer on 3rd floor keeps jamming", category: "Hardware", service: "Printing", channel: .walkIn),
        Template(title: "核心数据库连接池耗尽", category: "数据库", service: "Oracle 核心库", channel: .monitoring),
        Template(title: "Laptop will not boot after Windows update", category: "Hardware", service: "Desktop", channel: nil),
        Template(title: "OA 审批流程卡在部门经理节点", category: "应用", service: "OA 办公系统", channel: nil),
        Template(title: "会议室B无线信号弱 Weak Wi-Fi in room B", category: "Network", service: "Wi-Fi", channel: nil),
        Template(title: "Password reset for SAP account", category: "Access", service: "SAP", channel: .email),
        Template(title: "核心交换机端口 Gi1/0/24 告警", category: "网络", service: "Core switch", channel: .monitoring),
        Template(title: "官网首页打开缓慢", category: "应用", service: "Website", channel: .email),
        Template(title: "Shared drive fs01 not reachable", category: "Storage", service: "File share", channel: nil),
        Template(title: "视频会议系统无声音", category: "协作", service: "视频会议", channel: nil),
        Template(title: "Disk usage above 95% on db-02", category: "Infrastructure", service: "db-02", channel: .monitoring),
        Template(title: "新员工账号开通", category: "账号", service: "AD 域控", channel: .email),
        Template(title: "Outlook 日历无法同步到手机", category: "邮件", service: "Exchange", channel: nil),
        Template(title: "CRM export to Excel fails with error 500", category: "Application", service: "CRM", channel: nil),
        Template(title: "门禁卡无法刷开机房门", category: "设施", service: "机房门禁", channel: .walkIn),
    ]

    private static let callers: [Caller] = [
        Caller(name: "王小明", phone: "138-0013-8000", department: "财务部"),
        Caller(name: "Emily Wong", phone: "+86 21 5555 0101", department: "Sales"),
        Caller(name: "陈建国", phone: "139-1234-5678", department: "人力资源部"),
        Caller(name: "David Miller", phone: "+86 10 6666 0202", department: "Logistics"),
        Caller(name: "刘芳", phone: "137-9876-5432", department: "市场部"),
        Caller(name: "Sophie Martin", phone: "+86 755 8888 0303", department: "Legal"),
        Caller(name: "黄磊", phone: "186-0000-1111", department: "生产部"),
        Caller(name: "欧阳娜娜", phone: "135-2222-3333", department: "总经办"),
    ]

    /// What happens to a ticket before `now`.
    private enum Fate: CaseIterable {
        case newAtDesk, workedAtDesk, waitingL1, workedL1, pendingCustomerL1, waitingL2, workedL2, vendor,
             resolvedAwaitingClose, closed, closedUnreachable, reopened, bypassedDesk, backfilledClosed
    }

    public init(now: Date, tickets count: Int, seed: UInt64) {
        operators = Self.staff
        var random = SeededRandom(seed: seed)
        var made: [(Ticket, [TicketEvent])] = []
        made.reserveCapacity(count)
        for index in 0..<count {
            if let history = Self.makeTicket(index: index, now: now, random: &random) { made.append(history) }
        }
        tickets = made.sorted { $0.0.openedAt < $1.0.openedAt }
    }

    private static func pick(_ role: Role, _ random: inout SeededRandom) -> Operator {
        let candidates = staff.filter { $0.role == role }
        return candidates[Int(random.next() % UInt64(candidates.count))]
    }

    private static func makeTicket(index: Int, now: Date, random: inout SeededRandom) -> (Ticket, [TicketEvent])? {
        let template = templates[Int(random.next() % UInt64(templates.count))]
        let caller = callers[Int(random.next() % UInt64(callers.count))]
        let roll = random.next() % 100
        let priority: Priority = roll < 8 ? .major : roll < 58 ? .general : .minor
        let fates = Fate.allCases
        let fate = fates[index % fates.count]
        let finished = [.resolvedAwaitingClose, .closed, .closedUnreachable, .backfilledClosed].contains(fate)
        // Most open work is from this shift; some drags on for up to two days. Finished work
        // goes back three weeks.
        let maxAge: Double = finished ? 21 * 86_400 : (random.next() % 5 == 0 ? 48 * 3600 : 5 * 3600)
        let age = 300 + Double(random.next() % UInt64(maxAge))
        let opened = now.addingTimeInterval(-age)
        // Work moves in steps of minutes to a few hours, as on a real desk; some drag on for days.
        let pace = random.next() % 5 == 0 ? 6.0 : 1.0
        let step = min((age - 60) / 6, Double(600 + random.next() % 3000) * pace)
        var at = opened
        func later() -> Date {
            at = at.addingTimeInterval(step * (0.4 + Double(random.next() % 60) / 100))
            return min(at, now)
        }

        let desk = pick(.desk, &random)
        let l1 = pick(.l1, &random)
        let l2 = pick(.l2, &random)
        let opener: Operator = fate == .bypassedDesk ? l1 : desk
        let channel = template.channel ?? (random.next() % 4 == 0 ? .email : .phone)
        let draft = TicketDraft(
            title: template.title,
            description: "\(caller.department ?? "") \(caller.name): \(template.title)",
            caller: caller, channel: fate == .newAtDesk ? (template.channel == .monitoring ? .monitoring : .email) : channel,
            priority: priority, category: template.category, affectedService: template.service,
            backfilled: fate == .backfilledClosed, openedAt: opened)
        do {
            var outcome = try Workflow.open(draft, id: TicketID(Int64(index + 1)), by: opener, at: opened)
            var events = [outcome.event]
            func run(_ action: TicketAction, _ actor: Operator) throws(WorkflowRefusal) {
                outcome = try Workflow.apply(action, to: outcome.ticket, by: actor, at: later())
                events.append(outcome.event)
            }
            func deskTakes() throws(WorkflowRefusal) {
                if outcome.ticket.assignee == nil { try run(.take, desk) }
            }
            switch fate {
            case .newAtDesk, .bypassedDesk:
                break
            case .workedAtDesk:
                try deskTakes()
                try run(.note("已电话联系客户，正在排查 / called the customer back, checking"), desk)
            case .waitingL1:
                try run(.escalate(to: .l1, note: "需要现场支持 / needs on-site support"), desk)
            case .workedL1, .pendingCustomerL1:
                try run(.escalate(to: .l1, note: "需要现场支持 / needs on-site support"), desk)
                try run(.take, l1)
                if fate == .pendingCustomerL1 { try run(.pend(.customer), l1) }
            case .waitingL2, .workedL2, .vendor:
                try run(.escalate(to: .l1, note: nil), desk)
                try run(.take, l1)
                try run(.escalate(to: .l2, note: "一线无法解决 / L1 could not fix it"), l1)
                if fate != .waitingL2 { try run(.take, l2) }
                if fate == .vendor { try run(.escalate(to: .vendor, note: "硬件保修 / hardware under warranty"), l2) }
            case .resolvedAwaitingClose, .closed, .closedUnreachable, .backfilledClosed, .reopened:
                if random.next() % 3 == 0 {
                    try deskTakes()
                    try run(.resolve(note: "首次接触解决：指导客户重启 / fixed at first contact"), desk)
                } else {
                    try run(.escalate(to: .l1, note: nil), desk)
                    try run(.take, l1)
                    try run(.resolve(note: "已更换配置并验证 / reconfigured and verified with the customer"), l1)
                }
                if fate == .closed || fate == .backfilledClosed || fate == .reopened {
                    try run(.close(.rated(score: 3 + Int(random.next() % 3), comment: nil)), desk)
                } else if fate == .closedUnreachable {
                    try run(.close(.unreachable), desk)
                }
                if fate == .reopened { try run(.reopen(note: "客户反馈问题复现 / the customer says it is back"), desk) }
            }
            return (outcome.ticket, events)
        } catch {
            // A template that the workflow refuses is skipped: demo data never breaks the rules.
            return nil
        }
    }
}
