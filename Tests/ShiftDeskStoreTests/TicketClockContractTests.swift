import Foundation
import GRDB
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// A write plans from the clock kept beside the ticket (schema v22), not from the ticket's
/// history; the KPI summary it used to make from that history is the sweep's. On every backend.
@Suite("Store contract: the ticket's clock and the summaries the sweep makes")
struct TicketClockContractTests {
    @Test(arguments: Backend.available)
    func theClockKeptIsTheHistorysAndThePlanIsTheOneTheHistoryGives(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let ticket = try await workedTicket(desk, clock)
        let events = try await desk.store.events(of: ticket.id)
        #expect(ticket.clock == TicketClock(events: events))
        let fired = try await desk.store.firedSteps(of: ticket.id)
        let fromHistory = TicketSLA(ticket: ticket, events: events, policies: desk.policies, fired: fired, now: clock.now())
        #expect(ticket.plan == fromHistory.ticketPlan, "the plan stored at the write is the one the whole history gives")
        #expect(ticket.clock.stops.first?.reason == .customer)
    }

    @Test(arguments: Backend.available)
    func writesLeaveTheSummaryToTheSweepAndReportsReplayMeanwhile(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let ticket = try await workedTicket(desk, clock)
        #expect(try await desk.store.ticketsAwaitingSummary(after: 0, limit: 10) == [ticket.id.number])
        let window = KPIWindow(start: t0.addingTimeInterval(-86_400), end: t0.addingTimeInterval(86_400))
        let before = try await desk.store.kpiSummaryScan(window) { _ in true }
        #expect(before.replay == [ticket.id.number], "replayed while it waits")

        let sweep = EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: .gmt)
        let report = try await sweep.run()
        #expect(report.summarised == 1)
        #expect(try await desk.store.ticketsAwaitingSummary(after: 0, limit: 10).isEmpty)
        #expect(try await desk.refreshKPISummaries() == 0, "the sweep's summary is the one a refresh would make")
        let after = try await desk.store.kpiSummaryScan(window) { _ in true }
        #expect(after.replay.isEmpty)
        #expect(after.groups.values.map(\.count).reduce(0, +) == 1)

        clock.advance(60)
        try await desk.perform(.note("still on it", customerUpdate: false), on: ticket.id, as: "wang.fang")
        #expect(try await desk.store.ticketsAwaitingSummary(after: 0, limit: 10) == [ticket.id.number], "a write marks it again")
        #expect(try await desk.summariseAwaiting() == 1)
    }

    @Test(arguments: Backend.available)
    func theSweepSummarisesInBatchesAndSmallTransactionsUpToItsLimit(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        for index in 0..<45 {
            _ = try await desk.open(sampleDraft("call \(index)"), as: "zhang.wei")
            clock.advance(1)
        }
        #expect(try await desk.summariseAwaiting(batch: 30, limit: 40) == 40, "at most the limit per call")
        #expect(try await desk.store.ticketsAwaitingSummary(after: 0, limit: 100) == [41, 42, 43, 44, 45])
        #expect(try await desk.summariseAwaiting(batch: 30) == 5)
        #expect(try await desk.summariseAwaiting() == 0)
        #expect(try await desk.refreshKPISummaries() == 0)
    }

    @Test(arguments: Backend.available)
    func aDeskFromBeforeTheClockGetsItsTicketsClocksFromTheirHistories(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let worked = try await workedTicket(desk, clock)
        let plain = try await desk.open(sampleDraft("VPN 断线"), as: "zhang.wei")
        let reopened: any Store
        switch backend {
        case .sqlite:
            let store = try #require(desk.store as? SQLiteStore)
            try await store.pool.write { db in
                try db.execute(sql: """
                    DROP INDEX kpi_summaries_unsummarised;
                    ALTER TABLE tickets DROP COLUMN clock;
                    DELETE FROM grdb_migrations WHERE identifier LIKE 'v22:%';
                    """)
            }
            store.closeDatabase()
            reopened = try SQLiteStore(path: store.path, create: false)
        case .postgres:
            let store = try #require(desk.store as? PostgresStore)
            try await store.write { session in
                try await session.run("DROP INDEX kpi_summaries_unsummarised")
                try await session.run("ALTER TABLE tickets DROP COLUMN clock")
                try await session.run("DELETE FROM schema_migrations WHERE version = 22")
            }
            await store.close()
            let fresh = try PostgresStore(location: store.location, create: false)
            _ = try await fresh.ready()
            reopened = fresh
        }
        for id in [worked.id, plain.id] {
            let ticket = try #require(try await reopened.ticket(id))
            #expect(ticket.clock == TicketClock(events: try await reopened.events(of: id)))
        }
        #expect(try await reopened.ticket(worked.id)?.clock == worked.clock)
        if let postgres = reopened as? PostgresStore { await postgres.close() }
    }
}
