import Foundation
import GRDB
import ShiftDeskCore

/// Instants are stored as integer milliseconds since 1970 UTC.
enum Millis {
    static func from(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func from(_ date: Date?) -> Int64? { date.map(from) }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
    static func date(_ millis: Int64?) -> Date? { millis.map(date) }
    /// `date` as the store gives it back.
    static func stored(_ date: Date) -> Date { self.date(from(date)) }
    static func stored(_ date: Date?) -> Date? { date.map(stored) }

    /// The smallest stored instant at or after `date`: `Millis.date(m) >= date` exactly when
    /// `m >= threshold(date)`, so a query on milliseconds selects what a comparison of dates would.
    static func threshold(_ date: Date) -> Int64 {
        let scaled = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard scaled.isFinite, abs(scaled) < 1e17 else { return scaled > 0 ? Int64.max : Int64.min }
        var millis = Int64(scaled) - 2
        while self.date(millis) < date { millis += 1 }
        return millis
    }
}

enum SQLiteRows {
    static let ticketColumns = """
        number, title, description, caller_name, caller_phone, caller_department, channel, priority, category,
        affected_service, state, tier, assignee, owner, opened_at, first_response_at, resolved_at, closed_at,
        resolution_note, csat_score, csat_comment, csat_unreachable, sheet_printed_at, sheet_signed_at, problem,
        backfilled, bypassed_desk, reopen_count, source, version, escalation_due_at, source_made_sla, imported_at,
        respond_by, resolve_by, caller_email, customer_told_at, clock
        """

    /// Kept beside each ticket for the queues' queries, worked out from it at every write and
    /// never read back: the urgency its queue sorts by (none once closed) and when it breaches.
    static let derivedColumns = ["urgency", "breach_at"]

    /// The values of every ticket column but `number`, then of `derivedColumns`.
    static func ticketArguments(_ t: Ticket) -> StatementArguments {
        var values: [(any DatabaseValueConvertible)?] = []
        var score: Int?
        var comment: String?
        var unreachable = false
        switch t.satisfaction {
        case let .rated(s, c)?: score = s; comment = c
        case .unreachable?: unreachable = true
        case nil: break
        }
        values += [
            t.title, t.description, t.caller.name, t.caller.phone, t.caller.department, t.channel.rawValue,
            t.priority.rawValue, t.category, t.affectedService, t.state.rawValue, t.tier.rawValue, t.assignee,
            t.owner, Millis.from(t.openedAt), Millis.from(t.firstResponseAt), Millis.from(t.resolvedAt),
            Millis.from(t.closedAt), t.resolutionNote, score, comment, unreachable,
            Millis.from(t.onSiteSheet.printedAt), Millis.from(t.onSiteSheet.signedAt), t.problem?.number,
            t.backfilled, t.bypassedDesk, t.reopenCount, t.source, t.version, Millis.from(t.escalationDueAt),
            t.sourceMadeSLA, Millis.from(t.importedAt), Millis.from(t.respondBy), Millis.from(t.resolveBy),
            t.caller.email, Millis.from(t.customerToldAt), TicketClockText.text(t.clock), t.state == .closed ? nil : t.urgency, Millis.from(t.breachAt),
        ]
        return StatementArguments(values)
    }

    /// Where each ticket column sits in a row of `SELECT ticketColumns`: GRDB's lookup by
    /// name folds case on every access, which cost more than the rest of loading a queue.
    static let ticketIndex: [String: Int] = Dictionary(uniqueKeysWithValues: ticketColumns
        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.enumerated().map { ($1, $0) })

