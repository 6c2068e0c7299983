import Foundation
import ShiftDeskCore
import ShiftDeskStore
import Synchronization

/// Opens the console for one operator. Runs on the calling thread, which must not be a
/// Swift-concurrency thread (the console waits on store work while it owns ncurses).
public enum Console {
    public struct Setup: Sendable {
        public var desk: Desk
        public var sweep: EscalationSweep
        public var login: String
        public var queue: QueueKind?
        public var language: Language
        public var timeZone: TimeZone
        public var theme: String?
        public var themeDirectories: [String]
        public var sheetsDirectory: String
        public var environment: [String: String]
        public var schedule: ShiftSchedule
        /// Over SSH (`shiftdesk serve`): the one folder this console may write reports to, by file
        /// name only, and themes are chosen by name only: a seat never names a path on the desk host.
        public var confinedFolder: String?
        /// The forecast's settings for the Plan screen (config.toml `[forecast]`).
        public var forecast: ForecastSettings
        /// Reads SLA policy texts (the configuration module's reader): checks a proposal, and
        /// the versions in force after an approval.
        public var parsePolicy: PolicyParser
        /// Seconds of the desk's clock per real second: above 1 on a drill desk, where the
        /// countdowns still redraw once a real second rather than once a simulated one.
        public var clockSpeed: Double = 1

        public init(desk: Desk, sweep: EscalationSweep, login: String, queue: QueueKind?, language: Language, timeZone: TimeZone,
                    theme: String?, themeDirectories: [String], sheetsDirectory: String, environment: [String: String],
                    schedule: ShiftSchedule, confinedFolder: String? = nil, forecast: ForecastSettings = ForecastSettings(),
                    parsePolicy: @escaping PolicyParser = { _, name in .failure(PolicyTextProblem("\(name): no policy reader in this console")) }) {
            self.parsePolicy = parsePolicy
            self.desk = desk
            self.forecast = forecast
            self.confinedFolder = confinedFolder
            self.schedule = schedule
            self.sweep = sweep
            self.login = login
            self.queue = queue
            self.language = language
            self.timeZone = timeZone
            self.theme = theme
            self.themeDirectories = themeDirectories
            self.sheetsDirectory = sheetsDirectory
            self.environment = environment
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case desk(DeskError, Language)
        case terminal(String)

        public var description: String {
            switch self {
            case let .desk(error, language): error.message(language)
            case let .terminal(text): text
            }
        }
    }

    /// Returns the exit status.
    public static func run(_ setup: Setup) throws(Failure) -> Int32 {
        let me = try signIn(setup)
        let signal: any ChangeSignal
        do { signal = try setup.desk.store.changeSignal() } catch { throw .desk(.store(error), setup.language) }
        // The signal's baseline is its first poll: take it before the first load, or a write
        // landing between the load and that poll stays unseen until the next write (the soak
        // caught a console showing an empty queue for seconds after its first call arrived).
        _ = try? Blocking.run { try await signal.poll() }
        let themeResult = Theme.load(nameOrPath: setup.theme ?? setup.environment["SHIFTDESK_THEME"], searchDirectories: setup.themeDirectories)
        let services = ConsoleServices(setup, me: me)
        let terminal: NcursesTerminal
        do { terminal = try NcursesTerminal(environment: setup.environment) } catch { throw .terminal(error.description) }
        var (initial, loadTheRest) = initialState(setup, me: me, services: services, size: terminal.size)
        initial.message = themeResult.warnings.first ?? initial.keptForm.map { $0.offer(setup.language, timeZone: setup.timeZone) }
        // Other seats' changes show within half a second; polling more often only costs an idle console CPU.
        let throttle = Throttle(interval: 0.5)
        let link = services.link
        let program = AppProgram<ConsoleState, ConsoleEffect, ConsoleMessage>(
            initialState: initial,
            initialCommands: loadTheRest,
            update: ConsoleApp.update,
            render: ConsoleApp.render,
            execute: { services.execute($0) },
            pollExternalChange: {
                guard throttle.due() else { return false }
                // A failing poll reloads once, which tells the console the database is gone;
                // the poll that works again reloads: the console catches up where it stopped.
                do {
                    let changed = try Blocking.run { try await signal.poll() }
                    return link.restored() || changed
                } catch let error as StoreError {
                    return link.lost(error.message(setup.language))
                } catch {
                    return link.lost("\(error)")
                }
            })
        let runner = AppRunner(terminal: terminal, program: program, theme: themeResult.theme, clock: setup.desk.clock,
                               options: AppRunnerOptions(tickInterval: .milliseconds(Int64(1000 * min(3600, max(1, setup.clockSpeed)))),
                                                         language: setup.language))
        do {
            let reason = try runner.run()
            // The terminal went away (SSH dropped, SIGHUP, the pane killed) with a long form open:
            // keep what was typed for this operator's next console.
            if case .signal = reason, let kept = KeptForm.capture(runner.state, at: setup.desk.clock.now()) {
                KeptForm.save(kept, setup.desk.store, login: me.login)
            }
            return reason.exitCode
        } catch {
            throw .terminal("\(error)")
        }
    }
}

extension Console {
    static func signIn(_ setup: Setup) throws(Failure) -> Operator {
        do {
            return try Blocking.run { [desk = setup.desk, login = setup.login] in try await desk.requireOperator(login) }
        } catch let error as DeskError {
            throw .desk(error, setup.language)
        } catch {
            throw .terminal("\(error)")
        }
    }

