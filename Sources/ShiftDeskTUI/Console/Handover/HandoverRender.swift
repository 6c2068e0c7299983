import Foundation
import ShiftDeskCore

extension ConsoleApp {
    static func drawHandover(_ state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard rect.height >= 3 else { return }
        let l = state.language
        let screen = state.handover
        canvas.fill(rect)

        // Tabs, then one line on where the shift stands against its window.
        var x = rect.x + 1
        x += canvas.put(l.pick(en: "Handover ", zh: "交接班 "), x: x, y: rect.y, role: .title, maxWidth: rect.maxX - x)
        for tab in HandoverScreen.Tab.allCases {
            x += canvas.put(" \(tab.label(l)) ", x: x, y: rect.y, role: tab == screen.tab ? .selected : .header, maxWidth: max(0, rect.maxX - x))
            x += 1
        }
        let (summary, summaryRole) = summaryLine(state)
        canvas.put(summary, x: rect.x + 1, y: rect.y + 1, role: summaryRole, maxWidth: rect.width - 2, ellipsis: true)

        var table = Rect(x: rect.x, y: rect.y + 2, width: rect.width, height: rect.height - 2)
        switch screen.tab {
        case .prepare:
            guard let draft = screen.draft else {
                CenteredMessage.draw([screen.draftError ?? l.pick(en: "Working out what to hand over…", zh: "正在整理交接内容…")],
                                     in: table, canvas: &canvas, role: screen.draftError == nil ? .muted : .error)
                return
            }
            if table.height > 4 {
                let note = draft.note.isEmpty ? l.pick(en: "(none — g to write one)", zh: "（无 — 按 g 填写）") : draft.note
                canvas.put(l.pick(en: "Note for the next shift: ", zh: "给下一班的说明：") + note, x: rect.x + 1, y: table.maxY - 1,
                           role: draft.note.isEmpty ? .muted : .normal, maxWidth: rect.width - 2, ellipsis: true)
                table.height -= 1
            }
            TableView.draw(columns: HandoverView.prepareColumns(l), rows: HandoverView.prepareRows(state), state: screen.prepareTable,
                           in: table, canvas: &canvas,
                           emptyMessage: l.pick(en: "Nothing unfinished: a to add an incident, F2 to record an empty handover",
                                                zh: "没有未完成的事件：按 a 添加，按 F2 提交空交接"))
        case .review:
            // The outgoing shifts' general notes come first: they are what the next shift reads first.
            for handover in state.handoverOverview?.incoming ?? [] where !handover.note.isEmpty && table.height > 6 {
                canvas.put(l.pick(en: "#\(handover.id) \(handover.preparedBy): ", zh: "#\(handover.id) \(handover.preparedBy)：") + handover.note,
                           x: rect.x + 1, y: table.y, role: .title, maxWidth: rect.width - 2, ellipsis: true)
                table.y += 1
                table.height -= 1
            }
            // The selected item's whole note, which the table column may have cut.
            if table.height > 4, let id = screen.reviewTable.selectedID,
               let (_, item) = HandoverScreen.reviewItem(id, in: state.handoverOverview?.incoming ?? []) {
                canvas.put("\(item.ticket): \(item.note)", x: rect.x + 1, y: table.maxY - 1, role: .muted, maxWidth: rect.width - 2, ellipsis: true)
                table.height -= 1
            }
            TableView.draw(columns: HandoverView.reviewColumns(l), rows: HandoverView.reviewRows(state), state: screen.reviewTable,
                           in: table, canvas: &canvas,
                           emptyMessage: l.pick(en: "Nothing was handed over to this shift", zh: "没有交给本班的事件"))
        case .history:
            if let id = screen.opened, let handover = screen.history?.first(where: { $0.id == id }) {
                drawHandoverRecord(handover, state, offset: screen.openedOffset, in: table, canvas: &canvas)
            } else if screen.history == nil {
                CenteredMessage.draw([l.pick(en: "Loading…", zh: "加载中…")], in: table, canvas: &canvas, role: .muted)
            } else {
                TableView.draw(columns: HandoverView.historyColumns(l), rows: HandoverView.historyRows(state), state: screen.historyTable,
                               in: table, canvas: &canvas,
                               emptyMessage: l.pick(en: "No handover this week ([ earlier, ] later)", zh: "本周无交接记录（[ 上一周，] 下一周）"))
            }
        }
    }

