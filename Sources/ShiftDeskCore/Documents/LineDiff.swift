import Foundation

/// A line-based difference between two texts: lines are compared whole, as Swift strings, so a
/// Chinese line is never cut inside a character and the display width stays the renderer's job.
public enum LineDiff {
    public enum Change: Sendable, Hashable {
        case same(String)
        case removed(String)
        case added(String)

        /// `  `, `- ` or `+ ` before the line, as `diff -u` does.
        public var marked: String {
            switch self {
            case let .same(line): "  " + line
            case let .removed(line): "- " + line
            case let .added(line): "+ " + line
            }
        }
    }

    /// The texts' lines (a final line break does not make an empty last line).
    public static func lines(_ text: String) -> [String] {
        // "\r\n" is one Character in Swift: both line ends split.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The shortest edit from `old` to `new` (longest common subsequence of lines), removals
    /// before additions at each place. Common leading and trailing lines are matched first, so
    /// the usual small change to a long document costs little.
    public static func diff(_ old: String, _ new: String) -> [Change] {
        let a = lines(old), b = lines(new)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let midA = Array(a[prefix..<(a.count - suffix)]), midB = Array(b[prefix..<(b.count - suffix)])
        var changes = a[0..<prefix].map(Change.same)
        changes += middle(midA, midB)
        changes += a[(a.count - suffix)...].map(Change.same)
        return changes
    }

    private static func middle(_ a: [String], _ b: [String]) -> [Change] {
        if a.isEmpty { return b.map(Change.added) }
        if b.isEmpty { return a.map(Change.removed) }
        // Past this size a full table costs too much; show the block as replaced.
        guard a.count * b.count <= 4_000_000 else { return a.map(Change.removed) + b.map(Change.added) }
        let width = b.count + 1
        var table = [Int32](repeating: 0, count: (a.count + 1) * width)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i * width + j] = a[i] == b[j] ? table[(i + 1) * width + j + 1] + 1
                    : max(table[(i + 1) * width + j], table[i * width + j + 1])
            }
        }
        var changes: [Change] = []
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                changes.append(.same(a[i])); i += 1; j += 1
            } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
                changes.append(.removed(a[i])); i += 1
            } else {
                changes.append(.added(b[j])); j += 1
            }
        }
        changes += a[i...].map(Change.removed)
        changes += b[j...].map(Change.added)
        return changes
    }
}
