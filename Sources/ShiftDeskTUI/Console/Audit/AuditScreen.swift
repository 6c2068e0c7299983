import Foundation
import ShiftDeskCore
import ShiftDeskStore
import Synchronization

/// The chain's head and its last verification, as the audit screen shows them.
public struct AuditOverview: Sendable {
    /// nil when the head row is missing (itself a break `audit verify` names).
    public var head: ChainHead?
    /// The newest event id the record holds.
    public var lastEventID: Int64
    public var last: LastVerification?
    /// The name of the operator who ran the last verification.
    public var lastByName: String?

    public init(head: ChainHead?, lastEventID: Int64, last: LastVerification?, lastByName: String?) {
        self.head = head
        self.lastEventID = lastEventID
        self.last = last
        self.lastByName = lastByName
    }
}

/// One incident's whole history, as the record holds it.
public struct AuditHistory: Sendable {
    public var id: TicketID
    /// nil when the ticket row is gone (deleted behind ShiftDesk's back) but events remain.
    public var ticket: Ticket?
    public var events: [TicketEvent]
    /// login → name.
    public var names: [String: String]

    public init(id: TicketID, ticket: Ticket?, events: [TicketEvent], names: [String: String]) {
        self.id = id
        self.ticket = ticket
        self.events = events
        self.names = names
    }
}

/// What the audit screen keeps in the console's state.
public struct AuditScreenState: Sendable {
    public var overview: AuditOverview?
    /// Since when a verification started from this console runs; nil when none does.
    public var verifyingSince: Date?
    /// Events checked so far by the running verification.
    public var progress = 0
    /// The incident whose history is shown (or loading).
    public var incident: TicketID?
    public var history: AuditHistory?
    /// First line of the history shown.
    public var offset = 0

    public init() {}
}

/// Events checked by a verification running on its own thread, for the console's ticks to read.
final class AuditProgress: Sendable {
    private let checked = Mutex(0)

    var value: Int { checked.withLock { $0 } }
    func set(_ value: Int) { checked.withLock { $0 = value } }
}

extension ScreenContext {
    static let audit: ScreenContext = "audit"
}

extension ActionID {
    static let verifyChain: ActionID = "verifyChain"
    static let incidentHistory: ActionID = "incidentHistory"
}

/// The internal auditor's screen (内审员; also the incident manager's and the owner's): the
/// event chain's head, its last verification, a verification run now off the console's thread,
/// and the whole history of any incident. It reads only.
enum AuditScreen {
    static let bindings: [KeyBinding] = [
        KeyBinding([.function(4), .character("v")], .verifyChain, label: LocalizedText(en: "Verify", zh: "核验"), slot: 4, contexts: [.audit]),
        KeyBinding([.function(5), .character("i"), .enter], .incidentHistory, label: LocalizedText(en: "History", zh: "事件记录"), slot: 5, contexts: [.audit]),
        KeyBinding([.escape], .back, label: LocalizedText(en: "Close the history", zh: "关闭事件记录"), contexts: [.audit]),
    ]

    // MARK: Update

    static func enter(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        [.perform(.screen(.loadAudit))] + (state.screens.audit.incident.map { [.perform(.screen(.loadAuditHistory($0)))] } ?? [])
    }

    static func tick(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        state.screens.audit.verifyingSince == nil ? [] : [.perform(.screen(.auditProgress))]
    }

    static func handle(_ state: inout ConsoleState, action: ActionID) -> [AppCommand<ConsoleEffect>]? {
        let l = state.language
        switch action {
        case .verifyChain:
            if state.screens.audit.verifyingSince != nil {
                ConsoleApp.say(&state, l.pick(en: "a verification is already running", zh: "核验正在进行中"))
                return []
            }
            state.screens.audit.verifyingSince = state.now
            state.screens.audit.progress = 0
            ConsoleApp.say(&state, l.pick(en: "verifying the record…", zh: "正在核验记录…"))
            // A million events take seconds: the walk runs on a thread of its own, keys keep working.
            return [.performInBackground(.screen(.verifyAudit))]
        case .incidentHistory:
            let current = state.screens.audit.incident.map { String($0.number) } ?? ""
            let form = FormDialogState(title: l.pick(en: "Whole history (42 or INC-000042)", zh: "事件全部记录（42 或 INC-000042）"), fields: [
                FormField(id: "id", label: l.pick(en: "Incident", zh: "事件编号"),
                          kind: .text(TextFieldState(text: current, visibleWidth: 16, maxLength: 20)), required: true),
            ], language: l)
            state.afterForm = .browse
            state.mode = .form(form, .screen(.auditIncident))
            return []
        case .back:
            state.screens.audit.incident = nil
            state.screens.audit.history = nil
            state.screens.audit.offset = 0
            state.message = nil
            return []
        case .moveDown: return scroll(&state, by: 1)
        case .moveUp: return scroll(&state, by: -1)
        case .pageDown: return scroll(&state, by: max(1, historyRect(state).height - 1))
        case .pageUp: return scroll(&state, by: -max(1, historyRect(state).height - 1))
        case .first: state.screens.audit.offset = 0; return []
        case .last: return scroll(&state, by: Int.max / 2)
        case .filter, .sort, .open:
            return []
        default:
            return nil
        }
    }

