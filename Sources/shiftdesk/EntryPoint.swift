import ArgumentParser
import CMalloc
import Foundation

/// Exit status: 0 success, 1 refused action or bad input, 2 usage error (DESIGN.md).
@main
struct EntryPoint {
    static func main() async {
        // A write past the file-size limit (`ulimit -f`) fails with EFBIG and is reported, named,
        // instead of the default SIGXFSZ killing the process mid-command without a word.
        signal(SIGXFSZ, SIG_IGN)
        // glibc gives every thread that allocates an arena of its own (up to 8 per core) and keeps
        // what each frees: the console's load behind its first frame, spread over the concurrency
        // pool's threads, left ~30 MB of freed pages resident at 100k open tickets (issue 19:
        // VmRSS 112–117 MB with the default, 82–88 MB with two arenas; README, Performance).
        _ = mallopt(M_ARENA_MAX, 2)
        // And it raises its thresholds as large blocks are freed (up to 32 MB to mmap, 64 MB to
        // trim): after the console's load freed its pages of whole tickets, the free top of a
        // thread's arena was never handed back, nor was the next big array mmapped, and
        // `malloc_trim` does not trim a thread arena's top. Fixed thresholds keep big arrays in
        // their own mappings and trim any arena whose free top passes 512 KB (issue 19: VmRSS at
        // 100k open 70–72 → 64–65 MB).
        _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
        _ = mallopt(M_TRIM_THRESHOLD, 512 * 1024)
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try ShiftDesk.command(arguments)
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

extension ShiftDesk {
    /// The command `arguments` name. Opening the console (no command, or `console`) is what a
    /// person waits for: those arguments are parsed by the console command alone, without first
    /// building the tree of every command (tens of milliseconds of reflection at every start,
    /// issue 19). Help, and anything the console does not take, go through the whole tree, so
    /// every answer and every usage error stays as it was.
    static func command(_ arguments: [String]) throws -> ParsableCommand {
        guard let console = consoleArguments(arguments) else { return try parseAsRoot(arguments) }
        do {
            return try ConsoleCommand.parseAsRoot(console)
        } catch {
            return try parseAsRoot(arguments)
        }
    }

    /// The console's own arguments when `arguments` open the console, else nil.
    static func consoleArguments(_ arguments: [String]) -> [String]? {
        let asked = ["-h", "--help", "-help", "help", "--version", "--generate-completion-script", "--experimental-dump-help"]
        guard !arguments.contains(where: { asked.contains($0) || $0.hasPrefix("--generate-completion") }) else { return nil }
        guard let first = arguments.first else { return [] }
        if first == ConsoleCommand.configuration.commandName { return Array(arguments.dropFirst()) }
        return first.hasPrefix("-") ? arguments : nil
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
