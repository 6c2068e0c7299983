import Foundation
import ShiftDeskCore

/// Where things go on the screen.
struct ConsoleLayout {
    var header: Rect
    var banners: [Rect] = []
    var table: Rect
    var status: Rect
    var keyBar: Rect
    var body: Rect

    init(size: TerminalSize, banners count: Int) {
        let screen = Rect(size: size)
        let (header, rest) = screen.splitTop(1)
        let (middle, keyBar) = rest.splitBottom(1)
        var (body, status) = middle.splitBottom(1)
        self.body = body
        // Banners never take more than a third of the screen.
        for _ in 0..<min(count, max(0, body.height / 3)) {
            let (top, remainder) = body.splitTop(1)
            banners.append(top)
            body = remainder
        }
        self.header = header
        table = body
        self.status = status
        self.keyBar = keyBar
    }
}

extension ConsoleApp {
    public static func render(_ state: ConsoleState, _ canvas: inout Canvas, _ context: RenderContext) {
        let l = state.language
        let notices = banners(state)
        let layout = ConsoleLayout(size: context.size, banners: notices.count)

        // Header: product, queue tabs, who, clock.
        canvas.fill(layout.header, role: .header)
        var x = layout.header.x + canvas.put(" ShiftDesk ", x: layout.header.x, y: layout.header.y, role: .title)
        let clock = DisplayTime.format(state.now, in: state.timeZone).suffix(8)
        // The tabs leave room for the clock (eight tabs do not fit in 80 columns).
        let tabsEnd = layout.header.maxX - DisplayWidth.width(of: "\(clock) ") - 1
        for queue in QueueKind.visible(to: state.me.role) {
            let label = " \(queue.label(l)) "
            x += canvas.put(label, x: x, y: layout.header.y, role: queue == state.queue ? .selected : .header,
                            maxWidth: max(0, tabsEnd - x))
        }
        let who = "\(state.me.name) · \(state.me.role.label(l)) \(clock) "
        let whoWidth = DisplayWidth.width(of: who)
        if layout.header.maxX - whoWidth > x + 1 {
            canvas.put(who, x: layout.header.maxX - whoWidth, y: layout.header.y, role: .header)
        } else {
            let short = "\(clock) "
            canvas.put(short, x: max(x, layout.header.maxX - DisplayWidth.width(of: short)), y: layout.header.y, role: .header)
        }

        for (banner, notice) in zip(layout.banners, notices) {
            canvas.fill(banner, role: notice.1)
            canvas.put(notice.0, x: banner.x, y: banner.y, role: notice.1, maxWidth: banner.width, ellipsis: true)
        }

        let rows = Self.rows(state)
        var table = state.table
        table.reconcile(with: rows)
        if case let .detail(id, offset) = state.mode {
            drawDetail(state, id: id, offset: offset, in: layout.table, canvas: &canvas)
        } else if state.mode.showsHandover(afterForm: state.afterForm) {
            drawHandover(state, in: layout.table, canvas: &canvas)
        } else if ConsoleScreens.draw(state, in: layout.table, canvas: &canvas) {
            // The supervisor's view, the weekly review or the reports.
        } else {
            TableView.draw(columns: columns(state), rows: rows, state: table, in: layout.table, canvas: &canvas,
                           emptyMessage: state.loaded ? l.pick(en: "Nothing in this queue", zh: "该队列为空") : l.pick(en: "Loading…", zh: "加载中…"))
        }

        switch state.mode {
        case let .filter(field):
            canvas.fill(layout.status, role: .input)
            let used = canvas.put("/ ", x: 0, y: layout.status.y, role: .title)
            field.draw(in: Rect(x: used, y: layout.status.y, width: layout.status.width - used, height: 1), canvas: &canvas, focused: true)
        case let .command(field):
            canvas.fill(layout.status, role: .input)
            let used = canvas.put(": ", x: 0, y: layout.status.y, role: .title)
            field.draw(in: Rect(x: used, y: layout.status.y, width: layout.status.width - used, height: 1), canvas: &canvas, focused: true)
        default:
            var left = ConsoleScreens.status(state) ?? " \(state.queue.label(l)): \(queueSize(state, shown: rows.count))"
            if !state.filter.isEmpty { left += " · / \(state.filter)" }
            if state.mode.showsHandover(afterForm: state.afterForm) { left = " " + l.pick(en: "Shift handover", zh: "交接班") }
            StatusLine.draw(left: left, right: (state.message ?? "") + " ", in: layout.status, canvas: &canvas,
                            role: state.messageIsError ? .error : .status)
        }
        KeyBar.draw(keyBarItems(state), in: layout.keyBar, canvas: &canvas)

        switch state.mode {
        case let .help(offset):
            HelpView.draw(entries: ConsoleKeys.keymap.helpEntries(in: Self.context(state), language: l),
                          title: l.pick(en: "Keys", zh: "按键"), footer: l.pick(en: "Esc closes · :q quits · :queue NAME · :lang zh|en", zh: "Esc 关闭 · :q 退出 · :queue 队列 · :lang zh|en"),
                          offset: offset, in: layout.body, canvas: &canvas)
        case let .form(form, purpose):
            if case .newCall = purpose {
                KnownErrorMatches.draw(state, form: form, in: layout.body, canvas: &canvas)
            } else {
                form.draw(in: layout.body, canvas: &canvas)
            }
        case let .call(call):
            let lines = [
                l.pick(en: "Call now: \(call.address)", zh: "请立即致电：\(call.address)"),
                call.subject,
                l.pick(en: "Enter/y: I called · Esc: later", zh: "Enter/y：已致电 · Esc：稍后"),
            ]
            let width = min(layout.body.width - 2, max(40, lines.map { DisplayWidth.width(of: $0) }.max() ?? 40) + 4)
            let inner = Modal.frame(width: width, height: lines.count + 2, title: l.pick(en: "Escalation call", zh: "升级电话"), in: layout.body, canvas: &canvas)
            canvas.withClip(inner) { canvas in
                for (index, line) in lines.enumerated() {
                    canvas.put(line, x: inner.x + 1, y: inner.y + index, role: index == 0 ? .warning : .dialog, maxWidth: inner.width - 2, ellipsis: true)
                }
            }
        case let .notice(notice):
            let lines = [
                TerminalText.sanitize(notice.subject),
                l.pick(en: "Call the customer and close.", zh: "请致电客户确认并关闭。"),
                l.pick(en: "Enter: open · c/F7: close with the survey · Esc: later", zh: "Enter：查看 · c/F7：关闭并做满意度调查 · Esc：稍后"),
            ]
            let width = min(layout.body.width - 2, max(40, lines.map { DisplayWidth.width(of: $0) }.max() ?? 40) + 4)
            let inner = Modal.frame(width: width, height: lines.count + 2, title: l.pick(en: "Result from the line", zh: "处理结果"),
                                    in: layout.body, canvas: &canvas)
            canvas.withClip(inner) { canvas in
                for (index, line) in lines.enumerated() {
                    canvas.put(line, x: inner.x + 1, y: inner.y + index, role: index == 0 ? .warning : .dialog, maxWidth: inner.width - 2, ellipsis: true)
                }
            }
        default:
            break
        }
    }

