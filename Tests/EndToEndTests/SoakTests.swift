import Foundation
import ShiftDeskLaunch
import Testing

/// The short soak CI runs (issue 19): `Benchmarks soak` for about a minute per backend — the BPI
/// 2013 log replayed by `shiftdesk drill`, seat processes acting through the `Desk` API and the
/// command line, escalators, consoles in tmux — asserting the same invariants as the long run
/// in the README: no lost update, every conflict names who won, every due step once and on time,
/// its mail sent, the consoles following the database, no process growing without bound, and
/// the record verifying. The benchmark exits 1 and names the broken invariant otherwise.
@Suite("Soak (short)", .serialized)
struct SoakTests {
    static var benchmarks: String {
        URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().appendingPathComponent("Benchmarks").path
    }

    static let backends = CLI.postgresServer == nil ? ["sqlite"] : ["sqlite", "postgres"]

    @Test(.enabled(if: FileManager.default.fileExists(atPath: DrillCommandTests.bpi), "needs ../shared/data/BPI_Challenge_2013_incidents.xes.gz"),
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux"), "needs tmux"),
          .timeLimit(.minutes(10)), arguments: backends)
    func aMinuteOfTheRealLogOnAWholeDeskLosesNothing(_ backend: String) throws {
        // The CI machine is small and shared (the whole suite runs beside the soak on 2 cores):
        // a console may lag more than the 1 s the README's quiet run holds it to (2.2 s seen on
        // PostgreSQL in a full fresh-clone run); every other bound is the long run's.
        var arguments = ["soak", "--seconds=60", "--seats=10", "--escalators=3", "--consoles=2", "--speed=1200",
                         "--start=2012-04-26T00:00:00Z", "--console-lag=3", "--log=\(DrillCommandTests.bpi)"]
        if backend == "postgres", let server = CLI.postgresServer { arguments.append("--postgres=\(server)") }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("soak-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        // Foundation's Process under the target's launch lock, as every launch of this target
        // (launching with posix_spawn beside the CLI tests' Process crashed the test process
        // twice). The soak runs in a process group of its own (its setpgid); a watchdog kills
        // the group and its consoles' tmux past eight minutes, since the time limit cannot
        // interrupt a blocking wait.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.benchmarks)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try CLI.launches.withLock { try process.run() }
        let pid = process.processIdentifier
        let killed = Killed()
        let watchdog = DispatchWorkItem {
            killed.set()
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            _ = try? Launched.run(["/usr/bin/tmux", "-L", "shiftdesk-soak-\(pid)", "kill-server"])
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 8 * 60, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        try handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: output)
        #expect(!killed.isSet, "the soak did not end within eight minutes and was killed:\n\(text)")
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("every invariant holds"))
        #expect(text.contains("| lost updates") && text.contains("| audit verify"))
    }
}

/// Whether the watchdog fired.
private final class Killed: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    var isSet: Bool { lock.withLock { fired } }
    func set() { lock.withLock { fired = true } }
}
