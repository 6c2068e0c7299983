import Foundation

/// The escalator's nightly backup of a SQLite desk (`[backup]` in the configuration): once a
/// day, from `at` in the desk's zone, a verified copy named after the day goes into `folder`,
/// and only the newest `keep` of them are kept. Pure: which copy is due and which go.
public struct NightlyBackup: Sendable, Hashable {
    public var folder: String
    public var at: LocalTime
    public var keep: Int

    public init(folder: String, at: LocalTime, keep: Int) {
        self.folder = folder
        self.at = at
        self.keep = keep
    }

    public static let defaultTime = LocalTime(hour: 3, minute: 0) ?? .half8AM
    public static let defaultKeep = 7

    /// `desk-2026-12-03.sqlite`: the copy of the local day `date` falls in.
    public static func fileName(for date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "desk-%04d-%02d-%02d.sqlite", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    static func isBackupName(_ name: String) -> Bool {
        name.count == "desk-2026-12-03.sqlite".count && name.hasPrefix("desk-") && name.hasSuffix(".sqlite")
            && name.dropFirst(5).prefix(10).allSatisfy { $0.isASCII && ($0.isNumber || $0 == "-") }
    }

    /// The copy to take now, or nil: it is past `at` today and today's copy is not among `existing`.
    public func due(now: Date, in zone: TimeZone, existing: [String]) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        guard (parts.hour ?? 0) * 60 + (parts.minute ?? 0) >= at.minutes else { return nil }
        let name = Self.fileName(for: now, in: zone)
        return existing.contains(name) ? nil : name
    }

    /// The copies beyond the newest `keep`, oldest first (other files in the folder are not touched).
    public func expired(_ existing: [String]) -> [String] {
        let copies = existing.filter(Self.isBackupName).sorted()
        return Array(copies.dropLast(max(1, keep)))
    }
}
