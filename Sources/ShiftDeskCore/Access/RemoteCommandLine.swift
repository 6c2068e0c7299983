import Foundation

/// Splits the command an SSH client sent (`SSH_ORIGINAL_COMMAND`) into arguments the way a
/// POSIX shell splits words, and does nothing else a shell does: no expansion, no globbing,
/// no redirection, no command substitution. `;`, `|`, `$(…)`, `>` and the like are data.
///
/// - blanks (space, tab, newline) separate arguments;
/// - `'…'` keeps everything inside as it is;
/// - `"…"` keeps everything inside, a backslash escaping only `"`, `\`, `$` and `` ` ``;
/// - outside quotes a backslash keeps the next character as it is;
/// - `''` and `""` give an empty argument.
public enum RemoteCommandLine {
    /// The longest command accepted, in UTF-8 bytes.
    public static let maxBytes = 8192
    public static let maxArguments = 64

    public static func split(_ text: String) throws(AccessRefusal) -> [String] {
        guard text.utf8.count <= maxBytes else { throw .tooLong(limit: maxBytes) }
        var arguments: [String] = []
        var current = ""
        var inWord = false
        enum Quote { case none, single, double }
        var quote = Quote.none
        var escaped = false

        func finishWord() throws(AccessRefusal) {
            guard inWord else { return }
            guard arguments.count < maxArguments else { throw .tooManyArguments(limit: maxArguments) }
            arguments.append(current)
            current = ""
            inWord = false
        }

        for scalar in text.unicodeScalars {
            let isBlank = scalar == " " || scalar == "\t" || scalar == "\n"
            if !isBlank, scalar.properties.generalCategory == .control || scalar == "\u{7F}" {
                throw .controlCharacter
            }
            if escaped {
                escaped = false
                if quote == .double, !["\"", "\\", "$", "`", "\n"].contains(scalar) {
                    current.unicodeScalars.append("\\")
                }
                // A backslash before a newline joins lines, as in a shell.
                if scalar != "\n" { current.unicodeScalars.append(scalar) }
                inWord = true
                continue
            }
            switch quote {
            case .single:
                if scalar == "'" { quote = .none } else { current.unicodeScalars.append(scalar) }
            case .double:
                if scalar == "\"" {
                    quote = .none
                } else if scalar == "\\" {
                    escaped = true
                } else {
                    current.unicodeScalars.append(scalar)
                }
            case .none:
                if isBlank {
                    try finishWord()
                } else if scalar == "'" {
                    quote = .single
                    inWord = true
                } else if scalar == "\"" {
                    quote = .double
                    inWord = true
                } else if scalar == "\\" {
                    escaped = true
                    inWord = true
                } else {
                    current.unicodeScalars.append(scalar)
                    inWord = true
                }
            }
        }
        if escaped { throw .danglingBackslash }
        guard quote == .none else { throw .unterminatedQuote }
        try finishWord()
        return arguments
    }
}
