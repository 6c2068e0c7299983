import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// The queues of the console: one per role, and the supervisor's load view.
public enum QueueKind: String, CaseIterable, Sendable {
    case desk, l1, l2, im, supervisor
    /// The incident manager's weekly review and the KPI reports (incident manager, supervisor,
    /// problem manager, owner, auditor).
    case review, reports
    /// The record's integrity: the chain, its last verification, any incident's whole history
    /// (auditor, incident manager, owner).
    case audit
    /// The seat plan: the next 24 hours per line, forecast arrivals, seats needed against the
    /// roster (supervisor, incident manager, auditor: `PlanAccess`).
    case plan
    /// The controlled documents (every role).
    case documents
    /// The problems (问题单), what needs the problem manager first; a problem's detail with its
    /// life's keys (the problem manager and owners move it; everyone else reads, L2 and the
    /// incident manager note and link: the domain's rules decide).
    case problems

    public func label(_ l: Language) -> String {
        switch self {
        case .desk: l.pick(en: "Desk", zh: "服务台")
        case .l1: l.pick(en: "L1", zh: "一线")
        case .l2: l.pick(en: "L2 + vendor", zh: "二线/厂商")
        case .im: l.pick(en: "Incident manager", zh: "事件经理")
        case .supervisor: l.pick(en: "Load", zh: "队列负载")
        case .review: l.pick(en: "Weekly review", zh: "周回顾")
        case .reports: l.pick(en: "Reports", zh: "报告")
        case .audit: l.pick(en: "Audit", zh: "审计")
        case .plan: l.pick(en: "Plan", zh: "坐席计划")
        case .documents: l.pick(en: "Documents", zh: "受控文档")
        case .problems: l.pick(en: "Problems", zh: "问题单")
        }
    }

    /// The queue a role opens on: the problem manager on the Problems queue, the owner on the
    /// load view, the auditor on the audit screen.
    public static func home(of role: Role) -> QueueKind {
        switch role {
        case .desk: .desk
        case .l1: .l1
        case .l2: .l2
        case .im: .im
        case .problemManager: .problems
        case .supervisor, .owner: .supervisor
        case .auditor: .audit
        }
    }

    /// The views that are not one queue of tickets.
    var isScreen: Bool {
        self == .supervisor || self == .review || self == .reports || self == .audit || self == .plan || self == .documents || self == .problems
    }

    /// The queues a role may look at, its own first (Tab cycles through them).
    public static func visible(to role: Role) -> [QueueKind] {
        let home = home(of: role)
        let queues: [QueueKind] = [.desk, .l1, .l2, .im, .supervisor]
        var screens: [QueueKind] = []
        switch role {
        case .im, .owner, .auditor: screens = [.review, .reports, .audit]
        case .supervisor, .problemManager: screens = [.review, .reports]
        case .desk, .l1, .l2: break
        }
        if PlanAccess.mayOpenPlan(role) { screens.append(.plan) }
        if ProblemsScreen.mayOpen(role) { screens.append(.problems) }
        return [home] + (queues + screens + [.documents]).filter { $0 != home }
    }

    /// Whether a ticket belongs in this queue: the desk follows everything it owns, including
    /// what awaits closing; L1 and L2 their lines; the incident manager majors and breaches.
    public func contains(_ ticket: QueueTicket, breached: @autoclosure () -> Bool) -> Bool {
        switch self {
        case .desk: ticket.state != .closed
        case .l1: ticket.state.isOpen && ticket.tier == .l1
        case .l2: ticket.state.isOpen && (ticket.tier == .l2 || ticket.tier == .vendor)
        case .im: ticket.state.isOpen && (ticket.priority == .major || breached())
        case .supervisor: ticket.state.isOpen
        case .review, .reports, .audit, .plan, .documents, .problems: false
        }
    }

    /// The store's query for the tickets `contains` picks at `now`, most urgent first: a
    /// console draws its first frame from the first page of it. Nil for the views that are
    /// not one queue.
    public func storeQuery(now: Date, limit: Int? = nil) -> TicketQuery? {
        switch self {
        case .desk: TicketQuery(states: TicketQuery.notClosed.states, urgentFirst: true, limit: limit)
        case .l1: TicketQuery(tiers: [.l1], openOnly: true, urgentFirst: true, limit: limit)
        case .l2: TicketQuery(tiers: [.l2, .vendor], openOnly: true, urgentFirst: true, limit: limit)
        case .im: TicketQuery(openOnly: true, majorOrBreachedAt: now, urgentFirst: true, limit: limit)
        case .supervisor, .review, .reports, .audit, .plan, .documents, .problems: nil
        }
    }
}

public enum Countdown {
    /// `0:25:01`, `-1:02:03`, `3d04h`.
    public static func text(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded(.down))
        let sign = total < 0 ? "-" : ""
        let value = abs(total)
        // Digits by hand: Foundation's `String(format:)` costs a locale lookup per call, and a
        // frame shows sixty of these (the first frame pays most of it).
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        if value >= 100 * 3600 { return sign + "\(value / 86_400)d" + two(value % 86_400 / 3600) + "h" }
        return sign + "\(value / 3600):" + two(value % 3600 / 60) + ":" + two(value % 60)
    }
}
