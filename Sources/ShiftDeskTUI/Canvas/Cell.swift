/// One terminal cell.
///
/// A wide (2-column) glyph occupies a *lead* cell (`width == 2`, holding the
/// grapheme) followed by a *continuation* cell (`width == 0`, empty grapheme).
public struct Cell: Sendable, Equatable, Hashable {
    public var grapheme: String
    public var width: UInt8
    public var role: ThemeRole

    public init(grapheme: String, width: UInt8, role: ThemeRole) {
        self.grapheme = grapheme
        self.width = width
        self.role = role
    }

    public static func blank(_ role: ThemeRole = .normal) -> Cell {
        Cell(grapheme: " ", width: 1, role: role)
    }

    static func continuation(_ role: ThemeRole) -> Cell {
        Cell(grapheme: "", width: 0, role: role)
    }

    public var isContinuation: Bool { width == 0 }
    public var isWideLead: Bool { width == 2 }
}
