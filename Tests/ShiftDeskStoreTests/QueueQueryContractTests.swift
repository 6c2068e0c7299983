import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// The store's half of a console opening at once and following every seat: a queue's first
/// page most urgent first, its size, and the tickets written since a revision.
@Suite("Store contract: queue pages and the change feed")
struct QueueQueryContractTests {
    /// A desk with a bit of everything: priorities, lines, a pause, a resolution, a closing,
    /// a late response, opened over a few hours.
    func busyDesk(_ backend: Backend) async throws -> (Desk, ManualClock) {
        let (desk, clock) = try await staffedDesk(backend)
        var drafts: [TicketDraft] = []
        for (index, priority) in [Priority.general, .minor, .major, .general, .minor, .general, .general, .major, .minor].enumerated() {
            var draft = sampleDraft("incident \(index)")
            draft.priority = priority
            draft.channel = index % 3 == 0 ? .email : .phone
            drafts.append(draft)
        }
        var ids: [TicketID] = []
        for draft in drafts {
            ids.append(try await desk.open(draft, as: "zhang.wei").id)
            clock.advance(17 * 60)
        }
        try await desk.perform(.escalate(to: .l1, note: nil), on: ids[1], as: "zhang.wei")
        try await desk.perform(.take, on: ids[1], as: "wang.fang")
        try await desk.perform(.escalate(to: .l1, note: nil), on: ids[2], as: "zhang.wei")
        try await desk.perform(.escalate(to: .l2, note: nil), on: ids[2], as: "wang.fang")
        try await desk.perform(.escalate(to: .l1, note: nil), on: ids[3], as: "zhang.wei")
        try await desk.perform(.escalate(to: .l2, note: nil), on: ids[3], as: "wang.fang")
        try await desk.perform(.escalate(to: .vendor, note: nil), on: ids[3], as: "chen.jing")
        try await desk.perform(.pend(.customer), on: ids[4], as: "zhang.wei")
        try await desk.perform(.resolve(note: "done"), on: ids[5], as: "zhang.wei")
        try await desk.perform(.resolve(note: "done"), on: ids[6], as: "zhang.wei")
        try await desk.perform(.close(.rated(score: 5, comment: nil)), on: ids[6], as: "zhang.wei")
        clock.advance(3 * 3600)
        return (desk, clock)
    }

    func expected(_ all: [Ticket], _ belongs: (Ticket) -> Bool) -> [TicketID] {
        all.filter(belongs).sorted { ($0.urgency, $0.id.number) < ($1.urgency, $1.id.number) }.map(\.id)
    }

    @Test(arguments: Backend.available)
    func aQueuesFirstPageIsItsMostUrgentTicketsAndItsCountItsSize(_ backend: Backend) async throws {
        let (desk, clock) = try await busyDesk(backend)
        let store = desk.store
        let all = try await store.tickets(.all)
        let now = clock.now()
        let queues: [(TicketQuery, (Ticket) -> Bool)] = [
            (TicketQuery(states: TicketQuery.notClosed.states, urgentFirst: true), { $0.state != .closed }),
            (TicketQuery(tiers: [.l1], openOnly: true, urgentFirst: true), { $0.state.isOpen && $0.tier == .l1 }),
            (TicketQuery(tiers: [.l2, .vendor], openOnly: true, urgentFirst: true), { $0.state.isOpen && [.l2, .vendor].contains($0.tier) }),
            (TicketQuery(openOnly: true, majorOrBreachedAt: now, urgentFirst: true),
             { $0.state.isOpen && ($0.priority == .major || $0.plan.breached($0, now: now)) }),
        ]
        for (query, belongs) in queues {
            let want = expected(all, belongs)
            #expect(!want.isEmpty)
            #expect(try await store.tickets(query).map(\.id) == want)
            #expect(try await store.count(query) == want.count)
            var page = query
            page.limit = 2
            #expect(try await store.tickets(page).map(\.id) == Array(want.prefix(2)))
            #expect(try await store.count(page) == want.count, "the count ignores the limit")
        }
        // The incident manager's queue holds a general only once it is past a deadline.
        let im = TicketQuery(openOnly: true, majorOrBreachedAt: t0, urgentFirst: true)
        #expect(try await store.tickets(im).allSatisfy { $0.priority == .major })
        #expect(try await store.tickets(TicketQuery(openOnly: true, majorOrBreachedAt: now)).contains { $0.priority != .major })
    }

