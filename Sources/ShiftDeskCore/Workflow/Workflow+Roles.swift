import Foundation

/// The roles that work no queue (ROLES.md and DESIGN.md, "Growing the shape"): the problem
/// manager (问题经理) and the management-system owner (管理体系负责人) read every incident and
/// add work notes, and the problem manager raises and links problems as L2 and the incident
/// manager do; the internal auditor (内审员) reads everything and changes nothing. These checks
/// come before any other rule, so a refusal names the role's rule, not a ticket's detail.
extension Workflow {
    /// A change an operator asks for, as far as the role alone decides it.
    public enum DeskChange: Sendable, Hashable {
        /// Logging a new incident.
        case logIncident
        /// An action on an existing incident, by the kind of event it would record.
        case ticket(EventKind)
        /// Raising a problem (问题单), linking incidents to it.
        case raiseProblem
        case submitHandover
        case acknowledgeHandover
        /// Confirming that a management-escalation phone call was made.
        case confirmCall
        /// Marking seen the result of an incident told to the desk (``ResultNotice``).
        case seeResult
        /// Resolving the incidents that wait on a problem, as its fix is applied: whoever moves
        /// the problem (its own rules decide who).
        case resolveByProblem
    }

    /// Whether the role raises problems and links incidents to them.
    public static func mayRaiseProblems(_ role: Role) -> Bool {
        switch role {
        case .l2, .im, .problemManager: true
        case .desk, .l1, .supervisor, .owner, .auditor: false
        }
    }

    /// Whether the role may change anything at all (the auditor may not).
    public static func mayChange(_ role: Role) -> Bool { !role.isReadOnly }

    /// The rule that refuses `change` to `role` whatever the ticket; nil when the role may ask
    /// (the ticket's own rules then decide).
    public static func roleRule(_ change: DeskChange, by role: Role) -> WorkflowRefusal.Rule? {
        if role.isReadOnly { return .readOnly(change) }
        switch change {
        case .raiseProblem, .ticket(.problemLinked):
            return mayRaiseProblems(role) ? nil : .problemRole(role)
        case .ticket(.noted):
            return nil
        case .logIncident, .ticket:
            switch role {
            case .problemManager, .owner: return .notesOnly(role)
            case .desk, .l1, .l2, .im, .supervisor, .auditor: return nil
            }
        case .submitHandover, .acknowledgeHandover, .confirmCall:
            return nil
        case .seeResult:
            // The result is told to the desk: only a desk agent can have been told.
            return role == .desk ? nil : .resultForDesk(role)
        case .resolveByProblem:
            return mayRaiseProblems(role) ? nil : .problemRole(role)
        }
    }

    /// Refuses `change` when `actor`'s role may not ask for it.
    public static func check(_ change: DeskChange, by actor: Operator, ticket: TicketID? = nil) throws(WorkflowRefusal) {
        if let rule = roleRule(change, by: actor.role) { throw WorkflowRefusal(rule, ticket: ticket) }
    }
}

extension Workflow.DeskChange {
    /// What was asked, as a verb for a refusal: "add a note", "log an incident".
    public func label(_ l: Language) -> String {
        switch self {
        case .logIncident: l.pick(en: "log an incident", zh: "登记事件")
        case let .ticket(kind):
            switch kind {
            case .taken: l.pick(en: "take it", zh: "受理")
            case .escalated: l.pick(en: "escalate it", zh: "升级")
            case .pended: l.pick(en: "put it on hold", zh: "挂起")
            case .resumed: l.pick(en: "resume it", zh: "恢复处理")
            case .resolved: l.pick(en: "resolve it", zh: "解决")
            case .closed: l.pick(en: "close it", zh: "关闭")
            case .reopened: l.pick(en: "reopen it", zh: "重新打开")
            case .noted: l.pick(en: "add a note", zh: "添加备注")
            case .reprioritised: l.pick(en: "change its priority", zh: "修改优先级")
            case .problemLinked: l.pick(en: "link it to a problem", zh: "关联问题单")
            case .sheetPrinted: l.pick(en: "print its on-site sheet", zh: "打印现场服务单")
            case .sheetSigned: l.pick(en: "mark its sheet signed", zh: "登记现场服务单签字")
            case .opened, .imported, .released: kind.label(l)
            }
        case .raiseProblem: l.pick(en: "raise a problem", zh: "提交问题单")
        case .submitHandover: l.pick(en: "submit a handover", zh: "提交交接")
        case .acknowledgeHandover: l.pick(en: "acknowledge a handover", zh: "确认交接")
        case .confirmCall: l.pick(en: "confirm an escalation call", zh: "确认升级电话")
        case .seeResult: l.pick(en: "mark a result seen", zh: "确认已知悉处理结果")
        case .resolveByProblem: l.pick(en: "resolve incidents by their problem", zh: "随问题单解决事件")
        }
    }
}
