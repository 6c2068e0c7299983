import Foundation
import ShiftDeskCore

/// Which tickets to read.
public struct TicketQuery: Sendable, Hashable {
    public var tiers: Set<Tier>?
    public var states: Set<TicketState>?
    public var priorities: Set<Priority>?
    /// Only tickets not yet resolved or closed.
    public var openOnly: Bool
    public var assignee: String?
    /// Only majors and tickets past a deadline at this instant (``Ticket/breachAt``): with
    /// `openOnly`, the incident manager's queue.
    public var majorOrBreachedAt: Date?
    /// Most urgent first (``Ticket/urgency``, then number), closed tickets left out; otherwise
    /// number order.
    public var urgentFirst: Bool
    public var limit: Int?
    /// Only tickets numbered above this one: with `limit` (and number order), one page of a
    /// load that never holds every ticket at once.
    public var afterNumber: Int64?

    public init(tiers: Set<Tier>? = nil, states: Set<TicketState>? = nil, priorities: Set<Priority>? = nil,
                openOnly: Bool = false, assignee: String? = nil, majorOrBreachedAt: Date? = nil, urgentFirst: Bool = false,
                limit: Int? = nil, afterNumber: Int64? = nil) {
        self.afterNumber = afterNumber
        self.tiers = tiers
        self.states = states
        self.priorities = priorities
        self.openOnly = openOnly
        self.assignee = assignee
        self.majorOrBreachedAt = majorOrBreachedAt
        self.urgentFirst = urgentFirst
        self.limit = limit
    }

    /// Every ticket not yet closed.
    public static let notClosed = TicketQuery(states: Set(TicketState.allCases.filter { $0 != .closed }))

    public static let all = TicketQuery()
}

/// The tickets written since a reader last looked (``Store/ticketsChanged(after:limit:)``).
public struct TicketChanges: Sendable {
    /// As they are now, in the order they were last written.
    public var tickets: [Ticket]
    /// Where the reader is now: pass it to the next call.
    public var revision: Int64

    public init(tickets: [Ticket], revision: Int64) {
        self.tickets = tickets
        self.revision = revision
    }
}

/// What became of one history handed to `importHistories`.
public struct ImportedHistory: Sendable, Hashable {
    /// The ticket's number in this desk.
    public var id: TicketID
    /// False when a ticket with the same `source` was already stored: nothing was written for it.
    public var isNew: Bool

    public init(id: TicketID, isNew: Bool) {
        self.id = id
        self.isNew = isNew
    }
}

/// Persistence of the desk. Every backend passes the same contract tests
/// (`StoreContract` in the tests). All writes are transactions; a ticket write and its event
/// land together or not at all.
public protocol Store: Sendable {
    /// `sqlite` or `postgres`.
    var backend: String { get }

    func addOperator(_ person: Operator) async throws(StoreError)
    func operators() async throws(StoreError) -> [Operator]
    func findOperator(login: String) async throws(StoreError) -> Operator?
    /// Disables (or enables again) an operator; false when there is no such operator.
    func setOperatorDisabled(_ login: String, _ disabled: Bool) async throws(StoreError) -> Bool
    /// Records (or, with nil, removes) an operator's e-mail address; false when there is no such operator.
    func setOperatorEmail(_ login: String, _ email: String?) async throws(StoreError) -> Bool
    /// Gives a key to an operator. A key already given (to anyone) is refused with
    /// ``StoreError/keyTaken(fingerprint:login:)``.
    func addOperatorKey(_ key: OperatorKey) async throws(StoreError)
    /// Keys of one operator, or of everyone; by login, then fingerprint.
    func operatorKeys(login: String?) async throws(StoreError) -> [OperatorKey]
    /// False when the operator has no such key.
    func removeOperatorKey(login: String, fingerprint: String) async throws(StoreError) -> Bool

    // Every write of a ticket replaces its KPI summary in the same transaction: with the one
    // given, or with the mark "no summary" (its incident is then replayed by reports). A summary
    // is made from the ticket's whole history as the store gives it back (``KPISummary/make``).

