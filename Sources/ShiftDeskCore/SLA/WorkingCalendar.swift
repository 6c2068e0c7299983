import Foundation

/// A stretch of time on a calendar, working or not (for `sla explain`).
public struct CalendarSegment: Sendable, Hashable {
    public var start: Date
    public var end: Date
    public var isWorking: Bool
    public var duration: TimeInterval { end.timeIntervalSince(start) }

    public init(start: Date, end: Date, isWorking: Bool) {
        self.start = start; self.end = end; self.isWorking = isWorking
    }
}

/// When SLA time runs: either around the clock (`24x7`) or in working hours.
///
/// Working hours are local wall-clock spans in the calendar's IANA time zone, on the
/// working weekdays, except holidays (whole local dates off), plus make-up working
/// days (调休: local dates that work with the same spans even if their weekday
/// normally does not).
///
/// Semantics at the edges (all documented choices):
/// - A span is the instants from its start to its end, end excluded; a deadline that
///   falls exactly at the end of a span is that instant (not the next span's start).
/// - A clock that starts outside working hours starts counting at the next working instant.
/// - Adding 0 seconds (an "at once" step) gives the start instant itself, even outside
///   working hours: a major incident's "at once" escalation is due the moment it is
///   opened, whatever the calendar.
/// - DST: a span boundary is placed at the first instant its wall-clock time occurs. A
///   boundary inside a spring-forward gap (02:30 on a day 02:00→03:00) is placed at the
///   transition instant; a boundary inside a fall-back repetition (01:30 on a day
///   02:00→01:00) at its first occurrence. So a `00:00-24:00` span lasts 23 h or 25 h on
///   those days, and office hours that avoid the small hours are never affected.
/// - Computation jumps span by span, day by day, and whole weeks at a time when no
///   holiday, make-up day or offset change lies inside; never second by second.
public struct WorkingCalendar: Sendable, Hashable {
    /// `nil` for the 24x7 calendar.
    public let hours: WorkingHours?

    public struct WorkingHours: Sendable, Hashable {
        public let timeZone: TimeZone
        /// Sorted by start; non-overlapping.
        public let spans: [DailySpan]
        public let weekdays: Set<Weekday>
        public let holidays: Set<LocalDate>
        public let workdays: Set<LocalDate>
    }

    /// Around the clock, every day.
    public static let twentyFourSeven = WorkingCalendar(hours: nil)

    public var isTwentyFourSeven: Bool { hours == nil }
    public var timeZone: TimeZone? { hours?.timeZone }

    private init(hours: WorkingHours?) {
        self.hours = hours
        self.merged = []
        self.weekdayMask = Array(repeating: true, count: 7)
        self.holidayDays = []
        self.workdayDays = []
        self.specialDays = []
        self.weeklySeconds = 7 * 86_400
    }

    /// A working-hours calendar. Throws when the spans overlap or are empty, when no
    /// weekday works (a calendar must have unbounded working time so that every
    /// deadline exists), or when a date is both a holiday and a make-up day.
    public init(timeZone: TimeZone, spans: [DailySpan], weekdays: Set<Weekday>,
                holidays: Set<LocalDate> = [], workdays: Set<LocalDate> = []) throws(CalendarError) {
        guard !spans.isEmpty else { throw .noSpans }
        guard !weekdays.isEmpty else { throw .noWeekdays }
        let sorted = spans.sorted()
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.start < a.end {
            throw .overlappingSpans(a.description, b.description)
        }
        if let both = holidays.intersection(workdays).min() { throw .holidayAndWorkday(both) }
        self.hours = WorkingHours(timeZone: timeZone, spans: sorted, weekdays: weekdays,
                                  holidays: holidays, workdays: workdays)
        // Adjacent spans ("09:00-12:00", "12:00-13:00") are one stretch of working time.
        var merged: [DailySpan] = []
        for s in sorted {
            if let last = merged.last, last.end == s.start {
                merged[merged.count - 1] = try DailySpan(start: last.start, end: s.end)
            } else {
                merged.append(s)
            }
        }
        self.merged = merged
        self.weekdayMask = Weekday.allCases.map { weekdays.contains($0) }
        self.holidayDays = Set(holidays.map(\.dayNumber))
        self.workdayDays = Set(workdays.map(\.dayNumber))
        self.specialDays = (holidayDays.union(workdayDays)).sorted()
        self.weeklySeconds = merged.reduce(0) { $0 + $1.length } * weekdays.count
    }

