import Foundation

/// The settings of the forecast and the seat count (config.toml `[forecast]`).
public struct ForecastSettings: Sendable, Hashable {
    /// How many past weeks the level is taken from.
    public var weeks: Int
    /// The share of arrivals that must wait no longer than their response target.
    public var serviceLevel: Double
    /// The most of their time seats may be busy, however the arrivals would allow more.
    public var occupancyCap: Double

    public static let weeksRange = 2...52
    /// The service level and the occupancy cap, as whole percentages (config and CLI).
    public static let serviceLevelPercent = 50...99
    public static let occupancyPercent = 30...100
    /// No forecast from fewer weeks of history than this.
    public static let minimumWeeks = 2

    public init(weeks: Int = 8, serviceLevel: Double = 0.9, occupancyCap: Double = 0.85) {
        self.weeks = weeks
        self.serviceLevel = serviceLevel
        self.occupancyCap = occupancyCap
    }
}

/// Holidays and make-up working days (调休) of the policy's calendars, as dates of the desk.
public struct SpecialDays: Sendable, Hashable {
    public var holidays: Set<LocalDate>
    public var makeUpDays: Set<LocalDate>

    public init(holidays: Set<LocalDate> = [], makeUpDays: Set<LocalDate> = []) {
        self.holidays = holidays
        self.makeUpDays = makeUpDays
    }

    /// Every calendar's holidays and make-up days together (a 24x7 calendar has none).
    public init(policy: SLAPolicy) {
        let hours = policy.calendars.values.compactMap(\.hours)
        self.init(holidays: Set(hours.flatMap(\.holidays)), makeUpDays: Set(hours.flatMap(\.workdays)))
    }

    public func kind(of date: LocalDate) -> DayKind {
        if holidays.contains(date) { return .holiday }
        if makeUpDays.contains(date) { return .makeUpDay }
        return .weekday(date.weekday)
    }
}

/// The kind of day an hour's level is taken from: its weekday, or a holiday or make-up
/// working day, each its own kind whatever its weekday.
public enum DayKind: Sendable, Hashable, CustomStringConvertible {
    case weekday(Weekday)
    case holiday
    case makeUpDay

    public var description: String {
        switch self {
        case let .weekday(day): day.rawValue
        case .holiday: "holiday"
        case .makeUpDay: "make-up day"
        }
    }

    public func label(_ l: Language) -> String {
        switch self {
        case let .weekday(day):
            let zh = ["mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五", "sat": "周六", "sun": "周日"]
            return l.pick(en: day.rawValue.capitalized, zh: zh[day.rawValue] ?? day.rawValue)
        case .holiday: return l.pick(en: "Holiday", zh: "节假日")
        case .makeUpDay: return l.pick(en: "Make-up day", zh: "调休上班")
        }
    }
}

/// Why there is no forecast.
public enum ForecastRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Fewer than `ForecastSettings.minimumWeeks` weeks of history before the forecast's start.
    case tooLittleHistory(since: Date?, days: Int)

    public var ruleName: String { "forecast.history" }
    public var description: String { message(.en) }

    public func message(_ l: Language, timeZone: TimeZone = .gmt) -> String {
        switch self {
        case let .tooLittleHistory(since?, days):
            let from = DisplayTime.format(since, in: timeZone)
            return l.pick(
                en: "no forecast: the desk's history begins \(from), \(days) days before the forecast; it needs \(ForecastSettings.minimumWeeks) whole weeks [\(ruleName)]",
                zh: "无法预测：服务台的历史从 \(from) 开始，距预测起点只有 \(days) 天；至少需要 \(ForecastSettings.minimumWeeks) 整周的历史 [\(ruleName)]")
        case .tooLittleHistory(nil, _):
            return l.pick(
                en: "no forecast: the desk has no incidents in the weeks before the forecast; it needs \(ForecastSettings.minimumWeeks) whole weeks of history [\(ruleName)]",
                zh: "无法预测：预测起点之前的几周内没有任何事件；至少需要 \(ForecastSettings.minimumWeeks) 整周的历史 [\(ruleName)]")
        }
    }
}

