import Foundation
import ShiftDeskLaunch
import Testing
import ShiftDeskCore
import ShiftDeskStore
@testable import ShiftDeskNotify

/// A report's mail (issue 16): multipart MIME that a real parser (Python's `email`) reads, and
/// mail to a role addressed when it is sent, from the roster in force then.
@Suite struct ReportMailTests {
    let t0 = Date(timeIntervalSince1970: 1_795_917_600)

    func reportMail() -> MailMessage {
        MailMessage(from: "desk@desk.example", to: "srm@desk.example, boss@desk.example", subject: "[IT 服务台] 事件管理月度报告 2026-11",
                    body: "# 事件管理报告 2026-11\n\n.\n| 受理请求数 | 12 |\n", messageID: "report.incidents.month.2026-11.0@shiftdesk", date: t0,
                    parts: [MailPart(role: .alternative, contentType: "text/html", content: "<html><body><h1>事件管理报告</h1></body></html>"),
                            MailPart(role: .attachment, contentType: "text/csv", fileName: "incident-report-2026-11.csv",
                                     content: "\u{FEFF}period,kpi,value\r\n2026-11,desk.requests_taken,12\r\n"),
                            MailPart(role: .attachment, contentType: "application/json", fileName: "incident\"-report.json",
                                     content: "{\"period\": \"2026-11\", \"名\": \"值\"}\n")])
    }

    @Test func aReportIsMultipartMIMEThatPythonsEmailParserReads() throws {
        let mail = reportMail()
        #expect(mail.rfc5322 == reportMail().rfc5322, "the same text on every try (boundaries from the Message-ID)")
        #expect(mail.rfc5322.split(separator: "\n").allSatisfy { $0.utf8.count <= 998 })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-mime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("m.eml")
        try Data(mail.rfc5322.utf8).write(to: file)
        let script = """
            import email, email.policy, sys, csv, io, json
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            print(m.get_content_type()); print(m['Subject']); print(m['To']); print(m['Auto-Submitted']); print(m['Message-ID'])
            print(m.get_body(('plain',)).get_content().splitlines()[0]); print(m.get_body(('html',)).get_content().strip())
            a = list(m.iter_attachments()); print([p.get_filename() for p in a])
            print(list(csv.reader(io.StringIO(a[0].get_content().lstrip('\\ufeff'))))[1])
            print(json.loads(a[1].get_content())['名'])
            print(m.defects == [] and all(p.defects == [] for p in m.walk()))
            """
        let text = try Launched.capture(["/usr/bin/env", "python3", "-c", script, file.path], mergingErrors: true, upTo: 120).text
        #expect(text.split(separator: "\n").map(String.init) == [
            "multipart/mixed", "[IT 服务台] 事件管理月度报告 2026-11", "srm@desk.example, boss@desk.example", "auto-generated",
            "<report.incidents.month.2026-11.0@shiftdesk>", "# 事件管理报告 2026-11", "<html><body><h1>事件管理报告</h1></body></html>",
            "['incident-report-2026-11.csv', 'incident-report.json']", "['2026-11', 'desk.requests_taken', '12']", "值", "True",
        ], "\(text)")
    }

    @Test func mailToARoleIsAddressedFromTheRosterInForceWhenSent() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-roster-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        try await store.addOperator(Operator(login: "zhang.wei", name: "张伟", role: .desk))
        let clock = StepClock(t0)
        let desk = Desk(store: store, clock: clock)
        _ = try await desk.open(TicketDraft(title: "VPN 断线", caller: Caller(name: "王小明")), as: "zhang.wei")
        clock.advance(3 * 3600)
        // Queued while the roster had no incident manager's address.
        _ = try await EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "test", timeZone: .gmt).run()
        let transport = CapturingTransport()
        let before = try await OutboxFlusher(store: store, transport: transport, from: "desk@x", clock: clock).flush()
        #expect(before.delivered.isEmpty && before.failed.first?.error.contains("[notify.roles]") == true)
        // The roster now names one: the same message goes out to it, once.
        clock.advance(OutboxFlusher.backoff(afterAttempts: 1) + 1)
        let roster = RecipientDirectory(addresses: [.incidentManager: ["im@desk.example", "im2@desk.example"]])
        let after = try await OutboxFlusher(store: store, transport: transport, from: "desk@x", clock: clock, directory: roster).flush()
        #expect(after.delivered.count == 1)
        #expect(await transport.sent.map(\.to) == ["im@desk.example, im2@desk.example"])
        #expect(try await OutboxFlusher(store: store, transport: transport, from: "desk@x", clock: clock, directory: roster).flush().delivered.isEmpty)
    }
}
