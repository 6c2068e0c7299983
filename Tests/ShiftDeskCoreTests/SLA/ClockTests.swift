import Foundation
import Testing
@testable import ShiftDeskCore

@Suite struct ClockTests {
    let always = WorkingCalendar.twentyFourSeven
    func t(_ s: String) throws -> Date { try at("2026-11-30 \(s)") }  // a Monday, Asia/Shanghai

    @Test func pauseBeforeDeadlineShiftsByItsWorkingTime() throws {
        let clock = SLAClock(kind: .response, calendar: always, target: 30 * minute)
        let tl = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("10:10"), end: try t("10:40"), reason: .customer)])
        #expect(clock.deadline(tl) == (try t("11:00")))

        // Office calendar: the pause 11:30-14:00 covers 1h of working time (lunch is not working).
        let office = SLAClock(kind: .resolution, calendar: try shanghaiOffice(), target: 4 * hour)
        let plain = ClockTimeline(openedAt: try t("11:00"))
        #expect(office.deadline(plain) == (try t("16:30")))
        let paused = ClockTimeline(openedAt: try t("11:00"), stops: [StopInterval(start: try t("11:30"), end: try t("14:00"), reason: .customer)])
        #expect(office.deadline(paused) == (try t("17:30")))
    }

    @Test func pauseOutsideWorkingHoursShiftsNothing() throws {
        let office = SLAClock(kind: .resolution, calendar: try shanghaiOffice(), target: 4 * hour)
        let lunch = ClockTimeline(openedAt: try t("11:00"), stops: [StopInterval(start: try t("12:05"), end: try t("13:25"), reason: .customer)])
        #expect(office.deadline(lunch) == (try t("16:30")))
        // Opened Friday 17:00; waiting on the customer all weekend moves nothing.
        let weekend = ClockTimeline(openedAt: try at("2026-11-27 17:00"),
                                    stops: [StopInterval(start: try at("2026-11-27 18:30"), end: try at("2026-11-30 08:00"), reason: .customer)])
        #expect(office.deadline(weekend) == (try t("12:00")))
        #expect(office.deadline(ClockTimeline(openedAt: try at("2026-11-27 17:00"))) == (try t("12:00")))
    }

    @Test func pauseAfterTheDeadlineShiftsNothing() throws {
        let clock = SLAClock(kind: .resolution, calendar: always, target: hour)
        let tl = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("11:30"), end: try t("12:00"), reason: .customer)])
        #expect(clock.deadline(tl) == (try t("11:00")))
    }

    @Test func aPauseAfterTheUnshiftedButBeforeTheShiftedDeadlineCounts() throws {
        let clock = SLAClock(kind: .resolution, calendar: always, target: hour)
        let tl = ClockTimeline(openedAt: try t("10:00"), stops: [
            StopInterval(start: try t("11:05"), end: try t("11:20"), reason: .customer),  // after 11:00, before 11:15
            StopInterval(start: try t("10:30"), end: try t("10:45"), reason: .customer),
        ])
        #expect(clock.deadline(tl) == (try t("11:30")))
        // Overlapping pauses count once.
        let overlapping = ClockTimeline(openedAt: try t("10:00"), stops: [
            StopInterval(start: try t("10:30"), end: try t("10:50"), reason: .customer),
            StopInterval(start: try t("10:40"), end: try t("11:00"), reason: .customer),
        ])
        #expect(clock.deadline(overlapping) == (try t("11:30")))
        // A pause that began before the opening counts only from the opening.
        let early = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("09:00"), end: try t("10:15"), reason: .customer)])
        #expect(clock.deadline(early) == (try t("11:15")))
    }

    @Test func openEndedPauseFreezesTheClock() throws {
        let clock = SLAClock(kind: .response, calendar: always, target: 30 * minute)
        let tl = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("10:20"), end: nil, reason: .customer)])
        #expect(clock.deadline(tl) == nil)
        for now in ["10:30", "15:00", "23:59"] {
            let s = clock.status(tl, now: try t(now))
            #expect(s.remaining == 10 * minute)
            #expect(s.elapsed == 20 * minute)
            #expect(!s.breached)
            #expect(s.state == .paused(.customer))
        }
        // Breached before the pause: stays breached.
        let late = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("10:45"), end: nil, reason: .customer)])
        let s = clock.status(late, now: try t("11:00"))
        #expect(s.deadline == (try t("10:30")))
        #expect(s.breached && s.remaining == -15 * minute)
        // Resumed: the clock runs again from the resume.
        let resumed = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("10:20"), end: try t("13:00"), reason: .customer)])
        #expect(clock.deadline(resumed) == (try t("13:10")))
    }

    @Test func reopenResumesTheResolutionClock() throws {
        let resolution = SLAClock(kind: .resolution, calendar: always, target: 4 * hour)
        let response = SLAClock(kind: .response, calendar: always, target: 30 * minute)
        let tl = ClockTimeline(openedAt: try t("10:00"), respondedAt: try t("10:10"), resolvedAt: nil,
                               stops: [StopInterval(start: try t("11:00"), end: try t("12:00"), reason: .resolved)])
        #expect(resolution.deadline(tl) == (try t("15:00")))
        #expect(response.deadline(tl) == (try t("10:30")))
        #expect(resolution.status(tl, now: try t("11:30")).state == .paused(.resolved))
        #expect(resolution.status(tl, now: try t("12:30")).state == .running)
        #expect(resolution.status(tl, now: try t("12:30")).elapsed == 1.5 * hour)
        #expect(response.status(tl, now: try t("12:30")).state == .stopped)
        // Resolved (not reopened): stopped, elapsed frozen at the resolution.
        let done = ClockTimeline(openedAt: try t("10:00"), respondedAt: try t("10:10"), resolvedAt: try t("11:00"))
        let s = resolution.status(done, now: try t("20:00"))
        #expect(s.state == .stopped && s.elapsed == hour && !s.breached && s.remaining == 3 * hour)
    }

    @Test func breachedFlags() throws {
        let response = SLAClock(kind: .response, calendar: always, target: 30 * minute)
        let onTime = ClockTimeline(openedAt: try t("10:00"), respondedAt: try t("10:30"))
        #expect(!response.status(onTime, now: try t("12:00")).breached)
        let late = ClockTimeline(openedAt: try t("10:00"), respondedAt: try t("10:30:01"))
        #expect(response.status(late, now: try t("12:00")).breached)
        let open = ClockTimeline(openedAt: try t("10:00"))
        #expect(!response.status(open, now: try t("10:30")).breached)
        #expect(response.status(open, now: try t("10:30:01")).breached)
        #expect(response.status(open, now: try t("10:30:01")).state == .running)
        #expect(response.status(open, now: try t("09:00")).state == .notStarted)
        // Resolved at first contact without a separate response: the response clock ends too.
        let firstContact = ClockTimeline(openedAt: try t("10:00"), resolvedAt: try t("10:05"))
        #expect(response.status(firstContact, now: try t("12:00")).state == .stopped)
        #expect(!response.status(firstContact, now: try t("12:00")).breached)
    }

    @Test func outsideWorkingHoursState() throws {
        let clock = SLAClock(kind: .resolution, calendar: try shanghaiOffice(), target: 4 * hour)
        let tl = ClockTimeline(openedAt: try t("11:00"))
        let s = clock.status(tl, now: try t("12:30"))
        #expect(s.state == .outsideWorkingHours)
        #expect(s.elapsed == hour && s.remaining == 3 * hour)
    }

    @Test func explainSegments() throws {
        let clock = SLAClock(kind: .resolution, calendar: try shanghaiOffice(), target: 4 * hour)
        let tl = ClockTimeline(openedAt: try t("11:00"), stops: [StopInterval(start: try t("11:30"), end: try t("14:00"), reason: .customer)])
        let e = clock.explain(tl, now: try t("15:00"))
        #expect(e.deadline == (try t("17:30")))
        #expect(e.unpausedDeadline == (try t("16:30")))
        #expect(e.pausedWorkingSeconds == hour)
        #expect(e.segments.map(\.label) == [.running, .pausedCustomer, .running])
        #expect(e.segments.map(\.start) == [try t("11:00"), try t("11:30"), try t("14:00")])
        #expect(e.segments.map(\.cumulativeSeconds) == [30 * minute, 30 * minute, 90 * minute])
        #expect(e.segments[1].workingSeconds == hour && e.segments[1].countedSeconds == 0)

        // Past the deadline, the segment is cut at the deadline and the rest marked overdue;
        // the evening and the night are outside working hours.
        let later = clock.explain(tl, now: try at("2026-12-01 09:30"))
        #expect(later.segments.map(\.label) == [.running, .pausedCustomer, .running, .running, .outsideWorkingHours, .running])
        #expect(later.segments.map(\.overdue) == [false, false, false, true, true, true])
        #expect(later.segments[3].start == (try t("17:30")))
        #expect(later.segments.last?.cumulativeSeconds == 5 * hour)

        // Reopened: the resolved stretch is labelled as such.
        let reopened = ClockTimeline(openedAt: try t("10:00"), stops: [StopInterval(start: try t("11:00"), end: try t("12:00"), reason: .resolved)])
        let r = SLAClock(kind: .resolution, calendar: always, target: 4 * hour).explain(reopened, now: try t("13:00"))
        #expect(r.segments.map(\.label) == [.running, .stoppedResolved, .running])
        #expect(r.deadline == (try t("15:00")))
    }

    /// Random pause patterns against a minute-by-minute simulation of the clock.
    @Test func pausedDeadlinesMatchASimulation() throws {
        let office = try shanghaiOffice()
        var rng = SplitMix64(seed: 2026)
        let origin = try t("00:00")
        let days = 10
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = try tz("Asia/Shanghai")
        var working = [Bool]()
        for i in 0..<(days * 1440) {
            let c = cal.dateComponents([.hour, .minute, .weekday], from: origin.addingTimeInterval(Double(i) * 60))
            let m = (c.hour ?? 0) * 60 + (c.minute ?? 0)
            let wd = c.weekday ?? 1
            working.append((2...6).contains(wd) && ((m >= 540 && m < 720) || (m >= 810 && m < 1080)))
        }
        for _ in 0..<200 {
            let opened = Int.random(in: 0..<(2 * 1440), using: &rng)
            var stops: [StopInterval] = []
            var paused = Set<Int>()
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let s = opened + Int.random(in: 0..<(3 * 1440), using: &rng)
                let e = s + Int.random(in: 1...600, using: &rng)
                stops.append(StopInterval(start: origin.addingTimeInterval(Double(s) * 60), end: origin.addingTimeInterval(Double(e) * 60), reason: .customer))
                for m in s..<e { paused.insert(m) }
            }
            let target = Int.random(in: 1...(2 * 450), using: &rng)
            var count = 0, m = opened
            while count < target, m < days * 1440 {
                if working[m] && !paused.contains(m) { count += 1 }
                m += 1
            }
            guard count == target else { continue }
            let clock = SLAClock(kind: .resolution, calendar: office, target: Double(target) * 60)
            let tl = ClockTimeline(openedAt: origin.addingTimeInterval(Double(opened) * 60), stops: stops)
            let deadline = try #require(clock.deadline(tl))
            #expect(deadline == origin.addingTimeInterval(Double(m) * 60))
            #expect(clock.elapsed(tl, at: deadline) == Double(target) * 60)
        }
    }
}
