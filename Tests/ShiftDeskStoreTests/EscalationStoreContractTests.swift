import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// The store's half of exactly-once escalation: unique steps, the outbox and its leases.
@Suite("Store contract: escalation and outbox")
struct EscalationStoreContractTests {
    func messages(for ticket: TicketID, level: Int = 1, at instant: Date = t0) -> [OutboxMessage] {
        [
            OutboxMessage(ticket: ticket, priority: .major, level: level, recipientRole: .incidentManager, address: "im@desk.example",
                          via: .email, subject: "INC major", body: "body", createdAt: instant),
            OutboxMessage(ticket: ticket, priority: .major, level: level, recipientRole: .incidentManager, address: "孙丽",
                          via: .phone, subject: "INC major", body: "call", createdAt: instant),
        ]
    }

    @Test(arguments: Backend.available)
    func aStepIsRecordedOnceWithItsMessages(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
        let step = FiredStep(ticket: ticket.id, priority: .major, level: 1, dueAt: t0, firedAt: t0, firedBy: "test")
        #expect(try await desk.store.recordStep(step, messages: messages(for: ticket.id)) == true)
        #expect(try await desk.store.recordStep(step, messages: messages(for: ticket.id)) == false)
        #expect(try await desk.store.firedSteps(of: ticket.id) == [step])
        #expect(try await desk.store.outbox(of: ticket.id).count == 2)
    }

    @Test(arguments: Backend.available)
    func aConsoleReadsTheOldestCallsAndCountsThemAll(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        var tickets: [TicketID] = []
        for n in 0..<3 {
            let ticket = try await desk.open(sampleDraft("t\(n)"), as: "zhang.wei")
            let step = FiredStep(ticket: ticket.id, priority: .major, level: 1, dueAt: t0, firedAt: t0, firedBy: "test")
            #expect(try await desk.store.recordStep(step, messages: messages(for: ticket.id)))
            tickets.append(ticket.id)
        }
        let oldest = try await desk.store.pendingCalls(limit: 2)
        #expect(oldest.map(\.ticket) == Array(tickets.prefix(2)))
        #expect(oldest.map(\.messageID) == tickets.prefix(2).map { messages(for: $0)[1].messageID }, "read back as sent")
        #expect(try await desk.store.pendingCallCount() == 3)
        #expect(try await desk.store.pendingCalls().count == 3)
        let first = try #require(oldest.first)
        #expect(try await desk.store.confirmCall(first.id, by: "sun.li", at: t0))
        #expect(try await desk.store.pendingCallCount() == 2)
    }

    @Test(arguments: Backend.available)
    func manyRecordersAtOnceFireEachStepExactlyOnce(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
        let store = desk.store
        let messages = self.messages(for: ticket.id)
        let wins = await withTaskGroup(of: Bool.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    let step = FiredStep(ticket: ticket.id, priority: .major, level: 1, dueAt: t0, firedAt: t0, firedBy: "w\(worker)")
                    return (try? await store.recordStep(step, messages: messages)) ?? false
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        #expect(try await store.outbox(of: ticket.id).count == 2)
    }

    @Test(arguments: Backend.available)
    func theSweepReadsOnlyDueTicketsAndPlansAreVersioned(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let a = try await desk.open(sampleDraft("a"), as: "zhang.wei")
        let b = try await desk.open(sampleDraft("b"), as: "zhang.wei")
        let c = try await desk.open(sampleDraft("c"), as: "zhang.wei")
        try await desk.store.setPlan(TicketPlan(escalationDueAt: t0.addingTimeInterval(7200)), of: a)
        try await desk.store.setPlan(TicketPlan(escalationDueAt: t0.addingTimeInterval(3600), respondBy: t0.addingTimeInterval(60),
                                                      resolveBy: t0.addingTimeInterval(8 * 3600)), of: b)
        let planned = try await desk.store.ticket(b.id)
        #expect(planned?.respondBy == t0.addingTimeInterval(60) && planned?.resolveBy == t0.addingTimeInterval(8 * 3600))
        #expect(planned?.version == b.version, "a plan is derived data: no new version")
        // A stale plan is ignored: c changed since it was read.
        try await desk.perform(.note("update"), on: c.id, as: "zhang.wei")
        try await desk.store.setPlan(TicketPlan(escalationDueAt: t0), of: c)
        // c keeps the plan its writer made (12:00, two hours after opening), not the stale one.
        #expect(try await desk.store.ticket(c.id)?.escalationDueAt == t0.addingTimeInterval(7200))
        #expect(try await desk.store.ticketsDueForEscalation(at: t0.addingTimeInterval(3599), limit: 10).isEmpty)
        let due = try await desk.store.ticketsDueForEscalation(at: t0.addingTimeInterval(7200), limit: 10).map(\.id)
        #expect(due.first == b.id && Set(due) == [a.id, b.id, c.id])
        #expect(try await desk.store.ticketsDueForEscalation(at: t0.addingTimeInterval(7200), limit: 1).map(\.id) == [b.id])
        try await desk.store.setPlan(TicketPlan(), of: b)
        #expect(Set(try await desk.store.ticketsDueForEscalation(at: t0.addingTimeInterval(9999), limit: 10).map(\.id)) == [a.id, c.id])
    }

    @Test(arguments: Backend.available)
    func mailIsLeasedDeliveredOrRetriedAndCallsConfirmedOnce(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let store = desk.store
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
        let step = FiredStep(ticket: ticket.id, priority: .major, level: 1, dueAt: t0, firedAt: t0, firedBy: "test")
        _ = try await store.recordStep(step, messages: messages(for: ticket.id))

        let claimed = try await store.claimMail(dueBy: t0, leaseUntil: t0.addingTimeInterval(60), limit: 10)
        #expect(claimed.map(\.via) == [.email])
        #expect(try await store.claimMail(dueBy: t0.addingTimeInterval(30), leaseUntil: t0.addingTimeInterval(90), limit: 10).isEmpty)
        let mail = try #require(claimed.first)
        try await store.markFailed(mail.id, error: "relay refused", retryAt: t0.addingTimeInterval(120))
        #expect(try await store.claimMail(dueBy: t0.addingTimeInterval(119), leaseUntil: t0.addingTimeInterval(200), limit: 10).isEmpty)
        let retried = try await store.claimMail(dueBy: t0.addingTimeInterval(120), leaseUntil: t0.addingTimeInterval(200), limit: 10)
        #expect(retried.first?.attempts == 1 && retried.first?.lastError == "relay refused")
        try await store.markDelivered(mail.id, at: t0.addingTimeInterval(121))
        #expect(try await store.claimMail(dueBy: t0.addingTimeInterval(9999), leaseUntil: t0.addingTimeInterval(9999), limit: 10).isEmpty)

        let calls = try await store.pendingCalls()
        #expect(calls.count == 1 && calls.first?.address == "孙丽")
        let call = try #require(calls.first)
        #expect(try await store.confirmCall(call.id, by: "zhang.wei", at: t0.addingTimeInterval(300)) == true)
        #expect(try await store.confirmCall(call.id, by: "amy.chen", at: t0.addingTimeInterval(301)) == false)
        #expect(try await store.pendingCalls().isEmpty)
        #expect(try await store.outbox(of: ticket.id).first { $0.via == .phone }?.confirmedBy == "zhang.wei")
    }
}
