import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// The notification roster in force (issue 15): escalation mail is addressed from the `[roster]`
/// of the policy version in force when it is composed, a machine's `[notify.roles]` only where
/// the policy has none, and a long-running seat adopts a version that changes only the roster.
@Suite("Store contract: the roster in force")
struct RosterInForceTests {
    static let machine = RecipientDirectory(addresses: [.incidentManager: ["machine@desk.example"]])

    @Test(arguments: Backend.available)
    func escalationMailFollowsTheRosterOfTheVersionInForce(_ backend: Backend) async throws {
        let (plain, clock) = try await staffedDesk(backend)
        var withRoster = SLAPolicy.dutyTable
        withRoster.roster = RecipientDirectory(addresses: [.incidentManager: ["im@desk.example", "deputy@desk.example"]])
        // V1.0 (no roster) from the start, V1.1 (a roster) approved three hours in.
        let timeline = PolicyTimeline(entries: [
            .init(version: .first, from: t0.addingTimeInterval(-86_400), policy: .dutyTable),
            .init(version: DocumentVersionNumber.first.next(major: false), from: t0.addingTimeInterval(3 * 3600), policy: withRoster),
        ], fallback: .dutyTable)
        let desk = Desk(store: plain.store, clock: clock, policies: timeline)
        let first = try await desk.open(sampleDraft("before the roster"), as: People.desk.login)
        clock.advance(2 * 3600 + 60)
        let sweep = EscalationSweep(desk: desk, directory: Self.machine, firedBy: "test", timeZone: .gmt)
        _ = try await sweep.run()
        #expect(try await desk.store.outbox(of: first.id).filter { $0.via == .email }.map(\.address) == ["machine@desk.example"])
        #expect(desk.roster(or: Self.machine) == Self.machine)

        let second = try await desk.open(sampleDraft("after the roster"), as: People.desk.login)
        clock.advance(2 * 3600 + 60)
        _ = try await sweep.run()
        #expect(try await desk.store.outbox(of: second.id).filter { $0.via == .email }.map(\.address).sorted()
                == ["deputy@desk.example", "im@desk.example"])
        #expect(desk.roster(or: Self.machine) == withRoster.roster)
    }

    @Test func aVersionChangingOnlyTheRosterIsAdoptedByEveryCopy() throws {
        let store = try Backend.sqlite.makeStore()
        let desk = Desk(store: store, clock: ManualClock(t0), policies: PolicyTimeline(entries: [
            .init(version: .first, from: t0.addingTimeInterval(-60), policy: .dutyTable)], fallback: .dutyTable))
        let copy = desk
        var withRoster = SLAPolicy.dutyTable
        withRoster.roster = RecipientDirectory(addresses: [.managementOwner: ["owner@desk.example"]])
        let next = PolicyTimeline(entries: [
            .init(version: .first, from: t0.addingTimeInterval(-60), policy: .dutyTable),
            .init(version: DocumentVersionNumber.first.next(major: false), from: t0.addingTimeInterval(-30), policy: withRoster),
        ], fallback: .dutyTable)
        #expect(next.fingerprint == desk.policyFingerprint, "the roster plans nothing")
        #expect(desk.adopt(next))
        #expect(copy.roster(or: Self.machine) == withRoster.roster)
        #expect(!desk.adopt(next), "already in force")
    }
}
