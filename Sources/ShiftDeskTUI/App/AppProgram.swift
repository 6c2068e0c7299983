import Foundation
import ShiftDeskCore

/// What the runner feeds into `update`.
public enum AppEvent<Message: Sendable>: Sendable {
    case key(KeyEvent)
    case resize(TerminalSize)
    /// Once per second, with the injected clock's time: recompute countdowns from it.
    case tick(Date)
    /// The polling hook reported that the store changed.
    case externalChange
    /// What a performed effect returned.
    case result(Message)
}

/// What `update` asks the runner to do: side effects leave `update` this way.
public enum AppCommand<Effect> {
    case quit
    /// Run the effect with the program's `execute`; its result comes back as `.result`.
    case perform(Effect)
    /// Run the effect on a thread of its own while the program goes on (a slow load); its
    /// result comes back as `.result` in a later loop iteration.
    case performInBackground(Effect)
    /// Switch theme (e.g. from the `:theme NAME` command).
    case setTheme(Theme)

    /// Whether the command runs an effect (the console's effects all read or write the desk).
    var runsAnEffect: Bool {
        switch self {
        case .perform, .performInBackground: true
        case .quit, .setTheme: false
        }
    }
}

/// What `render` may need besides the state.
public struct RenderContext: Sendable {
    public var size: TerminalSize
    public var theme: Theme
    public var colorMode: ColorMode
    public var now: Date

    public init(size: TerminalSize, theme: Theme, colorMode: ColorMode, now: Date) {
        self.size = size
        self.theme = theme
        self.colorMode = colorMode
        self.now = now
    }
}

/// A program for ``AppRunner``: a state value, `update`, `render`, and the
/// side-effect executor. Everything runs on the runner's thread.
public struct AppProgram<State, Effect: Sendable, Message: Sendable> {
    public var initialState: State
    /// Carried out before the first loop iteration (e.g. a load that finishes in the background).
    public var initialCommands: [AppCommand<Effect>]
    public var update: (inout State, AppEvent<Message>) -> [AppCommand<Effect>]
    public var render: (State, inout Canvas, RenderContext) -> Void
    /// Executes an effect (store write, notification…); a thrown error ends the
    /// run (after restoring the terminal) and is rethrown by ``AppRunner/run()``.
    /// Sendable: background effects run it on their own thread.
    public var execute: @Sendable (Effect) throws -> Message?
    /// Called on every loop iteration; returns true when the store changed.
    public var pollExternalChange: () -> Bool

    public init(initialState: State,
                initialCommands: [AppCommand<Effect>] = [],
                update: @escaping (inout State, AppEvent<Message>) -> [AppCommand<Effect>],
                render: @escaping (State, inout Canvas, RenderContext) -> Void,
                execute: @escaping @Sendable (Effect) throws -> Message? = { _ in nil },
                pollExternalChange: @escaping () -> Bool = { false }) {
        self.initialState = initialState
        self.initialCommands = initialCommands
        self.update = update
        self.render = render
        self.execute = execute
        self.pollExternalChange = pollExternalChange
    }
}

public struct AppRunnerOptions: Sendable {
    /// Below this size the layout is replaced by a "terminal too small" message.
    public var minimumSize: TerminalSize
    public var tickInterval: Duration
    /// Longest wait for input: bounds how late a signal is noticed.
    public var pollInterval: Duration
    public var language: Language
    /// Installs SIGINT/SIGTERM/SIGHUP handling (off in unit tests).
    public var handleSignals: Bool

    public init(minimumSize: TerminalSize = TerminalSize(columns: 60, rows: 16),
                tickInterval: Duration = .seconds(1),
                pollInterval: Duration = .milliseconds(200),
                language: Language = .en,
                handleSignals: Bool = true) {
        self.minimumSize = minimumSize
        self.tickInterval = tickInterval
        self.pollInterval = pollInterval
        self.language = language
        self.handleSignals = handleSignals
    }
}

/// Why ``AppRunner/run()`` returned.
public enum ExitReason: Sendable, Equatable {
    case quit
    /// SIGINT, SIGTERM or SIGHUP arrived; exit with 128 + the number.
    case signal(Int32)

    public var exitCode: Int32 {
        switch self {
        case .quit: return 0
        case .signal(let number): return 128 + number
        }
    }
}
