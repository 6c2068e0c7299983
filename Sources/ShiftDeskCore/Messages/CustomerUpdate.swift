import Foundation

/// The customer kept informed (ROLES.md, desk 7): a work note marked customer update is mailed
/// to the caller when their address is on record, in the caller's language, with the incident's
/// number and a short status; otherwise the agent told them by phone, and the event says so.
public enum CustomerUpdate {
    /// How the customer was told.
    public enum Channel: String, Sendable {
        case email, phone
    }

    /// The field a customer update's event carries: `email` or `phone`.
    public static let toldByField = "customer_told_by"

    public static func channel(for ticket: Ticket) -> Channel { ticket.caller.email == nil ? .phone : .email }

    /// Whether the customer of `ticket` is owed an update at `now`: an incident still being worked
    /// (not resolved nor closed) whose priority has an interval (`[desk.customer_updates]`), last
    /// told (or, never told, opened) longer ago than that.
    public static func isOverdue(_ ticket: Ticket, every intervals: [Priority: TimeInterval], now: Date) -> Bool {
        isOverdue(state: ticket.state, priority: ticket.priority, lastToldAt: ticket.customerToldAt ?? ticket.openedAt, every: intervals, now: now)
    }

    /// The same rule from what a queue row keeps: `lastToldAt` is when the customer was last
    /// told, or when the incident was opened if never.
    public static func isOverdue(state: TicketState, priority: Priority, lastToldAt: Date, every intervals: [Priority: TimeInterval],
                                 now: Date) -> Bool {
        guard state != .resolved, state != .closed, let interval = intervals[priority], interval > 0 else { return false }
        return now.timeIntervalSince(lastToldAt) > interval
    }

    /// The mail to the caller for the update `text` given at `now`; nil when no address is on record.
    public static func compose(ticket: Ticket, text: String, language: Language, timeZone: TimeZone, now: Date) -> OutboxMessage? {
        guard let address = ticket.caller.email else { return nil }
        let l = language
        let title = TerminalText.sanitize(ticket.title)
        let subject = l.pick(en: "[\(ticket.id)] Update on your incident: \(title)", zh: "[\(ticket.id)] 您报告的事件处理进展：\(title)")
        let caller = TerminalText.sanitize(ticket.caller.name)
        let lines = [
            l.pick(en: "Dear \(caller),", zh: "\(caller)，您好："),
            "",
            l.pick(en: "Here is the progress of the incident you reported, \(ticket.id) (\(title)):",
                   zh: "您报告的事件 \(ticket.id)（\(title)）的处理进展如下："),
            "",
            TerminalText.sanitize(text, keepNewlines: true),
            "",
            l.pick(en: "Status: \(ticket.state.label(.en)), with \(ticket.tier.label(.en)), as of \(DisplayTime.format(now, in: timeZone)) (\(timeZone.identifier)).",
                   zh: "当前状态：\(ticket.state.label(.zh))，处理队列：\(ticket.tier.label(.zh))，时间 \(DisplayTime.format(now, in: timeZone))（\(timeZone.identifier)）。"),
            l.pick(en: "Please quote \(ticket.id) when you call or write to the service desk.",
                   zh: "如需联系服务台，请提供事件编号 \(ticket.id)。"),
        ]
        let stamp = String(Int64((now.timeIntervalSince1970 * 1000).rounded()))
        return OutboxMessage(ticket: ticket.id, priority: ticket.priority, level: 0, kind: .customerUpdate, recipientRole: nil,
                             address: address, via: .email, subject: subject, body: lines.joined(separator: "\n"), createdAt: now,
                             messageID: "\(ticket.id).update.\(stamp)@shiftdesk")
    }
}
