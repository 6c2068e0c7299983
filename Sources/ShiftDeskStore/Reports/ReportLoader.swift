import Foundation
import ShiftDeskCore

/// Reads what a KPI report needs from the store. The CLI's `report` and the console's report
/// screens both go through here, so they show the same figures.
public struct ReportLoader: Sendable {
    public let desk: Desk

    public init(desk: Desk) { self.desk = desk }

    /// Incidents read per page: bounds the memory a report needs, whatever the desk's size.
    public static let pageSize = 5_000

    /// How a report was made: incidents added from their summaries, and replayed from their events.
    public struct Statistics: Sendable, Hashable {
        public var summarised = 0
        public var replayed = 0

        public init(summarised: Int = 0, replayed: Int = 0) {
            self.summarised = summarised
            self.replayed = replayed
        }
    }

    /// The report of `period`. Incidents whose KPI summary holds for it (``KPISummary``: the
    /// span inside the period, the same policy and roles) are added from their summaries, grouped
    /// by the store; the others are read and replayed page by page, so memory stays bounded by a
    /// page and the per-incident durations the medians need. The figures are exactly those of
    /// ``replayedReport(for:)``.
    public func report(for period: ReportPeriod) async throws(StoreError) -> KPIReport {
        try await reportWithStatistics(for: period).report
    }

    public func reportWithStatistics(for period: ReportPeriod) async throws(StoreError) -> (report: KPIReport, statistics: Statistics) {
        let store = desk.store
        // The record the report is made from: its head, read first, is printed with the figures.
        let head = try await store.chainSnapshot().head
        var accumulator = KPIAccumulator(period: period, operators: try await store.operators(), policies: desk.policies, now: desk.clock.now())
        let window = accumulator.window
        // Texts are never changed once kept: whether this policy's is, holds for the scan too.
        let policyHash = KPISummary.hash(desk.policyFingerprint)
        let policyKnown = try await store.kpiTexts([policyHash])[policyHash] == desk.policyFingerprint
        let scan = try await store.kpiSummaryScan(window, accepting: accumulator.acceptance(policyKnown: policyKnown))
        if let unread = accumulator.addSummarised(scan).first { throw StoreError.corrupt("KPI signature \(unread) has no readable text") }
        let replay = scan.replay
        for start in stride(from: 0, to: replay.count, by: Self.pageSize) {
            let page = try await store.reportItems(Array(replay[start..<min(replay.count, start + Self.pageSize)]), until: window.end)
            for item in page { accumulator.addIncident(item) }
        }
        let statistics = Statistics(summarised: scan.groups.values.reduce(0) { $0 + $1.count } + scan.backlogOpenedAt.count,
                                    replayed: replay.count)
        accumulator.add(try await store.kpiEscalationFigures(window))
        let handovers = try await store.handovers(from: period.interval.start, to: window.end, limit: 100_000)
        accumulator.deliveries = try await deliveryRecord(period)
        var report = accumulator.report(handovers: handovers)
        try await addProblemFigures(&report, accumulator)
        report.chainHead = head
        report.sinceDelivery = try await comparison(report)
        report.policyVersions = ReportPolicyVersions.of(desk.policies, period: period, now: desk.clock.now())
        return (report, statistics)
    }

    /// The report of `period` with every incident replayed from its events, page by page (the
    /// way reports were made before summaries; for tests and the benchmark's comparison).
    public func replayedReport(for period: ReportPeriod) async throws(StoreError) -> KPIReport {
        let store = desk.store
        let now = desk.clock.now()
        let end = min(period.interval.end, now)
        let head = try await store.chainSnapshot().head
        var accumulator = KPIAccumulator(period: period, operators: try await store.operators(), policies: desk.policies, now: now)
        var after: Int64 = 0
        while true {
            let page = try await store.reportPage(after: after, limit: Self.pageSize, until: end)
            guard let last = page.last else { break }
            for item in page { accumulator.add(item) }
            after = last.ticket.id.number
        }
        let handovers = try await store.handovers(from: period.interval.start, to: end, limit: 100_000)
        accumulator.deliveries = try await deliveryRecord(period)
        var report = accumulator.report(handovers: handovers)
        try await addProblemFigures(&report, accumulator)
        report.chainHead = head
        report.sinceDelivery = try await comparison(report)
        report.policyVersions = ReportPolicyVersions.of(desk.policies, period: period, now: now)
        return report
    }

    /// What the incident manager's figures on deliveries are computed from.
    func deliveryRecord(_ period: ReportPeriod) async throws(StoreError) -> DeliveryRecord {
        DeliveryRecord(deliveries: try await desk.store.reportDeliveries(kind: nil, period: nil), within: desk.reportsWithin,
                       historySince: try await desk.store.earliestOpening(), timeZone: period.timeZone)
    }

    /// For a period whose incident-management report was delivered: the latest delivery and
    /// what moved since.
    func comparison(_ report: KPIReport) async throws(StoreError) -> DeliveryComparison? {
        guard ReportDelivery.kinds.contains(report.period.kind) else { return nil }
        let latest = try await desk.store.reportDeliveries(kind: report.period.kind, period: report.period.label)
            .filter { $0.report == .incidents }.max { $0.sequence < $1.sequence }
        return latest.map { DeliveryComparison(delivery: $0, now: DeliveredFigures(incidents: report)) }
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
        var input = ReportInput(tickets: tickets, events: events, operators: try await store.operators(), handovers: handovers,
                                firedSteps: fired, calls: calls, policy: desk.policy, now: desk.clock.now(),
                                policies: desk.policies)
        input.problems = try await store.problems()
        input.problemEvents = try await store.problemEvents(from: Date(timeIntervalSince1970: 0), to: end)
        return input
    }
}
