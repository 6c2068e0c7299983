import Foundation
import ShiftDeskCore
import Synchronization
import TOMLKit

/// The SLA policy file (DESIGN.md, "SLA and escalation"):
///
/// ```toml
/// timezone = "Asia/Shanghai"               # default: the desk's zone
///
/// [calendars.office]
/// hours = ["09:00-12:00", "13:30-18:00"]   # required, one or more spans per working day
/// days = ["mon", "tue", "wed", "thu", "fri"]   # default: mon-fri
/// holidays = ["2026-10-01"]                # whole days off (strings or TOML dates)
/// workdays = ["2026-10-10"]                # make-up working days (调休)
/// timezone = "Asia/Shanghai"               # optional, default: the file's timezone
///
/// [priorities.minor]
/// calendar = "office"                      # default "24x7"
/// respond_within = "30m"
/// resolve_within = "4h"
/// [[priorities.minor.escalate]]
/// after = "4h"
/// notify = ["incident_manager"]
/// via = ["email"]                          # default ["email"]
///
/// [clocks]
/// problem_pauses = false                   # an incident waiting on a problem: true pauses both
///                                          # clocks (as for the customer); default false (they run, as for a vendor)
///
/// [roster]                                 # the notification roster: who each role's mail goes to
/// incident_manager = ["im@desk.example"]   # (every seat and escalator addresses role mail from
/// service_report_manager = ["reports@desk.example"]  # the roster in force when it is sent)
/// ```
///
/// The file is merged over the built-in duty table: a priority the file does not
/// name keeps the duty table's settings; within a named priority, a key the file
/// omits keeps the duty table's value, and `escalate`, when present, replaces the
/// whole ladder (levels numbered 1, 2, … in file order; `after` must not decrease).
public enum PolicyFile {
    /// The policy in `contents`; `path` names the file in errors.
    /// `defaultTimeZone` is the desk's zone, used when the file names none.
    ///
    /// A text already read is answered from memory (``ReadPolicies``): a console, an escalator or
    /// `serve` reads the desk's policy record at every refresh, and TOMLKit never frees the
    /// tables it parses.
    public static func load(contents: String, path: String,
                            defaultTimeZone: TimeZone = .current) throws(PolicyError) -> SLAPolicy {
        let key = ReadPolicies.Key(contents: contents, path: path, zone: defaultTimeZone.identifier)
        if let known = ReadPolicies.shared.result(for: key) { return try known.get() }
        var loader = Loader(path: path, source: contents, defaultTimeZone: defaultTimeZone)
        let result: Result<SLAPolicy, PolicyError>
        do throws(PolicyError) { result = .success(try loader.load()) } catch { result = .failure(error) }
        ReadPolicies.shared.remember(result, for: key)
        return try result.get()
    }

    /// The text of the policy file at `path`, refused with its line and byte when it is not UTF-8 text.
    public static func text(path: String) throws(PolicyError) -> String {
        try TextFile.text(try TextFile.read(path, what: "the policy file"), path: path)
    }

    /// Reads and loads the file at `path`.
    public static func load(path: String, defaultTimeZone: TimeZone = .current) throws(PolicyError) -> SLAPolicy {
        try load(data: try TextFile.read(path, what: "the policy file"), path: path, defaultTimeZone: defaultTimeZone)
    }

    /// The policy in the bytes of a file: refused with its line and byte when they are not UTF-8 text.
    public static func load(data: Data, path: String, defaultTimeZone: TimeZone = .current) throws(PolicyError) -> SLAPolicy {
        try load(contents: try TextFile.text(data, path: path), path: path, defaultTimeZone: defaultTimeZone)
    }
}

/// Reading the files of this module: what cannot be read, or is not text, is named with the
/// file, and for text the line and byte.
enum TextFile {
    static func read(_ path: String, what: String) throws(PolicyError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PolicyError(path: path, line: nil, kind: .unreadable, reason: "cannot read \(what): \(error.localizedDescription)")
        }
    }

    static func text(_ data: Data, path: String) throws(PolicyError) -> String {
        switch TextFileBytes.decode(data) {
        case let .success(text): return text
        case let .failure(problem): throw PolicyError(path: path, line: problem.line, kind: .syntax, reason: problem.description)
        }
    }
}

struct Loader {
    let path: String
    let source: String
    let defaultTimeZone: TimeZone
    let locator: SourceLocator

