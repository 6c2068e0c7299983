import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// What an acknowledgement did: the handover as stored, and takes the workflow refused.
public struct HandoverAcknowledgement: Sendable {
    public var handover: Handover
    public var refusedTakes: [DeskError]
}

extension ConsoleApp {
    /// Opens the handover screen on the tab the moment calls for.
    static func openHandover(_ state: inout ConsoleState, tab: HandoverScreen.Tab? = nil) -> [AppCommand<ConsoleEffect>] {
        state.handover.tab = tab ?? HandoverScreen.naturalTab(overview: state.handoverOverview, now: state.now)
        state.mode = .handover
        return loadCommands(for: state.handover.tab, &state)
    }

    static func loadCommands(for tab: HandoverScreen.Tab, _ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        switch tab {
        case .prepare:
            // A draft being written survives a look elsewhere; a new shift starts a new one.
            if let draft = state.handover.draft, draft.from == state.handoverOverview?.shift { return [] }
            state.handover.draft = nil
            state.handover.draftError = nil
            return [.perform(.loadHandoverDraft)]
        case .review:
            state.handover.reviewTable.reconcile(with: HandoverView.reviewRows(state))
            return ConsoleApp.refresh(state)
        case .history:
            let week = state.handover.historyWeek ?? HandoverView.weekStart(of: state.now, in: state.timeZone)
            state.handover.historyWeek = week
            return [.perform(.loadHandoverHistory(HandoverView.week(startingAt: week, in: state.timeZone)))]
        }
    }

    static func handleHandoverMessage(_ state: inout ConsoleState, _ message: ConsoleMessage) -> [AppCommand<ConsoleEffect>] {
        let l = state.language
        switch message {
        case let .handoverDraft(.success(draft)):
            state.handover.draft = draft
            state.handover.draftError = nil
            state.handover.prepareTable.reconcile(with: HandoverView.prepareRows(state))
        case let .handoverDraft(.failure(error)):
            state.handover.draftError = error.message(l, timeZone: state.timeZone)
        case let .handoverHistory(.success(list)):
            state.handover.history = list
            state.handover.historyTable.reconcile(with: HandoverView.historyRows(state))
        case let .handoverHistory(.failure(error)), let .handoverSubmitted(.failure(error)), let .handoverAcknowledged(.failure(error)):
            say(&state, error.message(l, timeZone: state.timeZone), error: true)
        case let .handoverSubmitted(.success(handover)):
            state.handover.draft = nil
            say(&state, l.pick(en: "Handover #\(handover.id) submitted: \(handover.items.count) incident(s) to \(handover.to.shift.label(l))"
                                   + (handover.preparedInWindow ? "" : " (outside the prepare window)"),
                               zh: "交接 #\(handover.id) 已提交：\(handover.items.count) 个事件交给\(handover.to.shift.label(l))"
                                   + (handover.preparedInWindow ? "" : "（不在交班时段内）")))
            state.handover.tab = .history
            state.handover.historyWeek = HandoverView.weekStart(of: state.now, in: state.timeZone)
            state.handover.historyTable.selectedID = handover.id
            return ConsoleApp.refresh(state) + loadCommands(for: .history, &state)
        case let .handoverItem(.success(ticket), note):
            do throws(HandoverDraft.Refusal) {
                try state.handover.draft?.add(ticket, note: note)
                state.handover.prepareTable.selectedID = ticket.id.number
                state.handover.prepareTable.reconcile(with: HandoverView.prepareRows(state))
            } catch {
                say(&state, error.message(l), error: true)
            }
        case let .handoverItem(.failure(error), _):
            say(&state, error.message(l, timeZone: state.timeZone), error: true)
        case let .handoverAcknowledged(.success(result)):
            let acked = result.handover.items.filter { $0.acknowledgedBy == state.me.login }.count
            if let refusal = result.refusedTakes.first {
                say(&state, l.pick(en: "acknowledged; not taken: ", zh: "已确认；未能接手：") + refusal.message(l, timeZone: state.timeZone), error: true)
            } else {
                say(&state, l.pick(en: "Handover #\(result.handover.id): \(acked) of \(result.handover.items.count) acknowledged by you",
                                   zh: "交接 #\(result.handover.id)：你已确认 \(acked)/\(result.handover.items.count) 项"))
            }
            return ConsoleApp.refresh(state)
        default:
            break
        }
        return []
    }

    static func handoverRows(_ state: ConsoleState) -> [TableRow<Int64>] {
        switch state.handover.tab {
        case .prepare: HandoverView.prepareRows(state)
        case .review: HandoverView.reviewRows(state)
        case .history: HandoverView.historyRows(state)
        }
    }

