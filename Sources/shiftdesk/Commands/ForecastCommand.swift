import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// `shiftdesk forecast`: arrivals per line per hour, the seats each line needs to keep its
/// response targets, against the roster; `forecast backtest` replays the last weeks (README,
/// "Load forecast and seat planning").
struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast", abstract: "Forecast arrivals per line and hour, and the seats needed against the roster.",
        subcommands: [Plan.self, Backtest.self], defaultSubcommand: Plan.self)

    enum Format: String, ExpressibleByArgument, CaseIterable { case md, csv, json }

    /// The `[forecast]` settings of the configuration, with the weeks of `--history` if given.
    static func settings(_ context: Context, history: Int?) -> ForecastSettings {
        var settings = context.config.forecast
        if let history { settings.weeks = history }
        return settings
    }

    static func validateHistory(_ history: Int?) throws {
        if let history, !ForecastSettings.weeksRange.contains(history) {
            throw ValidationError("--history takes \(ForecastSettings.weeksRange.lowerBound) to \(ForecastSettings.weeksRange.upperBound) weeks, not \(history)")
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan", abstract: "The next days, hour by hour: forecast arrivals, seats needed, on the roster, short hours (the default).")

        static let daysRange = 1...14

        @OptionGroup var global: GlobalOptions
        @Option(help: "How many days ahead (1 to 14).") var days = 7
        @Option(help: "Only this line: desk, l1, l2 or vendor.") var line: Tier?
        @Option(help: "md, csv or json.") var format: Format = .md
        @Option(help: "Weeks of history the level is taken from (2 to 52; default: [forecast] weeks, else 8).") var history: Int?

        func validate() throws {
            guard Self.daysRange.contains(days) else { throw ValidationError("--days takes 1 to 14 days, not \(days)") }
            try ForecastCommand.validateHistory(history)
        }

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let loader = ForecastLoader(desk: desk, settings: ForecastCommand.settings(context, history: history), timeZone: context.timeZone)
            let plan: SeatPlan
            do { plan = try await loader.plan(hours: days * 24, schedule: context.schedule) } catch {
                throw CLIFailure(error.message(context.language, timeZone: context.timeZone))
            }
            let renderer = ForecastRenderer(language: context.language, timeZone: context.timeZone)
            let text: String
            switch context.json ? .json : format {
            case .md: text = renderer.markdown(plan, days: days, only: line)
            case .csv: text = renderer.csv(plan, only: line)
            case .json: text = renderer.json(plan, only: line).serialized(pretty: true) + "\n"
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    struct Backtest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backtest", abstract: "Replay the last weeks: each forecast from the weeks before it, its error against seasonal-naive.")

        static let weeksRange = 1...52

        @OptionGroup var global: GlobalOptions
        @Option(help: "How many past weeks to replay (1 to 52).") var weeks = 4
        @Option(help: "md or json.") var format: Format = .md
        @Option(help: "Weeks of history each forecast is taken from (2 to 52; default: [forecast] weeks, else 8).") var history: Int?

        func validate() throws {
            guard Self.weeksRange.contains(weeks) else { throw ValidationError("--weeks takes 1 to 52 weeks, not \(weeks)") }
            if format == .csv { throw ValidationError("--format for a backtest takes md or json") }
            try ForecastCommand.validateHistory(history)
        }

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let loader = ForecastLoader(desk: desk, settings: ForecastCommand.settings(context, history: history), timeZone: context.timeZone)
            let result: ShiftDeskCore.Backtest
            do { result = try await loader.backtest(weeks: weeks) } catch { throw CLIFailure(error, context) }
            let renderer = ForecastRenderer(language: context.language, timeZone: context.timeZone)
            let text = context.json || format == .json ? renderer.json(result).serialized(pretty: true) + "\n" : renderer.markdown(result)
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
