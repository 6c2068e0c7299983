import Foundation
import ShiftDeskLaunch

/// Runs the real `shiftdesk` binary, as scripts and operators do.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }

        init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }

        init(_ ended: Captured, _ arguments: [String]) {
            status = ended.status
            stdout = ended.text
            stderr = ended.timedOut ? "shiftdesk \(arguments.joined(separator: " ")) hung: killed after \(Int(CLI.patience)) s\n"
                + ended.errorText : ended.errorText
        }
    }

    /// Runs another program (`sqlite3`, `psql`, `python3`) to its end: what it wrote, or a
    /// failure naming it when it exits non-zero.
    @discardableResult
    static func tool(_ arguments: [String], mergingErrors: Bool = false) throws -> String {
        let ended = try Launched.capture(arguments, mergingErrors: mergingErrors, upTo: patience)
        guard ended.status == 0 else {
            throw CLIError.failed("\(arguments.joined(separator: " ")) exited \(ended.status): \(ended.errorText)\(ended.text)")
        }
        return ended.text
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

    /// The command line and environment of one invocation.
    func invocation(_ arguments: [String], withDatabase: Bool = true) -> (arguments: [String], environment: [String: String]) {
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "Asia/Shanghai"
        env["SHIFTDESK_LANG"] = "en"
        env.removeValue(forKey: "SHIFTDESK_DB")
        env.removeValue(forKey: "SHIFTDESK_OPERATOR")
        for (key, value) in environment { env[key] = value }
        return ([CLI.binary] + arguments + (withDatabase ? ["--db", database] : []), env)
    }

    @discardableResult
    func run(_ arguments: String..., withDatabase: Bool = true) throws -> Result {
        try run(arguments, withDatabase: withDatabase)
    }

    /// How long one command may take before it counts as hung (killed and failed, naming it):
    /// a blocking wait cannot be interrupted by a test's time limit.
    static let patience = 300.0

    /// Starts a long-running command (a service) and returns it running. Stop it with
    /// `stop(within:)`; launches go through ShiftDeskLaunch, safe from every test thread at once
    /// (Foundation's Process was not: see Sources/ShiftDeskLaunch).
    func start(_ arguments: [String]) throws -> Launched {
        let (command, env) = invocation(arguments)
        return try Launched.start(command, name: "shiftdesk \(arguments.first ?? "")", environment: env)
    }

    @discardableResult
    func run(_ arguments: [String], withDatabase: Bool = true) throws -> Result {
        let (command, env) = invocation(arguments, withDatabase: withDatabase)
        return Result(try Capturing(command, environment: env).finish(upTo: CLI.patience), arguments)
    }

    /// Starts several invocations at the same moment and waits for all.
    func race(_ invocations: [[String]]) throws -> [Result] {
        let started = try invocations.map { arguments in
            let (command, env) = invocation(arguments)
            return try Capturing(command, environment: env)
        }
        return zip(started, invocations).map { Result($0.finish(upTo: CLI.patience), $1) }
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
