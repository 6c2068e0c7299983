/// Characters that depend on the theme: borders, ellipsis, chart blocks.
///
/// ``unicode`` uses box drawing and block elements with the ASCII `...`
/// ellipsis (ambiguous-width `…` is drawn wide by CJK fonts); ``ascii`` uses
/// only ASCII for terminals/fonts that draw ambiguous-width glyphs wide.
public struct GlyphSet: Sendable, Equatable {
    public var horizontal: String
    public var vertical: String
    public var topLeft: String
    public var topRight: String
    public var bottomLeft: String
    public var bottomRight: String
    public var ellipsis: String
    /// Levels for sparklines and bar ends, lowest first.
    public var chartLevels: [String]
    /// The glyph for a full bar cell.
    public var chartFull: String
    public var sortAscending: String
    public var sortDescending: String

    public init(horizontal: String, vertical: String, topLeft: String, topRight: String,
                bottomLeft: String, bottomRight: String, ellipsis: String,
                chartLevels: [String], chartFull: String, sortAscending: String, sortDescending: String) {
        self.horizontal = horizontal
        self.vertical = vertical
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomLeft = bottomLeft
        self.bottomRight = bottomRight
        self.ellipsis = ellipsis
        self.chartLevels = chartLevels
        self.chartFull = chartFull
        self.sortAscending = sortAscending
        self.sortDescending = sortDescending
    }

    public static let unicode = GlyphSet(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
        bottomLeft: "└", bottomRight: "┘", ellipsis: "...",
        chartLevels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], chartFull: "█", sortAscending: "▲", sortDescending: "▼")

    public static let ascii = GlyphSet(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
        bottomLeft: "+", bottomRight: "+", ellipsis: "...",
        chartLevels: ["_", ".", "-", "~", "=", "+", "*", "#"], chartFull: "#", sortAscending: "^", sortDescending: "v")
}
