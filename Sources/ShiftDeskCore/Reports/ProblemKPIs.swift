import Foundation

/// The problem-management figures of a report (``KPI``'s `problem.*` and `known_error.*`),
/// computed from the problems and their histories and the incidents linked to them. Problems are
/// few beside incidents: the whole lot is read at once, not page by page.
public enum ProblemKPIs {
    /// The figures this type makes.
    public static let kpis: Set<KPI> = [.problemsRaised, .problemsByStateAtEnd, .problemMedianHoursToRootCause, .problemMedianHoursToResolution,
                                        .knownErrorResolutions, .knownErrorShareOfFirstContact, .problemFixRecurred]

    /// - Parameters:
    ///   - window: what the report covers (its period's start to its end, or now).
    ///   - problems: every problem (those raised after the window are ignored).
    ///   - events: the problems' histories (events after the window's end are ignored).
    ///   - incidents: every incident a problem event names, or that is linked to a problem, with
    ///     its events; others may be given and are ignored unless resolved by a known error.
    ///   - firstContact: the desk's resolutions at first contact in the window
    ///     (`desk.resolved_first_contact`), the denominator of the known error's share.
    public static func figures(window: KPIWindow, problems: [Problem], events: [ProblemEvent], incidents: [ReportTicket],
                               firstContact: Int, roles: [String: Role], policy: SLAPolicy) -> [KPIFigure] {
        func inWindow(_ date: Date) -> Bool { window.start <= date && date < window.end }
        var history: [ProblemID: [ProblemEvent]] = [:]
        for event in events where event.at < window.end { history[event.problem, default: []].append(event) }
        for id in history.keys { history[id]?.sort { ($0.at, $0.id) < ($1.at, $1.id) } }

        var figures: [KPIFigure] = []
        // Raised, and their states at the window's end.
        let raised = problems.filter { inWindow($0.raisedAt) }
        figures.append(KPIFigure(.problemsRaised, "problems", Double(raised.count)))
        var byState: [ProblemState: Int] = [:]
        for problem in raised {
            var state = ProblemState.new
            for event in history[problem.id] ?? [] {
                if let after = event.change(of: "state")?.after.flatMap(ProblemState.init(stored:)) { state = after }
            }
            byState[state, default: 0] += 1
        }
        figures.append(KPIFigure(.problemsByStateAtEnd, "problems", Double(byState.filter { $0.key.isOpen }.values.reduce(0, +))))
        for state in ProblemState.allCases {
            figures.append(KPIFigure(.problemsByStateAtEnd, "state:\(state.rawValue)", Double(byState[state] ?? 0)))
        }

        // Raising to root cause (the first fix started) and to resolution (the last in the window).
        var toCause: [Double] = [], toResolution: [Double] = []
        var fixedAt: [ProblemID: Date] = [:]
        for problem in problems {
            let steps = history[problem.id] ?? []
            if let cause = steps.first(where: { $0.kind == .fixStarted }), inWindow(cause.at) {
                toCause.append(cause.at.timeIntervalSince(problem.raisedAt) / 3600)
            }
            if let resolution = steps.last(where: { $0.kind == .resolved && inWindow($0.at) }) {
                toResolution.append(resolution.at.timeIntervalSince(problem.raisedAt) / 3600)
                if resolution.change(of: "resolution")?.after == ProblemResolution.fixApplied.rawValue { fixedAt[problem.id] = resolution.at }
            }
        }
        figures.append(KPIFigure(.problemMedianHoursToRootCause, "problems", median(toCause), denominator: toCause.count))
        figures.append(KPIFigure(.problemMedianHoursToResolution, "problems", median(toResolution), denominator: toResolution.count))

        // Incidents resolved by a known error, and those of them that were the desk's first contact.
        var knownError = 0, knownErrorFirstContact = 0
        var seen = Set<TicketID>()
        for item in incidents where seen.insert(item.ticket.id).inserted {
            let ordered = item.events.filter { $0.at < window.end }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
            guard let last = ordered.last(where: { $0.kind == .resolved && inWindow($0.at) }) else { continue }
            if last.resolutionKind == .knownError { knownError += 1 }
            if ordered.first(where: { $0.kind == .resolved })?.resolutionKind == .knownError {
                let share = KPIAccumulator.contribution(of: ReportTicket(ticket: item.ticket, events: ordered), start: window.start,
                                                        end: window.end, roles: roles, policy: policy).contribution
                if share.firstContact > 0 { knownErrorFirstContact += 1 }
            }
        }
        figures.append(KPIFigure(.knownErrorResolutions, "problems", Double(knownError)))
        figures.append(KPIFigure(.knownErrorShareOfFirstContact, "problems",
                                 firstContact == 0 ? nil : 100 * Double(knownErrorFirstContact) / Double(firstContact),
                                 numerator: knownErrorFirstContact, denominator: firstContact))

        // Incidents that came back after a fix: opened, linked or reopened after it.
        let byTicket = Dictionary(incidents.map { ($0.ticket.id, $0) }, uniquingKeysWith: { a, _ in a })
        var recurred = Set<TicketID>()
        for (id, fixed) in fixedAt {
            var linked: [TicketID: Date] = [:]
            for event in history[id] ?? [] where event.kind == .raised || event.kind == .incidentLinked {
                for ticket in event.incidents { linked[ticket] = max(linked[ticket] ?? .distantPast, event.at) }
            }
            for item in incidents where item.ticket.problem == id && linked[item.ticket.id] == nil { linked[item.ticket.id] = .distantPast }
            for (ticket, linkedAt) in linked {
                let reopenedAfter = byTicket[ticket]?.events.contains { $0.kind == .reopened && $0.at > fixed && $0.at < window.end } ?? false
                let openedAfter = byTicket[ticket].map { $0.ticket.openedAt > fixed && $0.ticket.openedAt < window.end } ?? false
                if (linkedAt > fixed && linkedAt < window.end) || reopenedAfter || openedAfter { recurred.insert(ticket) }
            }
        }
        figures.append(KPIFigure(.problemFixRecurred, "problems", Double(recurred.count)))
        return figures
    }

    /// The incidents a report's problem figures read: those named by a problem event before
    /// `end`, or linked to a problem.
    public static func incidentsNeeded(events: [ProblemEvent], linked: [TicketID]) -> [TicketID] {
        Array(Set(events.flatMap(\.incidents) + linked)).sorted()
    }

    static func median(_ values: [Double]) -> Double? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
