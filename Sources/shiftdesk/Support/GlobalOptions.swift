import ArgumentParser
import Foundation
import ShiftDeskConfig
import ShiftDeskCore
import ShiftDeskStore
import ShiftDeskTUI

/// The options every command takes (DESIGN.md, "Command line").
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Desk database: a path, sqlite:PATH or postgres://user@host:port/db (default $SHIFTDESK_DB, else $XDG_DATA_HOME/shiftdesk/desk.sqlite).")
    var db: String?

    @Option(name: .customLong("as"), help: "Act as this operator login (default $SHIFTDESK_OPERATOR, else the OS login).")
    var login: String?

    @Option(name: .long, help: "Language: zh or en (default $SHIFTDESK_LANG, else LANG).")
    var lang: String?

    @Option(name: .long, help: "Take this instant as now (ISO 8601, e.g. 2026-11-29T10:00:00+08:00).")
    var now: String?

    @Flag(name: .long, help: "Machine-readable JSON output.")
    var json = false

    @Option(name: .long, help: "An SLA policy file (TOML) to propose (`policy propose`) or try (`sla due`); the policy in force is the desk's approved version.")
    var policy: String?

    @Option(name: .long, help: "Configuration file (TOML).")
    var config: String?

    mutating func validate() throws {
        if let lang, Language(code: lang) == nil {
            throw ValidationError("--lang takes zh or en, not \"\(lang)\"")
        }
        if let now, ISO8601.parse(now, defaultZone: Context.systemTimeZone()) == nil {
            throw ValidationError("--now takes an ISO 8601 instant such as 2026-11-29T10:00:00Z, not \"\(now)\"")
        }
    }
}

/// What one invocation runs with: who, where, when, in which language.
struct Context {
    let options: GlobalOptions
    /// Set when the command runs for an SSH seat (`serve`); nil in the administrator's shell.
    let seat: Seat?
    let environment: [String: String]
    let language: Language
    let timeZone: TimeZone
    let clock: any Clock
    let login: String
    let config: DeskConfig
    /// The policy in `--policy FILE`, read and checked; nil without one. It decides nothing:
    /// the desk runs on its approved version (``deskInForce(create:)``).
    let policy: SLAPolicy?
    /// The text of `--policy FILE`.
    let policyText: String?
    /// Each SQLite connection's page cache, where a command wants other than SQLite's 2 MB.
    var sqlitePageCacheKiB: Int?

    /// Reads the configuration and the SLA policy; a broken file stops the command with its
    /// file, line and reason (nothing starts on a broken policy).
    init(_ requested: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CLIFailure) {
        let seat = Seat.current
        let options = try seat?.options(requested) ?? requested
        self.seat = seat
        self.options = options
        // Over SSH nothing of the service account's environment names the operator or the desk.
        var environment = environment
        if seat != nil {
            for key in ["SHIFTDESK_OPERATOR", "SHIFTDESK_DB", "SHIFTDESK_THEME"] { environment[key] = nil }
        }
        self.environment = environment
        language = Language.resolve(explicit: options.lang, environment: environment)
        let configDirectory = Context.configDirectory(environment)
        do {
            if let path = options.config {
                config = try ConfigFile.load(path: path)
            } else if let path = configDirectory.map({ ($0 as NSString).appendingPathComponent("config.toml") }),
                      FileManager.default.fileExists(atPath: path) {
                config = try ConfigFile.load(path: path)
            } else {
                config = DeskConfig()
            }
        } catch {
            throw CLIFailure(error.description)
        }
        let zone = config.timeZone ?? Context.systemTimeZone(environment)
        timeZone = zone
        if let path = options.policy {
            do {
                let text = try PolicyFile.text(path: path)
                policy = try PolicyFile.load(contents: text, path: path, defaultTimeZone: zone)
                policyText = text
            } catch {
                throw CLIFailure(error.description)
            }
        } else {
            policy = nil
            policyText = nil
        }
        if seat == nil, let text = options.now, let instant = ISO8601.parse(text, defaultZone: zone) {
            clock = FixedClock(instant)
        } else {
            clock = DeskClock()
        }
        if let seat {
            login = seat.login
        } else {
            login = options.login ?? environment["SHIFTDESK_OPERATOR"] ?? environment["USER"] ?? environment["LOGNAME"]
                ?? ProcessInfo.processInfo.userName
        }
    }

