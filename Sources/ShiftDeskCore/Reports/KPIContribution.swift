import Foundation

/// One incident's share of every figure of a report: what ``KPIAccumulator`` adds for it, but
/// for its escalation steps and phone calls (counted from the steps themselves) and the aging of
/// the backlog (from when it was opened and the period's end). Flags are 0 or 1, so `count`
/// incidents with the same share add `count` times each field.
public struct KPIContribution: Hashable, Sendable {
    /// A line's share (L1 or L2): the fields of ``KPI``'s `line.*` figures.
    public struct Line: Hashable, Sendable {
        public var taken = 0, resolved = 0, pastSLA = 0, escalated = 0, printed = 0, signed = 0, rated = 0, passed = 0

        var fields: [Int] { [taken, resolved, pastSLA, escalated, printed, signed, rated, passed] }

        init() {}

        init?(_ values: ArraySlice<Int>) {
            guard values.count == 8 else { return nil }
            let v = Array(values)
            (taken, resolved, pastSLA, escalated, printed, signed, rated, passed) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])
        }
    }

    /// An operator's events in the period that count as workload.
    public struct Work: Hashable, Sendable {
        public var taken = 0, resolved = 0, escalated = 0, closed = 0, notes = 0

        var fields: [Int] { [taken, resolved, escalated, closed, notes] }
    }

    public var priority: Priority
    public var takenByDesk = 0, firstContact = 0
    public var closed = 0, closedOnTime = 0
    /// The closing survey: 0 for "customer unreachable", else the score 1…5; nil when neither.
    public var survey: Int?
    public var l1 = Line(), l2 = Line()
    public var imHandled = 0, turnedIntoProblems = 0, backfilled = 0, bypassed = 0, opened = 0
    public var responded = 0, respondedOnTime = 0, resolved = 0, resolvedOnTime = 0, reopened = 0
    /// Resolution events in the period (`reopen.rate`'s denominator); ``reopened`` counts the
    /// reopen events in the period (its numerator).
    public var resolutions = 0
    /// Open at the period's end (in the backlog).
    public var backlog = 0
    /// Hours from opening to the last resolution, when that falls in the period.
    public var hours: Double?
    /// Workload per login.
    public var work: [String: Work] = [:]
    /// Every login whose role the share depended on, with that role (`""`: not an operator).
    public var roles: [String: String] = [:]

    public init(priority: Priority) { self.priority = priority }

    var counts: [Int] {
        [takenByDesk, firstContact, closed, closedOnTime, survey ?? -1] + l1.fields + l2.fields
            + [imHandled, turnedIntoProblems, backfilled, bypassed, opened, responded, respondedOnTime, resolved, resolvedOnTime,
               reopened, backlog, resolutions]
    }
}

/// A ``KPIContribution`` (less its hours, kept per incident) with the policy it was judged by, as
/// a text a store keeps once and incidents name by its hash: `k2|POLICY|PRIORITY|COUNTS|ROLES|WORK`.
/// (`k1`, before `line.past_sla` judged each resolution at its instant and `reopen.rate` counted
/// resolutions, is no longer accepted: incidents summarised under it are replayed.)
/// Logins are percent-encoded, so any text a source system put in an actor survives.
public struct KPISignature: Hashable, Sendable {
    /// ``KPISummary/hash(_:)`` of the policy's fingerprint.
    public var policy: Int64
    public var contribution: KPIContribution

    public init(policy: Int64, contribution: KPIContribution) {
        self.policy = policy
        var share = contribution
        share.hours = nil
        self.contribution = share
    }

    public var text: String {
        let c = contribution
        let roles = c.roles.sorted { $0.key < $1.key }.map { Self.escape($0.key) + "=" + $0.value }.joined(separator: ",")
        let work = c.work.sorted { $0.key < $1.key }
            .map { Self.escape($0.key) + "=" + $0.value.fields.map(String.init).joined(separator: ".") }.joined(separator: ",")
        return ["k2", String(UInt64(bitPattern: policy), radix: 16), c.priority.rawValue,
                c.counts.map(String.init).joined(separator: ","), roles, work].joined(separator: "|")
    }

    /// Reads ``text``; nil when it is not one (the incidents naming it are then replayed).
    public init?(text: String) {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "k2", let policy = UInt64(parts[1], radix: 16),
              let priority = Priority(rawValue: String(parts[2])) else { return nil }
        let numbers = parts[3].split(separator: ",").compactMap { Int($0) }
        guard numbers.count == 33, let l1 = KPIContribution.Line(numbers[5..<13]), let l2 = KPIContribution.Line(numbers[13..<21]) else {
            return nil
        }
        var c = KPIContribution(priority: priority)
        (c.takenByDesk, c.firstContact, c.closed, c.closedOnTime) = (numbers[0], numbers[1], numbers[2], numbers[3])
        c.survey = numbers[4] < 0 ? nil : numbers[4]
        guard (c.survey ?? 0) <= 5 else { return nil }
        c.l1 = l1
        c.l2 = l2
        (c.imHandled, c.turnedIntoProblems, c.backfilled, c.bypassed, c.opened) = (numbers[21], numbers[22], numbers[23], numbers[24], numbers[25])
        (c.responded, c.respondedOnTime, c.resolved, c.resolvedOnTime) = (numbers[26], numbers[27], numbers[28], numbers[29])
        (c.reopened, c.backlog, c.resolutions) = (numbers[30], numbers[31], numbers[32])
        for entry in parts[4].split(separator: ",") {
            let pair = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, let login = Self.unescape(pair[0]) else { return nil }
            c.roles[login] = String(pair[1])
        }
        for entry in parts[5].split(separator: ",") {
            let pair = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, let login = Self.unescape(pair[0]) else { return nil }
            let counts = pair[1].split(separator: ".").compactMap { Int($0) }
            guard counts.count == 5 else { return nil }
            c.work[login] = KPIContribution.Work(taken: counts[0], resolved: counts[1], escalated: counts[2], closed: counts[3], notes: counts[4])
        }
        self.policy = Int64(bitPattern: policy)
        contribution = c
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    static func escape(_ login: String) -> String {
        guard !login.utf8.allSatisfy(isPlain) else { return login }
        var out = ""
        for byte in login.utf8 {
            if isPlain(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    static func unescape(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
