import Foundation

/// The result told to the desk (ROLES.md, first line 5: "when resolved, tell the desk agent and
/// e-mail the result"). When first or second line resolves an incident (also one a vendor
/// fixed: L1 and L2 coordinate the vendor tier), the desk agent who owns it gets a notice on
/// their console and a mail with the resolution; both wait in the outbox.
public enum ResultNotice {
    /// Whether a resolution by `resolver` is a result the desk must be told: the lines resolve
    /// on the desk's behalf; the desk resolving its own incident tells nobody.
    public static func concernsDesk(resolver: Role) -> Bool {
        resolver == .l1 || resolver == .l2
    }

    /// The field a resolution event carries when the resolver also told the desk by phone or in
    /// person (`ticket resolve --told-desk`).
    public static let toldDeskField = "told_desk"

    /// The notice and the mail for `ticket` just resolved (`ticket.resolvedAt` set) by `resolver`;
    /// empty when the resolution is not one the desk must be told. The notice is for the owner
    /// (who sees it is decided when it is shown: ``isFor(_:notice:ownerOnShift:)``); the mail
    /// goes to the owner's address as on record when it is delivered, and a ticket without an
    /// owner (it bypassed the desk) gets the notice only.
    public static func compose(ticket: Ticket, resolver: Operator, toldDesk: Bool, timeZone: TimeZone, now: Date) -> [OutboxMessage] {
        guard concernsDesk(resolver: resolver.role), let resolvedAt = ticket.resolvedAt else { return [] }
        let stamp = String(Int64((resolvedAt.timeIntervalSince1970 * 1000).rounded()))
        let resolution = TerminalText.sanitize(ticket.resolutionNote ?? "")
        let title = TerminalText.sanitize(ticket.title)
        let owner = ticket.owner ?? ""
        let noticeText = "\(ticket.id) 已由 \(resolver.name) 解决 resolved by \(resolver.name): \(oneLine(resolution))"
        var messages = [
            OutboxMessage(ticket: ticket.id, priority: ticket.priority, level: 0, kind: .resultNotice, recipientRole: nil,
                          recipientLogin: ticket.owner, address: owner, via: .console, subject: noticeText,
                          body: resolution, createdAt: now,
                          messageID: "\(ticket.id).result.\(stamp).console@shiftdesk"),
        ]
        if let login = ticket.owner {
            let subject = "[\(ticket.id)] 已解决 resolved: \(title)"
            var lines = [
                "\(ticket.id)  \(title)",
                "",
                "已由 \(resolver.name)（\(resolver.login)）解决 / Resolved by \(resolver.name) (\(resolver.login))",
                "时间 At:              \(DisplayTime.format(resolvedAt, in: timeZone)) (\(timeZone.identifier))",
                "报障人 Caller:        \(TerminalText.sanitize([ticket.caller.name, ticket.caller.phone, ticket.caller.email].compactMap { $0 }.joined(separator: ", ")))",
                "",
                "解决方案 Resolution:",
                resolution,
                "",
            ]
            if toldDesk { lines.append("已电话告知服务台 The desk was also told by phone.") }
            lines.append("请致电客户确认并关闭（满意度调查）。 Call the customer to confirm, and close with the survey.")
            messages.append(OutboxMessage(ticket: ticket.id, priority: ticket.priority, level: 0, kind: .result, recipientRole: nil,
                                          recipientLogin: login, address: "", via: .email, subject: subject,
                                          body: lines.joined(separator: "\n"), createdAt: now,
                                          messageID: "\(ticket.id).result.\(stamp).\(idPart(login))@shiftdesk"))
        }
        return messages
    }

    /// Whether `notice` is shown to `person`: to the owner when they are on the current shift;
    /// otherwise (or for an incident without an owner) to every desk agent on shift.
    public static func isFor(_ person: Operator, notice: OutboxMessage, ownerOnShift: Bool) -> Bool {
        guard notice.kind == .resultNotice, person.role == .desk else { return false }
        if let owner = notice.recipientLogin, ownerOnShift { return owner == person.login }
        return true
    }

    /// `text` as it may stand in a Message-ID: ASCII letters, digits and `. _ -`; the rest `_`.
    static func idPart(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        })
    }

    /// Whether the owner of a notice is at work now: a desk agent, not disabled, on the shift on
    /// duty (an operator without a shift counts as on every shift). Nil (no owner, or one no
    /// longer on the roster) is not on shift.
    public static func ownerOnShift(_ owner: Operator?, current: ShiftName) -> Bool {
        guard let owner, owner.role == .desk, !owner.disabled else { return false }
        return owner.shift == nil || owner.shift == current
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
