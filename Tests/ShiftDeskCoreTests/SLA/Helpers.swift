import Foundation
@testable import ShiftDeskCore

/// Property tests use the core's own seeded generator, so they are reproducible.
typealias SplitMix64 = SeededRandom

enum TestError: Error { case bad(String) }

func tz(_ id: String) throws -> TimeZone {
    guard let z = TimeZone(identifier: id) else { throw TestError.bad("no zone \(id)") }
    return z
}

/// `"2026-11-30 10:00"` or `"2026-11-30 10:00:30"` as local wall-clock time in `zone`
/// (first occurrence).
func at(_ text: String, _ zone: String = "Asia/Shanghai") throws -> Date {
    let parts = text.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == ":" || $0 == "T" }).compactMap { Int($0) }
    guard parts.count >= 5 else { throw TestError.bad(text) }
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = try tz(zone)
    var c = DateComponents()
    c.year = parts[0]; c.month = parts[1]; c.day = parts[2]; c.hour = parts[3]; c.minute = parts[4]
    c.second = parts.count > 5 ? parts[5] : 0
    guard let d = cal.date(from: c) else { throw TestError.bad(text) }
    return d
}

func utc(_ text: String) throws -> Date { try at(text, "UTC") }

let hour = 3600.0
let minute = 60.0
