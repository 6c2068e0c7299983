import Foundation
import Synchronization

/// Runs an ``AppProgram`` on a ``Terminal``.
///
/// Loop: check signals → poll external change → emit a tick when the clock
/// passed the next whole second → render and present if anything changed →
/// wait for input (at most `pollInterval`). When nothing happens, nothing is
/// rendered and nothing is written. The terminal is shut down on every exit
/// path of ``run()``: quit, signal, and a thrown error.
public final class AppRunner<State, Effect: Sendable, Message: Sendable> {
    public private(set) var state: State
    public private(set) var theme: Theme
    private let terminal: any Terminal
    private let program: AppProgram<State, Effect, Message>
    private let clock: any AppClock
    public let options: AppRunnerOptions
    private let signals = SignalWatcher()
    private var nextTick: Date
    private var needsRender = true
    private var pendingExit: ExitReason?
    private var started = false
    private var initialCommandsDone = false
    private let background = BackgroundResults<Message>()

    public init(terminal: any Terminal, program: AppProgram<State, Effect, Message>, theme: Theme,
                clock: any AppClock = SystemClock(), options: AppRunnerOptions = AppRunnerOptions()) {
        self.terminal = terminal
        self.program = program
        self.state = program.initialState
        self.theme = theme
        self.clock = clock
        self.options = options
        self.nextTick = clock.now()
    }

    /// Runs until quit or a signal; restores the terminal on every path.
    public func run() throws -> ExitReason {
        start()
        defer { finish() }
        while true {
            if let reason = try step() { return reason }
        }
    }

    /// Prepares the terminal (theme, signal handling). Called by ``run()``.
    public func start() {
        guard !started else { return }
        started = true
        if options.handleSignals { signals.start() }
        terminal.apply(theme: theme)
    }

    /// Restores the terminal and signal dispositions. Idempotent.
    public func finish() {
        if options.handleSignals { signals.stop() }
        terminal.shutdown()
    }

    /// One loop iteration; returns why the program ended, or nil to go on.
    @discardableResult
    public func step() throws -> ExitReason? {
        start()
        if let number = signals.received { return .signal(number) }
        if !initialCommandsDone {
            // The first frame goes out before the work behind it starts: on two cores a load
            // started first took the CPU the first frame waited for (issue 19).
            if program.initialCommands.isEmpty {
                needsRender = true
            } else {
                renderNow()
            }
            initialCommandsDone = true
            for message in try carryOut(program.initialCommands) { try handle(.result(message)) }
        }
        if program.pollExternalChange() { try handle(.externalChange) }
        for result in background.take() { try handle(.result(try result.get())) }
        if let pendingExit { return pendingExit }
        let now = clock.now()
        if now >= nextTick {
            try handle(.tick(now))
            nextTick = Self.nextBoundary(after: now, interval: options.tickInterval)
        }
        if let pendingExit { return pendingExit }
        if needsRender {
            renderNow(now: now)
        }
        let untilTick = max(0, nextTick.timeIntervalSince(clock.now()))
        let wait = min(Duration.milliseconds(Int64((untilTick * 1000).rounded(.up))), options.pollInterval)
        if let event = terminal.nextEvent(timeout: wait) {
            switch event {
            case .key(let key): try handle(.key(key))
            case .resize(let size): try handle(.resize(size))
            }
        }
        return pendingExit
    }

    /// Renders the current state into a canvas of the terminal's size and presents it.
    public func renderNow(now: Date? = nil) {
        needsRender = false
        let size = terminal.size
        var canvas = Canvas(size: size, glyphs: theme.glyphs)
        if size.covers(options.minimumSize) {
            let context = RenderContext(size: size, theme: theme, colorMode: terminal.colorMode, now: now ?? clock.now())
            program.render(state, &canvas, context)
        } else {
            let message = Labels.terminalTooSmall(minimum: options.minimumSize, current: size, language: options.language)
            CenteredMessage.draw(message, in: canvas.bounds, canvas: &canvas)
        }
        terminal.present(canvas)
    }

    private func handle(_ event: AppEvent<Message>) throws {
        var queue: [AppEvent<Message>] = [event]
        while !queue.isEmpty {
            let current = queue.removeFirst()
            let commands = program.update(&state, current)
            needsRender = true
            queue += try carryOut(commands).map { .result($0) }
        }
    }

    /// Carries out commands; returns the results of the effects performed at once.
    @discardableResult
    private func carryOut(_ commands: [AppCommand<Effect>]) throws -> [Message] {
        var results: [Message] = []
        for command in commands {
            switch command {
            case .quit:
                pendingExit = pendingExit ?? .quit
            case .perform(let effect):
                if let message = try program.execute(effect) { results.append(message) }
            case .performInBackground(let effect):
                let execute = program.execute
                let background = background
                Thread.detachNewThread {
                    do {
                        if let message = try execute(effect) { background.deliver(.success(message)) }
                    } catch {
                        background.deliver(.failure(error))
                    }
                }
            case .setTheme(let newTheme):
                theme = newTheme
                terminal.apply(theme: newTheme)
            }
        }
        return results
    }

    /// The next whole multiple of `interval` after `date` (ticks land on second boundaries).
    static func nextBoundary(after date: Date, interval: Duration) -> Date {
        let seconds = max(0.001, Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
        let reference = date.timeIntervalSinceReferenceDate
        return Date(timeIntervalSinceReferenceDate: (reference / seconds).rounded(.down) * seconds + seconds)
    }
}

/// Results of background effects, handed from their threads to the loop.
final class BackgroundResults<Message: Sendable>: Sendable {
    private let results = Mutex<[Result<Message, any Error>]>([])

    func deliver(_ result: Result<Message, any Error>) { results.withLock { $0.append(result) } }

    func take() -> [Result<Message, any Error>] {
        results.withLock { taken in
            defer { taken.removeAll() }
            return taken
        }
    }
}
