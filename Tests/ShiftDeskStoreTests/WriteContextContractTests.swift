import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// What a ticket's write reads before it writes, in one read: the same as the separate reads
/// it replaces, on every backend (on PostgreSQL one round trip instead of five to seven), and
/// not the ticket's history: the clock kept beside the ticket is what its history folds to.
@Suite("Store contract: a write's context")
struct WriteContextContractTests {
    @Test(arguments: Backend.available)
    func theContextIsWhatTheSeparateReadsSee(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let store = desk.store
        let ticket = try await workedTicket(desk, clock)
        clock.advance(60)
        try await desk.perform(.note("driver reinstalled", customerUpdate: false), on: ticket.id, as: "wang.fang")
        let later = FiredStep(ticket: ticket.id, priority: .general, level: 2, dueAt: t0.addingTimeInterval(7200),
                              firedAt: t0.addingTimeInterval(7300), firedBy: "escalator@test")
        let earlier = FiredStep(ticket: ticket.id, priority: .general, level: 1, dueAt: t0.addingTimeInterval(3600),
                                firedAt: t0.addingTimeInterval(3700), firedBy: "escalator@test")
        #expect(try await store.recordStep(later, messages: []))
        #expect(try await store.recordStep(earlier, messages: []))

        let context = try await store.writeContext(of: ticket.id, actor: "sun.li")
        #expect(context.actor == (try await store.findOperator(login: "sun.li")))
        #expect(context.ticket == (try await store.ticket(ticket.id)))
        #expect(context.ticket?.assignee == "wang.fang")
        #expect(context.holderName == "王芳")
        let events = try await store.events(of: ticket.id)
        #expect(events.count == 7)
        let folded = TicketClock(events: events)
        #expect(context.ticket?.clock == folded, "the clock kept with the ticket is its history's")
        #expect(folded.stops.map(\.reason) == [.customer] && folded.stops.first?.end != nil)
        #expect(folded.priorityChangedAt == events.first { $0.kind == .reprioritised }?.at)
        #expect(folded.latestEventAt == events.last?.at)
        #expect(context.fired == (try await store.firedSteps(of: ticket.id)))
        #expect(context.fired.map(\.level) == [1, 2], "in the order they fired")
    }

    @Test(arguments: Backend.available)
    func anUnknownActorADisabledOneAndAMissingTicketAreToldApart(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let store = desk.store
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")

        let stranger = try await store.writeContext(of: ticket.id, actor: "nobody")
        #expect(stranger.actor == nil)
        #expect(stranger.ticket?.id == ticket.id)
        #expect(stranger.holderName == "张伟", "the desk agent who logged it holds it")
        #expect(stranger.fired.isEmpty)

        let missing = try await store.writeContext(of: TicketID(9_999), actor: "zhang.wei")
        #expect(missing.actor?.login == "zhang.wei")
        #expect(missing.ticket == nil)
        #expect(missing.fired.isEmpty)

        #expect(try await store.setOperatorDisabled("wang.fang", true))
        #expect(try await store.writeContext(of: ticket.id, actor: "wang.fang").actor?.disabled == true)
        await #expect(throws: DeskError.disabledOperator("wang.fang")) {
            try await desk.perform(.note("late", customerUpdate: false), on: ticket.id, as: "wang.fang")
        }
        await #expect(throws: DeskError.unknownOperator("nobody")) {
            try await desk.perform(.note("who?", customerUpdate: false), on: ticket.id, as: "nobody")
        }
        await #expect(throws: DeskError.store(.ticketNotFound(TicketID(9_999)))) {
            try await desk.perform(.note("where?", customerUpdate: false), on: TicketID(9_999), as: "zhang.wei")
        }
        #expect(try await store.events(of: ticket.id).count == 1, "nothing written")
    }
}
