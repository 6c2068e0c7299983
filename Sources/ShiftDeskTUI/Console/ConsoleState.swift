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
        /// The result of an incident a line resolved, told to this desk agent (``ResultNotice``).
        case notice(OutboxMessage)
        case handover
    }

    /// What a submitted form does.
    public enum FormPurpose {
        case newCall
        case escalate(QueueTicket, [Tier])
        case resolve(QueueTicket)
        case close(QueueTicket)
        case pend(QueueTicket)
        case note(QueueTicket)
        case priority(QueueTicket)
        case reopen(QueueTicket)
        case raiseProblem(QueueTicket)
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
        didSet { entriesVersion &+= 1 }
    }
    private(set) var entriesVersion = 0
    /// Where each ticket's entry sits in `entries`, kept by `merge` (``EntryPositions``).
    private var positions = EntryPositions()
    private var positionsVersion = -1
    /// Entries of tickets closed since the last whole load: left in place (no queue shows a
    /// closed ticket) so that a merge moves nothing, and compacted now and then.
    private var tombstones = 0
    /// The entries the last merge touched, and the versions it went from and to: the queue's
    /// order takes in just those instead of sorting 100k entries again.
    private(set) var lastMerge: (from: Int, to: Int, indices: [Int])?
    /// How much of the desk `entries` holds.
    public var coverage = Coverage.nothing
    /// The current queue in display order; `ConsoleApp.update` keeps it.
    var order = QueueOrder()
    /// Handed-over incidents not yet acknowledged, with their handover.
    public var handedOver: [TicketID: Int64] = [:]
    /// The unfinished incidents the recent handovers list, for the review screen.
    var handoverTickets: [TicketID: QueueTicket] = [:]
    /// The oldest calls nobody has confirmed (the console lists a few hundred at most), and how
    /// many there are.
    public var calls: [OutboxMessage] = []
    public var callCount = 0
    /// Results told to the desk that this operator is to see (their own incidents, or every
    /// one whose owner is off shift), oldest first; their incidents are marked in the queue.
    /// The incident manager's reminders (weekly review, reports owed), made from these at every tick.
    public var reminderFacts: ReminderFacts?
    public var notices: [OutboxMessage] = [] {
        didSet { noticeTickets = Set(notices.compactMap(\.ticket)) }
    }
    private(set) var noticeTickets: Set<TicketID> = []
    /// `[desk.customer_updates]`: a row whose customer is owed an update shows its caller as a warning.
    public var customerUpdateEvery: [Priority: TimeInterval] = [:]
    /// Handovers as they stand for this operator, refreshed with the queue.
    public var handoverOverview: HandoverOverview?
    public var handover = HandoverScreen()
    public var detail: Detail?
    /// Since when the database cannot be reached, and why; nil while connected.
    public var connectionLost: (since: Date, reason: String)?
    /// The last form sent, kept until the desk answers: when the database cannot be reached,
    /// it comes back with everything typed in it.
    var sentForm: (form: FormDialogState, purpose: FormPurpose, returnTo: Mode)?
    /// A form kept from when the console last closed with it open (``KeptForm``): the same form
    /// opens filled with it.
    public var keptForm: KeptForm?
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
    /// Whether every ticket not closed is loaded (queues other than the first page's show
    /// "Loading…" until then).
    public var loaded: Bool { if case .everything = coverage { true } else { false } }
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

    /// The incident under the cursor (or open), as the queue holds it: what an action names and
    /// the version it expects; the action itself reads the whole ticket.
    var selectedTicket: QueueTicket? {
        if case let .detail(id, _) = mode {
            if let ticket = detail?.ticket, ticket.id == id { return QueueEntry(ticket: ticket).ticket }
            return entry(id)?.ticket
        }
        guard let id = table.selectedID else { return nil }
        // The selected row is found through the queue's order, not by searching every entry.
        let index = table.selectedIndex
        if queue != .supervisor, index < order.indices.count, entries[Int(order.indices[index])].ticket.id.number == id {
            return entries[Int(order.indices[index])].ticket
        }
        return entries.first { $0.ticket.id.number == id }?.ticket
    }

    /// Phone calls this operator should make: the incident manager's own, and every call for the desk.
    var myCalls: [OutboxMessage] {
        switch me.role {
        case .desk, .supervisor: calls
        case .im: calls.filter { $0.address.contains("(\(me.login))") || $0.recipientRole != .incidentManager }
        // The lines make no management calls; the roles that work no queue neither (the auditor may not).
        case .l1, .l2, .problemManager, .owner, .auditor: []
        }
    }
}

