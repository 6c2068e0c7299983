import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore
import PostgresNIO

/// KPI summaries on every backend: written with every ticket write, used by reports only where
/// they hold, made afresh where they do not; the report always equal to the full replay.
@Suite("Store contract: KPI summaries")
struct KPISummaryContractTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static let newYork = TimeZone(identifier: "America/New_York") ?? .gmt
    static let vendor = Operator(login: "ext.vendor", name: "Vendor engineer", role: .l2)

    static let periods: [ReportPeriod] = [
        (ReportPeriod.Kind.week, "2026-W48", shanghai), (.week, "2026-W49", shanghai), (.month, "2026-10", shanghai),
        (.month, "2026-11", shanghai), (.month, "2026-12", shanghai), (.quarter, "2026-Q4", shanghai), (.year, "2026", shanghai),
        (.month, "2026-11", newYork), (.month, "2026-12", .gmt),
    ].compactMap { ReportPeriod(kind: $0.0, label: $0.1, timeZone: $0.2) }

    /// Reports made at these instants, through summaries and by replaying everything, are equal.
    /// Returns how many incidents came from summaries and were replayed, over all of them.
    @discardableResult
    func expectSameReports(_ desk: Desk, at instants: [Date], periods: [ReportPeriod] = periods,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws -> ReportLoader.Statistics {
        var total = ReportLoader.Statistics()
        for now in instants {
            let asked = Desk(store: desk.store, clock: FixedClock(now), policy: desk.policy)
            for period in periods {
                let (report, statistics) = try await ReportLoader(desk: asked).reportWithStatistics(for: period)
                let replayed = try await ReportLoader(desk: asked).replayedReport(for: period)
                let differences = report.differences(from: replayed)
                #expect(differences == [], "\(period) in \(period.timeZone.identifier) at \(ISO8601.format(now))", sourceLocation: sourceLocation)
                if differences.isEmpty { #expect(report == replayed, sourceLocation: sourceLocation) }
                total.summarised += statistics.summarised
                total.replayed += statistics.replayed
            }
        }
        return total
    }

    /// A desk around the end of November 2026 (t0 is Sunday 29 November, 10:00 in Shanghai):
    /// incidents of every kind, written through the desk, one inserted and one imported.
    func busyDesk(_ backend: Backend) async throws -> (Desk, ManualClock) {
        let (desk, clock) = try await staffedDesk(backend)
        let d = People.desk.login, l1 = People.l1.login, l2 = People.l2.login, im = People.im.login
        // Resolved at first contact and closed with a 5.
        let first = try await desk.open(sampleDraft("VPN 断线"), as: d)
        clock.advance(600)
        try await desk.perform(.resolve(note: "reset"), on: first.id, as: d)
        clock.advance(3600)
        try await desk.perform(.close(.rated(score: 5, comment: nil)), on: first.id, as: d)
        // Through both lines, the incident manager and a problem; a signed sheet; rated 4.
        let deep = try await desk.open(sampleDraft("核心交换机端口 down"), as: d)
        clock.advance(300)
        try await desk.perform(.escalate(to: .l1, note: nil), on: deep.id, as: d)
        try await desk.perform(.take, on: deep.id, as: l1)
        try await desk.perform(.printSheet, on: deep.id, as: l1)
        clock.advance(600)
        try await desk.perform(.escalate(to: .l2, note: "需要二线"), on: deep.id, as: l1)
        try await desk.perform(.note("following it"), on: deep.id, as: im)
        _ = try await desk.raiseProblem(title: "交换机端口反复 down", linking: [deep.id], as: im)
        clock.advance(5 * 3600)
        try await desk.perform(.take, on: deep.id, as: l2)
        try await desk.perform(.resolve(note: "replaced the module"), on: deep.id, as: l2)
        try await desk.perform(.signSheet, on: deep.id, as: d)
        try await desk.perform(.close(.rated(score: 4, comment: nil)), on: deep.id, as: d)
        // Waiting on the customer, resolved, reopened, resolved again; closed in December, unreachable.
        let paused = try await desk.open(sampleDraft("打印机卡纸"), as: d)
        try await desk.perform(.pend(.customer), on: paused.id, as: d)
        clock.advance(3 * 3600)
        try await desk.perform(.resume, on: paused.id, as: d)
        try await desk.perform(.resolve(note: "ok"), on: paused.id, as: d)
        clock.advance(3600)
        try await desk.perform(.reopen(note: "back"), on: paused.id, as: d)
        // Still open, never answered (mail).
        var mail = sampleDraft("邮件无法发送")
        mail.channel = .email
        _ = try await desk.open(mail, as: d)
        // Still open, in L1, watched by the incident manager: breached in the night.
        let open = try await desk.open(sampleDraft("Outlook 日历不同步"), as: d)
        try await desk.perform(.escalate(to: .l1, note: nil), on: open.id, as: d)
        try await desk.perform(.take, on: open.id, as: l1)
        try await desk.perform(.note("watching"), on: open.id, as: im)
        // Raised to major: the ladder fires at once, by phone.
        let major = try await desk.open(sampleDraft("核心数据库连接池耗尽"), as: d)
        clock.advance(600)
        try await desk.perform(.changePriority(.major), on: major.id, as: d)
        let sweep = EscalationSweep(desk: desk, directory: RecipientDirectory(addresses: [.incidentManager: ["im@desk.example"]]),
                                    firedBy: "test", timeZone: Self.shanghai)
        _ = try await sweep.run()
        if let call = try await desk.store.pendingCalls().first { _ = try await desk.store.confirmCall(call.id, by: d, at: clock.now()) }
        // Into December: the paused one is resolved again and closed; the major one resolved.
        clock.advance(2 * 86_400)
        try await desk.perform(.resolve(note: "second"), on: paused.id, as: d)
        try await desk.perform(.close(.unreachable), on: paused.id, as: d)
        try await desk.perform(.resolve(note: "failover"), on: major.id, as: d)
        // History inserted whole (opened in October, resolved in November) and one imported
        // from another tool, with an engineer who is not an operator here.
        try await insertHistory(into: desk)
        try await importHistory(into: desk)
        // Writes leave their incidents' summaries to the sweep: one more pass makes those the
        // writes since its last run left (histories inserted whole bring theirs).
        let awaiting = try await desk.store.ticketsAwaitingSummary(after: 0, limit: 100)
        #expect(!awaiting.isEmpty && awaiting.allSatisfy { $0 <= 6 })
        #expect(try await sweep.run().summarised == awaiting.count)
        #expect(try await desk.store.ticketsAwaitingSummary(after: 0, limit: 100).isEmpty)
        return (desk, clock)
    }

    func history(_ actions: [(TimeInterval, TicketAction, Operator)], opened: Date, source: String? = nil) throws -> TicketHistory {
        var outcome = try Workflow.open(sampleDraft("Shared drive full"), id: TicketID(1), by: People.desk, at: opened)
        outcome.ticket.source = source
        var events = [outcome.event]
        for (after, action, actor) in actions {
            outcome = try Workflow.apply(action, to: outcome.ticket, by: actor, at: opened.addingTimeInterval(after))
            events.append(outcome.event)
        }
        return TicketHistory(ticket: outcome.ticket, events: events)
    }

    func insertHistory(into desk: Desk) async throws {
        let history = try history([(600, .escalate(to: .l1, note: nil), People.desk), (900, .take, People.l1),
                                   (3 * 86_400, .resolve(note: "freed space"), People.l1)],
                                  opened: t0.addingTimeInterval(-31 * 86_400))
        _ = try await desk.insert([history])
    }

    func importHistory(into desk: Desk) async throws {
        let history = try history([(600, .escalate(to: .l1, note: nil), People.desk), (900, .take, People.l1),
                                   (1200, .escalate(to: .vendor, note: nil), People.l1), (3600, .note("on site"), Self.vendor),
                                   (7200, .resolve(note: "vendor fix"), People.l1),
                                   (9000, .close(.rated(score: 3, comment: nil)), People.desk)],
                                  opened: t0.addingTimeInterval(-5 * 86_400), source: "test:INC-1")
        _ = try await desk.importHistories([history])
    }

    static let instants = [t0.addingTimeInterval(3600), t0.addingTimeInterval(86_400), t0.addingTimeInterval(2 * 86_400 + 7200),
                           t0.addingTimeInterval(10 * 86_400), t0.addingTimeInterval(60 * 86_400)]

    @Test(arguments: Backend.available)
    func everyWriteKeepsASummaryAndReportsEqualTheReplay(_ backend: Backend) async throws {
        let (desk, _) = try await busyDesk(backend)
        let states = try await desk.store.kpiSummaryStates(after: 0, limit: 100)
        #expect(states.count == 8 && states.allSatisfy(\.isSummarised), "every ticket written through the desk is summarised by the sweep")
        #expect(states.allSatisfy { $0.policy == KPISummary.hash(desk.policy.fingerprint) })
        let statistics = try await expectSameReports(desk, at: Self.instants)
        #expect(statistics.summarised > statistics.replayed, "most incidents came from their summaries")
        let december = try #require(ReportPeriod(kind: .year, label: "2026", timeZone: Self.shanghai))
        let late = Desk(store: desk.store, clock: FixedClock(t0.addingTimeInterval(60 * 86_400)), policy: desk.policy)
        let (report, made) = try await ReportLoader(desk: late).reportWithStatistics(for: december)
        #expect(made.replayed == 0 && made.summarised == 8, "a year containing everything replays nothing")
        #expect(report.value(.deskRequestsTaken, "desk") == 8 && report.figure(.deskPhoneCallsConfirmed, "desk")?.numerator == 1)
        #expect(report.value(.backlog, "all") == 2 && report.value(.lineSheetsSigned, "l1") == 1)
    }

    @Test(arguments: Backend.available)
    func aWriteWithoutASummaryIsReplayedUntilOneIsMade(_ backend: Backend) async throws {
        let (desk, clock) = try await busyDesk(backend)
        let late = [t0.addingTimeInterval(60 * 86_400)]
        let before = try await expectSameReports(desk, at: late)
        // Written without a summary (as every write is, for the sweep to make): the triggers mark it.
        let ticket = try #require(try await desk.store.ticket(TicketID(1)))
        let outcome = try Workflow.apply(.note("by hand"), to: ticket, by: People.desk, at: clock.now())
        _ = try await desk.store.updateTicket(outcome.ticket, event: outcome.event)
        #expect(try await desk.store.kpiSummaryStates(after: 0, limit: 1).first?.isSummarised == false)
        let marked = try await expectSameReports(desk, at: late)
        #expect(marked.replayed > before.replayed && marked.summarised < before.summarised)
        #expect(try await desk.refreshKPISummaries() == 1)
        #expect(try await desk.refreshKPISummaries() == 0, "nothing left to make")
        // Its span now reaches December (the note), so it crosses November's end: compare with
        // the marked state, where it was replayed everywhere.
        #expect(try await expectSameReports(desk, at: late).replayed < marked.replayed)
        // A ticket inserted without one, and an event appended after a summarised write, too.
        _ = try await desk.store.insertHistories([try history([], opened: t0)])
        let states = try await desk.store.kpiSummaryStates(after: 0, limit: 100)
        #expect(states.filter { !$0.isSummarised }.map(\.ticket) == [9])
    }

    @Test(arguments: Backend.available)
    func aChangedRoleOrPolicyIsReplayedAndMadeAfresh(_ backend: Backend) async throws {
        let (desk, _) = try await busyDesk(backend)
        // The vendor's engineer of the imported history becomes an operator of this desk.
        try await desk.store.addOperator(Self.vendor)
        let year = [ReportPeriod(kind: .year, label: "2026", timeZone: Self.shanghai)].compactMap { $0 }
        let late = t0.addingTimeInterval(60 * 86_400)
        let changed = try await expectSameReports(desk, at: Self.instants)
        #expect(changed.replayed > 0)
        #expect(try await expectSameReports(desk, at: [late], periods: year).replayed == 1, "only the incident the engineer worked on")
        #expect(try await desk.refreshKPISummaries() == 1)
        #expect(try await expectSameReports(desk, at: [late], periods: year).replayed == 0)
        // Another policy: every summary is stale for it until made afresh under it.
        let office = try WorkingCalendar(timeZone: Self.shanghai, hours: ["09:00-12:00", "13:30-18:00"], days: ["mon", "tue", "wed", "thu", "fri"])
        let policy = try SLAPolicy(timeZone: Self.shanghai, calendars: ["office": office],
                                   priorities: [.general: PriorityPolicy(calendar: "office", respondWithin: 1800, resolveWithin: 4 * 3600, escalation: [])])
        let strict = Desk(store: desk.store, clock: desk.clock, policy: policy)
        let stale = try await expectSameReports(strict, at: [late], periods: year)
        #expect(stale.replayed == 8 && stale.summarised == 0)
        #expect(try await strict.refreshKPISummaries() == 8)
        #expect(try await expectSameReports(strict, at: [late], periods: year).replayed == 0)
        // And the duty table's reports are exact meanwhile.
        try await expectSameReports(desk, at: [late])
    }

    @Test(arguments: Backend.available)
    func incidentsFromLongBeforeThePeriodCountOnlyWhereTheyShould(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let july = t0.addingTimeInterval(-140 * 86_400)
        // Closed within days in July: in no later report, and not even read for one.
        _ = try await desk.insert([try history([(3600, .resolve(note: "ok"), People.desk), (7200, .close(.unreachable), People.desk)], opened: july)])
        // Open since July: in every later backlog.
        _ = try await desk.insert([try history([(600, .escalate(to: .l1, note: nil), People.desk)], opened: july)])
        // Worked from July into December: crosses the start of December's reports.
        _ = try await desk.insert([try history([(600, .escalate(to: .l1, note: nil), People.desk), (900, .take, People.l1),
                                               (144 * 86_400, .resolve(note: "at last"), People.l1)], opened: july)])
        // Written in July without a summary.
        _ = try await desk.store.insertHistories([try history([(600, .resolve(note: "ok"), People.desk)], opened: july)])
        let statistics = try await expectSameReports(desk, at: Self.instants)
        #expect(statistics.summarised > 0 && statistics.replayed > 0)
        let december = try #require(ReportPeriod(kind: .month, label: "2026-12", timeZone: Self.shanghai))
        let late = Desk(store: desk.store, clock: FixedClock(t0.addingTimeInterval(60 * 86_400)), policy: desk.policy)
        let (report, made) = try await ReportLoader(desk: late).reportWithStatistics(for: december)
        #expect(made == ReportLoader.Statistics(summarised: 1, replayed: 2), "the open one from its summary; the crossing and the unsummarised replayed")
        #expect(report.value(.backlog, "all") == 1 && report.value(.lineResolvedDirectly, "l1") == 1)
    }

    @Test(arguments: Backend.available)
    func aScanReplaysTheIncidentsOfTheSignaturesItRefuses(_ backend: Backend) async throws {
        let (desk, _) = try await busyDesk(backend)
        let year = try #require(ReportPeriod(kind: .year, label: "2026", timeZone: Self.shanghai))
        let window = KPIWindow(start: year.interval.start, end: year.interval.end)
        let all = try await desk.store.kpiSummaryScan(window) { _ in true }
        #expect(Set(all.texts.keys) == Set(all.groups.keys) && !all.groups.isEmpty)
        #expect(all.texts.allSatisfy { KPISummary.hash($0.value) == $0.key })
        let none = try await desk.store.kpiSummaryScan(window) { _ in false }
        #expect(none.groups.isEmpty && none.texts.isEmpty)
        #expect(none.replay.count == all.replay.count + all.groups.values.reduce(0) { $0 + $1.count })
        #expect(none.replay == none.replay.sorted() && Set(none.replay).count == none.replay.count)
    }

    /// Puts `text` under `hash` in the store's texts, as another summary might have.
    func plant(_ text: String, under hash: Int64, in store: any Store) async throws {
        if let sqlite = store as? SQLiteStore {
            try await sqlite.pool.write { db in try db.execute(sql: "INSERT INTO kpi_texts (hash, text) VALUES (?, ?)", arguments: [hash, text]) }
        } else if let postgres = store as? PostgresStore {
            try await postgres.write { session in
                try await session.run(PG.query { b in "INSERT INTO kpi_texts (hash, text) VALUES (\(b.int(hash)), \(b.text(text)))" })
            }
        }
    }

    @Test(arguments: Backend.available)
    func aSummaryWhoseTextCollidesWithAnotherIsNotWritten(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        // Another text holds the hash the policy's fingerprint would take.
        try await plant("not the policy", under: KPISummary.hash(desk.policy.fingerprint), in: desk.store)
        let ticket = try await desk.open(sampleDraft(), as: People.desk.login)
        clock.advance(600)
        let resolved = try await desk.perform(.resolve(note: "ok"), on: ticket.id, as: People.desk.login).ticket
        #expect(try await desk.store.kpiSummaryStates(after: 0, limit: 1).first?.isSummarised == false, "the mark stays")
        #expect(try await expectSameReports(desk, at: [clock.now()]).summarised == 0)
        #expect(try await desk.refreshKPISummaries() == 0)
        // Under another policy the summary is written; a stale version is refused.
        let other = Desk(store: desk.store, clock: desk.clock, policy: .dutyTable(timeZone: Self.newYork))
        let events = try await desk.store.events(of: ticket.id)
        var summary = other.kpiSummary(resolved, events: events, roles: [People.desk.login: .desk])
        summary.policy += "\n# another policy"
        #expect(try await desk.store.setKPISummaries([KPISummaryWrite(ticket: ticket.id, version: resolved.version - 1, summary: summary)]) == 0)
        #expect(try await desk.store.setKPISummaries([KPISummaryWrite(ticket: ticket.id, version: resolved.version, summary: summary)]) == 1)
        #expect(try await desk.store.kpiSummaryStates(after: 0, limit: 1).first?.isSummarised == true)
        let hash = KPISummary.hash(summary.pieces[0].signature)
        #expect(try await desk.store.kpiTexts([hash])[hash] == summary.pieces[0].signature)
    }
}

/// Schema v7 on a desk from before it, on every backend: every incident gets the mark (reports
/// replay it, exactly as before), and `refreshKPISummaries` (run by `shiftdesk migrate`) makes
/// the summaries. The later migrations stay applied, as on a desk that met v8 first.
@Suite("Store contract: KPI summaries on an upgraded desk")
struct KPISummaryMigrationTests {
    /// Takes v7 out of the desk's database (what it added dropped, its migration forgotten), then
    /// opens it again: v7 runs on a desk with history.
    func withoutV7(_ store: any Store) async throws -> any Store {
        if let sqlite = store as? SQLiteStore {
            try await sqlite.pool.write { db in
                try db.execute(sql: """
                    DROP TRIGGER kpi_summaries_new_ticket; DROP TRIGGER kpi_summaries_changed_ticket; DROP TRIGGER kpi_summaries_new_event;
                    DROP TABLE kpi_summaries; DROP TABLE kpi_texts; DROP INDEX escalation_steps_by_due; DROP INDEX outbox_calls_by_time;
                    DELETE FROM grdb_migrations WHERE identifier = 'v7: KPI summaries';
                    """)
            }
            return try SQLiteStore(path: sqlite.path, create: false)
        }
        let postgres = try #require(store as? PostgresStore)
        try await postgres.write { session in
            for statement in ["DROP TABLE kpi_summaries", "DROP TABLE kpi_texts", "DROP FUNCTION shiftdesk_kpi_ticket_written() CASCADE",
                              "DROP FUNCTION shiftdesk_kpi_event_written() CASCADE", "DROP FUNCTION shiftdesk_kpi_unsummarise(bigint)",
                              "DROP INDEX escalation_steps_by_due", "DROP INDEX outbox_calls_by_time",
                              "DELETE FROM schema_migrations WHERE version = 7"] {
                try await session.run(PostgresQuery(unsafeSQL: statement))
            }
        }
        await postgres.close()
        let upgraded = try PostgresStore(location: postgres.location, create: false)
        #expect(try await upgraded.ready() == PostgresSchema.latestVersion)
        return upgraded
    }

    @Test(arguments: Backend.available)
    func anUpgradedDeskIsReplayedUntilSummarised(_ backend: Backend) async throws {
        let contract = KPISummaryContractTests()
        let (busy, _) = try await contract.busyDesk(backend)
        let store = try await withoutV7(busy.store)
        if let sqlite = store as? SQLiteStore { #expect(try await sqlite.schemaVersion() == PostgresSchema.latestVersion) }
        let desk = Desk(store: store, clock: busy.clock, policy: busy.policy)
        let states = try await store.kpiSummaryStates(after: 0, limit: 100)
        #expect(states.count == 8 && states.allSatisfy { !$0.isSummarised }, "every incident has the mark")
        #expect(try await contract.expectSameReports(desk, at: KPISummaryContractTests.instants).summarised == 0)
        #expect(try await desk.refreshKPISummaries(batch: 3) == 8)
        let year = [ReportPeriod(kind: .year, label: "2026", timeZone: KPISummaryContractTests.shanghai)].compactMap { $0 }
        #expect(try await contract.expectSameReports(desk, at: [t0.addingTimeInterval(60 * 86_400)], periods: year).replayed == 0)
        try await contract.expectSameReports(desk, at: KPISummaryContractTests.instants)
        if let postgres = store as? PostgresStore { await postgres.close() }
    }
}