    init(path: String, source: String, defaultTimeZone: TimeZone) {
        self.path = path; self.source = source; self.defaultTimeZone = defaultTimeZone
        self.locator = SourceLocator(source)
    }

    // MARK: errors

    func error(_ kind: PolicyError.Kind, _ reason: String, at keyPath: [String], value: String? = nil) -> PolicyError {
        let line = value.flatMap { locator.line(ofValue: $0, at: keyPath) } ?? locator.line(of: keyPath) ?? 1
        return PolicyError(path: path, line: line, kind: kind, reason: reason)
    }

    static func quoted(_ s: String) -> String { "\"\(s)\"" }

    func tableName(_ p: [String]) -> String {
        var out = ""
        for c in p {
            if c.hasPrefix("#") { out += "[\(Int(c.dropFirst()).map { $0 + 1 } ?? 0)]" } else { out += out.isEmpty ? c : ".\(c)" }
        }
        return out
    }

    func checkKeys(_ table: TOMLTable, allowed: [String], at p: [String]) throws(PolicyError) {
        for key in table.keys where !allowed.contains(key) {
            let where_ = p.isEmpty ? "at the top of the file" : "in [\(tableName(p))]"
            throw error(.unknownKey, "unknown key \"\(key)\" \(where_) (known: \(allowed.sorted().joined(separator: ", ")))", at: p + [key])
        }
    }

    // MARK: typed values

    func string(_ v: TOMLValueConvertible, at p: [String], hint: String) throws(PolicyError) -> String {
        guard let s = v.string else {
            throw error(.wrongType, "\(tableName(p)) must be a string, like \(hint)", at: p)
        }
        return s
    }

    /// Addresses per recipient role (`incident_manager = ["im@desk.example"]`), every one an e-mail address.
    func roster(_ v: TOMLValueConvertible, at p: [String]) throws(PolicyError) -> RecipientDirectory {
        let roles = try table(v, at: p)
        var roster = RecipientDirectory()
        for key in roles.keys {
            let at = p + [key]
            guard let role = RecipientRole(rawValue: key) else {
                throw error(.unknownRole, "unknown role \"\(key)\" in [\(tableName(p))] (known: \(RecipientRole.allCases.map(\.rawValue).joined(separator: ", ")))", at: at)
            }
            guard let addressesValue = roles[key] else { continue }
            let addresses = try strings(addressesValue, at: at, hint: "[\"im@desk.example\"]")
            if let bad = addresses.first(where: { TextField.email.check($0) != nil }) {
                throw error(.wrongType, "\"\(bad)\" in \(tableName(at)) is not an e-mail address", at: at)
            }
            roster.addresses[role] = addresses
        }
        return roster
    }

    func table(_ v: TOMLValueConvertible, at p: [String]) throws(PolicyError) -> TOMLTable {
        guard let t = v.table else {
            throw error(.wrongType, "\(tableName(p)) must be a table, like [\(tableName(p))]", at: p)
        }
        return t
    }

    func strings(_ v: TOMLValueConvertible, at p: [String], hint: String) throws(PolicyError) -> [String] {
        guard let a = v.array else {
            throw error(.wrongType, "\(tableName(p)) must be a list, like \(hint)", at: p)
        }
        var out: [String] = []
        for item in a {
            guard let s = item.string else {
                throw error(.wrongType, "\(tableName(p)) must be a list of strings, like \(hint)", at: p)
            }
            out.append(s)
        }
        return out
    }

    /// Dates as strings `"2026-10-01"` or TOML dates `2026-10-01`; each with the literal to locate it.
    func dates(_ v: TOMLValueConvertible, at p: [String]) throws(PolicyError) -> [(LocalDate, String)] {
        let hint = "[\"2026-10-01\", \"2026-10-02\"]"
        guard let a = v.array else {
            throw error(.wrongType, "\(tableName(p)) must be a list of dates, like \(hint)", at: p)
        }
        var out: [(LocalDate, String)] = []
        for item in a {
            if let d = item.date {
                guard let l = LocalDate(year: d.year, month: d.month, day: d.day) else {
                    throw error(.badDate, "bad date in \(tableName(p))", at: p)
                }
                out.append((l, l.description))
            } else if let s = item.string {
                do {
                    out.append((try LocalDate.parse(s), Loader.quoted(s)))
                } catch {
                    throw self.error(.badDate, "\(tableName(p)): \(error.description)", at: p, value: Loader.quoted(s))
                }
            } else {
                throw error(.wrongType, "\(tableName(p)) must be a list of dates, like \(hint)", at: p)
            }
        }
        return out
    }

