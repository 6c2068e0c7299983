import Foundation

/// What a report is computed from: the desk's record up to the period's end.
public struct ReportInput: Sendable {
    public var tickets: [Ticket]
    /// Every event of those tickets up to the period's end (and later ones are ignored).
    public var events: [TicketEvent]
    public var operators: [Operator]
    public var handovers: [Handover]
    /// Steps fired and phone calls queued, for the tickets that had any.
    public var firedSteps: [TicketID: [FiredStep]]
    public var calls: [TicketID: [OutboxMessage]]
    public var policy: SLAPolicy
    /// When the report is made: a period not yet over is judged as of now, not as of its end.
    public var now: Date?

    public init(tickets: [Ticket], events: [TicketEvent], operators: [Operator], handovers: [Handover],
                firedSteps: [TicketID: [FiredStep]] = [:], calls: [TicketID: [OutboxMessage]] = [:], policy: SLAPolicy,
                now: Date? = nil) {
        self.now = now
        self.tickets = tickets
        self.events = events
        self.operators = operators
        self.handovers = handovers
        self.firedSteps = firedSteps
        self.calls = calls
        self.policy = policy
    }
}

/// One figure: a KPI for a scope (the desk, a line, an operator, a priority).
public struct KPIFigure: Sendable, Hashable {
    public var kpi: KPI
    /// `desk`, `l1`, `l2`, `im`, `all`, `operator:LOGIN`, `priority:major` …
    public var scope: String
    public var value: Double?
    /// For rates: the counts behind them.
    public var numerator: Int?
    public var denominator: Int?

