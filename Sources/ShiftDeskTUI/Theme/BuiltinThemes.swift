extension Theme {
    /// The default theme, embedded so the app works without the themes folder.
    /// `themes/default.toml` holds the same text (a test keeps them equal).
    public static let defaultTOML = """
    # ShiftDesk default theme: 256 colours, downgraded automatically on 8-colour terminals.
    name = "default"

    [glyphs]
    borders = "unicode"
    ellipsis = "..."
    charts = "blocks"

    [roles.normal]
    fg = "default"
    bg = "default"

    [roles.selected]
    fg = "black"
    bg = 75
    bg8 = "cyan"

    [roles.header]
    fg = 230
    bg = 238
    fg8 = "white"
    bg8 = "blue"
    bold = true

    [roles.title]
    fg = 81
    bold = true

    [roles.border]
    fg = 244
    fg8 = "blue"

    [roles.muted]
    fg = 245
    fg8 = "white"
    dim = true

    [roles.ok]
    fg = 71

    [roles.warning]
    fg = 214
    bold = true

    [roles.breached]
    fg = 231
    bg = 160
    bold = true

    [roles.major]
    fg = 203
    bold = true

    [roles.general]
    fg = 221

    [roles.minor]
    fg = 110

    [roles.keybarKey]
    fg = "white"
    bg = "black"
    bold = true

    [roles.keybarLabel]
    fg = "black"
    bg = 75
    bg8 = "cyan"

    [roles.status]
    fg = 231
    bg = 24
    bg8 = "blue"

    [roles.error]
    fg = 231
    bg = 124
    bold = true

    [roles.input]
    fg = 231
    bg = 236
    bg8 = "black"
    underline = true

    [roles.focus]
    fg = "black"
    bg = 221
    bg8 = "yellow"

    [roles.cursor]
    reverse = true

    [roles.dialog]
    fg = 252
    bg = 237
    fg8 = "white"
    bg8 = "blue"

    [roles.dialogBorder]
    fg = 81
    bg = 237
    fg8 = "cyan"
    bg8 = "blue"

    [roles.chart]
    fg = 114

    [roles.placeholder]
    fg = 201
    bold = true
    """

    /// A last-resort theme built in code: no colours, monochrome fallbacks only.
    public static let plain = Theme(
        name: "plain",
        styles: Dictionary(uniqueKeysWithValues: ThemeRole.allCases.map { ($0, Style(attributes: Theme.monochromeFallback(for: $0))) }),
        glyphs: .unicode)

    /// The embedded default theme.
    public static let builtinDefault: Theme = {
        switch ThemeParser.parse(source: Theme.defaultTOML, origin: "<built-in default>", base: Theme.plain) {
        case .success(let theme): return theme
        case .failure: return Theme.plain
        }
    }()
}
