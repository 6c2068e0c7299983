import Foundation

/// Starting another program: `posix_spawn` and `waitpid`, the one way ShiftDesk, its tests and
/// its benchmarks launch processes.
///
/// Not Foundation's `Process` (TOOLCHAIN-NOTES.md): a program that leaves a daemon behind
/// (`pg_ctl start`, `tmux new-session -d`) hands the daemon the descriptor `Process` watches,
/// and `waitUntilExit` then waits for the daemon; and `Process` launched, drained and stopped
/// from several threads at once crashes the process that launches (seen in the test process:
/// "failed to allocate … bytes", with the mail transport's `sendmail` in one suite and the
/// command-line tests in another).
///
/// Every child starts with an empty signal mask and default handlers. Swift's concurrency and
/// Dispatch threads block most signals, and a spawned process inherits the mask of the thread
/// that spawned it: a tmux server started from a task never heard `kill-server` (SIGTERM stayed
/// blocked), so its consoles outlived the run that started them.
///
/// Pipes made here are close-on-exec: a child started meanwhile by another thread does not
/// inherit them and so cannot hold a reader open after the child they were made for has gone.
public final class Launched: @unchecked Sendable {
    public let pid: pid_t
    public let name: String
    private let lock = NSLock()
    /// The exit status once reaped (reaping happens once; every later question reads this).
    private var reaped: Int32?

    /// A process already started (to wait for it or signal it).
    public init(pid: pid_t, name: String) {
        self.pid = pid
        self.name = name
    }

    /// Held while a child is spawned or a pipe is made (see ``LaunchPipe``).
    static let spawning = NSLock()

    /// Where a child's standard descriptors go.
    public enum Stream: Sendable {
        case null
        /// Created if missing; appended to or truncated.
        case file(String, append: Bool = false)
        /// The same as standard output (only for standard error).
        case output
        /// A terminal device, opened for reading and writing.
        case terminal(String)
        /// A descriptor of this process (a pipe's end, an open file) or one the child already has
        /// from an earlier stream, dup'ed onto this one.
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
        spawning.lock()
        defer { spawning.unlock() }
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
        while true {
            if let status = poll(blocking: true) { return status }
        }
    }

    /// Waits at most `seconds`; past that the child is killed (SIGKILL) and the answer is nil,
    /// so a hung process is named instead of hanging whoever waits for it.
    public func wait(upTo seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var pause: UInt32 = 500  // short commands answer in a few milliseconds: look often at first
        while Date() < deadline {
            if let status = poll(blocking: false) { return status }
            usleep(pause)
            pause = min(50_000, pause * 2)
        }
        kill(pid, SIGKILL)
        wait()
        return nil
    }

    /// Whether it has not exited yet (an exited child is reaped here).
    public var isRunning: Bool { poll(blocking: false) == nil }

    /// The exit status once it has exited and been waited for, else nil.
    public var exitStatus: Int32? { lock.withLock { reaped } }

    public func signal(_ number: Int32) { kill(pid, number) }

    /// Asks it to stop (SIGTERM) unless it has already exited.
    public func terminate() {
        if isRunning { kill(pid, SIGTERM) }
    }

    /// Stops it (SIGTERM, then SIGKILL past `seconds`) and waits: the exit status.
    @discardableResult
    public func stop(within seconds: Double = 10) -> Int32 {
        terminate()
        return wait(upTo: seconds) ?? exitStatus ?? 128 + SIGKILL
    }

    /// Reaps the child if it has exited: its status, or nil while it runs. Safe from several
    /// threads: the one that reaps keeps the status for the others.
    private func poll(blocking: Bool) -> Int32? {
        if let known = exitStatus { return known }
        var status: Int32 = 0
        let done = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        if done == pid {
            let exit = Self.decode(status)
            lock.withLock { reaped = exit }
            return exit
        }
        if done < 0, errno == ECHILD {
            // Another thread reaped it between our look and our wait: its status is on its way.
            for _ in 0..<1000 {
                if let known = exitStatus { return known }
                usleep(1000)
            }
            return 128 + SIGKILL
        }
        if blocking, done < 0, errno != EINTR { return 128 + SIGKILL }
        return nil
    }

    static func decode(_ status: Int32) -> Int32 {
        status & 0x7f != 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff
    }
}

public struct LaunchError: Error, CustomStringConvertible, Sendable {
    public let program: String
    public let reason: String
    public var description: String { "cannot start \(program): \(reason)" }
}

// MARK: Capturing what a child writes

