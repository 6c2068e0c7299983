import Foundation
import ShiftDeskCore
import ShiftDeskTUI

/// A plain-text table for human output, aligned by display width so Chinese lines up.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns that may be cut to keep lines short (title, caller …), with their maximum width.
    var maxWidths: [Int: Int] = [:]

    func render() -> String {
        let cleanRows = rows.map { $0.map { TerminalText.sanitize($0) } }
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

/// Widths for the CLI's tables come from the console's one width function.
enum ColumnText {
    static func width(_ text: String) -> Int { DisplayWidth.width(of: text) }

    /// Cuts to `width` columns (ending in `...` when cut) and pads with spaces.
    static func fit(_ text: String, width limit: Int, pad: Bool = true) -> String {
        let fitted = DisplayWidth.truncate(text, toWidth: limit)
        return pad ? DisplayWidth.fit(fitted, toWidth: limit) : fitted
    }
}
