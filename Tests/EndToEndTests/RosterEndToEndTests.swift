import Foundation
import Testing

/// The notification roster as part of the approved SLA policy (issue 15): before, each machine's
/// `[notify.roles]` addressed role mail, so two seats over one database mailed different people;
/// once a version with a `[roster]` is approved, every seat addresses role mail from it, and a
/// machine's `[notify.roles]` is said to be unused. A first version installed by `init` carries
/// the installing machine's roster.
@Suite("The roster as a controlled record", .serialized)
struct RosterEndToEndTests {
    static let backends = CLI.postgresServer == nil ? ["sqlite"] : ["sqlite", "postgres"]

    /// A seat's own configuration: its `[notify.roles]` names `incidentManager`.
    static func seat(_ folder: URL, _ name: String, incidentManager: String) throws -> String {
        let config = folder.appendingPathComponent("\(name).toml").path
        try """
            [notify]
            from = "desk@desk.example"
            [notify.roles]
            incident_manager = ["\(incidentManager)"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    @Test(arguments: backends)
    func anApprovedRosterAddressesEverySeatsRoleMail(_ backend: String) throws {
        var cli = try CLI.staffedDesk(backend: backend)
        try cli.expectSuccess("operator", "add", "own1", "--name", "周敏", "--role", "owner")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-roster-\(UUID().uuidString)")
        let sendmail = try CapturingSendmail(in: folder)
        let mailbox = sendmail.mailbox
        defer { try? FileManager.default.removeItem(at: folder) }
        let standIn = sendmail.command
        cli.environment["SHIFTDESK_SENDMAIL"] = standIn
        let seatA = try Self.seat(folder, "a", incidentManager: "im-a@desk.example")
        let seatB = try Self.seat(folder, "b", incidentManager: "im-b@desk.example")
        var seen: Set<String> = []
        func delivered(_ config: String, now: String) throws -> [String] {
            try cli.expectSuccess("notify", "flush", "--config", config, "--now", now)
            let names = Set(try FileManager.default.contentsOfDirectory(atPath: mailbox.path)).subtracting(seen)
            seen.formUnion(names)
            return try names.sorted().map { try String(contentsOf: mailbox.appendingPathComponent($0), encoding: .utf8) }
        }
        func to(_ mails: [String]) -> [String] {
            mails.flatMap { $0.split(separator: "\n").filter { $0.hasPrefix("To: ") }.map { String($0.dropFirst(4)) } }.sorted()
        }
        for (number, opened) in [(1, "2026-11-02T08:00:00+08:00"), (2, "2026-11-02T09:00:00+08:00")] {
            try cli.expectSuccess("ticket", "new", "--title", "打印机卡纸 \(number)", "--caller", "王小明", "--priority", "general",
                                  "--as", "desk1", "--now", opened)
        }
        // Today: each seat mails its own machine's incident manager.
        try cli.expectSuccess("escalate-due", "--config", seatA, "--now", "2026-11-02T10:05:00+08:00")
        #expect(to(try delivered(seatA, now: "2026-11-02T10:06:00+08:00")) == ["im-a@desk.example"])

        // The incident manager proposes a roster; until the owner approves it nothing changes.
        let proposal = folder.appendingPathComponent("roster.toml").path
        try """
            [roster]
            incident_manager = ["im@desk.example", "im-deputy@desk.example"]
            management_owner = ["owner@desk.example"]
            """.write(toFile: proposal, atomically: true, encoding: .utf8)
        let bad = folder.appendingPathComponent("bad.toml").path
        try "[roster]\nincident_manager = [\"not an address\"]\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try cli.run("policy", "propose", bad, "--reason", "名单", "--as", "im1", "--now", "2026-11-02T10:10:00+08:00")
        #expect(refused.status != 0 && refused.stderr.contains("roster.incident_manager") && refused.stderr.contains(":2"), "\(refused.stderr)")
        try cli.expectSuccess("policy", "propose", proposal, "--reason", "通知名单纳入受控策略", "--as", "im1", "--now", "2026-11-02T10:10:00+08:00")
        let approved = try cli.expectSuccess("policy", "approve", "--as", "own1", "--now", "2026-11-02T10:30:00+08:00", "--json")
        #expect((approved.json as? [String: Any])?["replanned"] as? Int == 0, "a roster plans nothing afresh")

        // From the approval, seat B (another machine, another [notify.roles]) mails the roster's.
        let swept = try cli.expectSuccess("escalate-due", "--config", seatB, "--now", "2026-11-02T11:05:00+08:00")
        #expect(swept.stdout.contains("INC-000002"), "\(swept.stdout)")
        let mails = try delivered(seatB, now: "2026-11-02T11:06:00+08:00")
        #expect(to(mails.filter { $0.contains("INC-000002") }) == ["im-deputy@desk.example", "im@desk.example"], "\(mails)")
        // The proposal's mail to the owners, sent after the approval, went to the roster's owner too.
        #expect(to(mails).contains("owner@desk.example"), "\(mails)")
        // The report and the policy show it; the old version's roster was the machines'.
        let shown = try cli.expectSuccess("policy", "show", "--json")
        #expect(((shown.json as? [String: Any])?["text"] as? String)?.contains("im-deputy@desk.example") == true)
    }

    /// `init` on a machine whose configuration names role addresses installs them as the roster of V1.0.
    @Test func initInstallsTheMachinesRosterAsTheFirstVersions() throws {
        var cli = try CLI.withFreshDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-roster-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("shiftdesk"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            [notify.roles]
            incident_manager = ["im@desk.example"]
            service_report_manager = ["reports@desk.example"]
            """.write(to: folder.appendingPathComponent("shiftdesk/config.toml"), atomically: true, encoding: .utf8)
        cli.environment["XDG_CONFIG_HOME"] = folder.path
        try cli.expectSuccess("init")
        let text = try #require((try cli.expectSuccess("policy", "show", "--json").json as? [String: Any])?["text"] as? String)
        #expect(text.contains("[roster]") && text.contains("incident_manager = [\"im@desk.example\"]")
                && text.contains("service_report_manager = [\"reports@desk.example\"]"), "\(text)")
    }
}
