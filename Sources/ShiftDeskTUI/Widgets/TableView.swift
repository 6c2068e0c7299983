import ShiftDeskCore
/// How wide a table column is.
public enum ColumnWidth: Sendable, Equatable {
    case fixed(Int)
    /// Shares the remaining width by weight, never below `minimum`.
    case flex(weight: Int, minimum: Int)
}

public struct TableColumn: Sendable, Equatable {
    public var title: String
    public var width: ColumnWidth
    public var alignment: TextAlignment

    public init(_ title: String, width: ColumnWidth, alignment: TextAlignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// What a column sorts by.
public enum SortKey: Sendable, Comparable {
    case number(Double)
    case text(String)
}

public struct TableCell: Sendable, Equatable {
    public var text: String
    public var sortKey: SortKey
    /// Overrides the row's role for this cell (e.g. a countdown in `.breached`).
    public var role: ThemeRole?

    public init(_ text: String, sortKey: SortKey? = nil, role: ThemeRole? = nil) {
        self.text = text
        self.sortKey = sortKey ?? .text(text)
        self.role = role
    }
}

public struct TableRow<ID: Hashable & Sendable>: Sendable {
    public var id: ID
    public var cells: [TableCell]
    public var role: ThemeRole?

    public init(id: ID, cells: [TableCell], role: ThemeRole? = nil) {
        self.id = id
        self.cells = cells
        self.role = role
    }
}

public struct TableSort: Sendable, Equatable {
    public var column: Int
    public var ascending: Bool

    public init(column: Int, ascending: Bool = true) {
        self.column = column
        self.ascending = ascending
    }
}

/// Rows built on demand: a table draws only the rows it shows, so a queue of 100k tickets
/// costs a screenful of rows per frame. An array of rows is the simple case.
public struct TableRows<ID: Hashable & Sendable> {
    public let count: Int
    private let idAt: (Int) -> ID
    private let rowAt: (Int) -> TableRow<ID>

    public init(count: Int, id: @escaping (Int) -> ID, row: @escaping (Int) -> TableRow<ID>) {
        self.count = count
        idAt = id
        rowAt = row
    }

    public init(_ rows: [TableRow<ID>]) {
        self.init(count: rows.count, id: { rows[$0].id }, row: { rows[$0] })
    }

    public var isEmpty: Bool { count == 0 }
    public func id(at index: Int) -> ID { idAt(index) }
    public func row(at index: Int) -> TableRow<ID> { rowAt(index) }
    public func firstIndex(of id: ID) -> Int? { (0..<count).first { idAt($0) == id } }
}

/// Selection, scroll and sort of a table. Selection follows the row's
/// identity: after the rows change (reorder, insert, removal) call
/// ``reconcile(with:)`` and the same row stays selected; when it is gone, the
/// row now at its position is selected.
public struct TableState<ID: Hashable & Sendable>: Sendable {
    public var selectedID: ID?
    public var selectedIndex: Int
    public var scrollOffset: Int
    public var sort: TableSort?

    public init(sort: TableSort? = nil) {
        selectedID = nil
        selectedIndex = 0
        scrollOffset = 0
        self.sort = sort
    }

    /// Keeps the selection on the same row identity in `rows` (displayed order).
    public mutating func reconcile(with rows: [TableRow<ID>]) { reconcile(with: TableRows(rows)) }

    public mutating func reconcile(with rows: TableRows<ID>) {
        guard !rows.isEmpty else {
            selectedIndex = 0
            selectedID = nil
            scrollOffset = 0
            return
        }
        if let selectedID, selectedIndex < rows.count, rows.id(at: selectedIndex) == selectedID {
            return
        } else if let selectedID, let index = rows.firstIndex(of: selectedID) {
            selectedIndex = index
        } else {
            selectedIndex = min(max(0, selectedIndex), rows.count - 1)
            selectedID = rows.id(at: selectedIndex)
        }
    }

    /// Moves the selection for a navigation action; `pageSize` is the number of visible rows.
    /// Returns false when the action is not a table movement.
    @discardableResult
    public mutating func navigate(_ action: ActionID, rows: [TableRow<ID>], pageSize: Int) -> Bool {
        navigate(action, rows: TableRows(rows), pageSize: pageSize)
    }

    @discardableResult
    public mutating func navigate(_ action: ActionID, rows: TableRows<ID>, pageSize: Int) -> Bool {
        guard !rows.isEmpty else { return false }
        let page = max(1, pageSize)
        var index = selectedIndex
        switch action {
        case .moveUp: index -= 1
        case .moveDown: index += 1
        case .pageUp: index -= page
        case .pageDown: index += page
        case .first: index = 0
        case .last: index = rows.count - 1
        default: return false
        }
        select(index: index, rows: rows, pageSize: page)
        return true
    }

    public mutating func select(index: Int, rows: [TableRow<ID>], pageSize: Int) {
        select(index: index, rows: TableRows(rows), pageSize: pageSize)
    }

    public mutating func select(index: Int, rows: TableRows<ID>, pageSize: Int) {
        guard !rows.isEmpty else { return }
        selectedIndex = min(max(0, index), rows.count - 1)
        selectedID = rows.id(at: selectedIndex)
        scrollOffset = Self.offset(keeping: selectedIndex, visible: pageSize, current: scrollOffset, count: rows.count)
    }

    /// Sorts by `column`: ascending first, again on the same column flips the order.
    public mutating func toggleSort(column: Int) {
        if let sort, sort.column == column {
            self.sort = TableSort(column: column, ascending: !sort.ascending)
        } else {
            sort = TableSort(column: column, ascending: true)
        }
    }

    static func offset(keeping index: Int, visible: Int, current: Int, count: Int) -> Int {
        guard visible > 0 else { return 0 }
        var offset = current
        if index < offset { offset = index }
        if index >= offset + visible { offset = index - visible + 1 }
        return max(0, min(offset, max(0, count - visible)))
    }
}

/// Draws a table: header row, then rows; each column clipped by display width.
public enum TableView {
    /// Column widths for `totalWidth`, one space between columns.
    public static func columnWidths(_ columns: [TableColumn], totalWidth: Int) -> [Int] {
        let gaps = max(0, columns.count - 1)
        var widths = columns.map { column -> Int in
            switch column.width {
            case .fixed(let width): return width
            case .flex(_, let minimum): return minimum
            }
        }
        var remaining = totalWidth - gaps - widths.reduce(0, +)
        let weights = columns.map { column -> Int in
            if case .flex(let weight, _) = column.width { return max(0, weight) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        if remaining > 0, totalWeight > 0 {
            var given = 0
            for index in widths.indices where weights[index] > 0 {
                let share = remaining * weights[index] / totalWeight
                widths[index] += share
                given += share
            }
            remaining -= given
            if remaining > 0, let lastFlex = weights.lastIndex(where: { $0 > 0 }) { widths[lastFlex] += remaining }
        }
        return widths
    }

    /// Rows in the order of `sort` (stable; nil keeps the given order).
    public static func sorted<ID>(_ rows: [TableRow<ID>], by sort: TableSort?) -> [TableRow<ID>] {
        guard let sort else { return rows }
        let indexed = rows.enumerated().map { ($0.offset, $0.element) }
        return indexed.sorted { lhs, rhs in
            let left = sort.column < lhs.1.cells.count ? lhs.1.cells[sort.column].sortKey : .text("")
            let right = sort.column < rhs.1.cells.count ? rhs.1.cells[sort.column].sortKey : .text("")
            if left == right { return lhs.0 < rhs.0 }
            return sort.ascending ? left < right : right < left
        }.map(\.1)
    }

    /// Visible data rows for a table drawn in a rectangle of `height` (header takes one).
    public static func visibleRowCount(height: Int) -> Int { max(0, height - 1) }

    public static func draw<ID>(columns: [TableColumn], rows: [TableRow<ID>], state: TableState<ID>,
                                in rect: Rect, canvas: inout Canvas, focused: Bool = true, emptyMessage: String = "") {
        draw(columns: columns, rows: TableRows(rows), state: state, in: rect, canvas: &canvas, focused: focused, emptyMessage: emptyMessage)
    }

    public static func draw<ID>(columns: [TableColumn], rows: TableRows<ID>, state: TableState<ID>,
                                in rect: Rect, canvas: inout Canvas, focused: Bool = true, emptyMessage: String = "") {
        guard !rect.isEmpty else { return }
        let widths = columnWidths(columns, totalWidth: rect.width)
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            // Header.
            canvas.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .header)
            var x = rect.x
            for (index, column) in columns.enumerated() {
                var title = column.title
                if let sort = state.sort, sort.column == index {
                    title += sort.ascending ? canvas.glyphs.sortAscending : canvas.glyphs.sortDescending
                }
                let text = DisplayWidth.fit(title, toWidth: widths[index], alignment: column.alignment, ellipsis: canvas.glyphs.ellipsis)
                canvas.put(text, x: x, y: rect.y, role: .header, maxWidth: widths[index])
                x += widths[index] + 1
            }
            let visible = visibleRowCount(height: rect.height)
            if rows.isEmpty {
                if !emptyMessage.isEmpty, visible > 0 {
                    canvas.put(emptyMessage, x: rect.x + 1, y: rect.y + 1, role: .muted, maxWidth: rect.width - 1, ellipsis: true)
                }
                return
            }
            let offset = TableState<ID>.offset(keeping: state.selectedIndex, visible: visible, current: state.scrollOffset, count: rows.count)
            for line in 0..<visible {
                let index = offset + line
                guard index < rows.count else { break }
                let row = rows.row(at: index)
                let y = rect.y + 1 + line
                let isSelected = index == state.selectedIndex
                let rowRole: ThemeRole = isSelected ? (focused ? .selected : .focus) : (row.role ?? .normal)
                canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: rowRole)
                var cellX = rect.x
                for (columnIndex, column) in columns.enumerated() {
                    let width = widths[columnIndex]
                    if columnIndex < row.cells.count, width > 0 {
                        let cell = row.cells[columnIndex]
                        let text = DisplayWidth.fit(TerminalText.sanitize(cell.text), toWidth: width, alignment: column.alignment, ellipsis: canvas.glyphs.ellipsis)
                        canvas.put(text, x: cellX, y: y, role: cell.role ?? rowRole, maxWidth: width)
                    }
                    cellX += width + 1
                }
            }
        }
    }
}
