import Foundation
import Testing
@testable import ShiftDeskCore

/// The clock kept beside a ticket (``TicketClock``) stands in for its history when a write plans:
/// recording events one by one gives what folding the whole history gives, and the timeline
/// built from it is the one the history's own reading gave before the clock was kept.
@Suite("SLA: the clock kept beside a ticket")
struct TicketClockTests {
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)
    static let states: [TicketState] = [.new, .inProgress, .pendingCustomer, .pendingVendor, .pendingProblem, .resolved, .closed]

    /// A random history: state changes, changes of priority and notes, in order, some at the same instant.
    static func history(seed: UInt64, count: Int) -> [TicketEvent] {
        var generator = SplitMix(seed: seed)
        var at = t0
        var state = TicketState.new
        return (0..<count).map { index in
            if generator.next() % 3 != 0 { at = at.addingTimeInterval(Double(generator.next() % 7_200)) }
            let id = Int64(index + 1)
            switch generator.next() % 4 {
            case 0:
                return TicketEvent(id: id, ticket: TicketID(1), actor: "a", at: at, kind: .reprioritised,
                                   changes: [FieldChange(field: "priority", before: "general", after: "major")])
            case 1:
                return TicketEvent(id: id, ticket: TicketID(1), actor: "a", at: at, kind: .noted, changes: [])
            default:
                let next = states[Int(generator.next() % UInt64(states.count))]
                defer { state = next }
                return TicketEvent(id: id, ticket: TicketID(1), actor: "a", at: at, kind: .pended,
                                   changes: [FieldChange(field: "state", before: state.rawValue, after: next.rawValue)])
            }
        }
    }

    /// How the timeline's stops were read from a history before the clock was kept (the
    /// reference the clock must agree with).
    static func referenceStops(_ events: [TicketEvent], problemPauses: Bool) -> [StopInterval] {
        var stops: [StopInterval] = []
        var open: StopInterval?
        for event in events.sorted(by: { ($0.at, $0.id) < ($1.at, $1.id) }) {
            guard let change = event.change(of: "state"), let after = change.after.flatMap(TicketState.init(rawValue:)) else { continue }
            let reason: StopReason? = switch after {
            case .pendingCustomer: .customer
            case .pendingProblem: problemPauses ? .problem : nil
            case .resolved, .closed: .resolved
            default: nil
            }
            if var current = open, current.reason != reason {
                current.end = event.at
                stops.append(current)
                open = nil
            }
            if let reason, open == nil { open = StopInterval(start: event.at, end: nil, reason: reason) }
        }
        if let open { stops.append(open) }
        return stops
    }

    @Test(arguments: 0..<200)
    func recordingEventsOneByOneIsFoldingTheHistory(_ seed: Int) {
        let events = Self.history(seed: UInt64(seed), count: 1 + seed % 25)
        var recorded = TicketClock()
        for event in events { recorded.record(event) }
        #expect(recorded == TicketClock(events: events))
        let shuffled = TicketClock(events: events.shuffled())
        #expect(shuffled.stops == recorded.stops && shuffled.latestEventAt == recorded.latestEventAt, "stops follow instants, then ids")
        #expect(recorded.latestEventAt == events.map(\.at).max())
        #expect(recorded.priorityChangedAt == events.last { $0.kind == .reprioritised }?.at)
        for pauses in [false, true] {
            #expect(recorded.stops(problemPauses: pauses) == Self.referenceStops(events, problemPauses: pauses))
        }
    }

    @Test func aPauseOnAProblemStopsTheClocksOnlyWhenThePolicySaysSo() {
        let opened = TicketEvent(id: 1, ticket: TicketID(1), actor: "a", at: Self.t0, kind: .opened, changes: [])
        let pended = TicketEvent(id: 2, ticket: TicketID(1), actor: "a", at: Self.t0.addingTimeInterval(600), kind: .pended,
                                 changes: [FieldChange(field: "state", before: "in_progress", after: TicketState.pendingProblem.rawValue)])
        let clock = TicketClock(events: [opened, pended])
        #expect(clock.stops == [StopInterval(start: pended.at, end: nil, reason: .problem)])
        #expect(clock.stops(problemPauses: false).isEmpty)
        #expect(clock.stops(problemPauses: true).count == 1)
    }
}

/// A small deterministic generator, so a failing seed can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