    func duration(_ v: TOMLValueConvertible, at p: [String]) throws(PolicyError) -> TimeInterval {
        guard let s = v.string else {
            throw error(.wrongType, "\(tableName(p)) must be a duration in quotes, like \"30m\", \"2h\" or \"1h30m\"", at: p)
        }
        do {
            return try SLADuration.parse(s).timeInterval
        } catch {
            throw self.error(.badDuration, "\(tableName(p)): \(error.description)", at: p)
        }
    }

    func timeZone(_ v: TOMLValueConvertible, at p: [String]) throws(PolicyError) -> TimeZone {
        let id = try string(v, at: p, hint: "\"Asia/Shanghai\"")
        guard let z = TimeZone(identifier: id), id.contains("/") || id == "UTC" || id == "GMT" else {
            throw error(.unknownTimeZone, "unknown time zone \"\(id)\" (use an IANA name, like \"Asia/Shanghai\" or \"Europe/Berlin\", or \"UTC\")", at: p)
        }
        return z
    }

    // MARK: the file

    /// The parsed document, or the syntax error with its line.
    func parse() throws(PolicyError) -> TOMLTable {
        // The parser reads a C string: a NUL would silently end the file there.
        if let nul = TextFileBytes.firstNUL(in: source) {
            throw PolicyError(path: path, line: nul.line, kind: .syntax, reason: nul.description)
        }
        // A header the parser would abort on (`[中]`): refused before it gets there.
        if let header = TOMLGuard.firstBadHeader(in: source) {
            throw PolicyError(path: path, line: header.line, kind: .syntax, reason: header.description)
        }
        do {
            return try TOMLTable(string: source)
        } catch let e as TOMLParseError {
            throw PolicyError(path: path, line: max(1, e.source.begin.line), kind: .syntax,
                              reason: "TOML syntax error at column \(e.source.begin.column): \(e.description)")
        } catch {
            throw PolicyError(path: path, line: 1, kind: .syntax, reason: "TOML syntax error: \(error)")
        }
    }

    mutating func load() throws(PolicyError) -> SLAPolicy {
        let root = try parse()
        try checkKeys(root, allowed: ["timezone", "calendars", "priorities", "clocks", "roster"], at: [])

        let zone = try root["timezone"].map { v throws(PolicyError) in try timeZone(v, at: ["timezone"]) } ?? defaultTimeZone

        var calendars: [String: WorkingCalendar] = [:]
        if let v = root["calendars"] {
            let cals = try table(v, at: ["calendars"])
            for name in cals.keys {
                guard let cv = cals[name] else { continue }
                let p = ["calendars", name]
                if name == SLAPolicy.twentyFourSevenName {
                    throw error(.invalidCalendar, "the calendar \"24x7\" is built in and cannot be redefined; give yours another name", at: p)
                }
                calendars[name] = try calendar(try table(cv, at: p), at: p, zone: zone)
            }
        }
        let known = (Array(calendars.keys) + [SLAPolicy.twentyFourSevenName]).sorted()

        var priorities = SLAPolicy.dutyTablePriorities
        if let v = root["priorities"] {
            let prios = try table(v, at: ["priorities"])
            for name in prios.keys {
                let p = ["priorities", name]
                guard let priority = Priority(rawValue: name) else {
                    throw error(.unknownPriority, "unknown priority \"\(name)\" (known: \(Priority.allCases.map(\.rawValue).joined(separator: ", ")))", at: p)
                }
                guard let pv = prios[name], let base = priorities[priority] else { continue }
                priorities[priority] = try priorityPolicy(try table(pv, at: p), at: p, base: base, knownCalendars: known)
            }
        }
        var problemPauses = false
        if let v = root["clocks"] {
            let clocks = try table(v, at: ["clocks"])
            try checkKeys(clocks, allowed: ["problem_pauses"], at: ["clocks"])
            if let pv = clocks["problem_pauses"] {
                guard let flag = pv.bool else {
                    throw error(.wrongType, "clocks.problem_pauses must be true or false (without quotes): true pauses the clocks of an incident waiting on a problem, false lets them run", at: ["clocks", "problem_pauses"])
                }
                problemPauses = flag
            }
        }
        let roster = try root["roster"].map { v throws(PolicyError) in try self.roster(v, at: ["roster"]) }
        do {
            var policy = try SLAPolicy(timeZone: zone, calendars: calendars, priorities: priorities)
            policy.problemPausesClocks = problemPauses
            policy.roster = roster
            return policy
        } catch {
            // Unknown calendars were checked above; this is a safety net.
            throw PolicyError(path: path, line: 1, kind: .unknownCalendar, reason: error.description)
        }
    }

