import Foundation
import ShiftDeskCore
import ShiftDeskStore

public enum ConsoleEffect: Sendable {
    /// Every ticket not closed (a whole load).
    case reload
    /// The most urgent tickets of one queue and its size, for the first frame.
    case loadFirstPage(QueueKind, limit: Int)
    /// What every seat wrote since the console's last load.
    case refresh(after: Int64)
    /// An action on the ticket a row shows, refused if it changed since that version; the
    /// desk reads the whole ticket it acts on.
    case act(TicketAction, QueueTicket)
    case open(TicketDraft, resolution: String?)
    case loadDetail(TicketID)
    case sweep
    case confirmCall(Int64)
    /// Mark a result told to the desk seen.
    case seeNotice(Int64)
    case printSheet(QueueTicket)
    case raiseProblem(title: String, QueueTicket)
    case loadTheme(String)
    case loadHandoverDraft
    /// The incident to add to the handover being prepared, read whole.
    case loadHandoverItem(TicketID, note: String)
    case loadHandoverHistory(DateInterval)
    case submitHandover(HandoverDraft)
    case acknowledgeHandover(Int64, tickets: [TicketID], note: String?, take: Bool)
    /// The supervisor's view, the weekly review, the reports.
    case screen(ScreenEffect)
    /// Forget the form kept from the last session (it was offered and taken up).
    case discardKeptForm
    /// Hand back what a whole load used and no longer needs: the store's page caches, the
    /// allocator's free pages (in every thread's arena, the main thread's sort of 100k rows too).
    case releaseMemory
}

/// What a load brings: tickets, the calls to make, and the handovers.
public struct ConsoleSnapshot: Sendable {
    public enum Tickets: Sendable {
        /// Every ticket not closed, as of the store's `revision` or later.
        case everything([QueueEntry], revision: Int64)
        /// The most urgent tickets of one queue, of `total`.
        case firstPage([QueueEntry], queue: QueueKind, total: ConsoleState.QueueTotal)
        /// The tickets written since the last load, up to `revision`.
        case changed([QueueEntry], revision: Int64)
    }

    public var tickets: Tickets
    /// The oldest calls nobody has confirmed, and how many there are in all.
    public var calls: [OutboxMessage]
    public var callCount: Int
    public var handovers: HandoverOverview?
    /// Results told to the desk that are this operator's to see.
    public var notices: [OutboxMessage]
    /// For the incident manager: what the weekly-review and report reminders are made from.
    public var reminders: ReminderFacts?

    public init(_ tickets: Tickets, calls: [OutboxMessage], callCount: Int? = nil, handovers: HandoverOverview?,
                notices: [OutboxMessage] = []) {
        self.tickets = tickets
        self.calls = calls
        self.callCount = callCount ?? calls.count
        self.handovers = handovers
        self.notices = notices
    }

    /// Every ticket not closed.
    public init(entries: [QueueEntry], calls: [OutboxMessage], handovers: HandoverOverview?) {
        self.init(.everything(entries, revision: 0), calls: calls, handovers: handovers)
    }
}

public enum ConsoleMessage: Sendable {
    case loaded(ConsoleSnapshot)
    case acted(Result<Workflow.Outcome, DeskError>)
    case raised(Result<Problem, DeskError>)
    case opened(Result<Ticket, DeskError>)
    case detail(ConsoleState.Detail?)
    case swept(fired: Int)
    case confirmed(Bool)
    /// A result told to the desk marked seen (false: someone saw it first).
    case noticeSeen(Bool)
    case sheet(path: String?, error: String?)
    case failed(String)
    case theme(ThemeLoadResult)
    case handoverDraft(Result<HandoverDraft, DeskError>)
    case handoverItem(Result<Ticket, DeskError>, note: String)
    case handoverHistory(Result<[Handover], DeskError>)
    case handoverSubmitted(Result<Handover, DeskError>)
    case handoverAcknowledged(Result<HandoverAcknowledgement, DeskError>)
    /// The database cannot be reached; the text says why.
    case connectionLost(String)
    case screen(ScreenMessage)
}

/// The console's update and render: pure functions of the state and the event.
public struct ConsoleApp {
    public static let sweepInterval: TimeInterval = 15

    // MARK: Update