    /// Stores a new ticket and its opening event; the store assigns the number.
    func insertTicket(_ ticket: Ticket, event: TicketEvent, summary: KPISummary?) async throws(StoreError) -> (Ticket, TicketEvent)
    /// Writes `ticket` if the stored version is still `ticket.version`, bumping it, with its event.
    /// Otherwise throws `StoreError.conflict` naming who changed it, and writes nothing.
    /// `messages` (the result told to the desk…) are queued in the outbox in the same
    /// transaction: the change and its messages land together or not at all (a message whose
    /// Message-ID is already queued is not queued again).
    func updateTicket(_ ticket: Ticket, event: TicketEvent, summary: KPISummary?,
                      messages: [OutboxMessage]) async throws(StoreError) -> (Ticket, TicketEvent)
    /// Stores many tickets with their events in one transaction; numbers are assigned in order.
    /// `summaries` is empty or holds one (or nil) per history.
    func insertHistories(_ histories: [TicketHistory], summaries: [KPISummary?]) async throws(StoreError) -> [TicketID]
    /// Like `insertHistories`, for imports: a history whose ticket `source` is already stored is
    /// left out (its stored number is returned with `isNew == false`), so importing the same
    /// batch again writes nothing. One transaction: the batch lands whole or not at all.
    func importHistories(_ histories: [TicketHistory], summaries: [KPISummary?]) async throws(StoreError) -> [ImportedHistory]
    /// Every ticket with its events, tickets by number and events by id, for export. `opened`
    /// limits it to tickets opened in `[start, end)`.
    func histories(opened: DateInterval?) async throws(StoreError) -> [TicketHistory]

    func ticket(_ id: TicketID) async throws(StoreError) -> Ticket?
    func tickets(_ query: TicketQuery) async throws(StoreError) -> [Ticket]
    /// How many tickets `query` matches, its limit aside.
    func count(_ query: TicketQuery) async throws(StoreError) -> Int
    /// How many tickets `query` matches, counting no further than `bound`: a console opening on
    /// 100k open tickets needs only to know there are more than it loads at once.
    func count(_ query: TicketQuery, atMost bound: Int) async throws(StoreError) -> Int
    /// Tickets written (opened, changed, planned) after `revision`, oldest write first, at most
    /// `limit`: a console follows every seat's writes by reading only what changed.
    func ticketsChanged(after revision: Int64, limit: Int) async throws(StoreError) -> TicketChanges
    /// The revision of the latest write: a reader starting now sees everything after it.
    func lastRevision() async throws(StoreError) -> Int64
    /// Hands back what the store's connections keep of pages already read (after a console's
    /// whole load): SQLite's page caches, one per connection; nothing on a server.
    func releaseMemory() async
    func events(of ticket: TicketID) async throws(StoreError) -> [TicketEvent]
    /// What a write of ticket `id` by `login` reads before it writes, in one read (one round
    /// trip to a server): see ``TicketWriteContext``.
    func writeContext(of id: TicketID, actor login: String) async throws(StoreError) -> TicketWriteContext
    /// The change feed: events with an id greater than `id`, oldest first.
    func events(after id: Int64, limit: Int) async throws(StoreError) -> [TicketEvent]
    func lastEventID() async throws(StoreError) -> Int64
    /// Events recorded in `[from, to)`, oldest first.
    func events(from: Date, to: Date) async throws(StoreError) -> [TicketEvent]
    /// Who did what when in `[from, to)`, oldest first: the events without their changes and notes.
    func activity(from: Date, to: Date) async throws(StoreError) -> [EventActivity]
    /// A signal for writes by anyone, this process included.
    func changeSignal() throws(StoreError) -> any ChangeSignal

    /// Open tickets whose next escalation step is due at `instant`, most overdue first.
    func ticketsDueForEscalation(at instant: Date, limit: Int) async throws(StoreError) -> [Ticket]
    /// Records the ticket's plan (next step, deadlines), unless the ticket changed since it was
    /// read (whoever changed it planned afresh). Does not bump the version: it is derived data.
    func setPlan(_ plan: TicketPlan, of ticket: Ticket) async throws(StoreError)
    /// Records a fired step and queues its notifications in one transaction. Returns false, and
    /// writes nothing, when the step was already recorded (by this or any other process).
    func recordStep(_ step: FiredStep, messages: [OutboxMessage]) async throws(StoreError) -> Bool
    func firedSteps(of ticket: TicketID) async throws(StoreError) -> [FiredStep]
    /// The earliest planned step of any ticket: an escalator sleeps until then.
    func nextEscalationDue() async throws(StoreError) -> Date?
    /// A small named value kept with the desk (the fingerprint of the policy the index was planned with).
    func setting(_ key: String) async throws(StoreError) -> String?
    func setSetting(_ key: String, to value: String) async throws(StoreError)

