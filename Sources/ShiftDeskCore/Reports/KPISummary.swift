import Foundation

/// What a report covers: from the period's start to its end, or to now when the period is not
/// over yet (the end of ``KPIAccumulator``).
public struct KPIWindow: Sendable, Hashable {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }
}

/// An incident's share of the KPIs kept when it is written, so that a report adds it without
/// reading and replaying the incident.
///
/// The share is ``KPIAccumulator/contribution(of:start:end:roles:policy:evaluatingSLA:)`` of the
/// whole history for a period that contains all of it: its **span**, from the earliest to the
/// latest of its events, its opening, its first response and its resolution. For any report whose
/// period contains the span, nothing in the share depends on the period's start, and it depends
/// on the period's end only through the SLA clocks still running at the end of the span (breached
/// once the end passes their deadline) and the backlog's aging (computed from ``openedAt``). So
/// the summary holds one share per stretch of possible ends between those deadlines
/// (``pieces``), each named by its ``KPISignature`` (which carries the policy and the roles it
/// was judged with) and the hours to resolve.
///
/// A report uses a summary only when the span lies inside its period and the policy and roles
/// are still the same; everything else (an incident crossing the period's start or end, a changed
/// role or policy, an incident written without a summary) is replayed from its events, and an
/// incident whose span ends before the period only counts in the backlog, when it is open.
public struct KPISummary: Hashable, Sendable {
    public struct Piece: Hashable, Sendable {
        /// The piece holds for reports ending after `after` (nil: any end after the span) and at
        /// or before `through` (nil: however late).
        public var after: Date?
        public var through: Date?
        public var signature: String
        public var hours: Double?

        public init(after: Date?, through: Date?, signature: String, hours: Double?) {
            self.after = after
            self.through = through
            self.signature = signature
            self.hours = hours
        }

        public func holds(at end: Date) -> Bool {
            (after.map { end > $0 } ?? true) && (through.map { end <= $0 } ?? true)
        }
    }

    public var spanStart: Date
    public var spanEnd: Date
    public var openedAt: Date
    /// Open at the end of every period the span ends in (replayed from its events).
    public var backlog: Bool
    /// The fingerprint of the SLA policy it was judged by.
    public var policy: String
    /// One piece for an incident no longer open; a still running clock adds one per deadline.
    public var pieces: [Piece]

    public init(spanStart: Date, spanEnd: Date, openedAt: Date, backlog: Bool, policy: String, pieces: [Piece]) {
        self.spanStart = spanStart
        self.spanEnd = spanEnd
        self.openedAt = openedAt
        self.backlog = backlog
        self.policy = policy
        self.pieces = pieces
    }

    /// The summary of an incident's whole history, judged with `roles` and `policy` (whose
    /// ``SLAPolicy/fingerprint`` is `fingerprint`). Its events must be as the store gives them
    /// back: instants as stored, ids in the order they are (or will be) stored.
    public static func make(_ item: ReportTicket, roles: [String: Role], policy: SLAPolicy, fingerprint: String) -> KPISummary {
        make(item, roles: roles, policies: PolicyTimeline(policy), fingerprint: fingerprint)
    }

