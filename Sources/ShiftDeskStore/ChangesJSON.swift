import Foundation
import ShiftDeskCore

/// Reads an event's `changes` column, `[{"after":"…","before":"…","field":"…"}, …]` as the
/// stores write it, without `JSONDecoder`: a report reads millions of them, and the generic
/// decoder spent most of a yearly report's time here. Anything this reader does not expect
/// falls back to `JSONDecoder`, so it never reads differently.
enum ChangesJSON {
    /// - Parameter keeping: only the changes of these fields (all when nil): a report reads
    ///   `state` and `satisfaction`, and skips making strings of the rest.
    static func decode(_ text: String, keeping: Set<String>? = nil) throws -> [FieldChange] {
        var copy = text
        if let fast = copy.withUTF8({ parse($0, keeping: keeping) }) { return fast }
        let all = try JSONDecoder().decode([FieldChange].self, from: Data(text.utf8))
        return keeping.map { fields in all.filter { fields.contains($0.field) } } ?? all
    }

    /// nil when the text is not of the expected shape.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, keeping: Set<String>? = nil) -> [FieldChange]? {
        var i = 0
        let n = bytes.count
        func skipSpace() { while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 } }
        func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard i < n, bytes[i] == byte else { return false }
            i += 1
            return true
        }
        /// A JSON string's bytes (between the quotes) and whether it has escapes; nil on anything unusual.
        func rawString() -> (Range<Int>, Bool)? {
            guard i < n, bytes[i] == 0x22 else { return nil }
            i += 1
            let start = i
            var escaped = false
            while i < n, bytes[i] != 0x22 {
                if bytes[i] == 0x5C { escaped = true; i += 2 } else { i += 1 }
            }
            guard i < n else { return nil }
            i += 1
            return (start..<(i - 1), escaped)
        }
        func text(_ raw: (Range<Int>, Bool)) -> String? {
            let slice = UnsafeBufferPointer(rebasing: bytes[raw.0])
            return raw.1 ? unescape(slice) : String(decoding: slice, as: UTF8.self)
        }
        func string() -> String? { rawString().flatMap(text) }
        guard expect(0x5B) else { return nil }  // [
        var changes: [FieldChange] = []
        skipSpace()
        if i < n, bytes[i] == 0x5D { i += 1; skipSpace(); return i == n ? changes : nil }
        while true {
            guard expect(0x7B) else { return nil }  // {
            var field: String?
            var before: (Range<Int>, Bool)?
            var after: (Range<Int>, Bool)?
            skipSpace()
            if i < n, bytes[i] != 0x7D {
                while true {
                    skipSpace()
                    guard let key = string(), expect(0x3A) else { return nil }  // :
                    skipSpace()
                    var value: (Range<Int>, Bool)?
                    if i + 3 < n, bytes[i] == 0x6E, bytes[i + 1] == 0x75, bytes[i + 2] == 0x6C, bytes[i + 3] == 0x6C {
                        i += 4  // null
                    } else {
                        guard let raw = rawString() else { return nil }
                        value = raw
                    }
                    switch key {
                    case "field":
                        guard let value, let name = text(value) else { return nil }
                        field = name
                    case "before": before = value
                    case "after": after = value
                    default: return nil
                    }
                    skipSpace()
                    if i < n, bytes[i] == 0x2C { i += 1; continue }
                    break
                }
            }
            guard expect(0x7D), let field else { return nil }  // }
            if keeping?.contains(field) ?? true {
                var beforeText: String?
                var afterText: String?
                if let before { guard let value = text(before) else { return nil }; beforeText = value }
                if let after { guard let value = text(after) else { return nil }; afterText = value }
                changes.append(FieldChange(field: field, before: beforeText, after: afterText))
            }
            skipSpace()
            if i < n, bytes[i] == 0x2C { i += 1; continue }
            guard expect(0x5D) else { return nil }  // ]
            skipSpace()
            return i == n ? changes : nil
        }
    }

    /// The escapes of RFC 8259; nil for anything malformed.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        var pendingHigh: UInt32?
        func hex(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var value: UInt32 = 0
            for k in at..<(at + 4) {
                let c = raw[k]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: return nil
                }
                value = value << 4 | digit
            }
            return value
        }
        func append(_ scalar: UInt32) -> Bool {
            guard let s = Unicode.Scalar(scalar) else { return false }
            out.append(contentsOf: Array(String(Character(s)).utf8))
            return true
        }
        while i < raw.count {
            let c = raw[i]
            guard c == 0x5C else {
                if pendingHigh != nil { return nil }
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < raw.count else { return nil }
            let e = raw[i + 1]
            i += 2
            if e == 0x75 {  // \uXXXX, surrogate pairs joined
                guard let value = hex(i) else { return nil }
                i += 4
                if let high = pendingHigh {
                    guard (0xDC00...0xDFFF).contains(value) else { return nil }
                    pendingHigh = nil
                    guard append(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)) else { return nil }
                } else if (0xD800...0xDBFF).contains(value) {
                    pendingHigh = value
                } else {
                    guard append(value) else { return nil }
                }
                continue
            }
            if pendingHigh != nil { return nil }
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            default: return nil
            }
        }
        guard pendingHigh == nil else { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}