    /// `$XDG_CONFIG_HOME/shiftdesk`, else `~/.config/shiftdesk`.
    static func configDirectory(_ environment: [String: String]) -> String? {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".config")
        return (base as NSString).appendingPathComponent("shiftdesk")
    }

    var sendmailCommand: String { environment["SHIFTDESK_SENDMAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? config.sendmail }

    var schedule: ShiftSchedule { config.schedule(in: timeZone) }

    /// The operator's zone: `TZ` if it names a zone, else the system's.
    static func systemTimeZone(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> TimeZone {
        if let name = environment["TZ"], !name.isEmpty, let zone = TimeZone(identifier: name.hasPrefix(":") ? String(name.dropFirst()) : name) {
            return zone
        }
        return TimeZone.current
    }

    var json: Bool { options.json }

    /// What `--db` (else `$SHIFTDESK_DB`, else the default path) names, as given.
    private func databaseText() -> String {
        options.db ?? environment["SHIFTDESK_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultDatabasePath()
    }

    /// The database the command was told to use (`--db` or `$SHIFTDESK_DB`), a path made absolute;
    /// nil when it runs on the default one. The forced command of operators' keys names it.
    func explicitDatabase() -> String? {
        guard let text = options.db ?? environment["SHIFTDESK_DB"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        if PostgresLocation.matches(text) { return text }
        let path = text.hasPrefix("sqlite:") ? String(text.dropFirst("sqlite:".count)) : text
        return KeyBlock.absolute(path)
    }

    /// Where the desk database lives, fit to show: a path, or a PostgreSQL URL without its password.
    func databaseLocation() throws(CLIFailure) -> String {
        let text = databaseText()
        if PostgresLocation.matches(text) {
            do {
                return try PostgresLocation(url: text).description
            } catch {
                throw CLIFailure(error, self)
            }
        }
        return try sqlitePath(text)
    }

    private func sqlitePath(_ text: String) throws(CLIFailure) -> String {
        let path = text.hasPrefix("sqlite:") ? String(text.dropFirst("sqlite:".count)) : text
        guard !path.isEmpty else { throw CLIFailure(language.pick(en: "--db needs a path", zh: "--db 需要一个路径")) }
        return (path as NSString).expandingTildeInPath
    }

    private func defaultDatabasePath() -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("shiftdesk/desk.sqlite")
    }

    /// The desk's store: SQLite for a path, PostgreSQL for a `postgres://` URL. A PostgreSQL store
    /// connects and migrates on its first operation (`openPreparedStore` waits for that).
    func openStore(create: Bool = false) throws(CLIFailure) -> any Store {
        let text = databaseText()
        let isPostgres = PostgresLocation.matches(text)
        let path = isPostgres ? text : try sqlitePath(text)
        do {
            if isPostgres {
                return try PostgresStore(url: text, create: create)
            }
            let store = try SQLiteStore(path: path, create: create, pageCacheKiB: sqlitePageCacheKiB)
            (clock as? DeskClock)?.follow(store)
            return store
        } catch {
            throw CLIFailure(error, self)
        }
    }

    /// Opens the store and waits until its schema is in place (created or migrated); returns the
    /// store with its schema version.
    func openPreparedStore(create: Bool) async throws(CLIFailure) -> (store: any Store, schemaVersion: Int) {
        let store = try openStore(create: create)
        do {
            if let postgres = store as? PostgresStore {
                let version = try await postgres.ready()
                try await (clock as? DeskClock)?.follow(opened: store)
                return (store, version)
            }
            if let sqlite = store as? SQLiteStore {
                return (store, try await sqlite.schemaVersion())
            }
            return (store, 0)
        } catch {
            throw CLIFailure(error, self)
        }
    }

    /// The desk with the SLA policy in force at the command's instant.
    func desk(create: Bool = false) async throws(CLIFailure) -> Desk {
        try await deskInForce(create: create).desk
    }

    func show(_ date: Date?) -> String {
        date.map { DisplayTime.format($0, in: timeZone) } ?? "—"
    }
}


