import Crypto
import Foundation
import ShiftDeskCore

/// Delivers the reports the duty table names (ROLES.md, incident manager 5–8): builds the report
/// of a period (``ReportLoader``), records the delivery with the digest of its figures and queues
/// its mail, in one transaction (``Store/recordDelivery(_:firstOnly:message:)``). The sweep
/// delivers what falls due once, however many escalators and consoles run it at the same moment;
/// `report deliver` delivers by hand, again as a correction.
public struct ReportDeliverer: Sendable {
    public let desk: Desk
    /// `[notify.roles]`: recorded with the delivery (the mail is addressed when it is sent).
    public let directory: RecipientDirectory
    public let timeZone: TimeZone
    /// What the mail carries besides the figures: the policy versions in force (set by the caller).
    public var policyVersions: (@Sendable (ReportPeriod) async -> ReportPolicyVersions?)?

    public init(desk: Desk, directory: RecipientDirectory, timeZone: TimeZone) {
        self.desk = desk
        self.directory = directory
        self.timeZone = timeZone
    }

    /// SHA-256 (hex) of the figures' canonical text.
    public static func digest(_ figures: DeliveredFigures) -> String {
        SHA256.hash(data: Data(figures.text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Delivers `report` of `period` as `by`. With `firstOnly` (the sweep) nothing is written when
    /// the period's report was already delivered, and nil is returned; otherwise a delivery again
    /// is a correction, its mail saying what changed since the previous one.
    /// With `unlessUnchanged` (by hand, when not asked for one report in particular) a report whose
    /// figures are those of its last delivery is not sent again: nil is returned.
    public func deliver(_ report: ReportDelivery.Report, period: ReportPeriod, by: String,
                        firstOnly: Bool, unlessUnchanged: Bool = false) async throws(StoreError) -> ReportDelivery? {
        let store = desk.store
        if firstOnly, try await store.reportDeliveries(kind: period.kind, period: period.label).contains(where: { $0.report == report }) {
            return nil
        }
        var figures = try await ReportLoader(desk: desk).report(for: period)
        if let policyVersions { figures.policyVersions = await policyVersions(period) }
        if report == .workload {
            // The workload report compares with its own last delivery, not the incident report's.
            let latest = try await store.reportDeliveries(kind: period.kind, period: period.label)
                .filter { $0.report == .workload }.max { $0.sequence < $1.sequence }
            figures.sinceDelivery = latest.map { DeliveryComparison(delivery: $0, now: DeliveredFigures(workload: figures)) }
        }
        let delivered = report == .incidents ? DeliveredFigures(incidents: figures) : DeliveredFigures(workload: figures)
        if unlessUnchanged, let previous = figures.sinceDelivery?.delivery, previous.report == report, previous.figures == delivered { return nil }
        let record = ReportDelivery(report: report, kind: period.kind, period: period.label, at: desk.clock.now(), by: by,
                                    recipients: desk.roster(or: directory).addresses[report.role] ?? [], digest: Self.digest(delivered), figures: delivered)
        let deskName = desk.name, language = desk.customerLanguage
        let carried = figures
        return try await store.recordDelivery(record, firstOnly: firstOnly) { stored in
            ReportMail.compose(stored, report: carried, deskName: deskName, language: language)
        }
    }

    /// The reports owed at the desk's clock (``ReportSchedule/owed(now:timeZone:historySince:)``)
    /// and not yet delivered, delivered now, once: what the sweep does after the escalation steps.
    public func deliverOwed(by: String) async throws(StoreError) -> [ReportDelivery] {
        let store = desk.store
        let now = desk.clock.now()
        guard let since = try await store.earliestOpening() else { return [] }
        let owed = ReportSchedule.owed(now: now, timeZone: timeZone, historySince: since)
        guard !owed.isEmpty else { return [] }
        let delivered = Set(try await store.reportDeliveries(kind: nil, period: nil).filter { $0.sequence == 0 }
            .map { OwedReport.key(report: $0.report, kind: $0.kind, period: $0.period) })
        var done: [ReportDelivery] = []
        for item in owed where !delivered.contains(item.key) {
            if let delivery = try await deliver(item.report, period: item.period, by: by, firstOnly: true) { done.append(delivery) }
        }
        return done
    }

    /// The keys (``OwedReport/key``) of every report delivered at least once.
    public func deliveredKeys() async throws(StoreError) -> Set<String> {
        Set(try await desk.store.reportDeliveries(kind: nil, period: nil).map { OwedReport.key(report: $0.report, kind: $0.kind, period: $0.period) })
    }
}
