import Foundation

/// A reporting period in the desk's zone: an ISO week, a month, a quarter or a year.
public struct ReportPeriod: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case week, month, quarter, year
        /// A span of its own (a drill's simulated shift): made with ``init(span:label:timeZone:)`` only.
        case span

        /// The periods one can ask for by name (a span is made, never named).
        public static var allCases: [Kind] { [.week, .month, .quarter, .year] }
    }

    public let kind: Kind
    /// `2026-W48`, `2026-11`, `2026-Q4`, `2026`.
    public let label: String
    public let interval: DateInterval
    public let timeZone: TimeZone

    public var description: String { label }

    /// Parses the label for `kind`; nil when it is not one.
    public init?(kind: Kind, label: String, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let parts = label.uppercased().split(separator: "-").map(String.init)
        guard let yearText = parts.first, yearText.count == 4, let year = Int(yearText), (1970...9999).contains(year) else { return nil }
        var start: Date?
        var end: Date?
        switch kind {
        case .span:
            return nil
        case .year:
            guard parts.count == 1 else { return nil }
            start = calendar.date(from: DateComponents(year: year, month: 1, day: 1))
            end = calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1))
        case .quarter:
            guard parts.count == 2, parts[1].hasPrefix("Q"), let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) else { return nil }
            start = calendar.date(from: DateComponents(year: year, month: (quarter - 1) * 3 + 1, day: 1))
            end = start.flatMap { calendar.date(byAdding: .month, value: 3, to: $0) }
        case .month:
            guard parts.count == 2, parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return nil }
            start = calendar.date(from: DateComponents(year: year, month: month, day: 1))
            end = start.flatMap { calendar.date(byAdding: .month, value: 1, to: $0) }
        case .week:
            guard parts.count == 2, parts[1].hasPrefix("W"), let week = Int(parts[1].dropFirst()), (1...53).contains(week) else { return nil }
            var components = DateComponents()
            components.yearForWeekOfYear = year
            components.weekOfYear = week
            components.weekday = 2
            start = calendar.date(from: components)
            end = start.flatMap { calendar.date(byAdding: .day, value: 7, to: $0) }
            // Week 53 exists only in long years.
            if let s = start, calendar.component(.weekOfYear, from: s) != week { return nil }
        }
        guard let start, let end, start < end else { return nil }
        self.kind = kind
        self.label = label.uppercased()
        self.interval = DateInterval(start: start, end: end)
        self.timeZone = timeZone
    }

    /// The period of `kind` containing `instant`.
    public static func containing(_ instant: Date, kind: Kind, timeZone: TimeZone) -> ReportPeriod? {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .yearForWeekOfYear, .weekOfYear], from: instant)
        let label: String
        switch kind {
        case .year: label = String(format: "%04d", c.year ?? 0)
        case .quarter: label = String(format: "%04d-Q%d", c.year ?? 0, ((c.month ?? 1) - 1) / 3 + 1)
        case .month: label = String(format: "%04d-%02d", c.year ?? 0, c.month ?? 1)
        case .week: label = String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 1)
        case .span: return nil
        }
        return ReportPeriod(kind: kind, label: label, timeZone: timeZone)
    }

    /// A period over `span` itself, named `label` (a drill's simulated hours).
    public init(span: DateInterval, label: String, timeZone: TimeZone) {
        kind = .span
        self.label = label
        interval = span
        self.timeZone = timeZone
    }

    public func contains(_ instant: Date) -> Bool { interval.start <= instant && instant < interval.end }
}
