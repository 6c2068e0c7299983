import Foundation
import ShiftDeskCore

/// Reads what the incident manager's weekly review needs from the store.
public struct WeeklyReviewLoader: Sendable {
    public let desk: Desk

    public init(desk: Desk) { self.desk = desk }

    public func review(of week: ReportPeriod) async throws(StoreError) -> WeeklyReview {
        let store = desk.store
        let events = try await store.events(from: week.interval.start, to: week.interval.end)
        let logged = Set(events.filter { $0.kind == .opened || $0.kind == .imported }.map(\.ticket))
        let earliest = WeeklyReview.earliestNeeded(for: week)
        // Back-filled incidents may have opened long before they were logged this week.
        let tickets = try await store.tickets(.all).filter { ticket in
            (earliest <= ticket.openedAt && ticket.openedAt < week.interval.end) || logged.contains(ticket.id)
        }
        return WeeklyReview(week: week, tickets: tickets, events: events, problems: try await store.problems())
    }
}