    static func summaryLine(_ state: ConsoleState) -> (String, ThemeRole) {
        let l = state.language
        let screen = state.handover
        switch screen.tab {
        case .prepare:
            guard let draft = screen.draft else { return ("", .muted) }
            let (window, role) = HandoverView.windowText(draft.from.prepareWindow, name: l.pick(en: "prepare", zh: "交班"), state)
            var text = "\(HandoverView.shiftText(draft.from, state)) → \(HandoverView.shortShift(draft.to, state).prefix { $0 != " " }) · \(window) · "
                + l.pick(en: "\(draft.included.count) of \(draft.items.count) ticked", zh: "已勾选 \(draft.included.count)/\(draft.items.count)")
            if let done = state.handoverOverview?.submittedByShift.first {
                text += l.pick(en: " · #\(done.id) already submitted at \(DisplayTime.clock(done.preparedAt, in: state.timeZone))",
                               zh: " · 已于 \(DisplayTime.clock(done.preparedAt, in: state.timeZone)) 提交 #\(done.id)")
            }
            return (text, role)
        case .review:
            guard let overview = state.handoverOverview else { return ("", .muted) }
            let (window, role) = HandoverView.windowText(overview.shift.reviewWindow, name: l.pick(en: "review", zh: "接班"), state)
            let pending = overview.pendingForShift
            return ("\(HandoverView.shiftText(overview.shift, state)) · \(window) · "
                    + l.pick(en: "\(pending) to acknowledge", zh: "待确认 \(pending) 项"), pending > 0 && role == .warning ? .breached : role)
        case .history:
            let week = HandoverView.week(startingAt: screen.historyWeek ?? HandoverView.weekStart(of: state.now, in: state.timeZone), in: state.timeZone)
            let first = DisplayTime.format(week.start, in: state.timeZone).prefix(10)
            let last = DisplayTime.format(week.end.addingTimeInterval(-1), in: state.timeZone).prefix(10)
            let list = screen.history ?? []
            let compliant = list.filter(\.compliant).count
            let open = list.filter { $0.preparedInWindow && $0.acknowledgedInWindow(asOf: state.now) == nil }.count
            return (l.pick(en: "Week of \(first): \(list.count) handover(s), \(compliant) by the rules"
                               + (open > 0 ? ", \(open) open" : "") + " · [ earlier ] later",
                           zh: "\(first) – \(last) 当周：交接 \(list.count) 次，符合规定 \(compliant) 次"
                               + (open > 0 ? "，\(open) 次待确认" : "") + " · [ 上一周  ] 下一周"),
                    compliant + open == list.count ? .ok : .warning)
        }
    }

    static func acknowledgementLine(_ h: Handover, _ state: ConsoleState) -> (String, ThemeRole) {
        let l = state.language
        switch h.acknowledgedInWindow(asOf: state.now) {
        case true?:
            return (l.pick(en: "Every item acknowledged within the incoming shift's first half hour", zh: "全部事件均在接班后半小时内确认"), .ok)
        case nil:
            return (l.pick(en: "Review window open until \(DisplayTime.clock(h.to.reviewWindow.end, in: state.timeZone)): \(h.unacknowledged.count) item(s) to acknowledge",
                           zh: "接班时段至 \(DisplayTime.clock(h.to.reviewWindow.end, in: state.timeZone))：\(h.unacknowledged.count) 项待确认"), .warning)
        case false?:
            return (l.pick(en: "Not every item acknowledged within the incoming shift's first half hour (\(h.unacknowledged.count) still pending)",
                           zh: "未在接班后半小时内全部确认（仍有 \(h.unacknowledged.count) 项待确认）"), .breached)
        }
    }

    static func drawHandoverRecord(_ h: Handover, _ state: ConsoleState, offset: Int, in rect: Rect, canvas: inout Canvas) {
        let l = state.language
        func time(_ date: Date) -> String { DisplayTime.format(date, in: state.timeZone) }
        var lines: [(String, ThemeRole)] = [
            (l.pick(en: "Handover #\(h.id): \(HandoverView.shiftText(h.from, state)) → \(HandoverView.shiftText(h.to, state))",
                    zh: "交接 #\(h.id)：\(HandoverView.shiftText(h.from, state)) → \(HandoverView.shiftText(h.to, state))"), .title),
            (l.pick(en: "Prepared by \(h.preparedBy) at \(time(h.preparedAt)) — ", zh: "\(h.preparedBy) 于 \(time(h.preparedAt)) 提交 — ")
                + (h.preparedInWindow ? l.pick(en: "in the window", zh: "按时") : l.pick(en: "OUTSIDE the window", zh: "不在交班时段内")),
             h.preparedInWindow ? .ok : .breached),
            acknowledgementLine(h, state),
        ]
        if !h.note.isEmpty { lines.append((l.pick(en: "Note: ", zh: "说明：") + h.note, .normal)) }
        lines.append(("", .normal))
        for item in h.items {
            lines.append(("\(item.ticket)  \(item.note)", .normal))
            if let at = item.acknowledgedAt {
                let late = at > h.to.reviewWindow.end
                lines.append(("    ✓ \(item.acknowledgedBy ?? "") \(time(at))" + (late ? l.pick(en: " (late)", zh: "（超时）") : "")
                              + (item.acknowledgementNote.map { "  “\($0)”" } ?? ""), late ? .warning : .ok))
            } else {
                lines.append(("    " + l.pick(en: "not acknowledged", zh: "未确认"), .breached))
            }
        }
        canvas.withClip(rect) { canvas in
            let start = max(0, min(offset, lines.count - rect.height))
            for (row, line) in lines.dropFirst(start).prefix(rect.height).enumerated() {
                canvas.put(line.0, x: rect.x + 1, y: rect.y + row, role: line.1, maxWidth: rect.width - 2, ellipsis: true)
            }
        }
    }
}
