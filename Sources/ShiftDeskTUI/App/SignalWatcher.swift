import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT/SIGTERM/SIGHUP into a flag the runner checks each loop.
///
/// The default action is ignored while watching and the signal is delivered
/// to a DispatchSource on a background queue, whose handler only sets the
/// flag: nothing touches ncurses outside the runner's thread.
final class SignalWatcher {
    static let watchedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private final class Flag: Sendable {
        let received = Mutex<Int32?>(nil)
    }

    private let flag = Flag()
    private var sources: [any DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "shiftdesk.signals")

    func start() {
        for number in Self.watchedSignals {
            _ = signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            let flag = self.flag
            source.setEventHandler {
                flag.received.withLock { current in
                    if current == nil { current = number }
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var received: Int32? { flag.received.withLock { $0 } }

    func stop() {
        for source in sources { source.cancel() }
        sources = []
        for number in Self.watchedSignals { _ = signal(number, SIG_DFL) }
    }
}