/// Something the forecast did that its reader should know.
public enum ForecastNote: Sendable, Hashable {
    /// Fewer weeks of history than asked: the level comes from `used`.
    case fewerWeeks(used: Int, asked: Int)
    /// No (or one) holiday in the weeks read: holidays take Sunday's level.
    case holidayLikeSunday
    /// No (or one) make-up day in the weeks read: make-up days take the mean Monday–Friday level.
    case makeUpLikeWeekday

    public func message(_ l: Language) -> String {
        switch self {
        case let .fewerWeeks(used, asked):
            l.pick(en: "only \(used) whole weeks of history (of \(asked) asked): the level comes from those",
                   zh: "只有 \(used) 整周的历史（要求 \(asked) 周）：水平值按这些周计算")
        case .holidayLikeSunday:
            l.pick(en: "fewer than 2 holidays in the weeks read: a holiday is forecast like a Sunday",
                   zh: "所读各周内节假日少于 2 天：节假日按周日预测")
        case .makeUpLikeWeekday:
            l.pick(en: "fewer than 2 make-up working days in the weeks read: one is forecast like the mean Monday–Friday",
                   zh: "所读各周内调休上班日少于 2 天：调休上班日按周一至周五的平均值预测")
        }
    }
}

/// Arrivals per line per local hour of the desk, from a `DeskHistory`.
public struct HourlyArrivals: Sendable {
    public let timeZone: TimeZone
    /// Key: local day number × 24 + local hour.
    private var counts: [Tier: [Int: Int]] = [:]
    /// Arrivals per line and priority (for the response-target mix).
    public private(set) var priorities: [Tier: [Priority: Int]] = [:]
    public let firstDate: LocalDate?
    public let first: Date?

    public init(_ history: DeskHistory, timeZone: TimeZone) {
        self.timeZone = timeZone
        let calendar = LocalHours(timeZone: timeZone)
        for arrival in history.arrivals {
            let (date, hour) = calendar.localHour(of: arrival.at)
            counts[arrival.line, default: [:]][date.dayNumber * 24 + hour, default: 0] += 1
            if let priority = arrival.priority { priorities[arrival.line, default: [:]][priority, default: 0] += 1 }
        }
        first = history.firstArrival
        firstDate = history.firstArrival.map { calendar.localHour(of: $0).date }
    }

    public func count(_ line: Tier, on date: LocalDate, hour: Int) -> Int {
        counts[line]?[date.dayNumber * 24 + hour] ?? 0
    }

    public func total(_ line: Tier, on date: LocalDate) -> Int {
        (0..<24).reduce(0) { $0 + count(line, on: date, hour: $1) }
    }
}

/// Local dates and hours in one zone (DST-aware through Foundation's calendar).
struct LocalHours: Sendable {
    let calendar: Calendar

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func localHour(of instant: Date) -> (date: LocalDate, hour: Int) {
        let parts = calendar.dateComponents([.year, .month, .day, .hour], from: instant)
        let date = LocalDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? LocalDate(dayNumber: 0)
        return (date, parts.hour ?? 0)
    }

    /// The first instant of a local date (after a DST gap at midnight, the first that exists).
    func start(of date: LocalDate) -> Date {
        let components = DateComponents(year: date.year, month: date.month, day: date.day, hour: 0)
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: Double(date.dayNumber) * 86400)
    }

    /// The first instant of the local hour containing `instant`.
    func startOfHour(_ instant: Date) -> Date {
        calendar.dateInterval(of: .hour, for: instant)?.start ?? instant
    }
}

/// One hour of a forecast.
public struct ForecastHour: Sendable, Hashable {
    public var start: Date
    public var date: LocalDate
    public var hour: Int
    public var kind: DayKind
    public var arrivals: [Tier: Double]

    public init(start: Date, date: LocalDate, hour: Int, kind: DayKind, arrivals: [Tier: Double]) {
        self.start = start
        self.date = date
        self.hour = hour
        self.kind = kind
        self.arrivals = arrivals
    }
}

