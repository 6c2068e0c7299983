import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// The controlled documents as the console shows them, and who has not acknowledged each.
public struct DocumentsData: Sendable {
    public var documents: [ControlledDocument]
    /// name → operators who still have to acknowledge its current version (the incident
    /// manager and the owners see it).
    public var pending: [String: [Operator]]

    public init(documents: [ControlledDocument], pending: [String: [Operator]]) {
        self.documents = documents
        self.pending = pending
    }
}

/// What the Documents screen keeps in the console's state.
public struct DocumentsScreenState: Sendable {
    public var data: DocumentsData?
    /// The document selected, by name.
    public var selected: String?
    /// The diff instead of the text.
    public var showsDiff = false
    /// First line of the text or diff shown.
    public var offset = 0
    /// The what-if of the submitted policy (`w`), when asked for.
    public var whatIf: PolicyWhatIfView?

    public init() {}
}

/// The submitted policy replayed over the last four weeks beside the one in force.
public struct PolicyWhatIfView: Sendable {
    public var current: String
    public var proposed: String
    public var currentOutcome: PolicyWhatIf.Outcome
    public var proposedOutcome: PolicyWhatIf.Outcome

    public init(current: String, proposed: String, currentOutcome: PolicyWhatIf.Outcome, proposedOutcome: PolicyWhatIf.Outcome) {
        self.current = current
        self.proposed = proposed
        self.currentOutcome = currentOutcome
        self.proposedOutcome = proposedOutcome
    }
}

/// A change to a document asked from the console.
public enum DocumentChange: Sendable {
    case acknowledge(String)
    case approve(String, comment: String?)
    case reject(String, comment: String)
    /// A new draft from a file (the SLA policy: proposed at once with the reason).
    case draftFromFile(String, path: String, reason: String?)
    case submit(String, reason: String)
}

extension ScreenContext {
    static let documents: ScreenContext = "documents"
}

extension ActionID {
    static let documentDiff: ActionID = "documentDiff"
    static let documentAcknowledge: ActionID = "documentAcknowledge"
    static let documentApprove: ActionID = "documentApprove"
    static let documentReject: ActionID = "documentReject"
    static let documentFromFile: ActionID = "documentFromFile"
    static let documentSubmit: ActionID = "documentSubmit"
    static let openDocuments: ActionID = "openDocuments"
    static let policyWhatIf: ActionID = "policyWhatIf"
}

/// The Documents screen (受控文档): every role reads the controlled documents; those a version
/// concerns acknowledge it; the incident manager drafts from a file and submits; owners find
/// what awaits their approval first and approve or reject with a comment. Every rule is the
/// domain's (``DocumentRules``): the screen asks, the refusal comes back named.
enum DocumentsScreen {
    static let bindings: [KeyBinding] = [
        KeyBinding([.function(3), .character("d")], .documentDiff, label: LocalizedText(en: "Diff", zh: "对比"), slot: 3, contexts: [.documents]),
        KeyBinding([.function(4), .character("a")], .documentAcknowledge, label: LocalizedText(en: "Read ✓", zh: "确认已读"), slot: 4, contexts: [.documents]),
        KeyBinding([.function(5), .character("A")], .documentApprove, label: LocalizedText(en: "Approve", zh: "批准"), slot: 5, contexts: [.documents]),
        KeyBinding([.function(6), .character("X")], .documentReject, label: LocalizedText(en: "Reject", zh: "驳回"), slot: 6, contexts: [.documents]),
        KeyBinding([.function(7), .character("f")], .documentFromFile, label: LocalizedText(en: "File", zh: "从文件"), slot: 7, contexts: [.documents]),
        KeyBinding([.function(8), .character("S")], .documentSubmit, label: LocalizedText(en: "Submit", zh: "提交"), slot: 8, contexts: [.documents]),
        KeyBinding([.character("w")], .policyWhatIf, label: LocalizedText(en: "What if: the submitted policy over the last 4 weeks", zh: "试算：拟议策略重放最近 4 周"),
                   contexts: [.documents]),
        KeyBinding([.character("D")], .openDocuments, label: LocalizedText(en: "Controlled documents", zh: "受控文档"), contexts: [.queue, .supervisor, .review, .reports, .audit]),
    ]

