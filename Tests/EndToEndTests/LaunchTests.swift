import Foundation
import ShiftDeskLaunch
import Testing

/// Launching other programs (ShiftDeskLaunch): children start with no signal blocked whatever
/// thread launched them, and a bounded wait ends a hung child instead of hanging.
@Suite("Launching programs")
struct LaunchTests {
    static func status(of pid: String, _ field: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(field + ":") }.map { $0.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    /// A task's thread blocks most signals; a tmux server launched from one never heard
    /// `kill-server` before (SIGTERM stayed blocked in it).
    @Test func aChildLaunchedFromATaskHasNoSignalBlockedOrIgnored() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("launch-\(UUID().uuidString)").path
        defer { unlink(file) }
        let status = try await Task.detached {
            try CLI.launches.withLock { try Launched.run(["/bin/sh", "-c", "grep -E '^Sig(Blk|Ign):' /proc/self/status"], output: .file(file)) }
        }.value
        #expect(status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        // Signals 1–31 (glibc keeps 32 and 33 for itself).
        func classic(_ field: String) -> UInt64? { Self.status(of: "self", field, in: text).flatMap { UInt64($0, radix: 16) }.map { $0 & 0x7fff_ffff } }
        #expect(classic("SigBlk") == 0, "\(text)")
        #expect(classic("SigIgn") == 0, "\(text)")
    }

    @Test func aBoundedWaitKillsWhatDoesNotEndAndAnswersNil() throws {
        let started = Date()
        let sleeper = try CLI.launches.withLock { try Launched.start(["/bin/sleep", "30"]) }
        #expect(sleeper.wait(upTo: 0.3) == nil)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(kill(sleeper.pid, 0) != 0, "the child is gone, reaped")
        #expect(try CLI.launches.withLock { try Launched.run(["/bin/sh", "-c", "exit 3"]) } == 3)
        #expect(try CLI.launches.withLock { try Launched.run(["/bin/sh", "-c", "kill -TERM $$"]) } == 128 + SIGTERM)
    }

    @Test func aProgramThatCannotStartIsNamed() {
        #expect(throws: LaunchError.self) { try CLI.launches.withLock { try Launched.run(["/nonexistent/program"]) } }
    }
}
