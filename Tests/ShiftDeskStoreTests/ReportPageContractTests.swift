import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// Reading the desk page by page for reports, on every backend, and the paged report equal to
/// the report over the whole record in memory.
@Suite("Store contract: report pages")
struct ReportPageContractTests {
    @Test(arguments: Backend.available)
    func pagesCoverEveryIncidentOnceWithItsEventsBeforeTheCutOff(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        var ids: [TicketID] = []
        for n in 0..<7 {
            let ticket = try await desk.open(sampleDraft("打印机卡纸 \(n)"), as: People.desk.login)
            ids.append(ticket.id)
            clock.advance(60)
            try await desk.perform(.note("n\(n)"), on: ticket.id, as: People.desk.login)
            clock.advance(60)
        }
        let cutOff = t0.addingTimeInterval(60 * 7)  // after the 4th incident's opening, before its note
        var seen: [TicketID] = []
        var after: Int64 = 0
        while true {
            let page = try await desk.store.reportPage(after: after, limit: 3, until: cutOff)
            guard let last = page.last else { break }
            #expect(page.count <= 3)
            for item in page {
                seen.append(item.ticket.id)
                #expect(item.events.allSatisfy { $0.at < cutOff && $0.ticket == item.ticket.id })
                #expect(item.events == item.events.sorted { $0.id < $1.id })
            }
            after = last.ticket.id.number
        }
        #expect(seen == ids)
        let page = try await desk.store.reportPage(after: 0, limit: 10, until: cutOff)
        #expect(page.map(\.events.count) == [2, 2, 2, 1, 0, 0, 0])
        #expect(try await desk.store.reportPage(after: ids.last?.number ?? 0, limit: 10, until: cutOff).isEmpty)
    }

    @Test(arguments: Backend.available)
    func thePagedReportIsTheReportOverTheWholeRecord(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        for n in 0..<12 {
            let ticket = try await desk.open(sampleDraft("VPN 断线 \(n)"), as: People.desk.login)
            clock.advance(600)
            if n % 3 == 0 {
                try await desk.perform(.resolve(note: "ok"), on: ticket.id, as: People.desk.login)
            } else if n % 3 == 1 {
                try await desk.perform(.escalate(to: .l1, note: nil), on: ticket.id, as: People.desk.login)
                clock.advance(300)
                try await desk.perform(.take, on: ticket.id, as: People.l1.login)
                clock.advance(5 * 3600)
                try await desk.perform(.resolve(note: "late"), on: ticket.id, as: People.l1.login)
                try await desk.perform(.close(.rated(score: 4, comment: nil)), on: ticket.id, as: People.desk.login)
            }
            clock.advance(1800)
        }
        let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let month = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: zone))
        let paged = try await ReportLoader(desk: desk).report(for: month)
        let events = try await desk.store.events(from: .distantPast, to: .distantFuture)
        let whole = KPIReport(period: month, input: ReportInput(
            tickets: try await desk.store.tickets(.all), events: events, operators: try await desk.store.operators(), handovers: [],
            policy: desk.policy, now: clock.now()))
        #expect(paged.figures == whole.figures)
        #expect(paged.workload == whole.workload && paged.tierWorkload == whole.tierWorkload)
        #expect(paged.value(.deskRequestsTaken, "desk") == 12)
        #expect(paged.value(.linePastSLA, "l1") == 4)
    }
}
