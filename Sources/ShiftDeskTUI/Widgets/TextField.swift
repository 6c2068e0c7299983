import ShiftDeskCore
/// A one-line text editor working on grapheme clusters.
///
/// Any Unicode can be typed (CJK, combining marks merge with the previous
/// character); cursor Left/Right/Home/End (and Ctrl-A/Ctrl-E), Backspace and
/// Delete remove a whole grapheme (a wide glyph or `e` + combining accent at
/// once), Ctrl-U deletes to the start, Ctrl-K to the end. Longer text scrolls
/// horizontally to keep the cursor visible.
public struct TextFieldState: Sendable, Equatable {
    public private(set) var graphemes: [Character]
    /// Cursor position in graphemes (0…count).
    public private(set) var cursor: Int
    /// First visible grapheme.
    public private(set) var scroll: Int
    /// Columns the field is drawn with (used to keep the cursor visible while editing).
    public var visibleWidth: Int
    public var maxLength: Int?
    /// The desk's field this text goes into: its limit and the characters it takes (``TextField``).
    public var field: TextField?
    /// Why the last character typed was not taken (the field is full, or does not take it): the
    /// form shows it as a hint until the next key that edits.
    public private(set) var refusal: TextViolation?

    public init(text: String = "", visibleWidth: Int = 30, maxLength: Int? = nil, field: TextField? = nil) {
        graphemes = Array(TerminalText.sanitize(text).prefix(field?.limit ?? maxLength ?? Int.max))
        cursor = graphemes.count
        scroll = 0
        self.visibleWidth = visibleWidth
        self.maxLength = field?.limit ?? maxLength
        self.field = field
        adjustScroll()
    }

    public var text: String { String(graphemes) }

    /// Handles an editing key; returns false for keys it does not use (Enter, Tab, Esc…).
    @discardableResult
    public mutating func handle(_ event: KeyEvent) -> Bool {
        refusal = nil
        switch event.key {
        case .character(let character):
            insert(character)
        case .left:
            cursor = max(0, cursor - 1)
        case .right:
            cursor = min(graphemes.count, cursor + 1)
        case .home, .control("a"):
            cursor = 0
        case .end, .control("e"):
            cursor = graphemes.count
        case .backspace, .control("h"):
            guard cursor > 0 else { return true }
            graphemes.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < graphemes.count else { return true }
            graphemes.remove(at: cursor)
        case .control("u"):
            graphemes.removeFirst(cursor)
            cursor = 0
        case .control("k"):
            graphemes.removeLast(graphemes.count - cursor)
        default:
            return false
        }
        adjustScroll()
        return true
    }

    public mutating func setText(_ text: String) {
        graphemes = Array(TerminalText.sanitize(text))
        cursor = graphemes.count
        adjustScroll()
    }

    private mutating func insert(_ character: Character) {
        guard character.unicodeScalars.allSatisfy(TerminalText.isSafe) else { return }
        if let field, let scalar = character.unicodeScalars.first(where: { !field.accepts($0) }) {
            refusal = TextViolation(field: field, kind: .character(scalar.value))
            return
        }
        if let maxLength, graphemes.count >= maxLength {
            if let field { refusal = TextViolation(field: field, kind: .tooLong(limit: maxLength)) }
            return
        }
        // Re-segment so a combining mark joins the grapheme before it.
        let prefix = String(graphemes[..<cursor]) + String(character)
        let suffix = String(graphemes[cursor...])
        let prefixGraphemes = Array(prefix)
        graphemes = Array(prefix + suffix)
        cursor = min(prefixGraphemes.count, graphemes.count)
    }

    private mutating func adjustScroll() {
        scroll = Self.visibleStart(graphemes: graphemes, cursor: cursor, hint: scroll, width: visibleWidth)
    }

    /// First visible grapheme so that the cursor (and one cell for it) fits in `width`.
    static func visibleStart(graphemes: [Character], cursor: Int, hint: Int, width: Int) -> Int {
        guard width > 1 else { return cursor }
        var start = min(max(0, hint), cursor)
        func columns(_ from: Int, _ to: Int) -> Int {
            graphemes[from..<to].reduce(0) { $0 + DisplayWidth.width(ofGrapheme: $1) }
        }
        let cursorWidth = cursor < graphemes.count ? DisplayWidth.width(ofGrapheme: graphemes[cursor]) : 1
        while start < cursor, columns(start, cursor) + cursorWidth > width { start += 1 }
        return start
    }

    /// Draws the field on row `rect.y`; the cursor cell is shown in ``ThemeRole/cursor`` when focused.
    public func draw(in rect: Rect, canvas: inout Canvas, focused: Bool, role: ThemeRole = .input) {
        guard rect.width > 0, rect.height > 0 else { return }
        let row = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
        let start = Self.visibleStart(graphemes: graphemes, cursor: cursor, hint: scroll, width: rect.width)
        canvas.withClip(row) { canvas in
            canvas.fill(row, role: role)
            var x = rect.x
            var index = start
            while index < graphemes.count, x < row.maxX {
                let grapheme = graphemes[index]
                let isCursor = focused && index == cursor
                let used = canvas.put(String(grapheme), x: x, y: rect.y, role: isCursor ? .cursor : role, maxWidth: row.maxX - x)
                if used == 0 { break }
                x += used
                index += 1
            }
            if focused, cursor == graphemes.count, x < row.maxX {
                canvas.put(" ", x: x, y: rect.y, role: .cursor)
            }
        }
    }
}
