import Foundation

/// Who is on the roster of each line, hour by hour: the active operators whose role works the
/// line and whose `--shift` is on duty at the middle of the hour (the shift covering most of it).
/// Every operator of a shift is counted on every day of it (the desk keeps no rota of days off).
/// The vendor line is the supplier's own people: it has no roster here.
public struct Roster: Sendable {
    public let schedule: ShiftSchedule
    public let operators: [Operator]

    public init(schedule: ShiftSchedule, operators: [Operator]) {
        self.schedule = schedule
        self.operators = operators.filter { !$0.disabled }
    }

    /// nil for the vendor line.
    public func onDuty(_ line: Tier, hourStarting start: Date) -> Int? {
        guard line != .vendor else { return nil }
        let shift = schedule.occurrence(at: start.addingTimeInterval(1800)).shift
        return operators.filter { $0.role.tier == line && $0.shift == shift }.count
    }

    /// Operators of a line with no `--shift`: never on the roster.
    public func unscheduled(_ line: Tier) -> Int {
        operators.filter { $0.role.tier == line && $0.shift == nil }.count
    }
}

/// One line in one hour of the plan.
public struct LineHour: Sendable, Hashable {
    public var arrivals: Double
    /// The Erlang C answer; nil when the line has no measured work time or needs more than
    /// `ErlangC.seatLimit` seats.
    public var seatsNeeded: Int?
    /// nil for the vendor line.
    public var onRoster: Int?

    public init(arrivals: Double, seatsNeeded: Int?, onRoster: Int?) {
        self.arrivals = arrivals
        self.seatsNeeded = seatsNeeded
        self.onRoster = onRoster
    }

    /// Fewer on the roster than the seats needed.
    public var isShort: Bool {
        guard let onRoster, let seatsNeeded else { return false }
        return onRoster < seatsNeeded
    }
}

public struct PlanHour: Sendable, Hashable {
    public var start: Date
    public var date: LocalDate
    public var hour: Int
    public var kind: DayKind
    public var lines: [Tier: LineHour]
}

/// The seat plan: the forecast, the work time, the response targets and the roster together.
public struct SeatPlan: Sendable {
    public var hours: [PlanHour]
    public var forecast: ArrivalForecast
    public var workTime: WorkTime
    /// Per line, the priority mix of its arrivals with each priority's response target.
    public var targets: [Tier: [ErlangC.Target]]
    /// The response target of each priority, from the policy in force.
    public var responseTargets: [Priority: TimeInterval]
    public var settings: ForecastSettings
    /// Per line, the operators with no shift (never on the roster).
    public var unscheduled: [Tier: Int]

    /// The seat count of each hour (README "Load forecast and seat planning"): the smallest c
    /// for which M/M/c with the hour's forecast arrivals and the line's mean work time keeps
    /// the share of arrivals waiting longer than their priority's response target within
    /// 1 − service level, at an occupancy of at most the cap.
    public init(forecast: ArrivalForecast, workTime: WorkTime, priorityMix: [Tier: [Priority: Int]],
                responseTargets: [Priority: TimeInterval], roster: Roster, settings: ForecastSettings) {
        self.forecast = forecast
        self.workTime = workTime
        self.settings = settings
        self.responseTargets = responseTargets
        var targets: [Tier: [ErlangC.Target]] = [:]
        for line in Tier.allCases {
            targets[line] = Self.targets(mix: priorityMix[line] ?? [:], responseTargets: responseTargets)
        }
        self.targets = targets
        unscheduled = Dictionary(uniqueKeysWithValues: Tier.allCases.map { ($0, roster.unscheduled($0)) })
        hours = forecast.hours.map { hour in
            var lines: [Tier: LineHour] = [:]
            for line in Tier.allCases {
                let arrivals = hour.arrivals[line] ?? 0
                let seats = workTime.lines[line].flatMap { figures in
                    ErlangC.seatsNeeded(arrivalsPerHour: arrivals, serviceTime: figures.mean, targets: targets[line] ?? [],
                                        serviceLevel: settings.serviceLevel, occupancyCap: settings.occupancyCap)
                }
                lines[line] = LineHour(arrivals: arrivals, seatsNeeded: seats, onRoster: roster.onDuty(line, hourStarting: hour.start))
            }
            return PlanHour(start: hour.start, date: hour.date, hour: hour.hour, kind: hour.kind, lines: lines)
        }
    }

    /// The shares of a line's arrivals by priority, each with its response target; a line with
    /// no arrivals of known priority is held to the general priority's target.
    static func targets(mix: [Priority: Int], responseTargets: [Priority: TimeInterval]) -> [ErlangC.Target] {
        let total = mix.values.reduce(0, +)
        guard total > 0 else {
            return [ErlangC.Target(share: 1, wait: responseTargets[.general] ?? 30 * 60)]
        }
        return Priority.allCases.compactMap { priority in
            guard let count = mix[priority], count > 0, let wait = responseTargets[priority] else { return nil }
            return ErlangC.Target(share: Double(count) / Double(total), wait: wait)
        }
    }
}

/// Who may open the Plan screen: the supervisors who staff the lines, the incident manager,
/// and the auditor, who reads everything. The CLI's `forecast` is open to every operator, like
/// the reports.
public enum PlanAccess {
    public static func mayOpenPlan(_ role: Role) -> Bool {
        switch role {
        case .supervisor, .im, .auditor: true
        case .desk, .l1, .l2, .problemManager, .owner: false
        }
    }
}