    /// As above, under every policy version with the instant it took force (whose
    /// ``PolicyTimeline/fingerprint`` is `fingerprint`).
    public static func make(_ item: ReportTicket, roles: [String: Role], policies policy: PolicyTimeline, fingerprint: String) -> KPISummary {
        let ticket = item.ticket
        let instants = item.events.map(\.at) + [ticket.openedAt, ticket.firstResponseAt, ticket.resolvedAt].compactMap { $0 }
        let spanStart = instants.min() ?? ticket.openedAt
        let spanEnd = instants.max() ?? ticket.openedAt
        let policyHash = hash(fingerprint)
        func share(endingAt end: Date, evaluatingSLA: Bool = false) -> (contribution: KPIContribution, evaluation: SLAEvaluation?) {
            KPIAccumulator.contribution(of: item, start: spanStart, end: end, roles: roles, policy: policy, evaluatingSLA: evaluatingSLA)
        }
        // Deadlines do not move with the end a clock is judged at; past one, a clock still
        // running at the end of the span is breached.
        let probe = share(endingAt: spanEnd.addingTimeInterval(1), evaluatingSLA: true)
        let deadlines = [probe.evaluation?.response.deadline, probe.evaluation?.resolution.deadline].compactMap { $0 }
        let bounds = Array(Set(deadlines.filter { $0 > spanEnd })).sorted()
        var pieces: [Piece] = []
        var lower: Date?
        for bound in bounds.map(Optional.some) + [nil] {
            let end = bound ?? (lower ?? spanEnd).addingTimeInterval(1)
            // Without deadlines ahead, the probe was made at this very end.
            let contribution = bounds.isEmpty ? probe.contribution : share(endingAt: end).contribution
            let piece = Piece(after: lower, through: bound, signature: KPISignature(policy: policyHash, contribution: contribution).text,
                              hours: contribution.hours)
            if let last = pieces.last, last.signature == piece.signature, last.hours == piece.hours {
                pieces[pieces.count - 1].through = bound
            } else {
                pieces.append(piece)
            }
            lower = bound
        }
        return KPISummary(spanStart: spanStart, spanEnd: spanEnd, openedAt: ticket.openedAt, backlog: probe.contribution.backlog > 0,
                          policy: fingerprint, pieces: pieces)
    }

    /// How a report uses one piece of a summary.
    public enum Use: Sendable, Hashable {
        /// Not at all: the incident was opened at or after the report's end, or this piece does not
        /// hold at its end (another piece does), or the incident ended before the period, closed.
        case none
        /// Its share, as summarised.
        case summarised
        /// The span ended before the period and the incident is still open: the backlog only.
        case backlog
        /// The incident must be replayed from its events.
        case replay
    }

    /// The one rule for every store and for ``KPIReport/init(period:input:summaries:)``.
    /// `summarised` is false for an incident written without a summary, whose span is unknown
    /// (`spanStart` is then its opening).
    public static func use(spanStart: Date, spanEnd: Date, after: Date?, through: Date?, backlog: Bool, summarised: Bool,
                           in window: KPIWindow) -> Use {
        if spanStart >= window.end { return .none }
        if !summarised { return .replay }
        if let after, !(window.end > after) { return .none }
        if let through, !(window.end <= through) { return .none }
        // Everything before the period (and before its end, which precedes the start when the
        // period lies ahead of now): only the state at the end counts.
        if spanEnd < window.start && spanEnd < window.end { return backlog ? .backlog : .none }
        if spanStart >= window.start && spanEnd < window.end { return .summarised }
        return .replay
    }

    /// The 64-bit FNV-1a hash of a text (never 0, which names "no summary"): the key a store
    /// keeps signatures and policy fingerprints under. A store keeps one text per hash and writes
    /// no summary whose texts would collide with another's.
    public static func hash(_ text: String) -> Int64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        return value == 0 ? 1 : Int64(bitPattern: value)
    }
}

/// What a store found for a report among its summaries (``KPISummary/use(spanStart:spanEnd:after:through:backlog:summarised:in:)``).
public struct KPISummaryScan: Sendable {
    public struct Group: Sendable, Hashable {
        public var count = 0
        /// The hours to resolve of each incident that has them.
        public var hours: [Double] = []
        /// The opening of each incident in the backlog.
        public var openedAt: [Date] = []

        public init(count: Int = 0, hours: [Double] = [], openedAt: [Date] = []) {
            self.count = count
            self.hours = hours
            self.openedAt = openedAt
        }
    }

