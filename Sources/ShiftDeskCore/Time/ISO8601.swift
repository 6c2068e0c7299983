import Foundation

/// ISO 8601 instants as the CLI and JSON speak them. Parsing is strict: a date and time with an
/// offset or `Z`, or a date and time without one, read in the zone given.
public enum ISO8601 {
    public static func format(_ date: Date) -> String {
        // Civil date from days since 1970 (Howard Hinnant's civil_from_days): no Calendar, as this
        // runs for every field of every event written (imports write millions).
        let interval = date.timeIntervalSince1970.rounded(.down)
        guard interval.isFinite, abs(interval) < 1e14 else { return "0000-00-00T00:00:00Z" }
        let total = Int64(interval)
        var days = total / 86_400
        var rest = total % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var out = ""
        out.reserveCapacity(20)
        func pad(_ value: Int64, _ width: Int) {
            let digits = String(value)
            if digits.count < width { out += String(repeating: "0", count: width - digits.count) }
            out += digits
        }
        pad(year, 4); out += "-"; pad(month, 2); out += "-"; pad(day, 2); out += "T"
        pad(rest / 3600, 2); out += ":"; pad(rest / 60 % 60, 2); out += ":"; pad(rest % 60, 2); out += "Z"
        return out
    }

    /// `2026-11-29T04:00:00Z`, `2026-11-29T12:00:00+08:00`, `2026-11-29T12:00` (in `zone`),
    /// `2026-11-29 12:00:00`, fractions of a second allowed.
    public static func parse(_ text: String, defaultZone: TimeZone = TimeZone(identifier: "UTC") ?? .gmt) -> Date? {
        let scalars = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= scalars.count else { return nil }
            var value = 0
            for offset in 0..<digits {
                let byte = scalars[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < scalars.count, characters.utf8.contains(scalars[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("Tt "), let hour = number(2), expect(":"), let minute = number(2) else { return nil }
        var second = 0
        var fraction = 0.0
        if index < scalars.count, scalars[index] == UInt8(ascii: ":") {
            index += 1
            guard let s = number(2) else { return nil }
            second = s
            if index < scalars.count, scalars[index] == UInt8(ascii: ".") || scalars[index] == UInt8(ascii: ",") {
                index += 1
                var scale = 0.1
                var any = false
                while index < scalars.count, scalars[index] >= 48, scalars[index] <= 57 {
                    fraction += Double(scalars[index] - 48) * scale
                    scale /= 10
                    index += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        var zone = defaultZone
        if index < scalars.count {
            if expect("Zz") {
                zone = TimeZone(secondsFromGMT: 0) ?? zone
            } else if index < scalars.count, scalars[index] == UInt8(ascii: "+") || scalars[index] == UInt8(ascii: "-") {
                let sign = scalars[index] == UInt8(ascii: "+") ? 1 : -1
                index += 1
                guard let offsetHours = number(2) else { return nil }
                _ = expect(":")
                guard let offsetMinutes = number(2), offsetHours <= 18, offsetMinutes < 60,
                      let offsetZone = TimeZone(secondsFromGMT: sign * (offsetHours * 3600 + offsetMinutes * 60))
                else { return nil }
                zone = offsetZone
            }
        }
        guard index == scalars.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
              second < 61 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return date.addingTimeInterval(fraction)
    }

}
