import Foundation

/// Why a clock is not running.
public enum StopReason: String, Sendable, Hashable, Codable {
    /// The ticket waits on the customer (pending customer): both clocks pause.
    case customer
    /// The ticket was resolved and later reopened: the resolution clock stops meanwhile.
    case resolved
    /// The ticket waits on a problem and the policy says so (`[clocks] problem_pauses = true`):
    /// both clocks pause, as for the customer.
    case problem
}

/// An interval where a clock does not run. `end == nil`: still stopped.
public struct StopInterval: Codable, Sendable, Hashable {
    public var start: Date
    public var end: Date?
    public var reason: StopReason

    public init(start: Date, end: Date?, reason: StopReason) {
        self.start = start; self.end = end; self.reason = reason
    }
}

/// A ticket's life as far as the SLA clocks care; rebuilt by the caller from its events.
///
/// - `respondedAt`: when a tier accepted it (first response), if it has.
/// - `resolvedAt`: the *current* resolution, `nil` while open (also after a reopen).
/// - `stops`: waiting-on-customer intervals, and resolved-then-reopened intervals
///   (`.resolved`, closed by the reopen). The last stop may be open-ended.
public struct ClockTimeline: Sendable, Hashable {
    public var openedAt: Date
    public var respondedAt: Date?
    public var resolvedAt: Date?
    public var stops: [StopInterval]

    public init(openedAt: Date, respondedAt: Date? = nil, resolvedAt: Date? = nil, stops: [StopInterval] = []) {
        self.openedAt = openedAt; self.respondedAt = respondedAt; self.resolvedAt = resolvedAt; self.stops = stops
    }
}

public enum SLAClockKind: String, Sendable, Hashable, Codable {
    /// From opening until a tier accepts the ticket; pauses while waiting on the customer.
    case response
    /// From opening until resolved; pauses while waiting on the customer, stops while
    /// resolved, resumes on reopen.
    case resolution
}

/// What a clock is doing at an instant.
public enum ClockState: Sendable, Hashable {
    /// `now` is before the ticket was opened.
    case notStarted
    /// Counting working time.
    case running
    /// Would run, but it is outside the calendar's working hours.
    case outsideWorkingHours
    /// Paused (customer) or stopped while resolved (before a reopen).
    case paused(StopReason)
    /// Ended: responded (response clock) or resolved (resolution clock).
    case stopped
}

/// A clock's figures at `now`.
public struct ClockStatus: Sendable, Hashable {
    public var kind: SLAClockKind
    /// The working seconds allowed (`respond_within` / `resolve_within`).
    public var target: TimeInterval
    /// When the target is (or was) reached; `nil` while an open-ended pause holds
    /// the clock before reaching it (no deadline passes while paused).
    public var deadline: Date?
    /// When the clock ended (responded / resolved), if it has.
    public var endedAt: Date?
    /// Working seconds counted up to `now` (or to `endedAt`).
    public var elapsed: TimeInterval
    /// `target - elapsed`: frozen while paused, negative when overdue.
    public var remaining: TimeInterval
    /// Ended after the deadline, or still running with `now` past the deadline.
    public var breached: Bool
    public var state: ClockState
}

/// How a stretch of a clock's life counts (for `sla explain`).
public enum ClockSegmentLabel: String, Sendable, Hashable, Codable {
    case running
    case pausedCustomer = "paused-customer"
    case pausedProblem = "paused-problem"
    case stoppedResolved = "stopped-resolved"
    case outsideWorkingHours = "outside-working-hours"
}

public struct ClockSegment: Sendable, Hashable {
    public var start: Date
    public var end: Date
    public var label: ClockSegmentLabel
    /// Working seconds of the calendar inside the segment (for a paused segment: how
    /// far it pushed the deadline).
    public var workingSeconds: TimeInterval
    /// Working seconds the clock counted here (only `running` segments count).
    public var countedSeconds: TimeInterval
    /// Counted seconds from opening to the end of this segment.
    public var cumulativeSeconds: TimeInterval
    /// The segment lies at or after the deadline.
    public var overdue: Bool
}

public struct ClockExplanation: Sendable, Hashable {
    public var kind: SLAClockKind
    public var openedAt: Date
    public var target: TimeInterval
    /// The deadline with no pause at all.
    public var unpausedDeadline: Date
    /// The deadline after pauses (`nil`: held by an open-ended pause).
    public var deadline: Date?
    /// Working seconds covered by pauses before the deadline (what moved it).
    public var pausedWorkingSeconds: TimeInterval
    public var segments: [ClockSegment]
}

