import ShiftDeskCore

/// A problem in a theme file, with the place it was found.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or `<built-in default>`).
    public var origin: String
    /// 1-based line, when known.
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(origin: String, line: Int?, column: Int? = nil, message: String) {
        self.origin = origin
        self.line = line
        self.column = column
        self.message = message
    }

    /// One line, whatever the file held: control characters shown as symbols, a message
    /// quoting a 70,000-character key cut short.
    public var description: String {
        var place = origin
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): " + TerminalText.sanitize(message.count > 400 ? String(message.prefix(400)) + "…" : message)
    }
}
