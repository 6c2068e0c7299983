import Foundation

/// ShiftDesk's own interchange format, CSV and JSON: every ticket field and every event, so
/// that `export` → `import` → `export` gives the same bytes. Instants are ISO 8601 UTC with
/// milliseconds when there are any. Event ids, the escalation index and the import stamp are
/// the desk's own bookkeeping and are not exported.
///
/// Each ticket carries a `source`: where it came from (`servicenow:INC0000045`), or for a ticket
/// logged at the exporting desk `shiftdesk:DESK:INC-000123` (DESK: the desk's id). Importing
/// keys tickets by it, so importing an export twice, or into the desk it came from, adds nothing.
public enum DeskExport {
    public static let formatName = "shiftdesk-export"
    public static let formatVersion = 1

    /// The key a ticket travels under.
    public static func origin(of ticket: Ticket, desk: String) -> String {
        ticket.source ?? "shiftdesk:\(desk):\(ticket.id)"
    }

    // MARK: CSV

    public static let ticketColumns = [
        "id", "title", "description", "caller_name", "caller_phone", "caller_department", "channel", "priority", "category",
        "affected_service", "state", "tier", "assignee", "owner", "opened_at", "first_response_at", "resolved_at", "closed_at",
        "resolution_note", "csat_score", "csat_comment", "csat_unreachable", "sheet_printed_at", "sheet_signed_at", "problem",
        "backfilled", "bypassed_desk", "reopen_count", "source", "source_made_sla", "version", "caller_email",
    ]
    public static let eventColumns = ["event_at", "event_actor", "event_kind", "event_changes", "event_note"]
    public static var csvHeader: String { CSVText.line(ticketColumns + eventColumns) }

    static func instant(_ date: Date?) -> String { date.map(ISO8601.formatPrecise) ?? "" }
    static func flag(_ value: Bool) -> String { value ? "true" : "false" }

    /// One line per event; the ticket's columns repeat on each (a ticket with no events gets one
    /// line with empty event columns).
    public static func csvLines(_ history: TicketHistory, desk: String) -> String {
        let t = history.ticket
        var score = "", comment = "", unreachable = "false"
        switch t.satisfaction {
        case let .rated(s, c)?: score = String(s); comment = c ?? ""
        case .unreachable?: unreachable = "true"
        case nil: break
        }
        let ticket = [
            t.id.description, t.title, t.description, t.caller.name, t.caller.phone ?? "", t.caller.department ?? "",
            t.channel.rawValue, t.priority.rawValue, t.category ?? "", t.affectedService ?? "", t.state.rawValue, t.tier.rawValue,
            t.assignee ?? "", t.owner ?? "", instant(t.openedAt), instant(t.firstResponseAt), instant(t.resolvedAt),
            instant(t.closedAt), t.resolutionNote ?? "", score, comment, unreachable, instant(t.onSiteSheet.printedAt),
            instant(t.onSiteSheet.signedAt), t.problem?.description ?? "", flag(t.backfilled), flag(t.bypassedDesk),
            String(t.reopenCount), origin(of: t, desk: desk), t.sourceMadeSLA.map(flag) ?? "", String(t.version), t.caller.email ?? "",
        ].map(CSVText.field).joined(separator: ",")
        if history.events.isEmpty { return ticket + ",,,,,\n" }
        var out = ""
        for event in history.events {
            let fields = [instant(event.at), event.actor, event.kind.rawValue, changesJSON(event.changes), event.note ?? ""]
            out += ticket + "," + fields.map(CSVText.field).joined(separator: ",") + "\n"
        }
        return out
    }

    static func changesJSON(_ changes: [FieldChange]) -> String {
        JSONValue.array(changes.map { .object([("field", .string($0.field)), ("before", .string($0.before)), ("after", .string($0.after))]) })
            .serialized()
    }

    /// Reads the ShiftDesk CSV export's header; the column positions for `history(csvRows:)`.
    public struct CSVLayout: Sendable {
        let index: [String: Int]
        let width: Int
        public let file: String

