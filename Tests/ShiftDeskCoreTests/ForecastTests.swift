import Foundation
import Testing
@testable import ShiftDeskCore

/// Erlang C against published values and a brute-force M/M/c simulation; the forecast on a
/// synthetic history with a known weekly shape and trend; holds and arrivals from events.
@Suite struct ErlangCTests {
    @Test func matchesPublishedValues() {
        // A = 2 erlangs on 3 seats: C = 4/9 (e.g. Kleinrock, Queueing Systems I, M/M/c example).
        #expect(abs(ErlangC.probabilityOfWaiting(servers: 3, load: 2) - 4.0 / 9.0) < 1e-12)
        // The classic call-centre example: 100 calls in 30 minutes, 180 s each (A = 10 erlangs),
        // 80 % answered within 20 s. Published: P(wait) 68.21 %, 44.94 %, 28.53 %, 17.41 % for
        // 11 to 14 agents; 14 agents are needed.
        let published: [(Int, Double)] = [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741)]
        for (seats, waiting) in published {
            #expect(abs(ErlangC.probabilityOfWaiting(servers: seats, load: 10) - waiting) < 5e-5, "\(seats) seats")
        }
        let within20s = 1 - ErlangC.probabilityOfWaitingLonger(than: 20, servers: 14, load: 10, serviceTime: 180)
        #expect(abs(within20s - 0.8884) < 5e-4)
        #expect(ErlangC.seatsNeeded(arrivalsPerHour: 200, serviceTime: 180, targets: [.init(share: 1, wait: 20)],
                                    serviceLevel: 0.8, occupancyCap: 1) == 14)
        // Mean wait with 14 agents: C·s/(c − A) = 0.1741 × 180 / 4 ≈ 7.8 s.
        #expect(abs(ErlangC.meanWait(servers: 14, load: 10, serviceTime: 180) - 7.83) < 0.01)
    }

    @Test func holdsForThousandsOfSeatsWithoutOverflow() {
        // The textbook Aᶜ/c! overflows a Double from c = 171; the recurrence does not. Compared
        // with the same formula in log space.
        for (seats, load) in [(200, 180.0), (1000, 950.0), (4000, 3900.0)] {
            let value = ErlangC.probabilityOfWaiting(servers: seats, load: load)
            #expect(value.isFinite && value > 0 && value < 1)
            #expect(abs(value - Self.logSpaceErlangC(seats, load)) < 1e-9, "\(seats) seats, \(load) erlangs")
        }
        #expect(ErlangC.probabilityOfWaiting(servers: 5, load: 5) == 1)
        #expect(ErlangC.probabilityOfWaiting(servers: 5, load: 0) == 0)
        #expect(ErlangC.seatsNeeded(arrivalsPerHour: 0, serviceTime: 600, targets: [.init(share: 1, wait: 60)], serviceLevel: 0.9, occupancyCap: 0.85) == 0)
    }

    /// C = (Aᶜ/c! · c/(c−A)) / (Σₖ<c Aᵏ/k! + Aᶜ/c! · c/(c−A)), every term through lgamma.
    static func logSpaceErlangC(_ c: Int, _ a: Double) -> Double {
        func logTerm(_ k: Int) -> Double { Double(k) * log(a) - lgamma(Double(k) + 1) }
        let last = logTerm(c) + log(Double(c) / (Double(c) - a))
        let terms = (0..<c).map(logTerm) + [last]
        let top = terms.max() ?? 0
        let sum = terms.reduce(0) { $0 + exp($1 - top) }
        return exp(last - top) / sum
    }

    @Test func occupancyCapAddsSeats() {
        // 40 arrivals an hour of 6 minutes: A = 4. A loose target is met by 5 seats (80 % busy);
        // a 70 % cap needs 6.
        let loose = [ErlangC.Target(share: 1, wait: 3600)]
        #expect(ErlangC.seatsNeeded(arrivalsPerHour: 40, serviceTime: 360, targets: loose, serviceLevel: 0.5, occupancyCap: 1) == 5)
        #expect(ErlangC.seatsNeeded(arrivalsPerHour: 40, serviceTime: 360, targets: loose, serviceLevel: 0.5, occupancyCap: 0.7) == 6)
    }

    /// First-come-first-served with c seats, exponential gaps and work times from a seeded
    /// generator: the share waiting at all and waiting longer than t match the formula.
    @Test(arguments: [(1, 0.7, 0.5), (3, 2.0, 0.25), (5, 4.0, 0.1)])
    func agreesWithABruteForceSimulation(seats: Int, load: Double, waitInServiceTimes: Double) {
        var random = SeededRandom(seed: UInt64(seats * 7919))
        func exponential(mean: Double) -> Double {
            let u = (Double(random.next() >> 11) + 0.5) / Double(1 << 53)
            return -mean * log(u)
        }
        let serviceTime = 1.0
        let arrivalGap = serviceTime / load
        var free = Array(repeating: 0.0, count: seats)
        var clock = 0.0
        var waited = 0, waitedLong = 0
        let warmUp = 5_000, customers = 200_000
        for index in 0..<(warmUp + customers) {
            clock += exponential(mean: arrivalGap)
            var earliest = 0
            for seat in 1..<seats where free[seat] < free[earliest] { earliest = seat }
            let start = max(clock, free[earliest])
            free[earliest] = start + exponential(mean: serviceTime)
            guard index >= warmUp else { continue }
            if start - clock > 1e-12 { waited += 1 }
            if start - clock > waitInServiceTimes * serviceTime { waitedLong += 1 }
        }
        let simulatedWaiting = Double(waited) / Double(customers)
        let simulatedLong = Double(waitedLong) / Double(customers)
        let formulaWaiting = ErlangC.probabilityOfWaiting(servers: seats, load: load)
        let formulaLong = ErlangC.probabilityOfWaitingLonger(than: waitInServiceTimes, servers: seats, load: load, serviceTime: serviceTime)
        #expect(abs(simulatedWaiting - formulaWaiting) < 0.02, "P(wait > 0): simulated \(simulatedWaiting), formula \(formulaWaiting)")
        #expect(abs(simulatedLong - formulaLong) < 0.02, "P(wait > t): simulated \(simulatedLong), formula \(formulaLong)")
    }
}

