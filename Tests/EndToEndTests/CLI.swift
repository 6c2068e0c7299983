import Foundation

/// Runs the real `shiftdesk` binary, as scripts and operators do.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    let database: String
    var environment: [String: String] = [:]

    /// A fresh desk database in a temporary folder (not created until `init`).
    static func withFreshDatabase() throws -> CLI {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return CLI(database: folder.appendingPathComponent("desk.sqlite").path)
    }

    /// The binary built beside the test bundle, or `$SHIFTDESK_BIN`.
    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["SHIFTDESK_BIN"] { return explicit }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: me).deletingLastPathComponent()
        if folder.lastPathComponent == "MacOS" { folder = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
        return folder.appendingPathComponent("shiftdesk").path
    }

    func process(_ arguments: [String], withDatabase: Bool = true) -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments + (withDatabase ? ["--db", database] : [])
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "Asia/Shanghai"
        env["SHIFTDESK_LANG"] = "en"
        env.removeValue(forKey: "SHIFTDESK_DB")
        env.removeValue(forKey: "SHIFTDESK_OPERATOR")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        return (process, out, err)
    }

    @discardableResult
    func run(_ arguments: String..., withDatabase: Bool = true) throws -> Result {
        try run(arguments, withDatabase: withDatabase)
    }

    /// Foundation's Process on Linux is not safe to launch and drain from several threads at
    /// once (seen: a crash in readDataToEndOfFile while suites ran in parallel), so every
    /// launch in this target goes through one lock.
    static let launches = NSLock()

    /// Starts a long-running command (a service) and returns it running.
    func start(_ arguments: [String]) throws -> Process {
        try CLI.launches.withLock {
            let (process, _, _) = process(arguments)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
    }

    /// Stops a service started with ``start(_:)`` and waits for it, under the launch lock:
    /// two escalator tests stopping theirs while other threads ran commands crashed the test
    /// process in Foundation ("failed to allocate … bytes").
    static func stop(_ process: Process) {
        launches.withLock {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    @discardableResult
    func run(_ arguments: [String], withDatabase: Bool = true) throws -> Result {
        try CLI.launches.withLock { try runUnlocked(arguments, withDatabase: withDatabase) }
    }

    private func runUnlocked(_ arguments: [String], withDatabase: Bool) throws -> Result {
        let (process, out, err) = process(arguments, withDatabase: withDatabase)
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts several invocations at the same moment and waits for all.
    func race(_ invocations: [[String]]) throws -> [Result] {
        try CLI.launches.withLock { try raceUnlocked(invocations) }
    }

    private func raceUnlocked(_ invocations: [[String]]) throws -> [Result] {
        let started = invocations.map { process($0) }
        for (process, _, _) in started { try process.run() }
        return started.map { process, out, err in
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                          stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// An initialised desk with one operator of each line.
    static func staffedDesk() throws -> CLI {
        try staffedDesk(on: withFreshDatabase())
    }

    /// The same desk on a fresh PostgreSQL database (`postgres`), or on SQLite.
    static func staffedDesk(backend: String) throws -> CLI {
        backend == "postgres" ? try staffedDesk(on: withFreshPostgresDatabase()) : try staffedDesk()
    }

    static func staffedDesk(on cli: CLI) throws -> CLI {
        try cli.expectSuccess("init")
        for (login, name, role) in [("desk1", "张伟", "desk"), ("l1a", "王芳", "l1"), ("l1b", "Raj Patel", "l1"),
                                    ("l2a", "陈静", "l2"), ("im1", "孙丽", "im")] {
            try cli.expectSuccess("operator", "add", login, "--name", name, "--role", role)
        }
        return cli
    }

    @discardableResult
    func expectSuccess(_ arguments: String...) throws -> Result {
        let result = try run(arguments)
        guard result.status == 0 else {
            throw CLIError.failed("shiftdesk \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }
}

enum CLIError: Error {
    case failed(String)
}
