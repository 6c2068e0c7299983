import Foundation

/// Every figure the reports and the console show, each defined once, here. README.md quotes
/// these definitions.
public enum KPI: String, Sendable, CaseIterable {
    // Service desk (assessed by the incident manager)
    case deskRequestsTaken = "desk.requests_taken"
    case deskResolvedAtFirstContact = "desk.resolved_first_contact"
    case deskEscalatedAsRules = "desk.escalated_as_rules"
    case deskPhoneCallsConfirmed = "desk.phone_calls_confirmed"
    case deskClosed = "desk.closed"
    case deskClosedWithSurvey = "desk.closed_with_survey"
    case deskClosedOnTime = "desk.closed_on_time"
    case deskHandovers = "desk.handovers"
    case deskHandoversAsRules = "desk.handovers_as_rules"
    // First and second line (assessed by the incident manager)
    case lineTaken = "line.taken"
    case lineResolvedDirectly = "line.resolved_directly"
    case linePastSLA = "line.past_sla"
    case lineEscalatedOnward = "line.escalated_onward"
    case lineSheetsPrinted = "line.sheets_printed"
    case lineSheetsSigned = "line.sheets_signed"
    case lineSatisfactionPassRate = "line.satisfaction_pass_rate"
    // Incident manager (assessed by the internal auditor)
    case imMajorAndBreachedHandled = "im.major_breached_handled"
    case imTurnedIntoProblems = "im.turned_into_problems"
    case imBackfilled = "im.backfilled"
    case imBypassedDesk = "im.bypassed_desk"
    case imReportsOnTime = "im.reports_on_time"
    case imReportCorrections = "im.report_corrections"
    // Service KPIs
    case responseCompliance = "sla.response_compliance"
    case resolutionCompliance = "sla.resolution_compliance"
    case meanTimeToResolve = "ttr.mean_hours"
    case medianTimeToResolve = "ttr.median_hours"
    case firstContactResolutionRate = "fcr.rate"
    case reopenRate = "reopen.rate"
    case backlog = "backlog.open_at_end"
    case satisfactionAverage = "csat.average"
    case satisfactionRated = "csat.rated"
    // Problem management and known errors (ProblemKPIs)
    case problemsRaised = "problem.raised"
    case problemsByStateAtEnd = "problem.state_at_end"
    case problemMedianHoursToRootCause = "problem.median_hours_to_root_cause"
    case problemMedianHoursToResolution = "problem.median_hours_to_resolution"
    case knownErrorResolutions = "known_error.resolved"
    case knownErrorShareOfFirstContact = "known_error.share_of_first_contact"
    case problemFixRecurred = "problem.recurred_after_fix"

    public enum Unit: String, Sendable { case count, percent, hours, score }

    public var unit: Unit {
        switch self {
        case .lineSatisfactionPassRate, .responseCompliance, .resolutionCompliance, .firstContactResolutionRate, .reopenRate,
             .deskEscalatedAsRules, .deskPhoneCallsConfirmed, .deskClosedWithSurvey, .deskClosedOnTime, .deskHandoversAsRules,
             .imReportsOnTime, .knownErrorShareOfFirstContact:
            .percent
        case .meanTimeToResolve, .medianTimeToResolve, .problemMedianHoursToRootCause, .problemMedianHoursToResolution: .hours
        case .satisfactionAverage: .score
        default: .count
        }
    }

    /// Whether a higher figure is worse (assessed "against").
    public var countsAgainst: Bool {
        [.linePastSLA, .lineEscalatedOnward, .imBypassedDesk, .imReportCorrections, .reopenRate, .backlog, .problemFixRecurred].contains(self)
    }