/// One SLA clock (response or resolution) on a calendar.
///
/// Pauses move a deadline only by the *working* time they cover before it: the
/// deadline is the instant at which the clock's running working time (working time
/// from opening, outside every pause) reaches the target. A pause entirely outside
/// working hours moves nothing; a pause after the deadline moves nothing; an
/// open-ended pause that starts before the target is reached leaves no deadline
/// (`nil`) and a frozen `remaining`.
public struct SLAClock: Sendable, Hashable {
    public var kind: SLAClockKind
    public var calendar: WorkingCalendar
    public var target: TimeInterval

    public init(kind: SLAClockKind, calendar: WorkingCalendar, target: TimeInterval) {
        self.kind = kind; self.calendar = calendar; self.target = target
    }

    /// When this clock ended: response → `respondedAt` (or the resolution, if resolved
    /// without a recorded response); resolution → `resolvedAt`.
    public func endedAt(_ t: ClockTimeline) -> Date? {
        switch kind {
        case .response:
            switch (t.respondedAt, t.resolvedAt) {
            case let (r?, s?): return min(r, s)
            case let (r?, nil): return r
            case let (nil, s?): return s
            case (nil, nil): return nil
            }
        case .resolution:
            return t.resolvedAt
        }
    }

    struct Pause { var start: Double; var end: Double?; var reason: StopReason }

    /// The stops that hold this clock, clipped to the opening, sorted and merged;
    /// stops starting at or after the clock's end are dropped.
    func pauses(_ t: ClockTimeline) -> [Pause] {
        let opened = t.openedAt.timeIntervalSince1970
        let endedAt = endedAt(t)?.timeIntervalSince1970 ?? .infinity
        var list: [Pause] = []
        for s in t.stops {
            if kind == .response && s.reason == .resolved { continue }
            let e = s.end?.timeIntervalSince1970
            let st = max(s.start.timeIntervalSince1970, opened)
            if let e, e <= st { continue }
            if st >= endedAt { continue }
            list.append(Pause(start: st, end: e, reason: s.reason))
        }
        list.sort { $0.start < $1.start }
        var merged: [Pause] = []
        for p in list {
            if var last = merged.last, (last.end ?? .infinity) >= p.start {
                if let le = last.end {
                    last.end = p.end.map { max(le, $0) }
                    if last.reason == .customer { last.reason = p.reason }
                }
                merged[merged.count - 1] = last
            } else {
                merged.append(p)
            }
        }
        return merged
    }

    /// The instant at which this clock has counted `seconds` of working time, after
    /// pauses (ignoring the clock's end); `nil` if an open-ended pause comes first.
    public func instant(after seconds: TimeInterval, timeline t: ClockTimeline) -> Date? {
        instant(after: seconds, opened: t.openedAt.timeIntervalSince1970, pauses: pauses(t))
    }

    func instant(after seconds: TimeInterval, opened: Double, pauses: [Pause]) -> Date? {
        var cursor = opened
        var rest = max(0, seconds)
        for p in pauses {
            let ws = calendar.workingSeconds(from: Date(timeIntervalSince1970: cursor), to: Date(timeIntervalSince1970: p.start))
            if ws >= rest { return calendar.deadline(from: Date(timeIntervalSince1970: cursor), adding: rest) }
            rest -= ws
            guard let e = p.end else { return nil }
            cursor = max(cursor, e)
        }
        return calendar.deadline(from: Date(timeIntervalSince1970: cursor), adding: rest)
    }

    /// The deadline: `target` working seconds after opening, pauses excluded.
    public func deadline(_ t: ClockTimeline) -> Date? { instant(after: target, timeline: t) }

    /// Working seconds counted from opening up to `now` (or the clock's end).
    public func elapsed(_ t: ClockTimeline, at now: Date) -> TimeInterval {
        let opened = t.openedAt.timeIntervalSince1970
        let limit = min(now.timeIntervalSince1970, endedAt(t)?.timeIntervalSince1970 ?? .infinity)
        guard limit > opened else { return 0 }
        var cursor = opened
        var total = 0.0
        for p in pauses(t) {
            guard p.start < limit else { break }
            total += calendar.workingSeconds(from: Date(timeIntervalSince1970: cursor), to: Date(timeIntervalSince1970: p.start))
            guard let e = p.end else { return total }
            cursor = max(cursor, e)
            if cursor >= limit { return total }
        }
        total += calendar.workingSeconds(from: Date(timeIntervalSince1970: cursor), to: Date(timeIntervalSince1970: limit))
        return total
    }

