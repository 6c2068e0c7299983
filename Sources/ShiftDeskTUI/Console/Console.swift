import Foundation
import ShiftDeskCore
import ShiftDeskStore

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
        /// The desk's shifts (the supervisor's view); default: 08:30/20:30 in `timeZone`.
        public var schedule: ShiftSchedule?

        public init(desk: Desk, sweep: EscalationSweep, login: String, queue: QueueKind?, language: Language, timeZone: TimeZone,
                    theme: String?, themeDirectories: [String], sheetsDirectory: String, environment: [String: String]) {
            self.desk = desk
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
        let me: Operator
        do {
            me = try Blocking.run { [desk = setup.desk, login = setup.login] in try await desk.requireOperator(login) }
        } catch let error as DeskError {
            throw .desk(error, setup.language)
        } catch {
            throw .terminal("\(error)")
        }
        let signal: any ChangeSignal
        do { signal = try setup.desk.store.changeSignal() } catch { throw .desk(.store(error), setup.language) }
        let themeResult = Theme.load(nameOrPath: setup.theme ?? setup.environment["SHIFTDESK_THEME"], searchDirectories: setup.themeDirectories)
        var services = ConsoleServices(desk: setup.desk, sweep: setup.sweep, me: me, sheetsDirectory: setup.sheetsDirectory,
                                       themeDirectories: setup.themeDirectories, language: setup.language)
        services.schedule = setup.schedule ?? .standard(timeZone: setup.timeZone)
        let terminal: NcursesTerminal
        do { terminal = try NcursesTerminal(environment: setup.environment) } catch { throw .terminal(error.description) }
        var initial = ConsoleState(me: me, language: setup.language, timeZone: setup.timeZone, now: setup.desk.clock.now())
        if let queue = setup.queue { initial.queue = queue }
        initial.size = terminal.size
        initial.message = themeResult.warnings.first
        if let first = services.execute(.reload) { _ = ConsoleApp.update(&initial, .result(first)) }
        for case let .perform(effect) in ConsoleScreens.enter(&initial) {
            if let message = services.execute(effect) { _ = ConsoleApp.update(&initial, .result(message)) }
        }
        // Other seats' changes show within half a second; polling more often only costs an idle console CPU.
        let throttle = Throttle(interval: 0.5)
        let program = AppProgram<ConsoleState, ConsoleEffect, ConsoleMessage>(
            initialState: initial,
            update: ConsoleApp.update,
            render: ConsoleApp.render,
            execute: services.execute,
            pollExternalChange: { throttle.due() && ((try? Blocking.run { try await signal.poll() }) ?? false) })
        let runner = AppRunner(terminal: terminal, program: program, theme: themeResult.theme, clock: setup.desk.clock,
                               options: AppRunnerOptions(language: setup.language))
        do {
            return try runner.run().exitCode
        } catch {
            throw .terminal("\(error)")
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
