import Foundation
/// One status row: text on the left, text on the right (the right side wins when short).
public enum StatusLine {
    public static func draw(left: String, right: String = "", in rect: Rect, canvas: inout Canvas, role: ThemeRole = .status) {
        guard rect.height > 0, rect.width > 0 else { return }
        let row = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
        canvas.withClip(row) { canvas in
            canvas.fill(row, role: role)
            let rightText = fit(right, toWidth: rect.width, ellipsis: canvas.glyphs.ellipsis)
            let rightWidth = DisplayWidth.width(of: rightText)
            let leftBudget = rect.width - rightWidth - (rightWidth > 0 ? 1 : 0)
            if leftBudget > 0 {
                canvas.put(left, x: rect.x, y: rect.y, role: role, maxWidth: leftBudget, ellipsis: true)
            }
            canvas.put(rightText, x: rect.maxX - rightWidth, y: rect.y, role: role)
        }
    }

    /// `text` cut to `width` columns; a refusal's rule in brackets at its end (`[close.desk-only]`)
    /// survives the cut, so a narrow terminal still names the rule.
    static func fit(_ text: String, toWidth width: Int, ellipsis: String) -> String {
        guard DisplayWidth.width(of: text) > width else { return text }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("]"), let open = trimmed.lastIndex(of: "[") {
            let rule = String(trimmed[open...])
            let ruleWidth = DisplayWidth.width(of: rule)
            if ruleWidth + 12 <= width {
                let head = DisplayWidth.truncate(String(trimmed[..<open]).trimmingCharacters(in: .whitespaces),
                                                 toWidth: width - ruleWidth - 1, ellipsis: ellipsis)
                return head + " " + rule
            }
        }
        return DisplayWidth.truncate(text, toWidth: width, ellipsis: ellipsis)
    }
}

/// A message centred in a rectangle, e.g. "Terminal too small".
public enum CenteredMessage {
    public static func draw(_ lines: [String], in rect: Rect, canvas: inout Canvas, role: ThemeRole = .warning) {
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            let top = rect.y + max(0, (rect.height - lines.count) / 2)
            for (offset, line) in lines.enumerated() {
                let text = DisplayWidth.truncate(line, toWidth: rect.width, ellipsis: canvas.glyphs.ellipsis)
                let x = rect.x + max(0, (rect.width - DisplayWidth.width(of: text)) / 2)
                canvas.put(text, x: x, y: top + offset, role: role)
            }
        }
    }
}
