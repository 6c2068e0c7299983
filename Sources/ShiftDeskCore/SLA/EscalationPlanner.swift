import Foundation

/// A rung of the ladder with the instant it falls due for one ticket.
public struct PlannedStep: Sendable, Hashable {
    public var level: Int
    public var after: TimeInterval
    /// When the step is (or was) due; `nil` when it will not fall due on the current
    /// timeline (resolved first, or the clock is held by an open-ended pause).
    public var at: Date?
    public var notify: [RecipientRole]
    public var via: [ContactMethod]

    public init(level: Int, after: TimeInterval, at: Date?, notify: [RecipientRole], via: [ContactMethod]) {
        self.level = level
        self.after = after
        self.at = at
        self.notify = notify
        self.via = via
    }
}

/// A ticket's ladder, planned.
public struct EscalationPlan: Sendable, Hashable {
    public var priority: Priority
    public var steps: [PlannedStep]

    /// Steps due at `now` (`at <= now`) whose level is not yet recorded for the ticket.
    public func dueSteps(now: Date, alreadyRecorded: Set<Int> = []) -> [PlannedStep] {
        steps.filter { step in
            guard let at = step.at else { return false }
            return at <= now && !alreadyRecorded.contains(step.level)
        }
    }

    /// The first instant after `now` at which a not-yet-recorded step falls due, if any
    /// (valid until the ticket's timeline or priority changes): a service sleeps until then.
    public func nextDueInstant(after now: Date, alreadyRecorded: Set<Int> = []) -> Date? {
        steps.compactMap { step -> Date? in
            guard let at = step.at, at > now, !alreadyRecorded.contains(step.level) else { return nil }
            return at
        }.min()
    }
}

/// Pure planning of the management-escalation ladder.
///
/// A step's threshold counts `after` working seconds on the priority's calendar from
/// opening, less paused time: the resolution clock's running time (waiting on the
/// customer pauses it; a resolved-then-reopened stretch stops it, the reopen resumes it).
/// A step falls due only while the ticket is unresolved: if the ticket is resolved at or
/// before the step's instant, the step is not due (`at == nil`).
///
/// A priority change plans from opening on the *current* priority's ladder; a step whose
/// threshold lies before the change is due at the change instant:
/// `at = max(threshold, priorityChangedAt)`. So raising to major makes its "at once"
/// step due at the raise.
///
/// An imported ticket's history happened in another system: a step that fell due before
/// `historyBefore` (the import) was that system's business and never falls due here
/// (`at == nil`), so importing years of open tickets queues no storm of notifications.
/// Steps falling due after the import fire as usual.
public enum EscalationPlanner {
    public static func plan(priority: Priority, timeline: ClockTimeline, policy: SLAPolicy,
                            priorityChangedAt: Date? = nil, historyBefore: Date? = nil) -> EscalationPlan {
        let clock = policy.resolutionClock(for: priority)
        let pauses = clock.pauses(timeline)
        let opened = timeline.openedAt.timeIntervalSince1970
        let steps = policy.policy(for: priority).escalation.map { step -> PlannedStep in
            var at = clock.instant(after: step.after, opened: opened, pauses: pauses)
            if let a = at, let changed = priorityChangedAt, changed > a { at = changed }
            if let a = at, let resolved = timeline.resolvedAt, a >= resolved { at = nil }
            if let a = at, let cutoff = historyBefore, a < cutoff { at = nil }
            return PlannedStep(level: step.level, after: step.after, at: at, notify: step.notify, via: step.via)
        }
        return EscalationPlan(priority: priority, steps: steps)
    }
}
