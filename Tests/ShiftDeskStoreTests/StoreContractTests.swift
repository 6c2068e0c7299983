import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// The contract every `Store` backend keeps. Runs once per backend.
@Suite("Store contract")
struct StoreContractTests {
    @Test(arguments: Backend.available)
    func operatorsAreAddedOnceAndFoundByLogin(_ backend: Backend) async throws {
        let store = try backend.makeStore()
        try await store.addOperator(People.desk)
        try await store.addOperator(People.l1)
        #expect(try await store.findOperator(login: "zhang.wei") == People.desk)
        #expect(try await store.findOperator(login: "nobody") == nil)
        #expect(try await store.operators().count == 2)
        await #expect(throws: StoreError.operatorExists("zhang.wei")) { try await store.addOperator(People.desk) }
    }

    @Test(arguments: Backend.available)
    func ticketsGetIncreasingNumbersAndRoundTripEveryField(_ backend: Backend) async throws {
        let store = try backend.makeStore()
        var ticket = Ticket(
            id: TicketID(99), title: "数据库 timeout", description: "多行\n描述", caller: Caller(name: "Emily", phone: "+86", department: "Sales"),
            channel: .walkIn, priority: .major, category: "DB", affectedService: "Oracle", state: .resolved, tier: .l2,
            assignee: "chen.jing", owner: "zhang.wei", openedAt: t0, firstResponseAt: t0.addingTimeInterval(60),
            resolvedAt: t0.addingTimeInterval(3600), closedAt: nil, resolutionNote: "restarted",
            satisfaction: .rated(score: 4, comment: "ok"), onSiteSheet: OnSiteSheet(printedAt: t0.addingTimeInterval(120)),
            problem: nil, backfilled: true, bypassedDesk: true, reopenCount: 2, source: "servicenow:INC001", version: 1)
        let event = TicketEvent(ticket: ticket.id, actor: "zhang.wei", at: t0, kind: .opened, changes: ticket.changes(since: nil), note: "n")
        let (first, storedEvent) = try await store.insertTicket(ticket, event: event)
        #expect(first.id == TicketID(1))
        #expect(storedEvent.id > 0 && storedEvent.ticket == first.id)
        ticket.id = first.id
        #expect(try await store.ticket(first.id) == ticket)
        var second = ticket
        second.source = nil
        second.satisfaction = .unreachable
        let (stored2, _) = try await store.insertTicket(second, event: event)
        #expect(stored2.id == TicketID(2))
        #expect(try await store.ticket(stored2.id)?.satisfaction == .unreachable)
        #expect(try await store.ticket(TicketID(3)) == nil)
        #expect(try await store.events(of: first.id) == [storedEvent])
    }

    @Test(arguments: Backend.available)
    func aWriteWithAStaleVersionIsRefusedNamingWhoChangedItAndWritesNothing(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        var draft = sampleDraft()
        draft.channel = .email
        let ticket = try await desk.open(draft, as: "zhang.wei")
        let escalated = try await desk.perform(.escalate(to: .l1, note: nil), on: ticket.id, as: "zhang.wei").ticket
        clock.advance(60)
        // Two L1 engineers read the same version; the first to write wins.
        let seenByRaj = escalated
        try await desk.perform(.take, on: escalated.id, as: "wang.fang")
        let eventsBefore = try await desk.store.events(of: ticket.id)
        let refusal: DeskError? = await {
            do {
                _ = try await desk.perform(.take, on: seenByRaj, by: People.l1b)
                return nil
            } catch let error as DeskError {
                return error
            } catch {
                return nil
            }
        }()
        guard case let .store(.conflict(id, changedBy, at, kind, current))? = refusal else {
            Issue.record("a stale write must be refused as a conflict, got \(String(describing: refusal))")
            return
        }
        #expect(id == ticket.id)
        #expect(changedBy == "王芳 (wang.fang)")
        #expect(at == clock.now())
        #expect(kind == .taken)
        #expect(current.assignee == "wang.fang")
        #expect(refusal?.message(.en).contains("王芳 (wang.fang)") == true)
        #expect(try await desk.store.events(of: ticket.id) == eventsBefore)
        #expect(try await desk.store.ticket(ticket.id)?.version == escalated.version + 1)
    }

