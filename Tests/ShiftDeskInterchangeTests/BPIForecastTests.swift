import Foundation
import Testing
import ShiftDeskCore
import ShiftDeskInterchange
import ShiftDeskStore

/// The README's backtest figures on the BPI Challenge 2013 log, imported whole: the last three
/// weeks with openings, replayed with 8 and with 4 weeks of history.
@Suite struct BPIForecastTests {
    @Test(.enabled(if: RealLogs.haveBPI, "needs ../shared/data/BPI_Challenge_2013_incidents.xes.gz"), .timeLimit(.minutes(20)))
    func theBacktestFiguresOfTheReadme() async throws {
        let imported = try Scratch.desk()
        let options = ImportOptions(format: .xes, path: RealLogs.bpi2013, displayName: "BPI_Challenge_2013_incidents.xes.gz",
                                    batchSize: 2_000, sourcePrefix: "bpi2013")
        _ = try await Importer(desk: imported, options: options).run()
        let brussels = TimeZone(identifier: "Europe/Brussels") ?? .gmt
        let now = try #require(ISO8601.parse("2012-05-07T00:00:00+02:00", defaultZone: brussels))
        let desk = Desk(store: imported.store, clock: FixedClock(now), policy: imported.policy)

        let eight = try await ForecastLoader(desk: desk, settings: ForecastSettings(weeks: 8), timeZone: brussels).backtest(weeks: 3)
        #expect(eight.weeks.map(\.description) == ["2012-04-16", "2012-04-23", "2012-04-30"])
        let desk8 = try #require(eight.lines[.desk])
        #expect(desk8.method.arrived == 7_005)
        #expect(abs((desk8.method.mape ?? 0) - 0.857) < 0.0005 && abs((desk8.seasonalNaive.mape ?? 0) - 0.743) < 0.0005)
        #expect((desk8.method.mape ?? 0) > (desk8.seasonalNaive.mape ?? 1), "the README says it does not beat seasonal-naive at 8 weeks")

        let four = try await ForecastLoader(desk: desk, settings: ForecastSettings(weeks: 4), timeZone: brussels).backtest(weeks: 3)
        for line in Tier.allCases {
            let score = try #require(four.lines[line])
            #expect((score.method.mape ?? 1) < (score.seasonalNaive.mape ?? 0), "\(line) at 4 weeks")
        }
        #expect(abs((four.lines[.desk]?.method.mape ?? 0) - 0.711) < 0.0005)
    }
}