        public init(header: [String], file: String) throws(InterchangeIssue) {
            var index: [String: Int] = [:]
            for (position, name) in header.enumerated() {
                index[name.replacingOccurrences(of: "\u{FEFF}", with: "")] = position
            }
            let missing = (DeskExport.ticketColumns + DeskExport.eventColumns).filter { index[$0] == nil }
            guard missing.isEmpty else {
                throw InterchangeIssue(file: file, line: 1, reason: "not a ShiftDesk CSV export: no column \(missing.prefix(6).joined(separator: ", "))")
            }
            self.index = index
            self.width = header.count
            self.file = file
        }

        /// The ticket a row belongs to (its `source` key).
        public func key(of row: CSVRow) -> String? {
            guard let position = index["source"], position < row.cells.count, !row.cells[position].isEmpty else { return nil }
            return row.cells[position]
        }

        func cell(_ row: CSVRow, _ column: String) -> String {
            guard let position = index[column], position < row.cells.count else { return "" }
            return row.cells[position]
        }

        func optional(_ row: CSVRow, _ column: String) -> String? {
            let value = cell(row, column)
            return value.isEmpty ? nil : value
        }

        /// One ticket from its rows (consecutive rows with the same `source`).
        public func history(_ rows: [CSVRow]) throws(InterchangeIssue) -> TicketHistory {
            guard let first = rows.first else { throw InterchangeIssue(file: file, line: nil, reason: "a ticket without rows") }
            for row in rows where row.cells.count != width {
                throw InterchangeIssue(file: file, line: row.line, reason: "\(row.cells.count) columns where the header has \(width)")
            }
            var fields = DeskExport.Fields(file: file, line: first.line)
            let r = first
            let ticket = try fields.ticket(
                id: cell(r, "id"), title: cell(r, "title"), description: cell(r, "description"), callerName: cell(r, "caller_name"),
                callerPhone: optional(r, "caller_phone"), callerDepartment: optional(r, "caller_department"),
                callerEmail: optional(r, "caller_email"), channel: cell(r, "channel"),
                priority: cell(r, "priority"), category: optional(r, "category"), affectedService: optional(r, "affected_service"),
                state: cell(r, "state"), tier: cell(r, "tier"), assignee: optional(r, "assignee"), owner: optional(r, "owner"),
                openedAt: optional(r, "opened_at"), firstResponseAt: optional(r, "first_response_at"),
                resolvedAt: optional(r, "resolved_at"), closedAt: optional(r, "closed_at"), resolutionNote: optional(r, "resolution_note"),
                csatScore: optional(r, "csat_score"), csatComment: optional(r, "csat_comment"),
                csatUnreachable: cell(r, "csat_unreachable") == "true", sheetPrintedAt: optional(r, "sheet_printed_at"),
                sheetSignedAt: optional(r, "sheet_signed_at"), problem: optional(r, "problem"),
                backfilled: cell(r, "backfilled"), bypassedDesk: cell(r, "bypassed_desk"), reopenCount: cell(r, "reopen_count"),
                source: optional(r, "source"), sourceMadeSLA: optional(r, "source_made_sla"), version: cell(r, "version"))
            var events: [TicketEvent] = []
            for row in rows {
                fields.line = row.line
                for column in DeskExport.ticketColumns where cell(row, column) != cell(first, column) {
                    throw InterchangeIssue(file: file, line: row.line,
                                           reason: "\(column) differs from the ticket's first row (line \(first.line))")
                }
                if cell(row, "event_at").isEmpty && cell(row, "event_kind").isEmpty { continue }
                events.append(try fields.event(ticket: ticket.id, at: cell(row, "event_at"), actor: cell(row, "event_actor"),
                                               kind: cell(row, "event_kind"), changes: cell(row, "event_changes"),
                                               note: optional(row, "event_note")))
            }
            return TicketHistory(ticket: ticket, events: events)
        }
    }

    // MARK: JSON

    /// The document's opening, up to the first ticket; `jsonTicket` for each ticket (joined with
    /// `,\n`), then `jsonClosing`.
    public static var jsonOpening: String {
        "{\"format\":\"\(formatName)\",\"version\":\(formatVersion),\"tickets\":[\n"
    }
    public static let jsonClosing = "\n]}\n"