    static func scroll(_ state: inout ConsoleState, by delta: Int) -> [AppCommand<ConsoleEffect>] {
        let rect = historyRect(state)
        let count = historyLines(state, width: rect.width).count
        let offset = state.screens.audit.offset
        state.screens.audit.offset = max(0, min(offset + delta, count - rect.height))
        return []
    }

    /// An action key of the queues pressed on this screen: the role's rule when it has one,
    /// else where to act.
    static func refuse(_ state: inout ConsoleState, _ change: Workflow.DeskChange) -> [AppCommand<ConsoleEffect>] {
        let l = state.language
        if let rule = Workflow.roleRule(change, by: state.me.role) {
            ConsoleApp.say(&state, WorkflowRefusal(rule, ticket: state.screens.audit.incident).message(l), error: true)
        } else {
            ConsoleApp.say(&state, l.pick(en: "the Audit screen only reads; act on incidents from their queue (Tab)",
                                          zh: "审计界面只读；请在队列中处理事件（Tab 切换）"), error: true)
        }
        return []
    }

    static func submit(_ state: inout ConsoleState, _ form: FormDialogState) -> [AppCommand<ConsoleEffect>] {
        let text = (form.value(of: "id") ?? "").trimmingCharacters(in: .whitespaces)
        let id = Int64(text).flatMap { $0 > 0 ? TicketID($0) : nil } ?? TicketID(parsing: text.uppercased())
        guard let id else {
            state.sentForm = nil
            ConsoleApp.say(&state, state.pick("not an incident number: \(text) (type 42 or INC-000042)",
                                              "不是事件编号：\(text)（请输入 42 或 INC-000042）"), error: true)
            return []
        }
        state.sentForm = nil
        state.screens.audit.incident = id
        state.screens.audit.history = nil
        state.screens.audit.offset = 0
        return [.perform(.screen(.loadAuditHistory(id)))]
    }

    static func handle(_ state: inout ConsoleState, _ message: ScreenMessage) -> [AppCommand<ConsoleEffect>] {
        let l = state.language
        switch message {
        case let .audit(.success(overview)):
            state.screens.audit.overview = overview
        case let .audit(.failure(error)), let .auditHistory(.failure(error)):
            ConsoleApp.say(&state, error.message(l, timeZone: state.timeZone), error: true)
        case let .auditProgress(checked):
            state.screens.audit.progress = checked
        case let .verified(result):
            state.screens.audit.verifyingSince = nil
            switch result {
            case let .success(verification):
                state.screens.audit.progress = verification.checked
                // Shown at once, even when the desk could not record it (a read-only copy).
                state.screens.audit.overview?.last = LastVerification(verification, at: state.now, by: state.me.login)
                state.screens.audit.overview?.lastByName = state.me.name
                let head = verification.head ?? .empty
                if let found = verification.firstBreak {
                    ConsoleApp.say(&state, l.pick(en: "The record does not hold: ", zh: "记录未通过核验：") + found.message(l), error: true)
                } else {
                    ConsoleApp.say(&state, l.pick(en: "The record holds: \(verification.checked) events checked, chain head event \(head.lastID)",
                                                  zh: "记录完好：已核对 \(verification.checked) 条事件记录，哈希链头为事件记录 \(head.lastID)"))
                }
            case let .failure(error):
                ConsoleApp.say(&state, error.message(l, timeZone: state.timeZone), error: true)
            }
            return [.perform(.screen(.loadAudit))]
        case let .auditHistory(.success(history)):
            guard history.id == state.screens.audit.incident else { return [] }
            if history.ticket == nil, history.events.isEmpty {
                state.screens.audit.incident = nil
                state.screens.audit.history = nil
                ConsoleApp.say(&state, l.pick(en: "\(history.id) is not in the record", zh: "记录中没有 \(history.id)"), error: true)
                return []
            }
            let reloaded = state.screens.audit.history?.id == history.id
            state.screens.audit.history = history
            if !reloaded { state.screens.audit.offset = 0 }
        default:
            break
        }
        return []
    }