    /// Parses spans like `"09:00-12:00"` and weekdays like `"mon"`; convenience for code and tests.
    public init(timeZone: TimeZone, hours: [String], days: [String],
                holidays: [String] = [], workdays: [String] = []) throws(CalendarError) {
        var spans: [DailySpan] = []
        for h in hours { spans.append(try DailySpan.parse(h)) }
        var wd: Set<Weekday> = []
        for d in days { wd.insert(try Weekday.parse(d)) }
        var hol: Set<LocalDate> = []
        for d in holidays { hol.insert(try LocalDate.parse(d)) }
        var mk: Set<LocalDate> = []
        for d in workdays { mk.insert(try LocalDate.parse(d)) }
        try self.init(timeZone: timeZone, spans: spans, weekdays: wd, holidays: hol, workdays: mk)
    }

    // Derived, for speed.
    private let merged: [DailySpan]
    private let weekdayMask: [Bool]
    private let holidayDays: Set<Int>
    private let workdayDays: Set<Int>
    private let specialDays: [Int]
    private let weeklySeconds: Int

    // MARK: - Public queries

    /// The instant at which `seconds` of working time have elapsed since `start`.
    /// `seconds <= 0` gives `start` itself (see the type's documentation).
    public func deadline(from start: Date, adding seconds: TimeInterval) -> Date {
        guard seconds > 0, seconds.isFinite else { return start }
        guard hours != nil else { return start.addingTimeInterval(seconds) }
        let s = start.timeIntervalSince1970
        var remaining = seconds
        var walker = Walker(calendar: self)
        let d0 = localDay(s)
        var d = d0 - 1
        let week = Double(weeklySeconds)
        while true {
            if d > d0, remaining > week {
                let wanted = Int((remaining / week).rounded(.up)) - 1
                let k = walker.cleanWeeks(from: d, atMost: wanted)
                if k > 0 {
                    d += 7 * k
                    remaining -= Double(k) * week
                }
            }
            for (a, b) in intervals(day: d) {
                let a2 = max(a, s)
                guard b > a2 else { continue }
                let len = b - a2
                if len >= remaining { return Date(timeIntervalSince1970: a2 + remaining) }
                remaining -= len
            }
            d += 1
        }
    }

    /// Working seconds between two instants (0 when `end <= start`).
    public func workingSeconds(from start: Date, to end: Date) -> TimeInterval {
        let a = start.timeIntervalSince1970, b = end.timeIntervalSince1970
        guard b > a else { return 0 }
        guard hours != nil else { return b - a }
        var walker = Walker(calendar: self)
        let dA = localDay(a), dB = localDay(b)
        var total = 0.0
        var d = dA - 1
        while d <= dB + 1 {
            if d > dA, dB - 1 - d >= 7 {
                let k = walker.cleanWeeks(from: d, atMost: (dB - 1 - d) / 7)
                if k > 0 {
                    d += 7 * k
                    total += Double(k * weeklySeconds)
                }
            }
            for (x, y) in intervals(day: d) {
                let x2 = max(x, a), y2 = min(y, b)
                if y2 > x2 { total += y2 - x2 }
            }
            d += 1
        }
        return total
    }

    /// The time from `start` to `end` cut into alternating working and non-working segments.
    public func segments(from start: Date, to end: Date) -> [CalendarSegment] {
        let a = start.timeIntervalSince1970, b = end.timeIntervalSince1970
        guard b > a else { return [] }
        guard hours != nil else { return [CalendarSegment(start: start, end: end, isWorking: true)] }
        var working: [(Double, Double)] = []
        let dA = localDay(a), dB = localDay(b)
        for d in (dA - 1)...(dB + 1) {
            for (x, y) in intervals(day: d) {
                let x2 = max(x, a), y2 = min(y, b)
                guard y2 > x2 else { continue }
                if let last = working.last, last.1 >= x2 {
                    working[working.count - 1].1 = max(last.1, y2)
                } else {
                    working.append((x2, y2))
                }
            }
        }
        var out: [CalendarSegment] = []
        var cursor = a
        for (x, y) in working {
            if x > cursor {
                out.append(CalendarSegment(start: Date(timeIntervalSince1970: cursor), end: Date(timeIntervalSince1970: x), isWorking: false))
            }
            out.append(CalendarSegment(start: Date(timeIntervalSince1970: x), end: Date(timeIntervalSince1970: y), isWorking: true))
            cursor = y
        }
        if b > cursor {
            out.append(CalendarSegment(start: Date(timeIntervalSince1970: cursor), end: end, isWorking: false))
        }
        return out
    }

    /// Whether SLA time runs at this instant.
    public func isWorking(at instant: Date) -> Bool {
        guard hours != nil else { return true }
        let t = instant.timeIntervalSince1970
        let d = localDay(t)
        for day in (d - 1)...(d + 1) {
            for (a, b) in intervals(day: day) where a <= t && t < b { return true }
        }
        return false
    }

