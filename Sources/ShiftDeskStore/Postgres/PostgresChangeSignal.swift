import Foundation
import PostgresNIO
import Synchronization

/// `LISTEN shiftdesk_events` on a connection of its own. Every table a console shows notifies
/// that channel on commit (see `PostgresSchema`).
///
/// A poll runs one tiny query on the listening connection: the server sends the notifications
/// of everything committed before that query ahead of its answer, and postgres-nio hands them
/// to the handler on its event loop in wire order, so when the answer is back the flag is
/// already set — a write that returned before the poll is always seen by it.
///
/// When the connection is lost (the server restarted), the next poll connects and listens
/// again, and answers true: the console re-reads the change feed from the last event it saw.
/// While the server stays unreachable, poll throws the usual "cannot reach" error.
final class PostgresChangeSignal: ChangeSignal {
    private let listener: PostgresListener

    init(location: PostgresLocation, logger: Logger) {
        listener = PostgresListener(location: location, logger: logger)
    }

    func poll() async throws(StoreError) -> Bool {
        try await listener.poll()
    }
}

actor PostgresListener {
    private let location: PostgresLocation
    private let logger: Logger
    private let flag = Flag()
    private var connection: PostgresConnection?
    private var listening: PostgresListenContext?
    private var polled = false
    /// The connection was lost since the last answer: the next successful poll answers true.
    private var lost = false

    init(location: PostgresLocation, logger: Logger) {
        self.location = location
        self.logger = logger
    }

    deinit {
        listening?.stop()
        if let connection { Self.close(connection) }
    }

    /// Closes without waiting, keeping the connection alive until it is closed (postgres-nio
    /// asserts that a connection is closed before it goes away).
    static func close(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    func poll() async throws(StoreError) -> Bool {
        if let connection, !connection.isClosed {
            do {
                try await sync(connection)
                return answer()
            } catch {
                drop()
            }
        } else if connection != nil {
            drop()
        }
        try await listen()
        return answer()
    }

    private func answer() -> Bool {
        let arrived = flag.take()
        defer { polled = true; lost = false }
        guard polled else { return false }
        return arrived || lost
    }

    private func drop() {
        listening?.stop()
        listening = nil
        if let connection { Self.close(connection) }
        connection = nil
        lost = polled
    }

    private func listen() async throws(StoreError) {
        let connection = try await PostgresStore.connect(location, logger: logger)
        let flag = self.flag
        // The handler registers first; postgres-nio sends LISTEN before any later query.
        let context = connection.addListener(channel: PostgresSchema.channel) { _, _ in flag.raise() }
        do {
            try await sync(connection)
        } catch {
            context.stop()
            Self.close(connection)
            throw PostgresErrors.map(error, location)
        }
        self.connection = connection
        listening = context
    }

    private func sync(_ connection: PostgresConnection) async throws {
        _ = try await connection.query("SELECT 1", logger: logger).collect()
    }
}
