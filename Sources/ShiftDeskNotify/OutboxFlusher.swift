import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// Delivers the outbox's due e-mails. Each message is leased before it is sent, so several
/// flushers (consoles, `notify flush`, the escalator) never send one message twice; a failure
/// stays queued with its error and is retried with back-off.
public struct OutboxFlusher: Sendable {
    public struct Report: Sendable, Hashable {
        public var delivered: [Int64] = []
        public var failed: [Failure] = []

        public struct Failure: Sendable, Hashable {
            public var message: Int64
            public var address: String
            public var error: String
            public var retryAt: Date
        }
    }

    public let store: any Store
    public let transport: any MailTransport
    public let from: String
    public let clock: any Clock
    /// The notification roster in force when a message is sent (the approved policy's
    /// `[roster]`, else `[notify.roles]`): a message to a role is addressed then, so an address
    /// given since it was queued counts.
    public let roster: @Sendable () -> RecipientDirectory
    /// How long a claimed message is reserved for this flusher: long enough for one sendmail
    /// hand-off, short enough that mail claimed by a flusher that died goes out soon after.
    public var lease: TimeInterval = 20

    public init(store: any Store, transport: any MailTransport, from: String, clock: any Clock,
                directory: RecipientDirectory = RecipientDirectory()) {
        self.init(store: store, transport: transport, from: from, clock: clock, roster: { directory })
    }

    public init(store: any Store, transport: any MailTransport, from: String, clock: any Clock,
                roster: @escaping @Sendable () -> RecipientDirectory) {
        self.roster = roster
        self.store = store
        self.transport = transport
        self.from = from
        self.clock = clock
    }

    /// 1 min after the first failure, then doubling, at most an hour.
    public static func backoff(afterAttempts attempts: Int) -> TimeInterval {
        min(3600, 60 * pow(2, Double(max(0, min(attempts, 12) - 1))))
    }

    public func flush(limit: Int = 200) async throws(StoreError) -> Report {
        var report = Report()
        let now = clock.now()
        let batch = try await store.claimMail(dueBy: now, leaseUntil: now.addingTimeInterval(lease), limit: limit)
        for var message in batch {
            do {
                if let login = message.recipientLogin {
                    // Addressed now, from the roster in force: an address given since the message was queued counts.
                    guard let address = try await store.findOperator(login: login)?.email else {
                        throw DeliveryFailure("no e-mail address on record for \(login) (operator edit \(login) --email ADDR)")
                    }
                    message.address = address
                }
                if message.recipientLogin == nil, let role = message.recipientRole, !message.address.contains("@") {
                    // Queued while the role had no address (or addressed to the role itself): the roster in force now decides.
                    let addresses = (roster().addresses[role] ?? []).filter { $0.contains("@") }
                    if !addresses.isEmpty { message.address = addresses.joined(separator: ", ") }
                }
                guard message.address.contains("@") else {
                    throw DeliveryFailure("no e-mail address for \(message.recipientRole?.rawValue ?? "?") in the roster in force ([roster] of the SLA policy, or [notify.roles] in config.toml)")
                }
                let mail = MailMessage(from: from, to: message.address, subject: message.subject, body: message.body,
                                       messageID: message.messageID, date: message.createdAt, parts: message.parts)
                try await transport.send(mail)
                try await store.markDelivered(message.id, at: clock.now())
                report.delivered.append(message.id)
            } catch let failure as DeliveryFailure {
                let retryAt = clock.now().addingTimeInterval(Self.backoff(afterAttempts: message.attempts + 1))
                try await store.markFailed(message.id, error: failure.reason, retryAt: retryAt)
                report.failed.append(.init(message: message.id, address: message.address, error: failure.reason, retryAt: retryAt))
            } catch let error as StoreError {
                throw error
            } catch {
                // Any other transport error is a failed delivery too: keep it queued with its text.
                let retryAt = clock.now().addingTimeInterval(Self.backoff(afterAttempts: message.attempts + 1))
                try await store.markFailed(message.id, error: "\(error)", retryAt: retryAt)
                report.failed.append(.init(message: message.id, address: message.address, error: "\(error)", retryAt: retryAt))
            }
        }
        return report
    }
}
