import ShiftDeskCore
/// An in-memory grid of cells that widgets draw into; terminals present it.
///
/// Invariants kept by every mutating method:
/// - a wide glyph is a lead cell plus a continuation cell, never split;
/// - overwriting either half of a wide glyph blanks the other half;
/// - nothing is drawn outside the canvas or the current clip rectangle;
/// - text is sanitised (``TerminalText``) before it reaches a cell.
public struct Canvas: Sendable, Equatable {
    public private(set) var size: TerminalSize
    public private(set) var cells: [Cell]
    public var glyphs: GlyphSet
    /// Drawing is restricted to this rectangle (always inside the canvas).
    public private(set) var clip: Rect

    public init(size: TerminalSize, glyphs: GlyphSet = .unicode, fill: Cell = .blank()) {
        self.size = size
        self.glyphs = glyphs
        self.cells = Array(repeating: fill, count: size.columns * size.rows)
        self.clip = Rect(size: size)
    }

    public var bounds: Rect { Rect(size: size) }

    public func cell(x: Int, y: Int) -> Cell? {
        guard x >= 0, y >= 0, x < size.columns, y < size.rows else { return nil }
        return cells[y * size.columns + x]
    }

    /// Runs `body` with drawing restricted to `rect` (intersected with the current clip).
    public mutating func withClip(_ rect: Rect, _ body: (inout Canvas) throws -> Void) rethrows {
        let saved = clip
        clip = clip.intersection(rect)
        defer { clip = saved }
        try body(&self)
    }

    // MARK: - Text

