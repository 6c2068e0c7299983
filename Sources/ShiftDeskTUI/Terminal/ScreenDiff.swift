/// The one place that decides which cells a present must write.
///
/// Keeps the last presented canvas (the "front buffer"). Wide glyphs are
/// written as their lead cell only; when a cell that was half of a wide glyph
/// changes, the other half is rewritten too, so the terminal and the canvas
/// never disagree (ncurses would otherwise show `中X文` artefacts).
public struct ScreenDiff: Sendable {
    public struct Change: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var cell: Cell
    }

    private var front: Canvas?

    public init() {}

    /// Forgets what is on screen: the next diff returns every cell.
    public mutating func invalidate() { front = nil }

    /// The cells to write to turn the screen into `canvas`, left to right, top to bottom.
    public mutating func changes(to canvas: Canvas) -> [Change] {
        defer { front = canvas }
        let columns = canvas.size.columns
        guard let previous = front, previous.size == canvas.size else {
            return allCells(of: canvas)
        }
        var changes: [Change] = []
        var dirty = [Bool](repeating: false, count: columns)
        for y in 0..<canvas.size.rows {
            let row = y * columns
            var anyDirty = false
            for x in 0..<columns {
                dirty[x] = canvas.cells[row + x] != previous.cells[row + x]
                anyDirty = anyDirty || dirty[x]
            }
            guard anyDirty else { continue }
            // A changed half of an old wide glyph makes its other half dirty too.
            for x in 0..<columns where canvas.cells[row + x] != previous.cells[row + x] {
                let old = previous.cells[row + x]
                if old.isWideLead, x + 1 < columns { dirty[x + 1] = true }
                if old.isContinuation, x > 0 { dirty[x - 1] = true }
            }
            var lastEmitted = -1
            for x in 0..<columns where dirty[x] {
                // A continuation is written by writing its lead.
                let target = canvas.cells[row + x].isContinuation ? x - 1 : x
                guard target >= 0, target > lastEmitted else { continue }
                changes.append(Change(x: target, y: y, cell: canvas.cells[row + target]))
                lastEmitted = target
            }
        }
        return changes
    }

    private func allCells(of canvas: Canvas) -> [Change] {
        var changes: [Change] = []
        changes.reserveCapacity(canvas.cells.count)
        for y in 0..<canvas.size.rows {
            for x in 0..<canvas.size.columns {
                let cell = canvas.cells[y * canvas.size.columns + x]
                if !cell.isContinuation { changes.append(Change(x: x, y: y, cell: cell)) }
            }
        }
        return changes
    }

    /// Statistics for writing `changes` (cursor moves only where cells are not adjacent).
    public static func statistics(of changes: [Change]) -> PresentStatistics {
        var textBytes = 0
        var estimated = 0
        var cursor: (x: Int, y: Int)? = nil
        var role: ThemeRole? = nil
        for change in changes {
            let bytes = change.cell.grapheme.utf8.count
            textBytes += bytes
            estimated += bytes
            if cursor.map({ $0.x != change.x || $0.y != change.y }) ?? true { estimated += 8 } // ESC[row;colH
            if role != change.cell.role { estimated += 12 } // SGR
            cursor = (change.x + max(1, Int(change.cell.width)), change.y)
            role = change.cell.role
        }
        return PresentStatistics(cellsWritten: changes.count, textBytes: textBytes, estimatedBytes: estimated)
    }
}