    /// Summarised incidents whose signature the report accepts, by signature hash.
    public var groups: [Int64: Group] = [:]
    /// The signature of each group.
    public var texts: [Int64: String] = [:]
    /// Openings of the incidents whose span ended before the period, open at its end.
    public var backlogOpenedAt: [Date] = []
    /// Ticket numbers to replay, ascending, each once: incidents the rule sends to replay, and
    /// summarised ones whose signature the report refuses (decided in the same snapshot).
    public var replay: [Int64] = []

    public init(groups: [Int64: Group] = [:], texts: [Int64: String] = [:], backlogOpenedAt: [Date] = [], replay: [Int64] = []) {
        self.groups = groups
        self.texts = texts
        self.backlogOpenedAt = backlogOpenedAt
        self.replay = replay
    }

    private static func count(_ group: inout Group, hours: Double?, openedAt: Date?) {
        group.count += 1
        if let hours { group.hours.append(hours) }
        if let openedAt { group.openedAt.append(openedAt) }
    }

    /// Adds one piece of a summary (or the mark of an incident without one). `accepted` tells
    /// whether the report accepts a summarised piece's signature (``KPISignatureVerdicts``).
    public mutating func add(_ use: KPISummary.Use, ticket: Int64, signature: Int64, hours: Double?, openedAt: @autoclosure () -> Date,
                             backlog: Bool, accepted: @autoclosure () -> Bool) {
        switch use {
        case .none:
            break
        case .summarised where !accepted():
            replay.append(ticket)
        case .summarised:
            // In place, one lookup: a copy of the group out of the dictionary would copy its arrays.
            Self.count(&groups[signature, default: Group()], hours: hours, openedAt: backlog ? openedAt() : nil)
        case .backlog:
            backlogOpenedAt.append(openedAt())
        case .replay:
            replay.append(ticket)
        }
    }
}

/// The escalation figures of a window, counted by the store over every incident opened before its
/// end, with the rules of ``KPIAccumulator/addSteps(_:)`` and ``KPIAccumulator/addCalls(_:)``.
public struct KPIEscalationFigures: Sendable, Hashable {
    public var stepsDue: Int
    public var stepsOnTime: Int
    public var calls: Int
    public var callsConfirmed: Int

    public init(stepsDue: Int = 0, stepsOnTime: Int = 0, calls: Int = 0, callsConfirmed: Int = 0) {
        self.stepsDue = stepsDue
        self.stepsOnTime = stepsOnTime
        self.calls = calls
        self.callsConfirmed = callsConfirmed
    }
}

extension KPISignature {
    /// Whether a share judged under this signature holds under the policy whose fingerprint
    /// hashes to `policy`, with these roles: every login it looked up has the same role.
    public func holds(policy: Int64, roles: [String: Role]) -> Bool {
        self.policy == policy && contribution.roles.allSatisfy { login, role in (roles[login]?.rawValue ?? "") == role }
    }
}

extension KPIAccumulator {
    /// Whether a summary judged under `signature` holds for this report: the same policy and the
    /// same role for every login the share looked up.
    public func accepts(_ signature: KPISignature, policyHash: Int64) -> Bool {
        signature.holds(policy: policyHash, roles: roles)
    }

    /// What a store asks of a signature's text while it scans: whether this report uses the
    /// summaries judged under it. `policyKnown`: the store keeps this policy's fingerprint under
    /// its hash (otherwise no signature naming that hash can be trusted to mean this policy).
    public func acceptance(policyKnown: Bool) -> @Sendable (String) -> Bool {
        let roles = self.roles, policyHash = KPISummary.hash(policy.fingerprint)
        guard policyKnown else { return { _ in false } }
        return { text in KPISignature(text: text)?.holds(policy: policyHash, roles: roles) ?? false }
    }