@Suite struct ArrivalForecastTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    /// Local midnight of a date.
    static func midnight(_ date: LocalDate) -> Date {
        calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) ?? Date(timeIntervalSince1970: 0)
    }

    /// The known shape: arrivals per hour on a weekday (Mon–Fri), at the weekend and on a holiday.
    static func shape(_ kind: DayKind, hour: Int) -> Double {
        let office = (9..<18).contains(hour) ? 40.0 : (7..<21).contains(hour) ? 12.0 : 3.0
        switch kind {
        case .weekday(.sat), .weekday(.sun): return office / 4
        case .weekday(.mon): return office * 1.5
        case .weekday: return office
        case .holiday: return 1
        case .makeUpDay: return office
        }
    }

    /// `opened` events (desk) on every local hour of `days` days from `first`, the shape times a
    /// linear trend of `growth` per week (1 at `first`), one event per arrival, at mid-hour.
    static func events(from first: LocalDate, days: Int, growth: Double, special: SpecialDays, scale: Double = 1) -> [TicketEvent] {
        var events: [TicketEvent] = []
        var number = 0
        for offset in 0..<days {
            let date = LocalDate(dayNumber: first.dayNumber + offset)
            let trend = 1 + growth * Double(offset) / 7
            for hour in 0..<24 {
                let count = Int((shape(special.kind(of: date), hour: hour) * trend * scale).rounded())
                for index in 0..<count {
                    number += 1
                    let at = midnight(date).addingTimeInterval(Double(hour) * 3600 + 60 + Double(index))
                    events.append(TicketEvent(id: Int64(number), ticket: TicketID(Int64(number)), actor: "zhang.wei", at: at, kind: .opened,
                                              changes: [FieldChange(field: "tier", before: nil, after: "desk"),
                                                        FieldChange(field: "priority", before: nil, after: "general")]))
                }
            }
        }
        return events
    }

    @Test func recoversAKnownWeeklyShapeAndTrend() throws {
        let first = try LocalDate.parse("2026-09-07") // a Monday
        // Holidays and a make-up day in the history, and a holiday in the week forecast.
        let special = SpecialDays(holidays: [try .parse("2026-10-01"), try .parse("2026-10-02"), try .parse("2026-11-05")],
                                  makeUpDays: [try .parse("2026-10-10")])
        let growth = 0.02
        let history = DeskHistory(events: Self.events(from: first, days: 56, growth: growth, special: special))
        let arrivals = HourlyArrivals(history, timeZone: Self.zone)
        let start = Self.midnight(LocalDate(dayNumber: first.dayNumber + 56))
        let forecast = try ArrivalForecaster(history: arrivals, days: special, settings: ForecastSettings(weeks: 8))
            .forecast(from: start.addingTimeInterval(1234), hours: 7 * 24)
        #expect(forecast.weeksUsed == 7, "the first day is partial: 7 whole weeks")
        #expect(forecast.hours.count == 168)
        #expect(forecast.hours.first?.start == start)
        #expect(abs((forecast.weeklyTrend[.desk] ?? 0) - growth / (1 + growth * 4.5)) < 0.004)
        var worst = 0.0
        for hour in forecast.hours {
            let offset = Double(hour.date.dayNumber - first.dayNumber)
            let truth = Self.shape(hour.kind, hour: hour.hour) * (1 + growth * offset / 7)
            let predicted = hour.arrivals[.desk] ?? -1
            // Arrivals are whole: each hour's count was rounded, so half an arrival is no error.
            worst = max(worst, max(0, abs(predicted - truth) - 0.5) / truth)
        }
        #expect(worst < 0.06, "worst relative error \(worst)")
        // 2026-11-05 (a Thursday) is a holiday: forecast from the holidays, not from Thursdays.
        let holidayNoon = try #require(forecast.hours.first { $0.date == (try? LocalDate.parse("2026-11-05")) && $0.hour == 12 })
        #expect(holidayNoon.kind == .holiday)
        #expect((holidayNoon.arrivals[.desk] ?? 99) < 2)
        #expect(!forecast.notes.contains(.holidayLikeSunday))
    }

    @Test func refusesUnderTwoWeeksAndSaysWhy() throws {
        let first = try LocalDate.parse("2026-11-16")
        let history = DeskHistory(events: Self.events(from: first, days: 13, growth: 0, special: SpecialDays()))
        let start = Self.midnight(LocalDate(dayNumber: first.dayNumber + 13))
        let forecaster = ArrivalForecaster(history: HourlyArrivals(history, timeZone: Self.zone), days: SpecialDays())
        #expect(throws: ForecastRefusal.self) { try forecaster.forecast(from: start, hours: 24) }
        do {
            _ = try forecaster.forecast(from: start, hours: 24)
        } catch {
            #expect(error.message(.en, timeZone: Self.zone).contains("needs 2 whole weeks"))
            #expect(error.message(.zh, timeZone: Self.zone).contains("至少需要 2 整周"))
        }
        let empty = ArrivalForecaster(history: HourlyArrivals(DeskHistory(events: []), timeZone: Self.zone), days: SpecialDays())
        #expect(throws: ForecastRefusal.tooLittleHistory(since: nil, days: 0)) { try empty.forecast(from: start, hours: 24) }
    }

    @Test func holidaysWithoutHistoryTakeSundaysLevelAndSaySo() throws {
        let first = try LocalDate.parse("2026-09-07")
        let history = DeskHistory(events: Self.events(from: first, days: 28, growth: 0, special: SpecialDays()))
        let holiday = LocalDate(dayNumber: first.dayNumber + 30) // a Wednesday
        let special = SpecialDays(holidays: [holiday])
        let forecast = try ArrivalForecaster(history: HourlyArrivals(history, timeZone: Self.zone), days: special)
            .forecast(from: Self.midnight(LocalDate(dayNumber: first.dayNumber + 28)), hours: 7 * 24)
        #expect(forecast.notes.contains(.holidayLikeSunday))
        #expect(forecast.notes.contains(.fewerWeeks(used: 3, asked: 8)))
        let noon = try #require(forecast.hours.first { $0.date == holiday && $0.hour == 12 })
        #expect(abs((noon.arrivals[.desk] ?? 0) - 10) < 0.01, "Sunday noon: 40 / 4")
    }

    @Test func backtestBeatsSeasonalNaiveOnATrend() throws {
        let first = try LocalDate.parse("2026-06-01")
        // Large counts, so that rounding to whole arrivals (which favours a copy of last week) is small.
        let history = DeskHistory(events: Self.events(from: first, days: 12 * 7, growth: 0.05, special: SpecialDays(), scale: 20))
        let now = Self.midnight(LocalDate(dayNumber: first.dayNumber + 12 * 7)).addingTimeInterval(3600)
        let backtest = Backtest(history: HourlyArrivals(history, timeZone: Self.zone), days: SpecialDays(),
                                settings: ForecastSettings(weeks: 8), now: now, weeks: 3)
        #expect(backtest.weeks.count == 3 && backtest.skipped.isEmpty)
        let desk = try #require(backtest.lines[.desk])
        let method = try #require(desk.method.mape), naive = try #require(desk.seasonalNaive.mape)
        #expect(method < naive, "method \(method), seasonal-naive \(naive)")
        #expect(abs(desk.seasonalNaive.bias ?? 0) > 0.015, "a week-old copy lags a growing desk")
        #expect(abs(desk.method.bias ?? 1) < 0.02)
    }
}

