import Foundation

/// What a policy would have done with real history: the incidents of a window replayed under
/// it, counted as the escalator would have acted (steps falling due in the window, e-mails and
/// calls they queue) and as reports judge (deadlines breached). An owner compares a submitted
/// policy with the one in force before approving it.
public enum PolicyWhatIf {
    public struct Outcome: Sendable, Hashable {
        /// Escalation steps that would have fallen due in the window.
        public var steps = 0
        /// Steps per priority.
        public var stepsByPriority: [Priority: Int] = [:]
        /// E-mails those steps would have queued (one per configured address of each role, one
        /// per role without an address, as the escalator does).
        public var mails = 0
        /// Phone calls to make and confirm.
        public var calls = 0
        /// Incidents past a response or resolution deadline by the window's end.
        public var breaches = 0
        public var incidents = 0
    }

    /// Replays `histories` (each ticket with its events, oldest first) under `policy`, counting
    /// what falls due in `[window.start, window.end)`.
    public static func replay(_ histories: [TicketHistory], policy: SLAPolicy, window: DateInterval,
                              directory: RecipientDirectory) -> Outcome {
        var outcome = Outcome()
        for history in histories {
            let sla = TicketSLA(ticket: history.ticket, events: history.events, policy: policy, fired: [], now: window.end)
            outcome.incidents += 1
            if sla.breached { outcome.breaches += 1 }
            for step in sla.plan.steps {
                guard let at = step.at, at >= window.start, at < window.end else { continue }
                outcome.steps += 1
                outcome.stepsByPriority[history.ticket.priority, default: 0] += 1
                for role in step.notify {
                    if step.via.contains(.email) { outcome.mails += max(1, directory.addresses[role]?.count ?? 0) }
                    if step.via.contains(.phone) { outcome.calls += 1 }
                }
            }
        }
        return outcome
    }
}
