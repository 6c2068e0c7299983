import Foundation
import ShiftDeskCore
import ShiftDeskTUI

/// `ticket show` for people: the fields, then the history, times in the operator's zone.
struct TicketReport {
    let ticket: Ticket
    let events: [TicketEvent]
    let sla: TicketSLA
    let context: Context

    var text: String {
        let l = context.language
        let t = ticket
        var fields: [(String, String)] = [
            (l.pick(en: "Title", zh: "标题"), t.title),
            (l.pick(en: "Priority", zh: "优先级"), t.priority.label(l)),
            (l.pick(en: "State", zh: "状态"), t.state.label(l)),
            (l.pick(en: "Queue", zh: "队列"), t.tier.label(l)),
            (l.pick(en: "Assignee", zh: "处理人"), t.assignee ?? "—"),
            (l.pick(en: "Owner (desk)", zh: "负责坐席"), t.owner ?? "—"),
            (l.pick(en: "Caller", zh: "报障人"), [t.caller.name, t.caller.phone, t.caller.email, t.caller.department].compactMap { $0 }.joined(separator: " · ")),
            (l.pick(en: "Channel", zh: "渠道"), t.channel.label(l)),
            (l.pick(en: "Category", zh: "类别"), t.category ?? "—"),
            (l.pick(en: "Service", zh: "受影响服务"), t.affectedService ?? "—"),
            (l.pick(en: "Opened", zh: "开单时间"), context.show(t.openedAt)),
            (l.pick(en: "First response", zh: "首次响应"), context.show(t.firstResponseAt)),
            (l.pick(en: "Resolved", zh: "解决时间"), context.show(t.resolvedAt)),
            (l.pick(en: "Customer told", zh: "最近告知客户"), context.show(t.customerToldAt)),
            (l.pick(en: "Closed", zh: "关闭时间"), context.show(t.closedAt)),
        ]
        if let note = t.resolutionNote { fields.append((l.pick(en: "Resolution", zh: "解决方案"), note)) }
        if let survey = t.satisfaction {
            fields.append((l.pick(en: "Satisfaction", zh: "满意度"), survey == .unreachable ? l.pick(en: "customer unreachable", zh: "客户无法联系") : survey.auditText))
        }
        if let problem = t.problem { fields.append((l.pick(en: "Problem", zh: "问题单"), problem.description)) }
        if let source = t.source {
            var text = source
            if let made = t.sourceMadeSLA {
                text += l.pick(en: made ? " (made SLA there)" : " (missed SLA there)", zh: made ? "（来源系统判定：达成 SLA）" : "（来源系统判定：未达成 SLA）")
            }
            if let at = t.importedAt { text += l.pick(en: ", imported \(context.show(at))", zh: "，导入于 \(context.show(at))") }
            fields.append((l.pick(en: "Source", zh: "来源"), text))
        }
        var flags: [String] = []
        if t.backfilled { flags.append(l.pick(en: "back-filled", zh: "补录")) }
        if t.bypassedDesk { flags.append(l.pick(en: "bypassed the desk", zh: "绕过服务台")) }
        if t.reopenCount > 0 { flags.append(l.pick(en: "reopened \(t.reopenCount)×", zh: "重开 \(t.reopenCount) 次")) }
        if !flags.isEmpty { fields.append((l.pick(en: "Flags", zh: "标记"), flags.joined(separator: ", "))) }
        if !t.description.isEmpty { fields.append((l.pick(en: "Description", zh: "描述"), t.description)) }

        let labelWidth = fields.map { ColumnText.width($0.0) }.max() ?? 0
        var lines = ["\(t.id)  v\(t.version)"]
        lines += fields.map { ColumnText.fit($0.0, width: labelWidth) + "  " + TerminalText.sanitize($0.1) }
        lines.append("")
        lines.append(l.pick(en: "SLA", zh: "服务级别"))
        func clock(_ status: ClockStatus, _ name: String) -> String {
            let state: String
            if let ended = status.endedAt {
                state = status.breached ? l.pick(en: "met late at \(context.show(ended))", zh: "超时完成于 \(context.show(ended))")
                    : l.pick(en: "met at \(context.show(ended))", zh: "按时完成于 \(context.show(ended))")
            } else if status.breached {
                state = l.pick(en: "BREACHED by \(DisplayTime.duration(-status.remaining))", zh: "已超时 \(DisplayTime.duration(-status.remaining))")
            } else {
                state = l.pick(en: "\(DisplayTime.duration(status.remaining)) left", zh: "剩余 \(DisplayTime.duration(status.remaining))")
            }
            return "  \(name)  \(l.pick(en: "by", zh: "期限")) \(context.show(status.deadline))  \(state)"
        }
        lines.append(clock(sla.evaluation.response, l.pick(en: "respond", zh: "响应")))
        lines.append(clock(sla.evaluation.resolution, l.pick(en: "resolve", zh: "解决")))
        for step in sla.plan.steps {
            let fired = sla.fired.contains(step.level) ? l.pick(en: "fired", zh: "已触发") : l.pick(en: "pending", zh: "未触发")
            lines.append("  L\(step.level) +\(SLADuration.format(step.after))  \(context.show(step.at))  \(fired)  "
                         + step.notify.map(\.rawValue).joined(separator: ", "))
        }
        lines.append("")
        lines.append(l.pick(en: "History", zh: "处理记录"))
        for event in events {
            var line = "  \(context.show(event.at))  \(event.actor)  \(event.kind.label(l))"
            let moved = event.changes.filter { ["state", "tier", "assignee", "priority"].contains($0.field) }
            if !moved.isEmpty, event.kind != .opened {
                line += "  " + moved.map { "\($0.field): \($0.before ?? "—") → \($0.after ?? "—")" }.joined(separator: ", ")
            }
            if let note = event.note { line += "  “\(note)”" }
            lines.append(TerminalText.sanitize(line))
        }
        return lines.joined(separator: "\n")
    }
}
