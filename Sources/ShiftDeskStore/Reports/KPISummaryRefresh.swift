import Foundation
import ShiftDeskCore

extension Desk {
    /// Makes afresh every KPI summary a report could not use: incidents without one (written
    /// before schema v7, or by a path that brings none), judged by another policy, or with a
    /// role that changed since. Reads and writes `batch` incidents at a time; a ticket changed
    /// meanwhile keeps the summary its own write made. Returns how many were made.
    @discardableResult
    public func refreshKPISummaries(batch: Int = 2_000, progress: (_ done: Int) -> Void = { _ in }) async throws(StoreError) -> Int {
        let policyHash = KPISummary.hash(policyFingerprint)
        let roles = try await rolesNow()
        var accepted: [Int64: Bool] = [:]
        var made = 0
        var after: Int64 = 0
        while true {
            let states = try await store.kpiSummaryStates(after: after, limit: batch)
            guard let last = states.last else { break }
            after = last.ticket
            let unseen = Set(states.flatMap(\.signatures)).filter { $0 != 0 && accepted[$0] == nil }
            if !unseen.isEmpty {
                let texts = try await store.kpiTexts(Array(unseen))
                for hash in unseen {
                    accepted[hash] = texts[hash].flatMap(KPISignature.init(text:))?.holds(policy: policyHash, roles: roles) ?? false
                }
            }
            let stale = states.filter { state in
                !state.isSummarised || state.policy != policyHash || state.signatures.contains { accepted[$0] != true }
            }.map(\.ticket)
            guard !stale.isEmpty else { continue }
            let items = try await store.reportItems(stale, until: .distantFuture)
            made += try await store.setKPISummaries(summaryWrites(items, roles: roles))
            progress(made)
        }
        return made
    }

    /// How many summaries the sweep writes in one transaction (see `summariseAwaiting`).
    static let summariesPerTransaction = 20

    /// Makes the KPI summaries the writes since the last sweep left to it (a write plans from the
    /// ticket's clock and does not read the history a summary needs), `batch` incidents at a
    /// time and at most `limit` per call, so that a sweep stays short. A ticket changed meanwhile
    /// waits for the next sweep. Returns how many were made.
    @discardableResult
    public func summariseAwaiting(batch: Int = 500, limit: Int = 10_000) async throws(StoreError) -> Int {
        var after: Int64 = 0
        var roles: [String: Role]?
        var made = 0
        var seen = 0
        while seen < limit {
            let tickets = try await store.ticketsAwaitingSummary(after: after, limit: min(batch, limit - seen))
            guard let last = tickets.last else { break }
            after = last
            seen += tickets.count
            let judgedWith: [String: Role]
            if let roles { judgedWith = roles } else { judgedWith = try await rolesNow() }
            roles = judgedWith
            let writes = summaryWrites(try await store.reportItems(tickets, until: .distantFuture), roles: judgedWith)
            // These are the tickets seats are working on now: a write of one waits while its
            // summary is written (PostgreSQL locks the ticket's row, SQLite the file), so the
            // summaries go in small transactions rather than one of the whole batch.
            for start in stride(from: 0, to: writes.count, by: Self.summariesPerTransaction) {
                made += try await store.setKPISummaries(Array(writes[start..<min(start + Self.summariesPerTransaction, writes.count)]))
            }
        }
        return made
    }
}
