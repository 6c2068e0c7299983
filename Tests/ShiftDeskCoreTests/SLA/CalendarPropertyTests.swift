import Foundation
import Testing
@testable import ShiftDeskCore

/// The slow reference: a calendar evaluated minute by minute with Foundation's
/// Gregorian calendar (wall-clock membership), summed into prefix counts.
struct MinuteReference {
    let origin: Date
    let prefix: [Int]  // prefix[i] = working minutes in [origin, origin + i min)

    init(zone: TimeZone, spans: [(Int, Int)], weekdays: Set<Int>, holidays: Set<String>, workdays: Set<String>,
         from origin: Date, days: Int) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        self.origin = origin
        var prefix = [0]
        prefix.reserveCapacity(days * 1440 + 1)
        for i in 0..<(days * 1440) {
            let t = origin.addingTimeInterval(Double(i) * 60)
            let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: t)
            let y = c.year ?? 0, mo = c.month ?? 0, d = c.day ?? 0
            let key = "\(y)-\(mo < 10 ? "0" : "")\(mo)-\(d < 10 ? "0" : "")\(d)"
            let dayWorks = !holidays.contains(key) && (weekdays.contains(c.weekday ?? 0) || workdays.contains(key))
            let m = (c.hour ?? 0) * 60 + (c.minute ?? 0)
            let inSpan = spans.contains { m >= $0.0 && m < $0.1 }
            prefix.append((prefix.last ?? 0) + (dayWorks && inSpan ? 1 : 0))
        }
        self.prefix = prefix
    }

    var minutes: Int { prefix.count - 1 }
    func date(_ i: Int) -> Date { origin.addingTimeInterval(Double(i) * 60) }

    /// Working seconds between minute indexes.
    func working(_ a: Int, _ b: Int) -> TimeInterval { Double(prefix[b] - prefix[a]) * 60 }

    /// The end of the minute in which the `n`-th working minute after minute `s` is
    /// completed; nil if beyond the range.
    func deadline(from s: Int, minutes n: Int) -> Date? {
        let target = prefix[s] + n
        guard let last = prefix.last, last >= target else { return nil }
        var lo = s, hi = minutes  // smallest m with prefix[m] >= target
        while lo < hi {
            let mid = (lo + hi) / 2
            if prefix[mid] >= target { hi = mid } else { lo = mid + 1 }
        }
        return date(lo)
    }
}

struct PropertyCase: Sendable, CustomStringConvertible {
    let name: String
    let zone: String
    let hours: [String]
    let days: [String]
    let holidays: [String]
    let workdays: [String]
    let from: String   // UTC, start of the reference range
    let days_: Int
    var description: String { name }
}

let propertyCases: [PropertyCase] = [
    PropertyCase(name: "Shanghai office, National Day and make-up days", zone: "Asia/Shanghai",
                 hours: ["09:00-12:00", "13:30-18:00"], days: ["mon", "tue", "wed", "thu", "fri"],
                 holidays: ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08"],
                 workdays: ["2026-09-27", "2026-10-10"], from: "2026-09-10 00:00", days_: 60),
    PropertyCase(name: "New York office, spring forward", zone: "America/New_York",
                 hours: ["08:30-12:00", "13:00-17:30"], days: ["mon", "tue", "wed", "thu", "fri"],
                 holidays: ["2026-03-10"], workdays: ["2026-03-08"], from: "2026-02-25 00:00", days_: 40),
    PropertyCase(name: "New York night desk, fall back", zone: "America/New_York",
                 hours: ["00:00-06:00", "22:00-24:00"], days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                 holidays: ["2026-11-03"], workdays: [], from: "2026-10-20 00:00", days_: 40),
    PropertyCase(name: "Berlin shifts, both transitions on make-up Sundays", zone: "Europe/Berlin",
                 hours: ["00:00-06:00", "07:00-12:00", "18:00-24:00"], days: ["mon", "tue", "wed", "thu", "fri", "sat"],
                 holidays: ["2026-10-03", "2026-04-06"], workdays: ["2026-03-29", "2026-10-25"],
                 from: "2026-03-15 00:00", days_: 240),
]

@Suite struct CalendarPropertyTests {
    func build(_ c: PropertyCase) throws -> (WorkingCalendar, MinuteReference) {
        let zone = try tz(c.zone)
        let cal = try WorkingCalendar(timeZone: zone, hours: c.hours, days: c.days, holidays: c.holidays, workdays: c.workdays)
        let spans = try c.hours.map { h -> (Int, Int) in let s = try DailySpan.parse(h); return (s.start / 60, s.end / 60) }
        let wd = Set(try c.days.map { d -> Int in (try Weekday.parse(d).index + 1) % 7 + 1 })
        let ref = MinuteReference(zone: zone, spans: spans, weekdays: wd, holidays: Set(c.holidays), workdays: Set(c.workdays),
                                  from: try utc(c.from), days: c.days_)
        return (cal, ref)
    }