    // MARK: Drawing

    /// Room for the overview beside the history (wide screens) or above it.
    static func isWide(_ width: Int) -> Bool { width >= 140 }
    static let panelWidth = 76

    static func layout(_ rect: Rect) -> (overview: Rect, history: Rect) {
        if isWide(rect.width) {
            let overview = Rect(x: rect.x, y: rect.y, width: panelWidth, height: rect.height)
            return (overview, Rect(x: rect.x + panelWidth + 1, y: rect.y, width: max(0, rect.width - panelWidth - 1), height: rect.height))
        }
        let (top, rest) = rect.splitTop(min(rect.height, overviewHeight))
        return (top, rest)
    }

    /// Rows of the overview on a narrow screen.
    static let overviewHeight = 6

    /// Where the history's lines go (below its title row).
    static func historyRect(_ state: ConsoleState) -> Rect {
        let body = ConsoleLayout(size: state.size, banners: ConsoleApp.banners(state).count).table
        let area = layout(body).history
        return Rect(x: area.x + 1, y: area.y + 1, width: max(0, area.width - 2), height: max(0, area.height - 1))
    }

    static func draw(_ state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard !rect.isEmpty else { return }
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            let (overviewRect, historyArea) = layout(rect)
            let lines = overviewLines(state, wide: isWide(rect.width))
            for (row, line) in lines.prefix(overviewRect.height).enumerated() {
                if line.1 == .header {
                    canvas.fill(Rect(x: overviewRect.x, y: overviewRect.y + row, width: overviewRect.width, height: 1), role: .header)
                }
                canvas.put(line.0, x: overviewRect.x + 1, y: overviewRect.y + row, role: line.1, maxWidth: overviewRect.width - 2, ellipsis: true)
            }
            if isWide(rect.width) {
                for y in rect.y..<rect.maxY { canvas.put(canvas.glyphs.vertical, x: overviewRect.maxX, y: y, role: .border) }
            }
            guard !historyArea.isEmpty else { return }
            let titleRow = Rect(x: historyArea.x, y: historyArea.y, width: historyArea.width, height: 1)
            canvas.fill(titleRow, role: .header)
            canvas.put(historyTitle(state), x: titleRow.x + 1, y: titleRow.y, role: .header, maxWidth: titleRow.width - 2, ellipsis: true)
            let body = Rect(x: historyArea.x + 1, y: historyArea.y + 1, width: max(0, historyArea.width - 2), height: max(0, historyArea.height - 1))
            let history = historyLines(state, width: body.width)
            let start = max(0, min(state.screens.audit.offset, history.count - body.height))
            for (row, line) in history.dropFirst(start).prefix(body.height).enumerated() {
                canvas.put(line.0, x: body.x, y: body.y + row, role: line.1, maxWidth: body.width)
            }
        }
    }

    static func time(_ date: Date, _ state: ConsoleState) -> String { DisplayTime.format(date, in: state.timeZone) }

    /// The chain and the last verification, as (text, role) lines.
    static func overviewLines(_ state: ConsoleState, wide: Bool) -> [(String, ThemeRole)] {
        let l = state.language
        let audit = state.screens.audit
        var lines: [(String, ThemeRole)] = [(l.pick(en: "Record integrity: the event chain", zh: "记录完整性：事件哈希链"), .header)]
        guard let overview = audit.overview else {
            lines.append((l.pick(en: "Loading…", zh: "加载中…"), .muted))
            return lines
        }
        // Chain head.
        if let head = overview.head {
            lines.append((l.pick(en: "Chain   \(head.count) events · head event #\(head.lastID)", zh: "哈希链  \(head.count) 条事件记录 · 链头事件 #\(head.lastID)")
                          + (overview.lastEventID > head.lastID ? l.pick(en: " · newest event #\(overview.lastEventID)", zh: " · 最新事件 #\(overview.lastEventID)") : ""),
                          overview.lastEventID > head.lastID ? .breached : .normal))
            lines.append(("SHA-256 \(head.hex)", .muted))
        } else {
            lines.append((l.pick(en: "Chain   the head row is missing: verify to find out why", zh: "哈希链  链头记录缺失：请核验以查明原因"), .breached))
            lines.append(("SHA-256 —", .muted))
        }
        // Last verification.
        if let last = overview.last {
            let who = last.by.map { login in overview.lastByName.map { "\($0) (\(login))" } ?? login } ?? "—"
            lines.append((l.pick(en: "Last verified \(time(last.at, state)) by \(who)", zh: "最近核验 \(time(last.at, state))，核验人 \(who)"), .normal))
            if last.holds {
                let since = (overview.head?.count ?? 0) - (last.headEvents ?? 0)
                let after = since > 0 ? l.pick(en: " · \(since) event(s) written since", zh: " · 此后新增 \(since) 条") : ""
                lines.append((l.pick(en: "  holds: \(last.checked) events checked", zh: "  记录完好：已核对 \(last.checked) 条") + after, .ok))
            } else {
                let what = last.breakMessage(l) ?? l.pick(en: "a break", zh: "发现断点")
                lines.append((l.pick(en: "  DOES NOT HOLD: ", zh: "  未通过：") + what, .breached))
            }
        } else {
            lines.append((l.pick(en: "Last verified never (press F4 or v)", zh: "最近核验 从未核验（按 F4 或 v）"), .warning))
            lines.append(("", .normal))
        }
        // What runs now.
        if let since = audit.verifyingSince {
            let total = overview.head?.count ?? 0
            let elapsed = Int(max(0, state.now.timeIntervalSince(since)))
            lines.append((l.pick(en: "Verifying… \(audit.progress) of \(total) events checked (\(elapsed) s)",
                                 zh: "正在核验… 已核对 \(audit.progress)/\(total) 条（\(elapsed) 秒）"), .warning))
        } else {
            lines.append((l.pick(en: "F4/v verify now · F5/i an incident's whole history", zh: "F4/v 立即核验 · F5/i 查看事件全部记录"), .muted))
        }
        guard wide else { return lines }
        // Wide screens: what the verification checks, and the break in full.
        lines.append(("", .normal))
        lines.append((l.pick(en: "What a verification checks", zh: "核验内容"), .header))
        let checks = l == .zh
            ? ["每条事件记录的 SHA-256 与前一条相连，逐条重算", "没有事件被删除、修改、插入或调换顺序", "链头记录指向最后一条事件", "没有工单被绕过 ShiftDesk 删除",
               "交接班与确认记录与记录日志一致"]
            : ["every event's SHA-256, chained to the one before, recomputed", "no event deleted, edited, inserted or reordered",
               "the head row names the last event", "no ticket deleted behind ShiftDesk's back",
               "every handover and acknowledgement as journaled"]
        for check in checks { lines.append(("  · " + check, .muted)) }
        if let last = overview.last, !last.holds, let message = last.breakMessage(l) {
            lines.append(("", .normal))
            lines.append((l.pick(en: "First break", zh: "第一个断点"), .header))
            for line in ScrollText.wrap(message, width: panelWidth - 4) { lines.append(("  " + line, .breached)) }
            if let event = last.breakEvent {
                lines.append((l.pick(en: "  event #\(event) · kind \(last.breakKind ?? "—")", zh: "  事件记录 #\(event) · 类型 \(last.breakKind ?? "—")"), .muted))
            }
        }
        return lines
    }

    static func historyTitle(_ state: ConsoleState) -> String {
        let l = state.language
        let audit = state.screens.audit
        guard let id = audit.incident else { return l.pick(en: "Incident history", zh: "事件记录") }
        guard let history = audit.history, history.id == id else { return l.pick(en: "\(id) · loading…", zh: "\(id) · 加载中…") }
        guard let ticket = history.ticket else {
            return l.pick(en: "\(id) · \(history.events.count) events · the ticket row is gone", zh: "\(id) · \(history.events.count) 条记录 · 工单已不存在")
        }
        return "\(id) · \(TerminalText.sanitize(ticket.title)) · \(ticket.state.label(l)) · v\(ticket.version) · "
            + l.pick(en: "\(history.events.count) events", zh: "\(history.events.count) 条记录")
    }

    /// Every event of the incident shown, oldest first, wrapped to `width`.
    static func historyLines(_ state: ConsoleState, width: Int) -> [(String, ThemeRole)] {
        let l = state.language
        let audit = state.screens.audit
        guard width > 0 else { return [] }
        guard let id = audit.incident else {
            return ScrollText.wrap(l.pick(en: "Press F5 or i and type an incident's number to read its whole history: every event with its instant, actor, origin, each field before and after, and the note.",
                                          zh: "按 F5 或 i 并输入事件编号，查看其全部记录：每条记录的时间、操作人、来源、每个字段的变更前后以及备注。"),
                                   width: width).map { ($0, .muted) }
        }
        guard let history = audit.history, history.id == id else { return [(l.pick(en: "Loading…", zh: "加载中…"), .muted)] }
        var lines: [(String, ThemeRole)] = []
        if history.ticket == nil {
            lines += ScrollText.wrap(l.pick(en: "The ticket row of \(id) is gone (deleted behind ShiftDesk's back); its events remain. `audit verify` names the deletion.",
                                            zh: "\(id) 的工单记录已不存在（被绕过 ShiftDesk 删除）；其事件记录仍在。`audit verify` 会指出该删除。"),
                                     width: width).map { ($0, .breached) }
        }
        func name(_ login: String) -> String { history.names[login].map { "\(TerminalText.sanitize($0)) (\(login))" } ?? login }
        let indent = "      "
        let inner = max(1, width - indent.count)
        for event in history.events {
            let origin = event.origin == .serve ? "serve" : "local"
            lines.append(("#\(event.id)  \(time(event.at, state))  \(TerminalText.sanitize(name(event.actor)))  \(origin)  \(event.kind.label(l))", .title))
            for change in event.changes {
                let text = "\(change.field): \(change.before ?? "—") → \(change.after ?? "—")"
                lines += ScrollText.wrap(text, width: inner).map { (indent + $0, .normal) }
            }
            if let note = event.note {
                lines += ScrollText.wrap(l.pick(en: "note: ", zh: "备注：") + "“\(note)”", width: inner).map { (indent + $0, .muted) }
            }
        }
        if history.events.isEmpty { lines.append((l.pick(en: "no events", zh: "没有事件记录"), .breached)) }
        return lines
    }

    /// The status line's left side.
    static func status(_ state: ConsoleState) -> String {
        let l = state.language
        var text = " \(state.queue.label(l))"
        if let head = state.screens.audit.overview?.head { text += l.pick(en: " · chain head #\(head.lastID)", zh: " · 链头 #\(head.lastID)") }
        if state.screens.audit.verifyingSince != nil { text += l.pick(en: " · verifying…", zh: " · 核验中…") }
        return text
    }
}

