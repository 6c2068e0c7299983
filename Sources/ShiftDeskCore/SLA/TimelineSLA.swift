import Foundation

/// SLA clocks and ladders over a policy that changed (issue 15): each instant is judged under
/// the version in force when it was reached.
///
/// A deadline or a step is the first instant at which, under the policy then in force, it has
/// come: within each stretch of the timeline, the later of the instant that policy gives and the
/// stretch's start, provided it falls before the stretch ends. So a ticket opened under V1.0 and
/// still open when V1.1 is approved keeps V1.0's deadlines for everything reached before the
/// approval; what V1.1 puts earlier than the approval falls due at the approval (as a priority
/// change does), and what comes later is V1.1's. With one policy throughout this is that
/// policy's own computation.
extension PolicyTimeline {
    /// The first instant reached under the policy in force then, with the stretch it came in.
    /// `instant` gives a policy's own instant (nil: it never comes under that policy); stretches
    /// ending at or before `notBefore` are skipped (nothing of the ticket is reached there), and
    /// an instant at or after `before` does not count (the ticket was resolved).
    public func firstReached(notBefore: Date? = nil, before: Date? = nil,
                             _ instant: (SLAPolicy) -> Date?) -> (at: Date, stretch: Stretch)? {
        for stretch in stretches {
            if let until = stretch.until, let notBefore, until <= notBefore { continue }
            guard let own = instant(stretch.policy) else { continue }
            let at = stretch.from.map { max(own, $0) } ?? own
            if let until = stretch.until, at >= until { continue }
            if let before, at >= before { return nil }
            return (at, stretch)
        }
        return nil
    }

    /// Both clocks of a ticket at `now`: the targets, counting and state of the policy in force
    /// at `now`, the deadlines (and so the breaches) as each was reached.
    public func evaluate(priority: Priority, timeline: ClockTimeline, now: Date) -> SLAEvaluation {
        if let only = onlyStretch(from: timeline.openedAt) { return only.policy.evaluate(priority: priority, timeline: timeline, now: now) }
        var evaluation = policy(at: now).evaluate(priority: priority, timeline: timeline, now: now)
        evaluation.response = reached(evaluation.response, timeline: timeline, now: now) { $0.responseClock(for: priority) }
        evaluation.resolution = reached(evaluation.resolution, timeline: timeline, now: now) { $0.resolutionClock(for: priority) }
        return evaluation
    }

    private func reached(_ status: ClockStatus, timeline: ClockTimeline, now: Date, _ clock: (SLAPolicy) -> SLAClock) -> ClockStatus {
        var status = status
        status.deadline = firstReached(notBefore: timeline.openedAt) { clock($0).deadline(timeline) }?.at
        status.breached = status.deadline.map { deadline in (status.endedAt.map { min($0, now) } ?? now) > deadline } ?? false
        return status
    }

    /// The ladder of a ticket: each level falls due at the first instant it is due under the
    /// policy then in force (the rules of ``EscalationPlanner``, per policy), with that policy's
    /// recipients; a level no policy makes due is listed as the newest policy has it, unplanned.
    public func plan(priority: Priority, timeline: ClockTimeline, priorityChangedAt: Date? = nil,
                     historyBefore: Date? = nil) -> EscalationPlan {
        func plan(_ policy: SLAPolicy) -> EscalationPlan {
            EscalationPlanner.plan(priority: priority, timeline: timeline, policy: policy, priorityChangedAt: priorityChangedAt,
                                   historyBefore: historyBefore)
        }
        if let only = onlyStretch(from: timeline.openedAt) { return plan(only.policy) }
        let relevant = stretches.filter { stretch in stretch.until.map { $0 > timeline.openedAt } ?? true }
        let plans = relevant.map { plan($0.policy) }
        let levels = Set(plans.flatMap { $0.steps.map(\.level) }).sorted()
        let steps = levels.map { level -> PlannedStep in
            for (stretch, planned) in zip(relevant, plans) {
                guard let step = planned.steps.first(where: { $0.level == level }), let own = step.at else { continue }
                let at = stretch.from.map { max(own, $0) } ?? own
                if let until = stretch.until, at >= until { continue }
                if let resolved = timeline.resolvedAt, at >= resolved { break }
                var found = step
                found.at = at
                return found
            }
            var unplanned = plans.reversed().lazy.compactMap { $0.steps.first { $0.level == level } }.first
                ?? PlannedStep(level: level, after: 0, at: nil, notify: [], via: [])
            unplanned.at = nil
            return unplanned
        }
        return EscalationPlan(priority: priority, steps: steps)
    }

    /// The one stretch a ticket opened at `opened` lives in, when no approval came after its
    /// opening (every ticket opened since the last approval): its policy's own computation holds.
    func onlyStretch(from opened: Date) -> Stretch? {
        guard let last = stretches.last else { return nil }
        if stretches.count == 1 { return last }
        return last.from.map { $0 <= opened } ?? true ? last : nil
    }

    /// The versions in force at some instant of a ticket's life from its opening to `now`
    /// (for `sla explain`), oldest first.
    public func versions(from opened: Date, to now: Date) -> [DocumentVersionNumber] {
        stretches.filter { stretch in
            (stretch.until.map { $0 > opened } ?? true) && (stretch.from.map { $0 <= max(now, opened) } ?? true)
        }.compactMap(\.version)
    }
}
