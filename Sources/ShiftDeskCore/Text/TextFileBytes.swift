import Foundation

/// The bytes of a text file a person writes (a policy, the configuration, a theme) as text, or
/// the place where they stop being text: invalid UTF-8 or a NUL byte, which C parsers would
/// silently take for the end of the file.
public enum TextFileBytes {
    public struct NotText: Error, Sendable, Equatable {
        /// 1-based line and byte (from the start of the file) of the first offending byte.
        public var line: Int
        public var byte: Int
        public var reason: String

        /// `not UTF-8 text at byte 1234` (the caller adds the file and line).
        public var description: String { "\(reason) at byte \(byte); the file must be UTF-8 text" }
    }

    public static func decode(_ data: Data) -> Result<String, NotText> {
        let bytes = [UInt8](data)
        if let (offset, reason) = firstProblem(bytes) {
            let line = bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            return .failure(NotText(line: line, byte: offset + 1, reason: reason))
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// The place of the first invalid UTF-8 sequence in a large file (NUL bytes allowed: the
    /// caller's parser judges them), checked a megabyte at a time by the standard library.
    public static func firstInvalidUTF8(in data: Data) -> NotText? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> NotText? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let count = bytes.count
            var start = 0
            while start < count {
                var end = min(count, start + (1 << 20))
                // Never split a sequence: back up over continuation bytes (at most three).
                var steps = 0
                while end < count, steps < 3, bytes[end] & 0xC0 == 0x80 { end -= 1; steps += 1 }
                let chunk = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if String(validating: chunk, as: UTF8.self) == nil {
                    let local = [UInt8](chunk)
                    var offset = start
                    var reason = "not UTF-8 text"
                    if let (at, why) = firstProblem(local, allowingNUL: true) { offset = start + at; reason = why }
                    var line = 1
                    for index in 0..<offset where bytes[index] == 0x0A { line += 1 }
                    return NotText(line: line, byte: offset + 1, reason: reason)
                }
                start = end
            }
            return nil
        }
    }

    /// The offset of the first NUL or invalid UTF-8 sequence (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF) and what is wrong there.
    static func firstProblem(_ bytes: [UInt8], allowingNUL: Bool = false) -> (Int, String)? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead == 0, !allowingNUL { return (index, "a NUL byte") }
            if lead < 0x80 { index += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return (index, "not UTF-8 text")
            }
            guard index + length <= count else { return (index, "not UTF-8 text (cut short)") }
            let second = bytes[index + 1]
            guard second >= low, second <= high else { return (index, "not UTF-8 text") }
            for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 {
                return (index, "not UTF-8 text")
            }
            index += length
        }
        return nil
    }

    /// The line and byte of the first NUL in `text`, for text that reached a parser some other way.
    public static func firstNUL(in text: String) -> NotText? {
        guard let offset = text.utf8.firstIndex(of: 0) else { return nil }
        let prefix = text.utf8[..<offset]
        let line = prefix.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        return NotText(line: line, byte: text.utf8.distance(from: text.utf8.startIndex, to: offset) + 1, reason: "a NUL byte")
    }
}
