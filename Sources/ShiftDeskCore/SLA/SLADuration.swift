import Foundation

/// A length of SLA time, in whole seconds, as written in the policy file:
/// `"30m"`, `"2h"`, `"1h30m"`, `"45s"`, `"1d"` (= 24 h of *clock* time on the
/// priority's calendar, i.e. 86 400 working seconds), `"0m"`.
///
/// Grammar: one or more `<digits><unit>` groups, units `d`, `h`, `m`, `s`, each at
/// most once and in that order (`"1h30m"`, not `"30m1h"`). No sign, no spaces
/// inside, no fractions. Formatting gives the shortest canonical form
/// (`5400 s → "1h30m"`, `86400 s → "1d"`, `0 → "0m"`).
public struct SLADuration: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let seconds: Int

    /// A negative value is clamped to zero (durations are never negative).
    public init(seconds: Int) {
        self.seconds = max(0, seconds)
    }

    public static let zero = SLADuration(seconds: 0)
    public static func minutes(_ m: Int) -> SLADuration { SLADuration(seconds: m * 60) }
    public static func hours(_ h: Int) -> SLADuration { SLADuration(seconds: h * 3600) }

    public var timeInterval: TimeInterval { TimeInterval(seconds) }

    public static func < (a: SLADuration, b: SLADuration) -> Bool { a.seconds < b.seconds }

    /// Parses `"1h30m"` and friends; see the type's documentation for the grammar.
    public static func parse(_ text: String) throws(SLADurationError) -> SLADuration {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { throw .empty }
        if s.hasPrefix("-") { throw .negative(text) }
        if s.hasPrefix("+") { throw .malformed(text, "no sign allowed") }
        let units: [(Character, Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        var total = 0
        var number: Int? = nil
        var lastUnitIndex = -1
        for ch in s {
            if let digit = ch.wholeNumberValue, ch.isASCII {
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (n, o2) = m.addingReportingOverflow(digit)
                if o1 || o2 { throw .overflow(text) }
                number = n
                continue
            }
            guard let unitIndex = units.firstIndex(where: { $0.0 == ch }) else {
                if ch == "." || ch == "," { throw .malformed(text, "fractions are not allowed; write \"1h30m\", not \"1.5h\"") }
                if ch == " " { throw .malformed(text, "no spaces inside a duration") }
                throw .unknownUnit(text, String(ch))
            }
            guard let n = number else { throw .missingNumber(text, String(ch)) }
            if unitIndex == lastUnitIndex { throw .repeatedUnit(text, String(ch)) }
            if unitIndex < lastUnitIndex { throw .outOfOrder(text) }
            let (part, o1) = n.multipliedReportingOverflow(by: units[unitIndex].1)
            let (sum, o2) = total.addingReportingOverflow(part)
            // Cap at 100 years so every value is exact as a TimeInterval and as an instant offset.
            if o1 || o2 || sum > maxSeconds { throw .overflow(text) }
            total = sum
            number = nil
            lastUnitIndex = unitIndex
        }
        if number != nil { throw .missingUnit(text) }
        return SLADuration(seconds: total)
    }

    /// The largest accepted duration: 100 years of 365 days.
    public static let maxSeconds = 100 * 365 * 86_400

    /// Shortest canonical form: `"1d2h"`, `"1h30m"`, `"45s"`, `"0m"`.
    public var description: String { SLADuration.format(seconds: seconds) }

    public static func format(seconds: Int) -> String {
        if seconds == 0 { return "0m" }
        var rest = seconds
        var out = ""
        if seconds < 0 { out = "-"; rest = -seconds }
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            let n = rest / size
            if n > 0 { out += "\(n)\(unit)" }
            rest -= n * size
        }
        return out
    }

    /// Formats a (possibly fractional or negative) number of seconds, rounded to whole seconds.
    public static func format(_ interval: TimeInterval) -> String {
        format(seconds: Int(interval.rounded()))
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        do {
            self = try SLADuration.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

public enum SLADurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case negative(String)
    case unknownUnit(String, String)
    case missingUnit(String)
    case missingNumber(String, String)
    case repeatedUnit(String, String)
    case outOfOrder(String)
    case overflow(String)
    case malformed(String, String)

    public var description: String {
        let hint = "write durations like \"30m\", \"2h\", \"1h30m\", \"45s\", \"1d\""
        switch self {
        case .empty: return "empty duration; \(hint)"
        case .negative(let s): return "negative duration \"\(s)\" is not allowed"
        case .unknownUnit(let s, let u): return "bad duration \"\(s)\": unknown unit \"\(u)\" (units: d, h, m, s)"
        case .missingUnit(let s): return "bad duration \"\(s)\": a number without a unit; \(hint)"
        case .missingNumber(let s, let u): return "bad duration \"\(s)\": unit \"\(u)\" without a number"
        case .repeatedUnit(let s, let u): return "bad duration \"\(s)\": unit \"\(u)\" given twice"
        case .outOfOrder(let s): return "bad duration \"\(s)\": units must go from largest to smallest (d, h, m, s)"
        case .overflow(let s): return "duration \"\(s)\" is too large (at most 100 years)"
        case .malformed(let s, let why): return "bad duration \"\(s)\": \(why)"
        }
    }
}
