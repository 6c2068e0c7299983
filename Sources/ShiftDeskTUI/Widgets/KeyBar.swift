/// One entry of the bottom key bar: `F1` then `Help`.
public struct KeyBarItem: Sendable, Hashable {
    public var key: String
    public var label: String

    public init(key: String, label: String) {
        self.key = key
        self.label = label
    }
}

/// htop/mc-style bottom bar: each key in ``ThemeRole/keybarKey``, its label in
/// ``ThemeRole/keybarLabel``. When the width is short, labels are dropped
/// from the right first, then whole items from the right.
public enum KeyBar {
    /// Items as they will be drawn (labels possibly emptied, items possibly dropped).
    public static func layout(_ items: [KeyBarItem], width: Int) -> [KeyBarItem] {
        var shown = items
        func totalWidth(_ list: [KeyBarItem]) -> Int {
            list.reduce(0) { $0 + DisplayWidth.width(of: $1.key) + ($1.label.isEmpty ? 1 : DisplayWidth.width(of: $1.label) + 1) }
        }
        var index = shown.count - 1
        while totalWidth(shown) > width, index >= 0 {
            shown[index].label = ""
            index -= 1
        }
        while totalWidth(shown) > width, !shown.isEmpty { shown.removeLast() }
        return shown
    }

    /// Draws the bar on row `rect.y`; the rest of the row is filled with the label style.
    public static func draw(_ items: [KeyBarItem], in rect: Rect, canvas: inout Canvas) {
        guard rect.height > 0, rect.width > 0 else { return }
        let row = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
        canvas.withClip(row) { canvas in
            canvas.fill(row, role: .keybarLabel)
            var x = rect.x
            for item in layout(items, width: rect.width) {
                x += canvas.put(item.key, x: x, y: rect.y, role: .keybarKey)
                x += canvas.put(item.label + " ", x: x, y: rect.y, role: .keybarLabel)
            }
        }
    }
}
