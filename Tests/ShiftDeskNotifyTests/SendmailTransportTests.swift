import Foundation
import Testing
@testable import ShiftDeskNotify

@Suite struct SendmailTransportTests {
    let message = MailMessage(
        from: "shiftdesk@desk.example", to: "im@desk.example\r\nBcc: evil@example.com",
        subject: "[重大] INC-000042 核心数据库连接池耗尽: escalation level 1",
        body: "INC-000042\n.\nend", messageID: "INC-000042.major.1.im@desk.example@shiftdesk",
        date: Date(timeIntervalSince1970: 1_795_917_600))

    @Test func formatsUTF8HeadersAndCannotBeMadeToAddHeaders() {
        let text = message.rfc5322
        let headers = text.components(separatedBy: "\n\n")[0]
        #expect(headers.contains("To: im@desk.exampleBcc: evil@example.com"))
        #expect(!headers.split(separator: "\n").contains { $0.hasPrefix("Bcc:") })
        #expect(headers.contains("Subject: =?UTF-8?B?"))
        #expect(headers.contains("Message-ID: <INC-000042.major.1.im@desk.example@shiftdesk>"))
        #expect(headers.contains("Date: Sun, 29 Nov 2026 02:00:00 +0000"))
        #expect(text.hasSuffix("INC-000042\n..\nend\n"))
        // The encoded subject decodes back to the original.
        let words = headers.components(separatedBy: "Subject: ")[1].components(separatedBy: "\nDate:")[0]
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let decoded = words.compactMap { word -> String? in
            let base64 = word.replacingOccurrences(of: "=?UTF-8?B?", with: "").replacingOccurrences(of: "?=", with: "")
            return Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) }
        }.joined()
        #expect(decoded == message.subject)
    }

    @Test func splitsTheCommandLikeAShellWithoutOne() throws {
        #expect(try SendmailTransport.split("/usr/sbin/sendmail -t -i") == ["/usr/sbin/sendmail", "-t", "-i"])
        #expect(try SendmailTransport.split(#"msmtp -a "desk account" -t"#) == ["msmtp", "-a", "desk account", "-t"])
        #expect(throws: DeliveryFailure.self) { try SendmailTransport.split("sendmail 'unclosed") }
        #expect(throws: DeliveryFailure.self) { _ = try SendmailTransport(command: "   ") }
    }

    @Test func handsTheMessageToTheCommandAndReportsItsFailure() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let captured = folder.appendingPathComponent("mail.txt").path
        let standIn = folder.appendingPathComponent("sendmail").path
        try "#!/bin/sh\ncat > \"$1\"\n".write(toFile: standIn, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: standIn)
        try await SendmailTransport(command: "\(standIn) \(captured)").send(message)
        #expect(try String(contentsOfFile: captured, encoding: .utf8) == message.rfc5322)

        let failing = folder.appendingPathComponent("failing").path
        try "#!/bin/sh\necho 'relay refused' >&2\nexit 75\n".write(toFile: failing, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing)
        await #expect(throws: DeliveryFailure("\(failing) exited 75: relay refused")) {
            try await SendmailTransport(command: failing).send(message)
        }
        await #expect(throws: DeliveryFailure.self) {
            try await SendmailTransport(command: folder.appendingPathComponent("missing").path).send(message)
        }
    }
}
