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
