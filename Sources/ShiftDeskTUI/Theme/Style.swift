import Foundation

/// A terminal colour: the terminal's default, or an index 0–255
/// (0–7 are the basic colours, 8–15 bright, 16–231 the 6×6×6 cube, 232–255 greys).
public enum TerminalColor: Sendable, Equatable, Hashable {
    case `default`
    case index(UInt8)

    public static let basicNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, a basic colour name, `bright-NAME`, or an index 0–255.
    public static func parse(name: String) -> TerminalColor? {
        let lowered = name.lowercased().trimmingCharacters(in: .whitespaces)
        if lowered == "default" || lowered == "none" { return .default }
        if let basic = basicNames.firstIndex(of: lowered) { return .index(UInt8(basic)) }
        if lowered.hasPrefix("bright-"), let basic = basicNames.firstIndex(of: String(lowered.dropFirst(7))) {
            return .index(UInt8(basic + 8))
        }
        if let number = Int(lowered), (0...255).contains(number) { return .index(UInt8(number)) }
        return nil
    }

    public static func parse(index: Int) -> TerminalColor? {
        (0...255).contains(index) ? .index(UInt8(index)) : nil
    }

    /// The nearest of the 8 basic colours (by RGB distance in the xterm palette).
    public var downgradedToBasic: TerminalColor {
        guard case .index(let value) = self else { return .default }
        if value < 8 { return self }
        if value < 16 { return .index(value - 8) }
        let rgb = Self.rgb(of: Int(value))
        var best = 0
        var bestDistance = Int.max
        for (candidate, basic) in Self.basicRGB.enumerated() {
            let distance = (rgb.0 - basic.0) * (rgb.0 - basic.0)
                + (rgb.1 - basic.1) * (rgb.1 - basic.1)
                + (rgb.2 - basic.2) * (rgb.2 - basic.2)
            if distance < bestDistance {
                bestDistance = distance
                best = candidate
            }
        }
        return .index(UInt8(best))
    }

    /// -1 for default, else the index (what ncurses expects).
    public var cursesNumber: Int {
        switch self {
        case .default: return -1
        case .index(let value): return Int(value)
        }
    }

    static let basicRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    ]

    static func rgb(of index: Int) -> (Int, Int, Int) {
        if index >= 232 {
            let level = 8 + (index - 232) * 10
            return (level, level, level)
        }
        let cube = index - 16
        let steps = [0, 95, 135, 175, 215, 255]
        return (steps[(cube / 36) % 6], steps[(cube / 6) % 6], steps[cube % 6])
    }
}

/// Text attributes, the only styling a monochrome terminal has.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let underline = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let dim = TextAttributes(rawValue: 1 << 3)

    static let names: [(String, TextAttributes)] = [
        ("bold", .bold), ("underline", .underline), ("reverse", .reverse), ("dim", .dim),
    ]
}

/// How a role looks as written in a theme file.
public struct Style: Sendable, Equatable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes
    /// Explicit colours for 8-colour terminals (else downgraded automatically).
    public var foreground8: TerminalColor?
    public var background8: TerminalColor?
    /// Attributes on monochrome terminals (else the role's built-in fallback plus ``attributes``).
    public var monochromeAttributes: TextAttributes?

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default,
                attributes: TextAttributes = [], foreground8: TerminalColor? = nil,
                background8: TerminalColor? = nil, monochromeAttributes: TextAttributes? = nil) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
        self.foreground8 = foreground8
        self.background8 = background8
        self.monochromeAttributes = monochromeAttributes
    }
}

/// What a terminal can show.
public enum ColorMode: String, Sendable, Equatable {
    case color256, color8, monochrome

    /// `NO_COLOR` present and non-empty → monochrome; else by the colour count.
    public static func detect(colorCount: Int, hasColors: Bool, environment: [String: String]) -> ColorMode {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        guard hasColors else { return .monochrome }
        if colorCount >= 256 { return .color256 }
        if colorCount >= 8 { return .color8 }
        return .monochrome
    }
}

/// A role's look on a given terminal: what the terminal layer applies.
public struct ResolvedStyle: Sendable, Equatable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(foreground: TerminalColor, background: TerminalColor, attributes: TextAttributes) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}