    public static func jsonTicket(_ history: TicketHistory, desk: String) -> String {
        let t = history.ticket
        let satisfaction: JSONValue
        switch t.satisfaction {
        case let .rated(score, comment)?:
            satisfaction = .object([("score", .int(Int64(score))), ("comment", .string(comment)), ("unreachable", false)])
        case .unreachable?:
            satisfaction = .object([("score", .null), ("comment", .null), ("unreachable", true)])
        case nil:
            satisfaction = .null
        }
        func at(_ date: Date?) -> JSONValue { date.map { .string(ISO8601.formatPrecise($0)) } ?? .null }
        let value = JSONValue.object([
            ("id", .string(t.id.description)),
            ("title", .string(t.title)),
            ("description", .string(t.description)),
            ("caller", .object([("name", .string(t.caller.name)), ("phone", .string(t.caller.phone)),
                                ("department", .string(t.caller.department)), ("email", .string(t.caller.email))])),
            ("channel", .string(t.channel.rawValue)),
            ("priority", .string(t.priority.rawValue)),
            ("category", .string(t.category)),
            ("affected_service", .string(t.affectedService)),
            ("state", .string(t.state.rawValue)),
            ("tier", .string(t.tier.rawValue)),
            ("assignee", .string(t.assignee)),
            ("owner", .string(t.owner)),
            ("opened_at", at(t.openedAt)),
            ("first_response_at", at(t.firstResponseAt)),
            ("resolved_at", at(t.resolvedAt)),
            ("closed_at", at(t.closedAt)),
            ("resolution_note", .string(t.resolutionNote)),
            ("satisfaction", satisfaction),
            ("on_site_sheet", .object([("printed_at", at(t.onSiteSheet.printedAt)), ("signed_at", at(t.onSiteSheet.signedAt))])),
            ("problem", .string(t.problem?.description)),
            ("flags", .object([("backfilled", .bool(t.backfilled)), ("bypassed_desk", .bool(t.bypassedDesk))])),
            ("reopen_count", .int(Int64(t.reopenCount))),
            ("source", .string(origin(of: t, desk: desk))),
            ("source_made_sla", t.sourceMadeSLA.map(JSONValue.bool) ?? .null),
            ("version", .int(Int64(t.version))),
            ("events", .array(history.events.map { event in
                .object([
                    ("at", at(event.at)),
                    ("actor", .string(event.actor)),
                    ("kind", .string(event.kind.rawValue)),
                    ("changes", .array(event.changes.map { change in
                        .object([("field", .string(change.field)), ("before", .string(change.before)), ("after", .string(change.after))])
                    })),
                    ("note", .string(event.note)),
                ])
            })),
        ])
        return value.serialized()
    }

    private struct JSONDocument: Decodable {
        var format: String
        var version: Int
        var tickets: [JSONTicket]
    }

    private struct JSONTicket: Decodable {
        struct CallerJSON: Decodable { var name: String; var phone: String?; var department: String?; var email: String? }
        struct SatisfactionJSON: Decodable { var score: Int?; var comment: String?; var unreachable: Bool }
        struct SheetJSON: Decodable { var printed_at: String?; var signed_at: String? }
        struct FlagsJSON: Decodable { var backfilled: Bool; var bypassed_desk: Bool }
        struct EventJSON: Decodable { var at: String; var actor: String; var kind: String; var changes: [FieldChange]; var note: String? }
        var id: String
        var title: String
        var description: String
        var caller: CallerJSON
        var channel: String
        var priority: String
        var category: String?
        var affected_service: String?
        var state: String
        var tier: String
        var assignee: String?
        var owner: String?
        var opened_at: String
        var first_response_at: String?
        var resolved_at: String?
        var closed_at: String?
        var resolution_note: String?
        var satisfaction: SatisfactionJSON?
        var on_site_sheet: SheetJSON
        var problem: String?
        var flags: FlagsJSON
        var reopen_count: Int
        var source: String?
        var source_made_sla: Bool?
        var version: Int
        var events: [EventJSON]
    }

