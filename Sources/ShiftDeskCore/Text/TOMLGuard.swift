/// What the TOML parser (toml++ through TOMLKit) must never be handed: a table header whose
/// name starts with a character that is neither a bare-key character (`A-Z a-z 0-9 _ -`) nor a
/// quote, such as `[中]`, `[é.x]` or a `[` ending its line. toml++ *assumes* that cannot happen: a debug build aborts
/// the whole process on an assertion, a release build has undefined behaviour. Such a header is
/// invalid TOML anyway, so it is refused here first, with its line and column.
public enum TOMLGuard {
    public struct BadHeader: Sendable, Equatable {
        /// 1-based.
        public var line: Int
        public var column: Int

        public var description: String {
            "TOML syntax error at column \(column): a table name must be quoted or start with a letter, digit, _ or -"
        }
    }

    /// The first such header, found the way the parser finds headers: a `[` opening a line
    /// (after spaces and tabs) outside any value (array, inline table) and outside any string.
    public static func firstBadHeader(in source: String) -> BadHeader? {
        let bytes = Array(source.utf8)
        let count = bytes.count
        var index = 0
        var line = 1
        var lineStart = 0
        var depth = 0
        var atLineStart = true
        func at(_ offset: Int) -> UInt8? { offset < count ? bytes[offset] : nil }
        func isBare(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        func skipBlanks(_ offset: inout Int) {
            while let byte = at(offset), byte == 0x20 || byte == 0x09 { offset += 1 }
        }
        /// Skips a string starting at `index` (on its opening quote), counting the lines it spans.
        func skipString() {
            let quote = bytes[index]
            let multiline = at(index + 1) == quote && at(index + 2) == quote
            index += multiline ? 3 : 1
            while index < count {
                let byte = bytes[index]
                if byte == 0x0A {
                    line += 1
                    lineStart = index + 1
                    if !multiline { return }
                }
                if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                    index += 2
                    continue
                }
                if byte == quote {
                    if !multiline { index += 1; return }
                    if at(index + 1) == quote && at(index + 2) == quote {
                        index += 3
                        // A multi-line string may end with up to two more quotes.
                        while at(index) == quote { index += 1 }
                        return
                    }
                }
                index += 1
            }
        }
        while index < count {
            let byte = bytes[index]
            switch byte {
            case 0x0A:
                line += 1
                index += 1
                lineStart = index
                atLineStart = true
                continue
            case 0x20, 0x09, 0x0D:
                index += 1
                continue
            case UInt8(ascii: "#"):
                while index < count, bytes[index] != 0x0A { index += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                skipString()
                atLineStart = false
                continue
            case UInt8(ascii: "[") where depth == 0 && atLineStart:
                var cursor = index + 1
                skipBlanks(&cursor)
                if at(cursor) == UInt8(ascii: "["), cursor == index + 1 {
                    cursor += 1
                    skipBlanks(&cursor)
                }
                // A line break there too: toml++ hands it to the same assertion.
                if let next = at(cursor), !isBare(next), next != UInt8(ascii: "\""), next != UInt8(ascii: "'"),
                   next != UInt8(ascii: "]") {
                    let column = String(decoding: bytes[lineStart..<cursor], as: UTF8.self).count + 1
                    return BadHeader(line: line, column: column)
                }
                // The rest of the header line is the parser's business.
                while index < count, bytes[index] != 0x0A {
                    if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") { skipString(); continue }
                    index += 1
                }
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default:
                break
            }
            atLineStart = false
            index += 1
        }
        return nil
    }
}
