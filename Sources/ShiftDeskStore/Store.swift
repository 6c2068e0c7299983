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
    public var limit: Int?

    public init(tiers: Set<Tier>? = nil, states: Set<TicketState>? = nil, priorities: Set<Priority>? = nil,
                openOnly: Bool = false, assignee: String? = nil, limit: Int? = nil) {
        self.tiers = tiers
        self.states = states
        self.priorities = priorities
        self.openOnly = openOnly
        self.assignee = assignee
        self.limit = limit
    }

    public static let all = TicketQuery()
}

/// A ticket with its whole history, for bulk loads (demo data, imports).
public struct TicketHistory: Sendable, Hashable {
    public var ticket: Ticket
    public var events: [TicketEvent]

    public init(ticket: Ticket, events: [TicketEvent]) {
        self.ticket = ticket
        self.events = events
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

    /// Stores a new ticket and its opening event; the store assigns the number.
    func insertTicket(_ ticket: Ticket, event: TicketEvent) async throws(StoreError) -> (Ticket, TicketEvent)
    /// Writes `ticket` if the stored version is still `ticket.version`, bumping it, with its event.
    /// Otherwise throws `StoreError.conflict` naming who changed it, and writes nothing.
    func updateTicket(_ ticket: Ticket, event: TicketEvent) async throws(StoreError) -> (Ticket, TicketEvent)
    /// Stores many tickets with their events in one transaction; numbers are assigned in order.
    func insertHistories(_ histories: [TicketHistory]) async throws(StoreError) -> [TicketID]

    func ticket(_ id: TicketID) async throws(StoreError) -> Ticket?
    func tickets(_ query: TicketQuery) async throws(StoreError) -> [Ticket]
    func events(of ticket: TicketID) async throws(StoreError) -> [TicketEvent]
    /// The change feed: events with an id greater than `id`, oldest first.
    func events(after id: Int64, limit: Int) async throws(StoreError) -> [TicketEvent]
    func lastEventID() async throws(StoreError) -> Int64
    /// A signal for writes by anyone, this process included.
    func changeSignal() throws(StoreError) -> any ChangeSignal

    func insertProblem(_ problem: Problem) async throws(StoreError) -> Problem
    func updateProblem(_ problem: Problem) async throws(StoreError) -> Problem
    func problem(_ id: ProblemID) async throws(StoreError) -> Problem?
    func problems() async throws(StoreError) -> [Problem]
}

/// Tells a console cheaply that someone (another seat, a script) wrote to the store, so that it
/// reads the change feed only then.
public protocol ChangeSignal: Sendable {
    /// True when something was committed since the previous poll (the first poll answers false).
    func poll() async throws(StoreError) -> Bool
}