    public static func update(_ state: inout ConsoleState, _ event: AppEvent<ConsoleMessage>) -> [AppCommand<ConsoleEffect>] {
        var commands = apply(&state, event)
        // The form kept from the last session fills the same form when it opens, once.
        if let kept = state.keptForm, case .form(var form, let purpose) = state.mode, kept.fill(&form, for: purpose) {
            form.message = state.pick("Restored what you were typing when the console closed", "已恢复控制台关闭时正在填写的内容")
            state.mode = .form(form, purpose)
            state.keptForm = nil
            commands.append(.perform(.discardKeptForm))
        }
        // Whatever changed what the queue shows, its order follows here, once; the selection
        // follows the order when it changed.
        if QueueOrder.refresh(&state) { state.table.reconcile(with: rows(state)) }
        return ConsoleScreens.oneSupervisorLoad(&state, commands)
    }

    static func apply(_ state: inout ConsoleState, _ event: AppEvent<ConsoleMessage>) -> [AppCommand<ConsoleEffect>] {
        switch event {
        case let .tick(now):
            state.now = now
            let screens = ConsoleScreens.tick(&state)
            if now >= state.nextSweep {
                state.nextSweep = now.addingTimeInterval(sweepInterval)
                // Off the console's thread: a sweep that fires many steps must not hold up keys or the first frame.
                return [.performInBackground(.sweep)] + screens
            }
            return screens
        case let .resize(size):
            state.size = size
            return []
        case .externalChange:
            return reloadCommands(state)
        case let .result(message):
            return handle(&state, message)
        case let .key(key):
            return handleKey(&state, key)
        }
    }

    static func reloadCommands(_ state: ConsoleState) -> [AppCommand<ConsoleEffect>] {
        if case let .detail(id, _) = state.mode { return refresh(state) + [.perform(.loadDetail(id))] }
        if state.mode.showsHandover(afterForm: state.afterForm), state.handover.tab == .history, let week = state.handover.historyWeek {
            return refresh(state) + [.perform(.loadHandoverHistory(HandoverView.week(startingAt: week, in: state.timeZone)))]
        }
        let commands = refresh(state) + ConsoleScreens.reload(state)
        // The documents come along with every change read (the banner shows on every queue);
        // while a whole load is on its way nothing is read twice.
        if commands.isEmpty || state.queue == .documents { return commands }
        return commands + [.perform(.screen(.loadDocuments))]
    }

    /// Brings the queues up to date: only what was written since the last load is read.
    static func refresh(_ state: ConsoleState) -> [AppCommand<ConsoleEffect>] {
        switch state.coverage {
        case .nothing: [.perform(.reload)]
        // The whole load is on its way and catches up when it lands.
        case .firstPage: []
        case let .everything(revision): [.perform(.refresh(after: revision))]
        }
    }

    static func say(_ state: inout ConsoleState, _ text: String, error: Bool = false) {
        state.message = TerminalText.sanitize(text)
        state.messageIsError = error
    }

