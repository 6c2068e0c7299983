import Foundation

/// The simulated time of a drill desk: from `realStart`, simulated time runs `speed` times as
/// fast from `simulatedStart`. Every ShiftDesk process on a drill desk reads it from the desk's
/// settings (``settingKey``) and follows it, so consoles' countdowns, escalators and handover
/// windows all live in the drill's day.
public struct DrillTimeline: Sendable, Hashable {
    public static let settingKey = "drill.timeline"
    /// Set by `init --drill`: only such a desk takes a drill.
    public static let deskMarkKey = "drill.desk"
    public static let speedLimit: ClosedRange<Double> = 1...3600

    public var realStart: Date
    public var simulatedStart: Date
    public var speed: Double

    public init(realStart: Date, simulatedStart: Date, speed: Double) {
        self.realStart = realStart
        self.simulatedStart = simulatedStart
        self.speed = speed
    }

    public func simulated(at real: Date) -> Date {
        simulatedStart.addingTimeInterval(real.timeIntervalSince(realStart) * speed)
    }

    public func real(at simulated: Date) -> Date {
        realStart.addingTimeInterval(simulated.timeIntervalSince(simulatedStart) / speed)
    }

    /// `real_ms simulated_ms speed`, as the settings keep it.
    public var settingText: String {
        "\(EventEncoding.millis(realStart)) \(EventEncoding.millis(simulatedStart)) \(speed)"
    }

    public init?(settingText: String) {
        let parts = settingText.split(separator: " ")
        guard parts.count == 3, let real = Int64(parts[0]), let simulated = Int64(parts[1]), let speed = Double(parts[2]),
              DrillTimeline.speedLimit.contains(speed) else { return nil }
        self.init(realStart: Date(timeIntervalSince1970: Double(real) / 1000),
                  simulatedStart: Date(timeIntervalSince1970: Double(simulated) / 1000), speed: speed)
    }
}

/// How long a line held an incident in the real log, in the order the log shows.
public struct DrillStint: Sendable, Hashable {
    public var tier: Tier
    public var span: TimeInterval

    public init(tier: Tier, span: TimeInterval) {
        self.tier = tier
        self.span = span
    }
}

/// One incident of a real log as the drill replays it: when it arrives, what the caller says,
/// and how long each line of support held it in reality (the simulated operators' pace).
public struct DrillIncident: Sendable, Hashable {
    public var arrival: Date
    public var draft: TicketDraft
    /// The lines beyond the desk that worked it, in order, with how long each held it.
    public var stints: [DrillStint]
    /// The log's own name for it (`SR 1-364285768`, `INC0012345`).
    public var source: String?

    public init(arrival: Date, draft: TicketDraft, stints: [DrillStint], source: String?) {
        self.arrival = arrival
        self.draft = draft
        self.stints = stints
        self.source = source
    }

    /// Reads an imported ticket's history (mapped as the importer maps it): its arrival, its
    /// fields, and the time it spent at each line beyond the desk until it was resolved.
    public init(_ history: TicketHistory) {
        let ticket = history.ticket
        arrival = ticket.openedAt
        draft = TicketDraft(title: ticket.title, description: ticket.description, caller: ticket.caller, channel: ticket.channel,
                            priority: ticket.priority, category: ticket.category, affectedService: ticket.affectedService)
        source = ticket.source
        var stints: [DrillStint] = []
        var tier = Tier.desk
        var since = ticket.openedAt
        var ended = false
        for event in history.events.sorted(by: { $0.at < $1.at }) where !ended {
            let next = event.changes.last { $0.field == "tier" }?.after.flatMap(Tier.init(rawValue:))
            let resolved = event.kind == .resolved || event.kind == .closed
            if (next != nil && next != tier) || resolved {
                if tier != .desk { stints.append(DrillStint(tier: tier, span: max(0, event.at.timeIntervalSince(since)))) }
                if let next { tier = next }
                since = event.at
                ended = resolved
            }
        }
        // Still at a line when the log ends: held until then.
        if !ended, tier != .desk, let last = history.events.map(\.at).max() {
            stints.append(DrillStint(tier: tier, span: max(0, last.timeIntervalSince(since))))
        }
        self.stints = stints
    }

    /// How long the simulated operator of `tier` works it: the log's own time at that line, else
    /// (a trainee escalated what reality did not) the drill's typical time for the line.
    public func span(at tier: Tier, typical: [Tier: TimeInterval]) -> TimeInterval {
        stints.first { $0.tier == tier }?.span ?? typical[tier] ?? 3600
    }