    /// How many of a queue's most urgent tickets the first frame loads: three screens' worth, to
    /// scroll while the rest loads (each row read costs the first frame; 500 on a 60-row screen
    /// was a tenth of it).
    static func firstPageSize(_ size: TerminalSize) -> Int { min(500, max(60, 3 * size.rows)) }

    /// The state of the first frame, and what loads the rest behind it. A queue opens on its
    /// most urgent tickets; every other ticket loads in the background.
    static func initialState(_ setup: Setup, me: Operator, services: ConsoleServices,
                             size: TerminalSize) -> (ConsoleState, [AppCommand<ConsoleEffect>]) {
        var state = ConsoleState(me: me, language: setup.language, timeZone: setup.timeZone, now: setup.desk.clock.now())
        state.customerUpdateEvery = setup.desk.customerUpdateEvery
        if let queue = setup.queue { state.queue = queue }
        state.keptForm = KeptForm.load(setup.desk.store, login: me.login)
        state.size = size
        var rest: [AppCommand<ConsoleEffect>] = []
        var first: ConsoleEffect?
        if state.queue.storeQuery(now: state.now) != nil {
            first = .loadFirstPage(state.queue, limit: firstPageSize(size))
            rest = [.performInBackground(.reload)]
        } else if state.queue == .supervisor {
            // The supervisor's view counts every open ticket: at 100k the whole load held the
            // first frame for seconds. It shows `…` for its numbers and fills in behind the frame.
            first = nil
            rest = [.performInBackground(.reload)]
        } else {
            first = .reload
        }
        if let first, let message = services.execute(first) { _ = ConsoleApp.update(&state, .result(message)) }
        // A small desk came whole.
        if state.loaded { rest = [] }
        // A console opened on the supervisor's view, the weekly review or the reports loads it too.
        for command in ConsoleScreens.oneSupervisorLoad(&state, ConsoleScreens.enter(&state)) {
            switch command {
            case let .perform(effect):
                if let message = services.execute(effect) { _ = ConsoleApp.update(&state, .result(message)) }
            case .performInBackground:
                rest.append(command)
            default:
                break
            }
        }
        // The documents to acknowledge (the banner), whatever the screen.
        if state.queue != .documents, let message = services.execute(.screen(.loadDocuments)) {
            _ = ConsoleApp.update(&state, .result(message))
        }
        return (state, rest)
    }

    /// What `run` puts on the screen first, drawn off-terminal: sign-in, load, first frame.
    /// For the start-up benchmark; like `run`, call it off the concurrency pool.
    public static func firstFrame(_ setup: Setup, size: TerminalSize) throws(Failure) -> Canvas {
        let me = try signIn(setup)
        let services = ConsoleServices(setup, me: me)
        let (state, _) = initialState(setup, me: me, services: services, size: size)
        var canvas = Canvas(size: size)
        ConsoleApp.render(state, &canvas, RenderContext(size: size, theme: .builtinDefault, colorMode: .color256, now: state.now))
        return canvas
    }
}

/// Whether the database answers the console's polls. While it does not, the console does not
/// queue work behind a pool that waits for it: every effect answers "connection lost" at once.
/// One failed poll is not enough to say so: a poll can fail for a moment (SQLite busy while
/// another process opens or checkpoints the desk, a dropped packet) and saying "lost" brings
/// back the form the operator just sent as "not sent".
final class DatabaseLink: Sendable {
    private struct Status { var failedPolls = 0; var lostBecause: String? }
    private let status = Mutex(Status())
    /// Polls failing in a row before the console says the database is gone (a poll is every half second).
    static let failuresBeforeLost = 2

    var lostReason: String? { status.withLock { $0.lostBecause } }

    /// The poll failed; true when this failure makes the database lost (the console reloads,
    /// and hears why).
    func lost(_ reason: String) -> Bool {
        status.withLock { status in
            status.failedPolls += 1
            guard status.failedPolls >= Self.failuresBeforeLost else { return false }
            defer { status.lostBecause = reason }
            return status.lostBecause == nil
        }
    }

    /// The poll worked; true when the database had been lost (the console reloads and catches up).
    func restored() -> Bool {
        status.withLock { status in
            defer { status = Status() }
            return status.lostBecause != nil
        }
    }
}

/// Lets something happen at most once per interval (of the monotonic clock).
final class Throttle {
    private let interval: UInt64
    private var last: UInt64 = 0

    init(interval: TimeInterval) { self.interval = UInt64(interval * 1e9) }

    func due() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now &- last >= interval else { return false }
        last = now
        return true
    }
}
