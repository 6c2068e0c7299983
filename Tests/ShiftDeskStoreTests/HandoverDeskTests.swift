import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// Day shift hands over to night duty through the store, on every backend, with an injected clock.
@Suite("Shift handover through the store")
struct HandoverDeskTests {
    let shanghai = TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt
    let nightDesk = Operator(login: "li.na", name: "李娜", role: .desk, shift: .night)

    func at(_ hours: Double) -> TimeInterval { hours * 3600 }

    @Test(arguments: Backend.available)
    func theDayShiftHandsOverAndNightDutyAcknowledgesInItsWindow(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        try await desk.addOperator(nightDesk)
        let handovers = HandoverDesk(desk: desk, schedule: .standard(timeZone: shanghai))
        let first = try await desk.open(sampleDraft("打印机卡纸"), as: "zhang.wei")           // 10:00
        let second = try await desk.open(sampleDraft("VPN drops"), as: "zhang.wei")
        _ = try await desk.perform(.resolve(note: "restarted"), on: second.id, as: "zhang.wei")

        clock.advance(at(10) + 600)                                                             // 20:10, prepare window
        var draft = try await handovers.draft(for: "zhang.wei", language: .zh)
        #expect(draft.items.map(\.ticket.id) == [first.id, second.id])
        #expect(draft.items[0].note.contains("服务台"), "the status line is in the operator's language")
        draft.setNote("caller back at 9", for: first.id)
        draft.note = "printer vendor tomorrow"
        let submitted = try await handovers.submit(draft, as: "zhang.wei")
        #expect(submitted.preparedInWindow && submitted.items.count == 2)

        clock.advance(at(0.5))                                                                  // 20:40, night review window
        let night = try await handovers.overview(for: nightDesk)
        #expect(night.shift.shift == .night)
        #expect(night.incoming.map(\.id) == [submitted.id])
        #expect(night.pendingForShift == 2)
        #expect(night.pending == [first.id: submitted.id, second.id: submitted.id])
        #expect(night.lapses.isEmpty)
        let dayView = try await handovers.overview(for: People.desk)
        #expect(dayView.submittedByShift.map(\.id) == [submitted.id])
        #expect(dayView.pendingForShift == 0, "the day shift has nothing to acknowledge")

        let (acked, refused) = try await handovers.acknowledge(submitted.id, tickets: [first.id], note: "on it", take: true, as: "li.na")
        #expect(refused.isEmpty)
        #expect(acked.items[0].acknowledgedBy == "li.na" && acked.items[0].acknowledgementNote == "on it")
        #expect(try await desk.store.ticket(first.id)?.assignee == "li.na")
        #expect(try await handovers.overview(for: nightDesk).pending == [second.id: submitted.id])

        clock.advance(at(0.5))                                                                  // 21:10: the window has closed
        let lapses = try await handovers.overview(for: nil).lapses
        #expect(lapses == [.notAcknowledged(try #require(try await desk.store.handover(submitted.id)), pending: 1)])

        _ = try await handovers.acknowledge(submitted.id, tickets: nil, note: nil, take: false, as: "li.na")
        let done = try #require(try await desk.store.handover(submitted.id))
        #expect(done.unacknowledged.isEmpty && !done.acknowledgedInWindow, "acknowledged, but late")
        #expect(try await handovers.overview(for: nil).lapses.isEmpty)

        clock.advance(at(12))                                                                   // 09:10 next day
        let morning = try await handovers.overview(for: nil)
        #expect(morning.lapses.count == 1)
        guard case let .notPrepared(shift)? = morning.lapses.first else { Issue.record("expected a missing night handover"); return }
        #expect(shift.shift == .night)
    }
}
