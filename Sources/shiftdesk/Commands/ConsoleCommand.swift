import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore
import ShiftDeskTUI

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        // Read only when the console's arguments are parsed on their own, as `shiftdesk` opening
        // the console (EntryPoint's fast path): it skips the two trial parses for a completion
        // script request, which that path never carries (issue 19's first frame).
        _superCommandName: "shiftdesk",
        abstract: "Open the console (the default command).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Open on this role's queue: desk, l1, l2, im, supervisor, problem_manager, owner or auditor (default: your role's).") var role: Role?
    @Option(help: "Colour theme: a name from themes/ (default, high-contrast, mono, ascii) or a path.") var theme: String?
    @Flag(help: "A fresh demo desk in a temporary place, opened as its desk agent unless --as names another.") var demo = false

    func run() async throws {
        var options = global
        let environment = ProcessInfo.processInfo.environment
        if demo {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-demo-\(UUID().uuidString)")
            options.db = folder.appendingPathComponent("desk.sqlite").path
            if options.login == nil, environment["SHIFTDESK_OPERATOR"] == nil { options.login = DemoDesk.deskAgent }
        }
        var context = try Context(options)
        // The console reads a page of rows at a time and holds the queue itself: SQLite's own
        // 2 MB cache per connection was a tenth of its memory at 100k open (issue 19).
        context.sqlitePageCacheKiB = Self.sqlitePageCacheKiB
        let desk = try await context.desk(create: demo)
        if demo {
            _ = try await DemoLoader.load(into: desk, tickets: 60, seed: 2026, context: context)
        }
        let sweep = context.sweep(desk, firedBy: "console@\(context.login)")
        do { try await sweep.replanIfPolicyChanged() } catch { throw CLIFailure(error, context) }
        var console = Console.Setup(
            desk: desk, sweep: sweep, login: context.login, queue: role.map(QueueKind.home(of:)), language: context.language,
            timeZone: context.timeZone, theme: theme, themeDirectories: Self.themeDirectories(environment),
            sheetsDirectory: Self.dataDirectory(environment).appendingPathComponent("sheets").path, environment: environment,
            schedule: context.schedule,
            confinedFolder: context.seat.map { Self.dataDirectory(environment).appendingPathComponent("reports/\($0.login)").path },
            forecast: context.config.forecast,
            parsePolicy: context.policyParser)
        console.clockSpeed = (context.clock as? DeskClock)?.following?.speed ?? 1
        let setup = console
        // ncurses and the console's waits live on a thread of their own, off the concurrency pool.
        let status: Result<Int32, Console.Failure> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(Console.Failure) {
                    continuation.resume(returning: .success(try Console.run(setup)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        switch status {
        case let .success(code):
            if code != 0 { throw ExitCode(code) }
        case let .failure(failure):
            throw CLIFailure(failure.description)
        }
    }

    static let sqlitePageCacheKiB = 256

    static func themeDirectories(_ environment: [String: String]) -> [String] {
        var directories = [FileManager.default.currentDirectoryPath + "/themes"]
        if let config = Context.configDirectory(environment) { directories.append((config as NSString).appendingPathComponent("themes")) }
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            directories.append(url.appendingPathComponent("themes").path)
            url = url.deletingLastPathComponent()
        }
        return directories
    }

    static func dataDirectory(_ environment: [String: String]) -> URL {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return URL(fileURLWithPath: base).appendingPathComponent("shiftdesk")
    }
}
