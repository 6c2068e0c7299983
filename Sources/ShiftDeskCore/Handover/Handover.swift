import Foundation

/// One incident passed from one shift to the next, with the outgoing agent's status note and
/// the incoming agent's acknowledgement.
public struct HandoverItem: Sendable, Hashable {
    public var ticket: TicketID
    public var note: String
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var acknowledgementNote: String?

    public init(ticket: TicketID, note: String, acknowledgedBy: String? = nil, acknowledgedAt: Date? = nil,
                acknowledgementNote: String? = nil) {
        self.ticket = ticket
        self.note = note
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgementNote = acknowledgementNote
    }

    public var isAcknowledged: Bool { acknowledgedAt != nil }
}

/// A shift handover (交接班) as submitted: who handed what to which shift, when.
public struct Handover: Sendable, Hashable {
    public var id: Int64
    public var from: ShiftSchedule.Occurrence
    public var to: ShiftSchedule.Occurrence
    public var preparedBy: String
    public var preparedAt: Date
    public var note: String
    public var items: [HandoverItem]

    public init(id: Int64 = 0, from: ShiftSchedule.Occurrence, to: ShiftSchedule.Occurrence, preparedBy: String,
                preparedAt: Date, note: String, items: [HandoverItem]) {
        self.id = id
        self.from = from
        self.to = to
        self.preparedBy = preparedBy
        self.preparedAt = preparedAt
        self.note = note
        self.items = items
    }

    /// Whether it was prepared in the outgoing shift's last half hour.
    public var preparedInWindow: Bool { from.prepareWindow.contains(preparedAt) }

    /// Every item acknowledged within the incoming shift's first half hour.
    public var acknowledgedInWindow: Bool {
        items.allSatisfy { item in item.acknowledgedAt.map { $0 <= to.reviewWindow.end } ?? false }
    }

    /// Like ``acknowledgedInWindow``, but nil while the incoming shift's half hour is still
    /// running and items wait: not yet late, not yet done.
    public func acknowledgedInWindow(asOf now: Date) -> Bool? {
        if acknowledgedInWindow { return true }
        return now < to.reviewWindow.end ? nil : false
    }

    public var unacknowledged: [HandoverItem] { items.filter { !$0.isAcknowledged } }

    /// The desk's "handed over as the rules say" KPI for this handover.
    public var compliant: Bool { preparedInWindow && acknowledgedInWindow }
}

/// Why an incident is proposed for handover.
public enum HandoverReason: String, Sendable, Hashable, Codable {
    /// Not closed, and touched or owned by the outgoing shift.
    case unfinished
    /// Its SLA will breach during the next shift.
    case breachesNextShift = "breaches_next_shift"

    public func label(_ l: Language) -> String {
        switch self {
        case .unfinished: l.pick(en: "unfinished", zh: "未完成")
        case .breachesNextShift: l.pick(en: "breaches next shift", zh: "下一班将超时")
        }
    }
}

public struct HandoverProposalItem: Sendable, Hashable {
    public var ticket: Ticket
    public var reasons: [HandoverReason]
    public var deadline: Date?

    public init(ticket: Ticket, reasons: [HandoverReason], deadline: Date?) {
        self.ticket = ticket
        self.reasons = reasons
        self.deadline = deadline
    }
}

/// What the outgoing shift should hand over: every unfinished incident the shift touched or
/// owns, plus those whose SLA will breach during the next shift.
public enum HandoverProposal {
    /// - Parameters:
    ///   - tickets: candidate tickets (not closed).
    ///   - eventsDuringShift: events recorded during the outgoing occurrence.
    ///   - shiftMembers: logins of the operators on the outgoing shift, plus whoever prepares.
    ///   - deadline: when a ticket's SLA breaches (next step or resolution), if it runs.
    public static func make(from occurrence: ShiftSchedule.Occurrence, next: ShiftSchedule.Occurrence, tickets: [Ticket],
                            eventsDuringShift: [TicketEvent], shiftMembers: Set<String>,
                            deadline: (Ticket) -> Date?) -> [HandoverProposalItem] {
        let touched = Set(eventsDuringShift.filter { shiftMembers.contains($0.actor) && occurrence.start <= $0.at && $0.at < occurrence.end }
            .map(\.ticket))
        var items: [HandoverProposalItem] = []
        for ticket in tickets where ticket.state != .closed {
            var reasons: [HandoverReason] = []
            let owned = [ticket.owner, ticket.assignee].contains { $0.map(shiftMembers.contains) ?? false }
            if touched.contains(ticket.id) || owned { reasons.append(.unfinished) }
            let due = ticket.state.isOpen ? deadline(ticket) : nil
            if let due, next.start <= due, due < next.end { reasons.append(.breachesNextShift) }
            if !reasons.isEmpty { items.append(HandoverProposalItem(ticket: ticket, reasons: reasons, deadline: due)) }
        }
        return items.sorted { a, b in
            switch (a.deadline, b.deadline) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return (a.ticket.priority, a.ticket.id) < (b.ticket.priority, b.ticket.id)
            }
        }
    }
}
