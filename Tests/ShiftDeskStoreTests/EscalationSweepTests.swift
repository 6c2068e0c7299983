import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// The duty table's ladder through the desk and the sweep, at the exact thresholds.
@Suite("Escalation sweep")
struct EscalationSweepTests {
    let directory = RecipientDirectory(addresses: [
        .incidentManager: ["im@desk.example"], .operationsManager: ["ops@desk.example"],
        .operationsDirector: ["director@desk.example"], .managementOwner: ["owner@desk.example"],
    ])

    func sweep(_ desk: Desk) -> EscalationSweep {
        EscalationSweep(desk: desk, directory: directory, firedBy: "test", timeZone: TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt)
    }

    @Test(arguments: Backend.available)
    func aGeneralIncidentClimbsAtTwoAndFourHoursAndNotASecondEarlier(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")      // 10:00
        #expect(try await desk.store.ticket(ticket.id)?.escalationDueAt == t0.addingTimeInterval(2 * 3600))
        clock.advance(2 * 3600 - 1)                                             // 11:59:59
        #expect(try await sweep(desk).run().fired.isEmpty)
        clock.advance(1)                                                        // 12:00
        let first = try await sweep(desk).run()
        #expect(first.fired.map(\.level) == [1])
        #expect(first.messages == 1)
        #expect(first.nextDue == t0.addingTimeInterval(4 * 3600))
        #expect(try await sweep(desk).run().fired.isEmpty)
        clock.advance(2 * 3600)                                                 // 14:00
        let second = try await sweep(desk).run()
        #expect(second.fired.map(\.level) == [2])
        let mail = try await desk.store.outbox(of: ticket.id).filter { $0.level == 2 }
        #expect(Set(mail.map(\.address)) == ["ops@desk.example", "director@desk.example", "owner@desk.example"])
        #expect(second.nextDue == nil)
    }

    @Test(arguments: Backend.available)
    func raisingToMajorEscalatesAtOnceByPhoneAndMail(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
        clock.advance(30 * 60)                                                  // 10:30
        try await desk.perform(.changePriority(.major), on: ticket.id, as: "zhang.wei")
        #expect(try await desk.store.ticket(ticket.id)?.escalationDueAt == clock.now())
        let report = try await sweep(desk).run()
        #expect(report.fired.map { "\($0.priority.rawValue)/\($0.level)" } == ["major/1"])
        let calls = try await desk.store.pendingCalls()
        #expect(calls.count == 4)
        #expect(calls.contains { $0.address == "孙丽 (sun.li)" })
        #expect(try await desk.store.outbox(of: ticket.id).filter { $0.via == .email }.count == 4)
    }

    @Test(arguments: Backend.available)
    func resolvedInTimeNothingFiresAndAPauseMovesTheStep(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let resolvedEarly = try await desk.open(sampleDraft("resolved"), as: "zhang.wei")
        let paused = try await desk.open(sampleDraft("paused"), as: "zhang.wei")
        clock.advance(3600)                                                     // 11:00
        try await desk.perform(.resolve(note: "fixed"), on: resolvedEarly.id, as: "zhang.wei")
        try await desk.perform(.pend(.customer), on: paused.id, as: "zhang.wei")
        clock.advance(30 * 60)                                                  // 11:30
        try await desk.perform(.resume, on: paused.id, as: "zhang.wei")
        #expect(try await desk.store.ticket(resolvedEarly.id)?.escalationDueAt == nil)
        #expect(try await desk.store.ticket(paused.id)?.escalationDueAt == t0.addingTimeInterval(2.5 * 3600))
        clock.advance(30 * 60)                                                  // 12:00
        #expect(try await sweep(desk).run().fired.isEmpty)
        clock.advance(30 * 60)                                                  // 12:30
        #expect(try await sweep(desk).run().fired.map(\.ticket) == [paused.id])
    }

    @Test(arguments: Backend.available)
    func sweepsRacingFireEachStepOnce(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        for index in 0..<20 { _ = try await desk.open(sampleDraft("t\(index)"), as: "zhang.wei") }
        clock.advance(5 * 3600)
        let sweeps = (0..<4).map { _ in sweep(desk) }
        let fired = await withTaskGroup(of: Int.self) { group in
            for sweep in sweeps { group.addTask { (try? await sweep.run().fired.count) ?? 0 } }
            return await group.reduce(0, +)
        }
        #expect(fired == 40)
        #expect(try await desk.store.nextEscalationDue() == nil)
    }

    @Test(arguments: Backend.available)
    func aNewPolicyReplansOpenTickets(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
        #expect(try await sweep(desk).replanIfPolicyChanged() == 1)
        #expect(try await sweep(desk).replanIfPolicyChanged() == 0)
        var rules = SLAPolicy.dutyTablePriorities
        rules[.general]?.escalation[0].after = 3600
        let stricter = try SLAPolicy(timeZone: .gmt, calendars: [:], priorities: rules)
        let replanned = Desk(store: desk.store, clock: desk.clock, policy: stricter)
        #expect(try await sweep(replanned).replanIfPolicyChanged() == 1)
        #expect(try await desk.store.ticket(ticket.id)?.escalationDueAt == t0.addingTimeInterval(3600))
    }

    @Test(arguments: Backend.available)
    func everyWritePlansTheDeadlinesAndAReplanRestoresThem(_ backend: Backend) async throws {
        let (desk, clock) = try await staffedDesk(backend)
        let opened = try await desk.open(sampleDraft(), as: "zhang.wei")
        let sla = try await desk.sla(of: opened)
        #expect(opened.plan == sla.ticketPlan)
        #expect(opened.resolveBy != nil && opened.resolveBy == sla.resolveBy)
        // Waiting on the customer holds the resolution clock: no deadline while it waits.
        clock.advance(600)
        let pended = try await desk.perform(.pend(.customer), on: opened.id, as: "zhang.wei").ticket
        #expect(pended.resolveBy == nil && pended.escalationDueAt == nil)
        clock.advance(3600)
        let resumed = try await desk.perform(.resume, on: opened.id, as: "zhang.wei").ticket
        #expect(resumed.resolveBy == opened.resolveBy.map { $0.addingTimeInterval(3600) }, "the hour waiting moved it")
        // A database migrated from before plans had deadlines: the next start plans them.
        try await desk.store.setPlan(TicketPlan(), of: resumed)
        try await desk.store.setSetting(EscalationSweep.policyKey, to: "a policy long gone")
        #expect(try await sweep(desk).replanIfPolicyChanged() == 1)
        #expect(try await desk.store.ticket(opened.id)?.plan == resumed.plan)
    }
}
