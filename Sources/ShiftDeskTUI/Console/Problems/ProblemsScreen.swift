import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// The problems as the Problems queue shows them, with the operators' names.
public struct ProblemsData: Sendable {
    public var rows: [ProblemQueueRow]
    public var names: [String: String]

    public init(rows: [ProblemQueueRow], names: [String: String]) {
        self.rows = rows
        self.names = names
    }
}

/// A form of the problem's detail: which step it asks for.
public enum ProblemForm: Sendable, Equatable {
    case assess, startFix, resolve, reanalyse, knownError, note, link, unlink
}

/// What the Problems screen keeps in the console's state, and the known errors offered while a
/// call is logged.
public struct ProblemsScreenState: Sendable {
    public var data: ProblemsData?
    public var table = TableState<Int64>()
    /// Resolved and closed problems too (else only open ones).
    public var showAll = false
    public var loading = false
    /// The problem whose detail is shown, and the detail once read.
    public var open: ProblemID?
    public var record: ProblemRecord?
    /// The linked incident selected in the detail.
    public var incident = 0
    /// First line of the detail shown.
    public var offset = 0
    /// The known errors a call may match, read when the Log-a-call form opens.
    public var knownErrors: KnownErrorIndex?
    /// The known errors matching the call being logged, best first (``KnownErrorIndex``).
    public var callMatches: [KnownErrorIndex.Match] = []
    /// The match whose workaround is shown over the Log-a-call form (F5), if any.
    public var pick: Int?

    public init() {}
}

extension ScreenContext {
    static let problems: ScreenContext = "problems"
    static let problemDetail: ScreenContext = "problemDetail"
}

extension ActionID {
    static let problemsAll: ActionID = "problemsAll"
    static let problemAssess: ActionID = "problemAssess"
    static let problemAnalyse: ActionID = "problemAnalyse"
    static let problemFix: ActionID = "problemFix"
    static let problemResolve: ActionID = "problemResolve"
    static let problemClose: ActionID = "problemClose"
    static let problemKnownError: ActionID = "problemKnownError"
    static let problemNote: ActionID = "problemNote"
    static let problemReanalyse: ActionID = "problemReanalyse"
    static let problemCommunicate: ActionID = "problemCommunicate"
    static let problemLink: ActionID = "problemLink"
    static let problemUnlink: ActionID = "problemUnlink"
}

/// The Problems queue (问题单) and a problem's detail. The problem manager works the queue, what
/// needs them first at the top (new and unassigned, then by open linked incidents); the
/// incident manager, second line and the supervisors read it. Every key asks the domain
/// (``ProblemLife`` through ``Desk/step(_:on:as:seenVersion:)``): a refusal comes back with its
/// rule's name, a form comes back as typed.
enum ProblemsScreen {
    static let bindings: [KeyBinding] = [
        KeyBinding([.enter], .open, label: LocalizedText(en: "Open the problem", zh: "查看问题单"), contexts: [.problems]),
        KeyBinding([.function(4), .character("o")], .problemsAll, label: LocalizedText(en: "Open/all", zh: "未结/全部"), slot: 4, contexts: [.problems]),
        KeyBinding([.tab], .nextQueue, label: LocalizedText(en: "Next queue", zh: "切换队列"), contexts: [.problems]),
        KeyBinding([.backTab], .previousQueue, label: LocalizedText(en: "Previous queue", zh: "上一个队列"), contexts: [.problems]),
        KeyBinding([.character("C")], .calls, label: LocalizedText(en: "Escalation calls to confirm", zh: "待确认的升级电话"), contexts: [.problems, .problemDetail]),
        KeyBinding([.escape, .left], .back, label: LocalizedText(en: "Back to the problems", zh: "返回问题单列表"), contexts: [.problemDetail]),
        KeyBinding([.enter], .open, label: LocalizedText(en: "Open the linked incident", zh: "查看关联事件"), contexts: [.problemDetail]),
        KeyBinding([.function(2), .character("a")], .problemAssess, label: LocalizedText(en: "Assess", zh: "评估"), slot: 2, contexts: [.problemDetail]),
        KeyBinding([.function(3), .character("y")], .problemAnalyse, label: LocalizedText(en: "Analyse", zh: "分析"), slot: 3, contexts: [.problemDetail]),
        KeyBinding([.function(4), .character("f")], .problemFix, label: LocalizedText(en: "Fix", zh: "修复"), slot: 4, contexts: [.problemDetail]),
        KeyBinding([.function(5), .character("r")], .problemResolve, label: LocalizedText(en: "Resolve", zh: "解决"), slot: 5, contexts: [.problemDetail]),
        KeyBinding([.function(6), .character("c")], .problemClose, label: LocalizedText(en: "Close", zh: "关闭"), slot: 6, contexts: [.problemDetail]),
        KeyBinding([.function(7), .character("e")], .problemKnownError, label: LocalizedText(en: "KnownErr", zh: "已知错误"), slot: 7, contexts: [.problemDetail]),
        KeyBinding([.function(8), .character("n")], .problemNote, label: LocalizedText(en: "Note", zh: "备注"), slot: 8, contexts: [.problemDetail]),
        KeyBinding([.function(9), .character("b")], .problemReanalyse, label: LocalizedText(en: "Re-anal.", zh: "重新分析"), slot: 9, contexts: [.problemDetail]),
        KeyBinding([.character("w")], .problemCommunicate, label: LocalizedText(en: "Communicate the workaround to the open linked incidents", zh: "向未结关联事件通告临时解决办法"),
                   contexts: [.problemDetail]),
        KeyBinding([.character("l")], .problemLink, label: LocalizedText(en: "Link an incident", zh: "关联事件"), contexts: [.problemDetail]),
        KeyBinding([.character("u")], .problemUnlink, label: LocalizedText(en: "Unlink the selected incident", zh: "取消关联所选事件"), contexts: [.problemDetail]),
    ]