    public func name(_ l: Language) -> String {
        switch self {
        case .deskRequestsTaken: l.pick(en: "requests taken", zh: "受理请求数")
        case .deskResolvedAtFirstContact: l.pick(en: "resolved at first contact", zh: "首次接触解决数")
        case .deskEscalatedAsRules: l.pick(en: "escalation steps fired on time", zh: "按规定管理升级")
        case .deskPhoneCallsConfirmed: l.pick(en: "escalation calls confirmed", zh: "升级电话已确认")
        case .deskClosed: l.pick(en: "incidents closed", zh: "关闭事件数")
        case .deskClosedWithSurvey: l.pick(en: "closed with a survey score", zh: "完成满意度调查的关闭数")
        case .deskClosedOnTime: l.pick(en: "closed within 24 h of resolution", zh: "解决后 24 小时内关闭")
        case .deskHandovers: l.pick(en: "handovers", zh: "交接次数")
        case .deskHandoversAsRules: l.pick(en: "handovers as the rules say", zh: "符合规定的交接")
        case .lineTaken: l.pick(en: "requests taken", zh: "受理请求数")
        case .lineResolvedDirectly: l.pick(en: "resolved directly", zh: "直接解决数")
        case .linePastSLA: l.pick(en: "resolved past SLA", zh: "超 SLA 事件数")
        case .lineEscalatedOnward: l.pick(en: "escalated onward", zh: "向上升级数")
        case .lineSheetsPrinted: l.pick(en: "on-site sheets printed", zh: "打印现场服务单")
        case .lineSheetsSigned: l.pick(en: "on-site sheets signed", zh: "客户签字的现场服务单")
        case .lineSatisfactionPassRate: l.pick(en: "satisfaction pass rate", zh: "满意度合格率")
        case .imMajorAndBreachedHandled: l.pick(en: "major and breaching incidents handled", zh: "协调处理重大及超时事件")
        case .imTurnedIntoProblems: l.pick(en: "incidents turned into problems", zh: "转为问题的事件")
        case .imBackfilled: l.pick(en: "incidents back-filled", zh: "补录事件数")
        case .imBypassedDesk: l.pick(en: "incidents bypassing the desk", zh: "绕过服务台的事件")
        case .imReportsOnTime: l.pick(en: "reports delivered on time", zh: "报告按时报送")
        case .imReportCorrections: l.pick(en: "report corrections sent", zh: "报告更正次数")
        case .responseCompliance: l.pick(en: "response SLA met", zh: "响应 SLA 达成率")
        case .resolutionCompliance: l.pick(en: "resolution SLA met", zh: "解决 SLA 达成率")
        case .meanTimeToResolve: l.pick(en: "mean time to resolve (h)", zh: "平均解决时长（小时）")
        case .medianTimeToResolve: l.pick(en: "median time to resolve (h)", zh: "解决时长中位数（小时）")
        case .firstContactResolutionRate: l.pick(en: "first-contact resolution rate", zh: "首次接触解决率")
        case .reopenRate: l.pick(en: "reopen rate", zh: "重开率")
        case .backlog: l.pick(en: "backlog at period end", zh: "期末积压")
        case .satisfactionAverage: l.pick(en: "satisfaction average (1–5)", zh: "满意度平均分（1–5）")
        case .satisfactionRated: l.pick(en: "surveys with a score", zh: "有评分的调查数")
        case .problemsRaised: l.pick(en: "problems raised", zh: "提交的问题单")
        case .problemsByStateAtEnd: l.pick(en: "of those, open at period end", zh: "其中期末仍未结")
        case .problemMedianHoursToRootCause: l.pick(en: "median time raising → root cause (h)", zh: "提交至找到根因的中位时长（小时）")
        case .problemMedianHoursToResolution: l.pick(en: "median time raising → resolution (h)", zh: "提交至解决的中位时长（小时）")
        case .knownErrorResolutions: l.pick(en: "incidents resolved by a known error", zh: "按已知错误解决的事件")
        case .knownErrorShareOfFirstContact: l.pick(en: "known error's share of first-contact resolutions", zh: "首次接触解决中按已知错误解决的占比")
        case .problemFixRecurred: l.pick(en: "incidents recurring after a fix", zh: "修复后复发的事件")
        }
    }

