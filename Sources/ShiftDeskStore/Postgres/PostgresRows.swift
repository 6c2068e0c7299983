import Foundation
import PostgresNIO
import ShiftDeskCore

/// Builds a query with numbered, typed parameters: `PG.query { b in "… WHERE number = \(b.int(n))" }`.
/// Every parameter carries a cast, since postgres-nio sends NULL without a type.
final class PGBinder {
    private(set) var bindings = PostgresBindings()

    func text(_ value: String?) -> String {
        bindings.append(value)
        return "$\(bindings.count)::text"
    }

    func int(_ value: Int64?) -> String {
        bindings.append(value)
        return "$\(bindings.count)::bigint"
    }

    func int(_ value: Int?) -> String { int(value.map(Int64.init)) }

    func bool(_ value: Bool) -> String {
        bindings.append(value)
        return "$\(bindings.count)::boolean"
    }

    func bool(_ value: Bool?) -> String {
        bindings.append(value)
        return "$\(bindings.count)::boolean"
    }

    func millis(_ value: Date?) -> String { int(Millis.from(value)) }

    func double(_ value: Double?) -> String {
        bindings.append(value)
        return "$\(bindings.count)::double precision"
    }

    func texts(_ values: [String]) -> String {
        bindings.append(values)
        return "$\(bindings.count)::text[]"
    }

    func ints(_ values: [Int64]) -> String {
        bindings.append(values)
        return "$\(bindings.count)::bigint[]"
    }
}

enum PG {
    static func query(_ build: (PGBinder) -> String) -> PostgresQuery {
        let binder = PGBinder()
        let sql = build(binder)
        return PostgresQuery(unsafeSQL: sql, binds: binder.bindings)
    }
}

/// A row read by column name, decoding failures turned into `StoreError.corrupt`.
struct PGRow {
    let cells: PostgresRandomAccessRow
    /// Put before every column name read: one row of a join can hold several records, each
    /// read by the usual decoder (`a_login` read as `login` by ``prefixed(_:)``'s view).
    private(set) var prefix = ""

    init(_ row: PostgresRow) { cells = row.makeRandomAccess() }

    /// The same row, read with `prefix` before every column name.
    func prefixed(_ prefix: String) -> PGRow {
        var view = self
        view.prefix = prefix
        return view
    }

    func value<T: PostgresDecodable>(_ column: String, _: T.Type = T.self) throws(StoreError) -> T {
        do {
            return try cells[prefix + column].decode(T.self)
        } catch {
            throw StoreError.corrupt("column \(prefix + column): \(error)")
        }
    }

    func int(_ column: String) throws(StoreError) -> Int64 { try value(column, Int64.self) }
    func optionalInt(_ column: String) throws(StoreError) -> Int64? { try value(column, Int64?.self) }
    func text(_ column: String) throws(StoreError) -> String { try value(column, String.self) }
    func optionalText(_ column: String) throws(StoreError) -> String? { try value(column, String?.self) }
    func date(_ column: String) throws(StoreError) -> Date { Millis.date(try int(column)) }
    func optionalDate(_ column: String) throws(StoreError) -> Date? { Millis.date(try optionalInt(column)) }

    func raw<E: RawRepresentable>(_ column: String, _: E.Type) throws(StoreError) -> E where E.RawValue == String {
        let text = try text(column)
        guard let parsed = E(rawValue: text) else { throw StoreError.corrupt("\(column) = \"\(text)\"") }
        return parsed
    }
}

/// Rows of the PostgreSQL schema to and from the domain types (the twin of `SQLiteRows`).
enum PostgresRows {
    static let ticketColumnNames = SQLiteRows.ticketColumns
        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    static let ticketColumns = ticketColumnNames.joined(separator: ", ")

    /// The columns a write sets from the ticket (every one but `number`, then the derived
    /// ones), in `ticketValues` order.
    static let writtenColumnNames = ticketColumnNames.filter { $0 != "number" } + SQLiteRows.derivedColumns

