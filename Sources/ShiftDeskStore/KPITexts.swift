import Foundation
import ShiftDeskCore
import Synchronization

/// The texts of KPI summaries (signatures, policy fingerprints) a store is known to keep under
/// their hash (`kpi_texts`), so that a write registers a text once per process rather than at
/// every write. Texts checked or added during a transaction are remembered only once it committed.
final class KPITexts: Sendable {
    /// What one transaction checked or added.
    final class Registry: Sendable {
        fileprivate let owner: KPITexts
        private let verified = Mutex<[Int64: String]>([:])

        fileprivate init(owner: KPITexts) { self.owner = owner }

        enum Check { case known, unknown, collides }

        func check(_ hash: Int64, _ text: String) -> Check {
            if let seen = verified.withLock({ $0[hash] }) ?? owner.known.withLock({ $0[hash] }) { return seen == text ? .known : .collides }
            return .unknown
        }

        func stored(_ hash: Int64, _ text: String) { verified.withLock { $0[hash] = text } }

        /// A transaction that is tried again starts afresh (what the failed attempt added is gone).
        func restart() { verified.withLock { $0.removeAll() } }

        fileprivate var checked: [Int64: String] { verified.withLock { $0 } }
    }

    fileprivate let known = Mutex<[Int64: String]>([:])

    /// Runs a write with a registry; what it checked is known from then on if it succeeded.
    func writing<T>(_ body: (Registry) async throws(StoreError) -> T) async throws(StoreError) -> T {
        let registry = Registry(owner: self)
        let value = try await body(registry)
        let checked = registry.checked
        if !checked.isEmpty {
            known.withLock { known in
                // Bounded: a process that meets very many signatures (an import) starts over.
                if known.count > 100_000 { known.removeAll() }
                known.merge(checked) { old, _ in old }
            }
        }
        return value
    }

    /// Every text a summary names: its policy's fingerprint and each piece's signature.
    static func texts(of summary: KPISummary) -> [(hash: Int64, text: String)] {
        [(KPISummary.hash(summary.policy), summary.policy)] + summary.pieces.map { (KPISummary.hash($0.signature), $0.signature) }
    }
}

/// How both backends find the summary rows a report needs without reading the desk's whole past.
enum KPISummaryRows {
    /// Spans longer than this (30 days, in milliseconds), every incident without a summary and
    /// every incident open at the end of its span are indexed apart (`kpi_summaries_lasting`).
    /// Any other row starting more than this before a report's window (before the earlier of its
    /// start and end) ended before both, closed: it counts in no figure.
    static let lastingSpan: Int64 = 30 * 86_400_000

    /// The condition of the `kpi_summaries_lasting` index, as both schemas and the queries write it
    /// (the queries must repeat it word for word for the index to serve them).
    static func lasting(backlog: String) -> String { "signature = 0 OR \(backlog) OR span_end - span_start > \(lastingSpan)" }

    /// Where the rows that may concern a window start: `Millis.threshold` of the earlier of its
    /// start and end, less ``lastingSpan``.
    static func recentFrom(_ window: KPIWindow) -> Int64 {
        let earlier = min(Millis.threshold(window.start), Millis.threshold(window.end))
        return earlier > Int64.min + lastingSpan ? earlier - lastingSpan : Int64.min
    }
}
