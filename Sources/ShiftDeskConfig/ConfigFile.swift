import Foundation
import ShiftDeskCore
import TOMLKit

/// The desk's configuration (config.toml, DESIGN.md "Configuration"): every key optional,
/// the defaults built in.
public struct DeskConfig: Sendable {
    /// The desk's zone for display, calendars and shifts; nil means the system's.
    public var timeZone: TimeZone?
    /// The language customer updates are mailed in (`[desk] language`, zh or en; default zh).
    public var customerLanguage: Language = .zh
    /// `[desk.customer_updates]`: per priority, how often the customer is to be told of progress.
    public var customerUpdateEvery: [Priority: TimeInterval] = [:]
    /// `[desk] reports_within`: how long after a period's end its reports count as delivered on time.
    public var reportsWithin: TimeInterval = ReportDelivery.defaultWithin
    /// `[desk] name`: the desk's name in the subject of the reports it mails.
    public var deskName = ReportMail.defaultDeskName
    public var dayShift: (start: LocalTime, end: LocalTime)?
    public var nightShift: (start: LocalTime, end: LocalTime)?
    public var sendmail = "/usr/sbin/sendmail -t -i"
    public var from = "shiftdesk@localhost"
    public var recipients = RecipientDirectory()
    /// `[backup]`: the escalator's nightly backup of a SQLite desk; nil when not configured.
    public var backup: NightlyBackup?
    /// `[forecast]`: the weeks the forecast reads, the service level and occupancy cap of the seat count.
    public var forecast = ForecastSettings()

    public init() {}

    /// The shift schedule in `zone`: the configured times, else day 08:30–20:30 and night 20:30–08:30.
    public func schedule(in zone: TimeZone) -> ShiftSchedule {
        var schedule = ShiftSchedule.standard(timeZone: zone)
        if let day = dayShift { schedule.day = ShiftSchedule.Shift(name: .day, start: day.start, end: day.end) }
        if let night = nightShift { schedule.night = ShiftSchedule.Shift(name: .night, start: night.start, end: night.end) }
        return schedule
    }
}

public enum ConfigFile {
    /// Reads `path`; errors name the file, the line and the reason, like policy errors.
    public static func load(path: String) throws(PolicyError) -> DeskConfig {
        try load(data: try TextFile.read(path, what: "the configuration"), path: path)
    }

    /// The configuration in the bytes of a file: refused with its line and byte when they are not UTF-8 text.
    public static func load(data: Data, path: String) throws(PolicyError) -> DeskConfig {
        try load(contents: try TextFile.text(data, path: path), path: path)
    }

