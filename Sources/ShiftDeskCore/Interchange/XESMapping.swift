import Foundation

/// One trace of an XES log as read: its attributes (key → value as written) and its events.
public struct XESTrace: Sendable, Hashable {
    public var line: Int
    public var attributes: [String: String]
    public var events: [XESEvent]

    public init(line: Int, attributes: [String: String] = [:], events: [XESEvent] = []) {
        self.line = line
        self.attributes = attributes
        self.events = events
    }

    public var name: String? { attributes["concept:name"] }
}

public struct XESEvent: Sendable, Hashable {
    public var line: Int
    public var attributes: [String: String]

    public init(line: Int, attributes: [String: String] = [:]) {
        self.line = line
        self.attributes = attributes
    }
}

/// An IEEE XES event log onto ShiftDesk tickets: one trace is one incident, one event one
/// event of its history. Pure. Reads the conventions of the BPI Challenge 2013 (Volvo IT
/// VINST) incident log, and ShiftDesk's own `export --format xes` (its `shiftdesk:` attributes
/// win where present, so that a ShiftDesk export comes back as it was).
///
/// | XES | ShiftDesk |
/// |---|---|
/// | trace `concept:name` | `source` = `xes:NAME` (the import key; `--source` changes the prefix); the title |
/// | event `time:timestamp` | the event's instant; the first event opens the ticket |
/// | `org:resource` | the event's actor; the assignee while the incident is worked |
/// | `org:group` without suffix / ending `2nd` / ending `3rd` | tier `l1` (VINST's first line is desk and L1 in one) / `l2` / `vendor` |
/// | `concept:name` + `lifecycle:transition`: Queued·Awaiting Assignment | `new`, unassigned (waits in the group's queue) |
/// | Accepted·In Progress, Accepted·Assigned | `in_progress` |
/// | Accepted·Wait - User, Wait - Customer | `pending_customer` |
/// | Accepted·Wait, Wait - Implementation, Wait - Vendor | `pending_vendor` (waiting on a third party: the clocks run) |
/// | Completed·Resolved, Completed·In Call | `resolved` |
/// | Completed·Closed, Completed·Cancelled | `closed` |
/// | Unmatched, or anything else | the state before (the values are kept in the history) |
/// | `impact` Major / High, Medium / Low | `major` / `general` / `minor` |
/// | `product` | affected service |
/// | `organization involved`, `org:role`, countries, … | kept in the history as `xes.KEY` changes |
public struct XESMapping: Sendable {
    public let file: String
    public let sourcePrefix: String

    public init(file: String, sourcePrefix: String = ImportFormat.xes.defaultSourcePrefix) {
        self.file = file
        self.sourcePrefix = sourcePrefix
    }

    /// Keys that become ShiftDesk fields rather than `xes.KEY` history.
    static let mappedKeys: Set<String> = ["time:timestamp", "org:resource", "concept:name", "lifecycle:transition", "org:group",
                                          "impact", "product"]

    static func tier(group: String) -> Tier {
        let trimmed = group.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("2nd") { return .l2 }
        if trimmed.hasSuffix("3rd") { return .vendor }
        return .l1
    }

    static func priority(impact: String) -> Priority? {
        switch impact.lowercased() {
        case "major", "critical": .major
        case "high", "medium": .general
        case "low": .minor
        default: nil
        }
    }

    /// The state a VINST status / sub-status means; nil: keep the state before.
    static func state(status: String?, substatus: String?) -> TicketState? {
        switch (status, substatus) {
        case ("Queued", _): .new
        case ("Accepted", "In Progress"?), ("Accepted", "Assigned"?): .inProgress
        case ("Accepted", "Wait - User"?), ("Accepted", "Wait - Customer"?): .pendingCustomer
        case ("Accepted", "Wait"?), ("Accepted", "Wait - Implementation"?), ("Accepted", "Wait - Vendor"?): .pendingVendor
        case ("Accepted", _): .inProgress
        case ("Completed", "Resolved"?), ("Completed", "In Call"?): .resolved
        case ("Completed", "Closed"?), ("Completed", "Cancelled"?): .closed
        default: nil
        }
    }

    func issue(_ line: Int, _ reason: String) -> InterchangeIssue { InterchangeIssue(file: file, line: line, reason: reason) }

