import Foundation

/// A report delivered to the people the duty table names (ROLES.md, incident manager 5–8): the
/// incident-management report of a month, quarter or year to the service-report managers, and
/// the month's workload of desk, L1 and L2 to the management-system owners. Every delivery is
/// recorded, with the figures it carried, so that a report of the same period run later can say
/// what changed since (and the incident manager can send a correction).
public struct ReportDelivery: Sendable, Hashable {
    /// Which report was delivered.
    public enum Report: String, Sendable, CaseIterable, Codable {
        /// The incident-management report (月度 / 季度 / 年度报告), to the service-report managers.
        case incidents
        /// The month's workload of desk, L1 and L2, to the management-system owners.
        case workload

        /// Who receives it.
        public var role: RecipientRole { self == .incidents ? .serviceReportManager : .managementOwner }

        public var messageKind: MessageKind { self == .incidents ? .report : .workloadReport }

        public func label(_ l: Language) -> String {
            switch self {
            case .incidents: l.pick(en: "incident-management report", zh: "事件管理报告")
            case .workload: l.pick(en: "workload report", zh: "工作量报告")
            }
        }
    }

    /// Store-assigned; 0 before it is recorded.
    public var id: Int64
    public var report: Report
    /// `month`, `quarter` or `year`.
    public var kind: ReportPeriod.Kind
    /// The period's label: `2026-11`, `2026-Q4`, `2026`.
    public var period: String
    /// 0 for the first delivery of this report for this period; 1, 2 … for corrections.
    public var sequence: Int
    /// When it was recorded and its mail queued (the instant timeliness is judged by).
    public var at: Date
    /// Who delivered it: `escalator@host:pid` for the sweep, a login by hand.
    public var by: String
    /// The addresses the role had in `[notify.roles]` when it was recorded (the mail itself is
    /// addressed when it is sent, from the roster in force then).
    public var recipients: [String]
    /// SHA-256 (hex) of ``figures``' canonical text.
    public var digest: String
    public var figures: DeliveredFigures
    /// The Message-ID of its mail in the outbox.
    public var messageID: String

    public init(id: Int64 = 0, report: Report, kind: ReportPeriod.Kind, period: String, sequence: Int = 0, at: Date, by: String,
                recipients: [String], digest: String, figures: DeliveredFigures, messageID: String = "") {
        self.id = id
        self.report = report
        self.kind = kind
        self.period = period
        self.sequence = sequence
        self.at = at
        self.by = by
        self.recipients = recipients
        self.digest = digest
        self.figures = figures
        self.messageID = messageID
    }

    public var isCorrection: Bool { sequence > 0 }

    /// Who may deliver a report by hand (`report deliver`): the incident manager, whose duty it is
    /// (ROLES.md, incident manager 5–8). The sweep delivers on the desk's behalf.
    public static func mayDeliverByHand(_ role: Role) -> Bool { role == .im }
    public var role: RecipientRole { report.role }

    /// The stable Message-ID of the mail of this delivery: a retried send is recognisably the same mail.
    public static func messageID(report: Report, kind: ReportPeriod.Kind, period: String, sequence: Int) -> String {
        "report.\(report.rawValue).\(kind.rawValue).\(ResultNotice.idPart(period)).\(sequence)@shiftdesk"
    }

    /// The kinds of period whose reports are delivered (a week is reviewed, not delivered).
    public static let kinds: [ReportPeriod.Kind] = [.month, .quarter, .year]

    /// The reports owed at the end of a period of `kind`: the incident-management report always,
    /// the workload report at month ends.
    public static func reports(for kind: ReportPeriod.Kind) -> [Report] {
        kind == .month ? [.incidents, .workload] : [.incidents]
    }

    /// The default of `[desk] reports_within`: a report is on time when delivered within 24 h of its period's end.
    public static let defaultWithin: TimeInterval = 24 * 3600
}

/// A report owed at the end of a period: what the sweep delivers and the incident manager is reminded of.
public struct OwedReport: Sendable, Hashable {
    public var period: ReportPeriod
    public var report: ReportDelivery.Report

    public init(period: ReportPeriod, report: ReportDelivery.Report) {
        self.period = period
        self.report = report
    }

    public var key: String { Self.key(report: report, kind: period.kind, period: period.label) }

    /// `incidents month 2026-11`: a report of a period, as delivered records and reminders name it.
    public static func key(report: ReportDelivery.Report, kind: ReportPeriod.Kind, period: String) -> String {
        "\(report.rawValue) \(kind.rawValue) \(period)"
    }
}