    @Test(arguments: Backend.available)
    func everyChangeLeavesOneEventWithActorAndInstant(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
        let steps: [(TicketAction, String)] = [
            (.escalate(to: .l1, note: "现场"), "zhang.wei"), (.escalate(to: .l2, note: nil), "wang.fang"),
            (.resolve(note: "fixed"), "chen.jing"), (.close(.rated(score: 5, comment: nil)), "zhang.wei"),
        ]
        for (action, login) in steps {
            clock.advance(300)
            try await desk.perform(action, on: ticket.id, as: login)
        }
        let events = try await desk.store.events(of: ticket.id)
        #expect(events.map(\.kind) == [.opened, .escalated, .escalated, .resolved, .closed])
        #expect(events.map(\.actor) == ["zhang.wei", "zhang.wei", "wang.fang", "chen.jing", "zhang.wei"])
        #expect(events.map(\.at) == (0...4).map { t0.addingTimeInterval(Double($0) * 300) })
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.id < $1.id })
        let final = try #require(try await desk.store.ticket(ticket.id))
        #expect(final.state == .closed && final.version == 5)
    }

    @Test(arguments: Backend.available)
    func refusedActionsWriteNothing(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
        let before = try await desk.store.lastEventID()
        await #expect(throws: DeskError.refused(WorkflowRefusal(.onlyDeskCloses, ticket: ticket.id))) {
            try await desk.perform(.close(.rated(score: 5, comment: nil)), on: ticket.id, as: "wang.fang")
        }
        await #expect(throws: DeskError.unknownOperator("mallory")) { try await desk.perform(.take, on: ticket.id, as: "mallory") }
        await #expect(throws: DeskError.store(.ticketNotFound(TicketID(404)))) { try await desk.perform(.take, on: TicketID(404), as: "zhang.wei") }
        #expect(try await desk.store.lastEventID() == before)
        #expect(try await desk.store.ticket(ticket.id) == ticket)
    }

    @Test(arguments: Backend.available)
    func theChangeFeedReadsEventsAfterAnID(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let a = try await desk.open(sampleDraft("a"), as: "zhang.wei")
        let mark = try await desk.store.lastEventID()
        let b = try await desk.open(sampleDraft("b"), as: "zhang.wei")
        try await desk.perform(.note("called back"), on: a.id, as: "zhang.wei")
        let feed = try await desk.store.events(after: mark, limit: 10)
        #expect(feed.map(\.ticket) == [b.id, a.id])
        #expect(feed.map(\.kind) == [.opened, .noted])
        #expect(try await desk.store.events(after: mark, limit: 1).count == 1)
        #expect(try await desk.store.events(after: try await desk.store.lastEventID(), limit: 10).isEmpty)
    }

    /// The supervisor's view counts a day of who did what when: the same events as
    /// `events(from:to:)`, in the same order, without their changes.
    @Test(arguments: Backend.available)
    func activityIsTheEventsOfAPeriodWithoutTheirChanges(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let start = clock.now()
        let a = try await desk.open(sampleDraft("a"), as: "zhang.wei")
        clock.advance(60)
        try await desk.perform(.escalate(to: .l1, note: nil), on: a.id, as: "zhang.wei")
        clock.advance(60)
        try await desk.perform(.take, on: a.id, as: "wang.fang")
        clock.advance(60)
        let middle = clock.now()
        try await desk.perform(.resolve(note: "restarted the relay"), on: a.id, as: "wang.fang")
        let end = clock.now().addingTimeInterval(1)
        let events = try await desk.store.events(from: start, to: end)
        #expect(try await desk.store.activity(from: start, to: end) == events.map(\.activity))
        #expect(events.map(\.kind) == [.opened, .escalated, .taken, .resolved])
        #expect(try await desk.store.activity(from: middle, to: end).map(\.actor) == ["wang.fang"])
        #expect(try await desk.store.activity(from: end, to: end.addingTimeInterval(60)).isEmpty)
    }

    @Test(arguments: Backend.available)
    func queriesFilterByTierStateAndOpenness(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let a = try await desk.open(sampleDraft("a"), as: "zhang.wei")
        let b = try await desk.open(sampleDraft("b"), as: "zhang.wei")
        let c = try await desk.open(sampleDraft("c"), as: "zhang.wei")
        try await desk.perform(.escalate(to: .l1, note: nil), on: b.id, as: "zhang.wei")
        try await desk.perform(.resolve(note: "ok"), on: c.id, as: "zhang.wei")
        #expect(try await desk.store.tickets(TicketQuery(tiers: [.l1])).map(\.id) == [b.id])
        #expect(try await desk.store.tickets(TicketQuery(openOnly: true)).map(\.id) == [a.id, b.id])
        #expect(try await desk.store.tickets(TicketQuery(states: [.resolved])).map(\.id) == [c.id])
        #expect(try await desk.store.tickets(TicketQuery(assignee: "zhang.wei")).map(\.id) == [a.id, c.id])
        #expect(try await desk.store.tickets(TicketQuery(limit: 2)).count == 2)
    }

    @Test(arguments: Backend.available)
    func aBatchOfHistoriesLandsWholeOrNotAtAll(_ backend: Backend) async throws {
        let store = try backend.makeStore()
        let demo = DemoDesk(now: t0, tickets: 30, seed: 3)
        let histories = demo.tickets.map { TicketHistory(ticket: $0.ticket, events: $0.events) }
        let ids = try await store.insertHistories(histories)
        #expect(ids == (1...30).map { TicketID(Int64($0)) })
        #expect(try await store.events(after: 0, limit: 10_000).count == histories.reduce(0) { $0 + $1.events.count })

        // Two tickets claiming the same source: the batch fails and nothing of it stays.
        var duplicate = histories[0]
        duplicate.ticket.source = "import:1"
        let eventsBefore = try await store.lastEventID()
        await #expect(throws: StoreError.self) { _ = try await store.insertHistories([duplicate, duplicate]) }
        #expect(try await store.tickets(.all).count == 30)
        #expect(try await store.lastEventID() == eventsBefore)
    }

    @Test(arguments: Backend.available)
    func importedTicketsKeepTheirSourceVerdictAndImportStamp(_ backend: Backend) async throws {
        let store = try backend.makeStore()
        let ticket = Ticket(id: TicketID(1), title: "INC0000045 · Category 55", caller: Caller(name: "Caller 2403"), channel: .other,
                            priority: .general, state: .closed, tier: .l1, openedAt: t0, closedAt: t0.addingTimeInterval(60),
                            source: "servicenow:INC0000045", sourceMadeSLA: false, version: 2, importedAt: t0.addingTimeInterval(3600))
        let opened = TicketEvent(ticket: ticket.id, actor: "Updated by 21", at: t0, kind: .opened, changes: ticket.changes(since: nil))
        let ids = try await store.insertHistories([TicketHistory(ticket: ticket, events: [opened])])
        var expected = ticket
        expected.id = try #require(ids.first)
        #expect(try await store.ticket(expected.id) == expected)
        var unknown = ticket
        unknown.source = "servicenow:INC0000046"
        unknown.sourceMadeSLA = nil
        unknown.importedAt = nil
        let second = try #require(try await store.insertHistories([TicketHistory(ticket: unknown, events: [opened])]).first)
        #expect(try await store.ticket(second)?.sourceMadeSLA == nil)
        #expect(try await store.ticket(second)?.importedAt == nil)
    }

    @Test(arguments: Backend.available)
    func importingSkipsTicketsWhoseSourceIsStoredAndWritesNothingForThem(_ backend: Backend) async throws {
        let store = try backend.makeStore()
        let demo = DemoDesk(now: t0, tickets: 12, seed: 5)
        let histories = demo.tickets.enumerated().map { index, made -> TicketHistory in
            var ticket = made.ticket
            ticket.source = "test:\(index)"
            return TicketHistory(ticket: ticket, events: made.events)
        }
        let first = try await store.importHistories(Array(histories.prefix(8)))
        #expect(first.map(\.isNew) == Array(repeating: true, count: 8))
        #expect(first.map(\.id) == (1...8).map { TicketID(Int64($0)) })
        let events = try await store.lastEventID()
        // The whole set again: the eight stored are left as they are, the four new land, numbered after them.
        let second = try await store.importHistories(histories)
        #expect(second.map(\.isNew) == Array(repeating: false, count: 8) + Array(repeating: true, count: 4))
        #expect(second.map(\.id) == (1...12).map { TicketID(Int64($0)) })
        #expect(try await store.lastEventID() == events + Int64(histories.suffix(4).reduce(0) { $0 + $1.events.count }))
        let third = try await store.importHistories(histories)
        #expect(third.allSatisfy { !$0.isNew })
        #expect(try await store.tickets(.all).count == 12)

        // Read back for export: every ticket with its events, in order; or those opened in a span.
        let all = try await store.histories(opened: nil)
        #expect(all.map(\.ticket.id) == (1...12).map { TicketID(Int64($0)) })
        for history in all {
            #expect(history.events == (try await store.events(of: history.ticket.id)))
        }
        let openings = all.map(\.ticket.openedAt).sorted()
        let span = DateInterval(start: openings[3], end: openings[9])
        let some = try await store.histories(opened: span)
        #expect(Set(some.map(\.ticket.id)) == Set(all.filter { span.start <= $0.ticket.openedAt && $0.ticket.openedAt < span.end }.map(\.ticket.id)))
    }

    @Test(arguments: Backend.available)
    func problemsAreNumberedAndVersioned(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let a = try await desk.open(sampleDraft("VPN 断线"), as: "zhang.wei")
        let b = try await desk.open(sampleDraft("VPN 断线 again"), as: "zhang.wei")
        await #expect(throws: DeskError.self) { _ = try await desk.raiseProblem(title: "VPN", linking: [a.id], as: "wang.fang") }
        let problem = try await desk.raiseProblem(title: "VPN 集中器间歇断线", linking: [a.id, b.id], as: "sun.li")
        #expect(problem.id == ProblemID(1))
        #expect(try await desk.store.ticket(a.id)?.problem == problem.id)
        #expect(try await desk.store.ticket(b.id)?.problem == problem.id)
        var changed = problem
        changed.state = .analysis
        let step = ProblemEvent(problem: problem.id, actor: "sun.li", at: t0, kind: .noted, note: "x")
        let updated = try await desk.store.updateProblem(changed, event: step).0
        #expect(updated.version == 2)
        await #expect(throws: StoreError.self) { _ = try await desk.store.updateProblem(changed, event: step) }
        #expect(try await desk.store.problems() == [updated])
    }

    @Test(arguments: Backend.available)
    func concurrentSeatsTakingOneTicketHaveExactlyOneWinner(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        for round in 0..<10 {
            let ticket = try await desk.open(sampleDraft("round \(round)"), as: "zhang.wei")
            try await desk.perform(.escalate(to: .l1, note: nil), on: ticket.id, as: "zhang.wei")
            let seen = try #require(try await desk.store.ticket(ticket.id))
            let results = await withTaskGroup(of: Bool.self) { group in
                for person in [People.l1, People.l1b] {
                    group.addTask { (try? await desk.perform(.take, on: seen, by: person)) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await desk.store.events(of: ticket.id).filter { $0.kind == .taken }.count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func theChangeSignalFiresOnceForEachBatchOfWrites(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let signal = try desk.store.changeSignal()
        #expect(try await signal.poll() == false)
        #expect(try await signal.poll() == false)
        _ = try await desk.open(sampleDraft(), as: "zhang.wei")
        #expect(try await signal.poll() == true)
        #expect(try await signal.poll() == false)
    }
}