    /// The values of `writtenColumnNames`.
    static func ticketValues(_ t: Ticket, _ b: PGBinder) -> [String] {
        var score: Int?
        var comment: String?
        var unreachable = false
        switch t.satisfaction {
        case let .rated(s, c)?: score = s; comment = c
        case .unreachable?: unreachable = true
        case nil: break
        }
        return [
            b.text(t.title), b.text(t.description), b.text(t.caller.name), b.text(t.caller.phone),
            b.text(t.caller.department), b.text(t.channel.rawValue), b.text(t.priority.rawValue), b.text(t.category),
            b.text(t.affectedService), b.text(t.state.rawValue), b.text(t.tier.rawValue), b.text(t.assignee),
            b.text(t.owner), b.millis(t.openedAt), b.millis(t.firstResponseAt), b.millis(t.resolvedAt),
            b.millis(t.closedAt), b.text(t.resolutionNote), b.int(score), b.text(comment), b.bool(unreachable),
            b.millis(t.onSiteSheet.printedAt), b.millis(t.onSiteSheet.signedAt), b.int(t.problem?.number),
            b.bool(t.backfilled), b.bool(t.bypassedDesk), b.int(t.reopenCount), b.text(t.source), b.int(t.version),
            b.millis(t.escalationDueAt), b.bool(t.sourceMadeSLA), b.millis(t.importedAt), b.millis(t.respondBy), b.millis(t.resolveBy),
            b.text(t.caller.email), b.millis(t.customerToldAt), b.text(TicketClockText.text(t.clock)), b.double(t.state == .closed ? nil : t.urgency), b.millis(t.breachAt),
        ]
    }

    static func ticket(_ row: PGRow) throws(StoreError) -> Ticket {
        let satisfaction: Satisfaction?
        if try row.value("csat_unreachable", Bool.self) {
            satisfaction = .unreachable
        } else if let score = try row.optionalInt("csat_score") {
            satisfaction = .rated(score: Int(score), comment: try row.optionalText("csat_comment"))
        } else {
            satisfaction = nil
        }
        return Ticket(
            id: TicketID(try row.int("number")),
            title: try row.text("title"),
            description: try row.text("description"),
            caller: Caller(name: try row.text("caller_name"), phone: try row.optionalText("caller_phone"),
                           department: try row.optionalText("caller_department"), email: try row.optionalText("caller_email")),
            channel: try row.raw("channel", Channel.self),
            priority: try row.raw("priority", Priority.self),
            category: try row.optionalText("category"),
            affectedService: try row.optionalText("affected_service"),
            state: try row.raw("state", TicketState.self),
            tier: try row.raw("tier", Tier.self),
            assignee: try row.optionalText("assignee"),
            owner: try row.optionalText("owner"),
            openedAt: try row.date("opened_at"),
            firstResponseAt: try row.optionalDate("first_response_at"),
            resolvedAt: try row.optionalDate("resolved_at"),
            closedAt: try row.optionalDate("closed_at"),
            resolutionNote: try row.optionalText("resolution_note"),
            satisfaction: satisfaction,
            onSiteSheet: OnSiteSheet(printedAt: try row.optionalDate("sheet_printed_at"),
                                     signedAt: try row.optionalDate("sheet_signed_at")),
            problem: try row.optionalInt("problem").map(ProblemID.init),
            backfilled: try row.value("backfilled", Bool.self),
            bypassedDesk: try row.value("bypassed_desk", Bool.self),
            reopenCount: Int(try row.int("reopen_count")),
            source: try row.optionalText("source"),
            sourceMadeSLA: try row.value("source_made_sla", Bool?.self),
            version: Int(try row.int("version")),
            escalationDueAt: try row.optionalDate("escalation_due_at"),
            importedAt: try row.optionalDate("imported_at"),
            respondBy: try row.optionalDate("respond_by"),
            resolveBy: try row.optionalDate("resolve_by"), customerToldAt: try row.optionalDate("customer_told_at"),
            clock: try TicketClockText.clock(try row.text("clock")))
    }

    static let eventColumns = SQLiteRows.eventColumns

    static func event(_ row: PGRow) throws(StoreError) -> TicketEvent {
        let kind = try row.raw("kind", EventKind.self)
        let changesText = try row.text("changes")
        let changes: [FieldChange]
        do {
            changes = try ChangesJSON.decode(changesText)
        } catch {
            throw StoreError.corrupt("event changes \(changesText.prefix(80))")
        }
        return TicketEvent(id: try row.int("id"), ticket: TicketID(try row.int("ticket")), actor: try row.text("actor"),
                           at: try row.date("at"), kind: kind, changes: changes, note: try row.optionalText("note"),
                           origin: try row.raw("origin", EventOrigin.self))
    }

    static func operatorRecord(_ row: PGRow) throws(StoreError) -> Operator {
        let shift = try row.optionalText("shift")
        return Operator(login: try row.text("login"), name: try row.text("name"), role: try row.raw("role", Role.self),
                        shift: shift.flatMap(ShiftName.init(rawValue:)), disabled: try row.value("disabled", Bool.self),
                        email: try row.optionalText("email"))
    }

