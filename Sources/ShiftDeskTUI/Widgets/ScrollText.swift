import ShiftDeskCore
/// Wrapped, scrollable text.
///
/// Wrapping is by display width: Latin words break at spaces (a word longer
/// than the line is cut), CJK text can break between any two characters,
/// and no wide glyph is split.
public struct ScrollText: Sendable, Equatable {
    public var text: String
    /// First visible wrapped line.
    public var offset: Int

    public init(text: String, offset: Int = 0) {
        self.text = text
        self.offset = offset
    }

    /// CJK punctuation that must not begin a line.
    static let noLineStart: Set<String> = ["，", "。", "、", "；", "：", "！", "？", "）", "」", "』", "》", "〉", "】", "…"]

    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var result: [String] = []
        for paragraph in TerminalText.sanitize(text, keepNewlines: true).split(separator: "\n", omittingEmptySubsequences: false) {
            result.append(contentsOf: wrapParagraph(String(paragraph), width: width))
        }
        return result
    }

    private static func wrapParagraph(_ paragraph: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        // Tokens: runs of non-space narrow characters (words), single wide chars, single spaces.
        var tokens: [String] = []
        var word = ""
        for grapheme in paragraph {
            let graphemeWidth = DisplayWidth.width(ofGrapheme: grapheme)
            if grapheme == " " || graphemeWidth == 2 {
                if !word.isEmpty { tokens.append(word); word = "" }
                tokens.append(String(grapheme))
            } else {
                word.append(grapheme)
            }
        }
        if !word.isEmpty { tokens.append(word) }

        func flush() {
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
            line = ""
            lineWidth = 0
        }
        for token in tokens {
            var tokenText = token
            var tokenWidth = DisplayWidth.width(of: tokenText)
            if token == " ", lineWidth == 0 { continue }
            if lineWidth + tokenWidth > width, Self.noLineStart.contains(token), let last = line.last,
               DisplayWidth.width(ofGrapheme: last) == 2, line.count > 1 {
                // Closing punctuation never starts a line: carry the previous character along.
                line.removeLast()
                flush()
                line = String(last)
                lineWidth = 2
            }
            if lineWidth + tokenWidth > width {
                if lineWidth > 0 { flush() }
                if token == " " { continue }
                while tokenWidth > width {
                    var piece = DisplayWidth.prefix(of: tokenText, fittingWidth: width)
                    if piece.isEmpty { piece = String(tokenText.prefix(1)) }
                    lines.append(piece)
                    tokenText = String(tokenText.dropFirst(piece.count))
                    tokenWidth = DisplayWidth.width(of: tokenText)
                }
            }
            line += tokenText
            lineWidth += tokenWidth
        }
        if !line.isEmpty || lines.isEmpty { flush() }
        return lines
    }

    /// Scrolls by `delta` lines, clamped for a view of `height` rows at `width`.
    public mutating func scroll(by delta: Int, width: Int, height: Int) {
        let count = Self.wrap(text, width: width).count
        offset = max(0, min(offset + delta, count - height))
    }

    public func draw(in rect: Rect, canvas: inout Canvas, role: ThemeRole = .normal) {
        let lines = Self.wrap(text, width: rect.width)
        let start = max(0, min(offset, lines.count - rect.height))
        canvas.withClip(rect) { canvas in
            for row in 0..<rect.height where start + row < lines.count {
                canvas.put(lines[start + row], x: rect.x, y: rect.y + row, role: role, maxWidth: rect.width)
            }
        }
    }
}
