import Foundation
import Testing
@testable import ShiftDeskCore

/// Shanghai office: lunch break, National Day holidays, two make-up days (调休).
func shanghaiOffice() throws -> WorkingCalendar {
    try WorkingCalendar(timeZone: try tz("Asia/Shanghai"), hours: ["09:00-12:00", "13:30-18:00"],
                        days: ["mon", "tue", "wed", "thu", "fri"],
                        holidays: ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08"],
                        workdays: ["2026-09-27", "2026-10-10"])
}

@Suite struct CalendarEdgeTests {
    let sh = "Asia/Shanghai"

    @Test func deadlineExactlyAtSpanEndIsThatInstant() throws {
        let c = try shanghaiOffice()
        #expect(c.deadline(from: try at("2026-11-30 09:00"), adding: 3 * hour) == (try at("2026-11-30 12:00")))
        #expect(c.deadline(from: try at("2026-11-30 09:00"), adding: 7.5 * hour) == (try at("2026-11-30 18:00")))
        #expect(c.deadline(from: try at("2026-11-30 09:00"), adding: 3 * hour + 1) == (try at("2026-11-30 13:30:01")))
    }

    @Test func startOutsideHoursCountsFromNextWorkingInstant() throws {
        let c = try shanghaiOffice()
        #expect(c.deadline(from: try at("2026-11-30 07:00"), adding: 30 * minute) == (try at("2026-11-30 09:30")))
        #expect(c.deadline(from: try at("2026-11-30 12:30"), adding: 30 * minute) == (try at("2026-11-30 14:00")))
        #expect(c.deadline(from: try at("2026-11-28 10:00"), adding: hour) == (try at("2026-11-30 10:00")))  // Saturday
        #expect(c.nextWorkingInstant(atOrAfter: try at("2026-11-28 10:00")) == (try at("2026-11-30 09:00")))
    }

    @Test func zeroSecondsIsTheStartEvenOutsideHours() throws {
        let c = try shanghaiOffice()
        let sat = try at("2026-11-28 03:00")
        #expect(c.deadline(from: sat, adding: 0) == sat)
        #expect(WorkingCalendar.twentyFourSeven.deadline(from: sat, adding: 0) == sat)
    }