    static func handle(_ state: inout ConsoleState, _ message: ConsoleMessage) -> [AppCommand<ConsoleEffect>] {
        if let lost = unreachable(message) { return connectionLost(&state, lost) }
        if case let .refused(refusal)? = failure(of: message), state.sentForm != nil {
            // The duty table said no to what the form asked: the form comes back as typed, with the reason.
            restoreSentForm(&state, message: refusal.message(state.language))
            return reloadCommands(state)
        }
        switch message {
        case .loaded, .acted(.success), .opened(.success), .raised(.success), .handoverSubmitted(.success), .handoverAcknowledged(.success):
            state.sentForm = nil
        default: break
        }
        if state.connectionLost != nil, case .loaded = message {
            state.connectionLost = nil
            say(&state, state.pick("Reconnected: the queue is up to date", "已重新连接：队列已更新"))
        }
        switch message {
        case let .loaded(snapshot):
            // The console's first load is what was already waiting when it opened: the banner counts
            // those calls (C lists them); only a call that arrives afterwards is new and pops up.
            // Popping the oldest one over the first frame made the operator's first key close it.
            let firstLoad = state.coverage == .nothing
            let hadCalls = Set(state.myCalls.map(\.id))
            let hadNotices = Set(state.notices.map(\.id))
            var commands: [AppCommand<ConsoleEffect>] = []
            switch snapshot.tickets {
            case let .everything(entries, revision):
                // Whatever was written while the load ran (a refresh may even have landed first) is read again.
                // The memory the load went through is handed back once this update's sort is done.
                commands = [.perform(.refresh(after: revision)), .perform(.releaseMemory)]
                state.entries = entries
                state.reindex()
                state.coverage = .everything(revision: revision)
                // The supervisor's view counts holders from the rows: now it has them all.
                if state.queue == .supervisor { commands.append(ConsoleScreens.loadSupervisor) }
            case let .firstPage(entries, queue, total):
                state.entries = entries
                state.reindex()
                state.coverage = .firstPage(queue: queue, total: total)
            case let .changed(entries, revision):
                guard case .everything = state.coverage else { break }
                state.merge(entries)
                state.coverage = .everything(revision: revision)
            }
            state.calls = snapshot.calls
            state.callCount = snapshot.callCount
            state.notices = snapshot.notices
            state.reminderFacts = snapshot.reminders
            state.handoverOverview = snapshot.handovers
            state.handedOver = snapshot.handovers?.pending ?? [:]
            let listed = Set(snapshot.handovers?.recent.flatMap { $0.items.map(\.ticket) } ?? [])
            state.handoverTickets = Dictionary(listed.compactMap { state.entry($0).map { ($0.ticket.id, $0.ticket) } },
                                               uniquingKeysWith: { first, _ in first })
            state.handover.reviewTable.reconcile(with: HandoverView.reviewRows(state))
            // A new call for this operator pops up at once.
            if !firstLoad, case .browse = state.mode, let call = state.myCalls.first(where: { !hadCalls.contains($0.id) }),
               state.me.role != .l1, state.me.role != .l2 {
                state.mode = .call(call)
            } else if !firstLoad, case .browse = state.mode, let notice = state.notices.first(where: { !hadNotices.contains($0.id) }) {
                // A result told to the desk pops up like a call, once; it stays in the banner and on its row until seen.
                state.mode = .notice(notice)
            }
            return commands
        case let .acted(.success(outcome)):
            say(&state, "\(outcome.ticket.id) \(outcome.event.kind.label(state.language)): \(outcome.ticket.state.label(state.language))")
            return reloadCommands(state)
        case let .acted(.failure(error)), let .opened(.failure(error)):
            say(&state, error.message(state.language, timeZone: state.timeZone), error: true)
            return reloadCommands(state)
        case let .raised(.success(problem)):
            say(&state, state.pick("Raised \(problem.id) for the problem manager", "已提交 \(problem.id) 给问题经理"))
            return reloadCommands(state)
        case let .raised(.failure(error)):
            say(&state, error.message(state.language, timeZone: state.timeZone), error: true)
            return []
        case let .opened(.success(ticket)):
            say(&state, state.pick("Logged \(ticket.id)", "已登记 \(ticket.id)"))
            state.table.selectedID = ticket.id.number
            return refresh(state)
        case let .detail(detail):
            state.detail = detail
            return []
        case let .swept(fired):
            if fired > 0 {
                say(&state, state.pick("\(fired) management escalation step(s) fired", "触发 \(fired) 级管理升级"))
                return refresh(state)
            }
            return []
        case let .confirmed(done):
            if !done { say(&state, state.pick("someone else already confirmed that call", "该电话已由他人确认"), error: true) }
            return refresh(state)
        case let .noticeSeen(done):
            if !done { say(&state, state.pick("a colleague already saw that result", "该处理结果已由其他坐席确认")) }
            return refresh(state)
        case let .sheet(path, error):
            if let error { say(&state, error, error: true) } else if let path { say(&state, state.pick("sheet saved: \(path)", "现场服务单已保存：\(path)")) }
            return reloadCommands(state)
        case let .failed(text):
            say(&state, text, error: true)
            // A load that failed is no longer on its way: the next change or minute asks again.
            state.screens.supervisor.loading = false
            return []
        case let .theme(result):
            if let warning = result.warnings.first { say(&state, warning, error: true) }
            return [.setTheme(result.theme)]
        case .handoverDraft, .handoverItem, .handoverHistory, .handoverSubmitted, .handoverAcknowledged:
            return handleHandoverMessage(&state, message)
        case .connectionLost:
            return []
        case let .screen(message):
            return ConsoleScreens.handle(&state, message)
        }
    }