/// The arrivals forecast, per line per hour.
public struct ArrivalForecast: Sendable, Hashable {
    public var hours: [ForecastHour]
    /// The weeks the level was taken from, and the first day of them.
    public var weeksUsed: Int
    public var historyFrom: LocalDate
    /// Per line, the trend as a share of the level per week (+0.05: 5 % more each week).
    public var weeklyTrend: [Tier: Double]
    public var notes: [ForecastNote]
}

/// The method, defined once (README "Load forecast and seat planning"):
///
/// 1. History: the `w` whole weeks of local days before the day the forecast starts, `w` the
///    setting (8) or the whole weeks the desk has, if fewer; under 2 weeks, no forecast.
/// 2. Level of an hour: for each kind of day (the seven weekdays, holidays, make-up working
///    days) and hour of day, the trimmed mean of that hour's arrivals over the days of that kind
///    read (the highest and lowest eighth dropped: one storm or one outage day does not move
///    it). A kind seen fewer than twice: holidays take Sunday's level, make-up days the mean of
///    Monday to Friday.
/// 3. Trend: the Theil–Sen slope of the weekly totals (the median of the slopes between every
///    two weeks), as a factor on the level: level × (a + s·t) / (a + s·t̄), t the forecast day
///    and t̄ the middle of the days its level was taken from ((w + 1)/2 weeks before), the factor kept within 0…3. No trend from fewer than 4 weeks.
public struct ArrivalForecaster: Sendable {
    public let history: HourlyArrivals
    public let days: SpecialDays
    public let settings: ForecastSettings

    public static let maximumTrendFactor = 3.0
    /// The fewest weeks a trend is taken from.
    public static let trendWeeks = 4

    public init(history: HourlyArrivals, days: SpecialDays, settings: ForecastSettings = ForecastSettings()) {
        self.history = history
        self.days = days
        self.settings = settings
    }