    public init(_ kpi: KPI, _ scope: String, _ value: Double?, numerator: Int? = nil, denominator: Int? = nil) {
        self.kpi = kpi
        self.scope = scope
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// Per-operator workload in the period.
public struct Workload: Sendable, Hashable {
    public var login: String
    public var name: String
    public var role: Role?
    public var taken = 0
    public var resolved = 0
    public var escalated = 0
    public var closed = 0
    public var notes = 0
    public var total: Int { taken + resolved + escalated + closed + notes }
}

/// Every assessment item of the duty table and the service KPIs for one period.
public struct KPIReport: Sendable {
    public var period: ReportPeriod
    public var figures: [KPIFigure]
    public var workload: [Workload]
    /// Workload per line: the per-operator workload summed over the operators of each role
    /// (desk, L1, L2, incident manager), in that order; `login` is the role's name.
    public var tierWorkload: [Workload]
    /// Closed incidents by score 1…5; index 0 counts "customer unreachable".
    public var satisfactionDistribution: [Int]
    /// Open incidents at the period's end by age: < 1 d, 1–3 d, 3–7 d, ≥ 7 d.
    public var backlogAging: [Int]
    /// Incidents opened per priority in the period.
    public var openedByPriority: [Priority: Int]

    public func figure(_ kpi: KPI, _ scope: String) -> KPIFigure? {
        figures.first { $0.kpi == kpi && $0.scope == scope }
    }

    public func value(_ kpi: KPI, _ scope: String) -> Double? { figure(kpi, scope)?.value }

    public init(period: ReportPeriod, input: ReportInput) {
        self.period = period
        let start = period.interval.start
        let end = min(period.interval.end, input.now ?? period.interval.end)
        func inPeriod(_ date: Date?) -> Bool { date.map { start <= $0 && $0 < end } ?? false }
        let roles = Dictionary(input.operators.map { ($0.login, $0.role) }, uniquingKeysWith: { a, _ in a })
        var eventsByTicket: [TicketID: [TicketEvent]] = [:]
        for event in input.events where event.at < end { eventsByTicket[event.ticket, default: []].append(event) }
        for key in eventsByTicket.keys { eventsByTicket[key]?.sort { ($0.at, $0.id) < ($1.at, $1.id) } }
        let periodEvents = input.events.filter { inPeriod($0.at) }

        var figures: [KPIFigure] = []
        func count(_ kpi: KPI, _ scope: String, _ n: Int) { figures.append(KPIFigure(kpi, scope, Double(n))) }
        func rate(_ kpi: KPI, _ scope: String, _ part: Int, _ whole: Int) {
            figures.append(KPIFigure(kpi, scope, whole == 0 ? nil : 100 * Double(part) / Double(whole), numerator: part, denominator: whole))
        }

        // Each ticket's state as of the period's end, replayed from its events.
        struct Life {
            var ticket: Ticket
            var events: [TicketEvent]
            var opened: TicketEvent?
            var lastResolution: TicketEvent?
            var stateAtEnd: TicketState
        }
        var lives: [Life] = []
        for ticket in input.tickets where ticket.openedAt < end {
            let events = eventsByTicket[ticket.id] ?? []
            var state = TicketState.new
            var lastResolution: TicketEvent?
            for event in events {
                if let after = event.change(of: "state")?.after.flatMap(TicketState.init(rawValue:)) { state = after }
                if event.kind == .resolved { lastResolution = event }
                if event.kind == .reopened { lastResolution = nil }
            }
            if events.isEmpty { state = ticket.state }
            lives.append(Life(ticket: ticket, events: events, opened: events.first { $0.kind == .opened || $0.kind == .imported },
                              lastResolution: lastResolution, stateAtEnd: state))
        }
        func sla(_ life: Life) -> TicketSLA {
            var ticket = life.ticket
            // Judge the ticket as it stood at the period's end.
            if life.lastResolution == nil, !ticket.state.isOpen, life.stateAtEnd.isOpen { ticket.state = life.stateAtEnd; ticket.resolvedAt = nil }
            return TicketSLA(ticket: ticket, events: life.events, policy: input.policy, fired: input.firedSteps[ticket.id] ?? [], now: end)
        }

        // Service desk.
        let takenByDesk = lives.filter { inPeriod($0.opened?.at) && roles[$0.opened?.actor ?? ""] == .desk }
        let firstContact = takenByDesk.filter { life in
            guard let firstResolve = life.events.first(where: { $0.kind == .resolved }) else { return false }
            let escalatedBefore = life.events.contains { $0.kind == .escalated && $0.at <= firstResolve.at && $0.id <= firstResolve.id }
            return roles[firstResolve.actor] == .desk && !escalatedBefore
        }
        count(.deskRequestsTaken, "desk", takenByDesk.count)
        count(.deskResolvedAtFirstContact, "desk", firstContact.count)

        var stepsDue = 0, stepsOnTime = 0
        for steps in input.firedSteps.values {
            for step in steps where inPeriod(step.dueAt) {
                stepsDue += 1
                if step.firedAt.timeIntervalSince(step.dueAt) <= 300 { stepsOnTime += 1 }
            }
        }
        rate(.deskEscalatedAsRules, "desk", stepsOnTime, stepsDue)
        let callsInPeriod = input.calls.values.flatMap { $0 }.filter { $0.via == .phone && inPeriod($0.createdAt) }
        rate(.deskPhoneCallsConfirmed, "desk", callsInPeriod.filter { $0.deliveredAt != nil }.count, callsInPeriod.count)

        let closings = lives.compactMap { life -> (Life, TicketEvent)? in
            guard let close = life.events.last(where: { $0.kind == .closed }), inPeriod(close.at) else { return nil }
            return (life, close)
        }
        count(.deskClosed, "desk", closings.count)
        var distribution = Array(repeating: 0, count: 6)
        var scores: [Int] = []
        var onTime = 0
        for (life, close) in closings {
            let survey = close.change(of: "satisfaction")?.after ?? ""
            if survey == "unreachable" {
                distribution[0] += 1
            } else if let score = Int(survey.prefix(1)), (1...5).contains(score) {
                distribution[score] += 1
                scores.append(score)
            }
            if let resolved = life.events.last(where: { $0.kind == .resolved && $0.at <= close.at }),
               close.at.timeIntervalSince(resolved.at) <= 86_400 { onTime += 1 }
        }
        rate(.deskClosedWithSurvey, "desk", scores.count, closings.count)
        rate(.deskClosedOnTime, "desk", onTime, closings.count)
        let handovers = input.handovers.filter { inPeriod($0.from.start) }
        count(.deskHandovers, "desk", handovers.count)
        rate(.deskHandoversAsRules, "desk", handovers.filter(\.compliant).count, handovers.count)

        // First and second line.
        for line in [Role.l1, Role.l2] {
            let scope = line.rawValue
            let mine = periodEvents.filter { roles[$0.actor] == line }
            let accepted = mine.filter { [.taken, .escalated, .pended, .resolved, .sheetPrinted].contains($0.kind) }
            count(.lineTaken, scope, Set(accepted.map(\.ticket)).count)
            let resolutions = mine.filter { $0.kind == .resolved }
            count(.lineResolvedDirectly, scope, resolutions.count)
            let resolvedTickets = Set(resolutions.map(\.ticket))
            let late = lives.filter { resolvedTickets.contains($0.ticket.id) && sla($0).evaluation.resolution.breached }
            count(.linePastSLA, scope, late.count)
            count(.lineEscalatedOnward, scope, mine.filter { $0.kind == .escalated }.count)
            count(.lineSheetsPrinted, scope, mine.filter { $0.kind == .sheetPrinted }.count)
            let printedTickets = Set(input.events.filter { $0.kind == .sheetPrinted && roles[$0.actor] == line }.map(\.ticket))
            count(.lineSheetsSigned, scope, periodEvents.filter { $0.kind == .sheetSigned && printedTickets.contains($0.ticket) }.count)
            var rated = 0, passed = 0
            for (life, close) in closings {
                guard let resolver = life.events.last(where: { $0.kind == .resolved && $0.at <= close.at })?.actor,
                      roles[resolver] == line,
                      let score = Int((close.change(of: "satisfaction")?.after ?? "").prefix(1)), (1...5).contains(score) else { continue }
                rated += 1
                if score >= 4 { passed += 1 }
            }
            rate(.lineSatisfactionPassRate, scope, passed, rated)
        }

        // Incident manager.
        let imTouched = Set(periodEvents.filter { roles[$0.actor] == .im }.map(\.ticket))
        let handled = lives.filter { imTouched.contains($0.ticket.id) && ($0.ticket.priority == .major || sla($0).evaluation.resolution.breached) }
        count(.imMajorAndBreachedHandled, "im", handled.count)
        count(.imTurnedIntoProblems, "im", Set(periodEvents.filter { $0.kind == .problemLinked }.map(\.ticket)).count)
        count(.imBackfilled, "im", lives.filter { $0.ticket.backfilled && inPeriod($0.opened?.at ?? $0.ticket.openedAt) }.count)
        count(.imBypassedDesk, "im", lives.filter { $0.ticket.bypassedDesk && inPeriod($0.opened?.at ?? $0.ticket.openedAt) }.count)

        // Service KPIs.
        let responded = lives.filter { inPeriod($0.ticket.firstResponseAt) }
        rate(.responseCompliance, "all", responded.filter { !sla($0).evaluation.response.breached }.count, responded.count)
        let resolved = lives.filter { inPeriod($0.lastResolution?.at) }
        rate(.resolutionCompliance, "all", resolved.filter { !sla($0).evaluation.resolution.breached }.count, resolved.count)
        for priority in Priority.allCases {
            let hours = resolved.filter { $0.ticket.priority == priority }
                .compactMap { life in life.lastResolution.map { $0.at.timeIntervalSince(life.ticket.openedAt) / 3600 } }.sorted()
            let scope = "priority:\(priority.rawValue)"
            figures.append(KPIFigure(.meanTimeToResolve, scope, hours.isEmpty ? nil : hours.reduce(0, +) / Double(hours.count), denominator: hours.count))
            let median: Double? = hours.isEmpty ? nil
                : hours.count % 2 == 1 ? hours[hours.count / 2] : (hours[hours.count / 2 - 1] + hours[hours.count / 2]) / 2
            figures.append(KPIFigure(.medianTimeToResolve, scope, median, denominator: hours.count))
        }
        rate(.firstContactResolutionRate, "desk", firstContact.count, takenByDesk.count)
        rate(.reopenRate, "all", Set(periodEvents.filter { $0.kind == .reopened }.map(\.ticket)).count, resolved.count)
        let backlog = lives.filter { $0.stateAtEnd.isOpen }
        count(.backlog, "all", backlog.count)
        var aging = [0, 0, 0, 0]
        for life in backlog {
            let days = end.timeIntervalSince(life.ticket.openedAt) / 86_400
            aging[days < 1 ? 0 : days < 3 ? 1 : days < 7 ? 2 : 3] += 1
        }
        figures.append(KPIFigure(.satisfactionAverage, "all", scores.isEmpty ? nil : Double(scores.reduce(0, +)) / Double(scores.count),
                                 denominator: scores.count))
        count(.satisfactionRated, "all", scores.count)

        // Workload per operator.
        var work: [String: Workload] = [:]
        let names = Dictionary(input.operators.map { ($0.login, $0.name) }, uniquingKeysWith: { a, _ in a })
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
        var opened: [Priority: Int] = [:]
        for life in lives where inPeriod(life.opened?.at ?? life.ticket.openedAt) { opened[life.ticket.priority, default: 0] += 1 }

        self.figures = figures
        self.workload = work.values.sorted { ($0.total, $1.login) > ($1.total, $0.login) }
        var lines: [Role: Workload] = [:]
        for entry in work.values {
            guard let role = entry.role else { continue }
            var line = lines[role] ?? Workload(login: role.rawValue, name: role.rawValue, role: role)
            line.taken += entry.taken
            line.resolved += entry.resolved
            line.escalated += entry.escalated
            line.closed += entry.closed
            line.notes += entry.notes
            lines[role] = line
        }
        self.tierWorkload = [Role.desk, .l1, .l2, .im].map { lines[$0] ?? Workload(login: $0.rawValue, name: $0.rawValue, role: $0) }
        self.satisfactionDistribution = distribution
        self.backlogAging = aging
        self.openedByPriority = opened
    }
}
