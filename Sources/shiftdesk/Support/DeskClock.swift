import Foundation
import ShiftDeskCore
import ShiftDeskStore
import Synchronization

/// The clock of every command without `--now`: the wall clock, or on a drill desk the drill's
/// simulated time (``DrillTimeline``), read from the desk when the command opens it, so every
/// seat, escalator and report on a drill desk lives in the drill's day.
final class DeskClock: Clock {
    private let timeline = Mutex<DrillTimeline?>(nil)

    func now() -> Date {
        let real = Date()
        return timeline.withLock { $0?.simulated(at: real) } ?? real
    }

    var following: DrillTimeline? { timeline.withLock { $0 } }

    func follow(_ drill: DrillTimeline?) { timeline.withLock { $0 = drill } }

    /// Follows the drill of `store`'s desk, if it has one running. SQLite: read synchronously, as
    /// the command opens the desk; PostgreSQL follows in ``follow(opened:)``, once it is reachable.
    func follow(_ store: any Store) {
        guard let sqlite = store as? SQLiteStore, let text = sqlite.settingNow(DrillTimeline.settingKey) else { return }
        follow(DrillTimeline(settingText: text))
    }

    /// Follows the drill of a PostgreSQL desk (its setting read over the connection).
    func follow(opened store: any Store) async throws(StoreError) {
        guard store is PostgresStore, following == nil,
              let text = try await store.setting(DrillTimeline.settingKey) else { return }
        follow(DrillTimeline(settingText: text))
    }
}
