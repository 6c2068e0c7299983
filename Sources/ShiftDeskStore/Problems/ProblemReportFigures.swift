import Foundation
import ShiftDeskCore

extension ReportLoader {
    /// Adds the problem-management figures (``ProblemKPIs``): every problem with its history up
    /// to the report's end, and the incidents the problems name, read by number.
    func addProblemFigures(_ report: inout KPIReport, _ accumulator: KPIAccumulator) async throws(StoreError) {
        let store = desk.store
        let window = accumulator.window
        let problems = try await store.problems()
        guard !problems.isEmpty else {
            report.addProblemFigures(problems: [], events: [], incidents: [], window: window, roles: accumulator.operatorRoles, policy: desk.policy)
            return
        }
        let events = try await store.problemEvents(from: Date(timeIntervalSince1970: 0), to: window.end)
        var linked: [TicketID] = []
        for problem in problems { linked += try await store.tickets(linkedTo: problem.id).map(\.id) }
        let numbers = ProblemKPIs.incidentsNeeded(events: events, linked: linked).map(\.number)
        var incidents: [ReportTicket] = []
        for start in stride(from: 0, to: numbers.count, by: Self.pageSize) {
            incidents += try await store.reportItems(Array(numbers[start..<min(numbers.count, start + Self.pageSize)]), until: window.end)
        }
        report.addProblemFigures(problems: problems, events: events, incidents: incidents, window: window,
                                 roles: accumulator.operatorRoles, policy: desk.policy)
    }
}
