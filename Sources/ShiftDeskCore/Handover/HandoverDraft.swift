import Foundation

/// A handover being prepared: the proposal as the outgoing operator edits it — items kept or
/// dropped, added by hand, each with its status note — and the general note for the next shift.
public struct HandoverDraft: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var ticket: Ticket
        /// Why it was proposed; empty when the operator added it by hand.
        public var reasons: [HandoverReason]
        public var deadline: Date?
        public var note: String
        public var included: Bool

        public var addedByHand: Bool { reasons.isEmpty }
    }

    public enum Refusal: Error, Sendable, Equatable {
        /// The incident is already on the handover.
        case alreadyListed(TicketID)
        /// Closed incidents are not handed over.
        case closed(TicketID)

        public func message(_ l: Language) -> String {
            switch self {
            case let .alreadyListed(id): l.pick(en: "\(id) is already on the handover", zh: "\(id) 已在交接单上")
            case let .closed(id): l.pick(en: "\(id) is closed: only unfinished incidents are handed over", zh: "\(id) 已关闭：只交接未完成的事件")
            }
        }
    }

    public var from: ShiftSchedule.Occurrence
    public var to: ShiftSchedule.Occurrence
    public private(set) var items: [Item]
    public var note: String = ""

    public init(from: ShiftSchedule.Occurrence, to: ShiftSchedule.Occurrence, proposed: [HandoverProposalItem],
                note: (HandoverProposalItem) -> String) {
        self.from = from
        self.to = to
        items = proposed.map { Item(ticket: $0.ticket, reasons: $0.reasons, deadline: $0.deadline, note: note($0), included: true) }
    }

    public var included: [Item] { items.filter(\.included) }

    public func index(of ticket: TicketID) -> Int? { items.firstIndex { $0.ticket.id == ticket } }

    /// Ticks or unticks an item; returns whether it is now included.
    @discardableResult
    public mutating func toggle(_ ticket: TicketID) -> Bool {
        guard let index = index(of: ticket) else { return false }
        items[index].included.toggle()
        return items[index].included
    }

    public mutating func setNote(_ note: String, for ticket: TicketID) {
        guard let index = index(of: ticket) else { return }
        items[index].note = note.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Adds an incident the proposal did not list (ticked, at the end).
    public mutating func add(_ ticket: Ticket, note: String) throws(Refusal) {
        if let index = index(of: ticket.id) {
            guard !items[index].included else { throw .alreadyListed(ticket.id) }
            items[index].included = true
            return
        }
        guard ticket.state != .closed else { throw .closed(ticket.id) }
        items.append(Item(ticket: ticket, reasons: [], deadline: nil, note: note, included: true))
    }

    /// The first note of the handover that does not fit a handover note.
    public func textViolation() -> TextViolation? {
        if let violation = TextField.handoverNote.check(note) { return violation }
        for item in included { if let violation = TextField.handoverNote.check(item.note) { return violation } }
        return nil
    }

    /// The record to store, as `login` submits it at `instant`. A shift with nothing unfinished
    /// still submits (an empty handover), so that the record shows it handed over in time.
    public func handover(preparedBy login: String, at instant: Date) -> Handover {
        Handover(from: from, to: to, preparedBy: login, preparedAt: instant, note: note.trimmingCharacters(in: .whitespacesAndNewlines),
                 items: included.map { HandoverItem(ticket: $0.ticket.id, note: $0.note) })
    }
}

/// Where an instant stands against a shift occurrence's two half-hour windows.
public enum HandoverWindowStatus: Sendable, Hashable {
    case before(opensAt: Date)
    case open(closesAt: Date)
    case after(closedAt: Date)

    public init(_ window: DateInterval, at now: Date) {
        if now < window.start {
            self = .before(opensAt: window.start)
        } else if now < window.end {
            self = .open(closesAt: window.end)
        } else {
            self = .after(closedAt: window.end)
        }
    }
}
