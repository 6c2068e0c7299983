import Foundation
import ShiftDeskCore

/// Reads what a KPI report needs from the store. The CLI's `report` and the console's report
/// screens both go through here, so they show the same figures.
public struct ReportLoader: Sendable {
    public let desk: Desk

    public init(desk: Desk) { self.desk = desk }

    public func report(for period: ReportPeriod) async throws(StoreError) -> KPIReport {
        KPIReport(period: period, input: try await input(for: period))
    }

    public func input(for period: ReportPeriod) async throws(StoreError) -> ReportInput {
        let store = desk.store
        let end = min(period.interval.end, desk.clock.now())
        let events = try await store.events(from: Date(timeIntervalSince1970: 0), to: end)
        let tickets = try await store.tickets(.all).filter { $0.openedAt < end }
        let active = Set(events.filter { period.contains($0.at) }.map(\.ticket))
        var fired: [TicketID: [FiredStep]] = [:]
        var calls: [TicketID: [OutboxMessage]] = [:]
        for ticket in tickets where active.contains(ticket.id) {
            let steps = try await store.firedSteps(of: ticket.id)
            guard !steps.isEmpty else { continue }
            fired[ticket.id] = steps
            calls[ticket.id] = try await store.outbox(of: ticket.id).filter { $0.via == .phone }
        }
        let handovers = try await store.handovers(from: period.interval.start, to: end, limit: 100_000)
        return ReportInput(tickets: tickets, events: events, operators: try await store.operators(), handovers: handovers,
                           firedSteps: fired, calls: calls, policy: desk.policy, now: desk.clock.now())
    }
}