    func calendar(_ t: TOMLTable, at p: [String], zone fileZone: TimeZone) throws(PolicyError) -> WorkingCalendar {
        try checkKeys(t, allowed: ["hours", "days", "holidays", "workdays", "timezone"], at: p)
        let zone = try t["timezone"].map { v throws(PolicyError) in try timeZone(v, at: p + ["timezone"]) } ?? fileZone

        guard let hv = t["hours"] else {
            throw error(.missingKey, "calendar \"\(p[1])\" needs hours, e.g. hours = [\"09:00-12:00\", \"13:30-18:00\"]", at: p)
        }
        let hoursPath = p + ["hours"]
        var spans: [DailySpan] = []
        for text in try strings(hv, at: hoursPath, hint: "[\"09:00-12:00\", \"13:30-18:00\"]") {
            do {
                spans.append(try DailySpan.parse(text))
            } catch {
                let kind: PolicyError.Kind = if case .spanEndNotAfterStart = error { .spanEndBeforeStart } else { .badSpan }
                throw self.error(kind, "calendar \"\(p[1])\": \(error.description)", at: hoursPath, value: Loader.quoted(text))
            }
        }

        var weekdays: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri]
        if let dv = t["days"] {
            weekdays = []
            for text in try strings(dv, at: p + ["days"], hint: "[\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]") {
                do {
                    weekdays.insert(try Weekday.parse(text))
                } catch {
                    throw self.error(.badWeekday, "calendar \"\(p[1])\": \(error.description)", at: p + ["days"], value: Loader.quoted(text))
                }
            }
        }
        let holidays = try t["holidays"].map { v throws(PolicyError) in try dates(v, at: p + ["holidays"]) } ?? []
        let workdays = try t["workdays"].map { v throws(PolicyError) in try dates(v, at: p + ["workdays"]) } ?? []