extension ConsoleState {
    /// A queue's size while only its first page is loaded: exact, or only known to be more than
    /// the console loads at once (the whole load behind the first frame counts it).
    public enum QueueTotal: Sendable, Equatable {
        case exactly(Int)
        case moreThan(Int)
    }

    /// How much of the desk the console holds.
    public enum Coverage: Sendable, Equatable {
        case nothing
        /// The most urgent tickets of one queue, of `total`: the first frame's, while the
        /// rest loads in the background.
        case firstPage(queue: QueueKind, total: QueueTotal)
        /// Every ticket not closed, as of the store's `revision` (or later).
        case everything(revision: Int64)

        func covers(_ queue: QueueKind) -> Bool {
            switch self {
            case .nothing: false
            case let .firstPage(first, _): first == queue
            case .everything: true
            }
        }
    }

    /// Replaces the entries of changed tickets and adds new ones, in place: the rest keep their
    /// positions. A closed ticket's entry stays until there are many (no queue shows it).
    mutating func merge(_ changed: [QueueEntry]) {
        guard !changed.isEmpty else { return }
        if positionsVersion != entriesVersion { reindex() }
        let from = entriesVersion
        var touched: [Int] = []
        for entry in changed {
            if let at = positions.find(entry.ticket.id, in: entries) {
                if entry.ticket.state == .closed, entries[at].ticket.state != .closed { tombstones += 1 }
                if entry.ticket.state != .closed, entries[at].ticket.state == .closed { tombstones -= 1 }
                entries[at] = entry
                touched.append(at)
            } else if entry.ticket.state != .closed {
                positions.appended(entry.ticket.id, at: entries.count, after: entries.last?.ticket.id)
                touched.append(entries.count)
                entries.append(entry)
            }
        }
        if tombstones > max(1_000, entries.count / 8) {
            entries.removeAll { $0.ticket.state == .closed }
            reindex()
            return
        }
        positionsVersion = entriesVersion
        lastMerge = (from, entriesVersion, touched)
    }

    /// Finds every entry's position again (after a whole load).
    mutating func reindex() {
        positions = EntryPositions(entries)
        tombstones = entries.count { $0.ticket.state == .closed }
        positionsVersion = entriesVersion
        lastMerge = nil
    }

    /// The entry of a ticket, found through the positions `merge` keeps when they are current.
    func entry(_ id: TicketID) -> QueueEntry? {
        if positionsVersion == entriesVersion, let at = positions.find(id, in: entries) { return entries[at] }
        return entries.first { $0.ticket.id == id }
    }
}

/// Where each ticket's entry sits in the console's entries, without an index of 100k positions:
/// a whole load reads the tickets in number order and a new ticket mostly has the highest
/// number, so the entries are found by binary search over their sorted front; the few that
/// arrived out of order (a first page sorted by urgency, tickets committed out of number order
/// on PostgreSQL) by a dictionary.
struct EntryPositions {
    /// How many entries from the start are in increasing ticket number.
    private var sortedCount = 0
    private var others: [TicketID: Int] = [:]

    init() {}

    init(_ entries: [QueueEntry]) {
        var count = 0
        while count < entries.count, count == 0 || entries[count - 1].ticket.id < entries[count].ticket.id { count += 1 }
        sortedCount = count
        for index in count..<entries.count where others[entries[index].ticket.id] == nil { others[entries[index].ticket.id] = index }
    }

    func find(_ id: TicketID, in entries: [QueueEntry]) -> Int? {
        var low = 0, high = min(sortedCount, entries.count)
        while low < high {
            let mid = (low + high) / 2
            let here = entries[mid].ticket.id
            if here == id { return mid }
            if here < id { low = mid + 1 } else { high = mid }
        }
        guard let at = others[id], at < entries.count else { return nil }
        return at
    }

    /// An entry for `id` appended at `index`, after the entry of `last`.
    mutating func appended(_ id: TicketID, at index: Int, after last: TicketID?) {
        if index == sortedCount, last.map({ $0 < id }) ?? true {
            sortedCount += 1
        } else {
            others[id] = index
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
