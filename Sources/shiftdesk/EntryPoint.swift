import ArgumentParser
import Foundation

/// Exit status: 0 success, 1 refused action or bad input, 2 usage error (DESIGN.md).
@main
struct EntryPoint {
    static func main() async {
        // A write past the file-size limit (`ulimit -f`) fails with EFBIG and is reported, named,
        // instead of the default SIGXFSZ killing the process mid-command without a word.
        signal(SIGXFSZ, SIG_IGN)
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try ShiftDesk.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CLIFailure {
            Output.error(failure.message)
            exit(failure.status)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            if ShiftDesk.exitCode(for: error) == .success {
                print(ShiftDesk.fullMessage(for: error))
                exit(0)
            }
            let reason = ShiftDesk.message(for: error).split(separator: "\n").first.map(String.init) ?? "usage error"
            Output.error(reason + " (see --help)")
            exit(2)
        }
    }
}

struct ShiftDesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shiftdesk",
        abstract: "ShiftDesk: the service-desk console for shift workers.",
        discussion: "Without a command, opens the console.",
        subcommands: [ConsoleCommand.self, InitCommand.self, MigrateCommand.self, OperatorCommand.self, TicketCommand.self, ProblemCommand.self, KnownErrorCommand.self, SLACommand.self,
                      EscalateDueCommand.self, EscalatorCommand.self, NotifyCommand.self, HandoverCommand.self, ReportCommand.self,
                      ImportCommand.self, ExportCommand.self, ServeCommand.self, AuditCommand.self, ForecastCommand.self, DocCommand.self, PolicyCommand.self, BackupCommand.self, RestoreCommand.self,
                      DrillCommand.self],
        defaultSubcommand: ConsoleCommand.self)
}