    /// The desk's answer when it is a failure.
    static func failure(of message: ConsoleMessage) -> DeskError? {
        switch message {
        case let .acted(.failure(e)), let .opened(.failure(e)), let .raised(.failure(e)), let .handoverDraft(.failure(e)),
             let .handoverHistory(.failure(e)), let .handoverSubmitted(.failure(e)), let .handoverAcknowledged(.failure(e)):
            e
        default:
            nil
        }
    }

    /// Why the database could not be reached, when that is what the message says.
    static func unreachable(_ message: ConsoleMessage) -> String? {
        if case let .connectionLost(reason) = message { return reason }
        guard case let .store(store)? = failure(of: message), store.isUnreachable else { return nil }
        return store.message(.en)
    }

    /// Opens the last form sent again, as it was typed, with `message` in it.
    static func restoreSentForm(_ state: inout ConsoleState, message: String) {
        guard let sent = state.sentForm else { return }
        var form = sent.form
        form.message = message
        state.afterForm = sent.returnTo
        state.mode = .form(form, sent.purpose)
        state.sentForm = nil
    }

    /// The database went away: say so, keep following (the poll reconnects), and give back
    /// the form that could not be sent, with everything typed in it.
    static func connectionLost(_ state: inout ConsoleState, _ reason: String) -> [AppCommand<ConsoleEffect>] {
        if state.connectionLost == nil { state.connectionLost = (state.now, reason) }
        say(&state, reason, error: true)
        state.screens.supervisor.loading = false
        restoreSentForm(&state, message: state.pick("Not sent: the database cannot be reached. Your entry is kept; press Enter once reconnected.",
                                                    "未发送：无法连接数据库。内容已保留，重新连接后按 Enter 再次提交。"))
        return []
    }

    static func context(_ state: ConsoleState) -> ScreenContext {
        if let context = ConsoleScreens.context(state) { return context }
        return switch state.mode {
        case .detail: .detail
        case .handover: state.handover.context
        case .help, .form, .filter, .command, .call, .notice:
            switch state.afterForm {
            case .detail: .detail
            case .handover: state.handover.context
            default: .queue
            }
        case .browse: .queue
        }
    }