    /// Takes up to `limit` undelivered e-mails due by `instant` for delivery, leasing them until
    /// `leaseUntil` so that no other flusher takes them meanwhile.
    func claimMail(dueBy instant: Date, leaseUntil: Date, limit: Int) async throws(StoreError) -> [OutboxMessage]
    func markDelivered(_ message: Int64, at instant: Date) async throws(StoreError)
    func markFailed(_ message: Int64, error: String, retryAt: Date) async throws(StoreError)
    /// Phone calls of fired steps that nobody has confirmed yet, oldest first, at most `limit`.
    func pendingCalls(limit: Int?) async throws(StoreError) -> [OutboxMessage]
    /// How many phone calls nobody has confirmed yet.
    func pendingCallCount() async throws(StoreError) -> Int
    /// Records that `login` made the call; false when someone already confirmed it.
    func confirmCall(_ message: Int64, by login: String, at instant: Date) async throws(StoreError) -> Bool
    func outbox(of ticket: TicketID) async throws(StoreError) -> [OutboxMessage]
    /// Console notices (``ContactMethod/console``) nobody has seen yet, oldest first, at most `limit`.
    func pendingNotices(limit: Int?) async throws(StoreError) -> [OutboxMessage]
    /// Records that `login` saw the notice; false when it is not waiting (unknown, or already seen).
    func confirmNotice(_ message: Int64, by login: String, at instant: Date) async throws(StoreError) -> Bool
    /// The messages about a problem, oldest first.
    func outbox(ofProblem problem: ProblemID) async throws(StoreError) -> [OutboxMessage]

    /// Records a submitted handover with its items, journaled; the store assigns the id.
    func insertHandover(_ handover: Handover, origin: EventOrigin) async throws(StoreError) -> Handover
    func handover(_ id: Int64) async throws(StoreError) -> Handover?
    /// Handovers whose outgoing shift started in `[from, to)`, newest first.
    func handovers(from: Date?, to: Date?, limit: Int) async throws(StoreError) -> [Handover]
    /// Acknowledges the given items (all when nil) not yet acknowledged; returns the handover as stored.
    func acknowledge(handover id: Int64, tickets: [TicketID]?, by login: String, at instant: Date,
                     note: String?, origin: EventOrigin) async throws(StoreError) -> Handover

    // A problem and its own history (`problem_events`, append-only like `events`): every
    // write of a problem appends its event in the same transaction.

    /// Stores a new problem with its `raised` event and the messages `messages` composes for
    /// its number (the problem managers' mail), in one transaction; the store assigns the number.
    func insertProblem(_ problem: Problem, event: ProblemEvent,
                       messages: @escaping @Sendable (ProblemID) -> [OutboxMessage]) async throws(StoreError) -> (Problem, ProblemEvent)
    /// Writes `problem` if the stored version is still `problem.version`, bumping it, with its
    /// event. Otherwise throws ``StoreError/problemConflict(problem:changedBy:at:kind:)`` naming
    /// who moved it last, and writes nothing.
    func updateProblem(_ problem: Problem, event: ProblemEvent) async throws(StoreError) -> (Problem, ProblemEvent)
    /// Stores a problem from a ShiftDesk export with its whole history (events as given, their
    /// instants kept; the store numbers it), keyed by `problem.source`: a problem already stored
    /// under it is left as it is (`isNew` false). The incidents of `linking` are linked to it
    /// without an event of their own (their imported histories carry the link).
    func importProblem(_ problem: Problem, events: [ProblemEvent], linking: [TicketID]) async throws(StoreError) -> (id: ProblemID, isNew: Bool)
    func problem(_ id: ProblemID) async throws(StoreError) -> Problem?
    /// Every problem, by number.
    func problems() async throws(StoreError) -> [Problem]
    /// A problem's history, oldest first.
    func problemEvents(of problem: ProblemID) async throws(StoreError) -> [ProblemEvent]
    /// Problem events recorded in `[from, to)`, oldest first.
    func problemEvents(from: Date, to: Date) async throws(StoreError) -> [ProblemEvent]
    /// The incidents linked to a problem, by number.
    func tickets(linkedTo problem: ProblemID) async throws(StoreError) -> [Ticket]

