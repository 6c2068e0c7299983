/// A named mapping from semantic roles to styles, plus the glyphs to draw with.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [ThemeRole: Style]
    public var glyphs: GlyphSet

    public init(name: String, styles: [ThemeRole: Style], glyphs: GlyphSet) {
        self.name = name
        self.styles = styles
        self.glyphs = glyphs
    }

    public func style(for role: ThemeRole) -> Style {
        styles[role] ?? styles[.normal] ?? Style()
    }

    /// How `role` is drawn on a terminal with `mode`.
    public func resolvedStyle(for role: ThemeRole, mode: ColorMode) -> ResolvedStyle {
        let style = style(for: role)
        switch mode {
        case .color256:
            return ResolvedStyle(foreground: style.foreground, background: style.background, attributes: style.attributes)
        case .color8:
            return ResolvedStyle(foreground: style.foreground8 ?? style.foreground.downgradedToBasic,
                                 background: style.background8 ?? style.background.downgradedToBasic,
                                 attributes: style.attributes)
        case .monochrome:
            let attributes = style.monochromeAttributes ?? style.attributes.union(Theme.monochromeFallback(for: role))
            return ResolvedStyle(foreground: .default, background: .default, attributes: attributes)
        }
    }

    /// Attributes that keep roles distinguishable without colour.
    public static func monochromeFallback(for role: ThemeRole) -> TextAttributes {
        switch role {
        case .selected, .keybarKey, .status, .cursor, .focus: return .reverse
        case .header, .title, .breached, .major, .error: return .bold
        case .warning: return .underline
        case .muted, .minor, .placeholder: return .dim
        case .input: return .underline
        case .normal, .border, .ok, .general, .keybarLabel, .dialog, .dialogBorder, .chart: return []
        }
    }
}