        do {
            return try WorkingCalendar(timeZone: zone, spans: spans, weekdays: weekdays,
                                       holidays: Set(holidays.map(\.0)), workdays: Set(workdays.map(\.0)))
        } catch {
            let reason = "calendar \"\(p[1])\": \(error.description)"
            switch error {
            case .overlappingSpans(_, let b):
                throw self.error(.overlappingSpans, reason, at: hoursPath, value: Loader.quoted(b))
            case .spanEndNotAfterStart(let s):
                throw self.error(.spanEndBeforeStart, reason, at: hoursPath, value: Loader.quoted(s))
            case .badSpan(let s, _):
                throw self.error(.badSpan, reason, at: hoursPath, value: Loader.quoted(s))
            case .holidayAndWorkday(let d):
                let literal = workdays.first { $0.0 == d }?.1
                throw self.error(.invalidCalendar, reason, at: p + ["workdays"], value: literal)
            case .noSpans:
                throw self.error(.invalidCalendar, reason, at: hoursPath)
            case .noWeekdays:
                throw self.error(.invalidCalendar, reason, at: t["days"] == nil ? p : p + ["days"])
            case .badDate:
                throw self.error(.badDate, reason, at: p)
            case .badWeekday:
                throw self.error(.badWeekday, reason, at: p + ["days"])
            }
        }
    }

    func priorityPolicy(_ t: TOMLTable, at p: [String], base: PriorityPolicy, knownCalendars: [String]) throws(PolicyError) -> PriorityPolicy {
        try checkKeys(t, allowed: ["calendar", "respond_within", "resolve_within", "escalate"], at: p)
        var result = base
        if let cv = t["calendar"] {
            let name = try string(cv, at: p + ["calendar"], hint: "\"office\"")
            guard knownCalendars.contains(name) else {
                throw error(.unknownCalendar, "unknown calendar \"\(name)\" (known: \(knownCalendars.joined(separator: ", ")))", at: p + ["calendar"])
            }
            result.calendar = name
        }
        if let v = t["respond_within"] { result.respondWithin = try duration(v, at: p + ["respond_within"]) }
        if let v = t["resolve_within"] { result.resolveWithin = try duration(v, at: p + ["resolve_within"]) }
        if let ev = t["escalate"] {
            guard let steps = ev.array else {
                throw error(.wrongType, "\(tableName(p + ["escalate"])) must be a list of steps, written [[\(tableName(p + ["escalate"]))]]", at: p + ["escalate"])
            }
            var ladder: [EscalationStep] = []
            for (i, sv) in steps.enumerated() {
                let sp = p + ["escalate", "#\(i)"]
                ladder.append(try step(try table(sv, at: sp), at: sp, level: i + 1, previous: ladder.last))
            }
            result.escalation = ladder
        }
        return result
    }

    func step(_ t: TOMLTable, at p: [String], level: Int, previous: EscalationStep?) throws(PolicyError) -> EscalationStep {
        try checkKeys(t, allowed: ["after", "notify", "via"], at: p)
        guard let av = t["after"] else {
            throw error(.missingKey, "escalation step \(level) of \(p[1]) needs after, e.g. after = \"2h\" (\"0m\" = at once)", at: p)
        }
        let after = try duration(av, at: p + ["after"])
        if let prev = previous, after < prev.after {
            throw error(.invalidLadder, "escalation step \(level) of \(p[1]) comes after \(SLADuration.format(after)) but step \(prev.level) after \(SLADuration.format(prev.after)); list the steps in order", at: p + ["after"])
        }
        guard let nv = t["notify"] else {
            throw error(.missingKey, "escalation step \(level) of \(p[1]) needs notify, e.g. notify = [\"incident_manager\"]", at: p)
        }
        let roleHint = "[\"incident_manager\"]"
        var notify: [RecipientRole] = []
        for name in try strings(nv, at: p + ["notify"], hint: roleHint) {
            guard let r = RecipientRole(rawValue: name), RecipientRole.escalation.contains(r) else {
                throw error(.unknownRole, "unknown recipient role \"\(name)\" (known: \(RecipientRole.escalation.map(\.rawValue).joined(separator: ", ")))", at: p + ["notify"], value: Loader.quoted(name))
            }
            if !notify.contains(r) { notify.append(r) }
        }
        if notify.isEmpty {
            throw error(.missingKey, "escalation step \(level) of \(p[1]) notifies nobody; name at least one role", at: p + ["notify"])
        }
        var via: [ContactMethod] = [.email]
        if let vv = t["via"] {
            via = []
            for name in try strings(vv, at: p + ["via"], hint: "[\"email\"] or [\"phone\", \"email\"]") {
                guard let m = ContactMethod(rawValue: name), ContactMethod.escalationMethods.contains(m) else {
                    throw error(.unknownContactMethod, "unknown via \"\(name)\" (known: phone, email)", at: p + ["via"], value: Loader.quoted(name))
                }
                if !via.contains(m) { via.append(m) }
            }
            if via.isEmpty {
                throw error(.missingKey, "escalation step \(level) of \(p[1]) has an empty via; use [\"email\"], [\"phone\"] or both", at: p + ["via"])
            }
        }
        return EscalationStep(level: level, after: after, notify: notify, via: via)
    }
}

/// The policies this process has read, by their text: TOMLKit's `TOMLTable` has no `deinit` and
/// its C side no way to free a table, so every parse keeps the whole tree for the life of the
/// process. A console that read the policy record at every change grew by it all shift long
/// (heaptrack: 1.7 MB in its first three minutes on the 128k demo desk). A desk has a handful
/// of policy versions; the few most recently read texts are kept, with what reading them gave.
final class ReadPolicies: Sendable {
    struct Key: Hashable, Sendable {
        var contents: String
        var path: String
        var zone: String
    }

    static let shared = ReadPolicies(capacity: 32)

    private let capacity: Int
    private let read = Mutex<(results: [Key: Result<SLAPolicy, PolicyError>], order: [Key])>(([:], []))

    init(capacity: Int) { self.capacity = capacity }

    func result(for key: Key) -> Result<SLAPolicy, PolicyError>? {
        read.withLock { $0.results[key] }
    }

    func remember(_ result: Result<SLAPolicy, PolicyError>, for key: Key) {
        read.withLock { read in
            guard read.results.updateValue(result, forKey: key) == nil else { return }
            read.order.append(key)
            if read.order.count > capacity { read.results[read.order.removeFirst()] = nil }
        }
    }

    var count: Int { read.withLock { $0.results.count } }
}
