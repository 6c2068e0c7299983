import Foundation

/// What a ticket's SLA clocks need of its history, kept beside the ticket and brought up to date
/// by every event it records: the clocks' stops, the last change of priority and the instant of
/// the latest event. A write plans the ticket's next step from it, without reading the history
/// (issue 19); folding a whole history gives the same clock as recording its events one by one.
public struct TicketClock: Codable, Sendable, Hashable {
    /// Every stop the history holds, waiting on a problem included: the policy in force decides
    /// whether that one stops the clocks (``ClockTimeline/init(ticket:clock:problemPauses:)``).
    public var stops: [StopInterval]
    /// The instant of the last `reprioritised` event; a ladder restarts from it.
    public var priorityChangedAt: Date?
    /// The instant of the latest event: no action may be dated before it.
    public var latestEventAt: Date?

    public init(stops: [StopInterval] = [], priorityChangedAt: Date? = nil, latestEventAt: Date? = nil) {
        self.stops = stops
        self.priorityChangedAt = priorityChangedAt
        self.latestEventAt = latestEventAt
    }

    /// The clock of a whole history, in any order: stops follow the events by instant (and id),
    /// the change of priority is the last one stored.
    public init(events: [TicketEvent]) {
        self.init()
        for event in events.sorted(by: { ($0.at, $0.id) < ($1.at, $1.id) }) { record(event) }
        priorityChangedAt = events.last { $0.kind == .reprioritised }?.at
    }

    /// Records one more event, the latest of the history.
    public mutating func record(_ event: TicketEvent) {
        latestEventAt = max(latestEventAt ?? event.at, event.at)
        if event.kind == .reprioritised { priorityChangedAt = event.at }
        guard let change = event.change(of: "state"), let after = change.after.flatMap(TicketState.init(rawValue:)) else { return }
        let reason: StopReason? = switch after {
        case .pendingCustomer: .customer
        case .pendingProblem: .problem
        case .resolved, .closed: .resolved
        default: nil
        }
        if let last = stops.indices.last, stops[last].end == nil {
            guard stops[last].reason != reason else { return }
            stops[last].end = event.at
        }
        if let reason { stops.append(StopInterval(start: event.at, end: nil, reason: reason)) }
    }

    public func recording(_ event: TicketEvent) -> TicketClock {
        var copy = self
        copy.record(event)
        return copy
    }

    /// The stops under a policy: waiting on a problem stops the clocks only when it says so.
    public func stops(problemPauses: Bool) -> [StopInterval] {
        problemPauses ? stops : stops.filter { $0.reason != .problem }
    }
}