    /// The definition, as used by the code below and quoted in README.md.
    public var definition: String {
        switch self {
        case .deskRequestsTaken: "incidents whose opening event falls in the period and was logged by a desk agent"
        case .deskResolvedAtFirstContact: "of those, incidents whose first resolution was by the desk with no escalation before it"
        case .deskEscalatedAsRules: "management-escalation steps due in the period that were recorded within 5 minutes of falling due (of all due)"
        case .deskPhoneCallsConfirmed: "phone calls of steps due in the period that an operator confirmed (of all such calls)"
        case .deskClosed: "incidents with a closing event in the period"
        case .deskClosedWithSurvey: "of those, closed with a 1–5 score (not 'customer unreachable')"
        case .deskClosedOnTime: "of those, closed within 24 hours of their resolution"
        case .deskHandovers: "handovers submitted for shifts that started in the period"
        case .deskHandoversAsRules: "of those, prepared in the outgoing shift's last 30 minutes and every item acknowledged in the incoming shift's first 30 minutes"
        case .lineTaken: "distinct incidents the line's operators worked in the period: took, escalated onward, put on hold, resolved or printed a sheet for"
        case .lineResolvedDirectly: "resolution events in the period by the line's operators"
        case .linePastSLA: "distinct incidents with a resolution event in the period by the line's operators that came after the resolution deadline as the clock stood at that resolution (paused time excluded); a resolution on time stays on time whatever happens after a reopen (counts against)"
        case .lineEscalatedOnward: "escalation events in the period by the line's operators to another line (counts against)"
        case .lineSheetsPrinted: "on-site service sheets printed in the period"
        case .lineSheetsSigned: "on-site service sheets marked signed in the period"
        case .lineSatisfactionPassRate: "of incidents closed in the period with a score whose last resolver was in the line, the share scored 4 or 5"
        case .imMajorAndBreachedHandled: "distinct incidents, major or past their resolution deadline, on which an incident manager recorded an event in the period"
        case .imTurnedIntoProblems: "distinct incidents linked to a problem in the period"
        case .imBackfilled: "incidents flagged back-filled whose opening event falls in the period"
        case .imBypassedDesk: "incidents flagged bypassed_desk whose opening event falls in the period (counts against)"
        case .imReportsOnTime: "of the reports owed at month, quarter and year ends falling in the period (the incident-management report, and at month ends the workload report), the share first delivered within [desk] reports_within (default 24 h) of the period's end; a report not yet delivered counts once that time has passed"
        case .imReportCorrections: "corrections delivered in the period: a report delivered again for a period it was already delivered for (counts against)"
        case .responseCompliance: "of incidents first responded to in the period, the share responded by their response deadline (paused time excluded)"
        case .resolutionCompliance: "of incidents resolved in the period (last resolution), the share resolved by their resolution deadline (paused time excluded)"
        case .meanTimeToResolve: "mean wall-clock hours from opening to last resolution, incidents resolved in the period"
        case .medianTimeToResolve: "median of the same"
        case .firstContactResolutionRate: "resolved at first contact ÷ requests taken by the desk"
        case .reopenRate: "reopen events in the period ÷ resolution events in the period (every resolution counts, whether or not a reopen undid it later; a reopen counts in the period it happened, so a month with few resolutions and reopens of earlier ones may exceed 100 %)"
        case .backlog: "incidents opened before the period's end and neither resolved nor closed at that instant, replayed from the events"
        case .satisfactionAverage: "mean score of incidents closed in the period with a score"
        case .satisfactionRated: "incidents closed in the period with a score"
        case .problemsRaised: "problems whose raising falls in the period"
        case .problemsByStateAtEnd: "of those, how many were open (neither resolved nor closed) at the period's end; scope state:STATE counts each state, replayed from the problems' histories"
        case .problemMedianHoursToRootCause: "median wall-clock hours from raising to the first noting of the root cause (fix started), problems whose root cause was first noted in the period"
        case .problemMedianHoursToResolution: "median wall-clock hours from raising to resolution, problems whose last resolution in the period falls in it (any resolution code)"
        case .knownErrorResolutions: "incidents whose last resolution in the period was with a known error's workaround (resolution_kind known_error)"
        case .knownErrorShareOfFirstContact: "of the desk's resolutions at first contact (desk.resolved_first_contact), the share whose first resolution was with a known error"
        case .problemFixRecurred: "incidents linked to a problem resolved with fix applied in the period that were opened, linked or reopened after that resolution, up to the report's end (a fix that did not hold; counts against)"
        }
    }
}
