import Foundation

/// One incident as a report reads it: the ticket, its events, its fired escalation steps and
/// its phone calls. A report is computed incident by incident (``KPIAccumulator``), so the
/// store can be read page by page and a year over a million incidents never sits in memory.
public struct ReportTicket: Sendable {
    public var ticket: Ticket
    public var events: [TicketEvent]
    public var fired: [FiredStep]
    public var calls: [OutboxMessage]

    /// The fields of events' changes the KPIs read; a store may leave the others out of
    /// ``events`` (SQLite does: making strings of every opening event's fields cost most of a
    /// yearly report's time).
    public static let fieldsRead: Set<String> = ["state", "satisfaction", "priority", TicketEvent.resolutionKindField]

    public init(ticket: Ticket, events: [TicketEvent], fired: [FiredStep] = [], calls: [OutboxMessage] = []) {
        self.ticket = ticket
        self.events = events
        self.fired = fired
        self.calls = calls
    }
}

/// The KPI computation, incident by incident: every figure of ``KPI`` is a sum over incidents
/// (or a rate of two sums, or a mean/median of per-incident durations), so adding the incidents
/// in any order, in pages, gives the same report. The definitions are those of ``KPI``.
///
/// An incident's share of the figures is computed once, by ``contribution(of:start:end:roles:policy:evaluatingSLA:)``:
/// ``add(_:)`` adds it at once, and a ``KPISummary`` keeps it, computed by the same code when the
/// incident is written, for reports to add without reading the incident again.
public struct KPIAccumulator: Sendable {
    typealias Line = KPIContribution.Line

    public let period: ReportPeriod
    let start: Date
    let end: Date
    let roles: [String: Role]
    let names: [String: String]
    /// The SLA policy over time: each deadline is judged under the version in force when it was reached.
    let policy: PolicyTimeline

    var takenByDesk = 0, firstContact = 0
    var stepsDue = 0, stepsOnTime = 0, calls = 0, callsConfirmed = 0
    var closed = 0, closedOnTime = 0
    var distribution = Array(repeating: 0, count: 6)
    var scoreSum = 0, scoreCount = 0
    var lines: [Role: Line] = [.l1: Line(), .l2: Line()]
    var imHandled = 0, turnedIntoProblems = 0, backfilled = 0, bypassed = 0
    var responded = 0, respondedOnTime = 0, resolved = 0, resolvedOnTime = 0, reopened = 0, resolutions = 0
    var hours: [Priority: [Double]] = [:]
    var backlog = 0
    var aging = [0, 0, 0, 0]
    var work: [String: Workload] = [:]
    var opened: [Priority: Int] = [:]
    /// The desk's report deliveries, for the incident manager's figures on them; none by default.
    public var deliveries: DeliveryRecord?

    /// - Parameter now: when the report is made; a period not yet over is judged as of now.
    public init(period: ReportPeriod, operators: [Operator], policy: SLAPolicy, now: Date?) {
        self.init(period: period, operators: operators, policies: PolicyTimeline(policy), now: now)
    }

    /// As above, with every policy version and the instant it took force (``PolicyTimeline``).
    public init(period: ReportPeriod, operators: [Operator], policies: PolicyTimeline, now: Date?) {
        self.period = period
        start = period.interval.start
        end = min(period.interval.end, now ?? period.interval.end)
        roles = Dictionary(operators.map { ($0.login, $0.role) }, uniquingKeysWith: { a, _ in a })
        names = Dictionary(operators.map { ($0.login, $0.name) }, uniquingKeysWith: { a, _ in a })
        policy = policies
    }

    /// What the report covers: the period's start, and its end or now, whichever is first.
    public var window: KPIWindow { KPIWindow(start: start, end: end) }

    /// The operators' roles the figures were judged with.
    public var operatorRoles: [String: Role] { roles }

    func inPeriod(_ date: Date?) -> Bool { date.map { start <= $0 && $0 < end } ?? false }