    static func mayOpen(_ role: Role) -> Bool { ProblemLife.mayOpenQueue(role) }

    static func context(_ state: ConsoleState) -> ScreenContext {
        state.screens.problems.open == nil ? .problems : .problemDetail
    }

    // MARK: Update

    static func enter(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        var commands: [AppCommand<ConsoleEffect>] = [.perform(.screen(.loadProblems))]
        if let open = state.screens.problems.open { commands.append(.perform(.screen(.loadProblem(open)))) }
        return commands
    }

    static func reload(_ state: ConsoleState) -> [AppCommand<ConsoleEffect>] {
        var commands: [AppCommand<ConsoleEffect>] = [.perform(.screen(.loadProblems))]
        if let open = state.screens.problems.open { commands.append(.perform(.screen(.loadProblem(open)))) }
        return commands
    }

    /// Opens a problem's detail (from the queue, or the weekly review).
    static func open(_ state: inout ConsoleState, _ id: ProblemID) -> [AppCommand<ConsoleEffect>] {
        state.screens.problems.open = id
        if state.screens.problems.record?.problem.id != id { state.screens.problems.record = nil }
        state.screens.problems.incident = 0
        state.screens.problems.offset = 0
        return [.perform(.screen(.loadProblem(id)))]
    }

    /// The queue's rows in the order shown: what needs the problem manager first; open ones
    /// only unless all are asked for; the filter (`/`) matches the ID, title, owner or state.
    static func shown(_ state: ConsoleState) -> [ProblemQueueRow] {
        let all = state.screens.problems.data?.rows ?? []
        let filter = state.filter.lowercased()
        return all.filter { row in
            guard state.screens.problems.showAll || row.problem.state.isOpen else { return false }
            guard !filter.isEmpty else { return true }
            let text = [row.problem.id.description, row.problem.title, row.problem.owner ?? "",
                        row.problem.state.label(state.language), row.problem.state.rawValue].joined(separator: " ").lowercased()
            return text.contains(filter)
        }
    }

    static func handle(_ state: inout ConsoleState, action: ActionID) -> [AppCommand<ConsoleEffect>]? {
        if state.screens.problems.open != nil { return handleDetail(&state, action: action) }
        let rows = rows(state)
        switch action {
        case .open:
            guard let id = state.screens.problems.table.selectedID else {
                ConsoleApp.say(&state, state.pick("no problem selected", "未选中问题单"), error: true)
                return []
            }
            return open(&state, ProblemID(id))
        case .problemsAll:
            state.screens.problems.showAll.toggle()
            state.screens.problems.table.reconcile(with: Self.rows(state))
            ConsoleApp.say(&state, state.screens.problems.showAll ? state.pick("all problems, resolved and closed too", "全部问题单（含已解决、已关闭）")
                                                                  : state.pick("open problems only", "仅未结问题单"))
            return []
        case .moveUp, .moveDown, .pageUp, .pageDown, .first, .last:
            state.screens.problems.table.navigate(action, rows: rows, pageSize: 10)
            return []
        case .back:
            state.filter = ""
            state.message = nil
            state.screens.problems.table.reconcile(with: Self.rows(state))
            return []
        case .sort:
            return []
        default:
            return nil
        }
    }