    /// Draws `text` (sanitised, single line) starting at column `x` of row `y`.
    ///
    /// Clipped by display width at the clip edge and at `x + maxWidth`; a wide
    /// glyph that does not fit in the last column becomes a space. With
    /// `ellipsis`, text that does not fit ends with the theme's ellipsis.
    /// Returns the number of columns used, counted from `x`.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: ThemeRole = .normal,
                             maxWidth: Int? = nil, ellipsis: Bool = false) -> Int {
        guard y >= clip.y, y < clip.maxY else { return 0 }
        var limit = clip.maxX
        if let maxWidth { limit = min(limit, x + max(0, maxWidth)) }
        guard limit > x else { return 0 }
        var safe = TerminalText.sanitize(text)
        if ellipsis {
            safe = DisplayWidth.truncate(safe, toWidth: limit - x, ellipsis: glyphs.ellipsis)
        }
        var column = x
        for grapheme in safe {
            let width = DisplayWidth.width(ofGrapheme: grapheme)
            if width == 0 { continue }
            if column + width > limit {
                if column < limit { setBlank(x: column, y: y, role: role) ; column += 1 }
                break
            }
            if column < clip.x {
                // Left of the clip: a wide glyph straddling the edge shows its visible half as a space.
                if column + width > clip.x { setBlank(x: clip.x, y: y, role: role) }
                column += width
                continue
            }
            setGlyph(String(grapheme), width: width, x: column, y: y, role: role)
            column += width
        }
        return max(0, column - x)
    }

    /// Fills `rect` (clipped) with a one-column grapheme, blanks by default.
    public mutating func fill(_ rect: Rect, role: ThemeRole = .normal, grapheme: String = " ") {
        let area = rect.intersection(clip)
        guard !area.isEmpty else { return }
        let glyph = TerminalText.sanitize(grapheme)
        let fillGrapheme = DisplayWidth.width(of: glyph) == 1 ? glyph : " "
        for row in area.y..<area.maxY {
            for column in area.x..<area.maxX {
                setGlyph(fillGrapheme, width: 1, x: column, y: row, role: role)
            }
        }
    }

    /// Changes the role of the cells in `rect` without changing their text.
    public mutating func setRole(_ role: ThemeRole, in rect: Rect) {
        let area = rect.intersection(clip)
        guard !area.isEmpty else { return }
        for row in area.y..<area.maxY {
            for column in area.x..<area.maxX {
                cells[row * size.columns + column].role = role
            }
        }
    }

    /// Draws a border around `rect` with the theme's glyphs and an optional title.
    public mutating func box(_ rect: Rect, role: ThemeRole = .border, title: String? = nil, titleRole: ThemeRole = .title) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.maxX - 1
        let bottom = rect.maxY - 1
        for column in (rect.x + 1)..<right {
            put(glyphs.horizontal, x: column, y: rect.y, role: role)
            put(glyphs.horizontal, x: column, y: bottom, role: role)
        }
        for row in (rect.y + 1)..<bottom {
            put(glyphs.vertical, x: rect.x, y: row, role: role)
            put(glyphs.vertical, x: right, y: row, role: role)
        }
        put(glyphs.topLeft, x: rect.x, y: rect.y, role: role)
        put(glyphs.topRight, x: right, y: rect.y, role: role)
        put(glyphs.bottomLeft, x: rect.x, y: bottom, role: role)
        put(glyphs.bottomRight, x: right, y: bottom, role: role)
        if let title, rect.width > 4 {
            put(" \(title) ", x: rect.x + 1, y: rect.y, role: titleRole, maxWidth: rect.width - 2, ellipsis: true)
        }
    }

    /// Draws a horizontal line of the theme's horizontal glyph.
    public mutating func horizontalLine(x: Int, y: Int, width: Int, role: ThemeRole = .border) {
        guard width > 0 else { return }
        for column in x..<(x + width) { put(glyphs.horizontal, x: column, y: y, role: role) }
    }

    /// Draws a vertical line of the theme's vertical glyph.
    public mutating func verticalLine(x: Int, y: Int, height: Int, role: ThemeRole = .border) {
        guard height > 0 else { return }
        for row in y..<(y + height) { put(glyphs.vertical, x: x, y: row, role: role) }
    }

    /// The text of row `y`, continuation cells omitted (wide glyphs appear once).
    public func line(_ y: Int) -> String {
        guard y >= 0, y < size.rows else { return "" }
        var text = ""
        for column in 0..<size.columns {
            let cell = cells[y * size.columns + column]
            if !cell.isContinuation { text += cell.grapheme }
        }
        return text
    }

    /// All rows as text.
    public var lines: [String] { (0..<size.rows).map(line) }

    // MARK: - Cell primitives keeping the wide-glyph invariant

    private mutating func setBlank(x: Int, y: Int, role: ThemeRole) {
        guard clip.contains(x: x, y: y) else { return }
        setGlyph(" ", width: 1, x: x, y: y, role: role)
    }

    private mutating func setGlyph(_ grapheme: String, width: Int, x: Int, y: Int, role: ThemeRole) {
        guard clip.contains(x: x, y: y) else { return }
        if width == 2 {
            guard clip.contains(x: x + 1, y: y) else {
                setGlyph(" ", width: 1, x: x, y: y, role: role)
                return
            }
            breakWideGlyph(at: x, y: y)
            breakWideGlyph(at: x + 1, y: y)
            cells[y * size.columns + x] = Cell(grapheme: grapheme, width: 2, role: role)
            cells[y * size.columns + x + 1] = .continuation(role)
        } else {
            breakWideGlyph(at: x, y: y)
            cells[y * size.columns + x] = Cell(grapheme: grapheme, width: 1, role: role)
        }
    }

    /// If (x, y) is half of a wide glyph, blanks both halves.
    private mutating func breakWideGlyph(at x: Int, y: Int) {
        guard let cell = cell(x: x, y: y) else { return }
        let row = y * size.columns
        if cell.isWideLead {
            cells[row + x] = .blank(cell.role)
            if x + 1 < size.columns { cells[row + x + 1] = .blank(cell.role) }
        } else if cell.isContinuation {
            cells[row + x] = .blank(cell.role)
            if x > 0 { cells[row + x - 1] = .blank(cells[row + x - 1].role) }
        }
    }
}
