import Foundation
import Testing
@testable import ShiftDeskCore

/// Issue 16: the reports delivered (when they fall due, what a delivery records, what changed
/// since, the incident manager's figures and reminders), and the two figures made fair to the
/// lines (`line.past_sla`, `reopen.rate`).
@Suite struct ReportDeliveryTests {
    static let utc = TimeZone(identifier: "UTC") ?? .gmt
    static let shanghai = KPIReportTests.shanghai
    static func at(_ text: String, _ zone: TimeZone = utc) -> Date { ISO8601.parse(text, defaultZone: zone) ?? .distantPast }
    let people = [Staff.desk, Staff.desk2, Staff.l1, Staff.l1b, Staff.l2, Staff.im]

    func november(_ story: KPIReportTests.Story) throws -> KPIReport {
        let period = try #require(ReportPeriod(kind: .month, label: "2026-11", timeZone: Self.shanghai))
        return KPIReport(period: period, input: ReportInput(tickets: story.tickets, events: story.events, operators: people,
                                                            handovers: [], policy: .dutyTable(timeZone: Self.shanghai)))
    }

    // MARK: When reports fall due

    @Test func theSweepOwesTheLatestEndedPeriodOfEachKindSinceTheRecordBegan() {
        let owed = ReportSchedule.owed(now: Self.at("2026-12-01T02:00:00Z"), timeZone: Self.utc, historySince: Self.at("2026-11-02T01:00:00Z"))
        #expect(owed.map(\.key) == ["incidents month 2026-11", "workload month 2026-11"], "Q3 and 2025 ended before the record began")
        let long = ReportSchedule.owed(now: Self.at("2027-01-01T00:00:01Z"), timeZone: Self.utc, historySince: Self.at("2025-06-01T00:00:00Z"))
        #expect(long.map(\.key) == ["incidents month 2026-12", "workload month 2026-12", "incidents quarter 2026-Q4", "incidents year 2026"])
        #expect(ReportSchedule.owed(now: Self.at("2026-12-01T02:00:00Z"), timeZone: Self.utc, historySince: nil).isEmpty, "an empty desk owes nothing")
        // In the desk's zone: 00:30 on 1 December in Shanghai is still November in UTC, and November has ended.
        let local = ReportSchedule.owed(now: Self.at("2026-11-30T16:30:00Z"), timeZone: Self.shanghai, historySince: Self.at("2026-11-02T00:00:00Z"))
        #expect(local.first?.period.label == "2026-11")
        #expect(ReportSchedule.owed(now: Self.at("2026-11-30T15:59:59Z"), timeZone: Self.shanghai,
                                    historySince: Self.at("2026-11-02T00:00:00Z")).isEmpty, "one second before the month's end in Shanghai")
        #expect(ReportSchedule.nextPeriodEnd(after: Self.at("2026-11-30T15:00:00Z"), timeZone: Self.shanghai) == Self.at("2026-11-30T16:00:00Z"))
    }

    // MARK: What a delivery carries and what changed since

    @Test func deliveredFiguresRoundTripAndSayWhatABackfillChanged() throws {
        var story = KPIReportTests.Story()
        try story.ticket("2026-11-05T09:00", [("2026-11-05T09:10", .resolve(note: "ok"), Staff.desk)])
        let delivered = DeliveredFigures(incidents: try november(story))
        #expect(DeliveredFigures(text: delivered.text) == delivered)
        #expect(delivered.entries.contains { $0.key == "desk.requests_taken" && $0.value == "1" })
        #expect(delivered.entries.contains { $0.key == "fcr.rate" && $0.value == "100.00 % (1/1)" })
        #expect(delivered.changes(to: delivered).isEmpty)
        // A back-filled incident opened in November, recorded later.
        try story.ticket("2026-11-20T09:00", by: Staff.im, backfilled: true)
        let now = DeliveredFigures(incidents: try november(story))
        let changes = delivered.changes(to: now)
        #expect(changes.contains(FigureChange(key: "im.backfilled", scope: "im", before: "0", after: "1")))
        #expect(changes.contains(FigureChange(key: "opened", scope: "priority:general", before: "1", after: "2")))
        #expect(changes.first { $0.key == "im.backfilled" }?.name(.zh) == "补录事件数")
        // The same numbers written another way are not a change.
        #expect(DeliveredFigures.sameValue("1.0000", "1") && DeliveredFigures.sameValue("-", "—") && !DeliveredFigures.sameValue("0 (0/2)", "0 (0/6)"))
        #expect(DeliveredFigures(text: "no tabs here") == nil)
    }

    @Test func theMailNamesTheDeskAndPeriodAndCarriesHTMLCSVAndJSON() throws {
        var story = KPIReportTests.Story()
        try story.ticket("2026-11-05T09:00", [("2026-11-05T09:10", .resolve(note: "ok"), Staff.desk)])
        let report = try november(story)
        let figures = DeliveredFigures(incidents: report)
        let first = ReportDelivery(id: 7, report: .incidents, kind: .month, period: "2026-11", at: Self.at("2026-12-01T00:00:05Z"),
                                   by: "escalator@host:1", recipients: ["srm@x.example"], digest: "ab", figures: figures,
                                   messageID: ReportDelivery.messageID(report: .incidents, kind: .month, period: "2026-11", sequence: 0))
        let mail = ReportMail.compose(first, report: report, deskName: "IT 服务台", language: .zh)
        #expect(mail.subject == "[IT 服务台] 事件管理月度报告 2026-11")
        #expect(mail.delivery == 7 && mail.recipientRole == .serviceReportManager && mail.address.isEmpty && mail.kind == .report)
        #expect(mail.messageID == "report.incidents.month.2026-11.0@shiftdesk")
        #expect(mail.parts.map(\.contentType) == ["text/html", "text/csv", "application/json"])
        #expect(mail.parts.map(\.fileName) == ["", "incident-report-2026-11.csv", "incident-report-2026-11.json"])
        #expect(mail.body.contains("# 事件管理报告 2026-11"))
        #expect(MailPart.parts(MailPart.text(mail.parts)) == mail.parts)
        var correction = first
        correction.sequence = 2
        correction.report = .workload
        let again = ReportMail.compose(correction, report: report, deskName: "IT 服务台", language: .en)
        #expect(again.subject == "[IT 服务台] Correction 2: Workload report of desk, L1 and L2 2026-11")
        #expect(again.recipientRole == .managementOwner && again.parts[1].fileName == "workload-2026-11-correction-2.csv")
        #expect(ReportDelivery.mayDeliverByHand(.im) && !ReportDelivery.mayDeliverByHand(.desk) && !ReportDelivery.mayDeliverByHand(.supervisor))
    }

    // MARK: The incident manager's figures on deliveries

    func delivery(_ report: ReportDelivery.Report, _ kind: ReportPeriod.Kind, _ period: String, sequence: Int = 0, at: String) -> ReportDelivery {
        ReportDelivery(report: report, kind: kind, period: period, sequence: sequence, at: Self.at(at), by: "x", recipients: [], digest: "",
                       figures: DeliveredFigures(entries: []))
    }

    @Test func timelinessCountsEachReportOwedInThePeriodAndCorrectionsCountAgainst() throws {
        let record = DeliveryRecord(deliveries: [
            delivery(.incidents, .month, "2026-10", at: "2026-11-01T00:00:05Z"),     // on time
            delivery(.workload, .month, "2026-10", at: "2026-11-02T00:00:01Z"),      // 24 h and a second: late
            delivery(.incidents, .month, "2026-10", sequence: 1, at: "2026-11-15T10:00:00Z"),  // a correction in November
            delivery(.incidents, .quarter, "2026-Q3", at: "2026-10-01T01:00:00Z"),   // owed in October, not November
        ], historySince: Self.at("2026-06-01T00:00:00Z"), timeZone: Self.utc)
        let november = record.figures(start: Self.at("2026-11-01T00:00:00Z"), end: Self.at("2026-12-01T00:00:00Z"))
        #expect(november.onTime == 1 && november.due == 2 && november.corrections == 1)
        // October owed the September reports (month and quarter): none delivered, the time allowed past: late.
        let october = record.figures(start: Self.at("2026-10-01T00:00:00Z"), end: Self.at("2026-11-01T00:00:00Z"))
        #expect(october.due == 3 && october.onTime == 1, "the quarter on time; September's two monthly reports never delivered")
        // Judged mid-morning on 1 November: October's reports are not yet late, the one delivered counts.
        let early = record.figures(start: Self.at("2026-11-01T00:00:00Z"), end: Self.at("2026-11-01T10:00:00Z"))
        #expect(early.due == 1 && early.onTime == 1)
        // A record that began in October owed nothing for September.
        let young = DeliveryRecord(deliveries: [], historySince: Self.at("2026-10-03T00:00:00Z"), timeZone: Self.utc)
        #expect(young.figures(start: Self.at("2026-10-01T00:00:00Z"), end: Self.at("2026-11-01T00:00:00Z")).due == 0)
        #expect(KPI.imReportsOnTime.unit == .percent && KPI.imReportCorrections.countsAgainst)
    }

    // MARK: Reminders

    @Test func theWeeklyReviewFallsOnTheWeeksLastWorkingDay() throws {
        let week = try #require(ReportPeriod(kind: .week, label: "2026-W49", timeZone: Self.shanghai))
        // Friday 4 December 2026, Shanghai.
        #expect(ReportReminder.isLastWorkingDay(Self.at("2026-12-04T10:00", Self.shanghai), of: week, calendar: nil))
        #expect(!ReportReminder.isLastWorkingDay(Self.at("2026-12-03T10:00", Self.shanghai), of: week, calendar: nil))
        #expect(!ReportReminder.isLastWorkingDay(Self.at("2026-12-05T10:00", Self.shanghai), of: week, calendar: nil))
        // With Friday a holiday in the office calendar, Thursday is the last working day; with Saturday a make-up day, Saturday.
        let holiday = try WorkingCalendar(timeZone: Self.shanghai, hours: ["09:00-18:00"], days: ["mon", "tue", "wed", "thu", "fri"],
                                          holidays: ["2026-12-04"], workdays: [])
        #expect(ReportReminder.isLastWorkingDay(Self.at("2026-12-03T10:00", Self.shanghai), of: week, calendar: holiday))
        let makeUp = try WorkingCalendar(timeZone: Self.shanghai, hours: ["09:00-18:00"], days: ["mon", "tue", "wed", "thu", "fri"],
                                         holidays: [], workdays: ["2026-12-05"])
        #expect(ReportReminder.isLastWorkingDay(Self.at("2026-12-05T10:00", Self.shanghai), of: week, calendar: makeUp))
    }

    @Test func aReportOwedIsRemindedUntilItsMailHasGoneOut() {
        let now = Self.at("2026-12-01T03:00:00Z")
        let since = Self.at("2026-11-02T00:00:00Z")
        let open = ReportReminder.reminders(now: now, timeZone: Self.utc, calendar: nil, historySince: since, delivered: [], within: 86_400)
        #expect(open.count == 2)
        #expect(open.first?.text(.en, timeZone: Self.utc)
            == "incident-management report 2026-11 not delivered (due by 2026-12-02 00:00:00): report deliver month --period 2026-11")
        let waiting = ReportReminder.reminders(now: now, timeZone: Self.utc, calendar: nil, historySince: since,
                                               delivered: ["workload month 2026-11"], waiting: ["incidents month 2026-11": "no address"], within: 86_400)
        #expect(waiting.map { $0.text(.zh, timeZone: Self.utc) } == ["2026-11 事件管理报告：邮件未发出：no address"])
        let done = ReportReminder.reminders(now: now, timeZone: Self.utc, calendar: nil, historySince: since,
                                            delivered: ["incidents month 2026-11", "workload month 2026-11"], within: 86_400)
        #expect(done.isEmpty, "Tuesday: no weekly review, nothing owed")
    }

    // MARK: Figures a line accepts as fair

    @Test func pastSLAJudgesEachResolutionAtItsOwnInstant() throws {
        var story = KPIReportTests.Story()
        func toL1(_ day: String) -> [(String, TicketAction, Operator)] {
            [("\(day)T09:01", .escalate(to: .l1, note: nil), Staff.desk), ("\(day)T09:02", .take, Staff.l1)]
        }
        // General: 4 h to resolve. Resolved at the deadline itself: on time.
        try story.ticket("2026-11-02T09:00", toL1("2026-11-02") + [("2026-11-02T13:00", .resolve(note: "at the deadline"), Staff.l1)])
        // A second after it: past.
        try story.ticket("2026-11-03T09:00", toL1("2026-11-03") + [("2026-11-03T13:00:01", .resolve(note: "a second late"), Staff.l1)])
        let first = try november(story)
        #expect(first.value(.linePastSLA, "l1") == 1)
        // Resolved on time, reopened, and still open past the deadline at the month's end: the line's resolution was on time.
        try story.ticket("2026-11-04T09:00", toL1("2026-11-04") + [("2026-11-04T10:00", .resolve(note: "on time"), Staff.l1),
                                                                ("2026-11-04T11:00", .reopen(note: "back"), Staff.desk)])
        #expect(try november(story).value(.linePastSLA, "l1") == 1, "the reopened one does not charge L1")
        // Resolved on time by L1, reopened, passed to L2 who resolves it after the deadline: L2's, not L1's.
        try story.ticket("2026-11-05T09:00", toL1("2026-11-05") + [("2026-11-05T10:00", .resolve(note: "on time"), Staff.l1),
                                                                ("2026-11-05T11:00", .reopen(note: "back"), Staff.desk),
                                                                ("2026-11-05T11:10", .escalate(to: .l2, note: nil), Staff.l1),
                                                                ("2026-11-05T11:20", .take, Staff.l2),
                                                                ("2026-11-05T15:00", .resolve(note: "5 h of clock"), Staff.l2)])
        // Waiting on the customer pauses the clock: 5 h of wall clock with 2 h paused is on time.
        try story.ticket("2026-11-06T09:00", toL1("2026-11-06") + [("2026-11-06T09:30", .pend(.customer), Staff.l1),
                                                                ("2026-11-06T11:30", .resume, Staff.l1),
                                                                ("2026-11-06T14:00", .resolve(note: "paused"), Staff.l1)])
        let report = try november(story)
        #expect(report.value(.linePastSLA, "l1") == 1)
        #expect(report.value(.linePastSLA, "l2") == 1)
    }

    @Test func reopenRateCountsEveryResolutionAndEveryReopenOfThePeriod() throws {
        var story = KPIReportTests.Story()
        // Resolved and reopened in November, still open: one reopen of one resolution (it was 1 of 0 before).
        try story.ticket("2026-11-10T09:00", [("2026-11-10T10:00", .resolve(note: "ok"), Staff.desk),
                                             ("2026-11-10T11:00", .reopen(note: "back"), Staff.desk)])
        var rate = try #require(try november(story).figure(.reopenRate, "all"))
        #expect(rate.numerator == 1 && rate.denominator == 1 && rate.value == 100)
        // Resolved, reopened, resolved again: one reopen of two resolutions.
        try story.ticket("2026-11-12T09:00", [("2026-11-12T10:00", .resolve(note: "first"), Staff.desk),
                                             ("2026-11-12T11:00", .reopen(note: "back"), Staff.desk),
                                             ("2026-11-12T12:00", .resolve(note: "second"), Staff.desk)])
        rate = try #require(try november(story).figure(.reopenRate, "all"))
        #expect(rate.numerator == 2 && rate.denominator == 3)
        // Resolved in October, reopened in November: the reopen counts in November, its resolution in October.
        try story.ticket("2026-10-20T09:00", [("2026-10-20T10:00", .resolve(note: "october"), Staff.desk),
                                             ("2026-11-02T09:00", .reopen(note: "back"), Staff.desk)])
        rate = try #require(try november(story).figure(.reopenRate, "all"))
        #expect(rate.numerator == 3 && rate.denominator == 3)
    }
}
