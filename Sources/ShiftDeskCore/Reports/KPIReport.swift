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
    /// Every policy version with the instant it took force; `policy` throughout unless given.
    public var policies: PolicyTimeline
    /// When the report is made: a period not yet over is judged as of now, not as of its end.
    public var now: Date?
    /// The problems and their histories, for the problem-management figures (``ProblemKPIs``).
    public var problems: [Problem] = []
    public var problemEvents: [ProblemEvent] = []

    public init(tickets: [Ticket], events: [TicketEvent], operators: [Operator], handovers: [Handover],
                firedSteps: [TicketID: [FiredStep]] = [:], calls: [TicketID: [OutboxMessage]] = [:], policy: SLAPolicy,
                now: Date? = nil, policies: PolicyTimeline? = nil) {
        self.now = now
        self.tickets = tickets
        self.events = events
        self.operators = operators
        self.handovers = handovers
        self.firedSteps = firedSteps
        self.calls = calls
        self.policy = policy
        self.policies = policies ?? PolicyTimeline(policy)
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
public struct KPIReport: Sendable, Equatable {
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
    /// The event chain's head when the report was read (printed by every format); nil when the
    /// report was made without a store.
    public var chainHead: ChainHead?
    /// The SLA policy versions in force during the period and the one the figures were computed
    /// with (printed by every format); nil when the report was made without a policy record.
    public var policyVersions: ReportPolicyVersions?
    /// For a period whose report was delivered: the latest delivery and the figures that moved
    /// since (printed by every format); nil when the period was never delivered.
    public var sinceDelivery: DeliveryComparison?

    public func figure(_ kpi: KPI, _ scope: String) -> KPIFigure? {
        figures.first { $0.kpi == kpi && $0.scope == scope }
    }

    public func value(_ kpi: KPI, _ scope: String) -> Double? { figure(kpi, scope)?.value }

    init(period: ReportPeriod, figures: [KPIFigure], workload: [Workload], tierWorkload: [Workload], satisfactionDistribution: [Int],
         backlogAging: [Int], openedByPriority: [Priority: Int]) {
        self.period = period
        self.figures = figures
        self.workload = workload
        self.tierWorkload = tierWorkload
        self.satisfactionDistribution = satisfactionDistribution
        self.backlogAging = backlogAging
        self.openedByPriority = openedByPriority
    }

    /// The report over a record held in memory; ``KPIAccumulator`` does the work, incident by
    /// incident, as it does for the store read page by page (``ReportLoader``).
    public init(period: ReportPeriod, input: ReportInput) {
        var accumulator = KPIAccumulator(period: period, operators: input.operators, policies: input.policies, now: input.now)
        var events: [TicketID: [TicketEvent]] = [:]
        for event in input.events { events[event.ticket, default: []].append(event) }
        for ticket in input.tickets {
            accumulator.add(ReportTicket(ticket: ticket, events: events[ticket.id] ?? [], fired: input.firedSteps[ticket.id] ?? [],
                                         calls: input.calls[ticket.id] ?? []))
        }
        self = accumulator.report(handovers: input.handovers)
        let linked = Set(ProblemKPIs.incidentsNeeded(events: input.problemEvents, linked: input.tickets.filter { $0.problem != nil }.map(\.id)))
        let incidents = input.tickets.filter { linked.contains($0.id) }.map { ReportTicket(ticket: $0, events: events[$0.id] ?? []) }
        addProblemFigures(problems: input.problems, events: input.problemEvents, incidents: incidents, window: accumulator.window,
                          roles: accumulator.roles, policy: input.policy)
    }

    /// Adds the problem-management figures (``ProblemKPIs``) to a report made of the incidents.
    public mutating func addProblemFigures(problems: [Problem], events: [ProblemEvent], incidents: [ReportTicket], window: KPIWindow,
                                           roles: [String: Role], policy: SLAPolicy) {
        let firstContact = Int(value(.deskResolvedAtFirstContact, "desk") ?? 0)
        figures.removeAll { ProblemKPIs.kpis.contains($0.kpi) }
        figures += ProblemKPIs.figures(window: window, problems: problems, events: events, incidents: incidents,
                                       firstContact: firstContact, roles: roles, policy: policy)
    }
}

extension KPIReport {
    /// What differs from `other`, one line per figure or table (empty when they are equal): for
    /// tests and benchmarks that compare two ways of making a report.
    public func differences(from other: KPIReport) -> [String] {
        var lines: [String] = []
        if period != other.period { lines.append("period \(period) vs \(other.period)") }
        let theirs = Dictionary(other.figures.map { ("\($0.kpi.rawValue) \($0.scope)", $0) }, uniquingKeysWith: { a, _ in a })
        for figure in figures {
            let key = "\(figure.kpi.rawValue) \(figure.scope)"
            guard let twin = theirs[key] else { lines.append("\(key) missing from the other"); continue }
            if figure != twin {
                lines.append("\(key): \(figure.value.map { "\($0)" } ?? "-") (\(figure.numerator ?? -1)/\(figure.denominator ?? -1))"
                    + " vs \(twin.value.map { "\($0)" } ?? "-") (\(twin.numerator ?? -1)/\(twin.denominator ?? -1))")
            }
        }
        if figures.count != other.figures.count { lines.append("\(figures.count) figures vs \(other.figures.count)") }
        if workload != other.workload { lines.append("workload \(workload.map { "\($0.login):\($0.total)" }) vs \(other.workload.map { "\($0.login):\($0.total)" })") }
        if tierWorkload != other.tierWorkload { lines.append("workload per line differs") }
        if satisfactionDistribution != other.satisfactionDistribution {
            lines.append("satisfaction \(satisfactionDistribution) vs \(other.satisfactionDistribution)")
        }
        if backlogAging != other.backlogAging { lines.append("aging \(backlogAging) vs \(other.backlogAging)") }
        if openedByPriority != other.openedByPriority { lines.append("opened \(openedByPriority) vs \(other.openedByPriority)") }
        return lines
    }
}

/// Which SLA policy versions a report concerns: those in force at some instant of its period
/// (each with the instant it came into force), and the one its figures were computed with.
public struct ReportPolicyVersions: Sendable, Equatable {
    public struct InForce: Sendable, Equatable {
        public var version: String
        /// Nil for the desk's first version (in force from the beginning).
        public var from: Date?

        public init(version: String, from: Date?) {
            self.version = version
            self.from = from
        }
    }

    public var inForce: [InForce]
    public var computedWith: String

    public init(inForce: [InForce], computedWith: String) {
        self.inForce = inForce
        self.computedWith = computedWith
    }

    /// The versions of `timeline` in force during `period`. The figures judge each deadline under
    /// the version in force when it was reached (``PolicyTimeline``): computed with every version
    /// in force over the part of the period the report covers (up to `now`).
    public init(_ timeline: PolicyTimeline, period: ReportPeriod, now: Date) {
        let first = timeline.entries.first?.version
        inForce = timeline.entries(during: period.interval.start, period.interval.end).map { entry in
            InForce(version: entry.version.description, from: entry.version == first ? nil : entry.from)
        }
        let end = min(period.interval.end, now)
        let used = end > period.interval.start ? timeline.entries(during: period.interval.start, end) : []
        let names = used.isEmpty ? [timeline.entry(at: now)?.version.description ?? "built-in"] : used.map(\.version.description)
        computedWith = names.joined(separator: ", ")
    }

    /// The report's versions when the desk has a policy record; nil otherwise.
    public static func of(_ timeline: PolicyTimeline, period: ReportPeriod, now: Date) -> ReportPolicyVersions? {
        timeline.entries.isEmpty ? nil : ReportPolicyVersions(timeline, period: period, now: now)
    }
}
