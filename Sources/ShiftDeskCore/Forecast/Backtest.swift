import Foundation

/// Replays the last weeks: each week is forecast from the weeks before it only (the method of
/// `ArrivalForecaster`, unchanged) and compared, hour by hour, with what arrived; beside it the
/// seasonal-naive forecast (the same hour a week earlier), the baseline the method must beat.
public struct Backtest: Sendable {
    /// Errors of one forecast of one line over the weeks replayed.
    public struct Errors: Sendable, Hashable {
        public private(set) var hours = 0
        public private(set) var arrived = 0.0
        public private(set) var forecast = 0.0
        public private(set) var absoluteError = 0.0
        private var hourlyPercentSum = 0.0
        public private(set) var hoursWithArrivals = 0
        private var dailyPercentSum = 0.0
        public private(set) var daysWithArrivals = 0

        public init() {}

        mutating func add(hourly forecast: Double, arrived actual: Double) {
            hours += 1
            arrived += actual
            self.forecast += forecast
            absoluteError += abs(forecast - actual)
            if actual > 0 {
                hourlyPercentSum += abs(forecast - actual) / actual
                hoursWithArrivals += 1
            }
        }

        mutating func add(daily forecast: Double, arrived actual: Double) {
            if actual > 0 {
                dailyPercentSum += abs(forecast - actual) / actual
                daysWithArrivals += 1
            }
        }

        /// Mean absolute percentage error over the hours in which something arrived (an hour
        /// with none has no percentage); nil without such hours.
        public var mape: Double? { hoursWithArrivals > 0 ? hourlyPercentSum / Double(hoursWithArrivals) : nil }
        /// The same over whole days.
        public var dailyMAPE: Double? { daysWithArrivals > 0 ? dailyPercentSum / Double(daysWithArrivals) : nil }
        /// Σ|F − A| / ΣA: the error of every hour, weighted by what arrived.
        public var wape: Double? { arrived > 0 ? absoluteError / arrived : nil }
        /// Σ(F − A) / ΣA: above 0 the forecast runs high.
        public var bias: Double? { arrived > 0 ? (forecast - arrived) / arrived : nil }
    }

    public struct LineScore: Sendable, Hashable {
        public var method = Errors()
        public var seasonalNaive = Errors()
    }

    /// The first day of each week replayed, oldest first.
    public private(set) var weeks: [LocalDate] = []
    /// Weeks that could not be forecast (under two weeks of history before them).
    public private(set) var skipped: [LocalDate] = []
    public private(set) var lines: [Tier: LineScore] = [:]
    public let settings: ForecastSettings

    /// The `count` whole weeks before the local day containing `now`.
    public init(history: HourlyArrivals, days: SpecialDays, settings: ForecastSettings, now: Date, weeks count: Int) {
        self.settings = settings
        let local = LocalHours(timeZone: history.timeZone)
        let today = local.localHour(of: now).date
        let forecaster = ArrivalForecaster(history: history, days: days, settings: settings)
        for line in Tier.allCases { lines[line] = LineScore() }
        for index in 0..<max(0, count) {
            let first = LocalDate(dayNumber: today.dayNumber - 7 * (count - index))
            let forecast: ArrivalForecast
            do {
                // A DST week may have 169 hours; the dates decide what belongs to the week.
                forecast = try forecaster.forecast(from: local.start(of: first), hours: 7 * 24 + 2)
            } catch {
                skipped.append(first)
                continue
            }
            weeks.append(first)
            var seen = Set<Int>()
            var dailyForecast: [Tier: [Int: Double]] = [:]
            for hour in forecast.hours where hour.date.dayNumber < first.dayNumber + 7 {
                guard seen.insert(hour.date.dayNumber * 24 + hour.hour).inserted else { continue }
                let lastWeek = LocalDate(dayNumber: hour.date.dayNumber - 7)
                for line in Tier.allCases {
                    let actual = Double(history.count(line, on: hour.date, hour: hour.hour))
                    let predicted = hour.arrivals[line] ?? 0
                    lines[line]?.method.add(hourly: predicted, arrived: actual)
                    lines[line]?.seasonalNaive.add(hourly: Double(history.count(line, on: lastWeek, hour: hour.hour)), arrived: actual)
                    dailyForecast[line, default: [:]][hour.date.dayNumber, default: 0] += predicted
                }
            }
            for line in Tier.allCases {
                for offset in 0..<7 {
                    let date = LocalDate(dayNumber: first.dayNumber + offset)
                    let actual = Double(history.total(line, on: date))
                    lines[line]?.method.add(daily: dailyForecast[line]?[date.dayNumber] ?? 0, arrived: actual)
                    lines[line]?.seasonalNaive.add(daily: Double(history.total(line, on: LocalDate(dayNumber: date.dayNumber - 7))), arrived: actual)
                }
            }
        }
    }
}
