import Foundation

/// The marked block of the service account's `authorized_keys` that ShiftDesk maintains: one
/// line per key of every enabled operator, each forced to `shiftdesk serve LOGIN`. Every byte
/// outside the block stays as it was.
public enum AuthorizedKeysBlock {
    public static let begin = "# >>> shiftdesk operator keys: written by `shiftdesk operator key`, edits inside are lost >>>"
    public static let end = "# <<< shiftdesk operator keys <<<"

    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// A begin marker without its end (or the other way round, or twice): the file was edited
        /// by hand; nothing is rewritten rather than guess what belongs to whom.
        case damagedMarkers(line: Int)
        case unsafeCommand(String)

        public var description: String { message(.en) }

        public func message(_ l: Language) -> String {
            switch self {
            case let .damagedMarkers(line):
                l.pick(en: "authorized_keys line \(line): ShiftDesk's block markers are unmatched; fix the file by hand (nothing was changed)",
                       zh: "authorized_keys 第 \(line) 行：ShiftDesk 区块标记不成对；请手工修复该文件（未做任何修改）")
            case let .unsafeCommand(text):
                l.pick(en: "cannot write a forced command with \(text) in it", zh: "强制命令中不能包含 \(text)")
            }
        }
    }

    /// The forced command of `login`'s keys: `EXECUTABLE serve LOGIN [--db URL] [--config FILE]`,
    /// each word single-quoted for the shell sshd runs it with, the whole fit for `command="…"`.
    public static func forcedCommand(executable: String, login: String, database: String?, config: String?) throws(Problem) -> String {
        var words = [executable, "serve", login]
        if let database { words += ["--db", database] }
        if let config { words += ["--config", config] }
        for word in words {
            if word.contains("\"") { throw .unsafeCommand("\"") }
            if word.contains("\\") { throw .unsafeCommand("\\") }
            if word.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { throw .unsafeCommand("a control character") }
        }
        return words.map(shellWord).joined(separator: " ")
    }

    /// A word as a POSIX shell reads it back unchanged: bare when plain, else single-quoted.
    static func shellWord(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/._-+:@=,%".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The block's lines for these keys (operators in login order, keys in fingerprint order).
    public static func render(_ keys: [OperatorKey], command: (String) -> String) -> [String] {
        let sorted = keys.sorted { ($0.login, $0.fingerprint) < ($1.login, $1.fingerprint) }
        return [begin] + sorted.map { key in
            "command=\"\(command(key.login))\",restrict,pty \(key.type) \(key.base64) shiftdesk:\(key.login)"
        } + [end]
    }

    /// `existing` with its block replaced by `block` (appended when it has none). Lines outside the
    /// block, their order, line endings and a missing final newline included, are kept byte for byte.
    public static func replace(in existing: String, with block: [String]) throws(Problem) -> String {
        let lines = existing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var beginIndex: Int?
        var endIndex: Int?
        for (index, line) in lines.enumerated() {
            let bare = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if bare == begin {
                guard beginIndex == nil else { throw .damagedMarkers(line: index + 1) }
                beginIndex = index
            } else if bare == end {
                guard let beginIndex, endIndex == nil, index > beginIndex else { throw .damagedMarkers(line: index + 1) }
                endIndex = index
            }
        }
        let blockText = block.joined(separator: "\n")
        switch (beginIndex, endIndex) {
        case let (start?, stop?):
            let before = lines[..<start].joined(separator: "\n")
            let after = lines[(stop + 1)...].joined(separator: "\n")
            return (start > 0 ? before + "\n" : "") + blockText + (stop + 1 < lines.count ? "\n" + after : "")
        case let (start?, nil):
            throw .damagedMarkers(line: start + 1)
        case (nil, _):
            if existing.isEmpty { return blockText + "\n" }
            return existing + (existing.hasSuffix("\n") ? "" : "\n") + blockText + "\n"
        }
    }
}