    static func handleKey(_ state: inout ConsoleState, _ key: KeyEvent) -> [AppCommand<ConsoleEffect>] {
        let pageSize = TableView.visibleRowCount(height: ConsoleLayout(size: state.size, banners: banners(state).count).table.height)
        switch state.mode {
        case let .help(offset):
            switch key.key {
            case .down, .character("j"): state.mode = .help(offset: offset + 1)
            case .up, .character("k"): state.mode = .help(offset: max(0, offset - 1))
            default: state.mode = state.afterForm
            }
            return []
        case var .filter(field):
            switch key.key {
            case .escape: state.filter = ""; state.mode = .browse
            case .enter: state.mode = .browse
            default:
                field.handle(key)
                state.filter = field.text
                state.mode = .filter(field)
            }
            return []
        case var .command(field):
            switch key.key {
            case .escape: state.mode = state.afterForm; return []
            case .enter: state.mode = state.afterForm; return runCommand(&state, field.text)
            default: field.handle(key); state.mode = .command(field); return []
            }
        case .form(var form, let purpose):
            if case .newCall = purpose, let handled = KnownErrorMatches.handleKey(&state, key, form) { return handled }
            switch form.handle(key) {
            case .editing:
                state.mode = .form(form, purpose)
                // The known errors that match what the desk agent typed, under the form.
                if case .newCall = purpose { KnownErrorMatches.typed(&state, form) }
                return []
            case .cancelled: state.mode = back(state); return []
            case .submitted:
                state.mode = back(state)
                state.sentForm = (form, purpose, state.mode)
                let commands = submit(&state, form, purpose)
                // A form that only changed the console (a handover note) was not sent: a later
                // refusal or a lost connection must not bring it back as if it had been.
                if !commands.contains(where: \.runsAnEffect) { state.sentForm = nil }
                return commands
            }
        case let .call(call):
            switch key.key {
            case .enter, .character("y"):
                state.mode = .browse
                return [.perform(.confirmCall(call.id))]
            default:
                state.mode = .browse
                return []
            }
        case let .notice(notice):
            state.mode = .browse
            // A result notice is always about an incident; one that is not is only marked seen.
            guard let noticeTicket = notice.ticket else {
                state.notices.removeAll { $0.id == notice.id }
                return [.perform(.seeNotice(notice.id))]
            }
            switch key.key {
            case .enter:
                // Seen: the incident opens, to call the customer from.
                state.notices.removeAll { $0.id == notice.id }
                state.mode = .detail(noticeTicket, offset: 0)
                state.detail = nil
                return [.perform(.seeNotice(notice.id)), .perform(.loadDetail(noticeTicket))]
            case .function(7), .character("c"):
                // Seen, and closed with the survey at once: the customer confirmed on the phone.
                state.notices.removeAll { $0.id == notice.id }
                guard let ticket = state.entry(noticeTicket)?.ticket, ticket.state == .resolved else {
                    return [.perform(.seeNotice(notice.id))]
                }
                state.afterForm = .browse
                state.mode = .form(ConsoleForms.close(state.language, ticket), .close(ticket))
                return [.perform(.seeNotice(notice.id))]
            default:
                // Later: it stays in the banner (V) and on its row.
                return []
            }
        case let .detail(id, offset):
            switch key.key {
            case .escape, .character("q"), .left:
                state.mode = .browse
                return []
            case .down, .character("j"): state.mode = .detail(id, offset: offset + 1); return []
            case .up, .character("k"): state.mode = .detail(id, offset: max(0, offset - 1)); return []
            default: break
            }
        case .handover:
            return handleHandoverKey(&state, key, pageSize: pageSize)
        case .browse:
            break
        }
        guard let action = ConsoleKeys.keymap.action(for: key.key, in: context(state)) else {
            // On the audit screen an action key of the queues is answered, not ignored.
            if context(state) == .audit, let queueAction = ConsoleKeys.keymap.action(for: key.key, in: .queue),
               let change = ConsoleKeys.change(of: queueAction) {
                return AuditScreen.refuse(&state, change)
            }
            if context(state) == .plan, let queueAction = ConsoleKeys.keymap.action(for: key.key, in: .queue),
               let change = ConsoleKeys.change(of: queueAction) {
                return PlanScreen.refuse(&state, change)
            }
            return []
        }
        func need(_ body: (QueueTicket) -> [AppCommand<ConsoleEffect>]) -> [AppCommand<ConsoleEffect>] {
            guard let ticket = state.selectedTicket else { say(&state, state.pick("no incident selected", "未选中事件"), error: true); return [] }
            return body(ticket)
        }
        let l = state.language
        if case .detail = state.mode { state.afterForm = state.mode } else { state.afterForm = .browse }
        // What the role may never do is refused at the key, naming the rule, before any form opens.
        if let change = ConsoleKeys.change(of: action), let rule = Workflow.roleRule(change, by: state.me.role) {
            let ticket = change == .logIncident ? nil : state.selectedTicket?.id
            say(&state, WorkflowRefusal(rule, ticket: ticket).message(l), error: true)
            return []
        }
        if case .browse = state.mode, let handled = ConsoleScreens.handle(&state, action: action) { return handled }
        switch action {
        case .quit: return [.quit]
        case .help: state.mode = .help(offset: 0)
        case .filter: state.mode = .filter(TextFieldState(text: state.filter, visibleWidth: max(10, state.size.columns - 4)))
        case .command: state.mode = .command(TextFieldState(visibleWidth: max(10, state.size.columns - 4)))
        case .back: state.filter = ""; state.message = nil; state.screens.drill = nil
        case .open:
            return need { ticket in
                state.mode = .detail(ticket.id, offset: 0)
                state.detail = nil
                return [.perform(.loadDetail(ticket.id))]
            }
        case .nextQueue, .previousQueue:
            let queues = QueueKind.visible(to: state.me.role)
            let index = queues.firstIndex(of: state.queue) ?? 0
            let step = action == .nextQueue ? 1 : queues.count - 1
            state.queue = queues[(index + step) % queues.count]
            state.screens.drill = nil
            state.table = TableState()
            return ConsoleScreens.enter(&state)
        case .sort:
            let next = ((state.table.sort?.column ?? -1) + 1) % max(1, columns(state).count)
            state.table.sort = TableSort(column: next, ascending: true)
        case .take: return need { [.perform(.act(.take, $0))] }
        case .resume: return need { [.perform(.act(.resume, $0))] }
        case .signSheet: return need { [.perform(.act(.signSheet, $0))] }
        case .printSheet: return need { [.perform(.printSheet($0))] }
        case .openDocuments:
            state.queue = .documents
            state.screens.drill = nil
            state.table = TableState()
            // What awaits the operator first: an owner's approvals, then what to read.
            state.screens.documents.selected = DocumentsScreen.ordered(state).first?.name
            state.screens.documents.showsDiff = false
            state.screens.documents.offset = 0
            return ConsoleScreens.enter(&state)
        case .calls:
            if let call = state.myCalls.first { state.mode = .call(call) } else { say(&state, state.pick("no calls to confirm", "没有待确认的电话")) }
        case .results:
            // The selected incident's result if it has one, else the oldest.
            let selected = state.selectedTicket?.id
            if let notice = state.notices.first(where: { $0.ticket == selected }) ?? state.notices.first {
                state.mode = .notice(notice)
            } else {
                say(&state, state.pick("no results to see", "没有待查看的处理结果"))
            }
        case .newCall:
            state.mode = .form(ConsoleForms.newCall(l), .newCall)
            return KnownErrorMatches.formOpened(&state)
        case .escalate:
            return need { ticket in
                let targets = ConsoleForms.escalationTargets(role: state.me.role, tier: ticket.tier)
                guard !targets.isEmpty else {
                    say(&state, WorkflowRefusal(.escalationPath(from: ticket.tier, to: ticket.tier == .desk ? .l1 : .l2, role: state.me.role),
                                                ticket: ticket.id).message(l), error: true)
                    return []
                }
                state.mode = .form(ConsoleForms.escalate(l, ticket, targets), .escalate(ticket, targets))
                return []
            }
        case .resolve:
            return need {
                state.mode = .form(ConsoleForms.resolve(l, $0, toldDesk: ResultNotice.concernsDesk(resolver: state.me.role)), .resolve($0))
                return []
            }
        case .close: return need { state.mode = .form(ConsoleForms.close(l, $0), .close($0)); return [] }
        case .note: return need { state.mode = .form(ConsoleForms.note(l, $0), .note($0)); return [] }
        case .reopen: return need { state.mode = .form(ConsoleForms.text(l, title: l.pick(en: "Reopen \($0.id)", zh: "重新打开 \($0.id)"), label: l.pick(en: "Why it is not fixed", zh: "原因")), .reopen($0)); return [] }
        case .raiseProblem:
            return need { ticket in
                var form = ConsoleForms.text(l, title: l.pick(en: "Raise a problem from \(ticket.id)", zh: "由 \(ticket.id) 提交问题单"),
                                             label: l.pick(en: "Problem", zh: "问题"), limit: .problemTitle)
                form.fields[0].kind = .text(TextFieldState(text: ticket.title, visibleWidth: 50, field: .problemTitle))
                state.mode = .form(form, .raiseProblem(ticket))
                return []
            }
        case .pend: return need { state.mode = .form(ConsoleForms.pend(l, $0), .pend($0)); return [] }
        case .handover: return openHandover(&state)
        case .priority: return need { state.mode = .form(ConsoleForms.priority(l, $0), .priority($0)); return [] }
        default:
            _ = state.table.navigate(action, rows: rows(state), pageSize: pageSize)
        }
        return []
    }

