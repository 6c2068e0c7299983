import Foundation

/// The e-mail that tells the problem managers of a problem raised, in both languages like the
/// escalation notices, composed when it is raised and kept in the outbox as sent.
public enum ProblemNotice {
    public static func subject(_ problem: Problem) -> String {
        "[问题单 Problem] \(problem.id) 新提交 raised: " + TerminalText.sanitize(problem.title)
    }

    /// - Parameters:
    ///   - raiserName: the raiser's name, if known.
    ///   - incidents: the linked incidents.
    public static func body(_ problem: Problem, raiserName: String?, incidents: [Ticket], timeZone: TimeZone) -> String {
        let who = raiserName.map { "\(TerminalText.sanitize($0)) (\(problem.raisedBy))" } ?? problem.raisedBy
        var lines = [
            "\(problem.id)  \(TerminalText.sanitize(problem.title))",
            "",
            "提交人 Raised by:   \(who)",
            "提交时间 Raised at: \(DisplayTime.format(problem.raisedAt, in: timeZone)) (\(timeZone.identifier))",
            "原因 Why:           \(TerminalText.sanitize(problem.reason ?? "—"))",
            "",
            "关联事件 Linked incidents (\(incidents.count)):",
        ]
        if incidents.isEmpty { lines.append("  —") }
        for ticket in incidents {
            lines.append("  \(ticket.id)  \(ticket.state.label(.zh)) / \(ticket.state.label(.en))  \(TerminalText.sanitize(ticket.title))")
        }
        lines.append("")
        lines.append("评估 Assess: shiftdesk problem assess \(problem.id) --owner LOGIN")
        return lines.joined(separator: "\n")
    }

    /// One e-mail per configured problem-manager address; without one, a single row that shows
    /// up as undeliverable (like the escalation notices), never a silent drop.
    public static func messages(_ problem: Problem, raiserName: String?, incidents: [Ticket], recipients: RecipientDirectory,
                                timeZone: TimeZone) -> [OutboxMessage] {
        let subject = subject(problem), body = body(problem, raiserName: raiserName, incidents: incidents, timeZone: timeZone)
        let addresses = recipients.addresses[.problemManager].flatMap { $0.isEmpty ? nil : $0 } ?? [""]
        return addresses.map { address in
            OutboxMessage(problem: problem.id, recipientRole: .problemManager, address: address, subject: subject, body: body,
                          createdAt: problem.raisedAt)
        }
    }
}
