import Foundation
import Testing

/// The SLA policy as a controlled record, through the real binary (issue 15, "What it must show").
@Suite("Policy and documents from the command line", .serialized)
struct PolicyCommandTests {
    static let backends = CLI.postgresServer == nil ? ["sqlite"] : ["sqlite", "postgres"]

    static let oneHour = """
        [priorities.general]
        [[priorities.general.escalate]]
        after = "1h"
        notify = ["incident_manager"]
        via = ["email"]
        [[priorities.general.escalate]]
        after = "4h"
        notify = ["operations_manager", "operations_director", "management_owner"]
        via = ["email"]

        """

    static func folder(_ cli: CLI) -> URL {
        URL(fileURLWithPath: cli.database.hasPrefix("postgres") ? NSTemporaryDirectory() : cli.database).deletingLastPathComponent()
            .appendingPathComponent("policy-\(UUID().uuidString)")
    }

    static func firstStep(_ cli: CLI, opened: String, now: String, extra: [String] = []) throws -> (at: String?, version: String?) {
        let due = try cli.run(["sla", "due", "--priority", "general", "--opened", opened, "--now", now, "--json"] + extra)
        let answer = due.json as? [String: Any]
        let steps = answer?["steps"] as? [[String: Any]]
        return (steps?.first?["at"] as? String, answer?["policy_version"] as? String)
    }

