import Foundation
import ShiftDeskCore

/// A plain-text table for human output, aligned by display width so Chinese lines up.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns that may be cut to keep lines short (title, caller …), with their maximum width.
    var maxWidths: [Int: Int] = [:]

    func render() -> String {
        let cleanRows = rows.map { $0.map(TerminalSafe.line) }
        var widths = headers.map(ColumnText.width)
        for row in cleanRows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], min(ColumnText.width(cell), maxWidths[index] ?? .max))
            }
        }
        for (index, limit) in maxWidths where index < widths.count { widths[index] = min(widths[index], max(limit, ColumnText.width(headers[index]))) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let fitted = ColumnText.fit(cell, width: widths[index])
                return index == cells.count - 1 ? ColumnText.fit(cell, width: widths[index], pad: false) : fitted
            }.joined(separator: "  ")
        }
        var out = [line(headers)]
        out += cleanRows.map(line)
        return out.joined(separator: "\n")
    }
}

/// Display width of text in a terminal: East Asian wide characters take two columns.
enum ColumnText {
    static func width(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation || $0.value == 0xFE0F }) {
            return 2
        }
        switch first.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return first.properties.generalCategory == .nonspacingMark ? 0 : 1
        }
    }

    /// Cuts to `width` columns (ending in `...` when cut) and pads with spaces.
    static func fit(_ text: String, width limit: Int, pad: Bool = true) -> String {
        var used = 0
        var out = ""
        let total = width(text)
        if total <= limit {
            out = text
            used = total
        } else {
            let budget = max(0, limit - 3)
            for character in text {
                let w = width(of: character)
                if used + w > budget { break }
                out.append(character)
                used += w
            }
            out += String(repeating: ".", count: min(3, limit - used))
            used += min(3, limit - used)
        }
        return pad ? out + String(repeating: " ", count: max(0, limit - used)) : out
    }
}
