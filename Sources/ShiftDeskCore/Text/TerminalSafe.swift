/// Text from the database or another seat, made safe to write to a terminal: control
/// characters, escape sequences and bidi overrides become visible placeholders, so a title can
/// never move the cursor, retitle the window or hide text.
public enum TerminalSafe {
    /// One line: newlines and tabs become spaces.
    public static func line(_ text: String) -> String { clean(text, keepNewlines: false) }

    /// Several lines: newlines are kept, everything else is neutralised.
    public static func lines(_ text: String) -> String { clean(text, keepNewlines: true) }

    /// Whether `text` would be changed by `line`: used to skip work on the common clean case.
    public static func isClean(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { !needsReplacing($0) }
    }

    private static func needsReplacing(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value)
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    private static func clean(_ text: String, keepNewlines: Bool) -> String {
        if isClean(text) { return text }
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar.value {
            case 0x0A where keepNewlines:
                out.append(scalar)
            case 0x0A, 0x0D, 0x09:
                out.append(" ")
            case 0x1B:
                // ESC: show it as ␛ and swallow the sequence it starts, so nothing is executed
                // and the payload is not left to look like text the desk wrote.
                out.append("␛")
                guard let next = pending else { break }
                if next == "[" {
                    // CSI: parameters and intermediates up to a final byte 0x40–0x7E.
                    pending = scalars.next()
                    while let byte = pending, !(0x40...0x7E).contains(byte.value) { pending = scalars.next() }
                    pending = scalars.next()
                } else if next == "]" || next == "P" || next == "_" || next == "^" || next == "X" {
                    // OSC, DCS, APC, PM, SOS: up to BEL or ST (ESC \).
                    pending = scalars.next()
                    while let byte = pending {
                        if byte.value == 0x07 { pending = scalars.next(); break }
                        if byte.value == 0x1B {
                            pending = scalars.next()
                            if pending == "\\" { pending = scalars.next() }
                            break
                        }
                        pending = scalars.next()
                    }
                } else {
                    pending = scalars.next()
                }
            case 0x00..<0x20:
                // C0 controls as their Control Pictures glyph (␀ … ␟).
                out.append(Unicode.Scalar(0x2400 + scalar.value) ?? "?")
            case 0x7F:
                out.append("␡")
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                out.append("�")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
