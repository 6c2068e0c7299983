import Foundation
import ShiftDeskCore
import ShiftDeskStore

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
        case handover
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
        case handoverNote(TicketID)
        case handoverGeneralNote
        case handoverAdd
        case handoverSubmit
        case handoverAck(Int64, [TicketID])
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
    public var entries: [QueueEntry] = [] {
        didSet {
            entriesVersion &+= 1
            searchTexts = entries.map(\.searchText)
        }
    }
    /// What the filter searches in each entry, worked out once per load.
    private(set) var searchTexts: [[UInt8]] = []
    private(set) var entriesVersion = 0
    /// The current queue in display order; `ConsoleApp.update` keeps it.
    var order = QueueOrder()
    /// Handed-over incidents not yet acknowledged, with their handover.
    public var handedOver: [TicketID: Int64] = [:]
    /// The unfinished incidents the recent handovers list, for the review screen.
    var handoverTickets: [TicketID: Ticket] = [:]
    public var calls: [OutboxMessage] = []
    /// Handovers as they stand for this operator, refreshed with the queue.
    public var handoverOverview: HandoverOverview?
    public var handover = HandoverScreen()
    public var detail: Detail?
    /// Since when the database cannot be reached, and why; nil while connected.
    public var connectionLost: (since: Date, reason: String)?
    /// The last form sent, kept until the desk answers: when the database cannot be reached,
    /// it comes back with everything typed in it.
    var sentForm: (form: FormDialogState, purpose: FormPurpose, returnTo: Mode)?
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

    var selectedTicket: Ticket? {
        if case let .detail(id, _) = mode { return detail?.ticket.id == id ? detail?.ticket : entries.first { $0.ticket.id == id }?.ticket }
        guard let id = table.selectedID else { return nil }
        // The selected row is found through the queue's order, not by searching every entry.
        let index = table.selectedIndex
        if queue != .supervisor, index < order.indices.count, entries[order.indices[index]].ticket.id.number == id {
            return entries[order.indices[index]].ticket
        }
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

extension ConsoleState.Mode {
    /// Whether the handover screen is on show (under a form or help opened from it, too).
    func showsHandover(afterForm: ConsoleState.Mode) -> Bool {
        switch self {
        case .handover: true
        case .form, .help, .command: if case .handover = afterForm { true } else { false }
        default: false
        }
    }
}
