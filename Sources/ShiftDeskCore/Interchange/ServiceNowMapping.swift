import Foundation

/// A ServiceNow incident export in CSV, one row per update of an incident (the columns of the
/// "Incident management process enriched event log", UCI #498), onto ShiftDesk tickets.
/// Pure: the caller reads the file and hands over the rows of one incident at a time.
///
/// | ServiceNow | ShiftDesk |
/// |---|---|
/// | `number` | `source` = `servicenow:NUMBER` (the import key); part of the title |
/// | one row | one event: `at` = `sys_updated_at`, actor = `sys_updated_by`; the first row is the opening |
/// | `incident_state` New / Active / Awaiting User Info, Awaiting Evidence / Awaiting Vendor / Awaiting Problem / Resolved / Closed | `new` / `in_progress` / `pending_customer` / `pending_vendor` / `in_progress` / `resolved` / `closed`; another value keeps the state before |
/// | `priority` 1 - Critical / 2 - High, 3 - Moderate / 4 - Low | `major` / `general` / `minor` |
/// | `assignment_group` none / the first / a later one | tier `desk` / `l1` / `l2` |
/// | `assigned_to` | assignee |
/// | `caller_id`, `opened_by` | caller, owner |
/// | `contact_type` Phone, IVR / Email / Self service, Direct opening | `phone` / `email` / `other` |
/// | `category`, `cmdb_ci` | category, affected service |
/// | `opened_at`, `resolved_at`, `closed_at` | opened, resolved, closed |
/// | `reopen_count`, `made_sla` | reopen count, the source's SLA verdict |
/// | every other column | kept in the history as `servicenow.COLUMN` changes |
///
/// `?` is a missing value and stays missing.
public struct ServiceNowMapping: Sendable {
    /// The columns every ServiceNow export of this kind has.
    public static let requiredColumns = [
        "number", "incident_state", "active", "reassignment_count", "reopen_count", "sys_mod_count", "made_sla",
        "caller_id", "opened_by", "opened_at", "sys_created_by", "sys_created_at", "sys_updated_by", "sys_updated_at",
        "contact_type", "location", "category", "subcategory", "u_symptom", "cmdb_ci", "impact", "urgency", "priority",
        "assignment_group", "assigned_to", "knowledge", "u_priority_confirmation", "notify", "problem_id", "rfc",
        "vendor", "caused_by", "closed_code", "resolved_by", "resolved_at", "closed_at",
    ]

    /// Source columns kept in the history as `servicenow.COLUMN` when they change.
    static let trackedColumns = [
        "incident_state", "active", "reassignment_count", "reopen_count", "sys_mod_count", "made_sla", "assignment_group",
        "impact", "urgency", "priority", "contact_type", "location", "subcategory", "u_symptom", "knowledge",
        "u_priority_confirmation", "notify", "problem_id", "rfc", "vendor", "caused_by", "closed_code", "resolved_by",
        "sys_created_by", "sys_created_at",
    ]

    public let file: String
    public let sourcePrefix: String
    /// The zone the export's local times were written in.
    public let timeZone: TimeZone
    private let index: [String: Int]
    private let width: Int

