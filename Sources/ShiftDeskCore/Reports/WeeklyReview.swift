import Foundation

/// What the incident manager reviews every weekend (duty 3 and 4 of ROLES.md): the week's
/// incidents with their trend, those not fixed at the root, the recurring ones, and those
/// back-filled or logged around the desk.
public struct WeeklyReview: Sendable {
    /// What the week is compared with: the mean of this many previous weeks.
    public static let previousWeeks = 4

    public enum Dimension: String, Sendable, CaseIterable {
        case priority, category, service, tier

        public func label(_ l: Language) -> String {
            switch self {
            case .priority: l.pick(en: "priority", zh: "优先级")
            case .category: l.pick(en: "category", zh: "类别")
            case .service: l.pick(en: "service", zh: "受影响服务")
            case .tier: l.pick(en: "line", zh: "处理层级")
            }
        }
    }

    /// One value of a dimension: incidents opened this week against the mean of the previous weeks.
    public struct Trend: Sendable, Hashable {
        public var dimension: Dimension
        /// `major`, `l1`, or the category/service as written (`—` when none).
        public var key: String
        public var thisWeek: Int
        /// Incidents per previous week, most recent first (``WeeklyReview/previousWeeks`` values).
        public var previous: [Int]
        public var previousMean: Double { previous.isEmpty ? 0 : Double(previous.reduce(0, +)) / Double(previous.count) }
        /// This week minus the mean of the previous weeks.
        public var change: Double { Double(thisWeek) - previousMean }
    }

    /// Why an incident of the week is not fixed at the root.
    public enum RootCause: String, Sendable, Hashable {
        /// Reopened during the week.
        case reopened
        /// Its last resolution (in the week) was a workaround.
        case workaround
    }

    public struct NotFixed: Sendable, Hashable {
        public var ticket: Ticket
        public var reasons: [RootCause]
    }

    public var period: ReportPeriod
    /// Incidents opened in the week, oldest first.
    public var incidents: [Ticket]
    /// Per dimension, values ordered by this week's count (then by key).
    public var trends: [Trend]
    public var notFixedAtRoot: [NotFixed]
    public var clusters: [IncidentCluster]
    /// Flagged back-filled, logged or opened in the week.
    public var backfilled: [Ticket]
    /// Flagged as having bypassed the desk, logged or opened in the week.
    public var bypassedDesk: [Ticket]
    public var problems: [ProblemID: Problem]
    /// Problems neither resolved nor closed (as they stand now) that were raised more than
    /// ``problemOverdueAge`` before the week's end, oldest first: the incident manager follows
    /// them to resolution (ROLES.md, incident manager 3).
    public var problemsOpenTooLong: [Problem]
    /// How long a problem may stay open before the review lists it: 30 days.
    public static let problemOverdueAge: TimeInterval = 30 * 86_400

    public func trends(_ dimension: Dimension) -> [Trend] { trends.filter { $0.dimension == dimension } }

