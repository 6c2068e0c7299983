import Foundation

extension ClockTimeline {
    /// A ticket's clock timeline rebuilt from its events: waiting on the customer pauses both
    /// clocks; resolving stops the resolution clock until a reopen resumes it. Waiting on a
    /// vendor pauses nothing; waiting on a problem pauses both clocks only when the policy says
    /// so (`problemPauses`, ``SLAPolicy/problemPausesClocks``).
    public init(ticket: Ticket, events: [TicketEvent], problemPauses: Bool = false) {
        self.init(ticket: ticket, clock: TicketClock(events: events), problemPauses: problemPauses)
    }

    /// The same from the clock kept beside the ticket (``TicketClock``).
    public init(ticket: Ticket, clock: TicketClock, problemPauses: Bool = false) {
        self.init(openedAt: ticket.openedAt, respondedAt: ticket.firstResponseAt,
                  resolvedAt: ticket.state.isOpen ? nil : ticket.resolvedAt, stops: clock.stops(problemPauses: problemPauses))
    }
}

/// The SLA picture of one ticket at one instant: both clocks, its ladder, and the countdown
/// an operator watches.
public struct TicketSLA: Sendable, Hashable {
    public var evaluation: SLAEvaluation
    public var plan: EscalationPlan
    /// Levels of the current priority's ladder already fired.
    public var fired: Set<Int>
    /// The next ladder step not yet fired, if one will fall due.
    public var nextStep: PlannedStep?
    /// What the countdown counts to: the next step, or the response (until responded) or
    /// resolution deadline, whichever is first.
    public var countdownTarget: Date?
    public var now: Date

    public init(ticket: Ticket, events: [TicketEvent], policy: SLAPolicy, fired: [FiredStep], now: Date) {
        self.init(ticket: ticket, events: events, policies: PolicyTimeline(policy), fired: fired, now: now)
    }

    /// The picture with each instant judged under the policy version in force when it was
    /// reached (``PolicyTimeline``).
    public init(ticket: Ticket, events: [TicketEvent], policies: PolicyTimeline, fired: [FiredStep], now: Date) {
        self.init(ticket: ticket, clock: TicketClock(events: events), policies: policies, fired: fired, now: now)
    }

    /// The picture from the clock kept beside the ticket (``Ticket/clock``), without its history.
    public init(ticket: Ticket, clock: TicketClock, policies: PolicyTimeline, fired: [FiredStep], now: Date) {
        let timeline = ClockTimeline(ticket: ticket, clock: clock, problemPauses: policies.policy(at: now).problemPausesClocks)
        let changedAt = clock.priorityChangedAt
        evaluation = policies.evaluate(priority: ticket.priority, timeline: timeline, now: now)
        plan = policies.plan(priority: ticket.priority, timeline: timeline, priorityChangedAt: changedAt, historyBefore: ticket.importedAt)
        let firedLevels = Set(fired.filter { $0.priority == ticket.priority }.map(\.level))
        self.fired = firedLevels
        nextStep = plan.steps.filter { $0.at != nil && !firedLevels.contains($0.level) }.min { ($0.at ?? .distantFuture) < ($1.at ?? .distantFuture) }
        self.now = now
        countdownTarget = ticketPlan.countdownTarget(for: ticket)
    }

    public var respondBy: Date? { evaluation.response.deadline }
    public var resolveBy: Date? { evaluation.resolution.deadline }
    public var breached: Bool { evaluation.breached }

    /// Seconds of wall-clock time until the countdown target; negative when past it.
    public var countdownSeconds: TimeInterval? { countdownTarget.map { $0.timeIntervalSince(now) } }

    /// When the next unfired step is due (possibly already past): where the store's sweep index points.
    public var escalationDueAt: Date? { nextStep?.at }

    public var json: JSONValue {
        .object([
            ("respond_by", .instant(respondBy)),
            ("resolve_by", .instant(resolveBy)),
            ("remaining_seconds", evaluation.resolution.endedAt == nil
                ? .int(Int64(evaluation.resolution.remaining.rounded(.down))) : .null),
            ("breached", .bool(breached)),
            ("response_breached", .bool(evaluation.response.breached)),
            ("resolution_breached", .bool(evaluation.resolution.breached)),
            ("calendar", .string(evaluation.calendar)),
            ("next_step", nextStep.map { $0.json } ?? .null),
        ])
    }
}

extension PlannedStep {
    public var json: JSONValue {
        .object([
            ("level", .int(Int64(level))),
            ("after", .string(SLADuration.format(after))),
            ("at", .instant(at)),
            ("notify", .array(notify.map { .string($0.rawValue) })),
            ("via", .array(via.map { .string($0.rawValue) })),
        ])
    }
}
