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
public struct KPIAccumulator: Sendable {
    struct Line: Sendable {
        var taken = 0, resolved = 0, pastSLA = 0, escalated = 0, printed = 0, signed = 0, rated = 0, passed = 0
    }

    public let period: ReportPeriod
    let start: Date
    let end: Date
    let roles: [String: Role]
    let names: [String: String]
    let policy: SLAPolicy

    var takenByDesk = 0, firstContact = 0
    var stepsDue = 0, stepsOnTime = 0, calls = 0, callsConfirmed = 0
    var closed = 0, closedOnTime = 0
    var distribution = Array(repeating: 0, count: 6)
    var scoreSum = 0, scoreCount = 0
    var lines: [Role: Line] = [.l1: Line(), .l2: Line()]
    var imHandled = 0, turnedIntoProblems = 0, backfilled = 0, bypassed = 0
    var responded = 0, respondedOnTime = 0, resolved = 0, resolvedOnTime = 0, reopened = 0
    var hours: [Priority: [Double]] = [:]
    var backlog = 0
    var aging = [0, 0, 0, 0]
    var work: [String: Workload] = [:]
    var opened: [Priority: Int] = [:]

    /// - Parameter now: when the report is made; a period not yet over is judged as of now.
    public init(period: ReportPeriod, operators: [Operator], policy: SLAPolicy, now: Date?) {
        self.period = period
        start = period.interval.start
        end = min(period.interval.end, now ?? period.interval.end)
        roles = Dictionary(operators.map { ($0.login, $0.role) }, uniquingKeysWith: { a, _ in a })
        names = Dictionary(operators.map { ($0.login, $0.name) }, uniquingKeysWith: { a, _ in a })
        self.policy = policy
    }

    func inPeriod(_ date: Date?) -> Bool { date.map { start <= $0 && $0 < end } ?? false }

    /// Adds one incident (its events in any order; those after the period's end are ignored).
    public mutating func add(_ item: ReportTicket) {
        let ticket = item.ticket
        guard ticket.openedAt < end else { return }
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
            let computed = TicketSLA(ticket: judged, events: events, policy: policy, fired: item.fired, now: end).evaluation
            evaluation = computed
            return computed
        }
        let periodEvents = events.filter { inPeriod($0.at) }

        // Service desk.
        if inPeriod(openedEvent?.at), roles[openedEvent?.actor ?? ""] == .desk {
            takenByDesk += 1
            if let firstResolve = events.first(where: { $0.kind == .resolved }) {
                let escalatedBefore = events.contains { $0.kind == .escalated && $0.at <= firstResolve.at && $0.id <= firstResolve.id }
                if roles[firstResolve.actor] == .desk && !escalatedBefore { firstContact += 1 }
            }
        }
        for step in item.fired where inPeriod(step.dueAt) {
            stepsDue += 1
            if step.firedAt.timeIntervalSince(step.dueAt) <= 300 { stepsOnTime += 1 }
        }
        for call in item.calls where call.via == .phone && inPeriod(call.createdAt) {
            calls += 1
            if call.deliveredAt != nil { callsConfirmed += 1 }
        }
        var closingScore: Int?
        var closingResolver: String?
        if let close = events.last(where: { $0.kind == .closed }), inPeriod(close.at) {
            closed += 1
            let survey = close.change(of: "satisfaction")?.after ?? ""
            if survey == "unreachable" {
                distribution[0] += 1
            } else if let score = Int(survey.prefix(1)), (1...5).contains(score) {
                distribution[score] += 1
                scoreSum += score
                scoreCount += 1
                closingScore = score
            }
            let resolution = events.last { $0.kind == .resolved && $0.at <= close.at }
            if let resolution, close.at.timeIntervalSince(resolution.at) <= 86_400 { closedOnTime += 1 }
            closingResolver = resolution?.actor
        }

        // First and second line.
        for role in [Role.l1, Role.l2] {
            var line = lines[role] ?? Line()
            let mine = periodEvents.filter { roles[$0.actor] == role }
            if mine.contains(where: { [.taken, .escalated, .pended, .resolved, .sheetPrinted].contains($0.kind) }) { line.taken += 1 }
            let resolutions = mine.filter { $0.kind == .resolved }.count
            line.resolved += resolutions
            if resolutions > 0, sla().resolution.breached { line.pastSLA += 1 }
            line.escalated += mine.filter { $0.kind == .escalated }.count
            line.printed += mine.filter { $0.kind == .sheetPrinted }.count
            if events.contains(where: { $0.kind == .sheetPrinted && roles[$0.actor] == role }) {
                line.signed += periodEvents.filter { $0.kind == .sheetSigned }.count
            }
            if let score = closingScore, let resolver = closingResolver, roles[resolver] == role {
                line.rated += 1
                if score >= 4 { line.passed += 1 }
            }
            lines[role] = line
        }

        // Incident manager.
        if periodEvents.contains(where: { roles[$0.actor] == .im }), ticket.priority == .major || sla().resolution.breached { imHandled += 1 }
        if periodEvents.contains(where: { $0.kind == .problemLinked }) { turnedIntoProblems += 1 }
        let openedAt = openedEvent?.at ?? ticket.openedAt
        if ticket.backfilled, inPeriod(openedAt) { backfilled += 1 }
        if ticket.bypassedDesk, inPeriod(openedAt) { bypassed += 1 }
        if inPeriod(openedAt) { opened[ticket.priority, default: 0] += 1 }

        // Service KPIs.
        if inPeriod(ticket.firstResponseAt) {
            responded += 1
            if !sla().response.breached { respondedOnTime += 1 }
        }
        if let last = lastResolution, inPeriod(last.at) {
            resolved += 1
            if !sla().resolution.breached { resolvedOnTime += 1 }
            hours[ticket.priority, default: []].append(last.at.timeIntervalSince(ticket.openedAt) / 3600)
        }
        if periodEvents.contains(where: { $0.kind == .reopened }) { reopened += 1 }
        if state.isOpen {
            backlog += 1
            let days = end.timeIntervalSince(ticket.openedAt) / 86_400
            aging[days < 1 ? 0 : days < 3 ? 1 : days < 7 ? 2 : 3] += 1
        }

        // Workload per operator.
        for event in periodEvents {
            var entry = work[event.actor] ?? Workload(login: event.actor, name: names[event.actor] ?? event.actor, role: roles[event.actor])
            switch event.kind {
            case .taken: entry.taken += 1
            case .resolved: entry.resolved += 1
            case .escalated: entry.escalated += 1
            case .closed: entry.closed += 1
            case .noted: entry.notes += 1
            default: continue
            }
            work[event.actor] = entry
        }
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
        rate(.reopenRate, "all", reopened, resolved)
        count(.backlog, "all", backlog)
        figures.append(KPIFigure(.satisfactionAverage, "all", scoreCount == 0 ? nil : Double(scoreSum) / Double(scoreCount), denominator: scoreCount))
        count(.satisfactionRated, "all", scoreCount)

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