    /// Every ticket of a ShiftDesk JSON export. A malformed document is an issue of the whole
    /// file; a ticket with a bad value is an issue naming it (its position, as JSON has no useful lines).
    public static func histories(json data: Data, file: String) throws(InterchangeIssue) -> [Result<TicketHistory, InterchangeIssue>] {
        let document: JSONDocument
        do {
            document = try JSONDecoder().decode(JSONDocument.self, from: data)
        } catch let error as DecodingError {
            if case let .dataCorrupted(context) = error, context.codingPath.isEmpty, let syntax = syntaxProblem(data) {
                throw InterchangeIssue(file: file, line: syntax.line, reason: "not a ShiftDesk JSON export: \(syntax.reason)")
            }
            throw InterchangeIssue(file: file, line: nil, reason: "not a ShiftDesk JSON export: \(describe(error))")
        } catch {
            throw InterchangeIssue(file: file, line: nil, reason: "not a ShiftDesk JSON export: \(error)")
        }
        guard document.format == formatName else {
            throw InterchangeIssue(file: file, line: nil, reason: "format is \"\(document.format)\", not \"\(formatName)\"")
        }
        guard document.version <= formatVersionWithProblems else {
            throw InterchangeIssue(file: file, line: nil, reason: "written by a newer ShiftDesk (format version \(document.version)); upgrade this one")
        }
        return document.tickets.enumerated().map { position, t in
            let fields = Fields(file: file, line: nil, what: "ticket \(position + 1) (\(t.id))")
            do throws(InterchangeIssue) {
                let ticket = try fields.ticket(
                    id: t.id, title: t.title, description: t.description, callerName: t.caller.name, callerPhone: t.caller.phone,
                    callerDepartment: t.caller.department, callerEmail: t.caller.email, channel: t.channel, priority: t.priority, category: t.category,
                    affectedService: t.affected_service, state: t.state, tier: t.tier, assignee: t.assignee, owner: t.owner,
                    openedAt: t.opened_at, firstResponseAt: t.first_response_at, resolvedAt: t.resolved_at, closedAt: t.closed_at,
                    resolutionNote: t.resolution_note, csatScore: t.satisfaction?.score.map(String.init),
                    csatComment: t.satisfaction?.comment, csatUnreachable: t.satisfaction?.unreachable ?? false,
                    sheetPrintedAt: t.on_site_sheet.printed_at, sheetSignedAt: t.on_site_sheet.signed_at, problem: t.problem,
                    backfilled: t.flags.backfilled ? "true" : "false", bypassedDesk: t.flags.bypassed_desk ? "true" : "false",
                    reopenCount: String(t.reopen_count), source: t.source, sourceMadeSLA: t.source_made_sla.map { $0 ? "true" : "false" },
                    version: String(t.version))
                var events: [TicketEvent] = []
                for e in t.events {
                    events.append(try fields.event(ticket: ticket.id, at: e.at, actor: e.actor, kind: e.kind, changes: e.changes, note: e.note))
                }
                return .success(TicketHistory(ticket: ticket, events: events))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Where JSON that does not parse goes wrong: the decoder says only "not valid JSON", the
    /// serialiser says around which byte; that byte's line, and the byte, name the place.
    static func syntaxProblem(_ data: Data) -> (line: Int?, reason: String)? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "not valid JSON"
            guard let range = detail.range(of: "around character "),
                  let offset = Int(detail[range.upperBound...].prefix { $0.isNumber }), offset >= 0, offset <= data.count else {
                // "Unexpected end of file": the place is the end.
                let lines = data.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                return (lines, "invalid JSON at byte \(data.count) (the end of the file): \(detail)")
            }
            let line = data.prefix(offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let what = detail[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            return (line, "invalid JSON at byte \(offset + 1): \(what)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .dataCorrupted(context): return context.debugDescription + path(context.codingPath)
        case let .keyNotFound(key, context): return "no \"\(key.stringValue)\"" + path(context.codingPath)
        case let .typeMismatch(_, context), let .valueNotFound(_, context): return context.debugDescription + path(context.codingPath)
        @unknown default: return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "" : " at " + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// Turns text cells into a ticket and events, naming the place of a bad value.
    struct Fields {
        var file: String
        var line: Int?
        var what: String?

        init(file: String, line: Int?, what: String? = nil) {
            self.file = file
            self.line = line
            self.what = what
        }

        func issue(_ reason: String) -> InterchangeIssue {
            InterchangeIssue(file: file, line: line, reason: (what.map { "\($0): " } ?? "") + reason)
        }

        func raw<E: RawRepresentable>(_ column: String, _ text: String, _: E.Type) throws(InterchangeIssue) -> E where E.RawValue == String {
            guard let value = E(rawValue: text) else { throw issue("\(column) \"\(text)\" is not known") }
            return value
        }

        func date(_ column: String, _ text: String?) throws(InterchangeIssue) -> Date? {
            guard let text else { return nil }
            guard let date = ISO8601.parse(text) else { throw issue("\(column) \"\(text)\" is not an ISO 8601 instant") }
            return date
        }

        func int(_ column: String, _ text: String) throws(InterchangeIssue) -> Int {
            guard let value = Int(text) else { throw issue("\(column) \"\(text)\" is not a number") }
            return value
        }

        func bool(_ column: String, _ text: String) throws(InterchangeIssue) -> Bool {
            switch text {
            case "true": return true
            case "false": return false
            default: throw issue("\(column) \"\(text)\" is neither true nor false")
            }
        }

        func ticket(id: String, title: String, description: String, callerName: String, callerPhone: String?, callerDepartment: String?,
                    callerEmail: String? = nil, channel: String, priority: String, category: String?, affectedService: String?, state: String, tier: String,
                    assignee: String?, owner: String?, openedAt: String?, firstResponseAt: String?, resolvedAt: String?,
                    closedAt: String?, resolutionNote: String?, csatScore: String?, csatComment: String?, csatUnreachable: Bool,
                    sheetPrintedAt: String?, sheetSignedAt: String?, problem: String?, backfilled: String, bypassedDesk: String,
                    reopenCount: String, source: String?, sourceMadeSLA: String?, version: String) throws(InterchangeIssue) -> Ticket {
            guard let ticketID = TicketID(parsing: id) else { throw issue("id \"\(id)\" is not an incident ID") }
            guard let opened = try date("opened_at", openedAt) else { throw issue("opened_at is missing") }
            guard let source, !source.isEmpty else { throw issue("source is missing: a ShiftDesk export names every ticket's origin") }
            var satisfaction: Satisfaction?
            if csatUnreachable {
                satisfaction = .unreachable
            } else if let csatScore {
                let score = try int("csat_score", csatScore)
                guard Satisfaction.scores.contains(score) else { throw issue("csat_score \(score) is not 1 to 5") }
                satisfaction = .rated(score: score, comment: csatComment)
            }
            var problemID: ProblemID?
            if let problem {
                guard let parsed = ProblemID(parsing: problem) else { throw issue("problem \"\(problem)\" is not a problem ID") }
                problemID = parsed
            }
            return Ticket(
                id: ticketID, title: title, description: description,
                caller: Caller(name: callerName, phone: callerPhone, department: callerDepartment, email: callerEmail),
                channel: try raw("channel", channel, Channel.self), priority: try raw("priority", priority, Priority.self),
                category: category, affectedService: affectedService, state: try raw("state", state, TicketState.self),
                tier: try raw("tier", tier, Tier.self), assignee: assignee, owner: owner, openedAt: opened,
                firstResponseAt: try date("first_response_at", firstResponseAt), resolvedAt: try date("resolved_at", resolvedAt),
                closedAt: try date("closed_at", closedAt), resolutionNote: resolutionNote, satisfaction: satisfaction,
                onSiteSheet: OnSiteSheet(printedAt: try date("sheet_printed_at", sheetPrintedAt),
                                         signedAt: try date("sheet_signed_at", sheetSignedAt)),
                problem: problemID, backfilled: try bool("backfilled", backfilled), bypassedDesk: try bool("bypassed_desk", bypassedDesk),
                reopenCount: try int("reopen_count", reopenCount), source: source,
                sourceMadeSLA: try sourceMadeSLA.map { text throws(InterchangeIssue) in try bool("source_made_sla", text) },
                version: try int("version", version))
        }

        func event(ticket: TicketID, at: String, actor: String, kind: String, changes: String, note: String?) throws(InterchangeIssue) -> TicketEvent {
            let decoded: [FieldChange]
            do {
                decoded = try JSONDecoder().decode([FieldChange].self, from: Data(changes.utf8))
            } catch {
                throw issue("event_changes is not a JSON list of {field, before, after}")
            }
            return try event(ticket: ticket, at: at, actor: actor, kind: kind, changes: decoded, note: note)
        }

        func event(ticket: TicketID, at: String, actor: String, kind: String, changes: [FieldChange], note: String?) throws(InterchangeIssue) -> TicketEvent {
            guard let instant = try date("event_at", at) else { throw issue("event_at is missing") }
            return TicketEvent(ticket: ticket, actor: actor, at: instant, kind: try raw("event_kind", kind, EventKind.self),
                               changes: changes, note: note)
        }
    }
}