    static func operatorKey(_ row: PGRow) throws(StoreError) -> OperatorKey {
        OperatorKey(login: try row.text("login"), type: try row.text("type"), base64: try row.text("key"),
                    fingerprint: try row.text("fingerprint"), comment: try row.text("comment"), addedAt: try row.date("added_at"))
    }

    static let outboxColumns = SQLiteRows.outboxColumns

    static func outbox(_ row: PGRow) throws(StoreError) -> OutboxMessage {
        let id = try row.int("id")
        let roleText = try row.text("recipient_role")
        // Messages to an operator (``OutboxMessage/recipientLogin``) have no escalation role.
        let role: RecipientRole? = roleText.isEmpty ? nil : try row.raw("recipient_role", RecipientRole.self)
        if let ticket = try row.optionalInt("ticket"), let level = try row.optionalInt("level"),
           let priorityText = try row.optionalText("priority") {
            guard let priority = Priority(rawValue: priorityText) else { throw StoreError.corrupt("outbox row \(id): priority \(priorityText)") }
            return OutboxMessage(
                id: id, ticket: TicketID(ticket), priority: priority,
                level: Int(level), kind: try row.raw("kind", MessageKind.self), recipientRole: role,
                recipientLogin: try row.optionalText("recipient_login"),
                address: try row.text("address"), via: try row.raw("via", ContactMethod.self), subject: try row.text("subject"),
                body: try row.text("body"), createdAt: try row.date("created_at"), attempts: Int(try row.int("attempts")),
                nextAttemptAt: try row.date("next_attempt_at"), lastError: try row.optionalText("last_error"),
                deliveredAt: try row.optionalDate("delivered_at"), confirmedBy: try row.optionalText("confirmed_by"),
                messageID: try row.text("message_id"))
        }
        if let delivery = try row.optionalInt("delivery"), let role {
            guard let parts = MailPart.parts(try row.text("parts")) else { throw StoreError.corrupt("outbox row \(id): unreadable parts") }
            return OutboxMessage(
                id: id, delivery: delivery, kind: try row.raw("kind", MessageKind.self), recipientRole: role,
                address: try row.text("address"), subject: try row.text("subject"), body: try row.text("body"), parts: parts,
                createdAt: try row.date("created_at"), attempts: Int(try row.int("attempts")), nextAttemptAt: try row.date("next_attempt_at"),
                lastError: try row.optionalText("last_error"), deliveredAt: try row.optionalDate("delivered_at"),
                messageID: try row.text("message_id"))
        }
        if let document = try row.optionalText("document") {
            return OutboxMessage(
                id: id, document: document, recipientRole: role, recipientLogin: try row.optionalText("recipient_login"),
                address: try row.text("address"), subject: try row.text("subject"), body: try row.text("body"),
                createdAt: try row.date("created_at"), attempts: Int(try row.int("attempts")), nextAttemptAt: try row.date("next_attempt_at"),
                lastError: try row.optionalText("last_error"), deliveredAt: try row.optionalDate("delivered_at"),
                messageID: try row.text("message_id"))
        }
        guard let problem = try row.optionalInt("problem"), let role else {
            throw StoreError.corrupt("outbox row \(id) is about neither an incident, a problem nor a document")
        }
        return OutboxMessage(
            id: id, problem: ProblemID(problem), recipientRole: role,
            address: try row.text("address"), subject: try row.text("subject"), body: try row.text("body"),
            createdAt: try row.date("created_at"), attempts: Int(try row.int("attempts")), nextAttemptAt: try row.date("next_attempt_at"),
            lastError: try row.optionalText("last_error"), deliveredAt: try row.optionalDate("delivered_at"),
            messageID: try row.text("message_id"))
    }

    static let stepColumns = "ticket, priority, level, due_at, fired_at, fired_by"

    static func firedStep(_ row: PGRow) throws(StoreError) -> FiredStep {
        FiredStep(ticket: TicketID(try row.int("ticket")), priority: try row.raw("priority", Priority.self),
                  level: Int(try row.int("level")), dueAt: try row.date("due_at"), firedAt: try row.date("fired_at"),
                  firedBy: try row.text("fired_by"))
    }

    static let problemColumns = SQLiteRows.problemColumns

