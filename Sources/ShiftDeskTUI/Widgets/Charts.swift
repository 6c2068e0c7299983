/// A one-row chart of values with block characters (▁…█) or the theme's ASCII levels.
public enum Sparkline {
    /// The last `width` values as level glyphs, scaled from 0 to the maximum.
    public static func render(_ values: [Double], width: Int, levels: [String]) -> String {
        guard width > 0, !levels.isEmpty else { return "" }
        let shown = values.suffix(width)
        let maximum = shown.max() ?? 0
        return shown.map { value -> String in
            guard maximum > 0, value > 0 else { return levels[0] }
            let level = Int((value / maximum * Double(levels.count - 1)).rounded())
            return levels[min(levels.count - 1, max(0, level))]
        }.joined()
    }

    public static func draw(_ values: [Double], in rect: Rect, canvas: inout Canvas, role: ThemeRole = .chart) {
        guard rect.width > 0, rect.height > 0 else { return }
        let text = render(values, width: rect.width, levels: canvas.glyphs.chartLevels)
        canvas.withClip(rect) { canvas in
            canvas.put(text, x: rect.x, y: rect.y, role: role, maxWidth: rect.width)
        }
    }
}

/// Horizontal bars: label, bar scaled to the largest value, value.
public struct BarChartItem: Sendable, Equatable {
    public var label: String
    public var value: Double
    public var role: ThemeRole

    public init(label: String, value: Double, role: ThemeRole = .chart) {
        self.label = label
        self.value = value
        self.role = role
    }
}

public enum BarChart {
    public static func draw(_ items: [BarChartItem], in rect: Rect, canvas: inout Canvas) {
        guard rect.width > 0, rect.height > 0 else { return }
        let labelWidth = min(rect.width / 3, items.map { DisplayWidth.width(of: $0.label) }.max() ?? 0)
        let valueTexts = items.map { formatValue($0.value) }
        let valueWidth = valueTexts.map { $0.count }.max() ?? 0
        let barSpace = max(0, rect.width - labelWidth - valueWidth - 2)
        let maximum = items.map(\.value).max() ?? 0
        canvas.withClip(rect) { canvas in
            for (index, item) in items.enumerated() where index < rect.height {
                let y = rect.y + index
                canvas.put(DisplayWidth.fit(item.label, toWidth: labelWidth, ellipsis: canvas.glyphs.ellipsis), x: rect.x, y: y, role: .normal)
                let length = maximum > 0 ? Int((item.value / maximum * Double(barSpace)).rounded()) : 0
                let bar = String(repeating: canvas.glyphs.chartFull, count: max(0, min(barSpace, length)))
                let used = canvas.put(bar, x: rect.x + labelWidth + 1, y: y, role: item.role, maxWidth: barSpace)
                canvas.put(valueTexts[index], x: rect.x + labelWidth + 2 + used, y: y, role: .muted)
            }
        }
    }

    static func formatValue(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// Vertical bars several rows high, one per value, growing in eighths of a row (the theme's
/// chart levels), scaled to the largest value; a value of 0 shows a dot on the base row.
public enum ColumnChart {
    public static func draw(_ values: [Double], at x: Int, top: Int, rows: Int, cell: Int, barWidth: Int, role: ThemeRole = .chart,
                            canvas: inout Canvas) {
        guard rows > 0, cell > 0 else { return }
        let peak = values.max() ?? 0
        let levels = canvas.glyphs.chartLevels
        guard !levels.isEmpty else { return }
        for (index, value) in values.enumerated() {
            let column = x + index * cell
            let eighths = peak > 0 ? Int((value / peak * Double(rows * 8)).rounded()) : 0
            for row in 0..<rows {
                let y = top + rows - 1 - row
                let filled = eighths - row * 8
                let glyph: String
                if filled >= 8 {
                    glyph = canvas.glyphs.chartFull
                } else if filled > 0 {
                    glyph = levels[min(levels.count - 1, max(0, filled * levels.count / 8 - 1))]
                } else if row == 0 {
                    glyph = value > 0 ? levels[0] : (canvas.glyphs.chartFull == "#" ? "." : "·")
                } else {
                    continue
                }
                canvas.put(String(repeating: glyph, count: max(1, barWidth)), x: column, y: y, role: role)
            }
        }
    }
}