    // MARK: Update

    static func enter(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        [.perform(.screen(.loadDocuments))]
    }

    /// The documents in the order the operator works them: for an owner what awaits their
    /// approval, then what the operator has to acknowledge, then the rest by name.
    static func ordered(_ state: ConsoleState) -> [ControlledDocument] {
        let documents = state.screens.documents.data?.documents ?? []
        return documents.sorted { a, b in
            let (ra, rb) = (rank(a, state.me), rank(b, state.me))
            return ra != rb ? ra < rb : a.name < b.name
        }
    }

    static func rank(_ document: ControlledDocument, _ me: Operator) -> Int {
        if awaitsApproval(document, by: me) { return 0 }
        if document.awaitsAcknowledgement(from: me) { return 1 }
        return 2
    }

    static func awaitsApproval(_ document: ControlledDocument, by me: Operator) -> Bool {
        me.role == .owner && document.working?.state == .submitted && document.working?.submitter != me.login
    }

    static func selected(_ state: ConsoleState) -> ControlledDocument? {
        let documents = ordered(state)
        return documents.first { $0.name == state.screens.documents.selected } ?? documents.first
    }

    /// The documents whose current version the operator has not acknowledged (the banner).
    static func toAcknowledge(_ state: ConsoleState) -> [ControlledDocument] {
        (state.screens.documents.data?.documents ?? []).filter { $0.awaitsAcknowledgement(from: state.me) }
    }

    static func handle(_ state: inout ConsoleState, action: ActionID) -> [AppCommand<ConsoleEffect>]? {
        let l = state.language
        guard let document = selected(state) else {
            switch action {
            case .documentDiff, .documentAcknowledge, .documentApprove, .documentReject, .documentSubmit, .documentFromFile:
                ConsoleApp.say(&state, l.pick(en: "no controlled document yet", zh: "尚无受控文档"), error: true)
                return []
            default: return action == .moveDown || action == .moveUp || action == .open ? [] : nil
            }
        }
        switch action {
        case .moveDown, .moveUp:
            let documents = ordered(state)
            guard let index = documents.firstIndex(where: { $0.name == document.name }) else { return [] }
            let next = max(0, min(documents.count - 1, index + (action == .moveDown ? 1 : -1)))
            state.screens.documents.selected = documents[next].name
            state.screens.documents.offset = 0
            return []
        case .pageDown: return scroll(&state, by: max(1, textRect(state).height - 1))
        case .pageUp: return scroll(&state, by: -max(1, textRect(state).height - 1))
        case .first: state.screens.documents.offset = 0; return []
        case .last: return scroll(&state, by: Int.max / 2)
        case .open, .filter, .sort: return []
        case .policyWhatIf:
            guard document.kind == .slaPolicy, let working = document.working else {
                ConsoleApp.say(&state, l.pick(en: "the what-if is for a proposed SLA policy", zh: "试算只用于拟议的 SLA 策略"), error: true)
                return []
            }
            ConsoleApp.say(&state, l.pick(en: "replaying the last 4 weeks under \(working.label)…", zh: "正在按 \(working.label) 重放最近 4 周…"))
            return [.performInBackground(.screen(.policyWhatIf))]
        case .documentDiff:
            state.screens.documents.showsDiff.toggle()
            state.screens.documents.offset = 0
            return []
        case .documentAcknowledge:
            ConsoleApp.say(&state, l.pick(en: "acknowledging \(document.name)…", zh: "正在确认已读 \(document.name)…"))
            return [.perform(.screen(.changeDocument(.acknowledge(document.name))))]
        case .documentApprove, .documentReject:
            let approving = action == .documentApprove
            let version = document.working?.label ?? "—"
            let form = FormDialogState(title: approving ? l.pick(en: "Approve \(document.name) \(version)", zh: "批准 \(document.name) \(version)")
                                                        : l.pick(en: "Reject \(document.name) \(version)", zh: "驳回 \(document.name) \(version)"), fields: [
                FormField(id: "comment", label: l.pick(en: "Comment", zh: "审批意见"),
                          kind: .text(TextFieldState(text: "", visibleWidth: 40, maxLength: TextField.reviewComment.limit, field: .reviewComment)),
                          required: !approving),
            ], language: l)
            state.afterForm = .browse
            state.mode = .form(form, .screen(approving ? .documentApprove(document.name) : .documentReject(document.name)))
            return []
        case .documentFromFile:
            let policy = document.kind == .slaPolicy
            var fields = [FormField(id: "path", label: l.pick(en: "File", zh: "文件路径"),
                                    kind: .text(TextFieldState(text: "", visibleWidth: 40, maxLength: 1024)), required: true)]
            if policy {
                fields.append(FormField(id: "reason", label: l.pick(en: "Reason", zh: "变更原因"),
                                        kind: .text(TextFieldState(text: "", visibleWidth: 40, maxLength: TextField.changeReason.limit, field: .changeReason)),
                                        required: true))
            }
            let form = FormDialogState(title: policy ? l.pick(en: "Propose a new SLA policy from a file", zh: "从文件提交新的 SLA 策略")
                                                     : l.pick(en: "New draft of \(document.name) from a file", zh: "从文件写入 \(document.name) 的草稿"),
                                       fields: fields, language: l)
            state.afterForm = .browse
            state.mode = .form(form, .screen(.documentFile(document.name)))
            return []
        case .documentSubmit:
            let form = FormDialogState(title: l.pick(en: "Submit \(document.name) for approval", zh: "提交 \(document.name) 审批"), fields: [
                FormField(id: "reason", label: l.pick(en: "Reason", zh: "变更原因"),
                          kind: .text(TextFieldState(text: "", visibleWidth: 40, maxLength: TextField.changeReason.limit, field: .changeReason)),
                          required: true),
            ], language: l)
            state.afterForm = .browse
            state.mode = .form(form, .screen(.documentSubmit(document.name)))
            return []
        case .back:
            if state.screens.documents.showsDiff {
                state.screens.documents.showsDiff = false
                state.screens.documents.offset = 0
            }
            state.message = nil
            return []
        default:
            return nil
        }
    }

