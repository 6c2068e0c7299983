import Foundation

/// Instants as other systems write them, parsed without a `DateFormatter` (fast enough for
/// millions of cells) and turned into UTC with the zone the source wrote them in.
public enum SourceTime {
    /// `d/m/yyyy hh:mm` or `d/m/yyyy hh:mm:ss` (ServiceNow's export in a day-first locale), read in `zone`.
    public static func parseDayMonthYear(_ text: Substring, zone: TimeZone) -> Date? {
        var numbers: [Int] = []
        numbers.reserveCapacity(6)
        var current = -1
        var digits = 0
        var separators: [UInt8] = []
        for byte in text.utf8 {
            if byte >= 48 && byte <= 57 {
                current = (current < 0 ? 0 : current) * 10 + Int(byte - 48)
                digits += 1
                if digits > 4 { return nil }
            } else if byte == UInt8(ascii: "/") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: " ") {
                guard current >= 0 else { return nil }
                numbers.append(current)
                separators.append(byte)
                current = -1
                digits = 0
            } else {
                return nil
            }
        }
        guard current >= 0 else { return nil }
        numbers.append(current)
        let slash = UInt8(ascii: "/"), colon = UInt8(ascii: ":"), space = UInt8(ascii: " ")
        guard numbers.count == 5 || numbers.count == 6,
              separators.prefix(4) == [slash, slash, space, colon],
              numbers.count == 5 || separators[4] == colon else { return nil }
        let (day, month, year, hour, minute) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4])
        let second = numbers.count == 6 ? numbers[5] : 0
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), (1900...9999).contains(year),
              hour < 24, minute < 60, second < 60 else { return nil }
        return instant(year: year, month: month, day: day, hour: hour, minute: minute, second: second, zone: zone)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The civil date and time in `zone` as an instant (for a local time that occurs twice, the first).
    public static func instant(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, zone: TimeZone) -> Date {
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let local = Double(days * 86_400 + hour * 3600 + minute * 60 + second)
        if zone.identifier == "UTC" || zone.identifier == "GMT" {
            return Date(timeIntervalSince1970: local)
        }
        let guess = Date(timeIntervalSince1970: local - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: local))))
        return Date(timeIntervalSince1970: local - Double(zone.secondsFromGMT(for: guess)))
    }
}

extension ISO8601 {
    /// ISO 8601 in UTC with milliseconds when the instant has any (`2026-11-29T04:00:00.250Z`),
    /// else to the second: what exports write, so that nothing the store keeps is lost.
    public static func formatPrecise(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = Date(timeIntervalSince1970: Double(millis.floorDiv(1000)))
        let fraction = millis - millis.floorDiv(1000) * 1000
        let text = format(seconds)
        guard fraction != 0 else { return text }
        return String(text.dropLast()) + "." + String(format: "%03lld", fraction) + "Z"
    }
}

extension Int64 {
    fileprivate func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