    /// One-line notices above the queue: calls to make, handovers waiting, handover lapses.
    static func banners(_ state: ConsoleState) -> [(String, ThemeRole)] {
        let l = state.language
        var notices: [(String, ThemeRole)] = []
        if let lost = state.connectionLost {
            notices.append((l.pick(en: " ⚠ Reconnecting to the desk database (lost \(DisplayTime.clock(lost.since, in: state.timeZone))) · may be stale · typing kept",
                                   zh: " ⚠ 正在重新连接服务台数据库（\(DisplayTime.clock(lost.since, in: state.timeZone)) 断开）— 所见内容可能已过时；输入内容会保留"), .breached))
        }
        // Past the calls listed, the banner counts every call not confirmed.
        let calls = state.calls.count < state.callCount && !state.myCalls.isEmpty ? state.callCount : state.myCalls.count
        if calls > 0 {
            notices.append((l.pick(en: " ☎ \(calls) escalation call(s) to make and confirm — press C",
                                   zh: " ☎ 有 \(calls) 个升级电话待拨打并确认 — 按 C"), .warning))
        }
        if !state.notices.isEmpty {
            notices.append((l.pick(en: " * \(state.notices.count) result(s) from L1/L2 to see, call the customer and close — press V",
                                   zh: " * 有 \(state.notices.count) 个一线/二线处理结果待查看，请致电客户并关闭 — 按 V"), .warning))
        }
        if let unread = DocumentsScreen.banner(state) { notices.append(unread) }
        if state.me.role == .im, let facts = state.reminderFacts {
            // The weekly review on the week's last working day; a report owed until it is delivered.
            for reminder in facts.reminders(now: state.now, timeZone: state.timeZone) {
                switch reminder {
                case .weeklyReview: notices.append((" » " + reminder.text(l, timeZone: state.timeZone), .ok))
                case .reportOwed: notices.append((" » " + reminder.text(l, timeZone: state.timeZone), .warning))
                }
            }
        }
        guard let overview = state.handoverOverview else { return notices }
        if state.me.role == .desk, overview.pendingForShift > 0, !(state.mode.showsHandover(afterForm: state.afterForm) && state.handover.tab == .review) {
            notices.append((l.pick(en: " » \(overview.pendingForShift) handed-over incident(s) to acknowledge — press H",
                                   zh: " » 有 \(overview.pendingForShift) 个交接事件待确认 — 按 H"), .warning))
        }
        if state.me.role == .im || state.me.role == .supervisor || state.me.role == .owner {
            for lapse in overview.lapses {
                switch lapse {
                case let .notPrepared(shift):
                    notices.append((l.pick(en: " ! Handover lapse: \(HandoverView.shiftText(shift, state)) ended without a handover",
                                           zh: " ! 交接缺失：\(HandoverView.shiftText(shift, state)) 结束时未提交交接"), .breached))
                case let .notAcknowledged(handover, pending):
                    notices.append((l.pick(en: " ! Handover #\(handover.id) to \(HandoverView.shiftText(handover.to, state)): \(pending) item(s) not acknowledged in its first half hour",
                                           zh: " ! 交接 #\(handover.id)（\(HandoverView.shiftText(handover.to, state))）：\(pending) 项未在接班半小时内确认"), .breached))
                }
            }
        }
        return notices
    }

