import Foundation
import ShiftDeskCore

/// Who sits at the seat when ShiftDesk runs as the forced command of an operator's SSH key
/// (`shiftdesk serve LOGIN`): the key decides the login, the administrator's forced command the
/// database and configuration, and the clock is the real one. Set for the command `serve` runs;
/// nil in the administrator's own shell.
struct Seat: Sendable {
    let login: String
    /// `--db` of the forced command, as the administrator wrote it.
    let database: String?
    /// `--config` of the forced command.
    let config: String?

    @TaskLocal static var current: Seat?

    /// The options the seat's command runs with: its own choices (language, JSON) and the seat's
    /// login, database and configuration. Whatever the command named itself for those is refused
    /// before this point (``RemoteCommandPolicy``); this is the second wall.
    func options(_ requested: GlobalOptions) throws(CLIFailure) -> GlobalOptions {
        let language = Language.resolve(explicit: requested.lang, environment: ProcessInfo.processInfo.environment)
        for (given, name) in [(requested.login, "--as"), (requested.now, "--now"), (requested.db, "--db"),
                              (requested.policy, "--policy"), (requested.config, "--config")] where given != nil {
            throw CLIFailure(AccessRefusal.forbiddenOption(name).message(language))
        }
        var options = requested
        options.login = login
        options.db = database
        options.config = config
        return options
    }
}
