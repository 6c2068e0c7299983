import Foundation

/// One rung of a priority's management-escalation ladder.
public struct EscalationStep: Sendable, Hashable {
    /// 1-based, the order of the steps in the policy.
    public var level: Int
    /// Working seconds on the priority's calendar from opening, less paused time; 0 = at once.
    public var after: TimeInterval
    public var notify: [RecipientRole]
    public var via: [ContactMethod]

    public init(level: Int, after: TimeInterval, notify: [RecipientRole], via: [ContactMethod]) {
        self.level = level; self.after = after; self.notify = notify; self.via = via
    }
}

public struct PriorityPolicy: Sendable, Hashable {
    /// A key of `SLAPolicy.calendars`.
    public var calendar: String
    public var respondWithin: TimeInterval
    public var resolveWithin: TimeInterval
    public var escalation: [EscalationStep]

    public init(calendar: String = SLAPolicy.twentyFourSevenName, respondWithin: TimeInterval,
                resolveWithin: TimeInterval, escalation: [EscalationStep]) {
        self.calendar = calendar; self.respondWithin = respondWithin
        self.resolveWithin = resolveWithin; self.escalation = escalation
    }
}

public enum SLAPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownCalendar(priority: Priority, name: String, known: [String])
    case redefinedBuiltInCalendar

    public var description: String {
        switch self {
        case let .unknownCalendar(p, name, known):
            return "priority \(p.rawValue): unknown calendar \"\(name)\" (known: \(known.joined(separator: ", ")))"
        case .redefinedBuiltInCalendar:
            return "the calendar \"\(SLAPolicy.twentyFourSevenName)\" is built in and cannot be redefined"
        }
    }
}

/// The SLA policy: calendars, and per priority the clocks' targets and the escalation ladder.
public struct SLAPolicy: Sendable, Hashable {
    public static let twentyFourSevenName = "24x7"

    /// The desk's zone, the default zone of the policy's calendars.
    public var timeZone: TimeZone
    /// Always contains `"24x7"`.
    public private(set) var calendars: [String: WorkingCalendar]
    /// Always contains every priority.
    public private(set) var priorities: [Priority: PriorityPolicy]
    /// Whether an incident waiting on a problem (`ticket pend --reason problem`) pauses both its
    /// clocks, as waiting on the customer does. Default false: they run, as for a vendor (policy
    /// file `[clocks] problem_pauses`).
    public var problemPausesClocks = false
    /// The notification roster (policy file `[roster]`): the addresses of each recipient role,
    /// shared by every seat as part of the approved policy. Nil where the policy has none, and
    /// a machine's `[notify.roles]` still addresses role mail (a desk from before the roster
    /// was controlled). Not part of the fingerprint: a new roster re-plans nothing.
    public var roster: RecipientDirectory?

    /// Priorities missing from `priorities` take the duty table's. Every priority's
    /// calendar must be `"24x7"` or a key of `calendars`.
    public init(timeZone: TimeZone, calendars: [String: WorkingCalendar],
                priorities: [Priority: PriorityPolicy]) throws(SLAPolicyError) {
        if let c = calendars[SLAPolicy.twentyFourSevenName], c != .twentyFourSeven { throw .redefinedBuiltInCalendar }
        var cals = calendars
        cals[SLAPolicy.twentyFourSevenName] = .twentyFourSeven
        var prios = SLAPolicy.dutyTablePriorities
        for (p, pp) in priorities { prios[p] = pp }
        for p in Priority.allCases {
            if let name = prios[p]?.calendar, cals[name] == nil {
                throw .unknownCalendar(priority: p, name: name, known: cals.keys.sorted())
            }
        }
        self.timeZone = timeZone
        self.calendars = cals
        self.priorities = prios
    }

    /// The duty table's policy (ROLES.md, desk duty 5), everything on 24x7:
    /// - major: respond 15m, resolve 4h; at once → all four roles by phone and email;
    /// - general: respond 30m, resolve 4h; 2h → incident manager, 4h → the three others, by email;
    /// - minor: respond 1h, resolve 8h; 4h → incident manager, 8h → the three others, by email.
    /// The ladder is the duty table's; the respond/resolve targets are our choice (the
    /// duty table fixes none): tight enough to be useful, each resolution target equal
    /// to the priority's last escalation threshold.
    public static func dutyTable(timeZone: TimeZone) -> SLAPolicy {
        SLAPolicy(uncheckedTimeZone: timeZone, calendars: [twentyFourSevenName: .twentyFourSeven],
                  priorities: dutyTablePriorities)
    }

    /// `dutyTable(timeZone:)` in UTC; the zone matters only for calendars added later.
    public static let dutyTable = dutyTable(timeZone: TimeZone(secondsFromGMT: 0) ?? TimeZone.gmt)

    private init(uncheckedTimeZone: TimeZone, calendars: [String: WorkingCalendar], priorities: [Priority: PriorityPolicy]) {
        self.timeZone = uncheckedTimeZone; self.calendars = calendars; self.priorities = priorities
    }

    public static let dutyTablePriorities: [Priority: PriorityPolicy] = {
        let all: [RecipientRole] = [.incidentManager, .operationsManager, .operationsDirector, .managementOwner]
        let others: [RecipientRole] = [.operationsManager, .operationsDirector, .managementOwner]
        let h = 3600.0
        return [
            .major: PriorityPolicy(respondWithin: 15 * 60, resolveWithin: 4 * h, escalation: [
                EscalationStep(level: 1, after: 0, notify: all, via: [.phone, .email]),
            ]),
            .general: PriorityPolicy(respondWithin: 30 * 60, resolveWithin: 4 * h, escalation: [
                EscalationStep(level: 1, after: 2 * h, notify: [.incidentManager], via: [.email]),
                EscalationStep(level: 2, after: 4 * h, notify: others, via: [.email]),
            ]),
            .minor: PriorityPolicy(respondWithin: 1 * h, resolveWithin: 8 * h, escalation: [
                EscalationStep(level: 1, after: 4 * h, notify: [.incidentManager], via: [.email]),
                EscalationStep(level: 2, after: 8 * h, notify: others, via: [.email]),
            ]),
        ]
    }()

    public func policy(for priority: Priority) -> PriorityPolicy {
        priorities[priority] ?? SLAPolicy.dutyTablePriorities[priority]
            ?? PriorityPolicy(respondWithin: 0, resolveWithin: 0, escalation: [])
    }

    public func calendarName(for priority: Priority) -> String { policy(for: priority).calendar }

    public func calendar(for priority: Priority) -> WorkingCalendar {
        calendars[policy(for: priority).calendar] ?? .twentyFourSeven
    }

    public func responseClock(for priority: Priority) -> SLAClock {
        SLAClock(kind: .response, calendar: calendar(for: priority), target: policy(for: priority).respondWithin)
    }

    public func resolutionClock(for priority: Priority) -> SLAClock {
        SLAClock(kind: .resolution, calendar: calendar(for: priority), target: policy(for: priority).resolveWithin)
    }

    /// Both clocks of a ticket at `now`.
    public func evaluate(priority: Priority, timeline: ClockTimeline, now: Date) -> SLAEvaluation {
        SLAEvaluation(priority: priority, calendar: calendarName(for: priority),
                      response: responseClock(for: priority).status(timeline, now: now),
                      resolution: resolutionClock(for: priority).status(timeline, now: now))
    }
}

public struct SLAEvaluation: Sendable, Hashable {
    public var priority: Priority
    public var calendar: String
    public var response: ClockStatus
    public var resolution: ClockStatus
    public var breached: Bool { response.breached || resolution.breached }
}
