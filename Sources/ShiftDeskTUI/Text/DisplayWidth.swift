import ShiftDeskCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Terminal display width of text, measured per grapheme cluster.
///
/// Rules (``width(ofGrapheme:)`` is the single function everything goes through):
/// - a grapheme with an emoji presentation (incl. ZWJ sequences, skin tones,
///   flags, `U+FE0F` variation) is 2 columns;
/// - otherwise the widest of its scalars according to the C library's
///   `wcwidth` (CJK 2, Latin 1, combining marks 0) under a UTF-8 `LC_CTYPE`;
/// - control characters (for which `wcwidth` is -1) count as 1: they are
///   drawn as a one-column placeholder (see ``TerminalText``).
public enum DisplayWidth {
    /// Columns taken by one grapheme cluster (0, 1 or 2).
    public static func width(ofGrapheme grapheme: Character) -> Int {
        let scalars = grapheme.unicodeScalars
        if let first = scalars.first, scalars.count == 1, first.value >= 0x20, first.value < 0x7F {
            return 1
        }
        var hasEmojiPresentation = false
        var hasVariationSelector16 = false
        var hasEmoji = false
        var regionalIndicators = 0
        var widest = 0
        for scalar in scalars {
            let properties = scalar.properties
            if properties.isEmojiPresentation { hasEmojiPresentation = true }
            if scalar.value == 0xFE0F { hasVariationSelector16 = true }
            if properties.isEmoji, scalar.value > 0xFF { hasEmoji = true }
            if (0x1F1E6...0x1F1FF).contains(scalar.value) { regionalIndicators += 1 }
            widest = max(widest, width(ofScalar: scalar))
        }
        if hasEmojiPresentation || (hasEmoji && hasVariationSelector16) || regionalIndicators >= 2 {
            return 2
        }
        return min(widest, 2)
    }

    /// Columns taken by a string: the sum over its grapheme clusters.
    public static func width(of text: some StringProtocol) -> Int {
        var total = 0
        for grapheme in text { total += width(ofGrapheme: grapheme) }
        return total
    }

    /// Cuts `text` to at most `budget` columns. When it has to cut, it ends
    /// with `ellipsis` (also counted in the budget); a wide glyph is never
    /// split: the result can be one column narrower than the budget.
    public static func truncate(_ text: String, toWidth budget: Int, ellipsis: String = "...") -> String {
        guard budget > 0 else { return "" }
        if width(of: text) <= budget { return text }
        let ellipsisWidth = width(of: ellipsis)
        if ellipsisWidth > budget { return prefix(of: ellipsis, fittingWidth: budget) }
        return prefix(of: text, fittingWidth: budget - ellipsisWidth) + ellipsis
    }

    /// The longest leading run of whole graphemes whose width fits `budget`.
    public static func prefix(of text: String, fittingWidth budget: Int) -> String {
        var used = 0
        var result = ""
        for grapheme in text {
            let graphemeWidth = width(ofGrapheme: grapheme)
            if used + graphemeWidth > budget { break }
            used += graphemeWidth
            result.append(grapheme)
        }
        return result
    }

    /// Pads (with spaces) or truncates `text` to exactly `columns` columns.
    public static func fit(_ text: String, toWidth columns: Int, alignment: TextAlignment = .left, ellipsis: String = "...") -> String {
        guard columns > 0 else { return "" }
        let cut = truncate(text, toWidth: columns, ellipsis: ellipsis)
        let gap = columns - width(of: cut)
        guard gap > 0 else { return cut }
        switch alignment {
        case .left: return cut + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + cut
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + cut + String(repeating: " ", count: gap - left)
        }
    }

    // MARK: - Scalars

    private static let systemWidth: SystemWcwidth = SystemWcwidth()

    static func width(ofScalar scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return 1 }
        if value < 0x7F { return 1 }
        if let measured = systemWidth.width(of: scalar) { return measured }
        return FallbackWidthTable.width(of: scalar)
    }
}

/// Horizontal alignment of text inside a column.
public enum TextAlignment: String, Sendable, Equatable {
    case left, right, center
}

/// `wcwidth` from the C library, looked up at run time (so only the ncurses
/// terminal file needs the C shim), used only when it knows CJK is wide,
/// i.e. when a UTF-8 `LC_CTYPE` is in force.
private struct SystemWcwidth: Sendable {
    typealias WcwidthFunction = @convention(c) (Int32) -> Int32
    private let function: WcwidthFunction?

    init() {
        TerminalLocale.ensureUTF8()
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "wcwidth") else {
            function = nil
            return
        }
        let candidate = unsafeBitCast(symbol, to: WcwidthFunction.self)
        // Trust it only if the locale makes it measure CJK as wide.
        function = candidate(0x4E2D) == 2 ? candidate : nil
    }

    func width(of scalar: Unicode.Scalar) -> Int? {
        guard let function else { return nil }
        let measured = Int(function(Int32(bitPattern: scalar.value)))
        if measured < 0 {
            // Non-printable or unassigned: shown as a one-column placeholder.
            return 1
        }
        return measured
    }
}

/// East Asian Wide/Fullwidth ranges and zero-width marks, used only when the
/// C library cannot tell (no UTF-8 locale at all).
enum FallbackWidthTable {
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
        0x1F900...0x1F9FF, 0x20000...0x3FFFD,
    ]

    static func width(of scalar: Unicode.Scalar) -> Int {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        let value = scalar.value
        for range in wideRanges where range.contains(value) { return 2 }
        return 1
    }
}
