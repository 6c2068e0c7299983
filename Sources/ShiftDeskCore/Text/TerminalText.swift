/// Makes text from the database or another seat safe to write to a terminal (the console and
/// the CLI's human output both go through here).
///
/// Placeholder scheme (every unsafe scalar becomes exactly one visible,
/// one-column character; nothing is dropped, so the operator sees that
/// something odd was there):
///
/// | input                                   | shown as                      |
/// |-----------------------------------------|-------------------------------|
/// | C0 controls U+0000–U+001F               | Control Pictures `␀`…`␟` (ESC → `␛`, BEL → `␇`) |
/// | DEL U+007F                              | `␡`                           |
/// | C1 controls U+0080–U+009F (e.g. U+009B) | `�`                           |
/// | bidi embeddings/overrides/isolates U+202A–U+202E, U+2066–U+2069, and U+200E/U+200F, U+061C | `�` |
/// | line/paragraph separators U+2028/U+2029 | like a newline                |
///
/// Escape sequences need no parser: their introducer (ESC, or C1 CSI/OSC)
/// becomes a placeholder, so the rest (`[2J`, `]0;pwned`) is plain text.
/// For example `"\u{1b}]0;pwned\u{07}"` is shown as `␛]0;pwned␇`.
///
/// In single-line mode newline, carriage return and tab become a space; in
/// multi-line mode newlines are kept (CR LF and CR become LF) and tabs become
/// a space.
public enum TerminalText {
    public static let replacementPlaceholder: Character = "\u{FFFD}"

    /// Sanitises text for a single-line field.
    public static func sanitize(_ text: String) -> String {
        sanitize(text, keepNewlines: false)
    }

    /// Sanitises text; `keepNewlines` keeps line breaks as `\n`.
    public static func sanitize(_ text: String, keepNewlines: Bool) -> String {
        if isAlreadySafe(text) { return text }
        var output = String.UnicodeScalarView()
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            defer { previousWasCarriageReturn = value == 0x0D }
            switch value {
            case 0x0A, 0x2028, 0x2029:
                if keepNewlines {
                    if !previousWasCarriageReturn || value != 0x0A { output.append("\n") }
                } else if !(previousWasCarriageReturn && value == 0x0A) {
                    output.append(" ")
                }
            case 0x0D:
                output.append(keepNewlines ? "\n" : " ")
            case 0x09:
                output.append(" ")
            case 0x00..<0x20:
                output.append(Unicode.Scalar(0x2400 + value) ?? "?")
            case 0x7F:
                output.append("\u{2421}")
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                output.append("\u{FFFD}")
            default:
                output.append(scalar)
            }
        }
        return String(output)
    }

    /// True when the scalar is written as-is by ``sanitize(_:)``.
    public static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0x00..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x2028, 0x2029:
            return false
        default:
            return true
        }
    }

    public static func isAlreadySafe(_ text: String) -> Bool {
        for scalar in text.unicodeScalars where !isSafe(scalar) { return false }
        return true
    }
}
