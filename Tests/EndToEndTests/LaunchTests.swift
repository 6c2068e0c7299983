import Foundation
import ShiftDeskLaunch
import Testing

/// Launching other programs (ShiftDeskLaunch): children start with no signal blocked whatever
/// thread launched them, a bounded wait ends a hung child instead of hanging, and output is
/// captured whole from many threads at once (Foundation's Process crashed the test process so).
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
            try Launched.run(["/bin/sh", "-c", "grep -E '^Sig(Blk|Ign):' /proc/self/status"], output: .file(file))
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
        let sleeper = try Launched.start(["/bin/sleep", "30"])
        #expect(sleeper.wait(upTo: 0.3) == nil)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(kill(sleeper.pid, 0) != 0, "the child is gone, reaped")
        #expect(try Launched.run(["/bin/sh", "-c", "exit 3"]) == 3)
        #expect(try Launched.run(["/bin/sh", "-c", "kill -TERM $$"]) == 128 + SIGTERM)
    }

    @Test func aProgramThatCannotStartIsNamed() {
        #expect(throws: LaunchError.self) { try Launched.run(["/nonexistent/program"]) }
    }

    /// Output and errors are read together: a child filling both pipes far past their buffers
    /// neither blocks nor loses a byte.
    @Test func outputAndErrorsAreCapturedWholeAndApart() throws {
        let ended = try Launched.capture(["/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done; exit 4"])
        #expect(ended.status == 4 && !ended.timedOut)
        #expect(ended.text.split(separator: "\n").count == 20_000 && ended.text.hasSuffix("out19999\n"))
        #expect(ended.errorText.split(separator: "\n").count == 20_000 && ended.errorText.hasSuffix("err19999\n"))
        let merged = try Launched.capture(["/bin/sh", "-c", "echo one; echo two >&2"], mergingErrors: true)
        #expect(merged.text == "one\ntwo\n" && merged.errors.isEmpty)
    }

    /// A capture past its time is killed and says so, keeping what was written.
    @Test func aCapturePastItsTimeIsKilledKeepingWhatItWrote() throws {
        let started = Date()
        let ended = try Launched.capture(["/bin/sh", "-c", "echo begun; exec sleep 30"], upTo: 0.5)
        #expect(ended.timedOut && ended.status == 128 + SIGKILL && ended.text == "begun\n")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    /// Pipes are close-on-exec: a long-lived child started while another's pipes are open does
    /// not hold them, so reading the first child's output ends when that child does.
    @Test func aChildStartedMeanwhileDoesNotHoldAnothersPipes() throws {
        let first = try Capturing(["/bin/sh", "-c", "sleep 0.3; echo done"])
        let bystander = try Launched.start(["/bin/sleep", "30"])
        defer { bystander.stop() }
        let started = Date()
        let ended = first.finish(upTo: 20)
        #expect(ended.text == "done\n" && !ended.timedOut)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    /// Many threads launching, capturing and stopping at once, as the whole test suite does.
    @Test func manyThreadsLaunchAndCaptureAtOnce() async throws {
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let service = try Launched.start(["/bin/sleep", "30"])
                    let text = try Launched.capture(["/bin/echo", "child \(index)"]).text
                    #expect(service.isRunning)
                    #expect(service.stop() == 128 + SIGTERM)
                    #expect(!service.isRunning && service.exitStatus == 128 + SIGTERM)
                    return text
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(answers) == Set((0..<64).map { "child \($0)\n" }))
    }
}
