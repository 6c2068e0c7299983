import Foundation

/// The theme to use and what went wrong getting it.
public struct ThemeLoadResult: Sendable {
    public var theme: Theme
    /// Human-readable warnings (file and line included) to show the operator.
    public var warnings: [String]
    public var errors: [ThemeError]
}

extension Theme {
    /// Loads a theme by name (`themes/NAME.toml` in `searchDirectories`) or by
    /// path (anything containing `/` or ending in `.toml`).
    ///
    /// Never fails: an unknown name or a malformed file gives the built-in
    /// default theme plus a warning naming the file and line. Roles missing
    /// from the file keep the default theme's style.
    public static func load(nameOrPath: String?, searchDirectories: [String]) -> ThemeLoadResult {
        guard let nameOrPath, !nameOrPath.isEmpty else {
            return ThemeLoadResult(theme: builtinDefault, warnings: [], errors: [])
        }
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml")
        let candidates = isPath ? [nameOrPath] : searchDirectories.map { ($0 as NSString).appendingPathComponent("\(nameOrPath).toml") }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            if !isPath, nameOrPath == "default" {
                return ThemeLoadResult(theme: builtinDefault, warnings: [], errors: [])
            }
            let searched = isPath ? nameOrPath : searchDirectories.joined(separator: ", ")
            let error = ThemeError(origin: nameOrPath, line: nil, message: "theme not found (looked in \(searched)); using the default theme")
            return ThemeLoadResult(theme: builtinDefault, warnings: [error.description], errors: [error])
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let themeError = ThemeError(origin: path, line: nil, message: "cannot read theme: \(error.localizedDescription); using the default theme")
            return ThemeLoadResult(theme: builtinDefault, warnings: [themeError.description], errors: [themeError])
        }
        switch ThemeParser.parse(data: data, origin: path, base: builtinDefault) {
        case .success(let theme):
            return ThemeLoadResult(theme: theme, warnings: [], errors: [])
        case .failure(let error):
            return ThemeLoadResult(theme: builtinDefault,
                                   warnings: ["\(error.description) (using the default theme)"],
                                   errors: [error])
        }
    }
}
