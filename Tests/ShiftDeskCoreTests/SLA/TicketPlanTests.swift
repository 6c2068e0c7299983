import Foundation
import Testing
@testable import ShiftDeskCore

/// What a store keeps beside each ticket for its queues: when it breaches, and its urgency.
@Suite("Ticket plan: breach instant and urgency")
struct TicketPlanTests {
    let base = Date(timeIntervalSince1970: 1_795_917_600)

    func ticket(_ state: TicketState, priority: Priority = .general, responded: TimeInterval?, resolved: TimeInterval? = nil,
                plan: TicketPlan) -> Ticket {
        var ticket = Ticket(id: TicketID(1), title: "t", caller: Caller(name: "c"), channel: .email, priority: priority, state: state,
                            openedAt: base)
        ticket.firstResponseAt = responded.map { base.addingTimeInterval($0) }
        ticket.resolvedAt = resolved.map { base.addingTimeInterval($0) }
        ticket.plan = plan
        return ticket
    }

    /// `breached(now)` is exactly "now is after `breachAt`", whatever the clocks did: a store
    /// answering the incident manager's queue with `breach_at < now` agrees with the console.
    @Test func breachedIsNowPastTheBreachInstant() {
        let respondBy: [TimeInterval?] = [nil, 600, 3600]
        let resolveBy: [TimeInterval?] = [nil, 1800, 7200]
        let responded: [TimeInterval?] = [nil, 300, 600, 900]
        let resolved: [TimeInterval?] = [nil, 1000, 1800, 5000]
        let instants: [TimeInterval] = [0, 299, 600, 601, 1799, 1800, 1801, 3600, 3601, 7200, 7201, 99_999]
        var checked = 0
        for state in TicketState.allCases {
            for r in respondBy {
                for d in resolveBy {
                    for first in responded {
                        for done in resolved where (done == nil) == state.isOpen || state == .closed {
                            let plan = TicketPlan(respondBy: r.map { base.addingTimeInterval($0) }, resolveBy: d.map { base.addingTimeInterval($0) })
                            let t = ticket(state, responded: first, resolved: done, plan: plan)
                            for offset in instants {
                                let now = base.addingTimeInterval(offset)
                                #expect(plan.breached(t, now: now) == (t.breachAt.map { now > $0 } ?? false),
                                        "\(state) respondBy \(String(describing: r)) resolveBy \(String(describing: d)) responded \(String(describing: first)) resolved \(String(describing: done)) at \(offset)")
                                checked += 1
                            }
                        }
                    }
                }
            }
        }
        #expect(checked > 1000)
    }

    @Test func aResponseInTimeCannotBreachButALateOneStaysBreached() {
        let plan = TicketPlan(respondBy: base.addingTimeInterval(600), resolveBy: base.addingTimeInterval(7200))
        #expect(ticket(.inProgress, responded: 300, plan: plan).breachAt == base.addingTimeInterval(7200))
        #expect(ticket(.inProgress, responded: 900, plan: plan).breachAt == base.addingTimeInterval(600))
        #expect(ticket(.new, responded: nil, plan: plan).breachAt == base.addingTimeInterval(600))
        #expect(ticket(.resolved, responded: 300, resolved: 3600, plan: plan).breachAt == nil, "resolved in time: nothing left to breach")
    }

    @Test func urgencyOrdersRunningClocksThenWorkToCloseThenPausedWork() {
        let soon = TicketPlan(escalationDueAt: base.addingTimeInterval(600), resolveBy: base.addingTimeInterval(7200))
        let later = TicketPlan(escalationDueAt: base.addingTimeInterval(3600), resolveBy: base.addingTimeInterval(7200))
        let overdue = TicketPlan(escalationDueAt: base.addingTimeInterval(-60))
        let running = [ticket(.inProgress, responded: 0, plan: later), ticket(.inProgress, responded: 0, plan: soon),
                       ticket(.inProgress, responded: 0, plan: overdue)]
        #expect(running.map(\.urgency) == running.map(\.urgency).sorted(by: >), "the nearest step first, the overdue before all")
        // A major a minute ahead of a general due at the same time.
        #expect(ticket(.inProgress, priority: .major, responded: 0, plan: soon).urgency == running[1].urgency - 60)
        let toClose = ticket(.resolved, responded: 0, resolved: 100, plan: soon)
        let paused = ticket(.pendingCustomer, responded: 0, plan: soon)
        #expect(running.allSatisfy { $0.urgency < toClose.urgency } && toClose.urgency < paused.urgency)
    }
}
