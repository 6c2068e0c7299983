import ShiftDeskCore
/// A field of a form dialog.
public struct FormField: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case text(TextFieldState)
        /// Cycled with Left/Right, or chosen by typing an option's first character. `selected` -1:
        /// nothing chosen yet (the field's ``FormField/hint`` shows), so Enter on a required field asks for one.
        case choice(options: [String], selected: Int)
    }

    public var id: String
    public var label: String
    public var kind: Kind
    public var required: Bool
    /// What a choice with nothing chosen shows (how to choose).
    public var hint: String?

    public init(id: String, label: String, kind: Kind, required: Bool = false, hint: String? = nil) {
        self.id = id
        self.label = label
        self.kind = kind
        self.required = required
        self.hint = hint
    }

    /// The text typed, or the chosen option.
    public var value: String {
        switch kind {
        case .text(let field): return field.text
        case .choice(let options, let selected): return options.indices.contains(selected) ? options[selected] : ""
        }
    }
}

public enum FormDialogOutcome: Sendable, Equatable {
    case editing, submitted, cancelled
}

/// A modal form: labelled fields, Tab/Shift-Tab (or Up/Down) between fields
/// and buttons, Left/Right cycling choices, Enter to submit, Esc to cancel,
/// and a validation message (required fields are checked here; the program
/// can set ``message`` for its own rules).
public struct FormDialogState: Sendable, Equatable {
    public var title: String
    public var fields: [FormField]
    /// 0..<fields.count: a field; fields.count: OK; fields.count + 1: Cancel.
    public var focus: Int
    public var message: String?
    public var okLabel: String
    public var cancelLabel: String
    public var requiredSuffix: String
    public var language: Language
    /// Whether the focused text field shows how much of its limit is used (`12/500`) on the
    /// buttons' line, so a long text does not meet its limit by surprise.
    public var showsLimits = false

    public init(title: String, fields: [FormField], language: Language = .en, labels: Labels = .foundation) {
        self.language = language
        self.title = title
        self.fields = fields
        self.focus = 0
        self.message = nil
        self.okLabel = labels.text(.ok, language)
        self.cancelLabel = labels.text(.cancel, language)
        self.requiredSuffix = labels.text(.required, language)
    }

    public func value(of id: String) -> String? { fields.first { $0.id == id }?.value }

    /// `12/500`: the focused text field's length against its limit, nil when it has none.
    public var limitHint: String? {
        guard fields.indices.contains(focus), case let .text(field) = fields[focus].kind, let limit = field.maxLength else { return nil }
        return "\(field.text.count)/\(limit)"
    }

    private var okIndex: Int { fields.count }
    private var cancelIndex: Int { fields.count + 1 }

    public mutating func handle(_ event: KeyEvent) -> FormDialogOutcome {
        switch event.key {
        case .escape:
            return .cancelled
        case .tab, .down:
            focus = (focus + 1) % (fields.count + 2)
            return .editing
        case .backTab, .up:
            focus = (focus + fields.count + 1) % (fields.count + 2)
            return .editing
        case .enter:
            if focus == cancelIndex { return .cancelled }
            if let missing = fields.firstIndex(where: { $0.required && $0.value.trimmingSpaces.isEmpty }) {
                message = "\(fields[missing].label) \(requiredSuffix)"
                focus = missing
                return .editing
            }
            message = nil
            return .submitted
        default:
            break
        }
        if focus >= fields.count {
            if event.key == .left || event.key == .right { focus = focus == okIndex ? cancelIndex : okIndex }
            return .editing
        }
        switch fields[focus].kind {
        case .text(var field):
            if field.handle(event) {
                fields[focus].kind = .text(field)
                message = field.refusal.map { $0.message(language) }
            }
        case .choice(let options, let selected):
            guard !options.isEmpty else { break }
            if event.key == .right || event.key == .character(" ") {
                fields[focus].kind = .choice(options: options, selected: selected < 0 ? 0 : (selected + 1) % options.count)
            } else if event.key == .left {
                fields[focus].kind = .choice(options: options, selected: selected < 0 ? options.count - 1 : (selected + options.count - 1) % options.count)
            } else if case let .character(typed) = event.key,
                      let index = options.firstIndex(where: { $0.first.map { String($0).lowercased() == String(typed).lowercased() } ?? false }) {
                // An option chosen by its first character: the survey's score typed as a digit.
                fields[focus].kind = .choice(options: options, selected: index)
                message = nil
            }
        }
        return .editing
    }

