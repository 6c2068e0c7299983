import Foundation
import ShiftDeskLaunch
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Drives a program in a detached tmux server on its own socket (like shared/tools/tui).
final class Tmux {
    enum TmuxError: Error, CustomStringConvertible {
        case commandFailed(arguments: [String], status: Int32, output: String)
        case timedOut(waitingFor: String, screen: String)

        var description: String {
            switch self {
            case .commandFailed(let arguments, let status, let output):
                return "tmux \(arguments.joined(separator: " ")) exited \(status): \(output)"
            case .timedOut(let text, let screen):
                return "'\(text)' did not appear; the screen is:\n\(screen)"
            }
        }
    }

    let socket: String
    let session: String
    static let executable = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Skips the test (XCTSkip) when tmux is not installed.
    static func requireInstalled() throws {
        if executable == nil { throw XCTSkip("tmux is not installed") }
    }

    /// Starts `command` at `columns`x`rows`. When the command ends, the pane shows
    /// `[exited STATUS]` on the normal screen for 5 s (tmux clears a dead pane, so
    /// tests look at the screen in that window).
    ///
    /// Starts `command` at `columns`x`rows` with TERM=xterm-256color, LANG=C.UTF-8 and `environment`.
    init(command: [String], columns: Int, rows: Int, environment: [String: String] = [:]) throws {
        socket = "shiftdesk-e2e-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        session = "e2e"
        var env = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        env.merge(environment) { _, new in new }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let shellCommand = "env \(assignments) \(command.map(Self.quote).joined(separator: " ")); echo \"[exited $?]\"; sleep 5"
        try run(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(columns)", "-y", "\(rows)", shellCommand])
        try run(["set-option", "-t", session, "remain-on-exit", "on"])
        try run(["set-option", "-t", session, "escape-time", "0"])
    }

    deinit { kill() }

    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        guard let executable = Self.executable else { throw XCTSkip("tmux is not installed") }
        // ShiftDeskLaunch rather than Foundation.Process (which left the tmux client unreaped
        // here), and a file rather than a pipe (the tmux server started by new-session inherits
        // the client's descriptors).
        let outputPath = NSTemporaryDirectory() + "tmux-out-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let exitStatus: Int32
        do {
            exitStatus = try Launched.run([executable, "-L", socket] + arguments, output: .file(outputPath))
        } catch {
            throw TmuxError.commandFailed(arguments: arguments, status: -1, output: "\(error)")
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard exitStatus == 0 else {
            throw TmuxError.commandFailed(arguments: arguments, status: exitStatus, output: output)
        }
        return output
    }

    /// Sends tmux key names (`Enter`, `Escape`, `Down`, `F1`, `C-c`, `q`).
    func sendKeys(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }

    /// Types literal text (UTF-8 welcome).
    func type(_ text: String) throws { try run(["send-keys", "-t", session, "-l", text]) }

    /// The screen as text; with `colors`, including the escape sequences.
    func capture(colors: Bool = false) throws -> String {
        try run(["capture-pane", "-p"] + (colors ? ["-e"] : []) + ["-t", session])
    }

    /// Polls the screen until `predicate` holds (no fixed sleeps).
    @discardableResult
    func wait(timeout: TimeInterval = 10, description: String, until predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = (try? capture()) ?? ""
            if predicate(screen) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TmuxError.timedOut(waitingFor: description, screen: screen)
    }

    @discardableResult
    func wait(for text: String, timeout: TimeInterval = 10) throws -> String {
        try wait(timeout: timeout, description: text) { $0.contains(text) }
    }

    func resize(columns: Int, rows: Int) throws {
        try run(["resize-window", "-t", session, "-x", "\(columns)", "-y", "\(rows)"])
    }

    var isAlive: Bool {
        ((try? run(["display-message", "-p", "-t", session, "#{pane_dead}"])) ?? "1").trimmingCharacters(in: .whitespacesAndNewlines) == "0"
    }

    /// The pane's process id (the shell running the command).
    var panePID: Int32? {
        (try? run(["display-message", "-p", "-t", session, "#{pane_pid}"])).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Whether the pane shows the alternate screen.
    var alternateScreenOn: Bool {
        ((try? run(["display-message", "-p", "-t", session, "#{alternate_on}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    func waitUntilDead(timeout: TimeInterval = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !isAlive { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TmuxError.timedOut(waitingFor: "the program to exit", screen: (try? capture()) ?? "")
    }

    func kill() {
        _ = try? run(["kill-server"])
    }
}