extension LastVerification {
    /// A verification just run, as it is recorded.
    init(_ verification: AuditVerification, at instant: Date, by login: String) {
        self.init(at: instant, by: login, holds: verification.holds, checked: verification.checked,
                  headEvent: verification.head?.lastID, headEvents: verification.head?.count, headSHA256: verification.head?.hex,
                  from: verification.from, breakKind: verification.firstBreak?.kind, breakEvent: verification.firstBreak?.event,
                  message: verification.firstBreak?.message(.en), messageZH: verification.firstBreak?.message(.zh))
    }
}

extension ConsoleServices {
    func execute(audit effect: ScreenEffect) throws -> ConsoleMessage? {
        switch effect {
        case .loadAudit:
            return try Blocking.run { [desk] in
                do throws(StoreError) {
                    let snapshot = try await desk.store.chainSnapshot()
                    let last = try await AuditVerifier.lastVerification(in: desk.store)
                    var name: String?
                    if let login = last?.by { name = try await desk.store.findOperator(login: login)?.name }
                    return .screen(.audit(.success(AuditOverview(head: snapshot.head, lastEventID: snapshot.lastEventID, last: last, lastByName: name))))
                } catch {
                    return .screen(.audit(.failure(.store(error))))
                }
            }
        case .verifyAudit:
            let progress = auditProgress
            progress.set(0)
            return try Blocking.run { [desk, me] in
                do throws(StoreError) {
                    let result = try await AuditVerifier.verifyAndRecord(desk.store, clock: desk.clock, by: me.login) { progress.set($0) }
                    return .screen(.verified(.success(result)))
                } catch {
                    return .screen(.verified(.failure(.store(error))))
                }
            }
        case .auditProgress:
            return .screen(.auditProgress(auditProgress.value))
        case let .loadAuditHistory(id):
            return try Blocking.run { [desk] in
                do throws(StoreError) {
                    let ticket = try await desk.store.ticket(id)
                    let events = try await desk.store.events(of: id)
                    let names = Dictionary(try await desk.store.operators().map { ($0.login, $0.name) }, uniquingKeysWith: { a, _ in a })
                    return .screen(.auditHistory(.success(AuditHistory(id: id, ticket: ticket, events: events, names: names))))
                } catch {
                    return .screen(.auditHistory(.failure(.store(error))))
                }
            }
        default:
            return nil
        }
    }
}