    /// Draws the dialog centred in `area`.
    public func draw(in area: Rect, canvas: inout Canvas) {
        let labelWidth = min(20, fields.map { DisplayWidth.width(of: $0.label) }.max() ?? 0)
        let width = min(area.width, max(44, labelWidth + 36))
        // A message (why the desk said no) wraps over up to four lines: its end names the rule.
        let messageLines = message.map { Array(ScrollText.wrap($0, width: max(1, width - 4)).prefix(4)) } ?? []
        // A blank line between fields when there is room; on a short terminal one line each, and
        // if even that does not fit, the fields scroll to keep the focused one in view.
        let messageRows = max(1, messageLines.count)
        let spacing = 1 + fields.count * 2 + messageRows + 1 + 2 <= area.height ? 2 : 1
        let top = spacing == 2 ? 1 : 0
        let innerHeight = min(top + fields.count * spacing + messageRows + 1, max(0, area.height - 2))
        let inner = Modal.frame(width: width, height: innerHeight + 2, title: title, in: area, canvas: &canvas)
        guard inner.width > 4, inner.height > 0 else { return }
        let visible = max(1, (inner.height - top - messageRows - 1 + spacing - 1) / spacing)
        let first = max(0, min(fields.count - visible, min(focus, fields.count - 1) - visible + 1))
        canvas.withClip(inner) { canvas in
            let fieldX = inner.x + labelWidth + 3
            let fieldWidth = max(1, inner.maxX - fieldX - 1)
            for (index, field) in fields.enumerated() where index >= first && index < first + visible {
                let y = inner.y + top + (index - first) * spacing
                let label = DisplayWidth.fit(field.label + (field.required ? "*" : ""), toWidth: labelWidth + 1, alignment: .right, ellipsis: canvas.glyphs.ellipsis)
                canvas.put(label, x: inner.x + 1, y: y, role: index == focus ? .title : .dialog)
                let fieldRect = Rect(x: fieldX, y: y, width: fieldWidth, height: 1)
                switch field.kind {
                case .text(var textField):
                    textField.visibleWidth = fieldWidth
                    textField.draw(in: fieldRect, canvas: &canvas, focused: index == focus)
                case .choice(let options, let selected):
                    let value = options.indices.contains(selected) ? options[selected] : ""
                    canvas.fill(fieldRect, role: index == focus ? .focus : .input)
                    if value.isEmpty, let hint = field.hint {
                        canvas.put("< \(hint) >", x: fieldX, y: y, role: .muted, maxWidth: fieldWidth, ellipsis: true)
                    } else {
                        canvas.put("< \(value) >", x: fieldX, y: y, role: index == focus ? .focus : .input, maxWidth: fieldWidth, ellipsis: true)
                    }
                }
            }
            for (index, line) in messageLines.enumerated() {
                canvas.put(line, x: inner.x + 1, y: inner.maxY - 1 - messageLines.count + index, role: .error,
                           maxWidth: inner.width - 2, ellipsis: true)
            }
            let ok = "[ \(okLabel) ]"
            let cancel = "[ \(cancelLabel) ]"
            let buttonsWidth = DisplayWidth.width(of: ok) + 2 + DisplayWidth.width(of: cancel)
            var x = inner.x + max(0, (inner.width - buttonsWidth) / 2)
            x += canvas.put(ok, x: x, y: inner.maxY - 1, role: focus == okIndex ? .focus : .dialog) + 2
            x += canvas.put(cancel, x: x, y: inner.maxY - 1, role: focus == cancelIndex ? .focus : .dialog)
            if showsLimits, let hint = limitHint {
                let width = DisplayWidth.width(of: hint)
                let hintX = inner.maxX - 1 - width
                if hintX > x + 1 { canvas.put(hint, x: hintX, y: inner.maxY - 1, role: .muted) }
            }
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}
