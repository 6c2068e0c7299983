import Foundation

/// The SLA policy versions approved over time, each in force from its approval instant until
/// the next: every seat, escalator and report asks it which policy held at an instant.
public struct PolicyTimeline: Sendable {
    public struct Entry: Sendable {
        public var version: DocumentVersionNumber
        public var from: Date
        public var policy: SLAPolicy

        public init(version: DocumentVersionNumber, from: Date, policy: SLAPolicy) {
            self.version = version
            self.from = from
            self.policy = policy
        }
    }

    /// In the order they were approved (which history keeps in time order).
    public let entries: [Entry]
    /// What holds before the first approval (the built-in duty table).
    public let fallback: SLAPolicy

    public init(entries: [Entry], fallback: SLAPolicy) {
        self.entries = entries
        self.fallback = fallback
    }

    /// The entry in force at `instant`. The first version holds from the beginning: it is the
    /// policy the desk was made with (`init`), or the file it ran on before (`migrate`). Nil only
    /// when the desk has no policy record.
    public func entry(at instant: Date) -> Entry? {
        entries.last { $0.from <= instant } ?? entries.first
    }

    public func policy(at instant: Date) -> SLAPolicy { entry(at: instant)?.policy ?? fallback }

    /// The versions in force at some instant of `[start, end)`, oldest first.
    public func entries(during start: Date, _ end: Date) -> [Entry] {
        entries.enumerated().filter { index, entry in
            let from = index == 0 ? Date.distantPast : entry.from
            let until = index + 1 < entries.count ? entries[index + 1].from : Date.distantFuture
            return from < end && until > start
        }.map(\.element)
    }
}
