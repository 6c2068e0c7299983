import Foundation
import Testing
import ShiftDeskCore

/// `shiftdesk forecast` and `forecast backtest` through the real binary, on the demo desk.
@Suite struct ForecastCommandTests {
    static let now = "2026-11-29T15:00:00+08:00"

    @Test func thePlanInEveryFormatAndLanguage() throws {
        let cli = try CLI.withFreshDatabase()
        try cli.expectSuccess("init", "--demo", "--now", Self.now)

        let json = try cli.expectSuccess("forecast", "--now", Self.now, "--days", "1", "--format", "json")
        let plan = try #require(json.json as? [String: Any])
        let hours = try #require(plan["hours"] as? [[String: Any]])
        #expect(hours.count == 24)
        #expect(hours.first?["start"] as? String == "2026-11-29T07:00:00Z", "the hour containing now, 15:00 in Shanghai")
        let lines = try #require(hours.first?["lines"] as? [String: Any])
        #expect(Set(lines.keys) == ["desk", "l1", "l2", "vendor"])
        let desk = try #require(lines["desk"] as? [String: Any])
        #expect(desk["on_roster"] as? Int == 2, "zhang.wei and amy.chen are on the day shift")
        #expect((lines["vendor"] as? [String: Any])?["on_roster"] is NSNull)
        #expect((plan["weeks_used"] as? Int ?? 0) >= 2)
        let targets = try #require(plan["response_targets_seconds"] as? [String: Double])
        #expect(targets == ["major": 900, "general": 1800, "minor": 3600], "the duty table's response targets")

        let csv = try cli.expectSuccess("forecast", "--now", Self.now, "--days", "2", "--line", "l1", "--format", "csv")
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.first == "start_utc,local_hour,day_kind,line,arrivals,seats_needed,on_roster,short")
        #expect(rows.count == 49)
        #expect(rows.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[3] == "l1" })

        let chinese = try cli.expectSuccess("forecast", "--now", Self.now, "--days", "1", "--lang", "zh")
        #expect(chinese.stdout.contains("# 负载预测与坐席需求"))
        #expect(chinese.stdout.contains("| 时段 | 日类型 | 线路 | 预测来件 | 需要坐席 | 排班人数 | 缺员 |"))
        let english = try cli.expectSuccess("forecast", "--now", Self.now, "--days", "1")
        #expect(english.stdout.contains("Response targets (policy in force): major 15m, general 30m, minor 1h"))

        // A desk's policy in force decides the targets: an office-hours file with other ones.
        let policy = FileManager.default.temporaryDirectory.appendingPathComponent("forecast-policy-\(UUID().uuidString).toml")
        try Data("[priorities.general]\nrespond_within = \"10m\"\nresolve_within = \"4h\"\n".utf8).write(to: policy)
        defer { try? FileManager.default.removeItem(at: policy) }
        let stricter = try cli.expectSuccess("forecast", "--now", Self.now, "--days", "1", "--policy", policy.path, "--json")
        #expect((stricter.json as? [String: Any]).flatMap { $0["response_targets_seconds"] as? [String: Double] }?["general"] == 600)

        let tooFar = try cli.run("forecast", "--now", Self.now, "--days", "15")
        #expect(tooFar.status == 2)
        #expect(tooFar.stderr.contains("--days takes 1 to 14 days"))
    }

    @Test func noForecastWithoutTwoWeeksOfHistory() throws {
        let cli = try CLI.withFreshDatabase()
        try cli.expectSuccess("init", "--now", Self.now)
        let result = try cli.run("forecast", "--now", Self.now)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no forecast") && result.stderr.contains("[forecast.history]"), "\(result.stderr)")
        let zh = try cli.run("forecast", "--now", Self.now, "--lang", "zh")
        #expect(zh.stderr.contains("无法预测"))
    }

    @Test func theBacktestReplaysWeeksAgainstSeasonalNaive() throws {
        let cli = try CLI.withFreshDatabase()
        try cli.expectSuccess("init", "--demo", "--now", Self.now)
        let result = try cli.expectSuccess("forecast", "backtest", "--weeks", "2", "--now", Self.now, "--history", "2", "--json")
        let backtest = try #require(result.json as? [String: Any])
        let weeks = (backtest["weeks"] as? [String] ?? []) + (backtest["skipped"] as? [String] ?? [])
        #expect(weeks == ["2026-11-15", "2026-11-22"])
        let desk = try #require((backtest["lines"] as? [String: Any])?["desk"] as? [String: Any])
        #expect(desk["method"] is [String: Any] && desk["seasonal_naive"] is [String: Any])
        let markdown = try cli.expectSuccess("forecast", "backtest", "--weeks", "2", "--now", Self.now)
        #expect(markdown.stdout.contains("seasonal-naive"))
        #expect(try cli.run("forecast", "backtest", "--weeks", "0", "--now", Self.now).status == 2)
    }

    @Test func operatorsMayRunItOverSSHButNotAtAnotherInstant() throws {
        try RemoteCommandPolicy.check(["forecast", "--days", "2"])
        try RemoteCommandPolicy.check(["forecast", "backtest", "--weeks", "4"])
        #expect(throws: AccessRefusal.self) { try RemoteCommandPolicy.check(["forecast", "--now", Self.now]) }
    }
}
