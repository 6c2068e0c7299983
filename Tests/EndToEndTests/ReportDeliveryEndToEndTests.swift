import Foundation
import XCTest

/// Issue 16, reports delivered: three escalator services started a few seconds before a month's
/// end (the desk's clock set there through the drill timeline, which every command follows)
/// deliver that month's report once, as MIME that Python's `email` parser reads, both
/// attachments parseable; a back-filled incident makes the month's report say what changed,
/// and `report deliver` again records a correction.
final class ReportDeliveryEndToEndTests: XCTestCase {
    func testEscalatorsDeliverTheMonthsReportOnceAndABackfillAsksForACorrection() throws {
        var cli = try CLI.staffedDesk()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-reports-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let sendmail = try CapturingSendmail(in: folder)
        let mailbox = sendmail.mailbox
        let standIn = sendmail.command
        let config = folder.appendingPathComponent("config.toml").path
        try """
            [desk]
            timezone = "UTC"
            name = "测试服务台"
            [notify]
            from = "desk@desk.example"
            [notify.roles]
            service_report_manager = ["srm@desk.example"]
            management_owner = ["owner@desk.example"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        cli.environment["SHIFTDESK_SENDMAIL"] = standIn

        // November's work: two incidents, one resolved by L1.
        try cli.expectSuccess("ticket", "new", "--title", "VPN 断线", "--caller", "王小明", "--priority", "general",
                              "--opened", "2026-11-10T02:00:00Z", "--now", "2026-11-10T02:00:00Z", "--as", "desk1", "--config", config)
        try cli.expectSuccess("ticket", "escalate", "1", "--to", "l1", "--now", "2026-11-10T02:05:00Z", "--as", "desk1", "--config", config)
        try cli.expectSuccess("ticket", "take", "1", "--now", "2026-11-10T02:10:00Z", "--as", "l1a", "--config", config)
        try cli.expectSuccess("ticket", "resolve", "1", "--note", "证书已重置", "--now", "2026-11-10T03:00:00Z", "--as", "l1a", "--config", config)
        try cli.expectSuccess("ticket", "new", "--title", "打印机卡纸", "--caller", "李雷", "--priority", "minor",
                              "--opened", "2026-11-20T02:00:00Z", "--now", "2026-11-20T02:00:00Z", "--as", "desk1", "--config", config)

        // The desk's clock: 8 seconds before December, running at real speed.
        let monthEnd = try XCTUnwrap(ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z"))
        let realStart = Date()
        let timeline = "\(Int64(realStart.timeIntervalSince1970 * 1000)) \(Int64(monthEnd.addingTimeInterval(-8).timeIntervalSince1970 * 1000)) 1"
        try sqlite(cli.database, "INSERT OR REPLACE INTO settings (key, value) VALUES ('drill.timeline', '\(timeline)')")

        let escalators = try (0..<3).map { _ in try cli.start(["escalator", "--config", config]) }
        defer { for process in escalators { process.stop() } }
        // Before the month's end nothing is owed (October had no incidents).
        if Date().timeIntervalSince(realStart) < 6 {
            XCTAssertEqual(try cli.expectSuccess("report", "deliveries", "--json", "--config", config).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines), "[]")
        }
        var reports: [URL] = []
        for _ in 0..<600 {
            reports = try mails(in: mailbox).filter { $0.1.contains("Message-ID: <report.") }.map(\.0)
            if reports.count >= 2 { break }
            usleep(100_000)
        }
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(realStart), 7.5, "nothing was delivered before the month's end")
        sleep(6)  // a second delivery by another escalator (or a second flush) would arrive now
        let all = try mails(in: mailbox)
        let toManager = all.filter { $0.1.contains("To: srm@desk.example") }
        // The owner also gets the escalation ladder's mail of the open minor incident: count the workload report's.
        let toOwner = all.filter { $0.1.contains("To: owner@desk.example") && $0.1.contains("Message-ID: <report.workload.") }
        XCTAssertEqual(toManager.count, 1, "the incident-management report, once")
        XCTAssertEqual(toOwner.count, 1, "the workload report, once")
        let deliveries = try XCTUnwrap(try cli.expectSuccess("report", "deliveries", "--json", "--config", config).json as? [[String: Any]])
        XCTAssertEqual(deliveries.map { $0["report"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") }, ["incidents", "workload"])
        XCTAssertTrue(deliveries.allSatisfy { $0["period"] as? String == "2026-11" && $0["sequence"] as? Int == 0 && $0["on_time"] as? Bool == true })
        for process in escalators { process.stop() }

        // The report as a real MIME parser reads it: HTML body, CSV and JSON attached and parseable.
        let manager = try XCTUnwrap(toManager.first).0
        let parsed = try python("""
            import email, email.policy, sys, csv, io, json
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            print(m.get_content_type()); print(m['Subject']); print(m['Auto-Submitted'])
            html = m.get_body(('html',)).get_content(); print('<table' in html and '2026-11' in html)
            plain = m.get_body(('plain',)).get_content(); print('SHA-256' in plain)
            files = {p.get_filename(): p for p in m.iter_attachments()}
            print(sorted(files))
            rows = list(csv.reader(io.StringIO(files['incident-report-2026-11.csv'].get_content().lstrip('\\ufeff'))))
            print(rows[0][:3], any(r[1] == 'desk.requests_taken' and r[4].startswith('2') for r in rows))
            data = json.loads(files['incident-report-2026-11.json'].get_content())
            print(data['period']['label'], 'chain_head' in data)
            """, manager.path)
        XCTAssertEqual(parsed.split(separator: "\n").map(String.init), [
            "multipart/mixed", "[测试服务台] 事件管理月度报告 2026-11", "auto-generated", "True", "True",
            "['incident-report-2026-11.csv', 'incident-report-2026-11.json']", "['period', 'kpi', 'scope'] True", "2026-11 True",
        ], parsed)

        // A back-filled incident opened in November: the month's report says what changed since delivery.
        try cli.expectSuccess("ticket", "new", "--title", "补录：邮件延迟", "--caller", "韩梅梅", "--priority", "general", "--backfilled",
                              "--opened", "2026-11-25T03:00:00Z", "--now", "2026-12-02T09:00:00Z", "--as", "im1", "--config", config)
        let rerun = try XCTUnwrap(try cli.expectSuccess("report", "month", "--period", "2026-11", "--json", "--now", "2026-12-02T09:05:00Z",
                                                        "--config", config).json as? [String: Any])
        let delivery = try XCTUnwrap(rerun["delivery"] as? [String: Any])
        XCTAssertEqual(delivery["changed"] as? Bool, true)
        let changes = try XCTUnwrap(delivery["changes"] as? [[String: Any]])
        XCTAssertTrue(changes.contains { $0["key"] as? String == "im.backfilled" && $0["delivered"] as? String == "0" && $0["now"] as? String == "1" },
                      "\(changes)")
        XCTAssertTrue(try cli.expectSuccess("report", "month", "--period", "2026-11", "--now", "2026-12-02T09:05:00Z", "--config", config)
            .stdout.contains("Changed since delivery"))

        // By hand, again: a recorded correction (only the desk's incident manager may).
        XCTAssertEqual(try cli.run("report", "deliver", "month", "--period", "2026-11", "--as", "desk1", "--now", "2026-12-02T09:10:00Z",
                                   "--config", config).status, 1)
        try cli.expectSuccess("report", "deliver", "month", "--period", "2026-11", "--as", "im1", "--now", "2026-12-02T09:10:00Z", "--config", config)
        try cli.expectSuccess("notify", "flush", "--now", "2026-12-02T09:11:00Z", "--config", config)
        let after = try XCTUnwrap(try cli.expectSuccess("report", "deliveries", "--period", "2026-11", "--json", "--config", config).json as? [[String: Any]])
        let correction = try XCTUnwrap(after.first { $0["sequence"] as? Int == 1 })
        XCTAssertEqual(correction["report"] as? String, "incidents")
        XCTAssertEqual(correction["by"] as? String, "im1")
        XCTAssertEqual(correction["correction"] as? Bool, true)
        XCTAssertEqual((correction["mail"] as? [String: Any])?["state"] as? String, "sent")
        let corrected = try mails(in: mailbox).filter { $0.1.contains("To: srm@desk.example") && $0.0.path != manager.path }
        XCTAssertEqual(corrected.count, 1)
        let subject = try python("""
            import email, email.policy, sys
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            print(m['Subject']); print('im.backfilled' in m.get_body(('plain',)).get_content() or '补录事件数' in m.get_body(('plain',)).get_content())
            """, try XCTUnwrap(corrected.first).0.path)
        XCTAssertEqual(subject.split(separator: "\n").map(String.init), ["[测试服务台] 更正 1：事件管理月度报告 2026-11", "True"])
        // The report now compares with the correction: nothing changed since.
        let latest = try XCTUnwrap(try cli.expectSuccess("report", "month", "--period", "2026-11", "--json", "--now", "2026-12-02T09:15:00Z",
                                                         "--config", config).json as? [String: Any])
        XCTAssertEqual((latest["delivery"] as? [String: Any])?["changed"] as? Bool, false)
    }

    private func mails(in folder: URL) throws -> [(URL, String)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            let url = folder.appendingPathComponent(name)
            return (url, String(decoding: try Data(contentsOf: url), as: UTF8.self))
        }
    }

    private func sqlite(_ database: String, _ sql: String) throws {
        try CLI.tool(["/usr/bin/env", "sqlite3", database, sql])
    }

    private func python(_ script: String, _ arguments: String...) throws -> String {
        try CLI.tool(["/usr/bin/env", "python3", "-c", script] + arguments, mergingErrors: true)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