    /// `hours` hours from the local hour containing `start`.
    public func forecast(from start: Date, hours: Int) throws(ForecastRefusal) -> ArrivalForecast {
        let local = LocalHours(timeZone: history.timeZone)
        let firstHour = local.startOfHour(start)
        let today = local.localHour(of: firstHour).date
        // Whole days of history before today; the first day may be partial, so it is not counted.
        let availableDays = history.firstDate.map { today.dayNumber - $0.dayNumber - 1 } ?? 0
        let availableWeeks = availableDays / 7
        guard availableWeeks >= ForecastSettings.minimumWeeks else {
            throw .tooLittleHistory(since: history.first, days: max(0, availableDays))
        }
        let weeks = min(settings.weeks, availableWeeks)
        var notes: [ForecastNote] = weeks < settings.weeks ? [.fewerWeeks(used: weeks, asked: settings.weeks)] : []
        let firstDay = today.dayNumber - 7 * weeks
        let dates = (firstDay..<today.dayNumber).map(LocalDate.init(dayNumber:))
        var datesByKind: [DayKind: [LocalDate]] = [:]
        for date in dates { datesByKind[days.kind(of: date), default: []].append(date) }
        let holidayLikeSunday = (datesByKind[.holiday]?.count ?? 0) < 2
        let makeUpLikeWeekday = (datesByKind[.makeUpDay]?.count ?? 0) < 2

        var levels: [Tier: [DayKind: [Double]]] = [:]
        var trends: [Tier: (intercept: Double, slope: Double)] = [:]
        for line in Tier.allCases {
            var perKind: [DayKind: [Double]] = [:]
            for (kind, kindDates) in datesByKind {
                perKind[kind] = (0..<24).map { hour in
                    Self.trimmedMean(kindDates.map { Double(history.count(line, on: $0, hour: hour)) })
                }
            }
            let sunday = perKind[.weekday(.sun)] ?? Array(repeating: 0, count: 24)
            if holidayLikeSunday { perKind[.holiday] = sunday }
            if makeUpLikeWeekday {
                let weekdays: [[Double]] = [Weekday.mon, .tue, .wed, .thu, .fri].compactMap { perKind[.weekday($0)] }
                perKind[.makeUpDay] = (0..<24).map { hour in
                    weekdays.isEmpty ? 0 : weekdays.reduce(0) { $0 + $1[hour] } / Double(weekdays.count)
                }
            }
            levels[line] = perKind
            let totals = (0..<weeks).map { week in
                Double((0..<7).reduce(0) { $0 + history.total(line, on: LocalDate(dayNumber: firstDay + week * 7 + $1)) })
            }
            // Two or three weeks show a difference, not a trend: no trend from fewer than four.
            trends[line] = weeks >= Self.trendWeeks ? Self.theilSen(totals) : (totals.reduce(0, +) / Double(max(1, weeks)), 0)
        }
        if holidayLikeSunday { notes.append(.holidayLikeSunday) }
        if makeUpLikeWeekday { notes.append(.makeUpLikeWeekday) }

        let middle = Double(weeks) / 2
        var result: [ForecastHour] = []
        result.reserveCapacity(max(0, hours))
        var instant = firstHour
        for _ in 0..<max(0, hours) {
            let (date, hour) = local.localHour(of: instant)
            let kind = days.kind(of: date)
            // Weeks since the first day read, at the middle of the forecast day.
            let t = (Double(date.dayNumber - firstDay) + 0.5) / 7
            var arrivals: [Tier: Double] = [:]
            for line in Tier.allCases {
                let level = levels[line]?[kind]?[hour] ?? 0
                // The level is the mean of this hour on the days of its kind read: for a weekday, the
                // same weekday 1…w weeks before, centred (w + 1)/2 weeks before the forecast day.
                arrivals[line] = level * Self.trendFactor(trends[line], at: t, levelAt: t - Double(weeks + 1) / 2)
            }
            result.append(ForecastHour(start: instant, date: date, hour: hour, kind: kind, arrivals: arrivals))
            instant = instant.addingTimeInterval(3600)
        }
        // Only say what matters to the hours forecast.
        notes.removeAll { note in
            switch note {
            case .holidayLikeSunday: !result.contains { $0.kind == .holiday }
            case .makeUpLikeWeekday: !result.contains { $0.kind == .makeUpDay }
            case .fewerWeeks: false
            }
        }
        var weeklyTrend: [Tier: Double] = [:]
        for line in Tier.allCases {
            guard let trend = trends[line] else { continue }
            let base = trend.intercept + trend.slope * middle
            weeklyTrend[line] = base > 0 ? trend.slope / base : 0
        }
        return ArrivalForecast(hours: result, weeksUsed: weeks, historyFrom: LocalDate(dayNumber: firstDay),
                               weeklyTrend: weeklyTrend, notes: notes)
    }

    /// (a + s·t) / (a + s·t̄), within 0…3; 1 where the trend line is not above 0 at t̄.
    static func trendFactor(_ trend: (intercept: Double, slope: Double)?, at t: Double, levelAt: Double) -> Double {
        guard let trend else { return 1 }
        let base = trend.intercept + trend.slope * levelAt
        guard base > 0 else { return 1 }
        return min(maximumTrendFactor, max(0, (trend.intercept + trend.slope * t) / base))
    }

    /// The mean with the highest and lowest eighth of the values dropped (none below 8 values,
    /// one each from 8 to 15 …).
    public static func trimmedMean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let cut = sorted.count / 8
        let kept = sorted[cut..<(sorted.count - cut)]
        return kept.reduce(0, +) / Double(kept.count)
    }

    /// Theil–Sen line through (i + 0.5, yᵢ): the slope is the median of the pairwise slopes, the
    /// intercept the median of yᵢ − slope·(i + 0.5). A single value gives a flat line.
    public static func theilSen(_ values: [Double]) -> (intercept: Double, slope: Double) {
        guard values.count >= 2 else { return (values.first ?? 0, 0) }
        var slopes: [Double] = []
        for i in 0..<values.count {
            for j in (i + 1)..<values.count { slopes.append((values[j] - values[i]) / Double(j - i)) }
        }
        let slope = median(slopes)
        let intercept = median(values.enumerated().map { $0.element - slope * (Double($0.offset) + 0.5) })
        return (intercept, slope)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
