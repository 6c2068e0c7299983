import Foundation
import Testing
import ShiftDeskCore
import ShiftDeskStore
@testable import ShiftDeskNotify

actor CapturingTransport: MailTransport {
    var sent: [MailMessage] = []
    var failNext: Int

    init(failNext: Int = 0) { self.failNext = failNext }

    func send(_ message: MailMessage) async throws {
        if failNext > 0 {
            failNext -= 1
            throw DeliveryFailure("relay refused")
        }
        sent.append(message)
    }
}

final class StepClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    func now() -> Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

@Suite struct OutboxFlusherTests {
    let t0 = Date(timeIntervalSince1970: 1_795_917_600)

    func storeWithQueuedStep(addresses: [String]) async throws -> (any Store, TicketID) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-flush-\(UUID().uuidString)")
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        try await store.addOperator(Operator(login: "zhang.wei", name: "张伟", role: .desk))
        let desk = Desk(store: store, clock: FixedClock(t0))
        let ticket = try await desk.open(TicketDraft(title: "核心数据库宕机", caller: Caller(name: "王小明"), priority: .major), as: "zhang.wei")
        let messages = addresses.map {
            OutboxMessage(ticket: ticket.id, priority: .major, level: 1, recipientRole: .incidentManager, address: $0,
                          via: .email, subject: "[重大] \(ticket.id)", body: "body", createdAt: t0)
        }
        let step = FiredStep(ticket: ticket.id, priority: .major, level: 1, dueAt: t0, firedAt: t0, firedBy: "test")
        _ = try await store.recordStep(step, messages: messages)
        return (store, ticket.id)
    }

    @Test func deliversEachMessageOnceEvenWithSeveralFlushers() async throws {
        let (store, _) = try await storeWithQueuedStep(addresses: ["im@desk.example", "ops@desk.example", "dir@desk.example"])
        let transport = CapturingTransport()
        let clock = StepClock(t0)
        let reports = await withTaskGroup(of: OutboxFlusher.Report.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    (try? await OutboxFlusher(store: store, transport: transport, from: "desk@x", clock: clock).flush()) ?? .init()
                }
            }
            return await group.reduce(into: [OutboxFlusher.Report]()) { $0.append($1) }
        }
        #expect(reports.flatMap(\.delivered).count == 3)
        let sent = await transport.sent
        #expect(Set(sent.map(\.to)) == ["im@desk.example", "ops@desk.example", "dir@desk.example"])
        #expect(Set(sent.map(\.messageID)).count == 3)
        let again = try await OutboxFlusher(store: store, transport: transport, from: "desk@x", clock: clock).flush()
        #expect(again.delivered.isEmpty && again.failed.isEmpty)
    }

    @Test func aFailureStaysQueuedWithItsErrorAndIsRetriedWithBackOff() async throws {
        let (store, ticket) = try await storeWithQueuedStep(addresses: ["im@desk.example"])
        let transport = CapturingTransport(failNext: 2)
        let clock = StepClock(t0)
        let flusher = OutboxFlusher(store: store, transport: transport, from: "desk@x", clock: clock)
        let first = try await flusher.flush()
        #expect(first.failed.first?.error == "relay refused")
        #expect(first.failed.first?.retryAt == t0.addingTimeInterval(60))
        clock.advance(30)
        #expect(try await flusher.flush().failed.isEmpty)
        clock.advance(30)
        #expect(try await flusher.flush().failed.first?.retryAt == t0.addingTimeInterval(60 + 120))
        clock.advance(120)
        #expect(try await flusher.flush().delivered.count == 1)
        let row = try #require(try await store.outbox(of: ticket).first)
        #expect(row.attempts == 3 && row.deliveredAt != nil && row.lastError == nil)
        #expect(await transport.sent.count == 1)
    }

    @Test func aRoleWithoutAnAddressIsReportedNotDropped() async throws {
        let (store, ticket) = try await storeWithQueuedStep(addresses: [""])
        let report = try await OutboxFlusher(store: store, transport: CapturingTransport(), from: "desk@x", clock: FixedClock(t0)).flush()
        #expect(report.failed.first?.error.contains("[notify.roles]") == true)
        #expect(try await store.outbox(of: ticket).first?.deliveredAt == nil)
    }

    @Test func backOffDoublesUpToAnHour() {
        #expect(OutboxFlusher.backoff(afterAttempts: 1) == 60)
        #expect(OutboxFlusher.backoff(afterAttempts: 3) == 240)
        #expect(OutboxFlusher.backoff(afterAttempts: 50) == 3600)
    }
}
