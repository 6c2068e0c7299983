import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// Issue 16 on every backend: report deliveries recorded once however many sweeps race, with
/// their mail queued in the same transaction; corrections take the next sequence; the mail
/// keeps its parts; a delivered period's report says what changed since.
@Suite("Store contract: report deliveries")
struct ReportDeliveryContractTests {
    static let utc = TimeZone(identifier: "UTC") ?? .gmt
    let directory = RecipientDirectory(addresses: [.serviceReportManager: ["srm@desk.example"], .managementOwner: ["owner@desk.example"]])

    /// A desk with November's work, its clock on 1 December 00:00:05 UTC.
    func novemberDesk(_ backend: Backend) async throws -> (Desk, ManualClock) {
        let (staffed, _) = try await staffedDesk(backend)
        let clock = ManualClock(ISO8601.parse("2026-11-10T02:00:00Z", defaultZone: Self.utc) ?? t0)
        let desk = Desk(store: staffed.store, clock: clock, policy: .dutyTable(timeZone: Self.utc))
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
        clock.advance(300)
        try await desk.perform(.escalate(to: .l1, note: nil), on: ticket.id, as: "zhang.wei")
        clock.advance(300)
        try await desk.perform(.take, on: ticket.id, as: "wang.fang")
        clock.advance(3600)
        try await desk.perform(.resolve(note: "换了硒鼓", toldDesk: false), on: ticket.id, as: "wang.fang")
        clock.advance(ISO8601.parse("2026-12-01T00:00:05Z", defaultZone: Self.utc)!.timeIntervalSince(clock.now()))
        return (desk, clock)
    }

    @Test(arguments: Backend.available)
    func racingSweepsRecordAMonthsDeliveriesOnceWithTheirMail(_ backend: Backend) async throws {
        let (desk, clock) = try await novemberDesk(backend)
        #expect(try await desk.store.earliestOpening() == ISO8601.parse("2026-11-10T02:00:00Z", defaultZone: Self.utc))
        let sweeps = (0..<4).map { EscalationSweep(desk: desk, directory: directory, firedBy: "escalator@\($0)", timeZone: Self.utc) }
        let delivered = try await withThrowingTaskGroup(of: [ReportDelivery].self) { group in
            for sweep in sweeps { group.addTask { try await sweep.run().deliveries } }
            var all: [ReportDelivery] = []
            for try await some in group { all += some }
            return all
        }
        #expect(delivered.map(\.report).sorted { $0.rawValue < $1.rawValue } == [.incidents, .workload], "each report once")
        let stored = try await desk.store.reportDeliveries(kind: .month, period: "2026-11")
        #expect(stored.count == 2 && stored.allSatisfy { $0.sequence == 0 && $0.at == clock.now() && !$0.digest.isEmpty })
        #expect(stored.first { $0.report == .incidents }?.recipients == ["srm@desk.example"])
        // The mail of each, queued with it: to the role, addressed when sent, its parts kept.
        let mails = try await desk.store.claimMail(dueBy: clock.now(), leaseUntil: clock.now().addingTimeInterval(20), limit: 50)
            .filter { $0.delivery != nil }
        #expect(mails.count == 2)
        let report = try #require(mails.first { $0.kind == .report })
        #expect(report.recipientRole == .serviceReportManager && report.address.isEmpty && report.ticket == nil)
        #expect(report.parts.map(\.fileName) == ["", "incident-report-2026-11.csv", "incident-report-2026-11.json"])
        #expect(report.parts[1].content.contains("desk.requests_taken"))
        #expect(try await desk.store.deliveryMail(try #require(stored.first { $0.report == .incidents }).id)?.messageID == report.messageID)
        // Another sweep later delivers nothing again.
        clock.advance(3600)
        #expect(try await sweeps[0].run().deliveries.isEmpty)
    }

