/// Semantic roles: widgets say *what* a cell is, the theme says how it looks.
public enum ThemeRole: String, Sendable, CaseIterable, Hashable, Codable {
    case normal, selected, header, title, border, muted
    case ok, warning, breached
    case major, general, minor
    case keybarKey, keybarLabel, status, error, input, focus, cursor
    case dialog, dialogBorder, chart, placeholder
}
