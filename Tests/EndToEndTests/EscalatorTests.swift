import Foundation
import Testing

/// Several escalator services on one desk: every step once, every mail once, even when one dies.
@Suite("Escalator processes", .serialized)
struct EscalatorTests {
    static let backends = CLI.postgresServer == nil ? ["sqlite"] : ["sqlite", "postgres"]

    @Test(arguments: backends)
    func threeEscalatorsFireAndDeliverEachStepOnceAndSurviveOneBeingKilled(_ backend: String) throws {
        var cli = try CLI.staffedDesk(backend: backend)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-escalators-\(UUID().uuidString)")
        let sendmail = try CapturingSendmail(in: folder)
        let mailbox = sendmail.mailbox
        let standIn = sendmail.command
        let config = folder.appendingPathComponent("config.toml").path
        try """
            [notify]
            from = "desk@desk.example"
            [notify.roles]
            incident_manager = ["im@desk.example"]
            operations_manager = ["ops@desk.example"]
            operations_director = ["director@desk.example"]
            management_owner = ["owner@desk.example"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        cli.environment["SHIFTDESK_SENDMAIL"] = standIn

        // 30 general incidents opened five hours ago: both rungs of the ladder are due.
        let opened = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-5 * 3600))
        for index in 1...30 {
            try cli.expectSuccess("ticket", "new", "--title", "disk \(index)", "--caller", "王小明", "--opened", opened, "--as", "desk1")
        }
        let escalators = try (0..<3).map { _ in try cli.start(["escalator", "--config", config]) }
        defer { for process in escalators { process.stop() } }
        // One dies mid-run, without a chance to clean up.
        usleep(300_000)
        escalators[0].signal(SIGKILL)

        // Per incident: L1 to the incident manager, L2 to the three managers: 4 mails each.
        let expected = 30 * 4
        var mails: [String] = []
        // Mail the killed one had leased goes out when its 20 s lease ends.
        for _ in 0..<450 {
            mails = try FileManager.default.contentsOfDirectory(atPath: mailbox.path)
            if mails.count >= expected { break }
            usleep(100_000)
        }
        usleep(1_500_000) // any duplicate would arrive now
        mails = try FileManager.default.contentsOfDirectory(atPath: mailbox.path)
        var ids = try mails.map { name -> String in
            let text = try String(contentsOf: mailbox.appendingPathComponent(name), encoding: .utf8)
            return text.split(separator: "\n").first { $0.hasPrefix("Message-ID:") }.map(String.init) ?? ""
        }
        // Run in the first hours of a month, the incidents opened last month: that month's
        // workload report goes to the owner too (issue 16). Only the ladder's mail is counted here.
        let reports = ids.filter { $0.hasPrefix("Message-ID: <report.") }.count
        ids.removeAll { $0.hasPrefix("Message-ID: <report.") }
        mails.removeLast(reports)
        // Every message once; the one the killed escalator may have been handing to sendmail when
        // it died goes out again when its lease ends, with the same Message-ID (at least once).
        // Sendmail reads the message from a file, so even a copy handed over as the escalator
        // was killed is whole.
        #expect(ids.allSatisfy { $0.hasSuffix(">") }, "every copy whole")
        #expect(Set(ids).count == expected)
        #expect(mails.count == expected || mails.count == expected + 1, "\(mails.count) mails")

        // SIGTERM stops the others cleanly.
        let statuses = escalators.dropFirst().map { $0.stop() }
        #expect(statuses.allSatisfy { $0 == 0 }, "\(statuses)")

        let show = try cli.expectSuccess("ticket", "show", "7", "--json")
        let sla = try #require((show.json as? [String: Any])?["sla"] as? [String: Any])
        #expect(sla["breached"] as? Bool == true)
        #expect(sla["next_step"] is NSNull)
    }

    /// `[backup]` makes the escalator take a verified copy each night and keep the newest `keep`.
    @Test func theEscalatorTakesTheNightlyBackupAndKeepsTheNewest() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("ticket", "new", "--title", "VPN 断线", "--caller", "王小明", "--as", "desk1")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-nightly-\(UUID().uuidString)")
        let backups = folder.appendingPathComponent("backups")
        try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
        // Three older copies and a file of someone else's: two copies go, the other file stays.
        for day in ["2026-01-01", "2026-01-02", "2026-01-03"] {
            try Data("old".utf8).write(to: backups.appendingPathComponent("desk-\(day).sqlite"))
        }
        try Data("mine".utf8).write(to: backups.appendingPathComponent("notes.txt"))
        let config = folder.appendingPathComponent("config.toml").path
        try "[backup]\nfolder = \"\(backups.path)\"\nat = \"00:00\"\nkeep = 2\n".write(toFile: config, atomically: true, encoding: .utf8)
        let escalator = try cli.start(["escalator", "--no-deliver", "--config", config])
        defer { escalator.stop() }
        let deadline = Date().addingTimeInterval(20)
        var names: [String] = []
        while Date() < deadline {
            names = ((try? FileManager.default.contentsOfDirectory(atPath: backups.path)) ?? []).sorted()
            if names.count == 3, !names.contains("desk-2026-01-02.sqlite") { break }
            usleep(200_000)
        }
        escalator.stop()
        let today = names.first { $0.hasPrefix("desk-") && !$0.hasPrefix("desk-2026-01-0") }
        #expect(names.count == 3 && names.contains("notes.txt") && names.contains("desk-2026-01-03.sqlite") && today != nil, "\(names)")
        let copy = try #require(today.map { backups.appendingPathComponent($0).path })
        let verified = try CLI(database: copy).run("audit", "verify")
        #expect(verified.status == 0, "\(verified.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func slaDueAnswersTheDutyTableLadder() throws {
        let cli = try CLI.staffedDesk()
        let result = try cli.expectSuccess("sla", "due", "--priority", "general", "--opened", "2026-11-29T10:00:00+08:00", "--json")
        let answer = try #require(result.json as? [String: Any])
        #expect(answer["respond_by"] as? String == "2026-11-29T02:30:00Z")
        #expect(answer["resolve_by"] as? String == "2026-11-29T06:00:00Z")
        let steps = try #require(answer["steps"] as? [[String: Any]])
        #expect(steps.map { $0["at"] as? String } == ["2026-11-29T04:00:00Z", "2026-11-29T06:00:00Z"])
        #expect(steps.first?["notify"] as? [String] == ["incident_manager"])
        let paused = try cli.expectSuccess("sla", "due", "--priority", "minor", "--opened", "2026-11-29T10:00:00+08:00", "--paused", "30m", "--json")
        #expect((paused.json as? [String: Any])?["resolve_by"] as? String == "2026-11-29T10:30:00Z")
    }

    @Test func aBrokenPolicyStopsEveryCommandWithFileLineAndReason() throws {
        let cli = try CLI.staffedDesk()
        let folder = URL(fileURLWithPath: cli.database).deletingLastPathComponent()
        let policy = folder.appendingPathComponent("sla.toml").path
        try "[priorities.minor]\nresolve_within = \"4 hours\"\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let result = try cli.run("sla", "due", "--priority", "minor", "--opened", "2026-11-29T10:00:00Z", "--policy", policy)
        #expect(result.status == 1)
        #expect(result.stderr.contains("sla.toml:2:"), "\(result.stderr)")
        let escalate = try cli.run("escalate-due", "--policy", policy)
        #expect(escalate.status == 1)
    }
}
