import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskConfig

/// `[roster]`: the notification roster as part of the approved SLA policy, checked as
/// `[notify.roles]` is, and not part of what plans a ticket.
@Suite struct RosterPolicyTests {
    @Test func aPolicyWithoutARosterHasNone() throws {
        #expect(try load(designExample).roster == nil)
        #expect(try load("").roster == nil)
    }

    @Test func theRosterIsReadAndPlansNothingDifferently() throws {
        let policy = try load("""
            [roster]
            incident_manager = ["im@desk.example", "deputy@desk.example"]
            service_report_manager = ["reports@desk.example"]
            """)
        #expect(policy.roster?.addresses[.incidentManager] == ["im@desk.example", "deputy@desk.example"])
        #expect(policy.roster?.addresses[.serviceReportManager] == ["reports@desk.example"])
        #expect(policy.roster?.addresses[.operationsManager] == nil)
        #expect(policy.fingerprint == (try load("")).fingerprint, "a new roster re-plans no ticket")
    }

    @Test func aBadAddressOrRoleIsNamedWithItsLine() throws {
        let address = try #require(failure("# roster\n[roster]\nincident_manager = [\"im at desk\"]\n"))
        #expect(address.line == 3 && address.reason.contains("roster.incident_manager") && address.reason.contains("e-mail"))
        let role = try #require(failure("[roster]\nceo = [\"ceo@desk.example\"]\n"))
        #expect(role.kind == .unknownRole && role.line == 2 && role.reason.contains("incident_manager"))
        let notAList = try #require(failure("[roster]\nincident_manager = \"im@desk.example\"\n"))
        #expect(notAList.kind == .wrongType)
    }

    @Test func theMachinesRosterIsReadTheSameWay() throws {
        let config = try ConfigFile.load(contents: "[notify.roles]\nincident_manager = [\"im@desk.example\"]\n", path: "config.toml")
        #expect(config.recipients.addresses[.incidentManager] == ["im@desk.example"])
        #expect(throws: PolicyError.self) { try ConfigFile.load(contents: "[notify.roles]\nboss = [\"b@desk.example\"]\n", path: "config.toml") }
    }
}