    /// Where a form returns to: the incident's detail if it was opened from there.
    static func back(_ state: ConsoleState) -> ConsoleState.Mode { state.afterForm }

    static func submit(_ state: inout ConsoleState, _ form: FormDialogState, _ purpose: ConsoleState.FormPurpose) -> [AppCommand<ConsoleEffect>] {
        func value(_ id: String) -> String { form.value(of: id) ?? "" }
        func choice(_ id: String) -> Int {
            for field in form.fields where field.id == id { if case let .choice(_, selected) = field.kind { return selected } }
            return 0
        }
        switch purpose {
        case .newCall:
            let draft = newCallDraft(form)
            let resolution = value("resolution").trimmingCharacters(in: .whitespaces)
            return [.perform(.open(draft, resolution: resolution.isEmpty ? nil : resolution))]
        case let .escalate(ticket, targets):
            return [.perform(.act(.escalate(to: targets[choice("to")], note: value("note")), ticket))]
        case let .resolve(ticket):
            let told = choice("told") == 1
            return [.perform(.act(choice("fix") == 1 ? .resolveWithWorkaround(note: value("text"), toldDesk: told)
                                      : .resolve(note: value("text"), toldDesk: told), ticket))]
        case let .note(ticket): return [.perform(.act(.note(value("text"), customerUpdate: choice("customer") == 1), ticket))]
        case let .reopen(ticket): return [.perform(.act(.reopen(note: value("text")), ticket))]
        case let .raiseProblem(ticket): return [.perform(.raiseProblem(title: value("text"), ticket))]
        case let .pend(ticket): return [.perform(.act(.pend(choice("reason") == 0 ? .customer : .vendor), ticket))]
        case let .priority(ticket): return [.perform(.act(.changePriority(Priority.allCases[choice("priority")]), ticket))]
        case let .screen(purpose): return ConsoleScreens.submit(&state, form, purpose)
        case let .close(ticket):
            // The answers are 1…5 then "unreachable" (ConsoleForms.surveyAnswers); nothing chosen never reaches here (required).
            let answer = choice("score")
            guard (0...5).contains(answer) else { return [] }
            let survey: Satisfaction = answer == 5 ? .unreachable : .rated(score: answer + 1, comment: value("comment"))
            return [.perform(.act(.close(survey), ticket))]
        case .handoverNote, .handoverGeneralNote, .handoverAdd, .handoverSubmit, .handoverAck:
            return submitHandoverForm(&state, form, purpose)
        }
    }