    static func scroll(_ state: inout ConsoleState, by delta: Int) -> [AppCommand<ConsoleEffect>] {
        let rect = textRect(state)
        let count = textLines(state, width: rect.width).count
        state.screens.documents.offset = max(0, min(state.screens.documents.offset + delta, count - rect.height))
        return []
    }

    static func submit(_ state: inout ConsoleState, _ form: FormDialogState, _ purpose: ScreenForm) -> [AppCommand<ConsoleEffect>] {
        state.sentForm = nil
        let text = { (id: String) in (form.value(of: id) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let change: DocumentChange
        switch purpose {
        case let .documentApprove(name): change = .approve(name, comment: text("comment").isEmpty ? nil : text("comment"))
        case let .documentReject(name): change = .reject(name, comment: text("comment"))
        case let .documentSubmit(name): change = .submit(name, reason: text("reason"))
        case let .documentFile(name):
            change = .draftFromFile(name, path: text("path"), reason: name == DocumentRules.policyDocument ? text("reason") : nil)
        default: return []
        }
        return [.perform(.screen(.changeDocument(change)))]
    }

    static func handle(_ state: inout ConsoleState, _ message: ScreenMessage) -> [AppCommand<ConsoleEffect>] {
        let l = state.language
        switch message {
        case let .documents(.success(data)):
            state.screens.documents.data = data
        case let .documents(.failure(error)):
            ConsoleApp.say(&state, error.message(l, timeZone: state.timeZone), error: true)
        case let .policyWhatIf(.success(view)):
            state.screens.documents.whatIf = view
            state.message = nil
        case let .policyWhatIf(.failure(error)):
            ConsoleApp.say(&state, error.message(l, timeZone: state.timeZone), error: true)
        case let .documentChanged(.success(said)):
            state.screens.documents.whatIf = nil
            ConsoleApp.say(&state, said)
            return [.perform(.screen(.loadDocuments))]
        case let .documentChanged(.failure(error)):
            ConsoleApp.say(&state, error.message(l, timeZone: state.timeZone), error: true)
            return [.perform(.screen(.loadDocuments))]
        default:
            break
        }
        return []
    }

    // MARK: Drawing

    static let listWidth = 46

    static func isWide(_ width: Int) -> Bool { width >= 110 }

    static func layout(_ rect: Rect, count: Int) -> (list: Rect, text: Rect) {
        if isWide(rect.width) {
            let list = Rect(x: rect.x, y: rect.y, width: listWidth, height: rect.height)
            return (list, Rect(x: rect.x + listWidth + 1, y: rect.y, width: max(0, rect.width - listWidth - 1), height: rect.height))
        }
        let (top, rest) = rect.splitTop(min(rect.height / 2, max(3, count + 2)))
        return (top, rest)
    }

    static func textRect(_ state: ConsoleState) -> Rect {
        let body = ConsoleLayout(size: state.size, banners: ConsoleApp.banners(state).count).table
        let area = layout(body, count: ordered(state).count).text
        return Rect(x: area.x + 1, y: area.y + 2, width: max(0, area.width - 2), height: max(0, area.height - 2))
    }

    static func draw(_ state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard !rect.isEmpty else { return }
        let l = state.language
        let documents = ordered(state)
        let chosen = selected(state)
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            let (listRect, textArea) = layout(rect, count: documents.count)
            // The list, what awaits the operator first.
            canvas.fill(Rect(x: listRect.x, y: listRect.y, width: listRect.width, height: 1), role: .header)
            canvas.put(l.pick(en: "Controlled documents", zh: "受控文档"), x: listRect.x + 1, y: listRect.y, role: .header,
                       maxWidth: listRect.width - 2, ellipsis: true)
            if state.screens.documents.data == nil {
                canvas.put(l.pick(en: "Loading…", zh: "加载中…"), x: listRect.x + 1, y: listRect.y + 1, role: .muted, maxWidth: listRect.width - 2)
            } else if documents.isEmpty {
                canvas.put(l.pick(en: "none yet", zh: "暂无"), x: listRect.x + 1, y: listRect.y + 1, role: .muted, maxWidth: listRect.width - 2)
            }
            let rows = max(0, listRect.height - 1)
            let index = documents.firstIndex { $0.name == chosen?.name } ?? 0
            let start = max(0, min(index - rows + 1, documents.count - rows))
            for (row, document) in documents.dropFirst(max(0, start)).prefix(rows).enumerated() {
                let y = listRect.y + 1 + row
                let isSelected = document.name == chosen?.name
                let mark: (String, ThemeRole)
                if awaitsApproval(document, by: state.me) {
                    mark = (l.pick(en: "to approve", zh: "待你审批"), .warning)
                } else if document.awaitsAcknowledgement(from: state.me) {
                    mark = (l.pick(en: "to read", zh: "待阅"), .warning)
                } else if let working = document.working {
                    mark = ("\(working.label) \(working.state.label(l))", .muted)
                } else {
                    mark = ("", .muted)
                }
                let line = "\(document.current?.label ?? "—")  \(TerminalText.sanitize(document.title))"
                if isSelected { canvas.fill(Rect(x: listRect.x, y: y, width: listRect.width, height: 1), role: .selected) }
                let markWidth = DisplayWidth.width(of: mark.0)
                canvas.put(line, x: listRect.x + 1, y: y, role: isSelected ? .selected : .normal,
                           maxWidth: max(0, listRect.width - 3 - markWidth), ellipsis: true)
                if !mark.0.isEmpty {
                    canvas.put(mark.0, x: listRect.maxX - 1 - markWidth, y: y, role: isSelected ? .selected : mark.1, maxWidth: markWidth)
                }
            }
            if isWide(rect.width) {
                for y in rect.y..<rect.maxY { canvas.put(canvas.glyphs.vertical, x: listRect.maxX, y: y, role: .border) }
            }
            guard !textArea.isEmpty else { return }
            let titleRow = Rect(x: textArea.x, y: textArea.y, width: textArea.width, height: 1)
            canvas.fill(titleRow, role: .header)
            canvas.put(title(state, chosen), x: titleRow.x + 1, y: titleRow.y, role: .header, maxWidth: titleRow.width - 2, ellipsis: true)
            if textArea.height > 1 {
                canvas.put(recordLine(state, chosen), x: textArea.x + 1, y: textArea.y + 1, role: .muted, maxWidth: textArea.width - 2, ellipsis: true)
            }
            let body = Rect(x: textArea.x + 1, y: textArea.y + 2, width: max(0, textArea.width - 2), height: max(0, textArea.height - 2))
            let lines = textLines(state, width: body.width)
            let first = max(0, min(state.screens.documents.offset, lines.count - body.height))
            for (row, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
                canvas.put(line.0, x: body.x, y: body.y + row, role: line.1, maxWidth: body.width)
            }
        }
    }

    /// The two versions the diff compares: what the operator acknowledged last against the
    /// current one; for an owner deciding, the current one against the submission; otherwise
    /// the previous version against the current one.
    static func diffPair(_ state: ConsoleState, _ document: ControlledDocument) -> (DocumentVersion, DocumentVersion)? {
        if awaitsApproval(document, by: state.me) || state.me.role == .im, let working = document.working {
            if let current = document.current { return (current, working) }
            return nil
        }
        guard let current = document.current else { return nil }
        if let seen = document.acknowledged[state.me.login], seen < (current.number ?? seen), let old = document.version(seen) {
            return (old, current)
        }
        let previous = document.approved.dropLast().last
        return previous.map { ($0, current) }
    }

    static func title(_ state: ConsoleState, _ document: ControlledDocument?) -> String {
        let l = state.language
        guard let document else { return l.pick(en: "Document", zh: "文档") }
        if state.screens.documents.showsDiff {
            guard let (old, new) = diffPair(state, document) else {
                return l.pick(en: "\(document.name) · nothing to compare yet", zh: "\(document.name) · 暂无可对比的版本")
            }
            return l.pick(en: "\(document.name) · changes \(old.label) → \(new.label)", zh: "\(document.name) · 变更 \(old.label) → \(new.label)")
        }
        let shown = shownVersion(state, document)
        return "\(document.name) · \(TerminalText.sanitize(document.title)) · " + (shown.map { "\($0.label) \($0.state.label(l))" } ?? "—")
    }

    /// The version the text view shows: for an owner deciding, the submission; else the current one (or the draft).
    static func shownVersion(_ state: ConsoleState, _ document: ControlledDocument) -> DocumentVersion? {
        if awaitsApproval(document, by: state.me) { return document.working }
        return document.current ?? document.working
    }

    static func recordLine(_ state: ConsoleState, _ document: ControlledDocument?) -> String {
        let l = state.language
        guard let document, let version = shownVersion(state, document) else { return "" }
        var parts: [String] = []
        if let submitter = version.submitter {
            parts.append(l.pick(en: "submitted by \(submitter): ", zh: "提交人 \(submitter)：") + TerminalText.sanitize(version.reason ?? ""))
        }
        if let approver = version.approver, let at = version.approvedAt {
            parts.append(l.pick(en: "approved by \(approver) \(DisplayTime.format(at, in: state.timeZone))",
                                zh: "\(approver) 批准于 \(DisplayTime.format(at, in: state.timeZone))"))
        }
        if let rejection = document.working?.rejections.last, document.working?.state == .draft {
            parts.append(l.pick(en: "rejected by \(rejection.by): ", zh: "\(rejection.by) 驳回：") + TerminalText.sanitize(rejection.comment))
        }
        if version.state == .current, let pending = state.screens.documents.data?.pending[document.name],
           state.me.role == .im || state.me.role == .owner {
            parts.append(pending.isEmpty ? l.pick(en: "everyone concerned has read it", zh: "相关人员均已确认阅读")
                                         : l.pick(en: "not yet read by \(pending.count): ", zh: "\(pending.count) 人未确认：")
                                             + pending.prefix(6).map { TerminalText.sanitize($0.name) }.joined(separator: ", "))
        }
        return parts.joined(separator: " · ")
    }

    /// The text (or the diff) of the document selected, wrapped to `width`.
    static func textLines(_ state: ConsoleState, width: Int) -> [(String, ThemeRole)] {
        let l = state.language
        guard width > 0 else { return [] }
        guard let document = selected(state) else {
            return ScrollText.wrap(l.pick(en: "No controlled document yet. The incident manager writes one with `shiftdesk doc new`, or F7 here for a new draft of an existing one.",
                                          zh: "尚无受控文档。事件经理可用 `shiftdesk doc new` 新建，或在此按 F7 从文件写入已有文档的草稿。"), width: width)
                .map { ($0, .muted) }
        }
        if state.screens.documents.showsDiff {
            guard let (old, new) = diffPair(state, document) else { return [] }
            var lines: [(String, ThemeRole)] = []
            for change in LineDiff.diff(old.text, new.text) {
                let role: ThemeRole
                switch change {
                case .same: role = .muted
                case .removed: role = .breached
                case .added: role = .ok
                }
                for (index, piece) in ScrollText.wrap(TerminalText.sanitize(String(change.marked.dropFirst(2))), width: max(1, width - 2)).enumerated() {
                    lines.append(((index == 0 ? String(change.marked.prefix(2)) : "  ") + piece, role))
                }
            }
            return lines
        }
        guard let version = shownVersion(state, document) else { return [] }
        var lines: [(String, ThemeRole)] = []
        if document.kind == .slaPolicy, let view = state.screens.documents.whatIf {
            lines += whatIfLines(view, l)
        }
        for line in LineDiff.lines(version.text) {
            let safe = TerminalText.sanitize(line)
            let wrapped = safe.isEmpty ? [""] : ScrollText.wrap(safe, width: width)
            lines += wrapped.map { ($0, line.hasPrefix("#") ? ThemeRole.title : .normal) }
        }
        return lines
    }

    /// The what-if as a small table above the policy text.
    static func whatIfLines(_ view: PolicyWhatIfView, _ l: Language) -> [(String, ThemeRole)] {
        func row(_ name: String, _ a: Int, _ b: Int) -> (String, ThemeRole) {
            (DisplayWidth.fit(name, toWidth: 18) + DisplayWidth.fit(String(a), toWidth: 10, alignment: .right)
                + DisplayWidth.fit(String(b), toWidth: 10, alignment: .right), a == b ? .normal : .warning)
        }
        let (c, p) = (view.currentOutcome, view.proposedOutcome)
        var lines: [(String, ThemeRole)] = [
            (l.pick(en: "What if: incidents of the last 4 weeks replayed", zh: "试算：最近 4 周的事件按两个策略重放"), .title),
            (DisplayWidth.fit("", toWidth: 18) + DisplayWidth.fit(view.current, toWidth: 10, alignment: .right)
                + DisplayWidth.fit(view.proposed, toWidth: 10, alignment: .right), .muted),
            row(l.pick(en: "incidents", zh: "事件数"), c.incidents, p.incidents),
            row(l.pick(en: "escalation steps", zh: "升级次数"), c.steps, p.steps),
        ]
        for priority in Priority.allCases {
            lines.append(row("  " + priority.label(l), c.stepsByPriority[priority] ?? 0, p.stepsByPriority[priority] ?? 0))
        }
        lines += [row(l.pick(en: "e-mails", zh: "邮件"), c.mails, p.mails), row(l.pick(en: "phone calls", zh: "电话"), c.calls, p.calls),
                  row(l.pick(en: "breached", zh: "超时事件"), c.breaches, p.breaches), ("", .normal)]
        return lines
    }

    static func status(_ state: ConsoleState) -> String {
        let l = state.language
        let documents = state.screens.documents.data?.documents ?? []
        let toApprove = documents.filter { awaitsApproval($0, by: state.me) }.count
        let toRead = toAcknowledge(state).count
        var text = " \(state.queue.label(l)) · \(documents.count)"
        if toApprove > 0 { text += l.pick(en: " · \(toApprove) awaiting your approval", zh: " · \(toApprove) 份待你审批") }
        if toRead > 0 { text += l.pick(en: " · \(toRead) to read", zh: " · \(toRead) 份待阅") }
        return text
    }

    /// The banner on every screen until the operator acknowledges each new current version.
    static func banner(_ state: ConsoleState) -> (String, ThemeRole)? {
        let unread = toAcknowledge(state)
        guard !unread.isEmpty, state.queue != .documents else { return nil }
        let names = unread.map { "\($0.name) \($0.current?.label ?? "")" }.joined(separator: ", ")
        return (state.language.pick(en: " » New version to read and acknowledge: \(names) — press D",
                                    zh: " » 有新版本文档须阅读并确认：\(names) — 按 D"), .warning)
    }
}

extension ConsoleServices {
    func execute(documents effect: ScreenEffect) throws -> ConsoleMessage? {
        switch effect {
        case .loadDocuments:
            return try Blocking.run { [documents, me] in
                do throws(DeskError) {
                    let all = try await documents.documents()
                    // An approval by any seat puts its policy in force here at once: this console's
                    // actions and sweeps plan with it (the approving seat planned the open tickets).
                    if all.contains(where: { $0.kind == .slaPolicy }) {
                        let timeline = try await documents.policyTimeline(fallback: documents.desk.policy)
                        documents.desk.adopt(timeline.known(at: documents.desk.clock.now()))
                    }
                    var pending: [String: [Operator]] = [:]
                    if me.role == .im || me.role == .owner {
                        for document in all where document.current != nil {
                            pending[document.name] = try await documents.pendingAcknowledgements(document)
                        }
                    }
                    return .screen(.documents(.success(DocumentsData(documents: all, pending: pending))))
                } catch {
                    return .screen(.documents(.failure(error)))
                }
            }
        case .policyWhatIf:
            return try Blocking.run { [documents, directory = sweep.directory] in
                do throws(DeskError) {
                    let record = try await documents.requireDocument(DocumentRules.policyDocument)
                    guard let working = record.working else { throw DeskError.document(DocumentRefusal(.notSubmitted, document: record.name)) }
                    let proposed: SLAPolicy
                    switch documents.parsePolicy(working.text, "\(record.name) \(working.label)") {
                    case let .success(policy): proposed = policy
                    case let .failure(problem): throw DeskError.document(DocumentRefusal(.invalidPolicy(problem.lines), document: record.name))
                    }
                    let desk = documents.desk
                    let now = desk.clock.now()
                    let window = DateInterval(start: now.addingTimeInterval(-28 * 86_400), end: now)
                    let histories: [TicketHistory]
                    do throws(StoreError) { histories = try await desk.store.histories(opened: window) } catch { throw DeskError.store(error) }
                    let timeline = try await documents.policyTimeline(fallback: desk.policy)
                    let view = PolicyWhatIfView(current: timeline.entry(at: now)?.version.description ?? "built-in", proposed: working.label,
                                                currentOutcome: PolicyWhatIf.replay(histories, policy: desk.policy, window: window,
                                                                                    directory: desk.roster(or: directory)),
                                                proposedOutcome: PolicyWhatIf.replay(histories, policy: proposed, window: window,
                                                                                     directory: proposed.roster ?? desk.roster(or: directory)))
                    return .screen(.policyWhatIf(.success(view)))
                } catch {
                    return .screen(.policyWhatIf(.failure(error)))
                }
            }
        case let .changeDocument(change):
            let l = language
            var text: String?
            if case let .draftFromFile(_, path, _) = change {
                switch readDocumentFile(path) {
                case let .success(read): text = read
                case let .failure(problem): return .screen(.documentChanged(.failure(problem)))
                }
            }
            return try Blocking.run { [documents, me, text] in
                do throws(DeskError) {
                    switch change {
                    case let .acknowledge(name):
                        let document = try await documents.acknowledge(name, as: me.login)
                        return .screen(.documentChanged(.success(l.pick(en: "\(name) \(document.current?.label ?? "") acknowledged",
                                                                        zh: "已确认阅读 \(name) \(document.current?.label ?? "")"))))
                    case let .approve(name, comment):
                        let document = try await documents.approve(name, comment: comment, as: me.login)
                        var said = l.pick(en: "\(name) \(document.current?.label ?? "") approved: current from now",
                                          zh: "\(name) \(document.current?.label ?? "") 已批准，即时生效")
                        if document.kind == .slaPolicy {
                            // The policy in force changed: open tickets are planned afresh once, here.
                            let timeline = try await documents.policyTimeline(fallback: documents.desk.policy)
                            let inForce = Desk(store: documents.desk.store, clock: documents.desk.clock,
                                               policies: timeline.known(at: documents.desk.clock.now()), origin: documents.desk.origin)
                            let sweep = EscalationSweep(desk: inForce, directory: self.sweep.directory, firedBy: "policy@\(me.login)",
                                                        timeZone: self.sweep.timeZone)
                            documents.desk.adopt(inForce.policies)
                            do throws(StoreError) {
                                let planned = try await sweep.replanIfPolicyChanged()
                                said += l.pick(en: "; \(planned) open tickets planned afresh", zh: "；已重新规划 \(planned) 个未结事件")
                            } catch {
                                throw DeskError.store(error)
                            }
                        }
                        return .screen(.documentChanged(.success(said)))
                    case let .reject(name, comment):
                        _ = try await documents.reject(name, comment: comment, as: me.login)
                        return .screen(.documentChanged(.success(l.pick(en: "\(name) sent back to draft", zh: "\(name) 已驳回，退回草稿"))))
                    case let .draftFromFile(name, _, reason):
                        let body = text ?? ""
                        if name == DocumentRules.policyDocument {
                            let document = try await documents.proposePolicy(body, reason: reason ?? "", major: false, as: me.login)
                            return .screen(.documentChanged(.success(l.pick(en: "SLA policy \(document.working?.label ?? "") submitted for approval",
                                                                            zh: "SLA 策略 \(document.working?.label ?? "") 已提交审批"))))
                        }
                        _ = try await documents.edit(name, text: body, as: me.login)
                        return .screen(.documentChanged(.success(l.pick(en: "\(name): draft written; F8 submits it", zh: "\(name)：草稿已保存；按 F8 提交审批"))))
                    case let .submit(name, reason):
                        let document = try await documents.submit(name, reason: reason, major: false, as: me.login)
                        return .screen(.documentChanged(.success(l.pick(en: "\(name) \(document.working?.label ?? "") submitted for approval",
                                                                        zh: "\(name) \(document.working?.label ?? "") 已提交审批"))))
                    }
                } catch {
                    return .screen(.documentChanged(.failure(error)))
                }
            }
        default:
            return nil
        }
    }

    /// A draft's text from a path on this machine; over SSH refused (a seat names no path of the desk host).
    func readDocumentFile(_ path: String) -> Result<String, DeskError> {
        let l = language
        if confinedFolder != nil {
            return .failure(.invalidOperator(l.pick(en: "over SSH a draft comes from standard input: shiftdesk doc edit NAME --file - < draft.md",
                                                    zh: "通过 SSH 请用标准输入提交草稿：shiftdesk doc edit 名称 --file - < draft.md")))
        }
        let expanded = (path as NSString).expandingTildeInPath
        guard let data = FileManager.default.contents(atPath: expanded) else {
            return .failure(.document(DocumentRefusal(.textRequired(what: l.pick(en: "the file \(path) (cannot be read)", zh: "文件 \(path)（无法读取）")))))
        }
        switch TextFileBytes.decode(data) {
        case let .success(text): return .success(text)
        case let .failure(problem):
            return .failure(.document(DocumentRefusal(.textRequired(what: "\(path):\(problem.line): \(problem.description)"))))
        }
    }
}
