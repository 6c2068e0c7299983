import Foundation

/// Something wrong with a file being imported, where it is and why, in words a desk agent
/// understands: `incident_event_log.csv:1042: opened_at "31/2/2016 10:00" is not a date`.
/// `line == nil`: the file as a whole (wrong columns, truncated, not XML).
public struct InterchangeIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        line.map { "\(file):\($0): \(reason)" } ?? "\(file): \(reason)"
    }
}

/// The formats `shiftdesk import` reads.
public enum ImportFormat: String, Sendable, CaseIterable {
    /// ShiftDesk's own export (`shiftdesk export --format csv`).
    case csv
    /// ShiftDesk's own export (`shiftdesk export --format json`).
    case json
    /// A ServiceNow incident export in CSV, one row per update.
    case servicenow
    /// An IEEE XES event log (plain or gzip), such as the BPI Challenge 2013 incidents.
    case xes

    /// The prefix of the `source` key of tickets imported in this format, unless `--source` names another.
    public var defaultSourcePrefix: String {
        switch self {
        case .servicenow: "servicenow"
        case .xes: "xes"
        case .csv, .json: "shiftdesk"
        }
    }
}

/// The formats `shiftdesk export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, json, xes
}
