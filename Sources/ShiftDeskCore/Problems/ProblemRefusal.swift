import Foundation

/// A step in a problem's life the duty table does not allow, naming the rule that refused it.
public struct ProblemRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Rule: Hashable, Sendable {
        /// Only the problem manager and the problem's owner move a problem.
        case moveRole(Role)
        /// Only the problem manager accepts a problem and names its owner.
        case assessRole(Role)
        /// Raising, commenting and linking: L2, the incident manager, the problem manager, the owner.
        case commentRole(Role)
        /// The internal auditor reads everything and changes nothing.
        case readOnly
        /// The step does not leave this state.
        case state(ProblemState, step: ProblemEventKind)
        /// The named owner cannot own a problem (the auditor, a disabled operator).
        case ownerRole(login: String, role: Role)
        case ownerUnchanged(String)
        /// Fix applied needs the root cause first (fix in progress).
        case fixNeedsCause
        case duplicateNeeded
        case duplicateOfItself
        /// The problem a duplicate merges into is itself resolved or closed.
        case duplicateTargetNotOpen(ProblemID, ProblemState)
        case closeNeedsResolved(ProblemState)
        case noKnownError
        /// A required text is empty (the root cause, the fix notes, a reason, the symptom…).
        case textRequired(TextField)
        case text(TextViolation)
        case notLinked(TicketID)
        case alreadyLinked(TicketID)
        case knownErrorUnchanged
    }

    public let problem: ProblemID?
    public let rule: Rule

    public init(_ rule: Rule, problem: ProblemID? = nil) {
        self.rule = rule
        self.problem = problem
    }

    /// A stable identifier for scripts and tests, e.g. `problem.close-needs-resolved`.
    public var ruleID: String {
        switch rule {
        case .moveRole: "problem.move-role"
        case .assessRole: "problem.assess-role"
        case .commentRole: "problem.comment-role"
        case .readOnly: "auditor.read-only"
        case .state: "problem.state"
        case .ownerRole: "problem.owner-role"
        case .ownerUnchanged: "problem.owner-unchanged"
        case .fixNeedsCause: "problem.fix-needs-cause"
        case .duplicateNeeded: "problem.duplicate-needed"
        case .duplicateOfItself: "problem.duplicate-of-itself"
        case .duplicateTargetNotOpen: "problem.duplicate-target-not-open"
        case .closeNeedsResolved: "problem.close-needs-resolved"
        case .noKnownError: "problem.no-known-error"
        case .textRequired: "text.required"
        case .text: "text.limit"
        case .notLinked: "problem.not-linked"
        case .alreadyLinked: "problem.already-linked"
        case .knownErrorUnchanged: "problem.known-error-unchanged"
        }
    }

    public var description: String { message(.en) }

    public func message(_ l: Language) -> String {
        (problem.map { "\($0): " } ?? "") + reason(l) + " [\(ruleID)]"
    }

    private func reason(_ l: Language) -> String {
        switch rule {
        case let .moveRole(role):
            return l.pick(en: "\(role.label(l)) cannot move a problem; the problem manager and the problem's owner do",
                          zh: "\(role.label(l))不能推进问题单；由问题经理或问题单负责人操作")
        case let .assessRole(role):
            return l.pick(en: "\(role.label(l)) cannot assess a problem; the problem manager accepts it and names its owner",
                          zh: "\(role.label(l))不能评估问题单；由问题经理受理并指定负责人")
        case let .commentRole(role):
            return l.pick(en: "\(role.label(l)) cannot comment on problems or link incidents; second-line support, the incident manager, the problem manager and the owner do",
                          zh: "\(role.label(l))不能为问题单添加备注或关联事件；由二线支持、事件经理、问题经理或负责人操作")
        case .readOnly:
            return l.pick(en: "the internal auditor reads everything and changes nothing", zh: "内审员只读，可查看全部记录，不做任何更改")
        case let .state(state, step):
            return l.pick(en: "a problem that is \(state.label(l)) cannot be \(step.label(l))",
                          zh: "\(state.label(l))状态的问题单不能执行“\(step.label(l))”")
        case let .ownerRole(login, role):
            return l.pick(en: "\(login) (\(role.label(l))) cannot own a problem", zh: "\(login)（\(role.label(l))）不能担任问题单负责人")
        case let .ownerUnchanged(login):
            return l.pick(en: "\(login) already owns it", zh: "负责人已是 \(login)")
        case .fixNeedsCause:
            return l.pick(en: "a fix can only be applied once the root cause is noted (problem fix --cause)",
                          zh: "须先记录根本原因（problem fix --cause）才能以“已修复”解决")
        case .duplicateNeeded:
            return l.pick(en: "a duplicate needs the problem it duplicates (--duplicate-of PRB-…)",
                          zh: "标记为重复须指明重复的问题单（--duplicate-of PRB-…）")
        case .duplicateOfItself:
            return l.pick(en: "a problem cannot be a duplicate of itself", zh: "问题单不能与自身重复")
        case let .duplicateTargetNotOpen(target, state):
            return l.pick(en: "\(target) is \(state.label(l)); a duplicate merges into an open problem (re-analyse it first)",
                          zh: "\(target) \(state.label(l))；重复的问题单只能并入未解决的问题单（请先重新分析）")
        case let .closeNeedsResolved(state):
            return l.pick(en: "only a resolved problem can be closed (it is \(state.label(l)))",
                          zh: "只有已解决的问题单可以关闭（当前：\(state.label(l))）")
        case .noKnownError:
            return l.pick(en: "it has no known error to communicate; publish one first (problem known-error)",
                          zh: "尚未发布已知错误，无法通告；请先发布（problem known-error）")
        case let .textRequired(field):
            return l.pick(en: "the \(field.label(l)) needs some text", zh: "\(field.label(l))不能为空")
        case let .text(violation):
            return violation.message(l)
        case let .notLinked(ticket):
            return l.pick(en: "\(ticket) is not linked to it", zh: "\(ticket) 未关联该问题单")
        case let .alreadyLinked(ticket):
            return l.pick(en: "\(ticket) is already linked to it", zh: "\(ticket) 已关联该问题单")
        case .knownErrorUnchanged:
            return l.pick(en: "the known error already reads so", zh: "已知错误内容未改变")
        }
    }
}