    /// Incidents numbered after `after`, in number order, at most `limit`, each with its events
    /// before `until`, its fired escalation steps and its phone calls: reports read the desk
    /// page by page, so a year of a million incidents never sits in memory at once.
    func reportPage(after: Int64, limit: Int, until: Date) async throws(StoreError) -> [ReportTicket]

    // MARK: Report deliveries (see ``ReportDelivery``)

    /// Records `delivery` and queues the mail `message` composes for it (given the delivery as
    /// stored: its id and sequence), in one transaction. With `firstOnly` (the sweep) it is recorded
    /// only as the period's first delivery of that report: when one is already recorded (by this or
    /// any other process) nothing is written and nil is returned. Otherwise it takes the next
    /// sequence (0 for a first delivery, then 1, 2 … for corrections).
    func recordDelivery(_ delivery: ReportDelivery, firstOnly: Bool,
                        message: @escaping @Sendable (ReportDelivery) -> OutboxMessage) async throws(StoreError) -> ReportDelivery?
    /// Recorded deliveries, oldest first; only those of `kind` and `period` when given.
    func reportDeliveries(kind: ReportPeriod.Kind?, period: String?) async throws(StoreError) -> [ReportDelivery]
    /// The state of a delivery's mail: the outbox message carrying it (nil when none is stored).
    func deliveryMail(_ delivery: Int64) async throws(StoreError) -> OutboxMessage?
    /// The earliest opening of any incident (nil for an empty desk): a period that ended before it owed no report.
    func earliestOpening() async throws(StoreError) -> Date?

    // MARK: Controlled documents (see ``ControlledDocument``, ``DocumentRules``)

    /// The events of one controlled document, or of every document when nil, by id.
    func documentEvents(_ document: String?) async throws(StoreError) -> [DocumentEvent]
    /// Appends `event` to its document's history (the store assigns the id), provided the
    /// newest event of that document is still `after` (0: the document does not exist yet).
    /// Otherwise throws ``StoreError/documentChanged(document:changedBy:)`` and writes nothing.
    func appendDocumentEvent(_ event: DocumentEvent, after: Int64) async throws(StoreError) -> DocumentEvent
    /// As above, queueing `messages` (``DocumentNotice``) in the same transaction: written with
    /// the event or not at all (a message whose id is already queued is left as it is).
    func appendDocumentEvent(_ event: DocumentEvent, after: Int64, messages: [OutboxMessage]) async throws(StoreError) -> DocumentEvent

    // MARK: The record (see ``EventEncoding``, ``AuditVerifier``)

    /// The chain's head and the newest event id, in one snapshot.
    func chainSnapshot() async throws(StoreError) -> ChainSnapshot
    /// Events with ids in `(after, through]`, in id order, at most `limit`, with their chain
    /// position and hash and whether their ticket is still stored.
    func chainLinks(after: Int64, through: Int64, limit: Int) async throws(StoreError) -> [ChainLink]
    /// The newest event with an id below `id` (where `audit verify --from` starts).
    func chainLink(before id: Int64) async throws(StoreError) -> ChainLink?
    /// The id of the event at chain position `position`, if one holds it.
    func chainEvent(atPosition position: Int64) async throws(StoreError) -> Int64?
    /// Tickets deleted behind the desk's back (at most `limit` of each kind).
    func recordOrphans(limit: Int) async throws(StoreError) -> RecordOrphans
    /// The record journal's head, nil when the head row is missing.
    func journalHead() async throws(StoreError) -> JournalHead?
    /// Journal entries after `position`, in position order, at most `limit`.
    func journalEntries(after position: Int64, limit: Int) async throws(StoreError) -> [JournalEntry]
    /// Every journaled record as stored now (handovers and their items), as ``RecordState``s.
    func journaledRecords() async throws(StoreError) -> [RecordState]

    // MARK: KPI summaries (see ``KPISummary``)