    /// Where the simulated operator of `tier` sends it when done: the next line the log shows
    /// after `tier`, nil to resolve it.
    public func onward(from tier: Tier) -> Tier? {
        guard let index = stints.firstIndex(where: { $0.tier == tier }), index + 1 < stints.count else { return nil }
        let next = stints[index + 1].tier
        return next.rank > tier.rank ? next : nil
    }
}

extension Tier {
    /// Desk, L1, L2, vendor: the order incidents climb.
    var rank: Int {
        switch self {
        case .desk: 0
        case .l1: 1
        case .l2: 2
        case .vendor: 3
        }
    }
}

/// The simulated operators of a drill (`--seats bots`): one first-line and one second-line
/// engineer, who take what reaches their line, hold it as long as the log's own incident was
/// held there, then pass it on the way the log did or resolve it. The vendor's time is spent by
/// the engineer who involved the vendor, as the workflow has it.
public enum DrillBots {
    public static let logins: [Tier: String] = [.l1: "drill.l1", .l2: "drill.l2"]

    public static func operators() -> [Operator] {
        [Operator(login: "drill.l1", name: "演练一线 Drill L1", role: .l1),
         Operator(login: "drill.l2", name: "演练二线 Drill L2", role: .l2)]
    }

    public static func isBot(_ login: String?) -> Bool { login.map { logins.values.contains($0) } ?? false }

    public enum Move: Sendable, Hashable {
        /// `login` takes it.
        case take(login: String)
        /// Its holder passes it on.
        case escalate(Tier)
        /// Its holder resolves it.
        case resolve
        /// Nothing yet: look again at this simulated instant.
        case waitUntil(Date)
        /// Not the bots' business (at the desk, with a person, pending, done).
        case none
    }

    /// - Parameters:
    ///   - heldSince: when the bot holding it took it at its present line (nil: not known, now).
    ///   - incident: what the log says of it (nil: a ticket the trainees logged themselves).
    public static func move(for ticket: Ticket, heldSince: Date?, incident: DrillIncident?, typical: [Tier: TimeInterval], now: Date) -> Move {
        switch (ticket.tier, ticket.state) {
        case (.l1, .new) where ticket.assignee == nil, (.l2, .new) where ticket.assignee == nil:
            return logins[ticket.tier].map { .take(login: $0) } ?? .none
        case (.l1, .inProgress), (.l2, .inProgress), (.vendor, .inProgress), (.vendor, .pendingVendor):
            guard isBot(ticket.assignee) else { return .none }
            let span = incident?.span(at: ticket.tier, typical: typical) ?? typical[ticket.tier] ?? 3600
            let due = (heldSince ?? now).addingTimeInterval(span)
            guard now >= due else { return .waitUntil(due) }
            if let onward = incident?.onward(from: ticket.tier), ticket.tier != .vendor { return .escalate(onward) }
            return .resolve
        default:
            return .none
        }
    }

    /// The median time each line held an incident across the log: the pace for incidents the log
    /// does not cover.
    public static func typicalSpans(_ incidents: [DrillIncident]) -> [Tier: TimeInterval] {
        var spans: [Tier: [TimeInterval]] = [:]
        for incident in incidents { for stint in incident.stints { spans[stint.tier, default: []].append(stint.span) } }
        return spans.compactMapValues { values in
            let sorted = values.sorted()
            return sorted.isEmpty ? nil : sorted[sorted.count / 2]
        }
    }
}

/// Where a drill stands, as it prints it.
public struct DrillProgress: Sendable, Hashable {
    public var simulatedNow: Date
    public var arrived: Int
    public var total: Int
    /// Open incidents per line.
    public var backlog: [Tier: Int]

    public init(simulatedNow: Date, arrived: Int, total: Int, backlog: [Tier: Int]) {
        self.simulatedNow = simulatedNow
        self.arrived = arrived
        self.total = total
        self.backlog = backlog
    }

    public func line(_ l: Language, timeZone: TimeZone) -> String {
        let clock = DisplayTime.format(simulatedNow, in: timeZone)
        let open = backlog.values.reduce(0, +)
        let names: [(Tier, String)] = [(.desk, l.pick(en: "desk", zh: "服务台")), (.l1, "L1"), (.l2, "L2"), (.vendor, l.pick(en: "vendor", zh: "厂商"))]
        let lines = names.map { "\($0.1) \(backlog[$0.0] ?? 0)" }.joined(separator: ", ")
        return l.pick(en: "drill \(clock) · arrived \(arrived)/\(total) · backlog \(open) (\(lines))",
                      zh: "演练 \(clock) · 已到达 \(arrived)/\(total) · 积压 \(open)（\(lines)）")
    }
}
