import Foundation
import Testing

/// A problem's whole path through the real binary (issue 14): L2 raises it from an incident, the
/// problem managers get a mail through a capturing sendmail, the manager assesses, the owner
/// analyses and publishes a known error, and a desk agent resolves reworded calls with it.
@Suite("Problems end to end", .serialized)
struct ProblemEndToEndTests {
    static let backends = CLI.postgresServer == nil ? ["sqlite"] : ["sqlite", "postgres"]

    @Test(arguments: backends)
    func raisedMailedAssessedPublishedAndUsedAtFirstContact(_ backend: String) throws {
        var cli = try CLI.staffedDesk(backend: backend)
        try cli.expectSuccess("operator", "add", "pm1", "--name", "何军", "--role", "problem_manager")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-problems-\(UUID().uuidString)")
        let sendmail = try CapturingSendmail(in: folder)
        let mailbox = sendmail.mailbox
        defer { try? FileManager.default.removeItem(at: folder) }
        let standIn = sendmail.command
        let config = folder.appendingPathComponent("config.toml").path
        try """
            [notify]
            from = "desk@desk.example"
            [notify.roles]
            problem_manager = ["pm@desk.example", "pm2@desk.example"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        cli.environment["SHIFTDESK_SENDMAIL"] = standIn

        // Two calls about the same fault; L2 raises a problem from the first.
        try cli.expectSuccess("ticket", "new", "--title", "打印机卡纸，无法打印", "--caller", "王小明", "--phone", "138", "--as", "desk1")
        try cli.expectSuccess("ticket", "new", "--title", "三楼打印机卡纸", "--caller", "李雷", "--phone", "139", "--as", "desk1")
        try cli.expectSuccess("ticket", "escalate", "1", "--to", "l1", "--as", "desk1")
        let raised = try cli.expectSuccess("problem", "new", "--title", "打印机频繁卡纸 printer jams", "--reason", "本周第三次 third this week",
                                           "--incident", "1", "--incident", "2", "--as", "l2a", "--config", config, "--json")
        #expect((raised.json as? [String: Any])?["state"] as? String == "new")
        try cli.expectSuccess("notify", "flush", "--config", config)
        let mails = try FileManager.default.contentsOfDirectory(atPath: mailbox.path)
            .map { try String(contentsOf: mailbox.appendingPathComponent($0), encoding: .utf8) }
        #expect(mails.count == 2)
        for address in ["pm@desk.example", "pm2@desk.example"] {
            let mail = try #require(mails.first { $0.contains("To: \(address)") }, "a mail to \(address)")
            #expect(mail.contains("Message-ID: <PRB-000001.raised.problem_manager.email.\(address)@shiftdesk>"), "\(mail)")
            #expect(mail.contains("PRB-000001"))
            for expected in ["陈静 (l2a)", "本周第三次 third this week", "INC-000001", "INC-000002"] {
                #expect(mail.contains(expected) || mail.contains(Self.encodedWord(expected)), "\(expected) in \(mail)")
            }
        }
        // Delivered once: a second flush sends nothing.
        try cli.expectSuccess("notify", "flush", "--config", config)
        #expect(try FileManager.default.contentsOfDirectory(atPath: mailbox.path).count == 2)

        // The manager assesses; L2 may not.
        let refused = try cli.run("problem", "assess", "PRB-000001", "--owner", "l2a", "--as", "l2a")
        #expect(refused.status == 1 && refused.stderr.contains("[problem.assess-role]"), "\(refused.stderr)")
        try cli.expectSuccess("problem", "assess", "PRB-000001", "--owner", "l2a", "--as", "pm1")
        try cli.expectSuccess("problem", "analyse", "PRB-000001", "--as", "l2a")
        let published = try cli.expectSuccess("problem", "known-error", "PRB-000001", "--symptom", "打印机卡纸，无法打印 printer jams, cannot print",
                                              "--workaround", "打开后盖取出卡纸 open the rear cover and remove the paper", "--as", "l2a", "--json")
        let known = try #require((published.json as? [String: Any])?["known_error"] as? [String: Any])
        #expect(known["version"] as? Int == 1)

        // Communicate: one note on each open linked incident.
        let told = try cli.expectSuccess("problem", "communicate", "PRB-000001", "--as", "l2a", "--json")
        #expect((told.json as? [String: Any])?["incidents_written"] as? [String] == ["INC-000001", "INC-000002"])

        // New calls, reworded, in Chinese and in English: the desk is offered the known error and resolves with it.
        for (number, title) in [(3, "打印机又卡纸了，无法打印"), (4, "printer jams again and cannot print")] {
            try cli.expectSuccess("ticket", "new", "--title", title, "--caller", "Emily", "--phone", "137", "--as", "desk1")
            let offered = try cli.expectSuccess("known-error", "search", title, "--json")
            let matches = try #require(offered.json as? [[String: Any]])
            #expect(matches.map { $0["problem"] as? String } == ["PRB-000001"], "\(title): \(offered.stdout)")
            try cli.expectSuccess("ticket", "resolve", "\(number)", "--known-error", "PRB-000001", "--as", "desk1")
            let shown = try #require(try cli.expectSuccess("ticket", "show", "\(number)", "--json").json as? [String: Any])
            #expect(shown["state"] as? String == "resolved" && shown["problem"] as? String == "PRB-000001")
            let last = try #require((shown["events"] as? [[String: Any]])?.last)
            let changes = try #require(last["changes"] as? [[String: Any]])
            #expect(changes.contains { $0["field"] as? String == "resolution_kind" && $0["after"] as? String == "known_error" }, "\(changes)")
        }
        let record = try #require(try cli.expectSuccess("problem", "show", "PRB-000001", "--json").json as? [String: Any])
        #expect((record["incidents"] as? [[String: Any]])?.count == 4)
        #expect((record["events"] as? [[String: Any]])?.map { $0["kind"] as? String } == [
            "raised", "assessed", "analysis_started", "known_error_published", "communicated", "incident_linked", "incident_linked",
        ])
        let list = try cli.expectSuccess("problem", "list", "--lang", "zh")
        #expect(list.stdout.contains("PRB-000001") && list.stdout.contains("根因分析") && list.stdout.contains("2/4"), "\(list.stdout)")
    }

    /// How a mail header carries non-ASCII text (RFC 2047), in case the body is encoded too.
    static func encodedWord(_ text: String) -> String { "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?=" }
}