    static func drawDetail(_ state: ConsoleState, id: TicketID, offset: Int, in rect: Rect, canvas: inout Canvas) {
        let l = state.language
        guard let detail = state.detail, detail.ticket.id == id else {
            CenteredMessage.draw([l.pick(en: "Loading \(id)…", zh: "正在加载 \(id)…")], in: rect, canvas: &canvas, role: .muted)
            return
        }
        let t = detail.ticket
        func time(_ date: Date?) -> String { date.map { DisplayTime.format($0, in: state.timeZone) } ?? "—" }
        func name(_ login: String?) -> String { login.map { detail.names[$0].map { n in "\(n) (\(login ?? ""))" } ?? $0 } ?? "—" }
        var lines: [(String, ThemeRole)] = []
        lines.append(("\(t.id)  \(t.priority.label(l))  \(t.state.label(l))  v\(t.version)", t.priority == .major ? .major : .title))
        lines.append((t.title, .title))
        let fields: [(String, String)] = [
            (l.pick(en: "Caller", zh: "报障人"), [t.caller.name, t.caller.phone, t.caller.email, t.caller.department].compactMap { $0 }.joined(separator: " · ")),
            (l.pick(en: "Channel", zh: "渠道"), t.channel.label(l)),
            (l.pick(en: "Category", zh: "类别"), "\(t.category ?? "—") / \(t.affectedService ?? "—")"),
            (l.pick(en: "Line", zh: "队列"), t.tier.label(l)),
            (l.pick(en: "Holder", zh: "处理人"), name(t.assignee)),
            (l.pick(en: "Desk owner", zh: "负责坐席"), name(t.owner)),
            (l.pick(en: "Opened", zh: "开单"), time(t.openedAt)),
            (l.pick(en: "Responded", zh: "首次响应"), time(t.firstResponseAt)),
            (l.pick(en: "Resolved", zh: "解决"), time(t.resolvedAt) + (t.resolutionNote.map { "  “\($0)”" } ?? "")),
            (l.pick(en: "Customer told", zh: "最近告知客户"), time(t.customerToldAt)),
            (l.pick(en: "Closed", zh: "关闭"), time(t.closedAt) + (t.satisfaction.map { "  \($0 == .unreachable ? l.pick(en: "unreachable", zh: "客户无法联系") : $0.auditText)" } ?? "")),
            (l.pick(en: "On-site sheet", zh: "现场服务单"), t.onSiteSheet.printedAt == nil ? "—"
                : l.pick(en: "printed \(time(t.onSiteSheet.printedAt)), signed \(time(t.onSiteSheet.signedAt))",
                         zh: "打印 \(time(t.onSiteSheet.printedAt))，签字 \(time(t.onSiteSheet.signedAt))")),
            (l.pick(en: "Problem", zh: "问题单"), t.problem?.description ?? "—"),
            (l.pick(en: "Flags", zh: "标记"), [t.backfilled ? l.pick(en: "back-filled", zh: "补录") : nil,
                                              t.bypassedDesk ? l.pick(en: "bypassed the desk", zh: "绕过服务台") : nil,
                                              t.reopenCount > 0 ? l.pick(en: "reopened \(t.reopenCount)×", zh: "重开 \(t.reopenCount) 次") : nil]
                .compactMap { $0 }.joined(separator: ", ")),
        ]
        let labelWidth = fields.map { DisplayWidth.width(of: $0.0) }.max() ?? 10
        for (label, value) in fields {
            lines.append((DisplayWidth.fit(label, toWidth: labelWidth) + "  " + value, .normal))
        }
        if !t.description.isEmpty { lines.append((t.description, .muted)) }
        lines.append(("", .normal))
        lines.append((l.pick(en: "SLA", zh: "服务级别"), .title))
        for (name, status) in [(l.pick(en: "respond", zh: "响应"), detail.sla.evaluation.response), (l.pick(en: "resolve", zh: "解决"), detail.sla.evaluation.resolution)] {
            let text: String
            let role: ThemeRole
            if let ended = status.endedAt {
                text = (status.breached ? l.pick(en: "met LATE at ", zh: "超时完成 ") : l.pick(en: "met at ", zh: "按时完成 ")) + time(ended)
                role = status.breached ? .breached : .ok
            } else if status.breached {
                text = l.pick(en: "BREACHED by ", zh: "已超时 ") + DisplayTime.duration(-status.remaining)
                role = .breached
            } else {
                text = l.pick(en: "left ", zh: "剩余 ") + DisplayTime.duration(status.remaining)
                role = status.remaining < 1800 ? .warning : .ok
            }
            lines.append(("  \(name)  \(l.pick(en: "by", zh: "期限")) \(time(status.deadline))  \(text)", role))
        }
        for step in detail.sla.plan.steps {
            let fired = detail.sla.fired.contains(step.level)
            lines.append(("  L\(step.level) +\(SLADuration.format(step.after))  \(time(step.at))  "
                          + (fired ? l.pick(en: "fired", zh: "已触发") : l.pick(en: "pending", zh: "未触发")) + "  "
                          + step.notify.map(\.rawValue).joined(separator: ", "), fired ? .warning : .muted))
        }
        lines.append(("", .normal))
        lines.append((l.pick(en: "History", zh: "处理记录"), .title))
        for event in detail.events.reversed() {
            var text = "  \(time(event.at))  \(name(event.actor))  \(event.kind.label(l))"
            let moved = event.changes.filter { ["state", "tier", "assignee", "priority"].contains($0.field) }
            if event.kind != .opened, !moved.isEmpty {
                text += "  " + moved.map { "\($0.before ?? "—")→\($0.after ?? "—")" }.joined(separator: " ")
            }
            if let note = event.note { text += "  “\(note)”" }
            lines.append((text, .normal))
        }
        canvas.withClip(rect) { canvas in
            let start = max(0, min(offset, lines.count - rect.height))
            for (row, line) in lines.dropFirst(start).prefix(rect.height).enumerated() {
                canvas.put(line.0, x: rect.x + 1, y: rect.y + row, role: line.1, maxWidth: rect.width - 2, ellipsis: true)
            }
        }
    }

