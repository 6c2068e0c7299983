/// A centred dialog frame: clears its area, draws a border and title, returns the inside.
public enum Modal {
    @discardableResult
    public static func frame(width: Int, height: Int, title: String, in area: Rect, canvas: inout Canvas) -> Rect {
        let rect = area.centered(width: width, height: height)
        // A blank column each side, so that no stub of the rows underneath touches the border.
        let margin = Rect(x: rect.x - 1, y: rect.y, width: rect.width + 2, height: rect.height).intersection(area)
        canvas.withClip(margin) { canvas in canvas.fill(margin, role: .normal) }
        canvas.withClip(rect) { canvas in
            canvas.fill(rect, role: .dialog)
            canvas.box(rect, role: .dialogBorder, title: title, titleRole: .title)
        }
        return rect.inset(by: 1)
    }
}

/// The generated help screen: every binding of a context, keys then label.
public enum HelpView {
    public static func draw(entries: [HelpEntry], title: String, footer: String, offset: Int = 0, in area: Rect, canvas: inout Canvas) {
        let keyWidth = min(24, entries.map { DisplayWidth.width(of: $0.keys) }.max() ?? 0)
        let labelWidth = entries.map { DisplayWidth.width(of: $0.label) }.max() ?? 0
        let width = max(keyWidth + labelWidth + 6, DisplayWidth.width(of: footer) + 4, DisplayWidth.width(of: title) + 6)
        let inner = Modal.frame(width: width, height: entries.count + 4, title: title, in: area, canvas: &canvas)
        guard inner.height > 0 else { return }
        canvas.withClip(inner) { canvas in
            let visible = max(0, inner.height - 2)
            let start = max(0, min(offset, entries.count - visible))
            for row in 0..<visible where start + row < entries.count {
                let entry = entries[start + row]
                let y = inner.y + row
                canvas.put(entry.keys, x: inner.x + 1, y: y, role: .keybarKey, maxWidth: keyWidth, ellipsis: true)
                canvas.put(entry.label, x: inner.x + keyWidth + 3, y: y, role: .dialog, maxWidth: inner.width - keyWidth - 4, ellipsis: true)
            }
            canvas.put(footer, x: inner.x + 1, y: inner.maxY - 1, role: .muted, maxWidth: inner.width - 2, ellipsis: true)
        }
    }
}