    /// - Parameters:
    ///   - tickets: every incident opened from ``previousWeeks`` weeks before the week to its end
    ///     (others are ignored), as they stand now.
    ///   - events: the events of the week (others are ignored).
    public init(week: ReportPeriod, tickets: [Ticket], events: [TicketEvent], problems: [Problem] = []) {
        period = week
        let start = week.interval.start
        let end = week.interval.end
        let weekLength = end.timeIntervalSince(start)
        let weekEvents = events.filter { week.contains($0.at) }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        var logged: [TicketID: Date] = [:]
        for event in weekEvents where event.kind == .opened || event.kind == .imported { logged[event.ticket] = event.at }
        let inWeek = tickets.filter { week.contains($0.openedAt) }.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
        incidents = inWeek

        // Previous weeks: [start - k·week, start - (k-1)·week), k = 1…4 (a week is 7 days of
        // wall-clock time; a DST shift moves its edges by an hour, which does not matter here).
        func weekIndex(_ date: Date) -> Int? {
            if week.contains(date) { return 0 }
            guard date < start else { return nil }
            let k = Int((start.timeIntervalSince(date) / weekLength).rounded(.up))
            return k <= Self.previousWeeks ? k : nil
        }
        func keys(_ ticket: Ticket, _ dimension: Dimension) -> String {
            switch dimension {
            case .priority: return ticket.priority.rawValue
            case .tier: return ticket.tier.rawValue
            case .category: return Self.label(ticket.category)
            case .service: return Self.label(ticket.affectedService)
            }
        }
        var trends: [Trend] = []
        for dimension in Dimension.allCases {
            var counts: [String: [Int]] = [:]
            for ticket in tickets {
                guard let index = weekIndex(ticket.openedAt) else { continue }
                counts[keys(ticket, dimension), default: Array(repeating: 0, count: Self.previousWeeks + 1)][index] += 1
            }
            let ordered: [String]
            switch dimension {
            case .priority: ordered = Priority.allCases.map(\.rawValue)
            case .tier: ordered = Tier.allCases.map(\.rawValue)
            default: ordered = counts.keys.sorted { (counts[$0]?[0] ?? 0, $1) > (counts[$1]?[0] ?? 0, $0) }
            }
            for key in ordered {
                let row = counts[key] ?? Array(repeating: 0, count: Self.previousWeeks + 1)
                trends.append(Trend(dimension: dimension, key: key, thisWeek: row[0], previous: Array(row.dropFirst())))
            }
        }
        self.trends = trends

        let byID = Dictionary(tickets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var reasons: [TicketID: [RootCause]] = [:]
        var lastResolution: [TicketID: TicketEvent] = [:]
        var order: [TicketID] = []
        for event in weekEvents {
            switch event.kind {
            case .reopened:
                if reasons[event.ticket] == nil { order.append(event.ticket) }
                if !(reasons[event.ticket] ?? []).contains(.reopened) { reasons[event.ticket, default: []].append(.reopened) }
            case .resolved: lastResolution[event.ticket] = event
            default: break
            }
        }
        for (id, event) in lastResolution.sorted(by: { ($0.value.at, $0.key) < ($1.value.at, $1.key) }) where event.isWorkaround {
            if reasons[id] == nil { order.append(id) }
            reasons[id, default: []].append(.workaround)
        }
        notFixedAtRoot = order.compactMap { id in byID[id].map { NotFixed(ticket: $0, reasons: reasons[id] ?? []) } }

        clusters = IncidentCluster.find(in: inWeek)
        func flaggedInWeek(_ ticket: Ticket) -> Bool { week.contains(ticket.openedAt) || logged[ticket.id] != nil }
        let flaggedCandidates = tickets.filter(flaggedInWeek).sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
        backfilled = flaggedCandidates.filter(\.backfilled)
        bypassedDesk = flaggedCandidates.filter(\.bypassedDesk)
        self.problems = Dictionary(problems.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        problemsOpenTooLong = problems.filter { $0.state.isOpen && end.timeIntervalSince($0.raisedAt) > Self.problemOverdueAge }
            .sorted { ($0.raisedAt, $0.id) < ($1.raisedAt, $1.id) }
    }

    /// A category or service as a trend key; `—` for none.
    static func label(_ text: String?) -> String {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "—" : trimmed
    }

    /// The week before or after `week` (`offset` weeks away).
    public static func week(_ week: ReportPeriod, offset: Int) -> ReportPeriod {
        let middle = week.interval.start.addingTimeInterval(3.5 * 86_400 + Double(offset) * 7 * 86_400)
        return ReportPeriod.containing(middle, kind: .week, timeZone: week.timeZone) ?? week
    }

    /// From when tickets are needed for the review of `week`.
    public static func earliestNeeded(for week: ReportPeriod) -> Date {
        week.interval.start.addingTimeInterval(-Double(previousWeeks) * 7 * 86_400)
    }
}
