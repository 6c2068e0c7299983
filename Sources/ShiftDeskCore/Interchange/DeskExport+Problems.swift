import Foundation

/// A problem as ShiftDesk's JSON export carries it: every field, its known error and its whole
/// history (format version 2; a file without problems stays version 1). Incidents are named by
/// their `source` keys (numbers change from desk to desk); the problem travels under its own
/// `source` (`shiftdesk:DESK:PRB-000001` for a problem raised at the exporting desk), so an
/// import keyed by it adds nothing the second time.
public struct ProblemHistory: Sendable, Hashable {
    /// As exported: `id` is the exporting desk's number (what its tickets' `problem` fields name).
    public var problem: Problem
    public var source: String
    /// Oldest first; each event's `incidents` is empty, its incidents' keys are in `incidentKeys`.
    public var events: [ProblemEvent]
    public var incidentKeys: [[String]]
    /// The source key of the problem a duplicate was merged into, if any.
    public var duplicateOfKey: String?

    public init(problem: Problem, source: String, events: [ProblemEvent], incidentKeys: [[String]], duplicateOfKey: String? = nil) {
        self.problem = problem
        self.source = source
        self.events = events
        self.incidentKeys = incidentKeys
        self.duplicateOfKey = duplicateOfKey
    }
}

extension DeskExport {
    /// The version of a JSON export that carries problems.
    public static let formatVersionWithProblems = 2

    /// The opening of a document with problems (`jsonOpening` without them).
    public static var jsonOpeningWithProblems: String {
        "{\"format\":\"\(formatName)\",\"version\":\(formatVersionWithProblems),\"tickets\":[\n"
    }
    /// Between the tickets and the problems (joined with `,\n`), then `jsonClosing`'s `\n]}\n`.
    public static let jsonProblemsOpening = "\n],\"problems\":[\n"

    /// The key a problem travels under.
    public static func origin(of problem: Problem, desk: String) -> String {
        problem.source ?? "shiftdesk:\(desk):\(problem.id)"
    }

    /// One problem of the JSON export. `ticketKey` gives an incident's source key.
    public static func jsonProblem(_ problem: Problem, events: [ProblemEvent], desk: String, problemKey: (ProblemID) -> String,
                                   ticketKey: (TicketID) -> String) -> String {
        func at(_ date: Date?) -> JSONValue { date.map { .string(ISO8601.formatPrecise($0)) } ?? .null }
        let known: JSONValue = problem.knownError.map { k in
            .object([("symptom", .string(k.symptom)), ("workaround", .string(k.workaround)), ("version", .int(Int64(k.version))),
                     ("published_by", .string(k.publishedBy)), ("published_at", at(k.publishedAt))])
        } ?? .null
        let value = JSONValue.object([
            ("id", .string(problem.id.description)),
            ("title", .string(problem.title)),
            ("owner", .string(problem.owner)),
            ("state", .string(problem.state.rawValue)),
            ("raised_by", .string(problem.raisedBy)),
            ("raised_at", at(problem.raisedAt)),
            ("reason", .string(problem.reason)),
            ("cause", .string(problem.cause)),
            ("root_cause_at", at(problem.rootCauseAt)),
            ("resolution", .string(problem.resolution?.rawValue)),
            ("resolution_note", .string(problem.resolutionNote)),
            ("duplicate_of", .string(problem.duplicateOf.map(problemKey))),
            ("resolved_at", at(problem.resolvedAt)),
            ("closed_at", at(problem.closedAt)),
            ("known_error", known),
            ("source", .string(origin(of: problem, desk: desk))),
            ("version", .int(Int64(problem.version))),
            ("events", .array(events.map { event in
                .object([
                    ("at", at(event.at)),
                    ("actor", .string(event.actor)),
                    ("kind", .string(event.kind.rawValue)),
                    ("changes", .array(event.changes.map { change in
                        .object([("field", .string(change.field)), ("before", .string(change.before)), ("after", .string(change.after))])
                    })),
                    ("note", .string(event.note)),
                    ("incidents", .array(event.incidents.map { .string(ticketKey($0)) })),
                ])
            })),
        ])
        return value.serialized()
    }

    private struct ProblemsDocument: Decodable {
        var version: Int
        var problems: [JSONProblem]?
    }

