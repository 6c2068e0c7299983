import Foundation
import ShiftDeskCore

/// Reads what the load forecast and the seat plan need: the events of the weeks before now,
/// the operators (roster and the lines of holders), and the response targets and calendars of
/// the policy in force (`desk.policy`, the one the reports read).
public struct ForecastLoader: Sendable {
    public let desk: Desk
    public let settings: ForecastSettings
    /// The desk's zone: hours of the day, days of the week, shifts.
    public let timeZone: TimeZone

    public init(desk: Desk, settings: ForecastSettings, timeZone: TimeZone) {
        self.desk = desk
        self.settings = settings
        self.timeZone = timeZone
    }

    /// The response target of each priority, from the policy in force.
    public var responseTargets: [Priority: TimeInterval] {
        Dictionary(uniqueKeysWithValues: Priority.allCases.map { ($0, desk.policy.policy(for: $0).respondWithin) })
    }

    public var specialDays: SpecialDays { SpecialDays(policy: desk.policy) }

    /// The history of the `weeks` weeks before the day containing `now`, and that day until `now`
    /// (a day more, so a forecast starting late in the day has its weeks whole).
    public func history(weeks: Int, until now: Date) async throws(StoreError) -> (DeskHistory, [Operator]) {
        let from = now.addingTimeInterval(-Double(weeks * 7 + 2) * 86_400)
        let events = try await desk.store.events(from: from, to: now)
        let operators = try await desk.store.operators()
        let roles = Dictionary(operators.map { ($0.login, $0.role) }, uniquingKeysWith: { first, _ in first })
        return (DeskHistory(events: events, roles: roles), operators)
    }

    /// The seat plan for `hours` hours from the hour containing now (the desk's clock).
    public func plan(hours: Int, schedule: ShiftSchedule) async throws(ForecastLoadError) -> SeatPlan {
        let now = desk.clock.now()
        let (history, operators): (DeskHistory, [Operator])
        do { (history, operators) = try await self.history(weeks: settings.weeks, until: now) } catch { throw .store(error) }
        let arrivals = HourlyArrivals(history, timeZone: timeZone)
        let forecast: ArrivalForecast
        do {
            forecast = try ArrivalForecaster(history: arrivals, days: specialDays, settings: settings).forecast(from: now, hours: hours)
        } catch {
            throw .refused(error)
        }
        return SeatPlan(forecast: forecast, workTime: WorkTime(holds: history.holds), priorityMix: arrivals.priorities,
                        responseTargets: responseTargets, roster: Roster(schedule: schedule, operators: operators), settings: settings)
    }

    /// The last `weeks` whole weeks replayed.
    public func backtest(weeks: Int) async throws(StoreError) -> Backtest {
        let now = desk.clock.now()
        let (history, _) = try await self.history(weeks: settings.weeks + weeks, until: now)
        return Backtest(history: HourlyArrivals(history, timeZone: timeZone), days: specialDays, settings: settings, now: now, weeks: weeks)
    }
}

/// Why the plan could not be made: the store failed, or there is too little history.
public enum ForecastLoadError: Error, Sendable {
    case store(StoreError)
    case refused(ForecastRefusal)

    public func message(_ l: Language, timeZone: TimeZone) -> String {
        switch self {
        case let .store(error): error.message(l, timeZone: timeZone)
        case let .refused(refusal): refusal.message(l, timeZone: timeZone)
        }
    }
}
