import Foundation

/// What the forecast reads from the desk's events: when work arrived at each line, with its
/// priority, and how long an operator of a line held an incident while working it.
///
/// - **An arrival at a line** is an incident entering that line's queue: for the desk, every
///   incident logged (`opened`, whatever line it was logged to: the desk owns every incident)
///   and every return to the desk; for L1, L2 and the vendor, every event whose `tier` change
///   enters the line (an escalation, a reassignment, an incident logged straight to it).
/// - **A hold** runs from a `taken` event (or an `opened` one that names a holder: the agent
///   who logs a call holds it) to the next event of the same ticket that ends the
///   holder's work on it: escalated, pended, resolved, closed, released, or taken by someone
///   else. It counts for the line the ticket was in when taken, at the priority it had then.
///   The line and priority come from the ticket's own events (every ticket's first event names
///   both); for a ticket whose earlier events lie before the events read, the holder's role
///   names the line, and a hold whose priority is unknown is left out.
public struct DeskHistory: Sendable {
    public struct Arrival: Sendable, Hashable {
        public var at: Date
        public var line: Tier
        /// nil when the ticket's earlier events were not read.
        public var priority: Priority?

        public init(at: Date, line: Tier, priority: Priority?) {
            self.at = at
            self.line = line
            self.priority = priority
        }
    }

    public struct Hold: Sendable, Hashable {
        public var line: Tier
        public var priority: Priority
        public var start: Date
        public var seconds: TimeInterval

        public init(line: Tier, priority: Priority, start: Date, seconds: TimeInterval) {
            self.line = line
            self.priority = priority
            self.start = start
            self.seconds = seconds
        }
    }

    /// Oldest first.
    public private(set) var arrivals: [Arrival]
    public private(set) var holds: [Hold]

    public init(arrivals: [Arrival], holds: [Hold]) {
        self.arrivals = arrivals.sorted { $0.at < $1.at }
        self.holds = holds
    }

    /// Reads `events` (any order); `roles` names the line of a holder whose ticket's line is unknown.
    public init(events: [TicketEvent], roles: [String: Role] = [:]) {
        struct TicketState {
            var tier: Tier?
            var priority: Priority?
            var holder: (actor: String, start: Date, line: Tier, priority: Priority)?
        }
        let ordered = events.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        var states: [TicketID: TicketState] = [:]
        var arrivals: [Arrival] = []
        var holds: [Hold] = []
        arrivals.reserveCapacity(ordered.count / 3)
        for event in ordered {
            var state = states[event.ticket] ?? TicketState()
            let tierChange = event.change(of: "tier")
            let entered = tierChange?.after.flatMap(Tier.init(rawValue:))
            if let value = event.change(of: "priority")?.after.flatMap(Priority.init(rawValue:)) { state.priority = value }
            // Whatever the event, a hold it ends belongs to the line before the event.
            func endHold() {
                if let holder = state.holder {
                    let seconds = event.at.timeIntervalSince(holder.start)
                    if seconds >= 0 { holds.append(Hold(line: holder.line, priority: holder.priority, start: holder.start, seconds: seconds)) }
                    state.holder = nil
                }
            }
            switch event.kind {
            case .escalated, .pended, .resolved, .closed, .released:
                endHold()
            case .taken:
                if let holder = state.holder, holder.actor != event.actor { endHold() }
            default:
                break
            }
            if let entered {
                let before = tierChange?.before.flatMap(Tier.init(rawValue:))
                if event.kind == .opened {
                    arrivals.append(Arrival(at: event.at, line: .desk, priority: state.priority))
                    if entered != .desk { arrivals.append(Arrival(at: event.at, line: entered, priority: state.priority)) }
                } else if before != entered {
                    arrivals.append(Arrival(at: event.at, line: entered, priority: state.priority))
                }
                state.tier = entered
            } else if event.kind == .opened {
                arrivals.append(Arrival(at: event.at, line: .desk, priority: state.priority))
            }
            // A hold starts when someone takes the incident, or logs it holding it (the desk agent
            // who takes the call).
            let logHolder = event.kind == .opened ? event.change(of: "assignee")?.after : nil
            if event.kind == .taken || logHolder != nil, state.holder == nil,
               let line = state.tier ?? roles[event.actor]?.tier, let priority = state.priority {
                state.holder = (logHolder ?? event.actor, event.at, line, priority)
            }
            states[event.ticket] = state
        }
        self.init(arrivals: arrivals, holds: holds)
    }

    /// The earliest arrival, where the desk's history (as read) begins.
    public var firstArrival: Date? { arrivals.first?.at }
}