    @Test func acrossMidnight() throws {
        let c = try shanghaiOffice()
        #expect(c.deadline(from: try at("2026-11-30 17:00"), adding: 2 * hour) == (try at("2026-12-01 10:00")))
        let night = try WorkingCalendar(timeZone: try tz(sh), hours: ["22:00-24:00", "00:00-06:00"],
                                        days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
        #expect(night.deadline(from: try at("2026-11-30 23:00"), adding: 2 * hour) == (try at("2026-12-01 01:00")))
        #expect(night.deadline(from: try at("2026-11-30 23:00"), adding: hour) == (try at("2026-12-01 00:00")))
        // A span ending at 24:00 and one starting at 00:00 are one stretch.
        let segs = night.segments(from: try at("2026-11-30 21:00"), to: try at("2026-12-01 07:00"))
        #expect(segs.map(\.isWorking) == [false, true, false])
        #expect(segs[1].duration == 8 * hour)
    }

    @Test func fridayEveningToMonday() throws {
        let c = try shanghaiOffice()
        #expect(c.deadline(from: try at("2026-11-27 17:30"), adding: hour) == (try at("2026-11-30 09:30")))
        #expect(c.workingSeconds(from: try at("2026-11-27 17:00"), to: try at("2026-11-30 10:00")) == 2 * hour)
    }

    @Test func holidaysThenMakeUpDays() throws {
        let c = try shanghaiOffice()
        // Friday 25 Sep 17:00 + 2h: 1h Friday, Saturday off, Sunday 27 Sep is a make-up day.
        #expect(c.deadline(from: try at("2026-09-25 17:00"), adding: 2 * hour) == (try at("2026-09-27 10:00")))
        // Wednesday 30 Sep 17:00 + 1h30m: 1h, then holidays 1-8 Oct (and the weekend), Friday 9 Oct.
        #expect(c.deadline(from: try at("2026-09-30 17:00"), adding: 1.5 * hour) == (try at("2026-10-09 09:30")))
        // Friday 9 Oct 17:00 + 8h: 1h Friday, 7h of Saturday 10 Oct (make-up day, same spans).
        #expect(c.deadline(from: try at("2026-10-09 17:00"), adding: 8 * hour) == (try at("2026-10-10 17:30")))
        #expect(c.isWorkingDay(try LocalDate.parse("2026-10-10")))
        #expect(!c.isWorkingDay(try LocalDate.parse("2026-10-01")))
        #expect(!c.isWorkingDay(try LocalDate.parse("2026-10-11")))
    }

    @Test func dstNewYorkOffice() throws {
        let ny = "America/New_York"
        let c = try WorkingCalendar(timeZone: try tz(ny), hours: ["09:00-17:00"], days: ["mon", "tue", "wed", "thu", "fri"])
        // Spring forward on Sunday 8 March 2026.
        let d = c.deadline(from: try at("2026-03-06 16:00", ny), adding: 2 * hour)
        #expect(d == (try at("2026-03-09 10:00", ny)))
        #expect(d == (try utc("2026-03-09 14:00")))
        #expect(c.workingSeconds(from: try at("2026-03-06 16:00", ny), to: try at("2026-03-09 10:00", ny)) == 2 * hour)
        // Fall back on Sunday 1 November 2026.
        #expect(c.deadline(from: try at("2026-10-30 16:00", ny), adding: 2 * hour) == (try utc("2026-11-02 15:00")))
    }

    @Test func dstSpansContainingTheTransition() throws {
        for zone in ["America/New_York", "Europe/Berlin"] {
            let c = try WorkingCalendar(timeZone: try tz(zone), hours: ["00:00-06:00"],
                                        days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
            let spring = zone == "Europe/Berlin" ? "2026-03-29" : "2026-03-08"
            let fall = zone == "Europe/Berlin" ? "2026-10-25" : "2026-11-01"
            // 5 working hours on the spring-forward day, 7 on the fall-back day.
            #expect(c.workingSeconds(from: try at("\(spring) 00:00", zone), to: try at("\(spring) 12:00", zone)) == 5 * hour)
            #expect(c.workingSeconds(from: try at("\(fall) 00:00", zone), to: try at("\(fall) 12:00", zone)) == 7 * hour)
            #expect(c.deadline(from: try at("\(spring) 00:00", zone), adding: 5 * hour) == (try at("\(spring) 06:00", zone)))
            #expect(c.deadline(from: try at("\(fall) 00:00", zone), adding: 7 * hour) == (try at("\(fall) 06:00", zone)))
        }
    }

    @Test func boundariesInsideDSTGapsAndRepeats() throws {
        let ny = try tz("America/New_York")
        let c = try WorkingCalendar(timeZone: ny, hours: ["02:30-04:00"], days: ["sun"])
        // 02:30 does not exist on 8 March 2026: the span starts at the transition (07:00Z).
        #expect(c.nextWorkingInstant(atOrAfter: try utc("2026-03-08 00:00")) == (try utc("2026-03-08 07:00")))
        #expect(c.workingSeconds(from: try utc("2026-03-08 00:00"), to: try utc("2026-03-09 00:00")) == hour)
        let f = try WorkingCalendar(timeZone: ny, hours: ["01:30-03:00"], days: ["sun"])
        // 01:30 happens twice on 1 November 2026: the span starts at the first (05:30Z).
        #expect(f.nextWorkingInstant(atOrAfter: try utc("2026-11-01 00:00")) == (try utc("2026-11-01 05:30")))
        #expect(f.workingSeconds(from: try utc("2026-11-01 00:00"), to: try utc("2026-11-02 00:00")) == 2.5 * hour)
    }

    @Test func segmentsShowTheLunchBreak() throws {
        let c = try shanghaiOffice()
        let segs = c.segments(from: try at("2026-11-30 11:00"), to: try at("2026-11-30 14:00"))
        #expect(segs == [
            CalendarSegment(start: try at("2026-11-30 11:00"), end: try at("2026-11-30 12:00"), isWorking: true),
            CalendarSegment(start: try at("2026-11-30 12:00"), end: try at("2026-11-30 13:30"), isWorking: false),
            CalendarSegment(start: try at("2026-11-30 13:30"), end: try at("2026-11-30 14:00"), isWorking: true),
        ])
        #expect(c.isWorking(at: try at("2026-11-30 11:59:59")))
        #expect(!c.isWorking(at: try at("2026-11-30 12:00")))
    }

