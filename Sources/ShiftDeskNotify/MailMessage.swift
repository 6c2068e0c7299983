import Foundation
import ShiftDeskCore

/// One e-mail to one recipient, as the outbox holds it.
public struct MailMessage: Sendable, Hashable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    /// Derived from ticket, step and recipient, so a retried delivery is recognisably the same mail.
    public var messageID: String
    public var date: Date
    /// An HTML alternative of the body and attachments (a report's); none for a plain message.
    public var parts: [MailPart]

    public init(from: String, to: String, subject: String, body: String, messageID: String, date: Date, parts: [MailPart] = []) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
        self.parts = parts
    }

    /// The message as RFC 5322 text with UTF-8 headers encoded per RFC 2047, ready for
    /// `sendmail -t -i`. Header values cannot smuggle in extra headers: line breaks are removed.
    public var rfc5322: String {
        guard parts.isEmpty else { return multipart }
        var lines = [
            "From: \(Self.headerSafe(from))",
            "To: \(Self.headerSafe(to))",
            "Subject: \(Self.encodedWord(Self.headerSafe(subject)))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(Self.headerSafe(messageID))>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
            "",
        ]
        // A line of a single dot would end the message for sendmail without -i; keep it safe anyway.
        lines += body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0 == "." ? ".." : String($0) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// With ``parts``: `multipart/mixed` holding a `multipart/alternative` (the plain body, then
    /// its HTML form) and the attachments; every part base64 so no line is too long and no
    /// boundary can occur in it. Boundaries derive from the Message-ID: a retried send is the
    /// same text.
    var multipart: String {
        let alternatives = parts.filter { $0.role == .alternative }
        let attachments = parts.filter { $0.role == .attachment }
        let tag = String(Self.stableHash(messageID), radix: 36)
        let mixed = "=_sd_mixed_\(tag)", alternative = "=_sd_alt_\(tag)"
        var lines = [
            "From: \(Self.headerSafe(from))",
            "To: \(Self.headerSafe(to))",
            "Subject: \(Self.encodedWord(Self.headerSafe(subject)))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(Self.headerSafe(messageID))>",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
        ]
        func textPart(_ type: String, _ content: String, fileName: String? = nil) -> [String] {
            var head = ["Content-Type: \(type); charset=UTF-8" + (fileName.map { "; name=\"\(Self.fileNameSafe($0))\"" } ?? "")]
            if let fileName { head.append("Content-Disposition: attachment; filename=\"\(Self.fileNameSafe(fileName))\"") }
            return head + ["Content-Transfer-Encoding: base64", ""] + Self.base64Lines(content)
        }
        var body = ["--\(alternative)"] + textPart("text/plain", self.body)
        for part in alternatives { body += ["--\(alternative)"] + textPart(Self.typeSafe(part.contentType), part.content) }
        body.append("--\(alternative)--")
        if attachments.isEmpty {
            lines += ["Content-Type: multipart/alternative; boundary=\"\(alternative)\"", "", "This is a message in MIME format."] + body
        } else {
            lines += ["Content-Type: multipart/mixed; boundary=\"\(mixed)\"", "", "This is a message in MIME format.",
                      "--\(mixed)", "Content-Type: multipart/alternative; boundary=\"\(alternative)\"", ""] + body
            for part in attachments {
                lines += ["--\(mixed)"] + textPart(Self.typeSafe(part.contentType), part.content, fileName: part.fileName)
            }
            lines.append("--\(mixed)--")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// FNV-1a of the text: the same on every run (Swift's `hashValue` is seeded per process).
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let next = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<next]))
            index = next
        }
        return lines
    }

    /// A file name as it may stand in quotes: printable ASCII without quotes or backslashes.
    static func fileNameSafe(_ name: String) -> String {
        let kept = String(name.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F && $0 != "\"" && $0 != "\\" }
            .map(Character.init))
        return kept.isEmpty ? "attachment" : kept
    }

    /// `type/subtype` of letters, digits and `.+-`; anything else is sent as octets.
    static func typeSafe(_ type: String) -> String {
        let allowed = type.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/.+-".unicodeScalars.contains($0)) }
        return allowed && type.split(separator: "/").count == 2 ? type : "application/octet-stream"
    }

    static func headerSafe(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
    }

    static func encodedWord(_ text: String) -> String {
        guard !text.allSatisfy({ $0.isASCII }) else { return text }
        // Encoded words are at most 75 characters: split the UTF-8 on character boundaries.
        var words: [String] = []
        var chunk = ""
        for character in text {
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
