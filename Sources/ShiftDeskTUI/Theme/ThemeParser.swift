import Foundation
import ShiftDeskCore
import TOMLKit

/// Parses the theme format documented in `themes/README.md`.
///
/// Syntax errors carry TOMLKit's line and column; semantic errors (unknown
/// role, colour, attribute or key) carry the line of the offending key,
/// found by ``TOMLLineLocator``.
public enum ThemeParser {
    /// The theme in the bytes of a file: refused with its line and byte when they are not UTF-8 text.
    public static func parse(data: Data, origin: String, base: Theme) -> Result<Theme, ThemeError> {
        switch TextFileBytes.decode(data) {
        case let .success(source): return parse(source: source, origin: origin, base: base)
        case let .failure(problem): return .failure(ThemeError(origin: origin, line: problem.line, message: problem.description))
        }
    }

    public static func parse(source: String, origin: String, base: Theme) -> Result<Theme, ThemeError> {
        // The TOML parser reads a C string: a NUL would silently end the file there.
        if let nul = TextFileBytes.firstNUL(in: source) {
            return .failure(ThemeError(origin: origin, line: nul.line, message: nul.description))
        }
        // A header the parser would abort on (`[中]`): refused before it gets there.
        if let header = TOMLGuard.firstBadHeader(in: source) {
            return .failure(ThemeError(origin: origin, line: header.line, column: header.column, message: header.description))
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            return .failure(ThemeError(origin: origin, line: error.source.begin.line,
                                       column: error.source.begin.column,
                                       message: "TOML syntax error: \(error.description)"))
        } catch {
            return .failure(ThemeError(origin: origin, line: nil, message: "cannot parse: \(error)"))
        }
        let locator = TOMLLineLocator(source: source)
        func failure(_ table: String?, _ key: String?, _ message: String) -> Result<Theme, ThemeError> {
            .failure(ThemeError(origin: origin, line: locator.line(ofKey: key, inTable: table), message: message))
        }

        var theme = base
        for key in root.keys {
            switch key {
            case "name":
                guard let name = root[key]?.string else { return failure(nil, key, "`name` must be a string") }
                theme.name = name
            case "glyphs", "roles":
                guard root[key]?.table != nil else { return failure(nil, key, "`\(key)` must be a table") }
            default:
                return failure(nil, key, "unknown top-level key `\(key)` (expected name, glyphs, roles)")
            }
        }

        if let glyphTable = root["glyphs"]?.table {
            for key in glyphTable.keys {
                let value = glyphTable[key]?.string
                switch (key, value) {
                case ("borders", "unicode"?), ("borders", "ascii"?):
                    let ascii = value == "ascii"
                    let source = ascii ? GlyphSet.ascii : GlyphSet.unicode
                    theme.glyphs.horizontal = source.horizontal
                    theme.glyphs.vertical = source.vertical
                    theme.glyphs.topLeft = source.topLeft
                    theme.glyphs.topRight = source.topRight
                    theme.glyphs.bottomLeft = source.bottomLeft
                    theme.glyphs.bottomRight = source.bottomRight
                    theme.glyphs.sortAscending = source.sortAscending
                    theme.glyphs.sortDescending = source.sortDescending
                case ("charts", "blocks"?), ("charts", "ascii"?):
                    let source = value == "ascii" ? GlyphSet.ascii : GlyphSet.unicode
                    theme.glyphs.chartLevels = source.chartLevels
                    theme.glyphs.chartFull = source.chartFull
                case ("ellipsis", "..."?), ("ellipsis", "…"?):
                    theme.glyphs.ellipsis = value ?? "..."
                case ("borders", _):
                    return failure("glyphs", key, "`glyphs.borders` must be \"unicode\" or \"ascii\"")
                case ("charts", _):
                    return failure("glyphs", key, "`glyphs.charts` must be \"blocks\" or \"ascii\"")
                case ("ellipsis", _):
                    return failure("glyphs", key, "`glyphs.ellipsis` must be \"...\" or \"…\"")
                default:
                    return failure("glyphs", key, "unknown key `glyphs.\(key)` (expected borders, ellipsis, charts)")
                }
            }
        }

        if let rolesTable = root["roles"]?.table {
            for roleName in rolesTable.keys {
                let tableName = "roles.\(roleName)"
                guard let role = ThemeRole(rawValue: roleName) else {
                    return failure(tableName, nil, "unknown role `\(roleName)`; roles are: \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard let roleTable = rolesTable[roleName]?.table else {
                    return failure("roles", roleName, "`\(tableName)` must be a table")
                }
                var style = Style()
                for key in roleTable.keys {
                    guard let value = roleTable[key] else { continue }
                    switch key {
                    case "fg", "bg", "fg8", "bg8":
                        guard let color = parseColor(value) else {
                            return failure(tableName, key, "invalid colour \(describe(value)) for `\(tableName).\(key)`; use default, \(TerminalColor.basicNames.joined(separator: ", ")), bright-NAME or 0-255")
                        }
                        switch key {
                        case "fg": style.foreground = color
                        case "bg": style.background = color
                        case "fg8": style.foreground8 = color.downgradedToBasic
                        default: style.background8 = color.downgradedToBasic
                        }
                    case "bold", "underline", "reverse", "dim":
                        guard let flag = value.bool else {
                            return failure(tableName, key, "`\(tableName).\(key)` must be true or false")
                        }
                        let attribute = TextAttributes.names.first { $0.0 == key }?.1 ?? []
                        if flag { style.attributes.insert(attribute) } else { style.attributes.remove(attribute) }
                    case "mono":
                        guard let array = value.array else {
                            return failure(tableName, key, "`\(tableName).mono` must be an array such as [\"reverse\", \"bold\"]")
                        }
                        var attributes: TextAttributes = []
                        for element in array {
                            guard let name = element.string, let attribute = TextAttributes.names.first(where: { $0.0 == name })?.1 else {
                                return failure(tableName, key, "unknown attribute \(describe(element)) in `\(tableName).mono`; use bold, underline, reverse, dim")
                            }
                            attributes.insert(attribute)
                        }
                        style.monochromeAttributes = attributes
                    default:
                        return failure(tableName, key, "unknown key `\(tableName).\(key)` (expected fg, bg, fg8, bg8, bold, underline, reverse, dim, mono)")
                    }
                }
                theme.styles[role] = style
            }
        }
        return .success(theme)
    }

    static func parseColor(_ value: any TOMLValueConvertible) -> TerminalColor? {
        if let text = value.string { return TerminalColor.parse(name: text) }
        if let number = value.int { return TerminalColor.parse(index: number) }
        return nil
    }

    static func describe(_ value: any TOMLValueConvertible) -> String {
        if let text = value.string { return "\"\(text)\"" }
        if let number = value.int { return String(number) }
        return "of type \(value.tomlValue.type)"
    }
}

/// Finds the line of a key in TOML source (TOMLKit reports positions only for syntax errors).
struct TOMLLineLocator {
    let lines: [Substring]