    /// The queue's size for the status line; while only the first page is loaded, the store's
    /// count and a word that the rest is on its way.
    /// The bottom bar: the keys of the screen, or, while a form is open, the form's own (the
    /// screen's keys do nothing there).
    static func keyBarItems(_ state: ConsoleState) -> [KeyBarItem] {
        guard case let .form(_, purpose) = state.mode else {
            return ConsoleKeys.keymap.keyBarItems(in: Self.context(state), language: state.language)
        }
        let l = state.language
        if case .newCall = purpose, state.screens.problems.pick != nil {
            return [KeyBarItem(key: "↑↓", label: l.pick(en: "Known error", zh: "选择已知错误")),
                    KeyBarItem(key: "Enter", label: l.pick(en: "Log and resolve with it", zh: "按此登记并解决")),
                    KeyBarItem(key: "Esc", label: l.pick(en: "Back to the call", zh: "返回来电"))]
        }
        var items = [KeyBarItem(key: "Tab", label: l.pick(en: "Next field", zh: "下一项")),
                     KeyBarItem(key: "Enter", label: l.pick(en: "Submit", zh: "提交")),
                     KeyBarItem(key: "Esc", label: l.pick(en: "Cancel", zh: "取消"))]
        if case .newCall = purpose { items.append(KeyBarItem(key: "F5", label: l.pick(en: "Known errors", zh: "已知错误"))) }
        return items
    }

    static func queueSize(_ state: ConsoleState, shown: Int) -> String {
        switch state.coverage {
        case let .firstPage(queue, .exactly(total)) where queue == state.queue:
            "\(total) · " + state.pick("loading the rest…", "正在加载其余…")
        case let .firstPage(queue, .moreThan(bound)) where queue == state.queue:
            state.pick("over \(bound) · loading the rest…", "超过 \(bound) · 正在加载其余…")
        case .firstPage, .nothing:
            state.pick("loading…", "加载中…")
        case .everything:
            "\(shown)"
        }
    }
}
