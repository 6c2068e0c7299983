import Foundation

/// A transition the duty table does not allow, naming the rule that refused it.
public struct WorkflowRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Rule: Hashable, Sendable {
        case titleRequired
        case textRequired(what: String)
        case callerRequired
        case onlyDeskCloses
        case closeNeedsResolved(TicketState)
        case surveyRequired
        case surveyScore(Int)
        case heldByOther(holder: String)
        case alreadyYours
        case wrongTier(tier: Tier, role: Role)
        case notOpen(TicketState)
        case escalationPath(from: Tier, to: Tier, role: Role)
        case notPending
        case alreadyPending(PendingReason)
        case resolveRole(role: Role, tier: Tier)
        /// `--told-desk` is the lines' report to the desk (ROLES.md, first line 5).
        case toldDeskRole(Role)
        /// The result notice is the desk's: only a desk agent marks it seen.
        case resultForDesk(Role)
        case reopenRole(Role)
        case reopenState(TicketState)
        case priorityRole(role: Role)
        case priorityUnchanged(Priority)
        case problemRole(Role)
        case sheetRole(Role)
        case sheetNotPrinted
        case sheetAlreadySigned
        case alreadyLinked(ProblemID)
        /// Resolving by a problem needs the incident to wait on that problem.
        case notWaitingOnProblem(ProblemID)
        /// Waiting on a problem needs one: named (`--problem`) or linked already.
        case problemNeeded
        case openedInFuture
        /// A text over its field's limit, or holding what the field does not take (``TextField``).
        case text(TextViolation)
        /// The internal auditor reads everything and changes nothing.
        case readOnly(Workflow.DeskChange)
        /// The problem manager and the owner work no queue: they read incidents and add notes.
        case notesOnly(Role)
    }

    public let ticket: TicketID?
    public let rule: Rule

    public init(_ rule: Rule, ticket: TicketID? = nil) {
        self.rule = rule
        self.ticket = ticket
    }

    /// A stable identifier for scripts and tests, e.g. `close.desk-only`.
    public var ruleID: String {
        switch rule {
        case .titleRequired: "ticket.title-required"
        case .textRequired: "text.required"
        case .callerRequired: "ticket.caller-required"
        case .onlyDeskCloses: "close.desk-only"
        case .closeNeedsResolved: "close.needs-resolved"
        case .surveyRequired: "close.needs-survey"
        case .surveyScore: "close.survey-score"
        case .heldByOther: "take.held-by-other"
        case .alreadyYours: "take.already-yours"
        case .wrongTier: "take.wrong-tier"
        case .notOpen: "ticket.not-open"
        case .escalationPath: "escalate.path"
        case .notPending: "resume.not-pending"
        case .alreadyPending: "pend.already-pending"
        case .resolveRole: "resolve.role"
        case .toldDeskRole: "resolve.told-desk-lines-only"
        case .resultForDesk: "notice.desk-only"
        case .reopenRole: "reopen.role"
        case .reopenState: "reopen.state"
        case .priorityRole: "priority.role"
        case .priorityUnchanged: "priority.unchanged"
        case .problemRole: "problem.role"
        case .sheetRole: "sheet.l1-only"
        case .sheetNotPrinted: "sheet.not-printed"
        case .sheetAlreadySigned: "sheet.already-signed"
        case .alreadyLinked: "problem.already-linked"
        case .notWaitingOnProblem: "problem.not-waiting"
        case .problemNeeded: "pend.problem-needed"
        case .openedInFuture: "ticket.opened-in-future"
        case .text: "text.limit"
        case .readOnly: "auditor.read-only"
        case .notesOnly: "role.notes-only"
        }
    }

    public var description: String { message(.en) }

    public func message(_ language: Language) -> String {
        let subject = ticket.map { "\($0): " } ?? ""
        return subject + reason(language) + " [\(ruleID)]"
    }

    private func reason(_ l: Language) -> String {
        switch rule {
        case let .text(violation):
            return violation.message(l)
        case .titleRequired:
            return l.pick(en: "an incident needs a title", zh: "事件必须有标题")
        case let .textRequired(what):
            return l.pick(en: "\(what) needs some text", zh: "\(what)不能为空")
        case .callerRequired:
            return l.pick(en: "a call or walk-in needs the caller's name", zh: "电话或现场报障必须填写报障人")
        case .onlyDeskCloses:
            return l.pick(en: "only the service desk closes incidents; tell the desk it is resolved",
                          zh: "只有服务台可以关闭事件；请通知服务台事件已解决")
        case let .closeNeedsResolved(state):
            return l.pick(en: "only a resolved incident can be closed (it is \(state.label(l)))",
                          zh: "只有已解决的事件可以关闭（当前：\(state.label(l))）")
        case .surveyRequired:
            return l.pick(en: "closing needs the satisfaction survey: a score 1 to 5, or the customer unreachable",
                          zh: "关闭事件需要满意度调查结果：评分 1 到 5，或记录客户无法联系")
        case let .surveyScore(score):
            return l.pick(en: "the satisfaction score must be 1 to 5 (got \(score)), or the customer unreachable",
                          zh: "满意度评分须为 1 到 5（收到 \(score)），或记录客户无法联系")
        case let .heldByOther(holder):
            return l.pick(en: "it is held by \(holder); ask them or the incident manager to hand it over",
                          zh: "该事件由 \(holder) 处理中；请联系其本人或事件经理转交")
        case .alreadyYours:
            return l.pick(en: "you already hold it", zh: "该事件已由你处理")
        case let .wrongTier(tier, role):
            return l.pick(en: "it is in the \(tier.label(l)) queue; \(role.label(l)) cannot work it",
                          zh: "该事件在\(tier.label(l))队列，\(role.label(l))不能处理")
        case let .notOpen(state):
            return l.pick(en: "it is \(state.label(l)); reopen it first", zh: "该事件\(state.label(l))，请先重新打开")
        case let .escalationPath(from, to, role):
            let allowed: String
            switch role {
            case .desk: allowed = l.pick(en: "the desk escalates to first-line support (L1)", zh: "服务台只能升级到一线支持")
            case .l1: allowed = l.pick(en: "first-line support escalates to L2 or a vendor", zh: "一线支持可升级到二线支持或厂商")
            case .l2: allowed = l.pick(en: "second-line support involves a vendor", zh: "二线支持可联系厂商")
            case .im, .supervisor, .problemManager, .owner, .auditor:
                allowed = l.pick(en: "\(role.label(l)) does not escalate between tiers", zh: "\(role.label(l))不做技术升级")
            }
            return allowed + l.pick(en: " (asked: \(from.label(l)) → \(to.label(l)))", zh: "（请求：\(from.label(l)) → \(to.label(l))）")
        case .notPending:
            return l.pick(en: "it is not waiting on anyone", zh: "该事件未挂起")
        case let .alreadyPending(reason):
            let zh = switch reason {
            case .customer: "客户"
            case .vendor: "厂商"
            case .problem: "问题单"
            }
            return l.pick(en: "it already waits on the \(reason.rawValue)", zh: "该事件已在等待\(zh)")
        case let .resolveRole(role, tier):
            return l.pick(en: "\(role.label(l)) cannot resolve an incident in the \(tier.label(l)) queue; the desk resolves at first contact, L1 and L2 what they hold",
                          zh: "\(role.label(l))不能解决\(tier.label(l))队列中的事件；服务台在首次接触时解决，一线和二线解决自己处理的事件")
        case let .toldDeskRole(role):
            return l.pick(en: "\(role.label(l)) has no desk to tell: first and second line tell the desk the result (--told-desk)",
                          zh: "\(role.label(l))无需告知服务台：由一线和二线向服务台告知处理结果（--told-desk）")
        case let .resultForDesk(role):
            return l.pick(en: "\(role.label(l)) cannot mark a result seen: it is told to the desk agent who owns the incident",
                          zh: "\(role.label(l))不能确认处理结果：结果是告知负责该事件的服务台坐席的")
        case let .reopenRole(role):
            return l.pick(en: "\(role.label(l)) cannot reopen incidents; the desk or the incident manager reopens",
                          zh: "\(role.label(l))不能重新打开事件；由服务台或事件经理操作")
        case let .reopenState(state):
            return l.pick(en: "only resolved or closed incidents can be reopened (it is \(state.label(l)))",
                          zh: "只有已解决或已关闭的事件可以重新打开（当前：\(state.label(l))）")
        case let .priorityRole(role):
            return l.pick(en: "\(role.label(l)) cannot change priority; the incident manager reprioritises and the desk may only raise it",
                          zh: "\(role.label(l))不能修改优先级；由事件经理调整，服务台只能提高")
        case let .priorityUnchanged(priority):
            return l.pick(en: "it is already \(priority.label(l))", zh: "优先级已是\(priority.label(l))")
        case let .problemRole(role):
            return l.pick(en: "\(role.label(l)) cannot raise problems; second-line support, the incident manager and the problem manager do",
                          zh: "\(role.label(l))不能提交问题单；由二线支持、事件经理或问题经理提交")
        case let .sheetRole(role):
            return l.pick(en: "\(role.label(l)) does not print on-site service sheets; first-line support does",
                          zh: "\(role.label(l))不打印现场服务单；由一线支持打印")
        case .sheetNotPrinted:
            return l.pick(en: "no on-site service sheet was printed for it", zh: "该事件尚未打印现场服务单")
        case .sheetAlreadySigned:
            return l.pick(en: "its on-site service sheet is already signed", zh: "现场服务单已签字")
        case let .alreadyLinked(problem):
            return l.pick(en: "it is already linked to \(problem)", zh: "该事件已关联 \(problem)")
        case .problemNeeded:
            return l.pick(en: "waiting on a problem needs the problem: name it (--problem PRB-…) or link one first",
                          zh: "等待问题单须指明问题单（--problem PRB-…），或先关联问题单")
        case let .notWaitingOnProblem(problem):
            return l.pick(en: "it does not wait on \(problem)", zh: "该事件未在等待 \(problem)")
        case .openedInFuture:
            return l.pick(en: "an incident cannot be opened in the future", zh: "事件的开始时间不能晚于当前时间")
        case let .readOnly(change):
            return l.pick(en: "the internal auditor may not \(change.label(l)): reads everything, changes nothing",
                          zh: "内审员不能\(change.label(l))：只读，可查看全部记录，不做任何更改")
        case let .notesOnly(role):
            let more = Workflow.mayRaiseProblems(role) ? l.pick(en: " and raises problems", zh: "、提交问题单") : ""
            return l.pick(en: "\(role.label(l)) works no queue: reads incidents, adds work notes\(more); the desk and the support lines act on them",
                          zh: "\(role.label(l))不处理队列：可查看事件、添加备注\(more)；由服务台和各线支持处理")
        }
    }
}