    @Test(arguments: backends)
    func aProposedPolicyIsInForceForEverySeatFromTheOwnersApproval(_ backend: String) throws {
        // The desk is made (and its V1.0 installed) before the days the test acts on.
        var cli = backend == "postgres" ? try CLI.withFreshPostgresDatabase() : try CLI.withFreshDatabase()
        try cli.expectSuccess("init", "--now", "2026-11-01T00:00:00+08:00")
        for (login, name, role) in [("desk1", "张伟", "desk"), ("im1", "孙丽", "im")] {
            try cli.expectSuccess("operator", "add", login, "--name", name, "--role", role)
        }
        let folder = Self.folder(cli)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        cli.environment["XDG_CONFIG_HOME"] = folder.path
        for (login, name, role) in [("own1", "周敏", "owner"), ("own2", "李强", "owner"), ("aud1", "何云", "auditor")] {
            try cli.expectSuccess("operator", "add", login, "--name", name, "--role", role)
        }
        let file = folder.appendingPathComponent("one-hour.toml").path
        try Self.oneHour.write(toFile: file, atomically: true, encoding: .utf8)
        // An incident opened at 10:00 under the duty table: the incident manager at 12:00.
        try cli.expectSuccess("ticket", "new", "--title", "打印机卡纸", "--caller", "王小明", "--priority", "general", "--as", "desk1",
                              "--now", "2026-11-02T10:00:00+08:00")
        try cli.expectSuccess("policy", "propose", file, "--reason", "一般事件首次升级提前到 1 小时", "--as", "im1", "--now", "2026-11-02T10:05:00+08:00")
        // Before approval: 2 h, whatever file a seat was started with (the file only proposes).
        #expect(try Self.firstStep(cli, opened: "2026-11-02T10:00:00+08:00", now: "2026-11-02T10:10:00+08:00") == ("2026-11-02T04:00:00Z", "V1.0"))
        let shown = try cli.expectSuccess("ticket", "show", "1", "--json", "--policy", file, "--now", "2026-11-02T10:10:00+08:00")
        let before = try #require((shown.json as? [String: Any])?["sla"] as? [String: Any])
        #expect((before["next_step"] as? [String: Any])?["at"] as? String == "2026-11-02T04:00:00Z")
        // A what-if with the file writes nothing.
        #expect(try Self.firstStep(cli, opened: "2026-11-02T10:00:00+08:00", now: "2026-11-02T10:10:00+08:00", extra: ["--policy", file]).at
                == "2026-11-02T03:00:00Z")
        // Refusals: the submitter, an auditor, an incident manager.
        for login in ["im1", "aud1"] {
            let refused = try cli.run("policy", "approve", "--as", login, "--now", "2026-11-02T10:20:00+08:00")
            #expect(refused.status == 1, "\(login)")
        }
        // The owner approves at 10:30: from then on the first step is at 11:00.
        let approved = try cli.expectSuccess("policy", "approve", "--as", "own1", "--comment", "同意", "--now", "2026-11-02T10:30:00+08:00", "--json")
        #expect((approved.json as? [String: Any])?["replanned"] as? Int == 1)
        #expect(try Self.firstStep(cli, opened: "2026-11-02T10:00:00+08:00", now: "2026-11-02T10:31:00+08:00") == ("2026-11-02T03:00:00Z", "V1.1"))
        #expect(try Self.firstStep(cli, opened: "2026-11-02T10:00:00+08:00", now: "2026-11-02T10:29:00+08:00") == ("2026-11-02T04:00:00Z", "V1.0"))
        // The escalation sweep at 11:05 fires the step the old policy would have kept for 12:00.
        let sweep = try cli.expectSuccess("escalate-due", "--json", "--now", "2026-11-02T11:05:00+08:00")
        let fired = try #require((sweep.json as? [String: Any])?["fired"] as? [[String: Any]])
        #expect(fired.map { $0["due_at"] as? String } == ["2026-11-02T03:00:00Z"])
        // The monthly report names both versions.
        let report = try cli.expectSuccess("report", "month", "--period", "2026-11", "--format", "json", "--now", "2026-11-20T00:00:00+08:00")
        let policy = try #require((report.json as? [String: Any])?["sla_policy"] as? [String: Any])
        #expect(((policy["in_force"] as? [[String: Any]]) ?? []).map { $0["version"] as? String } == ["V1.0", "V1.1"])
        #expect(policy["computed_with"] as? String == "V1.0, V1.1", "each deadline under the version in force when it was reached")
        let markdown = try cli.expectSuccess("report", "month", "--period", "2026-11", "--lang", "zh", "--now", "2026-11-20T00:00:00+08:00")
        #expect(markdown.stdout.contains("本期现行 SLA 策略：V1.0, V1.1"))
        // The record: who proposed, who approved, superseded V1.0 still readable.
        let old = try cli.expectSuccess("policy", "show", "--version", "V1.0", "--json")
        #expect((old.json as? [String: Any])?["state"] as? String == "superseded")
        let history = try cli.expectSuccess("policy", "history", "--json")
        #expect(((history.json as? [[String: Any]]) ?? []).map { $0["kind"] as? String } == ["installed", "edited", "submitted", "approved"])
    }

    /// A running escalator takes an approval as soon as it sees it: a general incident opened 70
    /// minutes ago is not due under V1.0 (2 h) and is escalated once V1.1 (1 h) is approved.
    @Test func aRunningEscalatorUsesTheNewPolicyFromItsApproval() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("operator", "add", "own1", "--name", "周敏", "--role", "owner")
        let folder = Self.folder(cli)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("one-hour.toml").path
        try Self.oneHour.write(toFile: file, atomically: true, encoding: .utf8)
        let opened = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-70 * 60))
        try cli.expectSuccess("ticket", "new", "--title", "VPN 断线", "--caller", "王小明", "--priority", "general", "--opened", opened,
                              "--backfilled", "--as", "desk1")
        let escalator = try cli.start(["escalator", "--no-deliver"])
        defer { escalator.stop() }
        usleep(1_500_000)
        func fired() throws -> Int {
            let show = try cli.expectSuccess("ticket", "show", "1", "--json")
            let sla = (show.json as? [String: Any])?["sla"] as? [String: Any]
            return ((sla?["next_step"] as? [String: Any])?["level"] as? Int) ?? 0
        }
        #expect(try fired() == 1, "under V1.0 the first step is still ahead")
        try cli.expectSuccess("policy", "propose", file, "--reason", "一小时", "--as", "im1")
        try cli.expectSuccess("policy", "approve", "--as", "own1")
        var level = 1
        for _ in 0..<50 {
            level = try fired()
            if level == 2 { break }
            usleep(200_000)
        }
        #expect(level == 2, "the escalator fired the first step under V1.1")
        escalator.stop()
    }

    @Test func aDocumentIsRejectedResubmittedApprovedAndAcknowledged() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("operator", "add", "own1", "--name", "周敏", "--role", "owner")
        let folder = Self.folder(cli)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let draft = folder.appendingPathComponent("rules.md").path
        try "# 升级规则\n一般事件 2 小时通知事件经理\n".write(toFile: draft, atomically: true, encoding: .utf8)
        try cli.expectSuccess("doc", "new", "escalation-rules", "--title", "升级规则", "--file", draft, "--concerns", "l1,desk", "--as", "im1")
        try cli.expectSuccess("doc", "submit", "escalation-rules", "--reason", "首次发布", "--as", "im1")
        #expect(try cli.run("doc", "edit", "escalation-rules", "--file", draft, "--as", "im1").status == 1, "a submitted version is not edited")
        try cli.expectSuccess("doc", "reject", "escalation-rules", "--comment", "补充夜班", "--as", "own1")
        try "# 升级规则\n一般事件 2 小时通知事件经理\n夜班由值班员通知\n".write(toFile: draft, atomically: true, encoding: .utf8)
        try cli.expectSuccess("doc", "edit", "escalation-rules", "--file", draft, "--as", "im1")
        try cli.expectSuccess("doc", "submit", "escalation-rules", "--reason", "已补充", "--as", "im1")
        try cli.expectSuccess("doc", "approve", "escalation-rules", "--as", "own1")
        try "# 升级规则\n一般事件 1 小时通知事件经理\n夜班由值班员通知\n".write(toFile: draft, atomically: true, encoding: .utf8)
        try cli.expectSuccess("doc", "edit", "escalation-rules", "--file", draft, "--as", "im1")
        try cli.expectSuccess("doc", "submit", "escalation-rules", "--reason", "提前", "--as", "im1")
        try cli.expectSuccess("doc", "approve", "escalation-rules", "--as", "own1")
        let diff = try cli.expectSuccess("doc", "diff", "escalation-rules", "V1.0", "V1.1")
        #expect(diff.stdout.contains("- 一般事件 2 小时通知事件经理\n+ 一般事件 1 小时通知事件经理\n"), "\(diff.stdout)")
        let pending = try cli.expectSuccess("doc", "pending-acks", "escalation-rules", "--json")
        #expect(((pending.json as? [String: Any])?["pending"] as? [[String: Any]] ?? []).map { $0["login"] as? String } == ["desk1", "l1a", "l1b"])
        try cli.expectSuccess("doc", "ack", "escalation-rules", "--as", "l1a")
        #expect(try cli.run("doc", "ack", "escalation-rules", "--as", "l1a").status == 1)
        let after = try cli.expectSuccess("doc", "pending-acks", "escalation-rules", "--json")
        #expect(((after.json as? [String: Any])?["pending"] as? [[String: Any]] ?? []).map { $0["login"] as? String } == ["desk1", "l1b"])
        let list = try cli.expectSuccess("doc", "list", "--json")
        #expect(((list.json as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String } == ["escalation-rules", "sla-policy"])
    }

    /// A desk made before documents (its database, not the code, is old): `migrate` makes the
    /// machine's sla.toml its approved V1.0, and nothing else changes.
    @Test func migrateMakesTheMachinesPolicyFileTheApprovedFirstVersion() throws {
        var cli = try CLI.withFreshDatabase()
        let folder = Self.folder(cli)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("shiftdesk"), withIntermediateDirectories: true)
        cli.environment["XDG_CONFIG_HOME"] = folder.path
        try cli.expectSuccess("migrate")
        let sqlite = cli.database
        // Stand in for a desk made before this version: no policy record (the trigger that keeps
        // the history append-only is lifted for that, as only the sqlite3 shell could).
        try CLI.tool(["/usr/bin/sqlite3", sqlite, "DROP TRIGGER document_events_are_append_only_delete; DELETE FROM document_events;"])
        try Self.oneHour.write(toFile: folder.appendingPathComponent("shiftdesk/sla.toml").path, atomically: true, encoding: .utf8)
        let migrated = try cli.expectSuccess("migrate", "--json")
        #expect((migrated.json as? [String: Any])?["policy_installed"] as? Bool == true)
        #expect(try Self.firstStep(cli, opened: "2026-11-02T10:00:00+08:00", now: "2026-11-02T10:10:00+08:00") == ("2026-11-02T03:00:00Z", "V1.0"))
        let again = try cli.expectSuccess("migrate", "--json")
        #expect((again.json as? [String: Any])?["policy_installed"] as? Bool == false)
    }

    /// "Nothing else changes": a desk whose seats ran on the machine's sla.toml keeps its tickets,
    /// their planned steps and deadlines and the escalation index's fingerprint through `migrate`;
    /// no seat plans anything afresh afterwards.
    @Test func migrateOfADeskThatRanOnItsPolicyFileChangesNothingElse() throws {
        var cli = try CLI.withFreshDatabase()
        let folder = Self.folder(cli)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("shiftdesk"), withIntermediateDirectories: true)
        cli.environment["XDG_CONFIG_HOME"] = folder.path
        try Self.oneHour.write(toFile: folder.appendingPathComponent("shiftdesk/sla.toml").path, atomically: true, encoding: .utf8)
        // A desk whose seats planned with the file (as every seat did with --policy or sla.toml):
        // made by `migrate` here, which plans with the file as this build would.
        try cli.expectSuccess("migrate")
        try cli.expectSuccess("operator", "add", "desk1", "--name", "张伟", "--role", "desk")
        try cli.expectSuccess("ticket", "new", "--title", "打印机卡纸", "--caller", "王小明", "--priority", "general", "--as", "desk1",
                              "--now", "2026-11-02T10:00:00+08:00")
        try cli.expectSuccess("escalate-due", "--now", "2026-11-02T10:05:00+08:00")
        func sqlite(_ sql: String) throws -> String { try CLI.tool(["/usr/bin/sqlite3", cli.database, sql]) }
        // What the desk held before controlled documents: its plans and fingerprint, no policy record.
        _ = try sqlite("DROP TRIGGER document_events_are_append_only_delete; DELETE FROM document_events;")
        let query = "SELECT number, version, escalation_due_at, respond_by, resolve_by FROM tickets; SELECT value FROM settings WHERE key = 'escalation.policy';"
        let before = try sqlite(query)
        #expect(before.contains("1793588400000"), "planned with the file's 1 h step: \(before)")
        let migrated = try cli.expectSuccess("migrate", "--json")
        #expect((migrated.json as? [String: Any])?["policy_installed"] as? Bool == true)
        try cli.expectSuccess("escalate-due", "--now", "2026-11-02T10:10:00+08:00")
        #expect(try sqlite(query) == before, "nothing else changed")
        #expect(try Self.firstStep(cli, opened: "2026-11-02T10:00:00+08:00", now: "2026-11-02T10:10:00+08:00") == ("2026-11-02T03:00:00Z", "V1.0"))
    }
}