    static func handleDetail(_ state: inout ConsoleState, action: ActionID) -> [AppCommand<ConsoleEffect>]? {
        let l = state.language
        guard let id = state.screens.problems.open else { return nil }
        let record = state.screens.problems.record?.problem.id == id ? state.screens.problems.record : nil
        func needRecord(_ body: (ProblemRecord) -> [AppCommand<ConsoleEffect>]) -> [AppCommand<ConsoleEffect>] {
            guard let record else {
                ConsoleApp.say(&state, l.pick(en: "\(id) is still loading", zh: "\(id) 正在加载"), error: true)
                return []
            }
            return body(record)
        }
        func step(_ step: ProblemStep, _ record: ProblemRecord, saying: String) -> [AppCommand<ConsoleEffect>] {
            ConsoleApp.say(&state, saying)
            return [.perform(.screen(.problemStep(id, step, seenVersion: record.problem.version)))]
        }
        func form(_ kind: ProblemForm, _ record: ProblemRecord) -> [AppCommand<ConsoleEffect>] {
            state.afterForm = .browse
            state.mode = .form(ProblemsScreen.form(kind, record, state), .screen(.problem(id, kind, version: record.problem.version)))
            return []
        }
        switch action {
        case .back:
            state.screens.problems.open = nil
            state.screens.problems.table.selectedID = id.number
            state.screens.problems.table.reconcile(with: rows(state))
            state.message = nil
            return []
        case .moveUp, .moveDown:
            let count = record?.incidents.count ?? 0
            if count > 0 {
                let next = state.screens.problems.incident + (action == .moveDown ? 1 : -1)
                state.screens.problems.incident = max(0, min(count - 1, next))
                keepIncidentInView(&state)
            } else {
                state.screens.problems.offset = max(0, state.screens.problems.offset + (action == .moveDown ? 1 : -1))
            }
            return []
        case .pageUp, .pageDown:
            let page = max(1, detailRect(state).height - 1)
            state.screens.problems.offset = max(0, state.screens.problems.offset + (action == .pageDown ? page : -page))
            return []
        case .first:
            state.screens.problems.offset = 0
            state.screens.problems.incident = 0
            return []
        case .last:
            state.screens.problems.offset = Int.max / 4
            return []
        case .open:
            return needRecord { record in
                guard record.incidents.indices.contains(state.screens.problems.incident) else {
                    ConsoleApp.say(&state, l.pick(en: "no incident is linked to \(id)", zh: "\(id) 没有关联事件"), error: true)
                    return []
                }
                let ticket = record.incidents[state.screens.problems.incident].id
                state.afterForm = .browse
                state.mode = .detail(ticket, offset: 0)
                state.detail = nil
                return [.perform(.loadDetail(ticket))]
            }
        case .problemAssess: return needRecord { form(.assess, $0) }
        case .problemAnalyse:
            return needRecord { step(.analyse, $0, saying: l.pick(en: "\(id): starting root-cause analysis…", zh: "\(id)：开始根因分析…")) }
        case .problemFix: return needRecord { form(.startFix, $0) }
        case .problemResolve: return needRecord { form(.resolve, $0) }
        case .problemClose:
            return needRecord { step(.close, $0, saying: l.pick(en: "\(id): closing…", zh: "\(id)：正在关闭…")) }
        case .problemKnownError: return needRecord { form(.knownError, $0) }
        case .problemNote: return needRecord { form(.note, $0) }
        case .problemReanalyse: return needRecord { form(.reanalyse, $0) }
        case .problemLink: return needRecord { form(.link, $0) }
        case .problemUnlink:
            return needRecord { record in
                guard !record.incidents.isEmpty else {
                    ConsoleApp.say(&state, l.pick(en: "no incident is linked to \(id)", zh: "\(id) 没有关联事件"), error: true)
                    return []
                }
                return form(.unlink, record)
            }
        case .problemCommunicate:
            return needRecord { record in
                step(.communicate, record, saying: l.pick(en: "\(id): adding the workaround to \(record.openIncidents.count) open incident(s)…",
                                                         zh: "\(id)：正在向 \(record.openIncidents.count) 个未结事件通告临时解决办法…"))
            }
        case .sort, .filter, .problemsAll:
            return []
        default:
            return nil
        }
    }

