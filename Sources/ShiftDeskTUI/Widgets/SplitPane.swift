/// Splits a rectangle in two with an optional one-cell divider line.
public struct SplitPane: Sendable, Equatable {
    public enum Axis: Sendable, Equatable {
        /// Side by side (first on the left).
        case horizontal
        /// Stacked (first on top).
        case vertical
    }

    public var axis: Axis
    /// Share of the first pane, 0…1.
    public var ratio: Double
    public var divider: Bool
    /// The first pane never gets less than this (when there is room).
    public var minimumFirst: Int
    public var minimumSecond: Int

    public init(axis: Axis, ratio: Double = 0.5, divider: Bool = true, minimumFirst: Int = 0, minimumSecond: Int = 0) {
        self.axis = axis
        self.ratio = min(1, max(0, ratio))
        self.divider = divider
        self.minimumFirst = minimumFirst
        self.minimumSecond = minimumSecond
    }

    public struct Layout: Sendable, Equatable {
        public var first: Rect
        public var second: Rect
        public var divider: Rect?
    }

    public func layout(_ rect: Rect) -> Layout {
        let total = axis == .horizontal ? rect.width : rect.height
        let dividerSize = divider && total > 2 ? 1 : 0
        let available = max(0, total - dividerSize)
        var first = Int((Double(available) * ratio).rounded())
        first = max(first, min(minimumFirst, available))
        first = min(first, max(0, available - minimumSecond), available)
        first = max(0, first)
        let second = available - first
        switch axis {
        case .horizontal:
            return Layout(first: Rect(x: rect.x, y: rect.y, width: first, height: rect.height),
                          second: Rect(x: rect.x + first + dividerSize, y: rect.y, width: second, height: rect.height),
                          divider: dividerSize > 0 ? Rect(x: rect.x + first, y: rect.y, width: 1, height: rect.height) : nil)
        case .vertical:
            return Layout(first: Rect(x: rect.x, y: rect.y, width: rect.width, height: first),
                          second: Rect(x: rect.x, y: rect.y + first + dividerSize, width: rect.width, height: second),
                          divider: dividerSize > 0 ? Rect(x: rect.x, y: rect.y + first, width: rect.width, height: 1) : nil)
        }
    }

    /// Draws the divider and returns the two panes.
    public func draw(in rect: Rect, canvas: inout Canvas, role: ThemeRole = .border) -> Layout {
        let result = layout(rect)
        if let line = result.divider {
            canvas.withClip(line) { canvas in
                switch axis {
                case .horizontal: canvas.verticalLine(x: line.x, y: line.y, height: line.height, role: role)
                case .vertical: canvas.horizontalLine(x: line.x, y: line.y, width: line.width, role: role)
                }
            }
        }
        return result
    }
}
