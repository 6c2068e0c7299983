import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskConfig

/// `[clocks] problem_pauses`: whether an incident waiting on a problem pauses its clocks.
@Suite struct ProblemPausePolicyTests {
    @Test func theDefaultLetsTheClocksRunAsForAVendor() throws {
        #expect(try load(designExample).problemPausesClocks == false)
        #expect(try load("[clocks]\n").problemPausesClocks == false)
        #expect(try load("[clocks]\nproblem_pauses = false\n").problemPausesClocks == false)
    }

    @Test func trueMakesTheClocksPauseAndChangesTheFingerprint() throws {
        let paused = try load("[clocks]\nproblem_pauses = true\n")
        #expect(paused.problemPausesClocks)
        let running = try load("")
        #expect(paused.fingerprint != running.fingerprint)
        // A policy that does not pause keeps the fingerprint it had before the setting existed.
        #expect(!running.fingerprint.contains("problem_pauses"))
    }

    @Test func aWrongValueOrKeyIsNamedWithItsLine() throws {
        let quoted = try #require(failure("# pausing\n[clocks]\nproblem_pauses = \"yes\"\n"))
        #expect(quoted.kind == .wrongType && quoted.line == 3)
        #expect(quoted.reason.contains("true or false"))
        let unknown = try #require(failure("[clocks]\nvendor_pauses = true\n"))
        #expect(unknown.kind == .unknownKey && unknown.line == 2 && unknown.reason.contains("problem_pauses"))
        let notATable = try #require(failure("clocks = true\n"))
        #expect(notATable.kind == .wrongType)
    }
}