    public func history(_ trace: XESTrace) throws(InterchangeIssue) -> TicketHistory {
        guard let name = trace.name, !name.isEmpty else { throw issue(trace.line, "a trace without concept:name") }
        guard !trace.events.isEmpty else { throw issue(trace.line, "trace \(name) has no events") }
        let own = trace.attributes["shiftdesk:title"] != nil
        var builder = HistoryBuilder()
        for (position, event) in trace.events.enumerated() {
            let a = event.attributes
            guard let stamp = a["time:timestamp"] else { throw issue(event.line, "an event of trace \(name) without time:timestamp") }
            guard let at = ISO8601.parse(stamp) else { throw issue(event.line, "time:timestamp \"\(stamp)\" is not an ISO 8601 instant") }
            let resource = a["org:resource"]
            var ticket: Ticket
            if let current = builder.ticket {
                ticket = current
            } else {
                let impact = a["shiftdesk:priority"] ?? a["impact"]
                guard let impact else { throw issue(event.line, "the first event of trace \(name) has no impact: no priority to give it") }
                guard let priority = Priority(rawValue: impact) ?? Self.priority(impact: impact) else {
                    throw issue(event.line, "impact \"\(impact)\" is not one of Major, High, Medium, Low")
                }
                ticket = Ticket(id: TicketID(1), title: name, caller: Caller(name: ""), channel: .other, priority: priority, openedAt: at,
                                source: trace.attributes["shiftdesk:source"] ?? "\(sourcePrefix):\(name)")
                if own { try applyOwnTraceAttributes(trace, to: &ticket) }
            }
            ticket.version = position + 1
            if own {
                try applyOwnEventAttributes(event, to: &ticket)
            } else {
                if let impact = a["impact"] {
                    guard let priority = Self.priority(impact: impact) else {
                        throw issue(event.line, "impact \"\(impact)\" is not one of Major, High, Medium, Low")
                    }
                    ticket.priority = priority
                }
                if let product = a["product"] { ticket.affectedService = product }
                if let group = a["org:group"] { ticket.tier = Self.tier(group: group) }
                let wasOpen = builder.ticket?.state.isOpen ?? true
                let previous = builder.ticket?.state
                if let state = Self.state(status: a["concept:name"], substatus: a["lifecycle:transition"]) { ticket.state = state }
                switch ticket.state {
                case .new:
                    ticket.assignee = nil
                case .inProgress, .pendingCustomer, .pendingVendor, .pendingProblem:
                    if let resource { ticket.assignee = resource }
                    if ticket.firstResponseAt == nil { ticket.firstResponseAt = at }
                case .resolved:
                    if wasOpen { ticket.resolvedAt = at }
                    if ticket.firstResponseAt == nil { ticket.firstResponseAt = at }
                case .closed:
                    if wasOpen { ticket.resolvedAt = ticket.resolvedAt ?? at }
                    if previous != .closed { ticket.closedAt = at }
                }
                if ticket.state.isOpen {
                    if !wasOpen { ticket.reopenCount += 1 }
                    ticket.resolvedAt = nil
                    ticket.closedAt = nil
                }
            }
            let source = a.keys.filter { !Self.mappedKeys.contains($0) && !$0.hasPrefix("shiftdesk:") }.sorted()
                .map { key in ("xes.\(key)", a[key]) }
            let raw = own ? [] : [("xes.concept:name", a["concept:name"]), ("xes.lifecycle:transition", a["lifecycle:transition"]),
                                  ("xes.org:group", a["org:group"]), ("xes.impact", a["impact"])]
            builder.append(ticket, at: at, actor: resource ?? "xes", source: raw + source, note: own ? a["shiftdesk:note"] : nil)
            if own, let kindText = a["concept:name"], let kind = EventKind(rawValue: kindText) {
                let changes = a["shiftdesk:changes"].flatMap { try? JSONDecoder().decode([FieldChange].self, from: Data($0.utf8)) }
                builder.overrideLast(kind: kind, changes: changes)
            }
        }
        guard let ticket = builder.ticket else { throw issue(trace.line, "trace \(name) has no events") }
        return TicketHistory(ticket: ticket, events: builder.events)
    }

    /// Ticket fields from ShiftDesk's own XES export (trace level).
    private func applyOwnTraceAttributes(_ trace: XESTrace, to ticket: inout Ticket) throws(InterchangeIssue) {
        let a = trace.attributes
        ticket.title = a["shiftdesk:title"] ?? ticket.title
        ticket.description = a["shiftdesk:description"] ?? ""
        ticket.caller = Caller(name: a["shiftdesk:caller"] ?? "", phone: a["shiftdesk:phone"], department: a["shiftdesk:department"])
        if let text = a["shiftdesk:channel"] {
            guard let channel = Channel(rawValue: text) else { throw issue(trace.line, "shiftdesk:channel \"\(text)\" is not a channel") }
            ticket.channel = channel
        }
        ticket.category = a["shiftdesk:category"]
        if let text = a["shiftdesk:opened_at"] {
            guard let date = ISO8601.parse(text) else { throw issue(trace.line, "shiftdesk:opened_at \"\(text)\" is not an instant") }
            ticket.openedAt = date
        }
    }

    /// The ticket as it stood after the event, from ShiftDesk's own XES export (event level).
    private func applyOwnEventAttributes(_ event: XESEvent, to ticket: inout Ticket) throws(InterchangeIssue) {
        let a = event.attributes
        func parse<E: RawRepresentable>(_ key: String, _: E.Type) throws(InterchangeIssue) -> E? where E.RawValue == String {
            guard let text = a[key] else { return nil }
            guard let value = E(rawValue: text) else { throw issue(event.line, "\(key) \"\(text)\" is not known") }
            return value
        }
        if let state = try parse("shiftdesk:state", TicketState.self) { ticket.state = state }
        if let tier = try parse("shiftdesk:tier", Tier.self) { ticket.tier = tier }
        if let priority = try parse("shiftdesk:priority", Priority.self) { ticket.priority = priority }
        ticket.assignee = a["shiftdesk:assignee"]
        if let changes = a["shiftdesk:changes"], let decoded = try? JSONDecoder().decode([FieldChange].self, from: Data(changes.utf8)) {
            for change in decoded {
                switch change.field {
                case "first_response_at": ticket.firstResponseAt = change.after.flatMap { ISO8601.parse($0) }
                case "resolved_at": ticket.resolvedAt = change.after.flatMap { ISO8601.parse($0) }
                case "closed_at": ticket.closedAt = change.after.flatMap { ISO8601.parse($0) }
                case "resolution_note": ticket.resolutionNote = change.after
                case "affected_service": ticket.affectedService = change.after
                case "owner": ticket.owner = change.after
                case "reopen_count": ticket.reopenCount = change.after.flatMap { Int($0) } ?? ticket.reopenCount
                default: break
                }
            }
        }
    }
}