    /// Adds one incident (its events in any order; those after the period's end are ignored),
    /// with its escalation steps and phone calls.
    public mutating func add(_ item: ReportTicket) {
        guard item.ticket.openedAt < end else { return }
        addSteps(item.fired)
        addCalls(item.calls)
        addIncident(item)
    }

    /// Adds one incident without its escalation steps and calls (counted apart, by
    /// ``addSteps(_:)`` and ``add(_:)-(KPIEscalationFigures)``).
    public mutating func addIncident(_ item: ReportTicket) {
        guard item.ticket.openedAt < end else { return }
        let share = Self.contribution(of: item, start: start, end: end, roles: roles, policy: policy).contribution
        add(share, count: 1, hours: share.hours.map { [$0] } ?? [], openedAt: [item.ticket.openedAt])
    }

    /// Escalation steps: those due in the period, and whether each was recorded within 5 minutes.
    public mutating func addSteps(_ steps: [FiredStep]) {
        for step in steps where inPeriod(step.dueAt) {
            stepsDue += 1
            if Self.firedOnTime(dueAt: step.dueAt, firedAt: step.firedAt) { stepsOnTime += 1 }
        }
    }

    /// Phone calls of escalation steps queued in the period, and whether someone confirmed each.
    public mutating func addCalls(_ messages: [OutboxMessage]) {
        for call in messages where call.via == .phone && inPeriod(call.createdAt) {
            calls += 1
            if call.deliveredAt != nil { callsConfirmed += 1 }
        }
    }

    /// Steps and calls counted by the store (``KPIEscalationFigures``), with the rules above.
    public mutating func add(_ figures: KPIEscalationFigures) {
        stepsDue += figures.stepsDue
        stepsOnTime += figures.stepsOnTime
        calls += figures.calls
        callsConfirmed += figures.callsConfirmed
    }

    /// `desk.escalated_as_rules`: a step recorded within 5 minutes of falling due.
    public static func firedOnTime(dueAt: Date, firedAt: Date) -> Bool { firedAt.timeIntervalSince(dueAt) <= 300 }

    /// Adds `count` incidents with the same share of the figures, `hours` the time to resolve of
    /// each that counts one, `openedAt` the opening of each (for the backlog's aging).
    mutating func add(_ share: KPIContribution, count n: Int, hours durations: [Double], openedAt: [Date]) {
        guard n > 0 else { return }
        takenByDesk += share.takenByDesk * n
        firstContact += share.firstContact * n
        closed += share.closed * n
        closedOnTime += share.closedOnTime * n
        if let survey = share.survey {
            distribution[survey] += n
            if survey >= 1 {
                scoreSum += survey * n
                scoreCount += n
            }
        }
        for role in [Role.l1, Role.l2] {
            let add = role == .l1 ? share.l1 : share.l2
            var line = lines[role] ?? Line()
            line.taken += add.taken * n
            line.resolved += add.resolved * n
            line.pastSLA += add.pastSLA * n
            line.escalated += add.escalated * n
            line.printed += add.printed * n
            line.signed += add.signed * n
            line.rated += add.rated * n
            line.passed += add.passed * n
            lines[role] = line
        }
        imHandled += share.imHandled * n
        turnedIntoProblems += share.turnedIntoProblems * n
        backfilled += share.backfilled * n
        bypassed += share.bypassed * n
        if share.opened > 0 { opened[share.priority, default: 0] += share.opened * n }
        responded += share.responded * n
        respondedOnTime += share.respondedOnTime * n
        resolved += share.resolved * n
        resolvedOnTime += share.resolvedOnTime * n
        if !durations.isEmpty { hours[share.priority, default: []].append(contentsOf: durations) }
        reopened += share.reopened * n
        resolutions += share.resolutions * n
        if share.backlog > 0 { addBacklog(openedAt: openedAt) }
        for (login, counts) in share.work {
            var entry = work[login] ?? Workload(login: login, name: names[login] ?? login, role: roles[login])
            entry.taken += counts.taken * n
            entry.resolved += counts.resolved * n
            entry.escalated += counts.escalated * n
            entry.closed += counts.closed * n
            entry.notes += counts.notes * n
            work[login] = entry
        }
    }