    /// Checks the header row. Every required column must be there (in any order); extra columns are ignored.
    public init(header: [String], file: String, sourcePrefix: String = ImportFormat.servicenow.defaultSourcePrefix,
                timeZone: TimeZone) throws(InterchangeIssue) {
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() {
            let key = name.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "")
            if index[key] == nil { index[key] = position }
        }
        let missing = Self.requiredColumns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            let shown = missing.prefix(6).joined(separator: ", ") + (missing.count > 6 ? " … (\(missing.count) in all)" : "")
            throw InterchangeIssue(file: file, line: 1, reason: "not a ServiceNow incident export: no column \(shown)")
        }
        self.index = index
        self.width = header.count
        self.file = file
        self.sourcePrefix = sourcePrefix
        self.timeZone = timeZone
    }

    public typealias Row = CSVRow

    /// The incident a row belongs to, or nil when the row has none.
    public func number(of row: Row) -> String? { value(row, "number") }

    /// The cell, nil when missing (`?` or empty).
    func value(_ row: Row, _ column: String) -> String? {
        guard let position = index[column], position < row.cells.count else { return nil }
        let cell = row.cells[position]
        if cell.isEmpty || cell == "?" { return nil }
        return cell
    }

    /// Checks the shape of a row alone (column count, incident number).
    public func check(_ row: Row) throws(InterchangeIssue) {
        guard row.cells.count == width else {
            throw issue(row, "\(row.cells.count) columns where the header has \(width)")
        }
        guard number(of: row) != nil else { throw issue(row, "no incident number") }
    }

    func issue(_ row: Row, _ reason: String) -> InterchangeIssue {
        InterchangeIssue(file: file, line: row.line, reason: reason)
    }

    func instant(_ row: Row, _ column: String, required: Bool) throws(InterchangeIssue) -> Date? {
        guard let text = value(row, column) else {
            if required { throw issue(row, "\(column) is missing") }
            return nil
        }
        guard let date = SourceTime.parseDayMonthYear(Substring(text), zone: timeZone) else {
            throw issue(row, "\(column) \"\(text)\" is not a date (d/m/yyyy hh:mm)")
        }
        return date
    }

    static func priority(_ text: String) -> Priority? {
        switch text.first {
        case "1": .major
        case "2", "3": .general
        case "4": .minor
        default: nil
        }
    }

    static func state(_ text: String) -> TicketState? {
        switch text {
        case "New": .new
        case "Active": .inProgress
        case "Awaiting User Info", "Awaiting Evidence": .pendingCustomer
        case "Awaiting Vendor": .pendingVendor
        case "Awaiting Problem": .inProgress
        case "Resolved": .resolved
        case "Closed": .closed
        default: nil
        }
    }

    static func channel(_ text: String?) -> Channel {
        switch text {
        case "Phone", "IVR": .phone
        case "Email": .email
        default: .other
        }
    }

    static func flag(_ text: String?) -> Bool? {
        switch text {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// The ticket and its history from all the rows of one incident, in file order. A bad row
    /// makes the whole incident bad: a history with a hole is not imported.
    public func history(_ rows: [Row]) throws(InterchangeIssue) -> TicketHistory {
        guard let first = rows.first else { throw InterchangeIssue(file: file, line: nil, reason: "an incident without rows") }
        try check(first)
        guard let number = number(of: first) else { throw issue(first, "no incident number") }
        var builder = HistoryBuilder()
        var groups: [String] = []
        var previousState: TicketState?
        for (position, row) in rows.enumerated() {
            try check(row)
            guard self.number(of: row) == number else { throw issue(row, "incident \(self.number(of: row) ?? "?") inside the rows of \(number)") }
            let at = try instant(row, "sys_updated_at", required: true) ?? Date(timeIntervalSince1970: 0)
            let openedAt = try instant(row, "opened_at", required: true) ?? at
            let resolvedColumn = try instant(row, "resolved_at", required: false)
            let closedColumn = try instant(row, "closed_at", required: false)
            guard let priorityText = value(row, "priority") else { throw issue(row, "priority is missing") }
            guard let priority = Self.priority(priorityText) else {
                throw issue(row, "priority \"\(priorityText)\" is not one of 1 - Critical, 2 - High, 3 - Moderate, 4 - Low")
            }
            guard let stateText = value(row, "incident_state") else { throw issue(row, "incident_state is missing") }
            let state = Self.state(stateText) ?? previousState ?? .new
            if let group = value(row, "assignment_group"), groups.last != group { groups.append(group) }

            var ticket = builder.ticket ?? Ticket(
                id: TicketID(1), title: "", caller: Caller(name: ""), channel: .other, priority: priority, openedAt: openedAt,
                source: "\(sourcePrefix):\(number)")
            ticket.title = [number, value(row, "category"), value(row, "subcategory")].compactMap { $0 }.joined(separator: " · ")
            ticket.caller = Caller(name: value(row, "caller_id") ?? "")
            ticket.channel = Self.channel(value(row, "contact_type"))
            ticket.priority = priority
            ticket.category = value(row, "category")
            ticket.affectedService = value(row, "cmdb_ci")
            ticket.openedAt = openedAt
            ticket.owner = value(row, "opened_by")
            ticket.assignee = value(row, "assigned_to")
            ticket.tier = groups.isEmpty ? .desk : groups.count == 1 ? .l1 : .l2
            let wasOpen = builder.ticket?.state.isOpen ?? true
            ticket.state = state
            if ticket.firstResponseAt == nil, state != .new { ticket.firstResponseAt = at }
            if state.isOpen {
                ticket.resolvedAt = nil
                ticket.closedAt = nil
            } else {
                if state == .resolved, wasOpen || builder.ticket?.state == .closed { ticket.resolvedAt = at; ticket.closedAt = nil }
                if state == .closed, builder.ticket?.state != .closed { ticket.closedAt = at }
            }
            if position == rows.count - 1, !state.isOpen {
                // The source's own final instants win over those of the state changes.
                if let resolvedColumn { ticket.resolvedAt = resolvedColumn }
                if state == .closed, let closedColumn { ticket.closedAt = closedColumn }
            }
            ticket.reopenCount = Int(value(row, "reopen_count") ?? "") ?? ticket.reopenCount
            ticket.sourceMadeSLA = Self.flag(value(row, "made_sla"))
            ticket.version = position + 1
            let source = Self.trackedColumns.map { column in ("servicenow.\(column)", value(row, column)) }
            builder.append(ticket, at: at, actor: value(row, "sys_updated_by") ?? "servicenow", source: source,
                           note: Self.state(stateText) == nil ? "ServiceNow state \"\(stateText)\"" : nil)
            previousState = state
        }
        guard let ticket = builder.ticket else { throw InterchangeIssue(file: file, line: first.line, reason: "an incident without rows") }
        return TicketHistory(ticket: ticket, events: builder.events)
    }
}