    /// The form of one step, filled with what the problem already holds.
    static func form(_ kind: ProblemForm, _ record: ProblemRecord, _ state: ConsoleState) -> FormDialogState {
        let l = state.language
        let p = record.problem
        func text(_ id: String, _ label: String, _ field: TextField, _ value: String = "", required: Bool = true) -> FormField {
            FormField(id: id, label: label, kind: .text(TextFieldState(text: value, visibleWidth: 50, field: field)), required: required)
        }
        var fields: [FormField]
        let title: String
        switch kind {
        case .assess:
            title = l.pick(en: "Assess \(p.id): accept it and name its owner", zh: "评估 \(p.id)：受理并指定负责人")
            let suggested = p.owner ?? (state.me.role == .problemManager ? state.me.login : "")
            fields = [FormField(id: "owner", label: l.pick(en: "Owner (login)", zh: "负责人（登录名）"),
                                kind: .text(TextFieldState(text: suggested, visibleWidth: 30, maxLength: 64)), required: true)]
        case .startFix:
            title = l.pick(en: "\(p.id): root cause found, fix in progress", zh: "\(p.id)：已找到根本原因，开始修复")
            fields = [text("text", l.pick(en: "Root cause", zh: "根本原因"), .rootCause, p.cause ?? "")]
        case .resolve:
            title = l.pick(en: "Resolve \(p.id)", zh: "解决 \(p.id)")
            fields = [
                FormField(id: "code", label: l.pick(en: "Resolution", zh: "解决方式"),
                          kind: .choice(options: ProblemResolution.allCases.map { $0.label(l) }, selected: p.state == .fixInProgress ? 0 : 1)),
                text("text", l.pick(en: "Fix notes / reason", zh: "修复说明/原因"), .resolution, required: false),
                FormField(id: "duplicate", label: l.pick(en: "Duplicate of", zh: "重复于"),
                          kind: .text(TextFieldState(text: "", visibleWidth: 14, maxLength: 14))),
            ]
        case .reanalyse:
            title = l.pick(en: "Back to analysis: \(p.id)", zh: "重新分析 \(p.id)")
            fields = [text("text", l.pick(en: "Why", zh: "原因"), .note)]
        case .knownError:
            title = p.knownError == nil ? l.pick(en: "Publish \(p.id) as a known error", zh: "将 \(p.id) 发布为已知错误")
                : l.pick(en: "Edit the known error of \(p.id) (v\(p.knownError?.version ?? 1))", zh: "修改 \(p.id) 的已知错误（v\(p.knownError?.version ?? 1)）")
            fields = [text("symptom", l.pick(en: "Symptom", zh: "故障现象"), .symptom, p.knownError?.symptom ?? p.title),
                      text("workaround", l.pick(en: "Workaround", zh: "临时解决办法"), .workaround, p.knownError?.workaround ?? "")]
        case .note:
            title = l.pick(en: "Note on \(p.id)", zh: "备注 \(p.id)")
            fields = [text("text", l.pick(en: "Note", zh: "备注"), .note)]
        case .link:
            title = l.pick(en: "Link an incident to \(p.id)", zh: "关联事件到 \(p.id)")
            fields = [FormField(id: "incident", label: l.pick(en: "Incident", zh: "事件编号"),
                                kind: .text(TextFieldState(text: "INC-", visibleWidth: 14, maxLength: 14)), required: true)]
        case .unlink:
            let selected = record.incidents.indices.contains(state.screens.problems.incident)
                ? record.incidents[state.screens.problems.incident].id.description : ""
            title = l.pick(en: "Unlink an incident from \(p.id)", zh: "取消事件与 \(p.id) 的关联")
            fields = [FormField(id: "incident", label: l.pick(en: "Incident", zh: "事件编号"),
                                kind: .text(TextFieldState(text: selected, visibleWidth: 14, maxLength: 14)), required: true)]
        }
        var dialog = FormDialogState(title: title, fields: fields, language: l)
        dialog.showsLimits = true
        return dialog
    }

