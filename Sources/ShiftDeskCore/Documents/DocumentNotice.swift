import Foundation

/// The e-mails of a controlled document's life (issue 15; ROLES.md IM 1): a version submitted
/// goes to the owners (管理体系负责人) for approval; the decision goes back to its submitter.
/// Composed with the event and queued in the same transaction, in both languages like the
/// escalation notices; each has a Message-ID derived from the document, the version, the step,
/// its instant and the recipient (one `@` only, as RFC 5322 wants), so a delivery repeated after
/// a crash is recognisably the same.
public enum DocumentNotice {
    /// The messages `event` sends, `before` being the document as it stood before it (nil for a
    /// new one). Submissions go to every owner on the roster with an e-mail address (addressed when
    /// delivered) and to the `management_owner` addresses of `[notify.roles]` that are not one of
    /// theirs; with neither, one row to the role that shows up as undeliverable, never a silent
    /// drop. Approvals and rejections go to the submitter. Other events send nothing.
    public static func compose(_ event: DocumentEvent, before: ControlledDocument?, operators: [Operator],
                               recipients: RecipientDirectory, timeZone: TimeZone) -> [OutboxMessage] {
        guard [.submitted, .approved, .rejected].contains(event.kind), let before, let version = before.working else { return [] }
        var after = before
        after.apply(event)
        let number = event.payload.version ?? version.number?.description ?? version.label
        let names = Dictionary(operators.map { ($0.login, $0.name) }, uniquingKeysWith: { first, _ in first })
        func who(_ login: String) -> String { names[login].map { "\(TerminalText.sanitize($0)) (\(login))" } ?? login }
        let title = TerminalText.sanitize(before.title)
        let what = before.kind == .slaPolicy ? "SLA 策略 SLA policy" : "受控文档 Document"
        let stamp = String(Int64((event.at.timeIntervalSince1970 * 1000).rounded()))
        let idBase = "doc.\(ResultNotice.idPart(before.name)).\(ResultNotice.idPart(number)).\(event.kind.rawValue).\(stamp)"
        let when = "\(DisplayTime.format(event.at, in: timeZone)) (\(timeZone.identifier))"
        let reason = TerminalText.sanitize(event.kind == .submitted ? event.payload.reason ?? "" : version.reason ?? "")
        let comment = TerminalText.sanitize(event.payload.comment ?? "")
        let isPolicy = before.kind == .slaPolicy
        let subject: String
        var lines = ["\(before.name) \(number)  \(title)", ""]
        switch event.kind {
        case .submitted:
            subject = "[\(what)] \(before.name) \(number) 待审批 submitted for approval: \(title)"
            lines += [
                "提交人 Submitted by:  \(who(event.actor))",
                "提交时间 Submitted at: \(when)",
                "原因 Reason:          \(reason)",
                "重大变更 Major change: \(event.payload.major == true ? "是 yes" : "否 no")",
                "现行版本 Current:     \(before.current?.label ?? "—")",
                "SHA-256:              \(version.digest)",
                "",
            ]
            if isPolicy {
                lines += [
                    "试算 What-if:  shiftdesk policy whatif --weeks 4",
                    "批准 Approve:  shiftdesk policy approve [--comment T]",
                    "驳回 Reject:   shiftdesk policy reject --comment T",
                ]
            } else {
                lines += [
                    "对比 Diff:     shiftdesk doc diff \(before.name) \(before.current?.label ?? number) \(number)",
                    "批准 Approve:  shiftdesk doc approve \(before.name) [--comment T]",
                    "驳回 Reject:   shiftdesk doc reject \(before.name) --comment T",
                ]
            }
            lines.append("或在控制台的文档页面（D）审批。 Or on the console's Documents screen (D).")
        case .approved:
            subject = "[\(what)] \(before.name) \(number) 已批准 approved: \(title)"
            lines += [
                "批准人 Approved by:  \(who(event.actor))",
                "批准时间 Approved at: \(when)",
                "意见 Comment:        \(comment.isEmpty ? "—" : comment)",
                "原因 Reason:         \(reason)",
                "",
                isPolicy ? "自批准时刻起对所有席位、升级服务和报表生效。 In force for every seat, escalator and report from the approval instant."
                    : "自批准时刻起为现行版本；相关人员须阅读并确认。 Current from the approval instant; the roles it concerns must read and acknowledge it.",
            ]
        default:
            subject = "[\(what)] \(before.name) \(number) 已驳回 rejected: \(title)"
            lines += [
                "驳回人 Rejected by:  \(who(event.actor))",
                "驳回时间 Rejected at: \(when)",
                "意见 Comment:        \(comment)",
                "原因 Reason:         \(reason)",
                "",
                "已退回草稿，修改后可重新提交；现行版本不变（\(before.current?.label ?? "—")）。",
                "Back to draft: edit and submit it again; the current version stays (\(before.current?.label ?? "—")).",
            ]
        }
        let body = lines.joined(separator: "\n")
        func toOperator(_ login: String) -> OutboxMessage {
            OutboxMessage(document: before.name, recipientRole: nil, recipientLogin: login, address: "", subject: subject, body: body,
                          createdAt: event.at, messageID: "\(idBase).\(ResultNotice.idPart(login))@shiftdesk")
        }
        func toRole(_ address: String) -> OutboxMessage {
            OutboxMessage(document: before.name, recipientRole: .managementOwner, recipientLogin: nil, address: address, subject: subject,
                          body: body, createdAt: event.at,
                          messageID: "\(idBase).\(RecipientRole.managementOwner.rawValue).\(ResultNotice.idPart(address))@shiftdesk")
        }
        guard event.kind == .submitted else {
            return (version.submitter ?? after.current?.submitter).map { [toOperator($0)] } ?? []
        }
        let owners = operators.filter { $0.role == .owner && !$0.disabled && $0.login != event.actor && !($0.email ?? "").isEmpty }
            .sorted { $0.login < $1.login }
        let ownAddresses = Set(owners.compactMap { $0.email?.lowercased() })
        let roster = (recipients.addresses[.managementOwner] ?? []).filter { !$0.isEmpty && !ownAddresses.contains($0.lowercased()) }
        let messages = owners.map { toOperator($0.login) } + roster.map(toRole)
        return messages.isEmpty ? [toRole("")] : messages
    }
}