    static func handleHandoverKey(_ state: inout ConsoleState, _ key: KeyEvent, pageSize: Int) -> [AppCommand<ConsoleEffect>] {
        let screen = state.handover
        guard let action = ConsoleKeys.keymap.action(for: key.key, in: screen.context) else { return [] }
        let l = state.language
        state.afterForm = .handover
        if screen.opened != nil {
            switch action {
            case .back, .open: state.handover.opened = nil; state.handover.openedOffset = 0
            case .moveDown: state.handover.openedOffset += 1
            case .moveUp: state.handover.openedOffset = max(0, screen.openedOffset - 1)
            case .quit: return [.quit]
            case .help: state.mode = .help(offset: 0)
            default: break
            }
            return []
        }
        // Submitting and acknowledging are refused at the key to a role that may not (the auditor).
        if let change = ConsoleKeys.change(of: action), let rule = Workflow.roleRule(change, by: state.me.role) {
            say(&state, WorkflowRefusal(rule).message(l), error: true)
            return []
        }
        switch action {
        case .quit: return [.quit]
        case .help: state.mode = .help(offset: 0)
        case .back: state.mode = .browse
        case .nextPane:
            let next = HandoverScreen.Tab(rawValue: (screen.tab.rawValue + 1) % HandoverScreen.Tab.allCases.count) ?? .prepare
            state.handover.tab = next
            return loadCommands(for: next, &state)
        case .command: state.mode = .command(TextFieldState(visibleWidth: max(10, state.size.columns - 4)))
        // Prepare.
        case .handoverTick:
            guard let id = screen.prepareTable.selectedID, let ticket = screen.draft?.items.first(where: { $0.ticket.id.number == id })?.ticket else { return [] }
            state.handover.draft?.toggle(ticket.id)
        case .handoverItemNote:
            guard let id = screen.prepareTable.selectedID, let item = screen.draft?.items.first(where: { $0.ticket.id.number == id }) else { return [] }
            var form = ConsoleForms.text(l, title: l.pick(en: "Status note for \(item.ticket.id)", zh: "\(item.ticket.id) 的交接说明"),
                                         label: l.pick(en: "Note", zh: "说明"))
            form.fields[0].kind = .text(TextFieldState(text: item.note, visibleWidth: 50, field: .handoverNote))
            state.mode = .form(form, .handoverNote(item.ticket.id))
        case .handoverAdd:
            guard screen.draft != nil else { return [] }
            state.mode = .form(FormDialogState(title: l.pick(en: "Add an incident to the handover", zh: "添加事件到交接单"), fields: [
                FormField(id: "id", label: l.pick(en: "Incident", zh: "事件编号"), kind: .text(TextFieldState(visibleWidth: 14, maxLength: 20)), required: true),
                ConsoleForms.field("note", l.pick(en: "Status note", zh: "交接说明"), .handoverNote),
            ], language: l), .handoverAdd)
        case .handoverGeneralNote, .handoverSubmit:
            guard let draft = screen.draft else { return [] }
            let submitting = action == .handoverSubmit
            let title = submitting
                ? l.pick(en: "Hand \(draft.included.count) incident(s) to \(draft.to.shift.label(l))", zh: "将 \(draft.included.count) 个事件交给\(draft.to.shift.label(l))")
                : l.pick(en: "Note for the next shift", zh: "给下一班的说明")
            var form = FormDialogState(title: title, fields: [ConsoleForms.field("note", l.pick(en: "General note", zh: "总体说明"), .handoverNote, width: 50)], language: l)
            form.fields[0].kind = .text(TextFieldState(text: draft.note, visibleWidth: 50, field: .handoverNote))
            if submitting { form.okLabel = l.pick(en: "Submit", zh: "提交") }
            state.mode = .form(form, submitting ? .handoverSubmit : .handoverGeneralNote)
        // Review.
        case .handoverAck, .handoverAckTake, .handoverAckAll:
            guard let overview = state.handoverOverview, let rowID = screen.reviewTable.selectedID,
                  let (handover, item) = HandoverScreen.reviewItem(rowID, in: overview.incoming) else {
                say(&state, l.pick(en: "nothing to acknowledge", zh: "没有待确认的交接"), error: true)
                return []
            }
            let tickets = action == .handoverAckAll ? handover.unacknowledged.map(\.ticket) : [item.ticket]
            guard !tickets.isEmpty, action == .handoverAckAll || !item.isAcknowledged else {
                say(&state, l.pick(en: "already acknowledged", zh: "已确认过"), error: true)
                return []
            }
            let what = tickets.count == 1 ? tickets[0].description : l.pick(en: "\(tickets.count) incidents of #\(handover.id)", zh: "交接 #\(handover.id) 的 \(tickets.count) 个事件")
            state.mode = .form(FormDialogState(title: l.pick(en: "Acknowledge \(what)", zh: "确认 \(what)"), fields: [
                ConsoleForms.field("note", l.pick(en: "Note (optional)", zh: "备注（可选）"), .handoverNote),
                ConsoleForms.choice("take", l.pick(en: "Take it over", zh: "同时接手"), [l.pick(en: "no", zh: "否"), l.pick(en: "yes", zh: "是")],
                                    selected: action == .handoverAckTake ? 1 : 0),
            ], language: l), .handoverAck(handover.id, tickets))
        // History.
        case .handoverEarlier, .handoverLater:
            let week = screen.historyWeek ?? HandoverView.weekStart(of: state.now, in: state.timeZone)
            state.handover.historyWeek = HandoverView.shifted(week: week, by: action == .handoverEarlier ? -1 : 1, in: state.timeZone)
            state.handover.history = nil
            return loadCommands(for: .history, &state)
        case .open:
            if screen.tab == .history, let id = screen.historyTable.selectedID {
                state.handover.opened = id
                state.handover.openedOffset = 0
            } else if screen.tab == .prepare {
                return handleHandoverKey(&state, KeyEvent(.character("n")), pageSize: pageSize)
            } else if screen.tab == .review {
                return handleHandoverKey(&state, KeyEvent(.character("a")), pageSize: pageSize)
            }
        default:
            let rows = handoverRows(state)
            switch screen.tab {
            case .prepare: state.handover.prepareTable.navigate(action, rows: rows, pageSize: pageSize)
            case .review: state.handover.reviewTable.navigate(action, rows: rows, pageSize: pageSize)
            case .history: state.handover.historyTable.navigate(action, rows: rows, pageSize: pageSize)
            }
        }
        return []
    }

