import Foundation

/// A local calendar date (proleptic Gregorian), e.g. `2026-10-01`: a whole day in a calendar's zone.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Fails on an impossible date (month 13, 30 February, …).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysInMonth(year: year, month: month) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        let (y, m, d) = CivilDays.civil(fromDays: dayNumber)
        self.year = y; self.month = m; self.day = d
    }

    /// Parses `YYYY-MM-DD`.
    public static func parse(_ text: String) throws(CalendarError) -> LocalDate {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            throw .badDate(text, "expected YYYY-MM-DD")
        }
        guard let date = LocalDate(year: y, month: m, day: d) else {
            throw .badDate(text, "no such day")
        }
        return date
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int { CivilDays.days(fromCivil: year, month, day) }
    public var weekday: Weekday { Weekday(dayNumber: dayNumber) }

    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        default:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        }
    }
}

/// Proleptic Gregorian day arithmetic (H. Hinnant's algorithms), no Foundation calendar needed.
enum CivilDays {
    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case mon, tue, wed, thu, fri, sat, sun

    /// Monday = 0 … Sunday = 6.
    public var index: Int { Weekday.allCases.firstIndex(of: self) ?? 0 }

    init(dayNumber: Int) {
        // 1970-01-01 was a Thursday (index 3).
        let i = ((dayNumber % 7) + 7 + 3) % 7
        self = Weekday.allCases[i]
    }

    /// Accepts `mon`, `Monday`, `MON`, …
    public static func parse(_ text: String) throws(CalendarError) -> Weekday {
        let t = text.lowercased()
        for w in Weekday.allCases {
            let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][w.index]
            if t == w.rawValue || t == full { return w }
        }
        throw .badWeekday(text)
    }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.index < b.index }
}

/// A daily working span in local wall-clock time, `"09:00-12:00"`; the end may be `24:00`.
public struct DailySpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds after local midnight, `0 ..< 86400`.
    public let start: Int
    /// Seconds after local midnight, `start < end <= 86400`.
    public let end: Int

    public init(start: Int, end: Int) throws(CalendarError) {
        guard (0..<86_400).contains(start), (0...86_400).contains(end) else {
            throw .badSpan(DailySpan.text(start, end), "times must lie between 00:00 and 24:00")
        }
        guard end > start else { throw .spanEndNotAfterStart(DailySpan.text(start, end)) }
        self.start = start; self.end = end
    }

    /// Parses `"HH:MM-HH:MM"`.
    public static func parse(_ text: String) throws(CalendarError) -> DailySpan {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let a = parseTime(parts[0]), let b = parseTime(parts[1]) else {
            throw .badSpan(text, "expected \"HH:MM-HH:MM\", e.g. \"09:00-12:00\"")
        }
        if a == 86_400 { throw .badSpan(text, "a span cannot start at 24:00") }
        guard b > a else { throw .spanEndNotAfterStart(text) }
        return try DailySpan(start: a, end: b)
    }

    static func parseTime(_ s: String) -> Int? {
        let hm = s.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2,
              hm.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(hm[0]), let m = Int(hm[1]), m < 60, h <= 24, !(h == 24 && m != 0) else { return nil }
        return h * 3600 + m * 60
    }

    static func text(_ a: Int, _ b: Int) -> String {
        func t(_ x: Int) -> String {
            let h = x / 3600, m = (x % 3600) / 60
            return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
        }
        return "\(t(a))-\(t(b))"
    }

    public var description: String { DailySpan.text(start, end) }
    public var length: Int { end - start }

    public static func < (a: DailySpan, b: DailySpan) -> Bool { (a.start, a.end) < (b.start, b.end) }
}

public enum CalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    case badSpan(String, String)
    case spanEndNotAfterStart(String)
    case overlappingSpans(String, String)
    case badDate(String, String)
    case badWeekday(String)
    case noSpans
    case noWeekdays
    case holidayAndWorkday(LocalDate)

    public var description: String {
        switch self {
        case .badSpan(let s, let why): return "bad working span \"\(s)\": \(why)"
        case .spanEndNotAfterStart(let s): return "working span \"\(s)\" ends before (or when) it starts; a span crossing midnight is written as two spans, \"22:00-24:00\" and \"00:00-06:00\""
        case .overlappingSpans(let a, let b): return "working spans \"\(a)\" and \"\(b)\" overlap"
        case .badDate(let s, let why): return "bad date \"\(s)\": \(why) (write dates as YYYY-MM-DD)"
        case .badWeekday(let s): return "bad weekday \"\(s)\" (use mon, tue, wed, thu, fri, sat, sun)"
        case .noSpans: return "a working-hours calendar needs at least one span in hours, e.g. [\"09:00-18:00\"]"
        case .noWeekdays: return "a working-hours calendar needs at least one working weekday in days, or it would have almost no working time and deadlines could never fall"
        case .holidayAndWorkday(let d): return "\(d) is listed both as a holiday and as a make-up working day"
        }
    }
}
