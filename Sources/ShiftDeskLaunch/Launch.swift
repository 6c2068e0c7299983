import Foundation

/// Starting another program: `posix_spawn` and `waitpid`, the one way ShiftDesk, its tests and
/// its benchmarks launch processes.
///
/// Not Foundation's `Process` (TOOLCHAIN-NOTES.md): a program that leaves a daemon behind
/// (`pg_ctl start`, `tmux new-session -d`) hands the daemon the descriptor `Process` watches,
/// and `waitUntilExit` then waits for the daemon.
///
/// Every child starts with an empty signal mask and default handlers. Swift's concurrency and
/// Dispatch threads block most signals, and a spawned process inherits the mask of the thread
/// that spawned it: a tmux server started from a task never heard `kill-server` (SIGTERM stayed
/// blocked), so its consoles outlived the run that started them.
public struct Launched: Sendable {
    public let pid: pid_t
    public let name: String

    /// A process already started (to wait for it or signal it).
    public init(pid: pid_t, name: String) {
        self.pid = pid
        self.name = name
    }

    /// Where a child's standard descriptors go.
    public enum Stream: Sendable {
        case null
        /// Created if missing; appended to or truncated.
        case file(String, append: Bool = false)
        /// The same as standard output (only for standard error).
        case output
        /// A terminal device, opened for reading and writing.
        case terminal(String)
        /// A descriptor the child already has (opened by an earlier stream), dup'ed onto this one.
        case descriptor(Int32)
    }

    /// Starts `arguments[0]` (a path) with `arguments`; the environment is this process's unless given.
    public static func start(_ arguments: [String], name: String? = nil, environment: [String: String]? = nil,
                             input: Stream = .null, output: Stream = .null, errors: Stream = .output,
                             closing: [Int32] = [], newSession: Bool = false) throws(LaunchError) -> Launched {
        guard let executable = arguments.first else { throw LaunchError(program: "", reason: "no program named") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        func route(_ stream: Stream, to descriptor: Int32, reading: Bool) {
            switch stream {
            case .null: posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", reading ? O_RDONLY : O_WRONLY, 0)
            case .file(let path, let append):
                posix_spawn_file_actions_addopen(&actions, descriptor, path,
                                                 reading ? O_RDONLY : O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o600)
            case .terminal(let path): posix_spawn_file_actions_addopen(&actions, descriptor, path, O_RDWR, 0)
            case .output: posix_spawn_file_actions_adddup2(&actions, 1, descriptor)
            case .descriptor(let held): posix_spawn_file_actions_adddup2(&actions, held, descriptor)
            }
        }
        route(input, to: 0, reading: true)
        route(output, to: 1, reading: false)
        route(errors, to: 2, reading: false)
        for descriptor in closing { posix_spawn_file_actions_addclose(&actions, descriptor) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var every = sigset_t()
        sigfillset(&every)
        sigdelset(&every, SIGKILL)
        sigdelset(&every, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &every)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newSession { flags |= 0x80 /* POSIX_SPAWN_SETSID (glibc), a terminal of its own */ }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp ?? [] { free(pointer) }
        }
        var pid: pid_t = 0
        let status: Int32
        if let envp {
            status = envp.withUnsafeBufferPointer { env in
                posix_spawn(&pid, executable, &actions, &attributes, argv, UnsafeMutablePointer(mutating: env.baseAddress))
            }
        } else {
            status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard status == 0 else { throw LaunchError(program: executable, reason: String(cString: strerror(status))) }
        return Launched(pid: pid, name: name ?? executable)
    }

    /// Runs to the end and answers the exit status (128 + the signal when killed).
    public static func run(_ arguments: [String], environment: [String: String]? = nil,
                           output: Stream = .null, errors: Stream = .output) throws(LaunchError) -> Int32 {
        try start(arguments, environment: environment, output: output, errors: errors).wait()
    }

    /// Waits for the exit: the status (128 + the signal when killed).
    @discardableResult
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return Self.exitStatus(status)
    }

    /// Waits at most `seconds`; past that the child is killed (SIGKILL) and the answer is nil,
    /// so a hung process is named instead of hanging whoever waits for it.
    public func wait(upTo seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        var pause: UInt32 = 500  // short commands answer in a few milliseconds: look often at first
        while Date() < deadline {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { return Self.exitStatus(status) }
            if done < 0, errno != EINTR { return nil }
            usleep(pause)
            pause = min(50_000, pause * 2)
        }
        kill(pid, SIGKILL)
        wait()
        return nil
    }

    public func signal(_ number: Int32) { kill(pid, number) }

    static func exitStatus(_ status: Int32) -> Int32 {
        status & 0x7f != 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff
    }
}

public struct LaunchError: Error, CustomStringConvertible, Sendable {
    public let program: String
    public let reason: String
    public var description: String { "cannot start \(program): \(reason)" }
}
