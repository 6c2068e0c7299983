import Foundation

/// The text of a management-escalation notice, in both languages (the managers on the list
/// may read either), composed when the step fires and kept in the outbox as sent.
public enum EscalationNotice {
    public static func subject(ticket: Ticket, step: PlannedStep) -> String {
        "[\(ticket.priority.label(.zh)) \(ticket.priority.label(.en))] \(ticket.id) 管理升级 escalation L\(step.level): "
            + TerminalText.sanitize(ticket.title)
    }

    public static func body(ticket: Ticket, step: PlannedStep, sla: TicketSLA?, timeZone: TimeZone) -> String {
        func time(_ date: Date?) -> String { date.map { DisplayTime.format($0, in: timeZone) + " (\(timeZone.identifier))" } ?? "—" }
        var lines = [
            "\(ticket.id)  \(TerminalText.sanitize(ticket.title))",
            "",
            "优先级 Priority:        \(ticket.priority.label(.zh)) / \(ticket.priority.label(.en))",
            "状态 State:             \(ticket.state.label(.zh)) / \(ticket.state.label(.en))",
            "队列 Queue:             \(ticket.tier.label(.zh)) / \(ticket.tier.label(.en))",
            "处理人 Assignee:        \(ticket.assignee ?? "—")",
            "负责坐席 Desk owner:    \(ticket.owner ?? "—")",
            "报障人 Caller:          \(TerminalText.sanitize([ticket.caller.name, ticket.caller.phone, ticket.caller.department].compactMap { $0 }.joined(separator: ", ")))",
            "受影响服务 Service:     \(TerminalText.sanitize(ticket.affectedService ?? "—"))",
            "开单时间 Opened:        \(time(ticket.openedAt))",
            "解决期限 Resolve by:    \(time(sla?.resolveBy))",
            "",
        ]
        let after = step.after == 0 ? "立即 at once" : "\(SLADuration.format(step.after)) 未解决 unresolved"
        lines.append("升级 Escalation L\(step.level) (\(after)), 应于 due \(time(step.at)).")
        lines.append("通知 Notified: " + step.notify.map(\.rawValue).joined(separator: ", ") + " via " + step.via.map(\.rawValue).joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
