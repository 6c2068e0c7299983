import ShiftDeskCore

/// A refused policy file: which file, which line, and why, in words a desk agent
/// understands: `sla.toml:12: unknown calendar "ofice" (known: 24x7, office)`.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case unreadable
        case syntax
        case badDuration
        case unknownCalendar
        case overlappingSpans
        case spanEndBeforeStart
        case badSpan
        case badDate
        case badWeekday
        case unknownRole
        case unknownContactMethod
        case unknownTimeZone
        case unknownKey
        case unknownPriority
        case wrongType
        case missingKey
        case invalidCalendar
        case invalidLadder
    }

    public var path: String
    /// 1-based; `nil` only when no line applies (an unreadable file).
    public var line: Int?
    public var kind: Kind
    public var reason: String

    public init(path: String, line: Int?, kind: Kind, reason: String) {
        self.path = path; self.line = line; self.kind = kind; self.reason = reason
    }

    /// One line, whatever the file held: control characters shown as symbols, a reason quoting
    /// a 70,000-character key cut short.
    public var description: String {
        let shown = TerminalText.sanitize(reason.count > 400 ? String(reason.prefix(400)) + "…" : reason)
        if let line { return "\(path):\(line): \(shown)" }
        return "\(path): \(shown)"
    }
}