/// When reports fall due (pure: the instant and the desk's zone are given).
public enum ReportSchedule {
    /// The period of `kind` that ended last at `now` (in `timeZone`).
    public static func latestEnded(_ kind: ReportPeriod.Kind, now: Date, timeZone: TimeZone) -> ReportPeriod? {
        guard let current = ReportPeriod.containing(now, kind: kind, timeZone: timeZone) else { return nil }
        return ReportPeriod.containing(current.interval.start.addingTimeInterval(-1), kind: kind, timeZone: timeZone)
    }

    /// The reports the sweep owes at `now`: for each of month, quarter and year, the period that
    /// ended last, provided the desk's record began before its end (`historySince`: the earliest
    /// opening of an incident; nil, an empty desk, owes nothing). Only the latest period of each
    /// kind is owed automatically: an older one missed is delivered by hand (`report deliver`).
    public static func owed(now: Date, timeZone: TimeZone, historySince: Date?) -> [OwedReport] {
        guard let historySince else { return [] }
        var owed: [OwedReport] = []
        for kind in ReportDelivery.kinds {
            guard let period = latestEnded(kind, now: now, timeZone: timeZone), historySince < period.interval.end else { continue }
            for report in ReportDelivery.reports(for: kind) { owed.append(OwedReport(period: period, report: report)) }
        }
        return owed
    }

    /// The next period end after `now` (the start of the next month): an escalator sleeping
    /// until then wakes to deliver.
    public static func nextPeriodEnd(after now: Date, timeZone: TimeZone) -> Date? {
        ReportPeriod.containing(now, kind: .month, timeZone: timeZone)?.interval.end
    }

    /// Whether the first delivery `at` of a report of a period ending `end` was on time.
    public static func onTime(at: Date, periodEnd end: Date, within: TimeInterval) -> Bool {
        at.timeIntervalSince(end) <= within
    }
}