    private struct JSONProblem: Decodable {
        struct KnownJSON: Decodable { var symptom: String; var workaround: String; var version: Int; var published_by: String; var published_at: String }
        struct EventJSON: Decodable {
            var at: String; var actor: String; var kind: String; var changes: [FieldChange]; var note: String?; var incidents: [String]
        }
        var id: String
        var title: String
        var owner: String?
        var state: String
        var raised_by: String
        var raised_at: String
        var reason: String?
        var cause: String?
        var root_cause_at: String?
        var resolution: String?
        var resolution_note: String?
        var duplicate_of: String?
        var resolved_at: String?
        var closed_at: String?
        var known_error: KnownJSON?
        var source: String
        var version: Int
        var events: [EventJSON]
    }

    /// The problems of a ShiftDesk JSON export (none in a version 1 file). The document itself
    /// was checked by ``histories(json:file:)``; a problem with a bad value is an issue naming it.
    public static func problems(json data: Data, file: String) throws(InterchangeIssue) -> [Result<ProblemHistory, InterchangeIssue>] {
        let document: ProblemsDocument
        do {
            document = try JSONDecoder().decode(ProblemsDocument.self, from: data)
        } catch let error as DecodingError {
            throw InterchangeIssue(file: file, line: nil, reason: "not a ShiftDesk JSON export: \(describe(error))")
        } catch {
            throw InterchangeIssue(file: file, line: nil, reason: "not a ShiftDesk JSON export: \(error)")
        }
        return (document.problems ?? []).enumerated().map { position, p in
            let fields = Fields(file: file, line: nil, what: "problem \(position + 1) (\(p.id))")
            do throws(InterchangeIssue) {
                guard let id = ProblemID(parsing: p.id) else { throw fields.issue("id \"\(p.id)\" is not a problem ID") }
                guard let state = ProblemState(stored: p.state) else { throw fields.issue("state \"\(p.state)\" is not known") }
                guard let raisedAt = try fields.date("raised_at", p.raised_at) else { throw fields.issue("raised_at is missing") }
                guard !p.source.isEmpty else { throw fields.issue("source is missing: a ShiftDesk export names every problem's origin") }
                var known: KnownError?
                if let k = p.known_error {
                    guard let published = try fields.date("known_error.published_at", k.published_at) else { throw fields.issue("known_error.published_at is missing") }
                    known = KnownError(symptom: k.symptom, workaround: k.workaround, version: k.version, publishedBy: k.published_by, publishedAt: published)
                }
                let problem = Problem(
                    id: id, title: p.title, owner: p.owner, state: state, raisedBy: p.raised_by, raisedAt: raisedAt, reason: p.reason,
                    cause: p.cause, rootCauseAt: try fields.date("root_cause_at", p.root_cause_at),
                    resolution: try p.resolution.map { text throws(InterchangeIssue) in try fields.raw("resolution", text, ProblemResolution.self) },
                    resolutionNote: p.resolution_note, duplicateOf: nil, resolvedAt: try fields.date("resolved_at", p.resolved_at),
                    closedAt: try fields.date("closed_at", p.closed_at), knownError: known, version: p.version)
                var events: [ProblemEvent] = []
                var keys: [[String]] = []
                for e in p.events {
                    guard let instant = try fields.date("event at", e.at) else { throw fields.issue("an event without its instant") }
                    events.append(ProblemEvent(problem: id, actor: e.actor, at: instant, kind: try fields.raw("event kind", e.kind, ProblemEventKind.self),
                                               changes: e.changes, note: e.note))
                    keys.append(e.incidents)
                }
                guard events.first?.kind == .raised else { throw fields.issue("its history does not start with its raising") }
                for (index, text) in [p.title, p.reason, p.cause, p.resolution_note, p.known_error?.symptom, p.known_error?.workaround].enumerated() {
                    guard let text else { continue }
                    let field: TextField = [.problemTitle, .note, .rootCause, .resolution, .symptom, .workaround][index]
                    if let violation = field.check(text) { throw fields.issue(violation.message(.en)) }
                }
                return .success(ProblemHistory(problem: problem, source: p.source, events: events, incidentKeys: keys, duplicateOfKey: p.duplicate_of))
            } catch {
                return .failure(error)
            }
        }
    }
}
