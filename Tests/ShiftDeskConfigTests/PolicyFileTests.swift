import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskConfig

let designExample = """
timezone = "Asia/Shanghai"

[calendars.office]
hours = ["09:00-12:00", "13:30-18:00"]   # one or more spans per working day
days = ["mon", "tue", "wed", "thu", "fri"]
holidays = ["2026-10-01", "2026-10-02"]  # whole days off
workdays = ["2026-10-10"]                # make-up working days (调休)

[priorities.minor]
calendar = "office"                      # default "24x7"
respond_within = "30m"
resolve_within = "4h"
[[priorities.minor.escalate]]
after = "4h"
notify = ["incident_manager"]
via = ["email"]
[[priorities.minor.escalate]]
after = "8h"
notify = ["operations_manager", "operations_director", "management_owner"]
via = ["email"]
"""

func utcZone() throws -> TimeZone {
    guard let z = TimeZone(identifier: "UTC") else { throw PolicyError(path: "", line: nil, kind: .unreadable, reason: "no UTC") }
    return z
}

func load(_ text: String) throws -> SLAPolicy {
    try PolicyFile.load(contents: text, path: "sla.toml", defaultTimeZone: try utcZone())
}

/// The error a text gives (fails the test if it loads).
func failure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> PolicyError? {
    do {
        _ = try PolicyFile.load(contents: text, path: "sla.toml", defaultTimeZone: TimeZone(secondsFromGMT: 0) ?? .gmt)
        Issue.record("expected the policy to be refused", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite struct PolicyFileTests {
    @Test func designExampleParses() throws {
        let p = try load(designExample)
        #expect(p.timeZone.identifier == "Asia/Shanghai")
        #expect(p.calendars.keys.sorted() == ["24x7", "office"])
        let office = try #require(p.calendars["office"])
        #expect(office.timeZone?.identifier == "Asia/Shanghai")
        #expect(office.hours?.spans.map(\.description) == ["09:00-12:00", "13:30-18:00"])
        #expect(office.hours?.weekdays == [.mon, .tue, .wed, .thu, .fri])
        #expect(office.hours?.holidays.map(\.description).sorted() == ["2026-10-01", "2026-10-02"])
        #expect(office.hours?.workdays.map(\.description) == ["2026-10-10"])
        let minor = p.policy(for: .minor)
        #expect(minor.calendar == "office" && minor.respondWithin == 1800 && minor.resolveWithin == 14_400)
        #expect(minor.escalation == [
            EscalationStep(level: 1, after: 14_400, notify: [.incidentManager], via: [.email]),
            EscalationStep(level: 2, after: 28_800, notify: [.operationsManager, .operationsDirector, .managementOwner], via: [.email]),
        ])
        // Not in the file: the duty table's.
        #expect(p.policy(for: .major) == SLAPolicy.dutyTable.policy(for: .major))
        #expect(p.policy(for: .general) == SLAPolicy.dutyTable.policy(for: .general))
        // And it works: a minor ticket opened on 30 Sep 2026 17:00 Shanghai (Wednesday)
        // escalates after 4 working hours: 1h on 30 Sep, holidays 1-2 Oct, weekend, 3h on Mon 5 Oct.
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = p.timeZone
        let opened = try #require(cal.date(from: DateComponents(year: 2026, month: 9, day: 30, hour: 17)))
        let plan = EscalationPlanner.plan(priority: .minor, timeline: ClockTimeline(openedAt: opened), policy: p)
        #expect(plan.steps.first?.at == cal.date(from: DateComponents(year: 2026, month: 10, day: 5, hour: 12)))
    }

    @Test func emptyFileIsTheDutyTable() throws {
        let p = try load("# nothing here\n")
        #expect(p.priorities == SLAPolicy.dutyTable.priorities)
        #expect(p.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0)
    }

    @Test func partialPriorityKeepsDefaults() throws {
        let p = try load("""
        [calendars.office]
        hours = ["09:00-18:00"]

        [priorities.general]
        calendar = "office"
        """)
        let g = p.policy(for: .general)
        #expect(g.calendar == "office")
        #expect(g.escalation == SLAPolicy.dutyTable.policy(for: .general).escalation)
        #expect(p.calendars["office"]?.hours?.weekdays.count == 5)  // days default mon-fri
    }

    @Test func tomlDatesAndInlineStepsAreAccepted() throws {
        let p = try load("""
        [calendars.office]
        hours = ["09:00-18:00"]
        holidays = [2026-10-01, "2026-10-02"]
        timezone = "Europe/Berlin"

        [priorities.major]
        escalate = [{ after = "0m", notify = ["incident_manager"], via = ["phone"] }]
        """)
        #expect(p.calendars["office"]?.hours?.holidays.count == 2)
        #expect(p.calendars["office"]?.timeZone?.identifier == "Europe/Berlin")
        #expect(p.policy(for: .major).escalation == [EscalationStep(level: 1, after: 0, notify: [.incidentManager], via: [.phone])])
    }

    @Test func unknownCalendarMessage() throws {
        let e = try #require(failure("""
        timezone = "Asia/Shanghai"

        [calendars.office]
        hours = ["09:00-12:00", "13:30-18:00"]
        days = ["mon", "tue", "wed", "thu", "fri"]

        [priorities.minor]
        respond_within = "30m"
        resolve_within = "4h"
        # the office calendar, of course


        calendar = "ofice"
        """))
        #expect(e.kind == .unknownCalendar)
        #expect(e.description == "sla.toml:13: unknown calendar \"ofice\" (known: 24x7, office)")
    }

    /// Each error kind at the right line.
    @Test(arguments: [
        // (kind, line, text)
        // An unclosed array is noticed where the next table starts (a TOML array may span lines).
        (PolicyError.Kind.syntax, 5, "timezone = \"UTC\"\n[calendars.office]\nhours = [\"09:00-12:00\"\n\n[priorities.minor]\n"),
        (.syntax, 2, "[priorities.minor]\nrespond_within = 30m\n"),
        (.badDuration, 3, "[priorities.minor]\ncalendar = \"24x7\"\nrespond_within = \"30x\"\n"),
        (.badDuration, 6, "[priorities.general]\n[[priorities.general.escalate]]\nafter = \"1h\"\nnotify = [\"incident_manager\"]\n[[priorities.general.escalate]]\nafter = \"1h1h\"\nnotify = [\"incident_manager\"]\n"),
        (.overlappingSpans, 5, "[calendars.office]\nhours = [\n  \"09:00-12:00\",\n  \"13:30-18:00\",\n  \"11:00-14:00\",\n]\n"),
        (.spanEndBeforeStart, 2, "[calendars.office]\nhours = [\"18:00-09:00\"]\n"),
        (.badSpan, 3, "[calendars.office]\nhours = [\"09:00-12:00\",\n  \"13:30-25:00\"]\n"),
        (.badDate, 6, "[calendars.office]\nhours = [\"09:00-18:00\"]\nholidays = [\n  \"2026-10-01\",\n  \"2026-10-02\",\n  \"2026-02-30\",\n]\n"),
        (.badDate, 3, "[calendars.office]\nhours = [\"09:00-18:00\"]\nworkdays = [\"10/10/2026\"]\n"),
        (.badWeekday, 4, "[calendars.office]\nhours = [\"09:00-18:00\"]\n\ndays = [\"mon\", \"tues\"]\n"),
        (.unknownRole, 10, "[priorities.minor]\n[[priorities.minor.escalate]]\nafter = \"4h\"\nnotify = [\"incident_manager\"]\nvia = [\"email\"]\n\n[[priorities.minor.escalate]]\nafter = \"8h\"\nnotify = [\"operations_manager\",\n          \"ops_director\"]\n"),
        (.unknownContactMethod, 5, "[priorities.major]\n[[priorities.major.escalate]]\nafter = \"0m\"\nnotify = [\"incident_manager\"]\nvia = [\"phone\", \"sms\"]\n"),
        (.unknownTimeZone, 1, "timezone = \"Asia/Shangai\"\n"),
        (.unknownTimeZone, 4, "[calendars.office]\nhours = [\"09:00-18:00\"]\n# Berlin office\ntimezone = \"Europe/Berln\"\n"),
        (.unknownKey, 1, "timezon = \"UTC\"\n"),
        (.unknownKey, 3, "[calendars.office]\nhours = [\"09:00-18:00\"]\nholiday = [\"2026-10-01\"]\n"),
        (.unknownKey, 4, "[priorities.minor]\nrespond_within = \"30m\"\n\nresolve_in = \"4h\"\n"),
        (.unknownKey, 7, "[priorities.minor]\n[[priorities.minor.escalate]]\nafter = \"4h\"\nnotify = [\"incident_manager\"]\n[[priorities.minor.escalate]]\nafter = \"8h\"\nnotfy = [\"incident_manager\"]\n"),
        (.unknownPriority, 2, "\n[priorities.critical]\nrespond_within = \"5m\"\n"),
        (.wrongType, 2, "[priorities.minor]\nrespond_within = 30\n"),
        (.invalidLadder, 6, "[priorities.minor]\n[[priorities.minor.escalate]]\nafter = \"4h\"\nnotify = [\"incident_manager\"]\n[[priorities.minor.escalate]]\nafter = \"2h\"\nnotify = [\"incident_manager\"]\n"),
        (.invalidCalendar, 1, "[calendars.24x7]\nhours = [\"09:00-18:00\"]\n"),
        (.invalidCalendar, 3, "[calendars.office]\nhours = [\"09:00-18:00\"]\ndays = []\n"),
        (.invalidCalendar, 4, "[calendars.office]\nhours = [\"09:00-18:00\"]\nholidays = [\"2026-10-10\"]\nworkdays = [\"2026-10-10\"]\n"),
        (.missingKey, 1, "[calendars.office]\ndays = [\"mon\"]\n"),
        (.unknownCalendar, 2, "[priorities.major]\ncalendar = \"office\"\n"),
    ])
    func errorsNameTheLine(kind: PolicyError.Kind, line: Int, text: String) throws {
        let e = try #require(failure(text))
        #expect(e.kind == kind, "\(e)")
        #expect(e.line == line, "\(e)")
        #expect(e.path == "sla.toml")
        #expect(e.description.hasPrefix("sla.toml:\(line): "))
    }

    @Test func messagesReadWell() throws {
        let overlap = try #require(failure("[calendars.office]\nhours = [\"09:00-12:00\", \"11:00-14:00\"]\n"))
        #expect(overlap.description == "sla.toml:2: calendar \"office\": working spans \"09:00-12:00\" and \"11:00-14:00\" overlap")
        let role = try #require(failure("[priorities.minor]\n[[priorities.minor.escalate]]\nafter = \"4h\"\nnotify = [\"boss\"]\n"))
        #expect(role.description == "sla.toml:4: unknown recipient role \"boss\" (known: incident_manager, operations_manager, operations_director, management_owner)")
        let key = try #require(failure("[calendars.office]\nhous = [\"09:00-18:00\"]\n"))
        #expect(key.description == "sla.toml:2: unknown key \"hous\" in [calendars.office] (known: days, holidays, hours, timezone, workdays)")
        let duration = try #require(failure("[priorities.minor]\nresolve_within = \"4hours\"\n"))
        #expect(duration.description.hasPrefix("sla.toml:2: priorities.minor.resolve_within: bad duration \"4hours\""))
        let step = try #require(failure("[priorities.general]\n[[priorities.general.escalate]]\nafter = \"1h\"\nnotify = [\"incident_manager\"]\n[[priorities.general.escalate]]\nafter = \"1h1h\"\n"))
        #expect(step.description == "sla.toml:6: priorities.general.escalate[2].after: bad duration \"1h1h\": unit \"h\" given twice")
        let syntax = try #require(failure("[priorities.minor\n"))
        #expect(syntax.description.hasPrefix("sla.toml:1: TOML syntax error"))
    }

    @Test func readsAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sla-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("sla.toml")
        try designExample.write(to: file, atomically: true, encoding: .utf8)
        let p = try PolicyFile.load(path: file.path, defaultTimeZone: try utcZone())
        #expect(p.calendars["office"] != nil)
        #expect(throws: PolicyError.self) { try PolicyFile.load(path: dir.appendingPathComponent("missing.toml").path) }
    }
}

@Suite struct SourceLocatorTests {
    @Test func locatesHeadersKeysAndArrayElements() {
        let l = SourceLocator(designExample)
        #expect(l.line(of: ["timezone"]) == 1)
        #expect(l.line(of: ["calendars", "office"]) == 3)
        #expect(l.line(of: ["calendars", "office", "workdays"]) == 7)
        #expect(l.line(of: ["priorities", "minor", "calendar"]) == 10)
        #expect(l.line(of: ["priorities", "minor", "escalate", "#0", "after"]) == 14)
        #expect(l.line(of: ["priorities", "minor", "escalate", "#1", "notify"]) == 19)
        #expect(l.line(of: ["priorities", "minor", "escalate", "#1", "nonexistent"]) == 17)
        #expect(l.line(ofValue: "\"2026-10-02\"", at: ["calendars", "office", "holidays"]) == 6)
    }

    @Test func ignoresHashesInStringsAndDottedKeys() {
        let l = SourceLocator("a = \"x # y\" # c\n[t]\nb.c = [\n 1,\n 2]\nd = 1\n")
        #expect(l.line(of: ["a"]) == 1)
        #expect(l.line(of: ["t", "b", "c"]) == 3)
        #expect(l.line(of: ["t", "d"]) == 6)
    }
}

@Suite struct NightlyBackupConfigTests {
    @Test func readsTheBackupTableWithItsDefaults() throws {
        let config = try ConfigFile.load(contents: "[backup]\nfolder = \"/var/lib/shiftdesk/backups\"\n", path: "config.toml")
        #expect(config.backup == NightlyBackup(folder: "/var/lib/shiftdesk/backups", at: NightlyBackup.defaultTime, keep: 7))
        let tuned = try ConfigFile.load(contents: "[backup]\nfolder = \"/b\"\nat = \"02:30\"\nkeep = 14\n", path: "config.toml")
        #expect(tuned.backup?.keep == 14 && tuned.backup?.at == LocalTime(hour: 2, minute: 30))
        #expect(try ConfigFile.load(contents: "", path: "config.toml").backup == nil)
    }

    @Test(arguments: [
        ("[backup]\nat = \"03:00\"\n", "config.toml:1"), ("[backup]\nfolder = \"backups\"\n", "absolute path"),
        ("[backup]\nfolder = \"/b\"\nat = \"25:00\"\n", "not a time of day"), ("[backup]\nfolder = \"/b\"\nkeep = 0\n", "from 1 to 366"),
        ("[backup]\nfolder = \"/b\"\nevery = \"1d\"\n", "unknown key \"every\""),
    ])
    func refusesWhatItCannotUse(_ text: String, _ expected: String) {
        do {
            _ = try ConfigFile.load(contents: text, path: "config.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }
}

/// Issue 16: the language customer updates are mailed in, and addresses checked by one rule.
@Suite struct MessagesConfigTests {
    @Test func readsTheDesksLanguageForCustomerUpdates() throws {
        #expect(try ConfigFile.load(contents: "", path: "config.toml").customerLanguage == .zh)
        #expect(try ConfigFile.load(contents: "[desk]\nlanguage = \"en\"\n", path: "config.toml").customerLanguage == .en)
        let every = try ConfigFile.load(contents: "[desk.customer_updates]\nmajor = \"1h\"\ngeneral = \"4h\"\n", path: "config.toml")
        #expect(every.customerUpdateEvery == [.major: 3600, .general: 4 * 3600])
    }

    /// Issue 16, reports delivered: the service-report managers, the desk's name, the time allowed.
    @Test func readsTheReportRecipientsTheDesksNameAndTheTimeAllowed() throws {
        let plain = try ConfigFile.load(contents: "", path: "config.toml")
        #expect(plain.reportsWithin == 24 * 3600 && plain.deskName == "ShiftDesk")
        let set = try ConfigFile.load(contents: """
            [desk]
            name = "IT 服务台"
            reports_within = "12h"
            [notify.roles]
            service_report_manager = ["reports@desk.example", "srm2@desk.example"]
            """, path: "config.toml")
        #expect(set.deskName == "IT 服务台" && set.reportsWithin == 12 * 3600)
        #expect(set.recipients.addresses[.serviceReportManager] == ["reports@desk.example", "srm2@desk.example"])
    }

    @Test(arguments: [
        ("[desk]\nreports_within = \"0m\"\n", "desk.reports_within"), ("[desk]\nreports_within = \"40d\"\n", "config.toml:2"),
        ("[desk]\nname = \"\(String(repeating: "台", count: 101))\"\n", "desk.name"),
        ("[notify.roles]\nservice_report_manager = [\"reports\"]\n", "is not an e-mail address"),
        ("[desk]\nlanguage = \"fr\"\n", "config.toml:2"), ("[desk.customer_updates]\nurgent = \"1h\"\n", "unknown key"),
        ("[desk.customer_updates]\ngeneral = \"soon\"\n", "config.toml:2"), ("[desk]\nlanguage = 1\n", "config.toml:2"),
        ("[notify.roles]\nincident_manager = [\"@desk.example\"]\n", "is not an e-mail address"),
        ("[notify.roles]\nincident_manager = [\"im @desk.example\"]\n", "is not an e-mail address"),
    ])
    func refusesWhatItCannotUse(_ text: String, _ expected: String) {
        do {
            _ = try ConfigFile.load(contents: text, path: "config.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }
}

@Suite struct ForecastConfigTests {
    @Test func readsTheForecastTableWithItsDefaults() throws {
        #expect(try ConfigFile.load(contents: "", path: "config.toml").forecast == ForecastSettings())
        let tuned = try ConfigFile.load(contents: "[forecast]\nweeks = 6\nservice_level = 80\noccupancy = 90\n", path: "config.toml")
        #expect(tuned.forecast == ForecastSettings(weeks: 6, serviceLevel: 0.8, occupancyCap: 0.9))
    }

    @Test(arguments: [
        ("[forecast]\nweeks = 1\n", "config.toml:2"), ("[forecast]\nweeks = 53\n", "from 2 to 52"),
        ("[forecast]\nservice_level = 0.9\n", "a percentage of arrivals"), ("[forecast]\noccupancy = 101\n", "from 30 to 100"),
        ("[forecast]\ntarget = 90\n", "unknown key \"target\""),
    ])
    func refusesWhatItCannotUse(_ text: String, _ expected: String) {
        do {
            _ = try ConfigFile.load(contents: text, path: "config.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }
}

/// A long-running seat reads the desk's policy record at every refresh; TOMLKit never frees what
/// it parses, so a text is parsed once per process and answered from memory after that.
@Suite struct ReadPoliciesTests {
    @Test func aTextReadAgainIsNotParsedAgainAndGivesTheSamePolicyOrError() throws {
        let zone = try utcZone()
        let text = designExample + "\n# read-policies test \(UUID().uuidString)\n"
        let key = ReadPolicies.Key(contents: text, path: "policy", zone: zone.identifier)
        #expect(ReadPolicies.shared.result(for: key) == nil)
        let first = try PolicyFile.load(contents: text, path: "policy", defaultTimeZone: zone)
        #expect(try ReadPolicies.shared.result(for: key)?.get() == first, "remembered")
        let again = try PolicyFile.load(contents: text, path: "policy", defaultTimeZone: zone)
        #expect(first == again)

        let broken = "[priorities.minor\nrespond_within = \"30m\" # \(UUID().uuidString)\n"
        var errors: [PolicyError] = []
        for _ in 0..<2 {
            do { _ = try PolicyFile.load(contents: broken, path: "broken.toml", defaultTimeZone: zone) } catch { errors.append(error) }
        }
        #expect(errors.count == 2)
        #expect(errors.first == errors.last)
        #expect(errors.first?.path == "broken.toml")
        // A text that names no zone read for a desk in another zone is another reading.
        let zoneless = designExample.replacingOccurrences(of: "timezone = \"Asia/Shanghai\"\n", with: "")
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        #expect(try PolicyFile.load(contents: zoneless, path: "policy", defaultTimeZone: zone).timeZone == zone)
        #expect(try PolicyFile.load(contents: zoneless, path: "policy", defaultTimeZone: paris).timeZone.identifier == "Europe/Paris")
    }

    @Test func onlyTheMostRecentTextsAreKept() {
        let kept = ReadPolicies(capacity: 2)
        let keys = (0..<3).map { ReadPolicies.Key(contents: "text \($0)", path: "p", zone: "UTC") }
        for key in keys { kept.remember(.failure(PolicyError(path: "p", line: 1, kind: .syntax, reason: key.contents)), for: key) }
        #expect(kept.count == 2)
        #expect(kept.result(for: keys[0]) == nil)
        #expect(kept.result(for: keys[2]) != nil)
    }
}
