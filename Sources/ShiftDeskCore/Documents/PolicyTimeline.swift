import Foundation

/// The SLA policy versions approved over time, each in force from its approval instant until
/// the next: every seat, escalator and report asks it which policy held at an instant, and SLA
/// clocks and ladders judge each instant under the version in force then (``evaluate(priority:timeline:now:)``,
/// ``plan(priority:timeline:priorityChangedAt:historyBefore:)``).
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

    /// One stretch of time and the policy in force over it: `[from, until)`, the first from the
    /// beginning (`from == nil`), the last without end.
    public struct Stretch: Sendable {
        public var policy: SLAPolicy
        public var from: Date?
        public var until: Date?
        /// The version in force over it; nil for a desk without a policy record (the fallback).
        public var version: DocumentVersionNumber?
    }

    /// In the order they were approved (which history keeps in time order).
    public let entries: [Entry]
    /// What holds before the first approval (the built-in duty table).
    public let fallback: SLAPolicy
    /// The entries as stretches of time, oldest first; never empty.
    public let stretches: [Stretch]

    public init(entries: [Entry], fallback: SLAPolicy) {
        self.entries = entries
        self.fallback = fallback
        if entries.isEmpty {
            stretches = [Stretch(policy: fallback, from: nil, until: nil, version: nil)]
        } else {
            stretches = entries.indices.map { index in
                Stretch(policy: entries[index].policy, from: index == 0 ? nil : entries[index].from,
                        until: index + 1 < entries.count ? entries[index + 1].from : nil, version: entries[index].version)
            }
        }
    }

    /// One policy in force at every instant (a desk without a policy record, a what-if, tests).
    public init(_ policy: SLAPolicy) {
        self.init(entries: [], fallback: policy)
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

    /// The timeline as it was known at `instant`: versions approved after it are not yet in
    /// force (a command dated back with `--now`). The first version stays: it holds from the
    /// beginning whenever it was installed.
    public func known(at instant: Date) -> PolicyTimeline {
        guard entries.contains(where: { $0.from > instant }) else { return self }
        let kept = entries.enumerated().filter { index, entry in index == 0 || entry.from <= instant }.map(\.element)
        return PolicyTimeline(entries: kept, fallback: fallback)
    }

    /// A canonical text of everything that moves a deadline or a step at any instant: the policy's
    /// own ``SLAPolicy/fingerprint`` while one policy holds throughout (so a desk's stored plans
    /// and KPI summaries stay valid across the upgrade), else each policy with the instant it took
    /// force. When it changes (an approval), every open ticket is planned afresh, once.
    public var fingerprint: String {
        var merged: [(from: Date?, text: String)] = []
        for stretch in stretches {
            let text = stretch.policy.fingerprint
            if merged.last?.text == text { continue }
            merged.append((stretch.from, text))
        }
        if merged.count == 1 { return merged[0].text }
        return merged.map { part in
            "from " + (part.from.map { String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? "-") + "\n" + part.text
        }.joined(separator: "\n")
    }
}
