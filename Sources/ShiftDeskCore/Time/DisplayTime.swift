import Foundation

/// Instants as an operator reads them: in the desk's time zone, to the second.
public enum DisplayTime {
    /// `2026-11-29 12:00:00`
    public static func format(_ date: Date, in zone: TimeZone) -> String {
        let parts = calendar(zone).dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// `12:00`
    public static func clock(_ date: Date, in zone: TimeZone) -> String {
        let parts = calendar(zone).dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// A duration as `1h05m`, `3d04h`, `42s`; negative durations get a leading minus.
    public static func duration(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded(.towardZero))
        let sign = total < 0 ? "-" : ""
        let value = abs(total)
        let days = value / 86_400, hours = value % 86_400 / 3600, minutes = value % 3600 / 60, secs = value % 60
        if days > 0 { return sign + String(format: "%dd%02dh", days, hours) }
        if hours > 0 { return sign + String(format: "%dh%02dm", hours, minutes) }
        if minutes > 0 { return sign + String(format: "%dm%02ds", minutes, secs) }
        return sign + "\(secs)s"
    }

    private static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
