import Foundation
import ShiftDeskCore

/// Reads what a KPI report needs from the store. The CLI's `report` and the console's report
/// screens both go through here, so they show the same figures.
public struct ReportLoader: Sendable {
    public let desk: Desk

    public init(desk: Desk) { self.desk = desk }

    /// Incidents read per page: bounds the memory a report needs, whatever the desk's size.
    public static let pageSize = 5_000

    /// The report of `period`: the desk is read page by page and each incident added to the
    /// figures, so memory stays bounded by a page (and the per-incident durations kept for the
    /// medians), not by the desk's history.
    public func report(for period: ReportPeriod) async throws(StoreError) -> KPIReport {
        let store = desk.store
        let now = desk.clock.now()
        let end = min(period.interval.end, now)
        var accumulator = KPIAccumulator(period: period, operators: try await store.operators(), policy: desk.policy, now: now)
        var after: Int64 = 0
        while true {
            let page = try await store.reportPage(after: after, limit: Self.pageSize, until: end)
            guard let last = page.last else { break }
            for item in page { accumulator.add(item) }
            after = last.ticket.id.number
        }
        let handovers = try await store.handovers(from: period.interval.start, to: end, limit: 100_000)
        return accumulator.report(handovers: handovers)
    }

    /// The whole record up to the period's end in memory (for tests and the benchmark's
    /// comparison; reports go through ``report(for:)``).
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
