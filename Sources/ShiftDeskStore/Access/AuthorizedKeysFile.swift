import Crypto
import Foundation
import ShiftDeskCore

/// The service account's `authorized_keys`: ShiftDesk rewrites only its marked block
/// (``AuthorizedKeysBlock``), atomically: the new text goes to a file beside it, reaches the
/// disk, and replaces the old one by `rename`, so a crash at any moment leaves either the old
/// file or the new one, never a mix.
public struct AuthorizedKeysFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `$SHIFTDESK_AUTHORIZED_KEYS`, else `~/.ssh/authorized_keys` of the account running ShiftDesk.
    public static func standard(environment: [String: String]) -> AuthorizedKeysFile {
        if let path = environment["SHIFTDESK_AUTHORIZED_KEYS"], !path.isEmpty { return AuthorizedKeysFile(path: path) }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return AuthorizedKeysFile(path: (home as NSString).appendingPathComponent(".ssh/authorized_keys"))
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case block(AuthorizedKeysBlock.Problem)
        case io(path: String, reason: String)

        public var description: String { message(.en) }

        public func message(_ l: Language) -> String {
            switch self {
            case let .block(problem): problem.message(l)
            case let .io(path, reason): l.pick(en: "cannot write \(path): \(reason); the old file is unchanged",
                                               zh: "无法写入 \(path)：\(reason)；原文件未改动")
            }
        }
    }

    /// Replaces the block with `block`'s lines. `beforeRename` runs once the new text is on disk
    /// beside the file (tests use it to die there).
    public func rewrite(block: [String], beforeRename: () throws -> Void = {}) throws(Failure) {
        let fileManager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        let existing: String
        if fileManager.fileExists(atPath: path) {
            guard let data = fileManager.contents(atPath: path) else { throw .io(path: path, reason: "cannot read it") }
            existing = String(decoding: data, as: UTF8.self)
        } else {
            existing = ""
            do {
                try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .io(path: directory, reason: "cannot create the folder")
            }
        }
        let text: String
        do { text = try AuthorizedKeysBlock.replace(in: existing, with: block) } catch { throw .block(error) }
        let temporary = directory + "/.authorized_keys.shiftdesk-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io(path: temporary, reason: String(cString: strerror(errno))) }
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw .io(path: temporary, reason: reason)
            }
            written += count
        }
        bytes.removeAll()
        guard fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporary)
            throw .io(path: temporary, reason: reason)
        }
        close(descriptor)
        do {
            try beforeRename()
        } catch {
            unlink(temporary)
            throw .io(path: temporary, reason: "\(error)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .io(path: path, reason: reason)
        }
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}

extension SSHPublicKey {
    /// `SHA256:…`, as `ssh-keygen -lf` prints it.
    public var fingerprint: String { SSHPublicKey.fingerprint(sha256: Array(SHA256.hash(data: blob))) }
}