    /// One reference per calendar (building it is the slow part), three checks.
    @Test(arguments: propertyCases)
    func matchesMinuteByMinuteReference(_ c: PropertyCase) throws {
        let (cal, ref) = try build(c)
        deadlines(c, cal, ref)
        workingSecondsAndSegments(c, cal, ref)
        isWorking(c, cal, ref)
    }

    func deadlines(_ c: PropertyCase, _ cal: WorkingCalendar, _ ref: MinuteReference) {
        var rng = SplitMix64(seed: 0x5D_E5C0 ^ UInt64(c.name.count))
        var checked = 0
        for i in 0..<400 {
            let s = Int.random(in: 0..<(ref.minutes * 3 / 4), using: &rng)
            // Mostly short (hours), some long (days of working time).
            let n = i % 4 == 0 ? Int.random(in: 1...(60 * 60), using: &rng) : Int.random(in: 1...600, using: &rng)
            guard let expected = ref.deadline(from: s, minutes: n) else { continue }
            let start = ref.date(s)
            let got = cal.deadline(from: start, adding: Double(n) * 60)
            #expect(got == expected, "\(c.name): start \(start) + \(n) min")
            #expect(cal.workingSeconds(from: start, to: got) == Double(n) * 60, "\(c.name): round trip from \(start) + \(n) min")
            checked += 1
        }
        #expect(checked > 300)
    }

    func workingSecondsAndSegments(_ c: PropertyCase, _ cal: WorkingCalendar, _ ref: MinuteReference) {
        var rng = SplitMix64(seed: 42 &+ UInt64(c.name.count))
        for _ in 0..<300 {
            let a = Int.random(in: 0..<ref.minutes, using: &rng)
            let b = min(ref.minutes, a + Int.random(in: 0...(60 * 24 * 20), using: &rng))
            let expected = ref.working(a, b)
            #expect(cal.workingSeconds(from: ref.date(a), to: ref.date(b)) == expected, "\(c.name): \(ref.date(a)) → \(ref.date(b))")
            let segs = cal.segments(from: ref.date(a), to: ref.date(b))
            #expect(segs.filter(\.isWorking).reduce(0) { $0 + $1.duration } == expected)
            // Segments tile the range and alternate.
            if let first = segs.first, let last = segs.last {
                #expect(first.start == ref.date(a) && last.end == ref.date(b))
            }
            for (x, y) in zip(segs, segs.dropFirst()) {
                #expect(x.end == y.start && x.isWorking != y.isWorking)
            }
        }
    }

    func isWorking(_ c: PropertyCase, _ cal: WorkingCalendar, _ ref: MinuteReference) {
        for i in stride(from: 0, to: ref.minutes, by: 7) {
            let w = ref.prefix[i + 1] - ref.prefix[i] == 1
            #expect(cal.isWorking(at: ref.date(i)) == w, "\(c.name): \(ref.date(i))")
        }
    }

    /// Seconds, not minutes: random instants with seconds, on a short range, against a
    /// second-by-second count.
    @Test func secondsResolutionAroundLunchAndEvening() throws {
        let c = try shanghaiOffice()
        var rng = SplitMix64(seed: 7)
        let origin = try at("2026-11-30 11:50")
        let n = 7 * 3600  // 11:50 → 18:50
        var isW = [Bool]()
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = try tz("Asia/Shanghai")
        for i in 0..<n {
            let comps = cal.dateComponents([.hour, .minute], from: origin.addingTimeInterval(Double(i)))
            let m = (comps.hour ?? 0) * 60 + (comps.minute ?? 0)
            isW.append((m >= 540 && m < 720) || (m >= 810 && m < 1080))
        }
        for _ in 0..<200 {
            let s = Int.random(in: 0..<(n / 2), using: &rng)
            let d = Int.random(in: 1...(n / 3), using: &rng)
            var count = 0, i = s
            while count < d, i < n { if isW[i] { count += 1 }; i += 1 }
            guard count == d else { continue }
            let start = origin.addingTimeInterval(Double(s))
            #expect(c.deadline(from: start, adding: Double(d)) == origin.addingTimeInterval(Double(i)))
        }
    }
}
