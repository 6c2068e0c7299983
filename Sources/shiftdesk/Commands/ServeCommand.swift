import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// The forced command of an operator's SSH key (`command="shiftdesk serve LOGIN",restrict,pty`):
/// the key decides who sits at the seat. Without `SSH_ORIGINAL_COMMAND` it opens the console as
/// LOGIN in the SSH session's terminal; with one, it runs that ShiftDesk command as LOGIN, split
/// into arguments without any shell, after refusing what only the administrator may do.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve one SSH seat as LOGIN (the forced command `operator key add` writes).",
        discussion: """
            Runs the command the SSH client asked for (SSH_ORIGINAL_COMMAND) as LOGIN, or the console when it asked \
            for none. --as, --now, --db, --policy, --config, --output and the administrator's commands are refused.
            """)

    @Argument(help: "The operator the key belongs to.") var login: String
    @Option(help: "The desk database (set by the administrator in the forced command; default $SHIFTDESK_DB, else the default path).")
    var db: String?
    @Option(help: "The configuration file (set by the administrator in the forced command).") var config: String?

    static func lookUp(_ login: String, _ context: Context) async throws(CLIFailure) -> Operator? {
        let store = try context.openStore()
        do { return try await store.findOperator(login: login) } catch { throw CLIFailure(error, context) }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let language = Language.resolve(explicit: nil, environment: environment)
        let requested = environment["SSH_ORIGINAL_COMMAND"] ?? ""
        let arguments: [String]
        do {
            arguments = try RemoteCommandLine.split(requested)
            if !arguments.isEmpty { try RemoteCommandPolicy.check(arguments) }
        } catch {
            throw CLIFailure(error.message(language))
        }
        let seat = Seat(login: login, database: db ?? environment["SHIFTDESK_DB"].flatMap { $0.isEmpty ? nil : $0 }, config: config)
        try await Seat.$current.withValue(seat) {
            // Who it is, before anything opens: an unknown or disabled login gets no further.
            let context = try Context(try GlobalOptions.parse([]))
            let person = try await Self.lookUp(login, context)
            guard let person else { throw CLIFailure(AccessRefusal.unknownOperator(login).message(language)) }
            guard !person.disabled else { throw CLIFailure(AccessRefusal.disabledOperator(login).message(language)) }

            let command = arguments.isEmpty ? ["console"] : arguments
            if RemoteCommandPolicy.opensConsole(command), isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0 {
                throw CLIFailure(AccessRefusal.needsTerminal.message(language))
            }
            var parsed = try ShiftDesk.command(command)
            if var asyncCommand = parsed as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try parsed.run()
            }
        }
    }
}