    /// Incidents open at the period's end, opened at these instants: the backlog and its aging.
    public mutating func addBacklog(openedAt: [Date]) {
        for instant in openedAt {
            backlog += 1
            let days = end.timeIntervalSince(instant) / 86_400
            aging[days < 1 ? 0 : days < 3 ? 1 : days < 7 ? 2 : 3] += 1
        }
    }

    /// One incident's share of the figures of the period `[start, end)`, judged with these roles
    /// and this policy. `evaluation` is the SLA evaluation it used (made even when unused with
    /// `evaluatingSLA`), for ``KPISummary`` to find where the share changes with the period's end.
    public static func contribution(of item: ReportTicket, start: Date, end: Date, roles: [String: Role], policy: SLAPolicy,
                                    evaluatingSLA: Bool = false) -> (contribution: KPIContribution, evaluation: SLAEvaluation?) {
        contribution(of: item, start: start, end: end, roles: roles, policy: PolicyTimeline(policy), evaluatingSLA: evaluatingSLA)
    }

    /// As above, each deadline judged under the policy version in force when it was reached.
    public static func contribution(of item: ReportTicket, start: Date, end: Date, roles: [String: Role], policy: PolicyTimeline,
                                    evaluatingSLA: Bool = false) -> (contribution: KPIContribution, evaluation: SLAEvaluation?) {
        let ticket = item.ticket
        func inPeriod(_ date: Date?) -> Bool { date.map { start <= $0 && $0 < end } ?? false }
        // Every role looked up is kept with the answer: the share holds while they stay the same.
        var consulted: [String: String] = [:]
        func role(_ login: String) -> Role? {
            let found = roles[login]
            consulted[login] = found?.rawValue ?? ""
            return found
        }
        var share = KPIContribution(priority: ticket.priority)
        let events = item.events.filter { $0.at < end }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        // The ticket's state as of the period's end, replayed from its events.
        var state = TicketState.new
        var lastResolution: TicketEvent?
        for event in events {
            if let after = event.change(of: "state")?.after.flatMap(TicketState.init(rawValue:)) { state = after }
            if event.kind == .resolved { lastResolution = event }
            if event.kind == .reopened { lastResolution = nil }
        }
        if events.isEmpty { state = ticket.state }
        let openedEvent = events.first { $0.kind == .opened || $0.kind == .imported }
        var evaluation: SLAEvaluation?
        func sla() -> SLAEvaluation {
            if let evaluation { return evaluation }
            var judged = ticket
            // Judge the ticket as it stood at the period's end.
            if lastResolution == nil, !judged.state.isOpen, state.isOpen { judged.state = state; judged.resolvedAt = nil }
            // What `TicketSLA` evaluates, without the ladder (a report needs only the clocks).
            let computed = policy.evaluate(priority: judged.priority, timeline: ClockTimeline(ticket: judged, events: events, problemPauses: policy.policy(at: end).problemPausesClocks), now: end)
            evaluation = computed
            return computed
        }
        let periodEvents = events.filter { inPeriod($0.at) }
        // Whether `resolution` came after the resolution deadline as the clock stood at that
        // instant (`line.past_sla`): what happens after a reopen does not make it late.
        func resolvedLate(_ resolution: TicketEvent) -> Bool {
            var before = ticket
            before.state = .inProgress
            before.resolvedAt = nil
            let prior = events.filter { ($0.at, $0.id) < (resolution.at, resolution.id) }
            let evaluation = policy.evaluate(priority: ticket.priority, timeline: ClockTimeline(ticket: before, events: prior), now: resolution.at)
            return evaluation.resolution.breached
        }

        // Service desk.
        if inPeriod(openedEvent?.at), role(openedEvent?.actor ?? "") == .desk {
            share.takenByDesk = 1
            if let firstResolve = events.first(where: { $0.kind == .resolved }) {
                let escalatedBefore = events.contains { $0.kind == .escalated && $0.at <= firstResolve.at && $0.id <= firstResolve.id }
                if role(firstResolve.actor) == .desk && !escalatedBefore { share.firstContact = 1 }
            }
        }
        var closingScore: Int?
        var closingResolver: String?
        if let close = events.last(where: { $0.kind == .closed }), inPeriod(close.at) {
            share.closed = 1
            let survey = close.change(of: "satisfaction")?.after ?? ""
            if survey == "unreachable" {
                share.survey = 0
            } else if let score = Int(survey.prefix(1)), (1...5).contains(score) {
                share.survey = score
                closingScore = score
            }
            let resolution = events.last { $0.kind == .resolved && $0.at <= close.at }
            if let resolution, close.at.timeIntervalSince(resolution.at) <= 86_400 { share.closedOnTime = 1 }
            closingResolver = resolution?.actor
        }

        // First and second line.
        for lineRole in [Role.l1, Role.l2] {
            var line = Line()
            let mine = periodEvents.filter { role($0.actor) == lineRole }
            if mine.contains(where: { [.taken, .escalated, .pended, .resolved, .sheetPrinted].contains($0.kind) }) { line.taken = 1 }
            let resolutions = mine.filter { $0.kind == .resolved }
            line.resolved = resolutions.count
            if resolutions.contains(where: { resolvedLate($0) }) { line.pastSLA = 1 }
            line.escalated = mine.filter { $0.kind == .escalated }.count
            line.printed = mine.filter { $0.kind == .sheetPrinted }.count
            if events.contains(where: { $0.kind == .sheetPrinted && role($0.actor) == lineRole }) {
                line.signed = periodEvents.filter { $0.kind == .sheetSigned }.count
            }
            if let score = closingScore, let resolver = closingResolver, role(resolver) == lineRole {
                line.rated = 1
                if score >= 4 { line.passed = 1 }
            }
            if lineRole == .l1 { share.l1 = line } else { share.l2 = line }
        }

        // Incident manager.
        if periodEvents.contains(where: { role($0.actor) == .im }), ticket.priority == .major || sla().resolution.breached { share.imHandled = 1 }
        if periodEvents.contains(where: { $0.kind == .problemLinked }) { share.turnedIntoProblems = 1 }
        let openedAt = openedEvent?.at ?? ticket.openedAt
        if ticket.backfilled, inPeriod(openedAt) { share.backfilled = 1 }
        if ticket.bypassedDesk, inPeriod(openedAt) { share.bypassed = 1 }
        if inPeriod(openedAt) { share.opened = 1 }

        // Service KPIs.
        if inPeriod(ticket.firstResponseAt) {
            share.responded = 1
            if !sla().response.breached { share.respondedOnTime = 1 }
        }
        if let last = lastResolution, inPeriod(last.at) {
            share.resolved = 1
            if !sla().resolution.breached { share.resolvedOnTime = 1 }
            share.hours = last.at.timeIntervalSince(ticket.openedAt) / 3600
        }
        // reopen.rate: every reopen and every resolution in the period, each counted once.
        share.reopened = periodEvents.filter { $0.kind == .reopened }.count
        share.resolutions = periodEvents.filter { $0.kind == .resolved }.count
        if state.isOpen { share.backlog = 1 }

        // Workload per operator.
        for event in periodEvents {
            switch event.kind {
            case .taken: share.work[event.actor, default: KPIContribution.Work()].taken += 1
            case .resolved: share.work[event.actor, default: KPIContribution.Work()].resolved += 1
            case .escalated: share.work[event.actor, default: KPIContribution.Work()].escalated += 1
            case .closed: share.work[event.actor, default: KPIContribution.Work()].closed += 1
            case .noted: share.work[event.actor, default: KPIContribution.Work()].notes += 1
            default: continue
            }
        }
        if evaluatingSLA { _ = sla() }
        share.roles = consulted
        return (share, evaluation)
    }