@Suite struct DeskHistoryTests {
    static func event(_ id: Int64, _ ticket: Int, _ actor: String, minutes: Double, _ kind: EventKind, _ changes: [(String, String?, String?)]) -> TicketEvent {
        TicketEvent(id: id, ticket: TicketID(Int64(ticket)), actor: actor, at: Date(timeIntervalSince1970: 1_800_000_000 + minutes * 60), kind: kind,
                    changes: changes.map { FieldChange(field: $0.0, before: $0.1, after: $0.2) })
    }

    @Test func arrivalsPerLineAndHoldsFromTheEvents() throws {
        let events = [
            // Logged by the agent who holds it from the start.
            Self.event(1, 1, "zhang.wei", minutes: 1, .opened, [("tier", nil, "desk"), ("priority", nil, "major"), ("assignee", nil, "zhang.wei")]),
            Self.event(3, 1, "zhang.wei", minutes: 11, .escalated, [("tier", "desk", "l1"), ("assignee", "zhang.wei", nil)]),
            Self.event(4, 1, "wang.fang", minutes: 15, .taken, [("assignee", nil, "wang.fang")]),
            Self.event(5, 1, "wang.fang", minutes: 16, .noted, []),
            Self.event(6, 1, "wang.fang", minutes: 45, .resolved, [("state", "in_progress", "resolved")]),
            // Logged straight to L2 (an import): a desk arrival and an L2 arrival.
            Self.event(7, 2, "src", minutes: 2, .opened, [("tier", nil, "l2"), ("priority", nil, "minor")]),
            Self.event(8, 2, "a", minutes: 3, .taken, [("assignee", nil, "a")]),
            Self.event(9, 2, "b", minutes: 13, .taken, [("assignee", "a", "b")]),
            Self.event(10, 2, "b", minutes: 33, .pended, [("state", "in_progress", "pending_vendor")]),
            // A ticket opened before the events read: the holder's role names the line; no priority, no hold.
            Self.event(11, 3, "chen.jing", minutes: 5, .taken, [("assignee", nil, "chen.jing")]),
            Self.event(12, 3, "chen.jing", minutes: 25, .resolved, []),
        ]
        let history = DeskHistory(events: events.reversed(), roles: ["chen.jing": .l2])
        let lines = history.arrivals.map { "\($0.line.rawValue):\($0.priority?.rawValue ?? "?")" }
        #expect(lines.sorted() == ["desk:major", "desk:minor", "l1:major", "l2:minor"])
        #expect(history.arrivals.first?.line == .desk && history.arrivals.first?.priority == .major)
        #expect(history.arrivals.last?.line == .l1)
        let holds = history.holds.map { "\($0.line.rawValue) \($0.priority.rawValue) \(Int($0.seconds / 60))m" }
        #expect(holds == ["desk major 10m", "l2 minor 10m", "l2 minor 20m", "l1 major 30m"])
        let work = WorkTime(holds: history.holds)
        #expect(work.lines[.l2]?.count == 2)
        #expect(abs((work.lines[.l2]?.median ?? 0) - 15 * 60) < 0.01)
        #expect(abs((work.byPriority[.l1]?[.major]?.mean ?? 0) - 30 * 60) < 0.01)
        #expect(WorkTime(holds: [DeskHistory.Hold(line: .l1, priority: .minor, start: Date(), seconds: 9 * 3600)]).lines[.l1] == nil)
    }