    /// The first working instant at or after `instant`.
    public func nextWorkingInstant(atOrAfter instant: Date) -> Date {
        guard hours != nil else { return instant }
        let t = instant.timeIntervalSince1970
        var d = localDay(t) - 1
        while true {
            for (a, b) in intervals(day: d) where b > t { return Date(timeIntervalSince1970: max(a, t)) }
            d += 1
        }
    }

    /// Whether the local date works (weekday or make-up day, and not a holiday).
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        guard hours != nil else { return true }
        return isWorkingDay(dayNumber: date.dayNumber)
    }

    /// The local date of an instant in the calendar's zone (UTC for 24x7).
    public func localDate(of instant: Date) -> LocalDate {
        LocalDate(dayNumber: localDay(instant.timeIntervalSince1970))
    }

    // MARK: - Internals (instants as seconds since 1970)

    private func offset(_ t: Double) -> Int {
        guard let tz = hours?.timeZone else { return 0 }
        return tz.secondsFromGMT(for: Date(timeIntervalSince1970: t))
    }

    func localDay(_ t: Double) -> Int {
        let local = t + Double(offset(t))
        return Int((local / 86_400).rounded(.down))
    }

    private func isWorkingDay(dayNumber d: Int) -> Bool {
        if holidayDays.contains(d) { return false }
        if workdayDays.contains(d) { return true }
        return weekdayMask[Weekday(dayNumber: d).index]
    }

    /// The working intervals (instants) of local day `d`, in order.
    func intervals(day d: Int) -> [(Double, Double)] {
        guard isWorkingDay(dayNumber: d) else { return [] }
        let base = d * 86_400
        // Fast path: the same offset from the day before to the day after → no transition today.
        let o1 = offset(Double(base - 86_400)), o2 = offset(Double(base + 2 * 86_400))
        if o1 == o2, offset(Double(base - o1)) == o1, offset(Double(base + 86_400 - o1)) == o1 {
            return merged.map { (Double(base + $0.start - o1), Double(base + $0.end - o1)) }
        }
        return merged.map { (Double(instant(local: base + $0.start)), Double(instant(local: base + $0.end))) }
    }

    /// The first instant whose local wall-clock time is `local` (seconds since 1970 in
    /// local time); for a time inside a spring-forward gap, the transition instant.
    func instant(local L: Int) -> Int {
        var offsets: [Int] = []
        for probe in stride(from: -86_400, through: 86_400, by: 21_600) {
            let o = offset(Double(L + probe))
            if !offsets.contains(o) { offsets.append(o) }
        }
        let candidates = offsets.map { L - $0 }
        let valid = candidates.filter { $0 + offset(Double($0)) == L }
        if let first = valid.min() { return first }
        // In a gap: the smallest instant whose local time is past L.
        guard var lo = candidates.min(), var hi = candidates.max() else { return L }
        lo -= 1
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if mid + offset(Double(mid)) >= L { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// Cache for walking many days: the next offset transition.
    private struct Walker {
        let calendar: WorkingCalendar
        var transitionAfter: Double = .infinity
        var transition: Double? = nil
        var transitionKnown = false

        init(calendar: WorkingCalendar) { self.calendar = calendar }

        /// How many whole weeks from local day `d` contain no holiday, no make-up
        /// day and no offset change, at most `atMost`.
        mutating func cleanWeeks(from d: Int, atMost: Int) -> Int {
            guard atMost > 0, let tz = calendar.hours?.timeZone else { return 0 }
            var days = atMost * 7
            // Next special date at or after d.
            let special = calendar.specialDays
            var lo = 0, hi = special.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if special[mid] < d { lo = mid + 1 } else { hi = mid }
            }
            if lo < special.count { days = min(days, special[lo] - d) }
            // Next offset transition after the start of day d (conservatively: from the day before).
            let dayStart = Double((d - 1) * 86_400 - 50_400)
            if !transitionKnown || dayStart < transitionAfter || (transition.map { $0 <= dayStart } ?? false) {
                transition = tz.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: dayStart))?.timeIntervalSince1970
                transitionAfter = dayStart
                transitionKnown = true
            }
            if let t = transition {
                let tDay = calendar.localDay(t)
                days = min(days, tDay - 1 - d)
            }
            var k = max(0, days / 7)
            // Belt and braces: the offset must be the same at both ends of the block.
            while k > 0, calendar.offset(Double(d * 86_400)) != calendar.offset(Double((d + 7 * k) * 86_400)) {
                k /= 2
            }
            return k
        }
    }
}