    /// A ticket from a row of `SELECT ticketColumns`.
    static func ticket(_ row: Row) throws(StoreError) -> Ticket {
        func at(_ column: String) -> Int { ticketIndex[column] ?? 0 }
        func value<E: RawRepresentable>(_ column: String, _: E.Type) throws(StoreError) -> E where E.RawValue == String {
            let raw: String = row[at(column)] ?? ""
            guard let parsed = E(rawValue: raw) else { throw StoreError.corrupt("\(column) = \"\(raw)\"") }
            return parsed
        }
        let satisfaction: Satisfaction?
        if row[at("csat_unreachable")] as Bool? == true {
            satisfaction = .unreachable
        } else if let score: Int = row[at("csat_score")] {
            satisfaction = .rated(score: score, comment: row[at("csat_comment")])
        } else {
            satisfaction = nil
        }
        let problemNumber: Int64? = row[at("problem")]
        return Ticket(
            id: TicketID(row[at("number")] ?? 0),
            title: row[at("title")] ?? "",
            description: row[at("description")] ?? "",
            caller: Caller(name: row[at("caller_name")] ?? "", phone: row[at("caller_phone")], department: row[at("caller_department")],
                           email: row[at("caller_email")]),
            channel: try value("channel", Channel.self),
            priority: try value("priority", Priority.self),
            category: row[at("category")],
            affectedService: row[at("affected_service")],
            state: try value("state", TicketState.self),
            tier: try value("tier", Tier.self),
            assignee: row[at("assignee")],
            owner: row[at("owner")],
            openedAt: Millis.date(row[at("opened_at")] ?? 0),
            firstResponseAt: Millis.date(row[at("first_response_at")] as Int64?),
            resolvedAt: Millis.date(row[at("resolved_at")] as Int64?),
            closedAt: Millis.date(row[at("closed_at")] as Int64?),
            resolutionNote: row[at("resolution_note")],
            satisfaction: satisfaction,
            onSiteSheet: OnSiteSheet(printedAt: Millis.date(row[at("sheet_printed_at")] as Int64?),
                                     signedAt: Millis.date(row[at("sheet_signed_at")] as Int64?)),
            problem: problemNumber.map(ProblemID.init),
            backfilled: row[at("backfilled")] ?? false,
            bypassedDesk: row[at("bypassed_desk")] ?? false,
            reopenCount: row[at("reopen_count")] ?? 0,
            source: row[at("source")],
            sourceMadeSLA: row[at("source_made_sla")],
            version: row[at("version")] ?? 0,
            escalationDueAt: Millis.date(row[at("escalation_due_at")] as Int64?),
            importedAt: Millis.date(row[at("imported_at")] as Int64?),
            respondBy: Millis.date(row[at("respond_by")] as Int64?),
            resolveBy: Millis.date(row[at("resolve_by")] as Int64?),
            customerToldAt: Millis.date(row[at("customer_told_at")] as Int64?),
            clock: try TicketClockText.clock(row[at("clock")] ?? ""))
    }

    static let eventColumns = "id, ticket, actor, at, kind, changes, note, origin"

    /// Reads a row of ``eventColumns`` by position (a report reads millions; by name costs a
    /// lookup per column).
    static func event(_ row: Row) throws(StoreError) -> TicketEvent { try event(row, keeping: nil) }

    /// - Parameter keeping: only the changes of these fields (reports: ``reportFields``).
    static func event(_ row: Row, keeping: Set<String>?) throws(StoreError) -> TicketEvent {
        let kindText: String = row[4] ?? ""
        guard let kind = EventKind(rawValue: kindText) else { throw StoreError.corrupt("event kind \"\(kindText)\"") }
        let changesText: String = row[5] ?? "[]"
        let changes: [FieldChange]
        do {
            changes = try ChangesJSON.decode(changesText, keeping: keeping)
        } catch {
            throw StoreError.corrupt("event changes \(changesText.prefix(80))")
        }
        let originText: String = row[7] ?? EventOrigin.local.rawValue
        guard let origin = EventOrigin(rawValue: originText) else { throw StoreError.corrupt("event origin \"\(originText)\"") }
        return TicketEvent(id: row[0] ?? 0, ticket: TicketID(row[1] ?? 0), actor: row[2] ?? "",
                           at: Millis.date(row[3] ?? 0), kind: kind, changes: changes, note: row[6], origin: origin)
    }

    /// The changes as stored: a JSON array of `{"after", "before", "field"}` (keys sorted, null
    /// values left out), what `JSONEncoder` with sorted keys wrote before; written by hand because
    /// the encoder was a sixth of the time of a large import.
    static func encodeChanges(_ changes: [FieldChange]) throws(StoreError) -> String {
        var out = "["
        for (index, change) in changes.enumerated() {
            if index > 0 { out += "," }
            out += "{"
            if let after = change.after { out += "\"after\":"; appendJSONString(after, to: &out); out += "," }
            if let before = change.before { out += "\"before\":"; appendJSONString(before, to: &out); out += "," }
            out += "\"field\":"
            appendJSONString(change.field, to: &out)
            out += "}"
        }
        return out + "]"
    }

