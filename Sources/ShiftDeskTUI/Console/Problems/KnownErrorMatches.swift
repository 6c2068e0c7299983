import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// Known errors at the first contact: while the desk agent types a call's title (and its
/// category and service) into the Log-a-call form, the known errors that match
/// (``KnownErrorIndex``: the weekly review's bilingual similarity rule) are listed under the form,
/// best first. F5 shows the best one's workaround; Enter there logs the call and resolves it with
/// that workaround (`resolution_kind: known_error`, linked to the problem): a first-contact
/// resolution in two keys.
enum KnownErrorMatches {
    /// How many matches the panel lists at most.
    static let listed = 5

    /// The form opened: read the known errors behind it (the form works meanwhile).
    static func formOpened(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        state.screens.problems.callMatches = []
        state.screens.problems.pick = nil
        return [.performInBackground(.screen(.loadKnownErrors))]
    }

    /// What was typed changed: match again (a few milliseconds over 10,000 known errors).
    static func typed(_ state: inout ConsoleState, _ form: FormDialogState) {
        guard let index = state.screens.problems.knownErrors else {
            state.screens.problems.callMatches = []
            return
        }
        state.screens.problems.callMatches = index.matches(title: form.value(of: "title") ?? "", service: form.value(of: "service"),
                                                           category: form.value(of: "category"), limit: listed)
        if let pick = state.screens.problems.pick, pick >= state.screens.problems.callMatches.count {
            state.screens.problems.pick = state.screens.problems.callMatches.isEmpty ? nil : 0
        }
    }

    /// Keys of the Log-a-call form that belong to the known errors: F5 shows the workaround; in
    /// it, Up/Down choose another match, Enter resolves the call with it, Esc goes back to the
    /// form. Nil lets the form handle the key.
    static func handleKey(_ state: inout ConsoleState, _ key: KeyEvent, _ form: FormDialogState) -> [AppCommand<ConsoleEffect>]? {
        let matches = state.screens.problems.callMatches
        guard let pick = state.screens.problems.pick else {
            guard key.key == .function(5) else { return nil }
            if matches.isEmpty {
                var form = form
                form.message = state.pick("No known error matches this call yet", "尚无与该来电相符的已知错误")
                state.mode = .form(form, .newCall)
            } else {
                state.screens.problems.pick = 0
            }
            return []
        }
        switch key.key {
        case .escape, .function(5):
            state.screens.problems.pick = nil
            return []
        case .down, .character("j"), .tab:
            state.screens.problems.pick = matches.isEmpty ? nil : (pick + 1) % matches.count
            return []
        case .up, .character("k"), .backTab:
            state.screens.problems.pick = matches.isEmpty ? nil : (pick + matches.count - 1) % matches.count
            return []
        case .enter:
            state.screens.problems.pick = nil
            guard matches.indices.contains(pick) else { return [] }
            let match = matches[pick]
            var form = form
            guard !(form.value(of: "title") ?? "").trimmingSpaces.isEmpty else {
                form.message = state.pick("Title is required", "标题为必填项")
                state.mode = .form(form, .newCall)
                return []
            }
            state.mode = ConsoleApp.back(state)
            state.sentForm = (form, .newCall, state.mode)
            ConsoleApp.say(&state, state.pick("logging the call and resolving it with the known error of \(match.problem.id)…",
                                              "正在登记来电并按 \(match.problem.id) 的已知错误解决…"))
            return [.perform(.screen(.logWithKnownError(ConsoleApp.newCallDraft(form), match.problem.id)))]
        default:
            // Any other key goes back to the form and is typed there.
            state.screens.problems.pick = nil
            return nil
        }
    }

    static func handle(_ state: inout ConsoleState, _ message: ScreenMessage) -> [AppCommand<ConsoleEffect>] {
        let l = state.language
        switch message {
        case let .knownErrors(.success(index)):
            state.screens.problems.knownErrors = index
            if case let .form(form, .newCall) = state.mode { typed(&state, form) }
        case let .knownErrors(.failure(error)):
            ConsoleApp.say(&state, error.message(l, timeZone: state.timeZone), error: true)
        case let .loggedWithKnownError(.success(ticket), problem, _):
            state.sentForm = nil
            state.screens.problems.callMatches = []
            ConsoleApp.say(&state, l.pick(en: "Logged \(ticket.id) and resolved it with the known error of \(problem) (first contact)",
                                          zh: "已登记 \(ticket.id)，并按 \(problem) 的已知错误当场解决"))
            state.table.selectedID = ticket.id.number
            return ConsoleApp.refresh(state)
        case let .loggedWithKnownError(.failure(error), _, logged):
            let text = error.message(l, timeZone: state.timeZone)
            if let logged {
                state.sentForm = nil
                ConsoleApp.say(&state, l.pick(en: "Logged \(logged), not resolved: \(text)", zh: "已登记 \(logged)，未能解决：\(text)"), error: true)
                return ConsoleApp.refresh(state)
            }
            ConsoleApp.restoreSentForm(&state, message: text)
            ConsoleApp.say(&state, text, error: true)
        default:
            break
        }
        return []
    }

