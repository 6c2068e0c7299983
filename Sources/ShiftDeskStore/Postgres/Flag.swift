import Synchronization

/// A flag raised on one thread and read on another (postgres-nio's event loop and the polls,
/// a lease and its deadline).
final class Flag: Sendable {
    private let raised = Mutex(false)
    func raise() { raised.withLock { $0 = true } }
    var isRaised: Bool { raised.withLock { $0 } }
    /// Reads and lowers it.
    func take() -> Bool { raised.withLock { value in defer { value = false }; return value } }
}