    private static func appendJSONString(_ text: String, to out: inout String) {
        out += "\""
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C { plain = false; break }
        if plain {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    static func operatorRecord(_ row: Row) throws(StoreError) -> Operator {
        let roleText: String = row["role"] ?? ""
        guard let role = Role(rawValue: roleText) else { throw StoreError.corrupt("operator role \"\(roleText)\"") }
        let shiftText: String? = row["shift"]
        return Operator(login: row["login"] ?? "", name: row["name"] ?? "", role: role,
                        shift: shiftText.flatMap(ShiftName.init(rawValue:)), disabled: (row["disabled"] as Int64? ?? 0) != 0,
                        email: row["email"])
    }

    static func operatorKey(_ row: Row) -> OperatorKey {
        OperatorKey(login: row["login"] ?? "", type: row["type"] ?? "", base64: row["key"] ?? "", fingerprint: row["fingerprint"] ?? "",
                    comment: row["comment"] ?? "", addedAt: Millis.date(row["added_at"] as Int64? ?? 0))
    }

    static let outboxColumns = """
        id, ticket, problem, priority, level, recipient_role, address, via, message_id, subject, body, created_at, attempts,
        next_attempt_at, last_error, delivered_at, confirmed_by, kind, recipient_login, delivery, parts, document
        """

    static func outbox(_ row: Row) throws(StoreError) -> OutboxMessage {
        let priorityText: String? = row["priority"]
        let roleText: String = row["recipient_role"] ?? ""
        let viaText: String = row["via"] ?? ""
        let kindText: String = row["kind"] ?? ""
        let ticket: Int64? = row["ticket"], problem: Int64? = row["problem"], level: Int? = row["level"]
        // Messages to an operator (``OutboxMessage/recipientLogin``) have no escalation role.
        guard let via = ContactMethod(rawValue: viaText), let kind = MessageKind(rawValue: kindText),
              roleText.isEmpty || RecipientRole(rawValue: roleText) != nil else {
            throw StoreError.corrupt("outbox row \(row["id"] ?? 0): \(priorityText ?? "-") \(roleText) \(viaText) \(kindText)")
        }
        if let ticket, let priorityText, let priority = Priority(rawValue: priorityText), let level {
            return OutboxMessage(
                id: row["id"] ?? 0, ticket: TicketID(ticket), priority: priority, level: level,
                kind: kind, recipientRole: RecipientRole(rawValue: roleText), recipientLogin: row["recipient_login"],
                address: row["address"] ?? "", via: via, subject: row["subject"] ?? "",
                body: row["body"] ?? "", createdAt: Millis.date(row["created_at"] ?? 0), attempts: row["attempts"] ?? 0,
                nextAttemptAt: Millis.date(row["next_attempt_at"] ?? 0), lastError: row["last_error"],
                deliveredAt: Millis.date(row["delivered_at"] as Int64?), confirmedBy: row["confirmed_by"], messageID: row["message_id"])
        }
        if let delivery = row["delivery"] as Int64?, let role = RecipientRole(rawValue: roleText) {
            guard let parts = MailPart.parts(row["parts"]) else { throw StoreError.corrupt("outbox row \(row["id"] ?? 0): unreadable parts") }
            return OutboxMessage(
                id: row["id"] ?? 0, delivery: delivery, kind: kind, recipientRole: role, address: row["address"] ?? "",
                subject: row["subject"] ?? "", body: row["body"] ?? "", parts: parts, createdAt: Millis.date(row["created_at"] ?? 0),
                attempts: row["attempts"] ?? 0, nextAttemptAt: Millis.date(row["next_attempt_at"] ?? 0), lastError: row["last_error"],
                deliveredAt: Millis.date(row["delivered_at"] as Int64?), messageID: row["message_id"] ?? "")
        }
        if let document: String = row["document"] {
            return OutboxMessage(
                id: row["id"] ?? 0, document: document, recipientRole: RecipientRole(rawValue: roleText), recipientLogin: row["recipient_login"],
                address: row["address"] ?? "", subject: row["subject"] ?? "", body: row["body"] ?? "",
                createdAt: Millis.date(row["created_at"] ?? 0), attempts: row["attempts"] ?? 0,
                nextAttemptAt: Millis.date(row["next_attempt_at"] ?? 0), lastError: row["last_error"],
                deliveredAt: Millis.date(row["delivered_at"] as Int64?), messageID: row["message_id"] ?? "")
        }
        guard let problem, let role = RecipientRole(rawValue: roleText) else {
            throw StoreError.corrupt("outbox row \(row["id"] ?? 0) is about neither an incident, a problem nor a document")
        }
        return OutboxMessage(
            id: row["id"] ?? 0, problem: ProblemID(problem), recipientRole: role, address: row["address"] ?? "",
            subject: row["subject"] ?? "", body: row["body"] ?? "", createdAt: Millis.date(row["created_at"] ?? 0),
            attempts: row["attempts"] ?? 0, nextAttemptAt: Millis.date(row["next_attempt_at"] ?? 0), lastError: row["last_error"],
            deliveredAt: Millis.date(row["delivered_at"] as Int64?), messageID: row["message_id"])
    }

    static func firedStep(_ row: Row) throws(StoreError) -> FiredStep {
        let priorityText: String = row["priority"] ?? ""
        guard let priority = Priority(rawValue: priorityText) else { throw StoreError.corrupt("step priority \(priorityText)") }
        return FiredStep(ticket: TicketID(row["ticket"] ?? 0), priority: priority, level: row["level"] ?? 0,
                         dueAt: Millis.date(row["due_at"] ?? 0), firedAt: Millis.date(row["fired_at"] ?? 0),
                         firedBy: row["fired_by"] ?? "")
    }

    static let problemColumns = """
        number, title, owner, state, raised_by, raised_at, version, reason, cause, root_cause_at, resolution, \
        resolution_note, duplicate_of, resolved_at, closed_at, ke_symptom, ke_workaround, ke_version, ke_published_by, \
        ke_published_at, source
        """

    static func problem(_ row: Row) throws(StoreError) -> Problem {
        let stateText: String = row["state"] ?? ""
        guard let state = ProblemState(stored: stateText) else { throw StoreError.corrupt("problem state \"\(stateText)\"") }
        let resolutionText: String? = row["resolution"]
        let resolution = try resolutionText.map { text throws(StoreError) -> ProblemResolution in
            guard let code = ProblemResolution(rawValue: text) else { throw StoreError.corrupt("problem resolution \"\(text)\"") }
            return code
        }
        var knownError: KnownError?
        if let symptom: String = row["ke_symptom"], let workaround: String = row["ke_workaround"] {
            knownError = KnownError(symptom: symptom, workaround: workaround, version: row["ke_version"] ?? 1,
                                    publishedBy: row["ke_published_by"] ?? "", publishedAt: Millis.date(row["ke_published_at"] ?? 0))
        }
        let duplicateOf: Int64? = row["duplicate_of"]
        return Problem(id: ProblemID(row["number"] ?? 0), title: row["title"] ?? "", owner: row["owner"], state: state,
                       raisedBy: row["raised_by"] ?? "", raisedAt: Millis.date(row["raised_at"] ?? 0), reason: row["reason"],
                       cause: row["cause"], rootCauseAt: Millis.date(row["root_cause_at"] as Int64?), resolution: resolution,
                       resolutionNote: row["resolution_note"], duplicateOf: duplicateOf.map(ProblemID.init),
                       resolvedAt: Millis.date(row["resolved_at"] as Int64?), closedAt: Millis.date(row["closed_at"] as Int64?),
                       knownError: knownError, source: row["source"], version: row["version"] ?? 0)
    }

    /// The problem's columns after `number`, in ``problemColumns``' order, for a write.
    static func problemValues(_ p: Problem) -> [DatabaseValueConvertible?] {
        [p.title, p.owner, p.state.rawValue, p.raisedBy, Millis.from(p.raisedAt), p.version, p.reason, p.cause,
         Millis.from(p.rootCauseAt), p.resolution?.rawValue, p.resolutionNote, p.duplicateOf?.number, Millis.from(p.resolvedAt),
         Millis.from(p.closedAt), p.knownError?.symptom, p.knownError?.workaround, p.knownError?.version,
         p.knownError?.publishedBy, Millis.from(p.knownError?.publishedAt), p.source]
    }

    static let problemEventColumns = "id, problem, actor, at, kind, payload, origin"

    static func problemEvent(_ row: Row) throws(StoreError) -> ProblemEvent {
        let kindText: String = row["kind"] ?? ""
        guard let kind = ProblemEventKind(rawValue: kindText) else { throw StoreError.corrupt("problem event kind \"\(kindText)\"") }
        let payloadText: String = row["payload"] ?? ""
        guard let payload = ProblemEvent.payload(from: payloadText) else {
            throw StoreError.corrupt("problem event payload \(payloadText.prefix(80))")
        }
        let originText: String = row["origin"] ?? EventOrigin.local.rawValue
        guard let origin = EventOrigin(rawValue: originText) else { throw StoreError.corrupt("event origin \"\(originText)\"") }
        return ProblemEvent(id: row["id"] ?? 0, problem: ProblemID(row["problem"] ?? 0), actor: row["actor"] ?? "",
                            at: Millis.date(row["at"] ?? 0), kind: kind, changes: payload.changes, note: payload.note,
                            incidents: payload.incidents, origin: origin)
    }
}