    static func problem(_ row: PGRow) throws(StoreError) -> Problem {
        let stateText = try row.text("state")
        guard let state = ProblemState(stored: stateText) else { throw StoreError.corrupt("problem state \"\(stateText)\"") }
        let resolutionText = try row.optionalText("resolution")
        let resolution = try resolutionText.map { text throws(StoreError) -> ProblemResolution in
            guard let code = ProblemResolution(rawValue: text) else { throw StoreError.corrupt("problem resolution \"\(text)\"") }
            return code
        }
        var knownError: KnownError?
        if let symptom = try row.optionalText("ke_symptom"), let workaround = try row.optionalText("ke_workaround") {
            knownError = KnownError(symptom: symptom, workaround: workaround, version: Int(try row.optionalInt("ke_version") ?? 1),
                                    publishedBy: try row.optionalText("ke_published_by") ?? "",
                                    publishedAt: try row.optionalDate("ke_published_at") ?? Date(timeIntervalSince1970: 0))
        }
        return Problem(id: ProblemID(try row.int("number")), title: try row.text("title"), owner: try row.optionalText("owner"),
                       state: state, raisedBy: try row.text("raised_by"), raisedAt: try row.date("raised_at"),
                       reason: try row.optionalText("reason"), cause: try row.optionalText("cause"),
                       rootCauseAt: try row.optionalDate("root_cause_at"), resolution: resolution,
                       resolutionNote: try row.optionalText("resolution_note"),
                       duplicateOf: try row.optionalInt("duplicate_of").map(ProblemID.init),
                       resolvedAt: try row.optionalDate("resolved_at"), closedAt: try row.optionalDate("closed_at"),
                       knownError: knownError, source: try row.optionalText("source"), version: Int(try row.int("version")))
    }

    /// The problem's columns after `number`, in ``problemColumns``' order, as SQL literals.
    static func problemValues(_ p: Problem, _ b: PGBinder) -> [String] {
        [b.text(p.title), b.text(p.owner), b.text(p.state.rawValue), b.text(p.raisedBy), b.millis(p.raisedAt), b.int(p.version),
         b.text(p.reason), b.text(p.cause), b.millis(p.rootCauseAt), b.text(p.resolution?.rawValue), b.text(p.resolutionNote),
         b.int(p.duplicateOf?.number), b.millis(p.resolvedAt), b.millis(p.closedAt), b.text(p.knownError?.symptom),
         b.text(p.knownError?.workaround), b.int(p.knownError?.version), b.text(p.knownError?.publishedBy),
         b.millis(p.knownError?.publishedAt), b.text(p.source)]
    }

    static let problemEventColumns = SQLiteRows.problemEventColumns

    static func problemEvent(_ row: PGRow) throws(StoreError) -> ProblemEvent {
        let payloadText = try row.text("payload")
        guard let payload = ProblemEvent.payload(from: payloadText) else {
            throw StoreError.corrupt("problem event payload \(payloadText.prefix(80))")
        }
        return ProblemEvent(id: try row.int("id"), problem: ProblemID(try row.int("problem")), actor: try row.text("actor"),
                            at: try row.date("at"), kind: try row.raw("kind", ProblemEventKind.self), changes: payload.changes,
                            note: payload.note, incidents: payload.incidents, origin: try row.raw("origin", EventOrigin.self))
    }

    static let handoverColumns = "id, from_shift, from_start, from_end, to_shift, to_start, to_end, prepared_by, prepared_at, note"
    static let handoverItemColumns = "handover, position, ticket, note, acknowledged_by, acknowledged_at, acknowledgement_note"

    static func handover(_ row: PGRow, items: [HandoverItem]) throws(StoreError) -> Handover {
        let id = try row.int("id")
        func occurrence(_ prefix: String) throws(StoreError) -> ShiftSchedule.Occurrence {
            let name = try row.text("\(prefix)_shift")
            guard let shift = ShiftName(rawValue: name) else { throw StoreError.corrupt("handover \(id) shift \(name)") }
            return ShiftSchedule.Occurrence(shift: shift, start: try row.date("\(prefix)_start"), end: try row.date("\(prefix)_end"))
        }
        return Handover(id: id, from: try occurrence("from"), to: try occurrence("to"), preparedBy: try row.text("prepared_by"),
                        preparedAt: try row.date("prepared_at"), note: try row.text("note"), items: items)
    }

    static func handoverItem(_ row: PGRow) throws(StoreError) -> HandoverItem {
        HandoverItem(ticket: TicketID(try row.int("ticket")), note: try row.text("note"),
                     acknowledgedBy: try row.optionalText("acknowledged_by"),
                     acknowledgedAt: try row.optionalDate("acknowledged_at"),
                     acknowledgementNote: try row.optionalText("acknowledgement_note"))
    }
}
