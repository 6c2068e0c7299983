import Foundation

/// A wall-clock time of day, `08:30`.
public struct LocalTime: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let minutes: Int

    private init(minutes: Int) { self.minutes = minutes }

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        minutes = hour * 60 + minute
    }

    static let half8AM = LocalTime(minutes: 8 * 60 + 30)
    static let half8PM = LocalTime(minutes: 20 * 60 + 30)

    /// `HH:MM`, 00:00 to 23:59.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var hour: Int { minutes / 60 }
    public var minute: Int { minutes % 60 }
    public var description: String { String(format: "%02d:%02d", hour, minute) }
    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.minutes < b.minutes }
}

/// The duty table's shifts (day shift and night duty) in the desk's time zone, with the
/// half-hour handover windows at each start and end.
public struct ShiftSchedule: Sendable, Hashable {
    public struct Shift: Sendable, Hashable {
        public var name: ShiftName
        public var start: LocalTime
        public var end: LocalTime

        public init(name: ShiftName, start: LocalTime, end: LocalTime) {
            self.name = name
            self.start = start
            self.end = end
        }
    }

    /// One concrete shift: the night duty that starts on 29 November at 20:30, say.
    public struct Occurrence: Sendable, Hashable, CustomStringConvertible {
        public var shift: ShiftName
        public var start: Date
        public var end: Date

        public init(shift: ShiftName, start: Date, end: Date) {
            self.shift = shift
            self.start = start
            self.end = end
        }

        /// The incoming shift reviews what was handed over in its first half hour.
        public var reviewWindow: DateInterval { DateInterval(start: start, end: start.addingTimeInterval(ShiftSchedule.window)) }
        /// The outgoing shift prepares its handover in its last half hour.
        public var prepareWindow: DateInterval { DateInterval(start: end.addingTimeInterval(-ShiftSchedule.window), end: end) }

        public var description: String { "\(shift.rawValue)@\(ISO8601.format(start))" }
    }

    public static let window: TimeInterval = 30 * 60

    public var timeZone: TimeZone
    public var day: Shift
    public var night: Shift

    public init(timeZone: TimeZone, day: Shift, night: Shift) {
        self.timeZone = timeZone
        self.day = day
        self.night = night
    }

    /// Day 08:30–20:30, night 20:30–08:30, as the duty table's desk works.
    public static func standard(timeZone: TimeZone) -> ShiftSchedule {
        ShiftSchedule(
            timeZone: timeZone,
            day: Shift(name: .day, start: .half8AM, end: .half8PM),
            night: Shift(name: .night, start: .half8PM, end: .half8AM))
    }

    public func shift(_ name: ShiftName) -> Shift { name == .day ? day : night }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The occurrence of `shift` that starts on the local day containing `anchor`.
    public func occurrence(of name: ShiftName, startingOnDayOf anchor: Date) -> Occurrence {
        let definition = shift(name)
        let calendar = self.calendar
        let day = calendar.startOfDay(for: anchor)
        let start = at(definition.start, on: day, calendar)
        var endDay = day
        if definition.end <= definition.start, let next = calendar.date(byAdding: .day, value: 1, to: day) { endDay = next }
        let end = at(definition.end, on: endDay, calendar)
        return Occurrence(shift: name, start: start, end: end)
    }

    /// The shift on duty at `instant`.
    public func occurrence(at instant: Date) -> Occurrence {
        let calendar = self.calendar
        let today = calendar.startOfDay(for: instant)
        let yesterday = calendar.date(byAdding: .day, value: -1, to: today) ?? today
        let candidates = [yesterday, today].flatMap { anchor in
            ShiftName.allCases.map { occurrence(of: $0, startingOnDayOf: anchor) }
        }
        return candidates.last { $0.start <= instant && instant < $0.end }
            ?? candidates.min { abs($0.start.timeIntervalSince(instant)) < abs($1.start.timeIntervalSince(instant)) }
            ?? occurrence(of: .day, startingOnDayOf: instant)
    }

    /// The shift that takes over when `occurrence` ends.
    public func next(after occurrence: Occurrence) -> Occurrence {
        self.occurrence(at: occurrence.end.addingTimeInterval(1))
    }

    /// The shift that handed over to `occurrence`.
    public func previous(before occurrence: Occurrence) -> Occurrence {
        self.occurrence(at: occurrence.start.addingTimeInterval(-1))
    }

    /// Local time on a local day; in a DST gap, the first valid instant after it.
    private func at(_ time: LocalTime, on day: Date, _ calendar: Calendar) -> Date {
        var components = calendar.dateComponents([.year, .month, .day], from: day)
        components.hour = time.hour
        components.minute = time.minute
        return calendar.date(from: components) ?? day.addingTimeInterval(TimeInterval(time.minutes * 60))
    }
}
