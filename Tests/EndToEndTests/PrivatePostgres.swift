import Foundation
import ShiftDeskLaunch

/// A PostgreSQL cluster of one test's own, on a loopback port, so the test can stop and start
/// the server under a running console without disturbing other tests.
final class PrivatePostgres {
    enum Failure: Error { case noServer, command(String) }

    let bin: String
    let folder: String
    private(set) var port: Int

    var url: String { "postgres://postgres@127.0.0.1:\(port)/shiftdesk" }

    init() throws {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        guard let version = versions.compactMap(Int.init).max() else { throw Failure.noServer }
        bin = "\(root)/\(version)/bin"
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-pg-\(UUID().uuidString)").path
        port = Self.freshPort()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        if getuid() == 0 { try run("/bin/chown", ["postgres:postgres", folder]) }
        try pg("initdb", ["-D", "\(folder)/data", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "-U", "postgres"])
        // A port taken meanwhile (by another test's server) makes the start fail: another port.
        for attempt in 1...5 {
            do {
                try start()
                return
            } catch where attempt < 5 && ((try? String(contentsOfFile: "\(folder)/log", encoding: .utf8)) ?? "").contains("already in use") {
                port = Self.freshPort()
            }
        }
    }

    /// A loopback port below the kernel's ephemeral range (32768–60999), where the suite's own
    /// client connections take theirs: a random port up there collided with one (CI).
    static func freshPort() -> Int { Int.random(in: 20_000..<32_700) }

    func start() throws {
        try pg("pg_ctl", ["-D", "\(folder)/data", "-w", "-l", "\(folder)/log", "start", "-o",
                          "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories=\(folder) -c fsync=off"])
    }

    func stop() throws {
        try pg("pg_ctl", ["-D", "\(folder)/data", "-w", "-m", "fast", "stop"])
    }

    func destroy() {
        try? stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// One SQL statement as the server's superuser, through `psql` on the cluster's socket.
    func sql(_ statement: String) throws {
        try pg("psql", ["-h", folder, "-p", String(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", statement])
    }

    private func pg(_ tool: String, _ arguments: [String]) throws {
        if getuid() == 0 {
            try run("/sbin/runuser", ["-u", "postgres", "--", "\(bin)/\(tool)"] + arguments)
        } else {
            try run("\(bin)/\(tool)", arguments)
        }
    }

    /// ShiftDeskLaunch, not Foundation's Process: pg_ctl leaves the server running, and the
    /// server would inherit the descriptor Process watches for the child's exit.
    private func run(_ executable: String, _ arguments: [String]) throws {
        let status: Int32
        do { status = try Launched.run([executable] + arguments) } catch { throw Failure.command("\(error)") }
        guard status == 0 else {
            throw Failure.command("\(executable) \(arguments.joined(separator: " ")) exited with status \(status)")
        }
    }
}