    // MARK: Drawing

    /// The rows the panel takes under the form: a title and the matches (none without any).
    static func panelHeight(_ state: ConsoleState, in body: Rect) -> Int {
        let all = state.screens.problems.callMatches.count
        let count = min(all, body.height >= 30 ? listed : 3)
        // A title, the matches, and a line saying how many more there are when some do not fit.
        return count == 0 ? 0 : count + 1 + (all > count ? 1 : 0)
    }

    /// The Log-a-call form with the known errors matching it under it, and the workaround chosen over both.
    static func draw(_ state: ConsoleState, form: FormDialogState, in body: Rect, canvas: inout Canvas) {
        let l = state.language
        let matches = state.screens.problems.callMatches
        let height = panelHeight(state, in: body)
        guard height > 0 else {
            form.draw(in: body, canvas: &canvas)
            return
        }
        let (top, panel) = body.splitBottom(height)
        form.draw(in: top, canvas: &canvas)
        let width = panel.width < 100 ? panel.width : min(120, panel.width - 4)
        let area = Rect(x: panel.x + max(0, (panel.width - width) / 2), y: panel.y, width: width, height: panel.height)
        canvas.withClip(area) { canvas in
            canvas.fill(area, role: .dialog)
            let title = l.pick(en: " Known errors matching this call — F5: see the workaround, then Enter resolves the call with it",
                               zh: " 与该来电相符的已知错误 — 按 F5 查看临时解决办法，再按 Enter 当场解决")
            canvas.put(title, x: area.x, y: area.y, role: .title, maxWidth: area.width, ellipsis: true)
            let shown = min(matches.count, body.height >= 30 ? listed : 3)
            for (index, match) in matches.prefix(shown).enumerated() {
                let scope = match.sameScope ? l.pick(en: " [same service]", zh: "［同服务］") : ""
                let text = (index == 0 ? "» " : "  ") + "\(match.problem.id)  \(TerminalText.sanitize(match.knownError.symptom))\(scope) — "
                    + TerminalText.sanitize(match.knownError.workaround).replacingOccurrences(of: "\n", with: " ")
                canvas.put(text, x: area.x + 1, y: area.y + 1 + index, role: index == 0 ? .warning : .dialog, maxWidth: area.width - 2, ellipsis: true)
            }
            let more = matches.count > shown ? l.pick(en: "  +\(matches.count - shown) more (↑↓ in F5)", zh: "  另有 \(matches.count - shown) 条（F5 中用 ↑↓ 查看）") : ""
            if !more.isEmpty { canvas.put(more, x: area.x + 1, y: area.maxY - 1, role: .muted, maxWidth: area.width - 2, ellipsis: true) }
        }
        if let pick = state.screens.problems.pick, matches.indices.contains(pick) {
            drawWorkaround(state, matches[pick], index: pick, of: matches.count, in: body, canvas: &canvas)
        }
    }

    static func drawWorkaround(_ state: ConsoleState, _ match: KnownErrorIndex.Match, index: Int, of count: Int, in body: Rect,
                               canvas: inout Canvas) {
        let l = state.language
        let width = min(body.width - 2, 76)
        let inner = max(10, width - 4)
        var lines: [(String, ThemeRole)] = []
        lines.append((TerminalText.sanitize(match.problem.title), .title))
        for piece in ScrollText.wrap(l.pick(en: "Symptom: ", zh: "现象：") + TerminalText.sanitize(match.knownError.symptom), width: inner) {
            lines.append((piece, .dialog))
        }
        lines.append(("", .dialog))
        lines.append((l.pick(en: "Workaround:", zh: "临时解决办法："), .title))
        for piece in ScrollText.wrap(TerminalText.sanitize(match.knownError.workaround), width: inner) { lines.append((piece, .warning)) }
        lines.append(("", .dialog))
        let keys = l.pick(en: "Enter: log and resolve with it (first contact) · ↑↓ other matches · Esc: back",
                          zh: "Enter：登记并当场解决 · ↑↓ 其他匹配 · Esc：返回表单")
        let footer = ScrollText.wrap(keys, width: inner)
        let room = max(1, body.height - 2 - footer.count)
        var shown = Array(lines.prefix(room))
        shown += footer.map { ($0, ThemeRole.muted) }
        let title = l.pick(en: "\(match.problem.id) known error v\(match.knownError.version) (\(index + 1)/\(count))",
                           zh: "\(match.problem.id) 已知错误 v\(match.knownError.version)（\(index + 1)/\(count)）")
        let frame = Modal.frame(width: width, height: min(body.height, shown.count + 2), title: title, in: body, canvas: &canvas)
        canvas.withClip(frame) { canvas in
            for (row, line) in shown.prefix(frame.height).enumerated() {
                canvas.put(line.0, x: frame.x + 1, y: frame.y + row, role: line.1, maxWidth: frame.width - 2, ellipsis: true)
            }
        }
    }
}