    /// The call a Log-a-call form describes.
    static func newCallDraft(_ form: FormDialogState) -> TicketDraft {
        func value(_ id: String) -> String { form.value(of: id) ?? "" }
        func choice(_ id: String) -> Int {
            for field in form.fields where field.id == id { if case let .choice(_, selected) = field.kind { return selected } }
            return 0
        }
        return TicketDraft(
            title: value("title"), description: value("description"),
            caller: Caller(name: value("caller"), phone: value("phone").isEmpty ? nil : value("phone"),
                           department: value("department").isEmpty ? nil : value("department"),
                           email: value("email").isEmpty ? nil : value("email")),
            channel: ConsoleForms.channels[min(ConsoleForms.channels.count - 1, max(0, choice("channel")))],
            priority: Priority.allCases[min(Priority.allCases.count - 1, max(0, choice("priority")))],
            category: value("category"), affectedService: value("service"))
    }

    static func runCommand(_ state: inout ConsoleState, _ text: String) -> [AppCommand<ConsoleEffect>] {
        let words = text.split(separator: " ").map(String.init)
        switch (words.first ?? "", words.count) {
        case ("q", 1), ("quit", 1): return [.quit]
        case ("reload", 1): return [.performInBackground(.reload)]
        case ("theme", 2): return [.perform(.loadTheme(words[1]))]
        case ("lang", 2):
            if let language = Language.parse(words[1]) { state.language = language }
            return []
        case ("queue", 2):
            if let queue = QueueKind(rawValue: words[1]) {
                if queue == .audit, !QueueKind.visible(to: state.me.role).contains(.audit) {
                    say(&state, state.pick("the Audit screen is for the internal auditor, the incident manager and the owner",
                                           "审计界面仅供内审员、事件经理和管理体系负责人使用"), error: true)
                    return []
                }
                if queue == .problems, !ProblemsScreen.mayOpen(state.me.role) {
                    say(&state, state.pick("the Problems queue is for the problem manager, the incident manager, second line, the supervisors, the owner and the auditor; the desk meets known errors in the Log-a-call form",
                                           "问题单队列供问题经理、事件经理、二线、值班主管、管理体系负责人和内审员使用；服务台在登记来电时会看到已知错误"), error: true)
                    return []
                }
                if queue == .plan, !PlanAccess.mayOpenPlan(state.me.role) {
                    say(&state, state.pick("the Plan screen is for the supervisors, the incident manager and the internal auditor",
                                           "坐席计划页仅供值班主管、事件经理和内审员使用"), error: true)
                    return []
                }
                state.mode = .browse
                state.queue = queue
                state.screens.drill = nil
                state.table = TableState()
                return ConsoleScreens.enter(&state)
            } else {
                let names = QueueKind.allCases.map(\.rawValue).joined(separator: " ")
                say(&state, state.pick("queues: \(names)", "队列：\(names)"), error: true)
            }
            return []
        default:
            say(&state, state.pick("unknown command: \(text) (try q, reload, queue NAME, lang zh|en, theme NAME)",
                                   "未知命令：\(text)（可用 q、reload、queue 队列、lang zh|en、theme 主题）"), error: true)
            return []
        }
    }

