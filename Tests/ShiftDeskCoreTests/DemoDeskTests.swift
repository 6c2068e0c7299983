import Foundation
import Testing
@testable import ShiftDeskCore

@Suite struct DemoDeskTests {
    @Test func theSameSeedGivesTheSameDesk() {
        let a = DemoDesk(now: t0, tickets: 80, seed: 7)
        let b = DemoDesk(now: t0, tickets: 80, seed: 7)
        #expect(a.tickets.map(\.ticket) == b.tickets.map(\.ticket))
        #expect(DemoDesk(now: t0, tickets: 80, seed: 8).tickets.map(\.ticket) != a.tickets.map(\.ticket))
    }

    @Test func coversEveryTierStateAndPriorityInBothLanguages() {
        let desk = DemoDesk(now: t0, tickets: 120, seed: 2026)
        let tickets = desk.tickets.map(\.ticket)
        #expect(tickets.count == 120)
        #expect(Set(tickets.map(\.tier)) == Set(Tier.allCases))
        #expect(Set(tickets.map(\.state)).isSuperset(of: [.new, .inProgress, .pendingCustomer, .resolved, .closed]))
        #expect(Set(tickets.map(\.priority)) == Set(Priority.allCases))
        #expect(tickets.contains { $0.bypassedDesk } && tickets.contains { $0.backfilled } && tickets.contains { $0.reopenCount > 0 })
        #expect(tickets.contains { $0.title.unicodeScalars.contains { $0.value >= 0x4E00 } })
        #expect(tickets.contains { $0.title.allSatisfy(\.isASCII) })
        // Some open work is older than its priority's resolution target of a few hours.
        #expect(tickets.contains { $0.state.isOpen && t0.timeIntervalSince($0.openedAt) > 8 * 3600 })
        for role in Role.allCases { #expect(desk.operators.contains { $0.role == role }) }
        #expect(Set(desk.operators.compactMap(\.shift)) == Set(ShiftName.allCases))
    }

    @Test func everyHistoryIsOrderedAndEndsInTheTicketItDescribes() {
        for (ticket, events) in DemoDesk(now: t0, tickets: 60, seed: 1).tickets {
            #expect(events.first?.kind == .opened)
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.at <= $1.at })
            #expect((events.last?.at ?? t0) <= t0)
            #expect(ticket.openedAt <= t0)
        }
    }
}
