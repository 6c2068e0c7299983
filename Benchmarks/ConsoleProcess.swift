import Foundation
import ShiftDeskCore

// Issue 19's console budgets, seen from outside as a person sees them: the real `shiftdesk`
// started in a tmux terminal of 200x60 on a desk (the 128k demo desk of
// `shiftdesk init --demo --tickets 128000 --seed 7`, about 100.5k open):
//
//   SHIFTDESK_BENCH_DB=PATH Benchmarks console-process [--runs=7]
//
// - first frame: from starting the process to the first ticket row on screen, against a bare
//   `sqlite3` printing the same queue's first rows, measured the same way (the budget: within
//   3 times);
// - memory: the console's resident memory (VmRSS, and its peak VmHWM; RssAnon and RssFile
//   apart) once it has loaded the whole desk behind the first frame (budget: ≤ 60 MB RSS).
// The same figures come from `../shared/tools/frame-time` (which waits 3 s for the memory).
// The binary is the `shiftdesk` beside this one (SHIFTDESK_BENCH_BINARY names another).

func consoleProcessBenchmark() async throws {
    guard let database = ProcessInfo.processInfo.environment["SHIFTDESK_BENCH_DB"], !database.isEmpty else {
        print("console-process: set SHIFTDESK_BENCH_DB to a desk, e.g. one made with `shiftdesk init --demo --tickets 128000 --seed 7 --db PATH`")
        return
    }
    let runs = option("runs").flatMap(Int.init) ?? 7
    let binary = ProcessInfo.processInfo.environment["SHIFTDESK_BENCH_BINARY"]
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("shiftdesk").path
    let login = ProcessInfo.processInfo.environment["SHIFTDESK_BENCH_LOGIN"] ?? DemoDesk.deskAgent
    let console = [binary, "--db", database, "--as", login, "--lang", "en"]
    // The desk queue's first rows, most urgent first, as the console shows them.
    let query = """
        SELECT printf('INC-%06d', number), priority, substr(title, 1, 40), caller_name, tier, assignee, state FROM tickets \
        WHERE state != 'closed' AND urgency IS NOT NULL ORDER BY urgency, number LIMIT 60
        """
    // It stays on screen (a shell waits after it), as the console does.
    let bare = ["/bin/sh", "-c", "/usr/bin/sqlite3 -column '\(database)' \"\(query)\"; sleep 30"]
    print("First frame seen from outside (200x60 tmux terminal, \(runs) runs each), and the console's memory once the desk is loaded:")
    var consoleTimes: [Double] = [], bareTimes: [Double] = []
    var memory: [[String: Double]] = []
    for _ in 0..<runs {
        let (ms, status) = try tmuxFirstFrame(console, waitForLoad: true)
        consoleTimes.append(ms)
        memory.append(status)
        let (bareMs, _) = try tmuxFirstFrame(bare, waitForLoad: false)
        bareTimes.append(bareMs)
    }
    consoleTimes.sort()
    bareTimes.sort()
    line("  shiftdesk: start to the first ticket row", consoleTimes)
    line("  sqlite3 printing the same rows", bareTimes)
    print(String(format: "  ratio of the medians: %.1f (budget: 3)", percentile(consoleTimes, 0.5) / max(1, percentile(bareTimes, 0.5))))
    for key in ["VmRSS", "VmHWM", "RssAnon", "RssFile"] {
        let values = memory.compactMap { $0[key] }.sorted()
        print(String(format: "  console %-7@ median %6.1f MiB (%.1f–%.1f)", key as NSString, percentile(values, 0.5) / 1024,
                     (values.first ?? 0) / 1024, (values.last ?? 0) / 1024))
    }
}

/// Starts `command` in a fresh tmux terminal, 200x60, and returns the milliseconds from its start
/// to a ticket row on screen; with `waitForLoad`, then waits until the console has loaded the
/// rest (its status line no longer says so) and a second more, and reads its memory (kB).
func tmuxFirstFrame(_ command: [String], waitForLoad: Bool) throws -> (Double, [String: Double]) {
    let socket = "shiftdesk-bench-\(getpid())"
    let go = scratchFolder.appendingPathComponent("go-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(at: scratchFolder, withIntermediateDirectories: true)
    let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    // The pane waits for a go-file, so the clock starts when the program does, not when tmux does.
    let script = "while [ ! -e \(go) ]; do sleep 0.01; done; exec \(quoted)"
    let tmux = "/usr/bin/tmux"
    _ = try? output([tmux, "-L", socket, "kill-server"])
    defer { _ = try? output([tmux, "-L", socket, "kill-server"]) }
    _ = try output([tmux, "-L", socket, "new-session", "-d", "-s", "s", "-x", "200", "-y", "60", script])
    guard try output([tmux, "-L", socket, "list-sessions"]).contains("s:") else { throw BenchmarkFailure("tmux did not start") }
    usleep(500_000)
    let start = DispatchTime.now().uptimeNanoseconds
    _ = FileManager.default.createFile(atPath: go, contents: Data())
    defer { try? FileManager.default.removeItem(atPath: go) }
    var screen = ""
    while !screen.contains("INC-0") {
        screen = try output([tmux, "-L", socket, "capture-pane", "-p", "-t", "s"])
        guard Double(DispatchTime.now().uptimeNanoseconds - start) < 60e9 else { throw BenchmarkFailure("no ticket row within 60 s") }
    }
    let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    guard waitForLoad else { return (ms, [:]) }
    let pid = try output([tmux, "-L", socket, "display-message", "-p", "-t", "s", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    let loading = Date().addingTimeInterval(30)
    while Date() < loading, try output([tmux, "-L", socket, "capture-pane", "-p", "-t", "s"]).contains("loading the rest") {
        usleep(50_000)
    }
    sleep(1)
    var status: [String: Double] = [:]
    let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let kb = Double(parts[1].split(separator: " ").first ?? "") else { continue }
        status[String(parts[0])] = kb
    }
    return (ms, status)
}

/// What `arguments` print on standard output.
func output(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
