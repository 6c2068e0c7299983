import Foundation
import ShiftDeskCore

/// Everything the console shows, as one value; the update function is the only thing that
/// changes it.
public struct ConsoleState {
    public enum Mode {
        case browse
        case detail(TicketID, offset: Int)
        case filter(TextFieldState)
        case command(TextFieldState)
        case help(offset: Int)
        case form(FormDialogState, FormPurpose)
        case call(OutboxMessage)
    }

    /// What a submitted form does.
    public enum FormPurpose {
        case newCall
        case escalate(Ticket, [Tier])
        case resolve(Ticket)
        case close(Ticket)
        case pend(Ticket)
        case note(Ticket)
        case priority(Ticket)
        case reopen(Ticket)
        case raiseProblem(Ticket)
        case screen(ScreenForm)
    }

    public struct Detail: Sendable {
        public var ticket: Ticket
        public var sla: TicketSLA
        public var events: [TicketEvent]
        public var names: [String: String]
    }

    public var me: Operator
    public var language: Language
    public var timeZone: TimeZone
    public var queue: QueueKind
    public var entries: [QueueEntry] = []
    public var calls: [OutboxMessage] = []
    public var detail: Detail?
    public var mode: Mode = .browse
    /// Where the open form returns to.
    public var afterForm: Mode = .browse
    public var table = TableState<Int64>()
    public var filter = ""
    public var message: String?
    public var messageIsError = false
    public var now: Date
    public var size = TerminalSize(columns: 80, rows: 24)
    public var nextSweep: Date
    public var loaded = false
    /// The supervisor's view, the weekly review and the reports (Console/Review, Supervisor, Reports).
    public var screens = ScreenStates()

    public init(me: Operator, language: Language, timeZone: TimeZone, now: Date) {
        self.me = me
        self.language = language
        self.timeZone = timeZone
        self.now = now
        self.nextSweep = now
        queue = QueueKind.home(of: me.role)
    }

    func pick(_ en: String, _ zh: String) -> String { language.pick(en: en, zh: zh) }

    /// The entries of the current queue, filtered as typed.
    var visibleEntries: [QueueEntry] {
        let needle = filter.lowercased()
        return entries.filter { entry in
            guard queue.contains(entry.ticket, breached: entry.breached(now: now)) else { return false }
            if let drill = screens.drill, !drill.allows(entry, now: now) { return false }
            guard !needle.isEmpty else { return true }
            let t = entry.ticket
            return t.id.description.lowercased().contains(needle) || t.title.lowercased().contains(needle)
                || t.caller.name.lowercased().contains(needle) || (t.assignee ?? "").lowercased().contains(needle)
                || (t.category ?? "").lowercased().contains(needle) || (t.affectedService ?? "").lowercased().contains(needle)
                || t.state.label(language).lowercased().contains(needle)
        }
    }

    var selectedTicket: Ticket? {
        if case let .detail(id, _) = mode { return detail?.ticket.id == id ? detail?.ticket : entries.first { $0.ticket.id == id }?.ticket }
        guard let id = table.selectedID else { return nil }
        return entries.first { $0.ticket.id.number == id }?.ticket
    }

    /// Phone calls this operator should make: the incident manager's own, and every call for the desk.
    var myCalls: [OutboxMessage] {
        switch me.role {
        case .desk, .supervisor: calls
        case .im: calls.filter { $0.address.contains("(\(me.login))") || $0.recipientRole != .incidentManager }
        case .l1, .l2: []
        }
    }
}