    static func submitHandoverForm(_ state: inout ConsoleState, _ form: FormDialogState,
                                   _ purpose: ConsoleState.FormPurpose) -> [AppCommand<ConsoleEffect>] {
        let l = state.language
        func value(_ id: String) -> String { (form.value(of: id) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        switch purpose {
        case let .handoverNote(ticket):
            state.handover.draft?.setNote(value("text"), for: ticket)
        case .handoverGeneralNote:
            state.handover.draft?.note = value("note")
        case .handoverSubmit:
            guard var draft = state.handover.draft else { return [] }
            draft.note = value("note")
            state.handover.draft = draft
            return [.perform(.submitHandover(draft))]
        case .handoverAdd:
            guard let id = TicketID(parsing: value("id")) else {
                say(&state, l.pick(en: "not an incident number: \(value("id")) (e.g. INC-000042 or 42)", zh: "不是事件编号：\(value("id"))（如 INC-000042 或 42）"), error: true)
                return []
            }
            guard state.entry(id) != nil else {
                say(&state, l.pick(en: "\(id) is not an unfinished incident of this desk", zh: "\(id) 不是本服务台未完成的事件"), error: true)
                return []
            }
            // The queue holds only a row of it: the handover item is the whole incident, read now.
            return [.perform(.loadHandoverItem(id, note: value("note")))]
        case let .handoverAck(handover, tickets):
            let note = value("note")
            let take = form.fields.contains { field in
                if field.id == "take", case let .choice(_, selected) = field.kind { return selected == 1 }
                return false
            }
            // The next item still waiting is where the operator goes on.
            let rows = HandoverView.reviewRows(state)
            let acknowledging = Set(tickets.map { HandoverScreen.reviewRowID(handover: handover, ticket: $0) })
            let after = rows.firstIndex { $0.id == state.handover.reviewTable.selectedID }.map { $0 + 1 } ?? 0
            let incoming = state.handoverOverview?.incoming ?? []
            let waiting = { (row: TableRow<Int64>) in
                !acknowledging.contains(row.id) && HandoverScreen.reviewItem(row.id, in: incoming).map { !$0.1.isAcknowledged } == true
            }
            if let next = rows[after...].first(where: waiting) ?? rows.first(where: waiting) {
                state.handover.reviewTable.selectedID = next.id
            }
            return [.perform(.acknowledgeHandover(handover, tickets: tickets, note: note.isEmpty ? nil : note, take: take))]
        default:
            break
        }
        return []
    }
}