    @Test func adjacentSpansAreAllowedOverlapIsNot() throws {
        let z = try tz(sh)
        let ok = try WorkingCalendar(timeZone: z, hours: ["09:00-12:00", "12:00-13:00"], days: ["mon"])
        #expect(ok.deadline(from: try at("2026-11-30 11:00"), adding: 2 * hour) == (try at("2026-11-30 13:00")))
        #expect(throws: CalendarError.overlappingSpans("09:00-12:00", "11:00-13:00")) {
            try WorkingCalendar(timeZone: z, hours: ["11:00-13:00", "09:00-12:00"], days: ["mon"])
        }
        #expect(throws: CalendarError.spanEndNotAfterStart("18:00-09:00")) {
            try WorkingCalendar(timeZone: z, hours: ["18:00-09:00"], days: ["mon"])
        }
        #expect(throws: CalendarError.noSpans) { try WorkingCalendar(timeZone: z, hours: [], days: ["mon"]) }
        #expect(throws: CalendarError.noWeekdays) {
            try WorkingCalendar(timeZone: z, hours: ["09:00-17:00"], days: [], workdays: ["2026-10-10"])
        }
        #expect(throws: CalendarError.self) {
            try WorkingCalendar(timeZone: z, hours: ["09:00-17:00"], days: ["mon"], holidays: ["2026-10-10"], workdays: ["2026-10-10"])
        }
        #expect(throws: CalendarError.self) { try WorkingCalendar(timeZone: z, hours: ["24:00-24:00"], days: ["mon"]) }
        #expect(throws: CalendarError.self) { try WorkingCalendar(timeZone: z, hours: ["9:00-17:00"], days: ["mon"]) }
        #expect(throws: CalendarError.badWeekday("mnd")) { try WorkingCalendar(timeZone: z, hours: ["09:00-17:00"], days: ["mnd"]) }
        #expect(throws: CalendarError.self) { try LocalDate.parse("2026-02-29") }
        #expect(throws: CalendarError.self) { try LocalDate.parse("2026-13-01") }
        #expect(try LocalDate.parse("2028-02-29").description == "2028-02-29")
        _ = try WorkingCalendar(timeZone: z, hours: ["18:00-24:00"], days: ["mon"])
    }

    @Test func civilDayArithmeticMatchesFoundation() throws {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = try tz("UTC")
        for day in stride(from: -130_000, through: 2_900_000, by: 997) {
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            let c = cal.dateComponents([.year, .month, .day, .weekday], from: date)
            let l = LocalDate(dayNumber: day)
            #expect(l.year == c.year && l.month == c.month && l.day == c.day)
            #expect(l.dayNumber == day)
            #expect((l.weekday.index + 1) % 7 + 1 == c.weekday)  // Foundation: Sunday = 1
        }
    }

    @Test func aYearAheadIsFast() throws {
        let cals = [try shanghaiOffice(),
                    try WorkingCalendar(timeZone: try tz("America/New_York"), hours: ["09:00-12:00", "13:00-17:00"],
                                        days: ["mon", "tue", "wed", "thu", "fri"], holidays: ["2026-07-03", "2026-11-26"])]
        let start = try utc("2026-01-05 03:00")
        let clock = ContinuousClock()
        var worst = Duration.zero
        for c in cals {
            // About 250 working days of 7 hours: a year and more of calendar time.
            let seconds = 250 * 7 * hour
            var result = start
            let took = clock.measure {
                for _ in 0..<20 { result = c.deadline(from: start, adding: seconds) }
            }
            worst = max(worst, took / 20)
            #expect(result > start.addingTimeInterval(300 * 86_400))
            #expect(c.workingSeconds(from: start, to: result) == seconds)
        }
        // Debug build on a shared 2-core machine: generous bound; typically well under 1 ms.
        #expect(worst < .milliseconds(20), "one-year deadline took \(worst)")
        print("one-year deadline: \(worst)")
    }
}
