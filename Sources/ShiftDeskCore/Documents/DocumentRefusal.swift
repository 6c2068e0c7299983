import Foundation

/// A change to a controlled document that its rules do not allow, naming the rule.
public struct DocumentRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Rule: Hashable, Sendable {
        /// The internal auditor reads everything and changes nothing.
        case auditorReadOnly
        /// Only the incident manager and the owners write and submit documents.
        case authorRole(Role)
        /// Only an owner (管理体系负责人) approves or rejects.
        case approverRole(Role)
        case ownSubmission
        case notSubmitted
        case submittedLocked(DocumentVersionNumber)
        case noDraft
        case alreadyExists(String)
        case notFound(String)
        case versionNotFound(String)
        case unchanged
        case noCurrent
        case alreadyAcknowledged(DocumentVersionNumber)
        case notConcerned(Role)
        case invalidName(String)
        case textRequired(what: String)
        case text(TextViolation)
        /// The SLA policy text does not pass the policy checks: `file:line: reason` lines.
        case invalidPolicy(String)
        /// The policy document is written with `policy propose`, not `doc`.
        case policyThroughPolicy
        /// Dated before the document's latest event: its history is only ever appended to, in order.
        case backdated(latest: Date, attempted: Date)
    }

    public let document: String?
    public let rule: Rule

    public init(_ rule: Rule, document: String? = nil) {
        self.rule = rule
        self.document = document
    }

    public var ruleID: String {
        switch rule {
        case .auditorReadOnly: "auditor.read-only"
        case .authorRole: "document.author-role"
        case .approverRole: "document.approver-role"
        case .ownSubmission: "document.own-submission"
        case .notSubmitted: "document.not-submitted"
        case .submittedLocked: "document.submitted-locked"
        case .noDraft: "document.no-draft"
        case .alreadyExists: "document.exists"
        case .notFound: "document.not-found"
        case .versionNotFound: "document.version-not-found"
        case .unchanged: "document.unchanged"
        case .noCurrent: "document.no-current"
        case .alreadyAcknowledged: "document.already-acknowledged"
        case .notConcerned: "document.not-concerned"
        case .invalidName: "document.name"
        case .textRequired: "text.required"
        case .text: "text.limit"
        case .invalidPolicy: "policy.invalid"
        case .policyThroughPolicy: "document.policy-through-policy"
        case .backdated: "document.backdated"
        }
    }

    public var description: String { message(.en) }

    public func message(_ l: Language) -> String {
        (document.map { "\($0): " } ?? "") + reason(l) + " [\(ruleID)]"
    }

    private func reason(_ l: Language) -> String {
        switch rule {
        case .auditorReadOnly:
            return l.pick(en: "the internal auditor reads documents and changes nothing", zh: "内审员只能查阅文档，不能修改")
        case let .authorRole(role):
            return l.pick(en: "\(role.label(l)) cannot write or submit controlled documents; the incident manager or an owner does",
                          zh: "\(role.label(l))不能编写或提交受控文档；由事件经理或管理体系负责人操作")
        case let .approverRole(role):
            return l.pick(en: "\(role.label(l)) cannot approve or reject; the management-system owner does",
                          zh: "\(role.label(l))不能批准或驳回；由管理体系负责人审批")
        case .ownSubmission:
            return l.pick(en: "nobody approves their own submission; another owner must decide",
                          zh: "不能审批自己提交的版本；须由另一位管理体系负责人审批")
        case .notSubmitted:
            return l.pick(en: "there is no submitted version to decide on (a draft must be submitted first)",
                          zh: "没有待审批的版本（草稿须先提交）")
        case let .submittedLocked(number):
            return l.pick(en: "\(number) is waiting for approval and cannot be edited; it can be edited again if rejected",
                          zh: "\(number) 正在审批中，不能编辑；被驳回后才能再次编辑")
        case .noDraft:
            return l.pick(en: "there is no draft to submit; edit the document first", zh: "没有可提交的草稿；请先编辑文档")
        case let .alreadyExists(name):
            return l.pick(en: "a document named \(name) already exists; use `doc edit`", zh: "名为 \(name) 的文档已存在；请用 `doc edit`")
        case let .notFound(name):
            return l.pick(en: "no document named \(name); see `doc list`", zh: "没有名为 \(name) 的文档；见 `doc list`")
        case let .versionNotFound(version):
            return l.pick(en: "no version \(version) of this document", zh: "该文档没有版本 \(version)")
        case .unchanged:
            return l.pick(en: "the text is the same as the current version; nothing to submit",
                          zh: "正文与现行版本相同，无需提交")
        case .noCurrent:
            return l.pick(en: "no version has been approved yet", zh: "尚无已批准的版本")
        case let .alreadyAcknowledged(number):
            return l.pick(en: "you already acknowledged \(number)", zh: "你已确认阅读 \(number)")
        case let .notConcerned(role):
            return l.pick(en: "this document does not concern \(role.label(l)); nothing to acknowledge",
                          zh: "本文档不涉及\(role.label(l))，无需确认")
        case let .invalidName(name):
            return l.pick(en: "a document name takes 1 to 64 lowercase letters, digits and - (got \"\(name)\")",
                          zh: "文档名须为 1 到 64 个小写字母、数字或 -（收到“\(name)”）")
        case let .textRequired(what):
            return l.pick(en: "\(what) needs some text", zh: "\(what)不能为空")
        case let .text(violation):
            return violation.message(l)
        case let .invalidPolicy(problems):
            return l.pick(en: "the policy does not pass its checks:\n\(problems)", zh: "策略未通过检查：\n\(problems)")
        case .policyThroughPolicy:
            return l.pick(en: "the SLA policy changes through `policy propose|approve|reject`",
                          zh: "SLA 策略请用 `policy propose|approve|reject` 修改")
        case let .backdated(latest, attempted):
            return l.pick(en: "its latest event is at \(ISO8601.format(latest)); a change dated \(ISO8601.format(attempted)) would rewrite its history (check --now or the clock)",
                          zh: "其最新记录时间为 \(ISO8601.format(latest))；时间为 \(ISO8601.format(attempted)) 的变更会改写其历史（请检查 --now 或系统时钟）")
        }
    }
}
