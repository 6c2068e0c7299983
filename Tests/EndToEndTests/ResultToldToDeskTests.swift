import Foundation
import XCTest

/// Issue 16 end to end: L1 resolves with the real binary; the owning desk agent's console (in
/// tmux) shows the result within a second or two, and one mail with it reaches the owner
/// through a capturing sendmail, a proper message by Python's `email` parser.
final class ResultToldToDeskTests: XCTestCase {
    func testALineResolutionReachesTheOwnersConsoleAndMailboxOnce() throws {
        try Tmux.requireInstalled()
        var cli = try CLI.staffedDesk()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-result-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sendmail = try CapturingSendmail(in: folder)
        let mailbox = sendmail.mailbox
        let standIn = sendmail.command
        cli.environment["SHIFTDESK_SENDMAIL"] = standIn

        try cli.expectSuccess("operator", "edit", "desk1", "--email", "zhang.wei@desk.example")
        XCTAssertEqual(try cli.run("operator", "edit", "desk1", "--email", "zhang wei").status, 1)
        try cli.expectSuccess("ticket", "new", "--title", "VPN 断线", "--caller", "王小明", "--caller-email", "wxm@corp.example", "--as", "desk1")
        try cli.expectSuccess("ticket", "escalate", "1", "--to", "l1", "--note", "需要现场", "--as", "desk1")
        try cli.expectSuccess("ticket", "take", "1", "--as", "l1a")
        // The desk may not claim to have told itself.
        XCTAssertEqual(try cli.run("ticket", "resolve", "1", "--note", "x", "--told-desk", "--as", "desk1").status, 1)

        let console = try Tmux(command: [CLI.binary, "console", "--db", cli.database, "--as", "desk1"], columns: 80, rows: 24,
                               environment: ["SHIFTDESK_LANG": "zh", "TZ": "Asia/Shanghai"])
        defer { console.kill() }
        try console.wait(for: "F10退出")
        let resolvedAt = Date()
        try cli.expectSuccess("ticket", "resolve", "1", "--note", "重置 VPN 证书后恢复", "--told-desk", "--as", "l1a")
        let screen = try console.wait(for: "处理结果", timeout: 5)
        XCTAssertLessThan(Date().timeIntervalSince(resolvedAt), 3, "the notice came at once")
        XCTAssertTrue(screen.contains("INC-000001 已由 王芳 解决") && screen.contains("重置 VPN 证书后恢复"), screen)
        let event = try XCTUnwrap((try cli.expectSuccess("ticket", "show", "1", "--json").json as? [String: Any])?["events"] as? [[String: Any]])
            .last
        let changes = try XCTUnwrap(event?["changes"] as? [[String: Any]])
        XCTAssertTrue(changes.contains { $0["field"] as? String == "told_desk" && $0["after"] as? String == "phone" })

        // Flushed twice: one mail.
        try cli.expectSuccess("notify", "flush")
        try cli.expectSuccess("notify", "flush")
        let mails = try FileManager.default.contentsOfDirectory(atPath: mailbox.path)
        XCTAssertEqual(mails.count, 1)
        let parsed = try python("""
            import email, email.policy, sys
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            print(m['To']); print(m['Subject']); print(m['Message-ID']); print(m['Auto-Submitted']); print(m['Date'] is not None)
            print(m.get_content_type(), m.get_content_charset())
            print(m.get_content().strip().splitlines()[0])
            """, mailbox.appendingPathComponent(try XCTUnwrap(mails.first)).path)
        let lines = parsed.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 7, parsed)
        guard lines.count == 7 else { return }
        XCTAssertEqual(lines[0], "zhang.wei@desk.example")
        XCTAssertEqual(lines[1], "[INC-000001] 已解决 resolved: VPN 断线")
        XCTAssertTrue(lines[2].hasPrefix("<INC-000001.result.") && lines[2].hasSuffix(".desk1@shiftdesk>"), lines[2])
        XCTAssertEqual(lines[3], "auto-generated")
        XCTAssertEqual(lines[4], "True")
        XCTAssertEqual(lines[5], "text/plain utf-8")
        XCTAssertEqual(lines[6], "INC-000001  VPN 断线")

        // A customer update reaches the caller's address, in Chinese, its subject encoded per RFC 2047.
        try cli.expectSuccess("ticket", "note", "1", "已解决，请重新登录 VPN 试试", "--customer", "--as", "desk1")
        try cli.expectSuccess("notify", "flush")
        let all = try FileManager.default.contentsOfDirectory(atPath: mailbox.path)
        let update = try XCTUnwrap(all.first { $0 != mails.first })
        let raw = try String(contentsOf: mailbox.appendingPathComponent(update), encoding: .utf8)
        XCTAssertTrue(raw.contains("Subject: =?UTF-8?B?"), raw)
        let told = try python("""
            import email, email.policy, sys
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            print(m['To']); print(m['Subject']); print('已解决，请重新登录 VPN 试试' in m.get_content())
            """, mailbox.appendingPathComponent(update).path).split(separator: "\n").map(String.init)
        XCTAssertEqual(told, ["wxm@corp.example", "[INC-000001] 您报告的事件处理进展：VPN 断线", "True"])
        XCTAssertTrue(try cli.expectSuccess("ticket", "show", "1", "--lang", "zh").stdout.contains("最近告知客户"))

        // Enter opens the incident and marks the result seen.
        try console.sendKeys("Enter")
        try console.wait(for: "INC-000001")
        var notices = ""
        for _ in 0..<50 {
            notices = try cli.expectSuccess("notify", "notices", "--json").stdout
            if notices.trimmingCharacters(in: .whitespacesAndNewlines) == "[]" { break }
            usleep(100_000)
        }
        XCTAssertEqual(notices.trimmingCharacters(in: .whitespacesAndNewlines), "[]")
    }

    private func python(_ script: String, _ arguments: String...) throws -> String {
        try CLI.tool(["/usr/bin/env", "python3", "-c", script] + arguments)
    }
}
