import Foundation

/// The seat plan and the backtest as text: Markdown, CSV and JSON, in the operator's language
/// and zone. The CLI prints these; the Plan screen uses the same labels.
public struct ForecastRenderer: Sendable {
    public let language: Language
    public let timeZone: TimeZone

    public init(language: Language, timeZone: TimeZone) {
        self.language = language
        self.timeZone = timeZone
    }

    private var l: Language { language }

    /// `12-03 14:00`, the hour's local start.
    public func hourLabel(_ hour: PlanHour) -> String {
        String(format: "%02d-%02d %02d:00", hour.date.month, hour.date.day, hour.hour)
    }

    public static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    public static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.1f %%", value * 100)
    }

    static func signedPercent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%+.1f %%", value * 100)
    }

    public func seatsText(_ line: LineHour) -> String {
        line.seatsNeeded.map(String.init) ?? (line.arrivals > 0 ? "?" : "0")
    }

    public func rosterText(_ line: LineHour) -> String { line.onRoster.map(String.init) ?? "—" }

    public func shortText(_ line: LineHour) -> String {
        guard line.isShort, let needed = line.seatsNeeded, let roster = line.onRoster else { return "" }
        return l.pick(en: "short \(needed - roster)", zh: "缺 \(needed - roster) 人")
    }

    /// The lines after `--line`.
    public static func lines(_ only: Tier?) -> [Tier] { only.map { [$0] } ?? Tier.allCases }

    /// What the plan rests on, one sentence a line.
    public func basis(_ plan: SeatPlan) -> [String] {
        var out: [String] = []
        let f = plan.forecast
        guard f.weeksUsed >= ArrivalForecaster.trendWeeks else {
            out.append(l.pick(
                en: "History: \(f.weeksUsed) weeks from \(f.historyFrom); level per hour of each kind of day (trimmed mean); no trend from fewer than \(ArrivalForecaster.trendWeeks) weeks",
                zh: "历史：自 \(f.historyFrom) 起 \(f.weeksUsed) 周；按日类型和小时取截尾均值；不足 \(ArrivalForecaster.trendWeeks) 周不计趋势"))
            return out + rest(plan)
        }
        out.append(l.pick(
            en: "History: \(f.weeksUsed) weeks from \(f.historyFrom); level per hour of each kind of day (trimmed mean), Theil–Sen trend per week: "
                + Tier.allCases.map { "\($0.label(l)) \(Self.signedPercent(f.weeklyTrend[$0]))" }.joined(separator: ", "),
            zh: "历史：自 \(f.historyFrom) 起 \(f.weeksUsed) 周；按日类型和小时取截尾均值，Theil–Sen 周趋势："
                + Tier.allCases.map { "\($0.label(l)) \(Self.signedPercent(f.weeklyTrend[$0]))" }.joined(separator: "，")))
        return out + rest(plan)
    }

    /// The targets, the work time per line, the unscheduled operators and the forecast's notes.
    private func rest(_ plan: SeatPlan) -> [String] {
        var out: [String] = []
        let responseTargets = plan.responseTargets
        out.append(l.pick(
            en: "Response targets (policy in force): "
                + Priority.allCases.map { "\($0.label(l)) \(SLADuration.format(responseTargets[$0] ?? 0))" }.joined(separator: ", ")
                + "; \(Self.percent(plan.settings.serviceLevel)) of arrivals answered within them, occupancy at most \(Self.percent(plan.settings.occupancyCap))",
            zh: "响应时限（现行策略）："
                + Priority.allCases.map { "\($0.label(l)) \(SLADuration.format(responseTargets[$0] ?? 0))" }.joined(separator: "，")
                + "；\(Self.percent(plan.settings.serviceLevel)) 的来件须在时限内响应，坐席占用率不超过 \(Self.percent(plan.settings.occupancyCap))"))
        for line in Tier.allCases {
            if let figures = plan.workTime.lines[line] {
                out.append(l.pick(
                    en: "Work time \(line.label(l)): median \(DisplayTime.duration(figures.median)), middle half \(DisplayTime.duration(figures.lowerQuartile))–\(DisplayTime.duration(figures.upperQuartile)), mean \(DisplayTime.duration(figures.mean)) (used), \(figures.count) holds"
                        + (figures.overlong > 0 ? ", \(figures.overlong) over 8h left out" : ""),
                    zh: "\(line.label(l))处理时长：中位数 \(DisplayTime.duration(figures.median))，中间一半 \(DisplayTime.duration(figures.lowerQuartile))–\(DisplayTime.duration(figures.upperQuartile))，均值 \(DisplayTime.duration(figures.mean))（用于计算），共 \(figures.count) 次"
                        + (figures.overlong > 0 ? "，另有 \(figures.overlong) 次超过 8 小时未计入" : "")))
            } else {
                out.append(l.pick(en: "Work time \(line.label(l)): no holds measured, so no seat count for this line",
                                  zh: "\(line.label(l))处理时长：没有可测量的处理记录，因此该线路不计算坐席数"))
            }
        }
        for line in Tier.allCases where (plan.unscheduled[line] ?? 0) > 0 {
            out.append(l.pick(en: "\(plan.unscheduled[line] ?? 0) \(line.label(l)) operators have no --shift and are not on the roster",
                              zh: "\(line.label(l))有 \(plan.unscheduled[line] ?? 0) 名操作员未设置 --shift，不计入排班"))
        }
        out += plan.forecast.notes.map { $0.message(l) }
        return out
    }

    public func markdown(_ plan: SeatPlan, days: Int, only: Tier?) -> String {
        var out = "# " + l.pick(en: "Load forecast and seats", zh: "负载预测与坐席需求") + "\n\n"
        if let first = plan.hours.first {
            out += l.pick(en: "From \(DisplayTime.format(first.start, in: timeZone)) (\(timeZone.identifier)), \(days) \(days == 1 ? "day" : "days").",
                          zh: "自 \(DisplayTime.format(first.start, in: timeZone))（\(timeZone.identifier)）起 \(days) 天。") + "\n\n"
        }
        out += basis(plan).map { "- " + $0 }.joined(separator: "\n") + "\n\n"
        let headers = [l.pick(en: "hour", zh: "时段"), l.pick(en: "day", zh: "日类型"), l.pick(en: "line", zh: "线路"),
                       l.pick(en: "arrivals", zh: "预测来件"), l.pick(en: "seats needed", zh: "需要坐席"),
                       l.pick(en: "on roster", zh: "排班人数"), l.pick(en: "short", zh: "缺员")]
        out += "| " + headers.joined(separator: " | ") + " |\n|" + headers.map { _ in "---" }.joined(separator: "|") + "|\n"
        for hour in plan.hours {
            for line in Self.lines(only) {
                guard let figures = hour.lines[line] else { continue }
                let short = shortText(figures)
                out += "| " + [hourLabel(hour), hour.kind.label(l), line.label(l), Self.number(figures.arrivals), seatsText(figures),
                               rosterText(figures), short.isEmpty ? "" : "**\(short)**"].joined(separator: " | ") + " |\n"
            }
        }
        let short = plan.hours.reduce(0) { count, hour in count + Self.lines(only).filter { hour.lines[$0]?.isShort == true }.count }
        out += "\n" + l.pick(en: "\(short) line-hours short of staff.", zh: "共 \(short) 个线路时段缺员。") + "\n"
        return out
    }

    public func csv(_ plan: SeatPlan, only: Tier?) -> String {
        var out = "start_utc,local_hour,day_kind,line,arrivals,seats_needed,on_roster,short\n"
        for hour in plan.hours {
            for line in Self.lines(only) {
                guard let figures = hour.lines[line] else { continue }
                out += [ISO8601.format(hour.start), "\(hour.date) " + String(format: "%02d:00", hour.hour), hour.kind.description, line.rawValue,
                        String(format: "%.2f", figures.arrivals), figures.seatsNeeded.map(String.init) ?? "",
                        figures.onRoster.map(String.init) ?? "", figures.isShort ? "true" : "false"].joined(separator: ",") + "\n"
            }
        }
        return out
    }

    public func json(_ plan: SeatPlan, only: Tier?) -> JSONValue {
        let responseTargets = plan.responseTargets
        func optional(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        func figures(_ f: WorkTime.Figures) -> JSONValue {
            .object([("holds", .int(Int64(f.count))), ("overlong", .int(Int64(f.overlong))), ("median_seconds", .double(f.median)),
                     ("lower_quartile_seconds", .double(f.lowerQuartile)), ("upper_quartile_seconds", .double(f.upperQuartile)),
                     ("mean_seconds", .double(f.mean))])
        }
        let lines = Self.lines(only)
        let workTime: [(String, JSONValue)] = lines.map { line in
            var entry: [(String, JSONValue)] = [("all", plan.workTime.lines[line].map(figures) ?? .null)]
            for priority in Priority.allCases {
                entry.append((priority.rawValue, plan.workTime.byPriority[line]?[priority].map(figures) ?? .null))
            }
            return (line.rawValue, .object(entry))
        }
        let hours: [JSONValue] = plan.hours.map { hour in
            .object([("start", .string(ISO8601.format(hour.start))), ("local", .string("\(hour.date) " + String(format: "%02d:00", hour.hour))),
                     ("day_kind", .string(hour.kind.description)),
                     ("lines", .object(lines.compactMap { line in
                         hour.lines[line].map { f in
                             (line.rawValue, .object([("arrivals", .double((f.arrivals * 100).rounded() / 100)), ("seats_needed", optional(f.seatsNeeded)),
                                                      ("on_roster", optional(f.onRoster)), ("short", .bool(f.isShort))]))
                         }
                     }))])
        }
        return .object([
            ("time_zone", .string(timeZone.identifier)),
            ("weeks_used", .int(Int64(plan.forecast.weeksUsed))),
            ("history_from", .string(plan.forecast.historyFrom.description)),
            ("weekly_trend", .object(lines.map { ($0.rawValue, .double(plan.forecast.weeklyTrend[$0] ?? 0)) })),
            ("service_level", .double(plan.settings.serviceLevel)),
            ("occupancy_cap", .double(plan.settings.occupancyCap)),
            ("response_targets_seconds", .object(Priority.allCases.map { ($0.rawValue, .double(responseTargets[$0] ?? 0)) })),
            ("work_time", .object(workTime)),
            ("notes", .array(plan.forecast.notes.map { .string($0.message(.en)) })),
            ("hours", .array(hours)),
        ])
    }

    // MARK: Backtest

    public func markdown(_ backtest: Backtest) -> String {
        var out = "# " + l.pick(en: "Forecast backtest", zh: "预测回测") + "\n\n"
        if let first = backtest.weeks.first, let last = backtest.weeks.last {
            out += l.pick(en: "\(backtest.weeks.count) weeks replayed, \(first) to \(LocalDate(dayNumber: last.dayNumber + 6)); each forecast from the \(backtest.settings.weeks) weeks before it at most.",
                          zh: "回放 \(backtest.weeks.count) 周：\(first) 至 \(LocalDate(dayNumber: last.dayNumber + 6))；每周只用此前至多 \(backtest.settings.weeks) 周的历史预测。") + "\n"
        } else {
            out += l.pick(en: "No week could be replayed.", zh: "没有可以回放的周。") + "\n"
        }
        if !backtest.skipped.isEmpty {
            out += l.pick(en: "Not replayed (under 2 weeks of history before them): ", zh: "未回放（此前历史不足 2 周）：")
                + backtest.skipped.map(\.description).joined(separator: ", ") + "\n"
        }
        out += "\n" + l.pick(en: "MAPE over the hours (and days) in which something arrived; WAPE = Σ|F−A| / ΣA; bias = Σ(F−A) / ΣA. Seasonal-naive: the same hour a week earlier.",
                             zh: "MAPE 按有来件的小时（及天）计算；WAPE = Σ|F−A| / ΣA；偏差 = Σ(F−A) / ΣA。季节性朴素法：上周同一小时的来件数。") + "\n\n"
        let headers = [l.pick(en: "line", zh: "线路"), l.pick(en: "arrived", zh: "实际来件"), l.pick(en: "forecast", zh: "预测方法"),
                       "MAPE", l.pick(en: "daily MAPE", zh: "按天 MAPE"), "WAPE", l.pick(en: "bias", zh: "偏差")]
        out += "| " + headers.joined(separator: " | ") + " |\n|" + headers.map { _ in "---" }.joined(separator: "|") + "|\n"
        for line in Tier.allCases {
            guard let score = backtest.lines[line] else { continue }
            for (name, errors) in [(l.pick(en: "this method", zh: "本方法"), score.method), (l.pick(en: "seasonal-naive", zh: "季节性朴素法"), score.seasonalNaive)] {
                out += "| " + [line.label(l), String(Int(errors.arrived)), name, Self.percent(errors.mape), Self.percent(errors.dailyMAPE),
                               Self.percent(errors.wape), Self.signedPercent(errors.bias)].joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    public func json(_ backtest: Backtest) -> JSONValue {
        func number(_ value: Double?) -> JSONValue { value.map { .double(($0 * 10_000).rounded() / 10_000) } ?? .null }
        func errors(_ e: Backtest.Errors) -> JSONValue {
            .object([("hours", .int(Int64(e.hours))), ("arrived", .int(Int64(e.arrived))), ("mape", number(e.mape)),
                     ("daily_mape", number(e.dailyMAPE)), ("wape", number(e.wape)), ("bias", number(e.bias))])
        }
        return .object([
            ("weeks", .array(backtest.weeks.map { .string($0.description) })),
            ("skipped", .array(backtest.skipped.map { .string($0.description) })),
            ("history_weeks", .int(Int64(backtest.settings.weeks))),
            ("lines", .object(Tier.allCases.compactMap { line in
                backtest.lines[line].map { (line.rawValue, .object([("method", errors($0.method)), ("seasonal_naive", errors($0.seasonalNaive))])) }
            })),
        ])
    }
}
