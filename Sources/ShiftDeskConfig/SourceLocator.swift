/// Finds the line of a table header, a key or a value in TOML source text, so that
/// semantic errors (found after parsing, where line numbers are gone) can name a line.
///
/// Good enough for well-formed TOML written by hand: `[a.b]` and `[[a.b]]` headers
/// (the n-th `[[a.b]]` is element n of the array), `key = value` and dotted
/// `a.b = value` lines, values spanning several lines (arrays). Inline tables are
/// located at their key's line.
struct SourceLocator {
    struct Entry {
        var path: [String]   // array elements appear as "#n" components
        var line: Int        // 1-based
        var endLine: Int     // last line of the value (multi-line arrays)
    }

    private(set) var entries: [Entry] = []
    let lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var table: [String] = []
        var arrayCounts: [[String]: Int] = [:]
        var depth = 0
        var openEntry: Int? = nil
        for (i, raw) in lines.enumerated() {
            let lineNo = i + 1
            let line = SourceLocator.stripComment(raw)
            if depth > 0 {
                depth += SourceLocator.bracketBalance(line)
                if let e = openEntry { entries[e].endLine = lineNo }
                if depth <= 0 { depth = 0; openEntry = nil }
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[[") {
                let inner = trimmed.dropFirst(2).prefix { $0 != "]" }
                let path = SourceLocator.splitKey(String(inner))
                let n = arrayCounts[path, default: 0]
                arrayCounts[path] = n + 1
                table = path + ["#\(n)"]
                entries.append(Entry(path: table, line: lineNo, endLine: lineNo))
                // The array itself is located at its first header.
                if n == 0 { entries.append(Entry(path: path, line: lineNo, endLine: lineNo)) }
                continue
            }
            if trimmed.hasPrefix("[") {
                let inner = trimmed.dropFirst().prefix { $0 != "]" }
                table = SourceLocator.splitKey(String(inner))
                entries.append(Entry(path: table, line: lineNo, endLine: lineNo))
                continue
            }
            guard let eq = SourceLocator.assignmentIndex(trimmed) else { continue }
            let key = SourceLocator.splitKey(String(trimmed[trimmed.startIndex..<eq]))
            let value = trimmed[trimmed.index(after: eq)...]
            entries.append(Entry(path: table + key, line: lineNo, endLine: lineNo))
            let balance = SourceLocator.bracketBalance(value)
            if balance > 0 { depth = balance; openEntry = entries.count - 1 }
        }
    }

    /// The line of `path` (a key or a table); else of its nearest located ancestor.
    func line(of path: [String]) -> Int? {
        var p = path
        while !p.isEmpty {
            if let e = entries.first(where: { $0.path == p }) { return e.line }
            p.removeLast()
        }
        return nil
    }

    /// The line, within the value of the key at `path`, that holds `literal` (as
    /// written, e.g. `"2026-13-01"`); else the key's line.
    func line(ofValue literal: String, at path: [String]) -> Int? {
        guard let e = entries.first(where: { $0.path == path }) else { return line(of: path) }
        for n in e.line...e.endLine where n - 1 < lines.count {
            if SourceLocator.stripComment(lines[n - 1]).contains(literal) { return n }
        }
        return e.line
    }

    // MARK: - Lexing helpers

    /// The line without a trailing `# comment` (a `#` inside a string is kept).
    static func stripComment<S: StringProtocol>(_ s: S) -> String {
        var out = ""
        var quote: Character? = nil
        var escaped = false
        for ch in s {
            if let q = quote {
                out.append(ch)
                if escaped { escaped = false } else if ch == "\\" && q == "\"" { escaped = true } else if ch == q { quote = nil }
                continue
            }
            if ch == "#" { break }
            if ch == "\"" || ch == "'" { quote = ch }
            out.append(ch)
        }
        return out
    }

    /// `[` minus `]` outside strings.
    static func bracketBalance<S: StringProtocol>(_ s: S) -> Int {
        var n = 0
        var quote: Character? = nil
        var escaped = false
        for ch in s {
            if let q = quote {
                if escaped { escaped = false } else if ch == "\\" && q == "\"" { escaped = true } else if ch == q { quote = nil }
                continue
            }
            if ch == "\"" || ch == "'" { quote = ch } else if ch == "[" || ch == "{" { n += 1 } else if ch == "]" || ch == "}" { n -= 1 }
        }
        return n
    }

    /// The index of the `=` of a `key = value` line, outside quoted keys.
    static func assignmentIndex(_ s: String) -> String.Index? {
        var quote: Character? = nil
        var i = s.startIndex
        while i < s.endIndex {
            let ch = s[i]
            if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "\"" || ch == "'" {
                quote = ch
            } else if ch == "=" {
                return i
            }
            i = s.index(after: i)
        }
        return nil
    }

    /// `a."b.c" . d` → ["a", "b.c", "d"].
    static func splitKey(_ s: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character? = nil
        for ch in s {
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
                continue
            }
            switch ch {
            case "\"", "'": quote = ch
            case ".": parts.append(current); current = ""
            case " ", "\t": continue
            default: current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }
}
