import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// Writes a desk's tickets with their whole histories as CSV, JSON (ShiftDesk's own format, for
/// `import --format csv|json`) or XES (for process-mining tools), streaming ticket by ticket.
public struct Exporter: Sendable {
    /// The setting holding this desk's id: what `shiftdesk:DESK:INC-000123` source keys name.
    public static let deskIDKey = "desk.id"

    public let store: any Store

    public init(store: any Store) { self.store = store }

    /// This desk's id, made once (8 hex digits) and kept in the database.
    public func deskID() async throws(StoreError) -> String {
        if let id = try await store.setting(Self.deskIDKey) { return id }
        let id = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8)).lowercased()
        try await store.setSetting(Self.deskIDKey, to: id)
        return try await store.setting(Self.deskIDKey) ?? id
    }

    /// Writes every ticket opened in `opened` (all when nil); returns how many tickets and events.
    @discardableResult
    public func write(_ format: ExportFormat, opened: DateInterval?, logName: String = "ShiftDesk",
                      to sink: (String) throws -> Void) async throws -> (tickets: Int, events: Int) {
        let desk = try await deskID()
        let histories = try await store.histories(opened: opened)
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        func emit(_ text: String) throws {
            buffer += text
            if buffer.utf8.count >= 1 << 20 {
                try sink(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        var events = 0
        switch format {
        case .csv:
            try emit(DeskExport.csvHeader)
            for history in histories { try emit(DeskExport.csvLines(history, desk: desk)) }
        case .json:
            // Problems (raised in the period, when one is given) travel with their whole history.
            let problems = try await store.problems().filter { problem in opened.map { $0.start <= problem.raisedAt && problem.raisedAt < $0.end } ?? true }
            try emit(problems.isEmpty ? DeskExport.jsonOpening : DeskExport.jsonOpeningWithProblems)
            for (index, history) in histories.enumerated() {
                try emit((index == 0 ? "" : ",\n") + DeskExport.jsonTicket(history, desk: desk))
            }
            if !problems.isEmpty {
                var ticketKeys: [TicketID: String] = [:]
                for history in histories { ticketKeys[history.ticket.id] = DeskExport.origin(of: history.ticket, desk: desk) }
                let all = try await store.problems()
                let problemKeys = Dictionary(all.map { ($0.id, DeskExport.origin(of: $0, desk: desk)) }, uniquingKeysWith: { a, _ in a })
                try emit(DeskExport.jsonProblemsOpening)
                for (index, problem) in problems.enumerated() {
                    let events = try await store.problemEvents(of: problem.id)
                    try emit((index == 0 ? "" : ",\n") + DeskExport.jsonProblem(
                        problem, events: events, desk: desk, problemKey: { problemKeys[$0] ?? "shiftdesk:\(desk):\($0)" },
                        ticketKey: { ticketKeys[$0] ?? "shiftdesk:\(desk):\($0)" }))
                }
            }
            try emit(DeskExport.jsonClosing)
        case .xes:
            try emit(XESWriter.opening(logName: logName))
            for history in histories { try emit(XESWriter.trace(history, desk: desk)) }
            try emit(XESWriter.closing)
        }
        for history in histories { events += history.events.count }
        if !buffer.isEmpty { try sink(buffer) }
        return (histories.count, events)
    }
}