    /// The report, with the handovers of the period (`desk.handovers`).
    public func report(handovers: [Handover]) -> KPIReport {
        var figures: [KPIFigure] = []
        func count(_ kpi: KPI, _ scope: String, _ n: Int) { figures.append(KPIFigure(kpi, scope, Double(n))) }
        func rate(_ kpi: KPI, _ scope: String, _ part: Int, _ whole: Int) {
            figures.append(KPIFigure(kpi, scope, whole == 0 ? nil : 100 * Double(part) / Double(whole), numerator: part, denominator: whole))
        }
        count(.deskRequestsTaken, "desk", takenByDesk)
        count(.deskResolvedAtFirstContact, "desk", firstContact)
        rate(.deskEscalatedAsRules, "desk", stepsOnTime, stepsDue)
        rate(.deskPhoneCallsConfirmed, "desk", callsConfirmed, calls)
        count(.deskClosed, "desk", closed)
        rate(.deskClosedWithSurvey, "desk", scoreCount, closed)
        rate(.deskClosedOnTime, "desk", closedOnTime, closed)
        let shifts = handovers.filter { inPeriod($0.from.start) }
        count(.deskHandovers, "desk", shifts.count)
        rate(.deskHandoversAsRules, "desk", shifts.filter(\.compliant).count, shifts.count)
        for role in [Role.l1, Role.l2] {
            let line = lines[role] ?? Line()
            let scope = role.rawValue
            count(.lineTaken, scope, line.taken)
            count(.lineResolvedDirectly, scope, line.resolved)
            count(.linePastSLA, scope, line.pastSLA)
            count(.lineEscalatedOnward, scope, line.escalated)
            count(.lineSheetsPrinted, scope, line.printed)
            count(.lineSheetsSigned, scope, line.signed)
            rate(.lineSatisfactionPassRate, scope, line.passed, line.rated)
        }
        count(.imMajorAndBreachedHandled, "im", imHandled)
        count(.imTurnedIntoProblems, "im", turnedIntoProblems)
        count(.imBackfilled, "im", backfilled)
        count(.imBypassedDesk, "im", bypassed)
        let delivered = deliveries?.figures(start: start, end: end) ?? (onTime: 0, due: 0, corrections: 0)
        rate(.imReportsOnTime, "im", delivered.onTime, delivered.due)
        count(.imReportCorrections, "im", delivered.corrections)
        rate(.responseCompliance, "all", respondedOnTime, responded)
        rate(.resolutionCompliance, "all", resolvedOnTime, resolved)
        for priority in Priority.allCases {
            let sorted = (hours[priority] ?? []).sorted()
            let scope = "priority:\(priority.rawValue)"
            figures.append(KPIFigure(.meanTimeToResolve, scope, sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count), denominator: sorted.count))
            let median: Double? = sorted.isEmpty ? nil
                : sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            figures.append(KPIFigure(.medianTimeToResolve, scope, median, denominator: sorted.count))
        }
        rate(.firstContactResolutionRate, "desk", firstContact, takenByDesk)
        rate(.reopenRate, "all", reopened, resolutions)
        count(.backlog, "all", backlog)
        figures.append(KPIFigure(.satisfactionAverage, "all", scoreCount == 0 ? nil : Double(scoreSum) / Double(scoreCount), denominator: scoreCount))
        count(.satisfactionRated, "all", scoreCount)
        // The problem figures, as without problems: a store's report replaces them (``KPIReport/addProblemFigures``).
        figures += ProblemKPIs.figures(window: window, problems: [], events: [], incidents: [], firstContact: firstContact, roles: roles,
                                       policy: policy.policy(at: end))

        var perLine: [Role: Workload] = [:]
        for entry in work.values {
            guard let role = entry.role else { continue }
            var line = perLine[role] ?? Workload(login: role.rawValue, name: role.rawValue, role: role)
            line.taken += entry.taken
            line.resolved += entry.resolved
            line.escalated += entry.escalated
            line.closed += entry.closed
            line.notes += entry.notes
            perLine[role] = line
        }
        return KPIReport(period: period, figures: figures,
                         workload: work.values.sorted { ($0.total, $1.login) > ($1.total, $0.login) },
                         tierWorkload: [Role.desk, .l1, .l2, .im].map { perLine[$0] ?? Workload(login: $0.rawValue, name: $0.rawValue, role: $0) },
                         satisfactionDistribution: distribution, backlogAging: aging, openedByPriority: opened)
    }
}
