import Foundation
import Testing

/// The mail of a controlled document's life through the real binary and a capturing sendmail
/// (issue 15): a submission reaches the owners (by their address on record and the roster's
/// `management_owner`), the rejection and the approval reach the submitter, each once, as proper
/// MIME with a stable Message-ID; the policy's proposal too.
@Suite("Document mail end to end", .serialized)
struct DocumentMailEndToEndTests {
    static let backends = CLI.postgresServer == nil ? ["sqlite"] : ["sqlite", "postgres"]

    @Test(arguments: backends)
    func submissionsMailTheOwnersAndDecisionsMailTheSubmitter(_ backend: String) throws {
        var cli = try CLI.staffedDesk(backend: backend)
        try cli.expectSuccess("operator", "add", "own1", "--name", "周敏", "--role", "owner", "--email", "zhou.min@desk.example")
        try cli.expectSuccess("operator", "add", "own2", "--name", "李强", "--role", "owner")
        try cli.expectSuccess("operator", "edit", "im1", "--email", "sun.li@desk.example")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-docmail-\(UUID().uuidString)")
        let sendmail = try CapturingSendmail(in: folder)
        let mailbox = sendmail.mailbox
        defer { try? FileManager.default.removeItem(at: folder) }
        let standIn = sendmail.command
        let config = folder.appendingPathComponent("config.toml").path
        try """
            [notify]
            from = "desk@desk.example"
            [notify.roles]
            management_owner = ["owner-box@desk.example"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        cli.environment["SHIFTDESK_SENDMAIL"] = standIn
        var seen: Set<String> = []
        /// The mails delivered since the last call.
        func delivered() throws -> [String] {
            try cli.expectSuccess("notify", "flush", "--config", config)
            let names = Set(try FileManager.default.contentsOfDirectory(atPath: mailbox.path)).subtracting(seen)
            seen.formUnion(names)
            return try names.sorted().map { try String(contentsOf: mailbox.appendingPathComponent($0), encoding: .utf8) }
        }
        let draft = folder.appendingPathComponent("rules.md").path
        try "# 升级规则\n一般事件 2 小时通知事件经理\n".write(toFile: draft, atomically: true, encoding: .utf8)
        try cli.expectSuccess("doc", "new", "escalation-rules", "--title", "升级规则", "--file", draft, "--as", "im1", "--config", config)
        #expect(try delivered().isEmpty, "a draft mails nobody")

        try cli.expectSuccess("doc", "submit", "escalation-rules", "--reason", "首次发布", "--as", "im1", "--config", config)
        var mails = try delivered()
        #expect(mails.count == 2, "\(mails)")
        for address in ["zhou.min@desk.example", "owner-box@desk.example"] {
            let mail = try #require(mails.first { $0.contains("To: \(address)") }, "a mail to \(address): \(mails)")
            for header in ["From: desk@desk.example", "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
                           "Content-Transfer-Encoding: 8bit", "Subject: =?UTF-8?B?"] {
                #expect(mail.contains(header), "\(header) in \(mail)")
            }
            #expect(mail.contains("Message-ID: <doc.escalation-rules.V1.0.submitted."), "\(mail)")
            for text in ["escalation-rules V1.0", "孙丽 (im1)", "首次发布", "shiftdesk doc approve escalation-rules"] {
                #expect(mail.contains(text), "\(text) in \(mail)")
            }
        }
        #expect(!mails.contains { $0.contains("own2") }, "an owner without an address is not mailed")
        #expect(try delivered().isEmpty, "delivered once")

        try cli.expectSuccess("doc", "reject", "escalation-rules", "--comment", "补充夜班", "--as", "own1", "--config", config)
        mails = try delivered()
        #expect(mails.count == 1 && mails[0].contains("To: sun.li@desk.example") && mails[0].contains("补充夜班") && mails[0].contains("周敏 (own1)"),
                "\(mails)")
        try "# 升级规则\n一般事件 2 小时通知事件经理\n夜班由值班员通知\n".write(toFile: draft, atomically: true, encoding: .utf8)
        try cli.expectSuccess("doc", "edit", "escalation-rules", "--file", draft, "--as", "im1", "--config", config)
        try cli.expectSuccess("doc", "submit", "escalation-rules", "--reason", "已补充", "--as", "im1", "--config", config)
        #expect(try delivered().count == 2, "the resubmission goes to the owners again")
        try cli.expectSuccess("doc", "approve", "escalation-rules", "--comment", "同意", "--as", "own2", "--config", config)
        mails = try delivered()
        #expect(mails.count == 1 && mails[0].contains("To: sun.li@desk.example") && mails[0].contains("李强 (own2)")
                && mails[0].contains("Message-ID: <doc.escalation-rules.V1.0.approved."), "\(mails)")

        // The policy: its proposal reaches the owners with the what-if to run first.
        let policy = folder.appendingPathComponent("policy.toml").path
        try "[priorities.general]\nrespond_within = \"20m\"\n".write(toFile: policy, atomically: true, encoding: .utf8)
        try cli.expectSuccess("policy", "propose", policy, "--reason", "响应提前到 20 分钟", "--as", "im1", "--config", config)
        mails = try delivered()
        #expect(mails.count == 2 && mails.allSatisfy { $0.contains("sla-policy V1.1") && $0.contains("shiftdesk policy whatif") }, "\(mails)")
    }
}