    init(source: String) {
        lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// 1-based line of `key` inside `[table]` (or of the `[table]` header when
    /// `key` is nil); dotted keys (`roles.x.fg = …`) are recognised too.
    func line(ofKey key: String?, inTable table: String?) -> Int? {
        var currentTable = ""
        var headerLine: Int?
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                currentTable = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                if let hash = currentTable.firstIndex(of: "#") { currentTable = String(currentTable[..<hash]).trimmingCharacters(in: CharacterSet(charactersIn: "[] \t")) }
                if currentTable == table, headerLine == nil { headerLine = index + 1 }
                continue
            }
            guard let key, let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "")
            let fullName = currentTable.isEmpty ? name : "\(currentTable).\(name)"
            let wanted = table.map { "\($0).\(key)" } ?? key
            // `a.b = 1` at the top defines table `a`.
            if fullName == wanted || fullName.hasPrefix(wanted + ".") { return index + 1 }
        }
        if let headerLine { return headerLine }
        if table == nil, let key {
            // A key the simple reading above cannot see (quoted oddly, broken over lines): its first mention.
            for (index, raw) in lines.enumerated() where raw.contains(key) { return index + 1 }
        }
        if let table {
            // The table may be written inline or dotted: point at its first mention.
            let leaf = table.split(separator: ".").last.map(String.init) ?? table
            for (index, raw) in lines.enumerated() where raw.contains(leaf) { return index + 1 }
        }
        return nil
    }
}