    static func submit(_ state: inout ConsoleState, _ form: FormDialogState, _ id: ProblemID, _ kind: ProblemForm,
                       version: Int) -> [AppCommand<ConsoleEffect>] {
        let l = state.language
        func text(_ field: String) -> String { (form.value(of: field) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func refuse(_ message: String) -> [AppCommand<ConsoleEffect>] {
            ConsoleApp.restoreSentForm(&state, message: message)
            return []
        }
        let step: ProblemStep
        switch kind {
        case .assess: step = .assess(owner: text("owner"))
        case .startFix: step = .startFix(cause: text("text"))
        case .reanalyse: step = .reanalyse(note: text("text"))
        case .note: step = .note(text("text"))
        case .knownError: step = .publishKnownError(symptom: text("symptom"), workaround: text("workaround"))
        case .resolve:
            var selected = 0
            for field in form.fields where field.id == "code" { if case let .choice(_, index) = field.kind { selected = index } }
            let code = ProblemResolution.allCases[max(0, min(ProblemResolution.allCases.count - 1, selected))]
            var duplicate: ProblemID?
            if code == .duplicate {
                guard let parsed = ProblemID(parsing: text("duplicate")) else {
                    return refuse(l.pick(en: "name the problem it duplicates, like PRB-000012", zh: "请填写重复的问题单编号，如 PRB-000012"))
                }
                duplicate = parsed
            }
            let note = text("text")
            step = .resolve(code, text: note.isEmpty ? nil : note, duplicateOf: duplicate)
        case .link, .unlink:
            guard let ticket = TicketID(parsing: text("incident")) else {
                return refuse(l.pick(en: "an incident number, like INC-000123", zh: "请填写事件编号，如 INC-000123"))
            }
            step = kind == .link ? .link(ticket) : .unlink(ticket)
        }
        ConsoleApp.say(&state, l.pick(en: "\(id): sending…", zh: "\(id)：正在提交…"))
        return [.perform(.screen(.problemStep(id, step, seenVersion: version)))]
    }

    static func handle(_ state: inout ConsoleState, _ message: ScreenMessage) -> [AppCommand<ConsoleEffect>] {
        let l = state.language
        switch message {
        case let .problems(.success(data)):
            state.screens.problems.loading = false
            state.screens.problems.data = data
            state.screens.problems.table.reconcile(with: rows(state))
        case let .problems(.failure(error)), let .problem(.failure(error)):
            state.screens.problems.loading = false
            ConsoleApp.say(&state, error.message(l, timeZone: state.timeZone), error: true)
        case let .problem(.success(record)):
            if record.problem.id == state.screens.problems.open {
                state.screens.problems.record = record
                state.screens.problems.incident = min(state.screens.problems.incident, max(0, record.incidents.count - 1))
            }
        case let .problemStepped(id, .success(result)):
            state.sentForm = nil
            let event = result.outcome.event
            var said = "\(id) \(event.kind.label(l)): \(result.outcome.problem.state.label(l))"
            if !result.incidents.isEmpty {
                let list = result.incidents.prefix(6).map(\.description).joined(separator: ", ") + (result.incidents.count > 6 ? "…" : "")
                said += event.kind == .communicated ? l.pick(en: " · told \(list)", zh: " · 已告知 \(list)")
                                                    : l.pick(en: " · incidents \(list)", zh: " · 涉及事件 \(list)")
            } else if event.kind == .communicated {
                said += l.pick(en: " · no open incident to tell", zh: " · 没有需要告知的未结事件")
            }
            ConsoleApp.say(&state, said)
            return reload(state) + ConsoleApp.refresh(state)
        case let .problemStepped(_, .failure(error)):
            let text = error.message(l, timeZone: state.timeZone)
            if state.sentForm != nil {
                // The domain said no to what the form asked: it comes back as typed, with the rule.
                ConsoleApp.restoreSentForm(&state, message: text)
                ConsoleApp.say(&state, text, error: true)
            } else {
                ConsoleApp.say(&state, text, error: true)
            }
            return reload(state)
        default:
            break
        }
        return []
    }

    // MARK: The queue

    static func columns(_ state: ConsoleState) -> [TableColumn] {
        let l = state.language
        let zh = l == .zh
        return [
            TableColumn(" ID", width: .fixed(11)),
            TableColumn(l.pick(en: "Title", zh: "标题"), width: .flex(weight: 3, minimum: 12)),
            TableColumn(l.pick(en: "State", zh: "状态"), width: .fixed(zh ? 9 : 16)),
            TableColumn(l.pick(en: "Owner", zh: "负责人"), width: .flex(weight: 1, minimum: zh ? 8 : 9)),
            TableColumn(l.pick(en: "Age", zh: "时长"), width: .fixed(zh ? 6 : 7), alignment: .right),
            TableColumn(l.pick(en: "Inc open/all", zh: "未结/全部"), width: .fixed(zh ? 9 : 12), alignment: .right),
            TableColumn(l.pick(en: "KE", zh: "已知错误"), width: .fixed(zh ? 8 : 4)),
        ]
    }

    static func rows(_ state: ConsoleState) -> [TableRow<Int64>] {
        let l = state.language
        let names = state.screens.problems.data?.names ?? [:]
        return shown(state).map { row in
            let p = row.problem
            let stateRole: ThemeRole? = p.state == .new ? .warning : p.state.isOpen ? nil : .muted
            let age = state.now.timeIntervalSince(p.raisedAt)
            let ageRole: ThemeRole? = p.state.isOpen && age > WeeklyReview.problemOverdueAge ? .breached : nil
            let owner = p.owner.map { names[$0] ?? $0 } ?? l.pick(en: "unassigned", zh: "未指派")
            return TableRow(id: p.id.number, cells: [
                TableCell(" " + p.id.description, sortKey: .number(Double(p.id.number))),
                TableCell(p.title),
                TableCell(p.state.label(l), role: stateRole),
                TableCell(owner, role: p.owner == nil ? .warning : nil),
                TableCell(ageText(age), sortKey: .number(age), role: ageRole),
                TableCell("\(row.openIncidents)/\(row.allIncidents)", sortKey: .number(Double(row.openIncidents)),
                          role: row.openIncidents > 0 ? nil : .muted),
                TableCell(p.knownError == nil ? l.pick(en: "no", zh: "否") : l.pick(en: "yes", zh: "是"),
                          role: p.knownError == nil ? .muted : .ok),
            ], role: p.state.isOpen ? nil : .muted)
        }
    }

    /// `45m`, `7h`, `12d`.
    static func ageText(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }

    static func status(_ state: ConsoleState) -> String {
        let l = state.language
        if let id = state.screens.problems.open {
            let p = state.screens.problems.record?.problem
            let owner = p?.owner.map { l.pick(en: " · owner \($0)", zh: " · 负责人 \($0)") } ?? ""
            return " \(state.queue.label(l)) · \(id)" + (p.map { " · \($0.state.label(l))" } ?? "") + owner
        }
        let all = state.screens.problems.data?.rows ?? []
        let open = all.filter(\.problem.state.isOpen)
        let new = open.filter { $0.problem.state == .new || $0.problem.owner == nil }.count
        let overdue = open.filter { state.now.timeIntervalSince($0.problem.raisedAt) > WeeklyReview.problemOverdueAge }.count
        var text = " \(state.queue.label(l)): " + l.pick(en: "\(open.count) open", zh: "未结 \(open.count)")
        if new > 0 { text += l.pick(en: " · \(new) to assess", zh: " · 待评估 \(new)") }
        if overdue > 0 { text += l.pick(en: " · \(overdue) open > 30 d", zh: " · 超 30 天未结 \(overdue)") }
        if state.screens.problems.showAll { text += l.pick(en: " · showing all \(all.count)", zh: " · 显示全部 \(all.count)") }
        if !state.filter.isEmpty { text += " · / \(state.filter)" }
        return text
    }

    // MARK: Drawing

    static func draw(_ state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard !rect.isEmpty else { return }
        let l = state.language
        if let id = state.screens.problems.open {
            drawDetail(state, id: id, in: rect, canvas: &canvas)
            return
        }
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            let rows = rows(state)
            var table = state.screens.problems.table
            table.reconcile(with: rows)
            let empty: String
            if state.screens.problems.data == nil {
                empty = l.pick(en: "Loading…", zh: "加载中…")
            } else {
                empty = state.screens.problems.showAll ? l.pick(en: "No problem raised yet", zh: "尚无问题单")
                    : l.pick(en: "No open problem (o: show all)", zh: "没有未结问题单（按 o 显示全部）")
            }
            TableView.draw(columns: columns(state), rows: rows, state: table, in: rect, canvas: &canvas, emptyMessage: empty)
        }
    }

    static func detailRect(_ state: ConsoleState) -> Rect {
        ConsoleLayout(size: state.size, banners: ConsoleApp.banners(state).count).table
    }

    /// The detail's lines; `incidentLines` is where each linked incident is.
    static func detailLines(_ state: ConsoleState, record: ProblemRecord, width: Int) -> (lines: [(String, ThemeRole)], incidentLines: [Int]) {
        let l = state.language
        let p = record.problem
        let names = state.screens.problems.data?.names ?? [:]
        func time(_ date: Date?) -> String { date.map { DisplayTime.format($0, in: state.timeZone) } ?? "—" }
        func who(_ login: String?) -> String {
            guard let login else { return l.pick(en: "unassigned", zh: "未指派") }
            return names[login].map { "\(TerminalText.sanitize($0)) (\(login))" } ?? login
        }
        func safe(_ text: String?) -> String { TerminalText.sanitize(text ?? "—") }
        var lines: [(String, ThemeRole)] = []
        let stateRole: ThemeRole = p.state == .new ? .warning : p.state.isOpen ? .title : .muted
        lines.append(("\(p.id)  \(p.state.label(l))  v\(p.version)", stateRole))
        for piece in ScrollText.wrap(safe(p.title), width: max(1, width)) { lines.append((piece, .title)) }
        let age = ageText(state.now.timeIntervalSince(p.raisedAt))
        var fields: [(String, String, ThemeRole)] = [
            (l.pick(en: "Owner", zh: "负责人"), who(p.owner), p.owner == nil ? .warning : .normal),
            (l.pick(en: "Raised", zh: "提交"), "\(time(p.raisedAt))  \(who(p.raisedBy))  " + l.pick(en: "\(age) ago", zh: "已 \(age)"),
             p.state.isOpen && state.now.timeIntervalSince(p.raisedAt) > WeeklyReview.problemOverdueAge ? .breached : .normal),
            (l.pick(en: "Why", zh: "原因"), safe(p.reason), .normal),
            (l.pick(en: "Root cause", zh: "根本原因"), p.cause.map { "\(safe($0))  (\(time(p.rootCauseAt)))" } ?? "—", .normal),
        ]
        if let resolution = p.resolution {
            var text = "\(resolution.label(l))  \(time(p.resolvedAt))"
            if let target = p.duplicateOf { text += l.pick(en: "  → duplicate of \(target)", zh: "  → 重复于 \(target)") }
            if let note = p.resolutionNote { text += "  “\(safe(note))”" }
            fields.append((l.pick(en: "Resolution", zh: "解决"), text, .ok))
        } else {
            fields.append((l.pick(en: "Resolution", zh: "解决"), "—", .muted))
        }
        fields.append((l.pick(en: "Closed", zh: "关闭"), time(p.closedAt), .normal))
        if let known = p.knownError {
            fields.append((l.pick(en: "Known error", zh: "已知错误"),
                           l.pick(en: "v\(known.version), published by \(who(known.publishedBy)) \(time(known.publishedAt))",
                                  zh: "v\(known.version)，\(who(known.publishedBy)) 发布于 \(time(known.publishedAt))")
                               + (KnownErrorIndex.offered(p) ? l.pick(en: " · offered at first contact", zh: " · 首次接触时提示")
                                                               : l.pick(en: " · no longer offered (fixed)", zh: " · 已不再提示（已修复）")), .ok))
            fields.append((l.pick(en: "  Symptom", zh: "  现象"), safe(known.symptom), .normal))
            fields.append((l.pick(en: "  Workaround", zh: "  办法"), safe(known.workaround), .normal))
        } else {
            fields.append((l.pick(en: "Known error", zh: "已知错误"), l.pick(en: "not published (F7 / e)", zh: "未发布（F7 / e）"), .muted))
        }
        let labelWidth = fields.map { DisplayWidth.width(of: $0.0) }.max() ?? 10
        for (label, value, role) in fields {
            let wrapped = ScrollText.wrap(value, width: max(1, width - labelWidth - 2))
            for (index, piece) in wrapped.enumerated() {
                lines.append(((index == 0 ? DisplayWidth.fit(label, toWidth: labelWidth) : String(repeating: " ", count: labelWidth)) + "  " + piece, role))
            }
        }
        lines.append(("", .normal))
        lines.append((l.pick(en: "Linked incidents: \(record.openIncidents.count) open / \(record.incidents.count) in all",
                             zh: "关联事件：未结 \(record.openIncidents.count) / 共 \(record.incidents.count)"), .header))
        var incidentLines: [Int] = []
        if record.incidents.isEmpty { lines.append(("  —", .muted)) }
        for ticket in record.incidents {
            incidentLines.append(lines.count)
            let waiting = ticket.state == .pendingProblem && ticket.problem == p.id
            let stateText = ticket.state.label(l) + (waiting ? "" : "")
            let text = "  \(ticket.id)  " + DisplayWidth.fit(ticket.priority.label(l), toWidth: l == .zh ? 4 : 7) + " "
                + DisplayWidth.fit(stateText, toWidth: l == .zh ? 14 : 16) + " " + TerminalText.sanitize(ticket.title)
            lines.append((text, ticket.state.isOpen ? (waiting ? .warning : .normal) : .muted))
        }
        lines.append(("", .normal))
        lines.append((l.pick(en: "History", zh: "处理记录"), .header))
        for event in record.events.reversed() {
            var text = "  \(time(event.at))  \(who(event.actor))  \(event.kind.label(l))"
            let moved = event.changes.filter { ["state", "owner", "resolution", "known_error_version"].contains($0.field) }
            if !moved.isEmpty {
                text += "  " + moved.map { change -> String in
                    let before = change.before.map { ProblemState(stored: $0)?.label(l) ?? $0 } ?? "—"
                    let after = change.after.map { ProblemState(stored: $0)?.label(l) ?? $0 } ?? "—"
                    return change.field == "state" ? "\(before)→\(after)" : "\(change.field): \(before)→\(after)"
                }.joined(separator: " ")
            }
            if !event.incidents.isEmpty {
                text += "  " + event.incidents.prefix(8).map(\.description).joined(separator: ", ") + (event.incidents.count > 8 ? "…" : "")
            }
            if let note = event.note { text += "  “\(TerminalText.sanitize(note))”" }
            lines.append((text, .normal))
        }
        return (lines, incidentLines)
    }

    static func keepIncidentInView(_ state: inout ConsoleState) {
        guard let record = state.screens.problems.record else { return }
        let rect = detailRect(state)
        let (_, incidentLines) = detailLines(state, record: record, width: max(1, rect.width - 2))
        guard incidentLines.indices.contains(state.screens.problems.incident) else { return }
        let line = incidentLines[state.screens.problems.incident]
        if line < state.screens.problems.offset { state.screens.problems.offset = line }
        if line >= state.screens.problems.offset + rect.height { state.screens.problems.offset = line - rect.height + 1 }
    }

    static func drawDetail(_ state: ConsoleState, id: ProblemID, in rect: Rect, canvas: inout Canvas) {
        let l = state.language
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            guard let record = state.screens.problems.record, record.problem.id == id else {
                CenteredMessage.draw([l.pick(en: "Loading \(id)…", zh: "正在加载 \(id)…")], in: rect, canvas: &canvas, role: .muted)
                return
            }
            let (lines, incidentLines) = detailLines(state, record: record, width: max(1, rect.width - 2))
            let start = max(0, min(state.screens.problems.offset, lines.count - rect.height))
            let selectedLine = incidentLines.indices.contains(state.screens.problems.incident) ? incidentLines[state.screens.problems.incident] : -1
            for (row, line) in lines.dropFirst(start).prefix(rect.height).enumerated() {
                let y = rect.y + row
                if start + row == selectedLine {
                    canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .selected)
                    canvas.put(line.0, x: rect.x + 1, y: y, role: .selected, maxWidth: rect.width - 2, ellipsis: true)
                } else {
                    canvas.put(line.0, x: rect.x + 1, y: y, role: line.1, maxWidth: rect.width - 2, ellipsis: true)
                }
            }
        }
    }
}

