import Foundation
import ShiftDeskLaunch
#if canImport(Glibc)
import Glibc
#endif

// Key press to frame, the console run locally against the same console reached through SSH on
// loopback (a private sshd with its own host key, the operator's key forced to `shiftdesk serve`).
// Each console runs in a pseudo-terminal of its own at 80x24; a key is timed from the moment it is
// written to the terminal until the last byte of the frame it causes is read back. Keys are sent
// in the quiet part of each second, between the countdowns' ticks, so a tick never lands in a sample.
//   swift run -c release Benchmarks ssh

/// A program in a pseudo-terminal of its own.
final class PseudoTerminal {
    let master: Int32
    let pid: pid_t

    init(_ arguments: [String], environment: [String: String]) throws {
        // posix_openpt and friends are not in Swift's Glibc module: Linux's own calls do the same.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0, ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
            throw BenchmarkFailure("no pseudo-terminal")
        }
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slavePath = "/dev/pts/\(number)"
        // A session of its own, so the terminal becomes the program's controlling terminal.
        pid = try Launched.start(arguments, environment: environment, input: .terminal(slavePath), output: .descriptor(0),
                                 errors: .descriptor(0), closing: [master], newSession: true).pid
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads what arrives within `timeout` ms; nil when nothing did.
    func read(timeout: Int32) -> [UInt8]? {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, timeout) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
        return count > 0 ? Array(buffer[0..<count]) : nil
    }

    /// Reads until nothing more comes for `quiet` ms; returns when the last byte came (nil: nothing came).
    func drain(quiet: Int32) -> (bytes: [UInt8], last: UInt64)? {
        var all: [UInt8] = []
        var last: UInt64 = 0
        while let chunk = read(timeout: quiet) {
            all += chunk
            last = DispatchTime.now().uptimeNanoseconds
        }
        return all.isEmpty ? nil : (all, last)
    }

    func waitFor(_ text: String, seconds: Double) -> Bool {
        let needle = Array(text.utf8)
        var seen: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let chunk = read(timeout: 100) {
                seen += chunk
                if seen.count >= needle.count, (0...(seen.count - needle.count)).contains(where: { Array(seen[$0..<$0 + needle.count]) == needle }) {
                    return true
                }
            }
        }
        return false
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Key press to last byte of its frame, `count` samples, in ms, sorted.
    func keyToFrame(_ count: Int) -> [Double] {
        var samples: [Double] = []
        var lastTick = UInt64(0)
        var key = "j"
        while samples.count < count {
            // Anything arriving unasked is the countdown's tick: note when, then key in its wake.
            if let (_, at) = drain(quiet: 20) { lastTick = at }
            let now = DispatchTime.now().uptimeNanoseconds
            guard lastTick > 0, now - lastTick < 700_000_000 else {
                // Wait for the next tick (at most a second away), then let it finish.
                if read(timeout: 1200) != nil { lastTick = drain(quiet: 20)?.last ?? DispatchTime.now().uptimeNanoseconds }
                continue
            }
            let start = DispatchTime.now().uptimeNanoseconds
            send(key)
            // The frame's first bytes, then the rest of it (a frame comes in one write, SSH may cut it in packets).
            guard read(timeout: 500) != nil else { continue }
            let first = DispatchTime.now().uptimeNanoseconds
            let last = drain(quiet: 10)?.last ?? first
            samples.append(Double(last - start) / 1e6)
            key = key == "j" ? "k" : "j"
        }
        return samples.sorted()
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int32 {
    try Launched.run(arguments, environment: environment)
}

func sshKeyLatencyBenchmark() async throws {
    print("Key to frame, local console vs. the same console through SSH on loopback (80x24, L1 queue of the demo desk)")
    guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else {
        print("  skipped: /usr/sbin/sshd is not installed (apt-get install openssh-server)")
        return
    }
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("shiftdesk").path
    let folder = scratchFolder.appendingPathComponent("ssh-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let database = folder + "/desk.sqlite"
    var environment = ProcessInfo.processInfo.environment
    environment["SHIFTDESK_AUTHORIZED_KEYS"] = folder + "/authorized_keys"
    environment["TZ"] = "Asia/Shanghai"
    guard try run([binary, "init", "--demo", "--db", database], environment: environment) == 0 else { throw BenchmarkFailure("init --demo failed") }
    for key in ["operator", "host"] {
        guard try run(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "\(folder)/\(key)"]) == 0 else { throw BenchmarkFailure("ssh-keygen") }
    }
    // An L1 seat: escalation-call pop-ups (desk, incident manager) would take the first key.
    guard try run([binary, "operator", "key", "add", "wang.fang", folder + "/operator.pub", "--db", database], environment: environment) == 0 else {
        throw BenchmarkFailure("operator key add failed")
    }
    let port = Int.random(in: 20_000..<32_700)  // below the ephemeral ports (32768–60999)
    try Data("""
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(folder)/host
        PidFile \(folder)/sshd.pid
        AuthorizedKeysFile \(folder)/authorized_keys
        StrictModes no
        PermitRootLogin prohibit-password
        PasswordAuthentication no
        UsePAM no
        AcceptEnv LANG LC_*
        """.utf8).write(to: URL(fileURLWithPath: folder + "/sshd_config"))
    try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
    guard try run(["/usr/sbin/sshd", "-f", folder + "/sshd_config"]) == 0 else { throw BenchmarkFailure("sshd did not start") }
    defer {
        if let pid = (try? String(contentsOfFile: folder + "/sshd.pid", encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            kill(pid, SIGTERM)
        }
    }
    let user = ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
    let terminal = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "Asia/Shanghai", "PATH": "/usr/bin:/bin",
                    "HOME": NSHomeDirectory(), "SHIFTDESK_LANG": "en"]
    let seats: [(String, [String])] = [
        ("local console", [binary, "console", "--db", database, "--as", "wang.fang"]),
        ("console through SSH (loopback)", ["/usr/bin/ssh", "-F", "/dev/null", "-i", folder + "/operator", "-o", "IdentitiesOnly=yes",
                                            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                                            "-p", "\(port)", "-tt", "\(user)@127.0.0.1"]),
    ]
    var results: [[Double]] = []
    for (name, command) in seats {
        let seat = try PseudoTerminal(command, environment: terminal)
        defer { seat.stop() }
        guard seat.waitFor("F10", seconds: 20) else { throw BenchmarkFailure("\(name): no first frame") }
        let samples = seat.keyToFrame(large ? 1000 : 200)
        line("  \(name): key (j/k) to frame", samples)
        results.append(samples)
    }
    if results.count == 2 {
        print(String(format: "  through SSH minus local: median %+.3f ms, p99 %+.3f ms (budget: p99 within 2 ms)",
                     percentile(results[1], 0.5) - percentile(results[0], 0.5), percentile(results[1], 0.99) - percentile(results[0], 0.99)))
    }
}