/// What a program that ran to its end wrote, and how it ended.
public struct Captured: Sendable {
    /// The exit status (128 + the signal when killed).
    public let status: Int32
    public let output: Data
    public let errors: Data
    /// Killed for running past the time it was given.
    public let timedOut: Bool

    public var text: String { String(decoding: output, as: UTF8.self) }
    public var errorText: String { String(decoding: errors, as: UTF8.self) }
}

/// A pipe made close-on-exec (see ``Launched``).
public struct LaunchPipe: Sendable {
    public let reading: Int32
    public let writing: Int32

    public init() throws(LaunchError) {
        var ends: [Int32] = [-1, -1]
        // pipe2(O_CLOEXEC) is not visible from Swift's Glibc: pipe and fcntl under the lock
        // every launch here takes, so no child of ours is spawned between the two.
        let made = Launched.spawning.withLock { () -> Int32 in
            guard pipe(&ends) == 0 else { return errno }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            return 0
        }
        guard made == 0 else { throw LaunchError(program: "pipe", reason: String(cString: strerror(made))) }
        reading = ends[0]
        writing = ends[1]
    }

    /// Writes all of `data` to the writing end (for a child's standard input).
    public func write(_ data: Data) {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count, let base = bytes.baseAddress {
                let written = Glibc.write(writing, base + offset, bytes.count - offset)
                if written < 0 { if errno == EINTR { continue } else { return } }
                offset += written
            }
        }
    }

    public func closeReading() { close(reading) }
    public func closeWriting() { close(writing) }
}

/// A child started with its output and errors going into pipes; ``finish(upTo:)`` reads both to
/// their end (together, so a child filling one never blocks on the other) and waits for it.
public final class Capturing: Sendable {
    public let process: Launched
    private let output: Int32
    private let errors: Int32

    public init(_ arguments: [String], name: String? = nil, environment: [String: String]? = nil,
                input: Launched.Stream = .null, mergingErrors: Bool = false) throws(LaunchError) {
        let out = try LaunchPipe()
        let err: LaunchPipe
        do { err = try LaunchPipe() } catch {
            out.closeReading(); out.closeWriting()
            throw error
        }
        do {
            process = try Launched.start(arguments, name: name, environment: environment, input: input,
                                         output: .descriptor(out.writing),
                                         errors: mergingErrors ? .output : .descriptor(err.writing))
        } catch {
            for end in [out.reading, out.writing, err.reading, err.writing] { close(end) }
            throw error
        }
        out.closeWriting()
        err.closeWriting()
        output = out.reading
        errors = err.reading
    }

    /// Reads to the end and waits. Past `seconds` (if given) the child is killed and what it
    /// wrote so far is answered, marked as timed out.
    public func finish(upTo seconds: Double? = nil) -> Captured {
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        var collected = [Data(), Data()]
        var open = [output, errors]
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while open.contains(where: { $0 >= 0 }) {
            var watched = open.filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            var wait: Int32 = -1
            if let deadline {
                let left = deadline.timeIntervalSinceNow
                if left <= 0 { timedOut = true; break }
                wait = Int32(min(left * 1000 + 1, 60_000))
            }
            let ready = Glibc.poll(&watched, nfds_t(watched.count), wait)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in watched where entry.revents != 0 {
                guard let slot = open.firstIndex(of: entry.fd) else { continue }
                let count = read(entry.fd, &buffer, buffer.count)
                if count > 0 {
                    collected[slot].append(contentsOf: buffer[0..<count])
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(entry.fd)
                    open[slot] = -1
                }
            }
        }
        for end in open where end >= 0 { close(end) }
        if timedOut { process.signal(SIGKILL) }
        // Its output closed, it is about to exit; a child that closed its output and went on is
        // given the rest of its time (at least a second).
        let status = timedOut ? process.wait()
            : deadline.map { process.wait(upTo: max(1, $0.timeIntervalSinceNow)) ?? 128 + SIGKILL } ?? process.wait()
        return Captured(status: status, output: collected[0], errors: collected[1], timedOut: timedOut)
    }
}

extension Launched {
    /// Runs `arguments` to the end with its output and errors captured.
    public static func capture(_ arguments: [String], environment: [String: String]? = nil, input: Stream = .null,
                               mergingErrors: Bool = false, upTo seconds: Double? = nil) throws(LaunchError) -> Captured {
        try Capturing(arguments, environment: environment, input: input, mergingErrors: mergingErrors).finish(upTo: seconds)
    }
}