extension ConsoleServices {
    func execute(problems effect: ScreenEffect) throws -> ConsoleMessage? {
        switch effect {
        case .loadProblems:
            return try Blocking.run { [desk] in
                do throws(DeskError) {
                    let rows = try await desk.problemQueue()
                    let people: [Operator]
                    do throws(StoreError) { people = try await desk.store.operators() } catch { throw DeskError.store(error) }
                    let names = Dictionary(people.map { ($0.login, $0.name) }, uniquingKeysWith: { a, _ in a })
                    return .screen(.problems(.success(ProblemsData(rows: rows, names: names))))
                } catch {
                    return .screen(.problems(.failure(error)))
                }
            }
        case let .loadProblem(id):
            return try Blocking.run { [desk] in
                do throws(DeskError) {
                    return .screen(.problem(.success(try await desk.problemRecord(id))))
                } catch {
                    return .screen(.problem(.failure(error)))
                }
            }
        case let .problemStep(id, step, seenVersion):
            return try Blocking.run { [desk, me] in
                do throws(DeskError) {
                    return .screen(.problemStepped(id, .success(try await desk.step(step, on: id, as: me.login, seenVersion: seenVersion))))
                } catch {
                    return .screen(.problemStepped(id, .failure(error)))
                }
            }
        case .loadKnownErrors:
            return try Blocking.run { [desk] in
                do throws(DeskError) {
                    return .screen(.knownErrors(.success(try await desk.knownErrorIndex())))
                } catch {
                    return .screen(.knownErrors(.failure(error)))
                }
            }
        case let .logWithKnownError(draft, problem):
            return try Blocking.run { [desk, me] in
                do throws(DeskError) {
                    let ticket = try await desk.open(draft, as: me.login)
                    do throws(DeskError) {
                        let outcome = try await desk.resolveWithKnownError(ticket.id, problem: problem, as: me.login)
                        return .screen(.loggedWithKnownError(.success(outcome.ticket), problem: problem))
                    } catch {
                        // Logged, not resolved: the call stays open in the queue, and the desk is told why.
                        return .screen(.loggedWithKnownError(.failure(error), problem: problem, logged: ticket.id))
                    }
                } catch {
                    return .screen(.loggedWithKnownError(.failure(error), problem: problem))
                }
            }
        default:
            return nil
        }
    }
}