    /// The incidents numbered `tickets` (ascending), each with its events before `until`, without
    /// steps and calls: the incidents a report replays, or whose summary is made afresh.
    func reportItems(_ tickets: [Int64], until: Date) async throws(StoreError) -> [ReportTicket]
    /// Every piece of every summary that may concern a report over `window`, sorted by
    /// ``KPISummary/use(spanStart:spanEnd:after:through:backlog:summarised:in:)`` and, for the
    /// summarised ones, by whether `accepting` takes their signature's text (each text judged
    /// once): accepted pieces grouped by signature hash with their texts, the openings of the
    /// backlog before the period, the tickets to replay. One snapshot of the store: an incident
    /// written meanwhile is either summarised or replayed, never lost nor counted twice.
    func kpiSummaryScan(_ window: KPIWindow, accepting: @escaping @Sendable (String) -> Bool) async throws(StoreError) -> KPISummaryScan
    /// The texts (signatures, policy fingerprints) kept under these hashes.
    func kpiTexts(_ hashes: [Int64]) async throws(StoreError) -> [Int64: String]
    /// Escalation steps due and phone calls queued in `window`, of incidents opened before its end.
    func kpiEscalationFigures(_ window: KPIWindow) async throws(StoreError) -> KPIEscalationFigures
    /// What each ticket numbered after `after` is summarised with (at most `limit` tickets, by
    /// number): for finding the summaries to make afresh.
    func kpiSummaryStates(after: Int64, limit: Int) async throws(StoreError) -> [KPISummaryState]
    /// The tickets numbered after `after` whose summary a write left to be made (at most
    /// `limit`, by number): what the sweep summarises (``Desk/summariseAwaiting(batch:limit:)``).
    func ticketsAwaitingSummary(after: Int64, limit: Int) async throws(StoreError) -> [Int64]
    /// Replaces the summaries of these tickets, each only if the ticket is still at `version`
    /// (whoever changed it wrote its own). Returns how many were written.
    func setKPISummaries(_ summaries: [KPISummaryWrite]) async throws(StoreError) -> Int
}

extension Store {
    public func releaseMemory() async {}

    /// A write without a summary: its incident is replayed by reports until one is made.
    public func insertTicket(_ ticket: Ticket, event: TicketEvent) async throws(StoreError) -> (Ticket, TicketEvent) {
        try await insertTicket(ticket, event: event, summary: nil)
    }

    public func updateTicket(_ ticket: Ticket, event: TicketEvent) async throws(StoreError) -> (Ticket, TicketEvent) {
        try await updateTicket(ticket, event: event, summary: nil, messages: [])
    }

    public func updateTicket(_ ticket: Ticket, event: TicketEvent, summary: KPISummary?) async throws(StoreError) -> (Ticket, TicketEvent) {
        try await updateTicket(ticket, event: event, summary: summary, messages: [])
    }

    public func insertProblem(_ problem: Problem, event: ProblemEvent) async throws(StoreError) -> (Problem, ProblemEvent) {
        try await insertProblem(problem, event: event, messages: { _ in [] })
    }

    public func insertHistories(_ histories: [TicketHistory]) async throws(StoreError) -> [TicketID] {
        try await insertHistories(histories, summaries: [])
    }

    public func importHistories(_ histories: [TicketHistory]) async throws(StoreError) -> [ImportedHistory] {
        try await importHistories(histories, summaries: [])
    }
}

/// How a ticket is summarised in the store.
public struct KPISummaryState: Sendable, Hashable {
    public var ticket: Int64
    /// ``KPISummary/hash(_:)`` of the policy's fingerprint; 0 without a summary.
    public var policy: Int64
    /// The signature hash of each piece; `[0]` without a summary.
    public var signatures: [Int64]

    public init(ticket: Int64, policy: Int64, signatures: [Int64]) {
        self.ticket = ticket
        self.policy = policy
        self.signatures = signatures
    }

    public var isSummarised: Bool { policy != 0 && !signatures.contains(0) }
}

/// A summary made afresh for a ticket as it stood at `version`.
public struct KPISummaryWrite: Sendable, Hashable {
    public var ticket: TicketID
    public var version: Int
    public var summary: KPISummary

    public init(ticket: TicketID, version: Int, summary: KPISummary) {
        self.ticket = ticket
        self.version = version
        self.summary = summary
    }
}

extension Store {
    /// Every phone call nobody has confirmed yet, oldest first.
    public func pendingCalls() async throws(StoreError) -> [OutboxMessage] { try await pendingCalls(limit: nil) }
}

/// Tells a console cheaply that someone (another seat, a script) wrote to the store, so that it
/// reads the change feed only then.
public protocol ChangeSignal: Sendable {
    /// True when something was committed since the previous poll (the first poll answers false).
    func poll() async throws(StoreError) -> Bool
}