    public func status(_ t: ClockTimeline, now: Date) -> ClockStatus {
        let deadline = deadline(t)
        let ended = endedAt(t)
        let elapsed = elapsed(t, at: now)
        let breached: Bool
        if let deadline {
            breached = (ended.map { min($0, now) } ?? now) > deadline
        } else {
            breached = false
        }
        let state: ClockState
        if now < t.openedAt {
            state = .notStarted
        } else if let ended, now >= ended {
            state = .stopped
        } else if let p = pauses(t).first(where: { $0.start <= now.timeIntervalSince1970 && ($0.end ?? .infinity) > now.timeIntervalSince1970 }) {
            state = .paused(p.reason)
        } else if !calendar.isWorking(at: now) {
            state = .outsideWorkingHours
        } else {
            state = .running
        }
        return ClockStatus(kind: kind, target: target, deadline: deadline, endedAt: ended, elapsed: elapsed,
                           remaining: target - elapsed, breached: breached, state: state)
    }

    /// The clock's life from opening to `now` (or its end, if earlier) in labelled
    /// segments, cut also at the deadline.
    public func explain(_ t: ClockTimeline, now: Date) -> ClockExplanation {
        let opened = t.openedAt.timeIntervalSince1970
        let pauses = pauses(t)
        let deadline = instant(after: target, opened: opened, pauses: pauses)
        let unpaused = calendar.deadline(from: t.openedAt, adding: target)
        let limit = min(now.timeIntervalSince1970, endedAt(t)?.timeIntervalSince1970 ?? .infinity)

        // Cut points: calendar segments, pauses, the deadline.
        var cuts: [Double] = []
        let calSegs = limit > opened ? calendar.segments(from: t.openedAt, to: Date(timeIntervalSince1970: limit)) : []
        for s in calSegs { cuts.append(s.start.timeIntervalSince1970); cuts.append(s.end.timeIntervalSince1970) }
        for p in pauses {
            cuts.append(p.start)
            if let e = p.end { cuts.append(e) }
        }
        if let d = deadline?.timeIntervalSince1970 { cuts.append(d) }
        let points = Array(Set(cuts.filter { $0 >= opened && $0 <= limit })).sorted()

        var segments: [ClockSegment] = []
        var cumulative = 0.0
        var calIndex = 0
        var pauseIndex = 0
        var pausedWorking = 0.0
        for (a, b) in zip(points, points.dropFirst()) where b > a {
            while calIndex < calSegs.count, calSegs[calIndex].end.timeIntervalSince1970 <= a { calIndex += 1 }
            let working = calIndex < calSegs.count && calSegs[calIndex].isWorking
            while pauseIndex < pauses.count, (pauses[pauseIndex].end ?? .infinity) <= a { pauseIndex += 1 }
            let paused: Pause? = pauseIndex < pauses.count && pauses[pauseIndex].start <= a ? pauses[pauseIndex] : nil
            let label: ClockSegmentLabel
            switch paused?.reason {
            case .customer?: label = .pausedCustomer
            case .problem?: label = .pausedProblem
            case .resolved?: label = .stoppedResolved
            case nil: label = working ? .running : .outsideWorkingHours
            }
            let ws = working ? b - a : 0
            let counted = label == .running ? ws : 0
            cumulative += counted
            let overdue = deadline.map { a >= $0.timeIntervalSince1970 } ?? false
            if paused != nil && !overdue { pausedWorking += ws }
            if var last = segments.last, last.label == label, last.overdue == overdue {
                last.end = Date(timeIntervalSince1970: b)
                last.workingSeconds += ws
                last.countedSeconds += counted
                last.cumulativeSeconds = cumulative
                segments[segments.count - 1] = last
            } else {
                segments.append(ClockSegment(start: Date(timeIntervalSince1970: a), end: Date(timeIntervalSince1970: b),
                                             label: label, workingSeconds: ws, countedSeconds: counted,
                                             cumulativeSeconds: cumulative, overdue: overdue))
            }
        }
        // Paused working time that lies after `now` but before the deadline also moved it.
        if let d = deadline?.timeIntervalSince1970, d > limit {
            for p in pauses {
                let s = max(p.start, limit), e = min(p.end ?? d, d)
                if e > s {
                    pausedWorking += calendar.workingSeconds(from: Date(timeIntervalSince1970: s), to: Date(timeIntervalSince1970: e))
                }
            }
        }
        return ClockExplanation(kind: kind, openedAt: t.openedAt, target: target, unpausedDeadline: unpaused,
                                deadline: deadline, pausedWorkingSeconds: pausedWorking, segments: segments)
    }
}