/// The figures a delivered report carried, as `key scope → value` lines, in the report's order.
/// Values are canonical text (four decimals, counts behind rates), so that the same figures give
/// the same text and the same digest, and a later run of the period can say which moved.
public struct DeliveredFigures: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// A KPI's name (`desk.requests_taken`) or a table's (`workload.taken`, `opened`, `csat.scores`, `backlog.aging`).
        public var key: String
        public var scope: String
        public var value: String

        public init(key: String, scope: String, value: String) {
            self.key = key
            self.scope = scope
            self.value = value
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// The figures of the incident-management report: every KPI figure and every table.
    public init(incidents report: KPIReport) {
        var entries = report.figures.map { Entry(key: $0.kpi.rawValue, scope: $0.scope, value: Self.value($0)) }
        entries += Priority.allCases.map { Entry(key: "opened", scope: "priority:\($0.rawValue)", value: String(report.openedByPriority[$0] ?? 0)) }
        entries += report.satisfactionDistribution.enumerated().map {
            Entry(key: "csat.scores", scope: $0.offset == 0 ? "unreachable" : "score:\($0.offset)", value: String($0.element))
        }
        entries += zip(["lt_1d", "1d_3d", "3d_7d", "ge_7d"], report.backlogAging).map { Entry(key: "backlog.aging", scope: $0, value: String($1)) }
        entries += Self.workload(report)
        self.entries = entries
    }

    /// The figures of the workload report: per line (desk, L1, L2) and per operator, with the lines' own figures.
    public init(workload report: KPIReport) {
        var entries: [Entry] = []
        for kpi in WorkloadReport.lineKPIs {
            for figure in report.figures where figure.kpi == kpi { entries.append(Entry(key: kpi.rawValue, scope: figure.scope, value: Self.value(figure))) }
        }
        entries += Self.workload(report, lines: WorkloadReport.lines)
        self.entries = entries
    }

    /// The workload per line and per operator; only of `lines` when given (the workload report's desk, L1 and L2).
    private static func workload(_ report: KPIReport, lines: [Role]? = nil) -> [Entry] {
        var entries: [Entry] = []
        func kept(_ w: Workload) -> Bool { lines.map { roles in w.role.map(roles.contains) ?? false } ?? true }
        for (scope, list) in [("tier", report.tierWorkload.filter(kept)), ("operator", report.workload.filter(kept))] {
            for w in list {
                for (name, value) in [("taken", w.taken), ("resolved", w.resolved), ("escalated", w.escalated), ("closed", w.closed), ("notes", w.notes)] {
                    entries.append(Entry(key: "workload.\(name)", scope: "\(scope):\(w.login)", value: String(value)))
                }
            }
        }
        return entries
    }

    /// A figure as canonical text a reader takes in: `12`, `87.50 % (7/8)`, `3.250 h (n=4)`, `4.200 (n=5)`, `—`.
    static func value(_ figure: KPIFigure) -> String {
        guard let value = figure.value else {
            return figure.denominator.map { "— (\(figure.numerator.map { "\($0)/" } ?? "n=")\($0))" } ?? "—"
        }
        var text: String
        switch figure.kpi.unit {
        case .count: text = String(Int(value.rounded()))
        case .percent: text = String(format: "%.2f %%", value)
        case .hours: text = String(format: "%.3f h", value)
        case .score: text = String(format: "%.3f", value)
        }
        if let n = figure.numerator, let d = figure.denominator { text += " (\(n)/\(d))" } else if let d = figure.denominator { text += " (n=\(d))" }
        return text
    }

    /// One line per figure, `key<TAB>scope<TAB>value`: what the digest is taken of and the store keeps.
    public var text: String {
        entries.map { "\(Self.clean($0.key))\t\(Self.clean($0.scope))\t\(Self.clean($0.value))" }.joined(separator: "\n")
    }

    /// Reads ``text``; a line without two tabs is refused (nil).
    public init?(text: String) {
        var entries: [Entry] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { return nil }
            entries.append(Entry(key: String(parts[0]), scope: String(parts[1]), value: String(parts[2])))
        }
        self.entries = entries
    }

    private static func clean(_ text: String) -> String {
        text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// Whether two value texts say the same: the same numbers in the same order (to four
    /// decimals), whatever the formatting; "—" and "-" (no value) alike.
    static func sameValue(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        func numbers(_ text: String) -> [Double] {
            var found: [Double] = []
            var current = ""
            for character in text + " " {
                if character.isASCII && (character.isNumber || character == ".") {
                    current.append(character)
                } else {
                    if let value = Double(current) { found.append(value) }
                    current = ""
                }
            }
            return found
        }
        let x = numbers(a), y = numbers(b)
        return x.count == y.count && zip(x, y).allSatisfy { abs($0 - $1) < 0.00005 }
    }

    /// What moved between these figures (as delivered) and `now` (as they are): figures whose value
    /// differs, figures only one side has (a new operator's workload), in `now`'s order, then the
    /// ones that disappeared.
    public func changes(to now: DeliveredFigures) -> [FigureChange] {
        let before = Dictionary(entries.map { ("\($0.key)\t\($0.scope)", $0.value) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        var changes: [FigureChange] = []
        for entry in now.entries {
            let key = "\(entry.key)\t\(entry.scope)"
            seen.insert(key)
            let old = before[key]
            if old.map({ !Self.sameValue($0, entry.value) }) ?? true { changes.append(FigureChange(key: entry.key, scope: entry.scope, before: old, after: entry.value)) }
        }
        for entry in entries where !seen.contains("\(entry.key)\t\(entry.scope)") {
            changes.append(FigureChange(key: entry.key, scope: entry.scope, before: entry.value, after: nil))
        }
        return changes
    }
}

/// A figure that moved since a report was delivered.
public struct FigureChange: Sendable, Hashable {
    public var key: String
    public var scope: String
    /// Nil: the figure was not in the delivered report.
    public var before: String?
    /// Nil: the figure is no longer in the report.
    public var after: String?

    public init(key: String, scope: String, before: String?, after: String?) {
        self.key = key
        self.scope = scope
        self.before = before
        self.after = after
    }

    /// The figure's name as the report shows it: a KPI's label, else its key.
    public func name(_ l: Language) -> String {
        if let kpi = KPI(rawValue: key) { return kpi.name(l) }
        switch key {
        case "workload.taken": return l.pick(en: "workload: taken", zh: "工作量：受理")
        case "workload.resolved": return l.pick(en: "workload: resolved", zh: "工作量：解决")
        case "workload.escalated": return l.pick(en: "workload: escalated", zh: "工作量：升级")
        case "workload.closed": return l.pick(en: "workload: closed", zh: "工作量：关闭")
        case "workload.notes": return l.pick(en: "workload: notes", zh: "工作量：备注")
        case "opened": return l.pick(en: "opened", zh: "新开事件")
        case "csat.scores": return l.pick(en: "satisfaction scores", zh: "满意度评分")
        case "backlog.aging": return l.pick(en: "backlog aging", zh: "积压账龄")
        default: return key
        }
    }
}

/// A report of a delivered period compared with what was delivered: the latest delivery of the
/// incident-management report for the period, and the figures that moved since.
public struct DeliveryComparison: Sendable, Hashable {
    public var delivery: ReportDelivery
    public var changes: [FigureChange]

    public init(delivery: ReportDelivery, now: DeliveredFigures) {
        self.delivery = delivery
        changes = delivery.figures.changes(to: now)
    }

    public var changed: Bool { !changes.isEmpty }
}

/// What the incident manager's own figures on deliveries are computed from (``KPI/imReportsOnTime``,
/// ``KPI/imReportCorrections``): every recorded delivery, the desk's setting and when its record began.
public struct DeliveryRecord: Sendable, Hashable {
    public var deliveries: [ReportDelivery]
    /// `[desk] reports_within`.
    public var within: TimeInterval
    /// The earliest opening of an incident (nil: none): a period ending before it owed no report.
    public var historySince: Date?
    public var timeZone: TimeZone

    public init(deliveries: [ReportDelivery], within: TimeInterval = ReportDelivery.defaultWithin, historySince: Date?, timeZone: TimeZone) {
        self.deliveries = deliveries
        self.within = within
        self.historySince = historySince
        self.timeZone = timeZone
    }

    /// For the report window `[start, end)`, judged as of `end`: of the reports owed at period
    /// ends falling in the window (each month, quarter and year end; at month ends the workload
    /// report too), those first delivered within ``within`` of the end (`onTime`) and those
    /// judged (`due`: delivered by `end`, or still undelivered with the time allowed past);
    /// and the corrections recorded in the window.
    public func figures(start: Date, end: Date) -> (onTime: Int, due: Int, corrections: Int) {
        var first: [String: Date] = [:]
        var corrections = 0
        for delivery in deliveries where delivery.at < end {
            let key = "\(delivery.report.rawValue) \(delivery.kind.rawValue) \(delivery.period)"
            if delivery.sequence == 0 { first[key] = min(first[key] ?? delivery.at, delivery.at) }
            if delivery.isCorrection, start <= delivery.at { corrections += 1 }
        }
        var onTime = 0, due = 0
        for kind in ReportDelivery.kinds {
            // Every period of `kind` whose end falls in the window.
            guard var period = ReportPeriod.containing(start.addingTimeInterval(-1), kind: kind, timeZone: timeZone) else { continue }
            while period.interval.end < end {
                let periodEnd = period.interval.end
                if periodEnd >= start, let since = historySince, since < periodEnd {
                    for report in ReportDelivery.reports(for: kind) {
                        let key = "\(report.rawValue) \(kind.rawValue) \(period.label)"
                        if let at = first[key] {
                            due += 1
                            if ReportSchedule.onTime(at: at, periodEnd: periodEnd, within: within) { onTime += 1 }
                        } else if end.timeIntervalSince(periodEnd) > within {
                            due += 1
                        }
                    }
                }
                guard let next = ReportPeriod.containing(periodEnd, kind: kind, timeZone: timeZone) else { break }
                period = next
            }
        }
        return (onTime, due, corrections)
    }
}

/// What the incident manager's console reminds from (``ReportReminder/reminders(now:timeZone:calendar:historySince:delivered:within:)``):
/// read with each load, the reminders themselves made at every tick from the clock.
public struct ReminderFacts: Sendable, Hashable {
    public var historySince: Date?
    /// ``OwedReport/key`` of every report whose mail has gone out.
    public var delivered: Set<String>
    /// Reports recorded as delivered whose mail has not gone out yet, with why (the outbox's last
    /// error; empty while it simply waits for the next delivery run).
    public var waiting: [String: String]
    public var within: TimeInterval
    /// The desk's office calendar (working days), nil: Monday to Friday.
    public var calendar: WorkingCalendar?

    public init(historySince: Date?, delivered: Set<String>, waiting: [String: String] = [:], within: TimeInterval, calendar: WorkingCalendar?) {
        self.historySince = historySince
        self.delivered = delivered
        self.waiting = waiting
        self.within = within
        self.calendar = calendar
    }

    public func reminders(now: Date, timeZone: TimeZone) -> [ReportReminder] {
        ReportReminder.reminders(now: now, timeZone: timeZone, calendar: calendar, historySince: historySince, delivered: delivered,
                                 waiting: waiting, within: within)
    }

    /// The calendar whose working days the weekly review follows: the policy's `office` calendar,
    /// else its first working-hours calendar by name; nil (Monday to Friday) for a 24x7 policy.
    public static func officeCalendar(_ policy: SLAPolicy) -> WorkingCalendar? {
        if let office = policy.calendars["office"], !office.isTwentyFourSeven { return office }
        return policy.calendars.sorted { $0.key < $1.key }.first { !$0.value.isTwentyFourSeven }?.value
    }
}

/// The console's reminders for the incident manager (ROLES.md IM 3, 6–8): the weekly review on
/// the last working day of each week, and a report owed at a period end until it is delivered.
public enum ReportReminder: Sendable, Hashable {
    case weeklyReview(week: String)
    /// `waiting`: recorded, but its mail has not gone out (why); nil: not delivered at all.
    case reportOwed(OwedReport, dueBy: Date, waiting: String?)

    /// The reminders at `now`. `calendar` decides the working days (the desk's office calendar;
    /// 24x7 or nil: Monday to Friday); `delivered` holds ``OwedReport/key`` of the reports
    /// whose mail has gone out, `waiting` those recorded whose mail is still in the outbox.
    public static func reminders(now: Date, timeZone: TimeZone, calendar: WorkingCalendar?, historySince: Date?,
                                 delivered: Set<String>, waiting: [String: String] = [:], within: TimeInterval) -> [ReportReminder] {
        var reminders: [ReportReminder] = []
        if let week = ReportPeriod.containing(now, kind: .week, timeZone: timeZone), isLastWorkingDay(now, of: week, calendar: calendar) {
            reminders.append(.weeklyReview(week: week.label))
        }
        for owed in ReportSchedule.owed(now: now, timeZone: timeZone, historySince: historySince) where !delivered.contains(owed.key) {
            reminders.append(.reportOwed(owed, dueBy: owed.period.interval.end.addingTimeInterval(within), waiting: waiting[owed.key]))
        }
        return reminders
    }

    /// Whether `now` falls on the last working day of `week` (in the week's zone).
    public static func isLastWorkingDay(_ now: Date, of week: ReportPeriod, calendar: WorkingCalendar?) -> Bool {
        var gregorian = Calendar(identifier: .iso8601)
        gregorian.timeZone = week.timeZone
        func localDate(_ instant: Date) -> LocalDate? {
            let c = gregorian.dateComponents([.year, .month, .day], from: instant)
            return LocalDate(year: c.year ?? 0, month: c.month ?? 0, day: c.day ?? 0)
        }
        func works(_ instant: Date) -> Bool {
            if let calendar, !calendar.isTwentyFourSeven, let date = localDate(instant) { return calendar.isWorkingDay(date) }
            let weekday = gregorian.component(.weekday, from: instant)
            return weekday != 1 && weekday != 7
        }
        var lastWorking: LocalDate?
        for day in 0..<7 {
            guard let instant = gregorian.date(byAdding: .day, value: day, to: week.interval.start) else { continue }
            if works(instant) { lastWorking = localDate(instant) }
        }
        guard let lastWorking, let today = localDate(now) else { return false }
        return today == lastWorking
    }

    public func text(_ l: Language, timeZone: TimeZone) -> String {
        switch self {
        case let .weeklyReview(week):
            return l.pick(en: "Weekly review \(week) today: the week's incidents, trends, recurring ones to raise, back-fills (:queue review)",
                          zh: "今天进行 \(week) 周回顾：本周事件、趋势、重复事件转问题、补录（:queue review）")
        case let .reportOwed(owed, _, waiting?):
            if waiting.isEmpty {
                return l.pick(en: "\(owed.report.label(.en)) \(owed.period.label): mail queued, not sent yet (notify flush, or the escalator)",
                              zh: "\(owed.period.label) \(owed.report.label(.zh))：邮件已排队，尚未发出（notify flush 或升级服务）")
            }
            return l.pick(en: "\(owed.report.label(.en)) \(owed.period.label): mail not sent: \(waiting)",
                          zh: "\(owed.period.label) \(owed.report.label(.zh))：邮件未发出：\(waiting)")
        case let .reportOwed(owed, dueBy, nil):
            let by = DisplayTime.format(dueBy, in: timeZone)
            return l.pick(en: "\(owed.report.label(.en)) \(owed.period.label) not delivered (due by \(by)): report deliver \(owed.period.kind.rawValue) --period \(owed.period.label)",
                          zh: "\(owed.period.label) \(owed.report.label(.zh))尚未报送（应于 \(by) 前）：report deliver \(owed.period.kind.rawValue) --period \(owed.period.label)")
        }
    }
}