    /// Adds the summarised groups of `scan` (all accepted by ``acceptance(policyKnown:)``) and
    /// the backlog before the period. Returns the hashes of groups whose text it could not read
    /// (none, from a store that asked ``acceptance(policyKnown:)``).
    public mutating func addSummarised(_ scan: KPISummaryScan) -> [Int64] {
        var unread: [Int64] = []
        for (hash, group) in scan.groups.sorted(by: { $0.key < $1.key }) {
            guard let text = scan.texts[hash], let signature = KPISignature(text: text) else {
                unread.append(hash)
                continue
            }
            add(signature.contribution, count: group.count, hours: group.hours, openedAt: group.openedAt)
        }
        addBacklog(openedAt: scan.backlogOpenedAt)
        return unread
    }
}

/// A store's verdicts on signatures during one scan: each text read and judged once.
public struct KPISignatureVerdicts {
    private let accepting: (String) -> Bool
    private var verdicts: [Int64: Bool] = [:]
    /// The texts accepted so far, by hash.
    public private(set) var texts: [Int64: String] = [:]

    public init(_ accepting: @escaping (String) -> Bool) { self.accepting = accepting }

    /// Whether the signature hashed `hash` is accepted; `text` reads it (nil: not kept, refused).
    public mutating func accepts<E: Error>(_ hash: Int64, text: () throws(E) -> String?) throws(E) -> Bool {
        if let verdict = verdicts[hash] { return verdict }
        let found = try text()
        let verdict = found.map(accepting) ?? false
        verdicts[hash] = verdict
        if verdict, let found { texts[hash] = found }
        return verdict
    }
}

extension KPIReport {
    /// The report through summaries, as ``ReportLoader`` makes it from a store, over a record in
    /// memory: `summaries` as a store would keep them (an incident without one is replayed).
    /// Tests compare it with ``init(period:input:)``, which replays every incident.
    public init(period: ReportPeriod, input: ReportInput, summaries: [TicketID: KPISummary]) {
        var accumulator = KPIAccumulator(period: period, operators: input.operators, policies: input.policies, now: input.now)
        let window = accumulator.window
        // What a store would keep: every text under its hash.
        var kept: [Int64: String] = [:]
        for summary in summaries.values {
            kept[KPISummary.hash(summary.policy)] = summary.policy
            for piece in summary.pieces { kept[KPISummary.hash(piece.signature)] = piece.signature }
        }
        let fingerprint = input.policies.fingerprint
        var verdicts = KPISignatureVerdicts(accumulator.acceptance(policyKnown: kept[KPISummary.hash(fingerprint)] == fingerprint))
        var scan = KPISummaryScan()
        for ticket in input.tickets {
            let number = ticket.id.number
            guard let summary = summaries[ticket.id] else {
                let use = KPISummary.use(spanStart: ticket.openedAt, spanEnd: .distantFuture, after: nil, through: nil, backlog: false,
                                         summarised: false, in: window)
                scan.add(use, ticket: number, signature: 0, hours: nil, openedAt: ticket.openedAt, backlog: false, accepted: false)
                continue
            }
            for piece in summary.pieces {
                let hash = KPISummary.hash(piece.signature)
                let use = KPISummary.use(spanStart: summary.spanStart, spanEnd: summary.spanEnd, after: piece.after, through: piece.through,
                                         backlog: summary.backlog, summarised: true, in: window)
                scan.add(use, ticket: number, signature: hash, hours: piece.hours, openedAt: summary.openedAt, backlog: summary.backlog,
                         accepted: verdicts.accepts(hash) { kept[hash] })
            }
        }
        scan.texts = verdicts.texts
        _ = accumulator.addSummarised(scan)
        let replay = Set(scan.replay)
        var events: [TicketID: [TicketEvent]] = [:]
        for event in input.events { events[event.ticket, default: []].append(event) }
        for ticket in input.tickets {
            if replay.contains(ticket.id.number) { accumulator.addIncident(ReportTicket(ticket: ticket, events: events[ticket.id] ?? [])) }
            guard ticket.openedAt < window.end else { continue }
            accumulator.addSteps(input.firedSteps[ticket.id] ?? [])
            accumulator.addCalls(input.calls[ticket.id] ?? [])
        }
        self = accumulator.report(handovers: input.handovers)
    }
}