    @Test(arguments: Backend.available)
    func theChangeFeedHandsOverEveryWriteOnce(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let store = desk.store
        let start = try await store.lastRevision()
        #expect(try await store.ticketsChanged(after: start, limit: 10).tickets.isEmpty)
        let a = try await desk.open(sampleDraft("a"), as: "zhang.wei")
        let b = try await desk.open(sampleDraft("b"), as: "zhang.wei")
        let opened = try await store.ticketsChanged(after: start, limit: 10)
        #expect(opened.tickets.map(\.id) == [a.id, b.id])
        #expect(opened.revision == (try await store.lastRevision()))
        // Paged: the second page starts where the first ended.
        let first = try await store.ticketsChanged(after: start, limit: 1)
        #expect(first.tickets.map(\.id) == [a.id])
        #expect(try await store.ticketsChanged(after: first.revision, limit: 1).tickets.map(\.id) == [b.id])

        // A workflow write, and a plan written by an escalation sweep, each bring the ticket back as it is now.
        let noted = try await desk.perform(.note("called back"), on: a.id, as: "zhang.wei").ticket
        let afterNote = try await store.ticketsChanged(after: opened.revision, limit: 10)
        #expect(afterNote.tickets == [noted])
        try await store.setPlan(TicketPlan(escalationDueAt: t0.addingTimeInterval(60)), of: b)
        let afterPlan = try await store.ticketsChanged(after: afterNote.revision, limit: 10)
        #expect(afterPlan.tickets.map(\.id) == [b.id])
        #expect(afterPlan.tickets.first?.escalationDueAt == t0.addingTimeInterval(60))
        // Nothing new: nothing handed over, and the reader stays where it is.
        let idle = try await store.ticketsChanged(after: afterPlan.revision, limit: 10)
        #expect(idle.tickets.isEmpty && idle.revision == afterPlan.revision)
        // A closed ticket comes back closed, so a console can drop it.
        try await desk.perform(.resolve(note: "ok"), on: a.id, as: "zhang.wei")
        try await desk.perform(.close(.unreachable), on: a.id, as: "zhang.wei")
        let closed = try await store.ticketsChanged(after: idle.revision, limit: 10)
        #expect(closed.tickets.map(\.id) == [a.id] && closed.tickets.first?.state == .closed)
    }

    @Test(arguments: Backend.available)
    func concurrentWritersNeverSlipPastAReader(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let store = desk.store
        var seen = Set<TicketID>()
        var revision = try await store.lastRevision()
        let writers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<6 {
                    group.addTask { for n in 0..<10 { _ = try await desk.open(sampleDraft("w\(writer)-\(n)"), as: "zhang.wei") } }
                }
                try await group.waitForAll()
            }
        }
        // Reading while the writers write: every ticket turns up, whatever the commit interleaving.
        var reads = 0
        while seen.count < 60 && reads < 5_000 {
            let changes = try await store.ticketsChanged(after: revision, limit: 7)
            seen.formUnion(changes.tickets.map(\.id))
            revision = changes.revision
            reads += 1
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        try await writers.value
        while true {
            let changes = try await store.ticketsChanged(after: revision, limit: 7)
            if changes.tickets.isEmpty { break }
            seen.formUnion(changes.tickets.map(\.id))
            revision = changes.revision
        }
        #expect(seen.count == 60)
    }

    /// A console loads the desk a page at a time (issue 19: it never holds every whole ticket at
    /// once): pages after a number, in number order, cover every ticket not closed exactly once.
    @Test(arguments: Backend.available)
    func pagesAfterANumberCoverTheQueueOnceInNumberOrder(_ backend: Backend) async throws {
        let (desk, _) = try await busyDesk(backend)
        let store = desk.store
        let want = try await store.tickets(.notClosed).map(\.id)
        #expect(want.count >= 7)
        var got: [TicketID] = []
        var after: Int64 = 0
        while true {
            var page = TicketQuery.notClosed
            page.limit = 3
            page.afterNumber = after
            let tickets = try await store.tickets(page)
            got += tickets.map(\.id)
            guard let last = tickets.last, tickets.count == 3 else { break }
            after = last.id.number
        }
        #expect(got == want)
        var rest = TicketQuery.notClosed
        rest.afterNumber = want[2].number
        #expect(try await store.count(rest) == want.count - 3)
        // A bounded count stops at its bound and is exact below it.
        #expect(try await store.count(.notClosed, atMost: 3) == 3)
        #expect(try await store.count(.notClosed, atMost: want.count + 10) == want.count)
        #expect(try await store.count(rest, atMost: 0) == 0)
    }

    /// An action from a queue row names the version the row showed; the desk reads the whole
    /// ticket itself. A row older than the ticket is refused naming who changed it, and nothing
    /// is written.
    @Test(arguments: Backend.available)
    func anActionOnARowsVersionReadsTheTicketAndRefusesAnOlderRow(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        var draft = sampleDraft("rows act")
        draft.description = "the whole ticket: a description no queue row holds"
        let ticket = try await desk.open(draft, as: "zhang.wei")
        let row = try await desk.perform(.escalate(to: .l1, note: nil), on: ticket.id, seenVersion: ticket.version, by: People.desk).ticket
        #expect(row.tier == .l1)
        #expect(row.description == draft.description, "the action worked on the whole ticket, read from the store")
        clock.advance(60)
        try await desk.perform(.take, on: ticket.id, seenVersion: row.version, by: People.l1)
        let before = try await desk.store.events(of: ticket.id)
        let refusal: DeskError? = await {
            do {
                _ = try await desk.perform(.take, on: ticket.id, seenVersion: row.version, by: People.l1b)
                return nil
            } catch let error as DeskError {
                return error
            } catch {
                return nil
            }
        }()
        guard case let .store(.conflict(id, changedBy, at, kind, current))? = refusal else {
            Issue.record("an action on an older row must be refused as a conflict, got \(String(describing: refusal))")
            return
        }
        #expect(id == ticket.id)
        #expect(changedBy == "王芳 (wang.fang)")
        #expect(at == clock.now())
        #expect(kind == .taken)
        #expect(current.assignee == "wang.fang")
        #expect(try await desk.store.events(of: ticket.id) == before)
        #expect(try await desk.store.ticket(ticket.id)?.version == row.version + 1)
    }
}