    // MARK: Rows

    static func columns(_ state: ConsoleState) -> [TableColumn] {
        if state.queue == .supervisor { return SupervisorView.columns(state.language) }
        let zh = state.language == .zh
        return [
            TableColumn(" ID", width: .fixed(11)),
            TableColumn(state.pick("Pri", "级别"), width: .fixed(zh ? 4 : 7)),
            TableColumn(state.pick("Title", "标题"), width: .flex(weight: 3, minimum: 12)),
            TableColumn(state.pick("Caller", "报障人"), width: .flex(weight: 1, minimum: 8)),
            TableColumn(state.pick("Line/holder", "队列/处理人"), width: .flex(weight: 1, minimum: 10)),
            TableColumn(state.pick("State", "状态"), width: .fixed(zh ? 8 : 11)),
            TableColumn(state.pick("SLA", "时限"), width: .fixed(9), alignment: .right),
        ]
    }

    static let slaColumn = 6
    static let defaultSort = TableSort(column: slaColumn, ascending: true)

    /// The current queue's rows, built as the table asks for them.
    static func rows(_ state: ConsoleState) -> TableRows<Int64> {
        if state.queue == .supervisor { return TableRows(SupervisorView.rows(state)) }
        let entries = state.entries, order = state.order.indices
        return TableRows(count: order.count, id: { entries[Int(order[$0])].ticket.id.number }, row: { index in
            let entry = entries[Int(order[index])]
            return TableRow(id: entry.ticket.id.number, cells: (0..<7).map { cell($0, of: entry, state) })
        })
    }

    /// One cell of a queue row; sorting by a column uses the same cell's key.
    static func cell(_ column: Int, of entry: QueueEntry, _ state: ConsoleState) -> TableCell {
        let l = state.language
        let t = entry.ticket
        switch column {
        case 0:
            // » marks an incident handed over and not yet acknowledged by the incoming shift; * one
            // a line resolved whose result this desk agent has not seen yet (V shows it).
            let handedOver = state.handedOver[t.id] != nil
            let resultUnseen = state.noticeTickets.contains(t.id)
            return TableCell((handedOver ? "»" : resultUnseen ? "*" : " ") + t.id.description, sortKey: .number(Double(t.id.number)),
                             role: handedOver || resultUnseen ? .warning : nil)
        case 1:
            let role: ThemeRole = t.priority == .major ? .major : t.priority == .general ? .general : .minor
            return TableCell(t.priority.label(l), sortKey: .number(Double(t.priority.rank)), role: role)
        case 2: return TableCell(t.title)
        case 3:
            // ! : the customer is owed an update ([desk.customer_updates]; F8, kind customer update).
            let caller = t.callerName
            guard t.customerUpdateOverdue(every: state.customerUpdateEvery, now: state.now) else { return TableCell(caller) }
            return TableCell("!" + caller, sortKey: .text(caller), role: .warning)
        case 4: return TableCell("\(t.tier.label(l)) \(t.assignee ?? l.pick(en: "queue", zh: "待受理"))")
        case 5: return TableCell(t.state.label(l), role: t.state == .resolved ? .muted : nil)
        default:
            let key = SortKey.number(entry.ticket.urgency)
            if let countdown = entry.countdown(now: state.now) {
                return TableCell(Countdown.text(countdown), sortKey: key, role: countdown < 0 ? .breached : countdown < 1800 ? .warning : .ok)
            }
            if entry.paused { return TableCell(l.pick(en: "paused", zh: "暂停"), sortKey: key, role: .muted) }
            return TableCell(t.state == .resolved ? l.pick(en: "to close", zh: "待关闭") : "—", sortKey: key, role: .muted)
        }
    }
}