    @Test(arguments: Backend.available)
    func byHandAgainIsACorrectionAndABackfillShowsAsChanged(_ backend: Backend) async throws {
        let (desk, clock) = try await novemberDesk(backend)
        let deliverer = ReportDeliverer(desk: desk, directory: directory, timeZone: Self.utc)
        let november = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.utc))
        let first = try #require(try await deliverer.deliver(.incidents, period: november, by: "sun.li", firstOnly: false))
        #expect(first.sequence == 0)
        #expect(try await deliverer.deliver(.incidents, period: november, by: "escalator", firstOnly: true) == nil)
        // Unchanged: not sent again unless asked for.
        #expect(try await deliverer.deliver(.incidents, period: november, by: "sun.li", firstOnly: false, unlessUnchanged: true) == nil)
        var report = try await ReportLoader(desk: desk).report(for: november)
        #expect(report.sinceDelivery?.delivery.id == first.id && report.sinceDelivery?.changed == false)
        // A back-filled incident opened in November, recorded in December.
        var draft = sampleDraft("补录：邮件延迟")
        draft.backfilled = true
        draft.openedAt = ISO8601.parse("2026-11-25T03:00:00Z", defaultZone: Self.utc)
        clock.advance(86_400)
        _ = try await desk.open(draft, as: "sun.li")
        report = try await ReportLoader(desk: desk).report(for: november)
        let changes = try #require(report.sinceDelivery?.changes)
        #expect(changes.contains(FigureChange(key: "im.backfilled", scope: "im", before: "0", after: "1")))
        #expect(ReportRenderer(report: report, language: .en).markdown.contains("Changed since delivery"))
        let correction = try #require(try await deliverer.deliver(.incidents, period: november, by: "sun.li", firstOnly: false, unlessUnchanged: true))
        #expect(correction.sequence == 1 && correction.isCorrection && correction.digest != first.digest)
        #expect(correction.messageID == "report.incidents.month.2026-11.1@shiftdesk")
        let mail = try #require(try await desk.store.deliveryMail(correction.id))
        #expect(mail.subject.contains("更正 1") && mail.body.contains("补录事件数 [im]: 0 → 1"))
        // The report now compares with the correction; the deliveries are in order.
        #expect(try await ReportLoader(desk: desk).report(for: november).sinceDelivery?.changed == false)
        #expect(try await desk.store.reportDeliveries(kind: nil, period: "2026-11").map(\.sequence) == [0, 1])
        // The incident manager's figures: December holds one correction; November's report owed nothing yet.
        // The incident manager's figures for December, a second later: one correction; November's incident report on
        // time, its workload report never delivered and more than 24 h past the month's end: late.
        clock.advance(1)
        let december = try #require(ReportPeriod(kind: .month, label: "2026-12", timeZone: Self.utc))
        let now = try await ReportLoader(desk: desk).report(for: december)
        #expect(now.value(.imReportCorrections, "im") == 1)
        #expect(now.figure(.imReportsOnTime, "im")?.numerator == 1 && now.figure(.imReportsOnTime, "im")?.denominator == 2)
    }

    @Test(arguments: Backend.available)
    func deliveriesAreAppendOnly(_ backend: Backend) async throws {
        let (desk, _) = try await novemberDesk(backend)
        let deliverer = ReportDeliverer(desk: desk, directory: directory, timeZone: Self.utc)
        let november = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.utc))
        _ = try await deliverer.deliver(.workload, period: november, by: "sun.li", firstOnly: false)
        if let sqlite = desk.store as? SQLiteStore {
            await #expect(throws: (any Error).self) { try await sqlite.pool.write { try $0.execute(sql: "UPDATE report_deliveries SET digest = 'x'") } }
            await #expect(throws: (any Error).self) { try await sqlite.pool.write { try $0.execute(sql: "DELETE FROM report_deliveries") } }
        }
        #expect(try await desk.store.reportDeliveries(kind: .month, period: "2026-11").count == 1)
    }
}