    public static func load(contents: String, path: String) throws(PolicyError) -> DeskConfig {
        let reader = Loader(path: path, source: contents, defaultTimeZone: TimeZone(secondsFromGMT: 0) ?? .gmt)
        let root = try reader.parse()
        var config = DeskConfig()
        try reader.checkKeys(root, allowed: ["desk", "shifts", "notify", "backup", "forecast"], at: [])

        if let value = root["desk"] {
            let desk = try reader.table(value, at: ["desk"])
            try reader.checkKeys(desk, allowed: ["timezone", "language", "customer_updates", "reports_within", "name"], at: ["desk"])
            if let value = desk["reports_within"] {
                let within = try reader.duration(value, at: ["desk", "reports_within"])
                guard within > 0, within <= 31 * 86_400 else {
                    throw reader.error(.wrongType, "desk.reports_within must be a duration from 1m to 31 days, like \"24h\"", at: ["desk", "reports_within"])
                }
                config.reportsWithin = within
            }
            if let value = desk["name"] {
                let name = try reader.string(value, at: ["desk", "name"], hint: "\"IT 服务台\"").trimmingCharacters(in: .whitespaces)
                if let violation = TextField.deskName.check(name) {
                    throw reader.error(.wrongType, "desk.name: \(violation.message(.en))", at: ["desk", "name"])
                }
                if !name.isEmpty { config.deskName = name }
            }
            if let value = desk["customer_updates"] {
                let p = ["desk", "customer_updates"]
                let table = try reader.table(value, at: p)
                try reader.checkKeys(table, allowed: Priority.allCases.map(\.rawValue), at: p)
                for priority in Priority.allCases {
                    if let every = table[priority.rawValue] {
                        config.customerUpdateEvery[priority] = try reader.duration(every, at: p + [priority.rawValue])
                    }
                }
            }
            if let zone = desk["timezone"] { config.timeZone = try reader.timeZone(zone, at: ["desk", "timezone"]) }
            if let value = desk["language"] {
                let name = try reader.string(value, at: ["desk", "language"], hint: "\"zh\" or \"en\"")
                guard let language = Language(rawValue: name) else {
                    throw reader.error(.wrongType, "\"\(name)\" in desk.language is not a language this desk writes (zh or en)", at: ["desk", "language"])
                }
                config.customerLanguage = language
            }
        }
        if let value = root["shifts"] {
            let shifts = try reader.table(value, at: ["shifts"])
            try reader.checkKeys(shifts, allowed: ["day", "night"], at: ["shifts"])
            for name in ["day", "night"] {
                guard let shiftValue = shifts[name] else { continue }
                let p = ["shifts", name]
                let shift = try reader.table(shiftValue, at: p)
                try reader.checkKeys(shift, allowed: ["start", "end"], at: p)
                func time(_ key: String) throws(PolicyError) -> LocalTime {
                    guard let raw = shift[key] else {
                        throw reader.error(.missingKey, "[shifts.\(name)] needs \(key) = \"HH:MM\"", at: p)
                    }
                    let text = try reader.string(raw, at: p + [key], hint: "\"08:30\"")
                    guard let parsed = LocalTime(parsing: text) else {
                        throw reader.error(.badSpan, "shifts.\(name).\(key): \"\(text)\" is not a time of day like \"08:30\"", at: p + [key])
                    }
                    return parsed
                }
                let times = (start: try time("start"), end: try time("end"))
                guard times.start != times.end else {
                    throw reader.error(.badSpan, "shifts.\(name): start and end are the same time", at: p)
                }
                if name == "day" { config.dayShift = times } else { config.nightShift = times }
            }
        }
        if let value = root["notify"] {
            let notify = try reader.table(value, at: ["notify"])
            try reader.checkKeys(notify, allowed: ["sendmail", "from", "roles"], at: ["notify"])
            if let command = notify["sendmail"] {
                config.sendmail = try reader.string(command, at: ["notify", "sendmail"], hint: "\"/usr/sbin/sendmail -t -i\"")
            }
            if let from = notify["from"] { config.from = try reader.string(from, at: ["notify", "from"], hint: "\"shiftdesk@desk.example\"") }
            if let rolesValue = notify["roles"] {
                config.recipients = try reader.roster(rolesValue, at: ["notify", "roles"])
            }
        }
        if let value = root["backup"] {
            let p = ["backup"]
            let backup = try reader.table(value, at: p)
            try reader.checkKeys(backup, allowed: ["folder", "at", "keep"], at: p)
            guard let folderValue = backup["folder"] else {
                throw reader.error(.missingKey, "[backup] needs folder = \"/var/lib/shiftdesk/backups\"", at: p)
            }
            let folder = try reader.string(folderValue, at: p + ["folder"], hint: "\"/var/lib/shiftdesk/backups\"")
            guard folder.hasPrefix("/"), !folder.contains("\0") else {
                throw reader.error(.wrongType, "backup.folder must be an absolute path, like \"/var/lib/shiftdesk/backups\"", at: p + ["folder"])
            }
            var at = NightlyBackup.defaultTime
            if let raw = backup["at"] {
                let text = try reader.string(raw, at: p + ["at"], hint: "\"03:00\"")
                guard let parsed = LocalTime(parsing: text) else {
                    throw reader.error(.badSpan, "backup.at: \"\(text)\" is not a time of day like \"03:00\"", at: p + ["at"])
                }
                at = parsed
            }
            var keep = NightlyBackup.defaultKeep
            if let raw = backup["keep"] {
                guard let number = raw.int, (1...366).contains(number) else {
                    throw reader.error(.wrongType, "backup.keep must be a number of copies from 1 to 366, like 7", at: p + ["keep"])
                }
                keep = number
            }
            config.backup = NightlyBackup(folder: folder, at: at, keep: keep)
        }
        if let value = root["forecast"] {
            let p = ["forecast"]
            let forecast = try reader.table(value, at: p)
            try reader.checkKeys(forecast, allowed: ["weeks", "service_level", "occupancy"], at: p)
            func whole(_ key: String, _ range: ClosedRange<Int>, _ meaning: String) throws(PolicyError) -> Int? {
                guard let raw = forecast[key] else { return nil }
                guard let number = raw.int, range.contains(number) else {
                    throw reader.error(.wrongType, "forecast.\(key) must be \(meaning) from \(range.lowerBound) to \(range.upperBound)", at: p + [key])
                }
                return number
            }
            let weeks = ForecastSettings.weeksRange
            if let number = try whole("weeks", weeks, "a number of weeks") { config.forecast.weeks = number }
            if let number = try whole("service_level", ForecastSettings.serviceLevelPercent, "a percentage of arrivals answered within their response target") {
                config.forecast.serviceLevel = Double(number) / 100
            }
            if let number = try whole("occupancy", ForecastSettings.occupancyPercent, "a percentage of the seats' time busy at most") {
                config.forecast.occupancyCap = Double(number) / 100
            }
        }
        return config
    }
}
