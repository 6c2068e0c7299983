import Foundation

/// A stand-in for sendmail that keeps each message it is handed as a file in `mailbox`: how the
/// end-to-end tests read what ShiftDesk mailed (`SHIFTDESK_SENDMAIL=command`).
struct CapturingSendmail {
    let mailbox: URL
    let command: String

    init(in folder: URL) throws {
        mailbox = folder.appendingPathComponent("mailbox")
        try FileManager.default.createDirectory(at: mailbox, withIntermediateDirectories: true)
        command = folder.appendingPathComponent("sendmail").path
        try "#!/bin/sh\ncat > \"\(mailbox.path)/$(date +%s%N)-$$.eml\"\n".write(toFile: command, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: command)
    }
}
