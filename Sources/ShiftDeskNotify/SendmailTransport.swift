import Foundation
import ShiftDeskLaunch

/// Why a message could not be handed to the mail system.
public struct DeliveryFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Something that takes a mail for delivery. It throws `DeliveryFailure`; the requirement is
/// untyped because typed throws through an async existential call crashed at run time with
/// Swift 6.3 (seen in OutboxFlusherTests).
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) async throws
}

/// Hands mail to any sendmail-compatible command (`/usr/sbin/sendmail -t -i`, msmtp, a test
/// stand-in), as mutt and cron do. The command is split into words (single and double quotes
/// group) and run directly, without a shell.
public struct SendmailTransport: MailTransport {
    public let arguments: [String]

    public init(command: String) throws(DeliveryFailure) {
        let words = try Self.split(command)
        guard !words.isEmpty else { throw DeliveryFailure("the sendmail command is empty") }
        arguments = words
        // A command that exits before reading its input must fail the delivery, not kill this
        // process with SIGPIPE: the write then reports EPIPE and the exit status says why.
        signal(SIGPIPE, SIG_IGN)
    }

    public func send(_ message: MailMessage) async throws(DeliveryFailure) {
        let arguments = self.arguments
        let result: Result<Void, DeliveryFailure> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.run(arguments, input: Data(message.rfc5322.utf8)))
            }
        }
        try result.get()
    }

    private static func run(_ arguments: [String], input: Data) -> Result<Void, DeliveryFailure> {
        let executable = arguments[0]
        let command = executable.contains("/") ? arguments : ["/usr/bin/env"] + arguments
        // The message goes in as a file, not a pipe: a command started with it reads the whole
        // message even if this process is killed meanwhile (a pipe would hand it half a message).
        let stdin: FileHandle
        do { stdin = try messageFile(input) } catch { return .failure(error) }
        defer { try? stdin.close() }
        let ended: Captured
        do {
            ended = try Launched.capture(command, input: .descriptor(stdin.fileDescriptor), upTo: Self.patience)
        } catch {
            return .failure(DeliveryFailure("cannot run \(executable): \(error.reason)"))
        }
        guard ended.status == 0 else {
            if ended.timedOut { return .failure(DeliveryFailure("\(executable) did not finish within \(Int(Self.patience)) s")) }
            let detail = ended.errorText.split(separator: "\n").first.map(String.init) ?? ""
            return .failure(DeliveryFailure("\(executable) exited \(ended.status)\(detail.isEmpty ? "" : ": \(detail)")"))
        }
        return .success(())
    }

    /// How long a sendmail command may take before the delivery counts as failed (and is retried):
    /// a command hanging on a dead relay must not hold the flusher for ever.
    static let patience = 120.0

    /// `input` in a file already unlinked, open for reading from its start: nothing is left
    /// behind on disk, whoever exits first.
    private static func messageFile(_ input: Data) throws(DeliveryFailure) -> FileHandle {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("shiftdesk-mail-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw DeliveryFailure("cannot make a temporary file for the message (error \(errno))") }
        unlink(String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)  // only the command it is made for reads it
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: input)
            try handle.seek(toOffset: 0)
        } catch {
            throw DeliveryFailure("cannot write the message to a temporary file: \(error.localizedDescription)")
        }
        return handle
    }

    /// `a "b c" 'd e'` → [a, b c, d e].
    static func split(_ command: String) throws(DeliveryFailure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in command {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw DeliveryFailure("unbalanced quote in the sendmail command: \(command)") }
        if inWord { words.append(current) }
        return words
    }
}