    @Test func seatPlanAgainstTheRoster() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        let schedule = ShiftSchedule.standard(timeZone: zone)
        let operators = [Operator(login: "a", name: "A", role: .desk, shift: .day), Operator(login: "b", name: "B", role: .desk, shift: .day),
                         Operator(login: "c", name: "C", role: .desk, shift: .night), Operator(login: "d", name: "D", role: .l1),
                         Operator(login: "e", name: "E", role: .desk, shift: .day, disabled: true)]
        let roster = Roster(schedule: schedule, operators: operators)
        // 10:00 local is the day shift; 22:00 the night.
        let ten = try #require(ISO8601.parse("2026-12-03T10:00:00+08:00", defaultZone: zone))
        let night = try #require(ISO8601.parse("2026-12-03T22:00:00+08:00", defaultZone: zone))
        #expect(roster.onDuty(.desk, hourStarting: ten) == 2)
        #expect(roster.onDuty(.desk, hourStarting: night) == 1)
        #expect(roster.onDuty(.vendor, hourStarting: ten) == nil)
        #expect(roster.unscheduled(.l1) == 1)
        let date = try LocalDate.parse("2026-12-03")
        let forecast = ArrivalForecast(hours: [ForecastHour(start: ten, date: date, hour: 10, kind: .weekday(.thu), arrivals: [.desk: 40]),
                                               ForecastHour(start: night, date: date, hour: 22, kind: .weekday(.thu), arrivals: [.desk: 2])],
                                       weeksUsed: 8, historyFrom: date, weeklyTrend: [:], notes: [])
        let holds = (0..<20).map { DeskHistory.Hold(line: .desk, priority: .general, start: ten, seconds: Double(300 + $0 * 30)) }
        let plan = SeatPlan(forecast: forecast, workTime: WorkTime(holds: holds), priorityMix: [.desk: [.general: 3, .major: 1]],
                            responseTargets: [.major: 900, .general: 1800, .minor: 3600], roster: roster, settings: ForecastSettings())
        // 40 an hour of 9m45s mean: A = 6.5 erlangs; the 85 % cap alone asks for 8 seats.
        let busy = try #require(plan.hours.first?.lines[.desk])
        #expect(busy.seatsNeeded == 8)
        #expect(busy.isShort)
        let quiet = try #require(plan.hours.last?.lines[.desk])
        #expect(quiet.seatsNeeded == 1 && !quiet.isShort)
        #expect(plan.targets[.desk] == [ErlangC.Target(share: 0.25, wait: 900), ErlangC.Target(share: 0.75, wait: 1800)])
        #expect(plan.hours.first?.lines[.l1]?.seatsNeeded == nil, "no L1 holds measured")
    }
}
