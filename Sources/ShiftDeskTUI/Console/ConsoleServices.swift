import CNcurses
import Foundation
import ShiftDeskLaunch
import ShiftDeskCore
import ShiftDeskStore

/// Carries out the console's effects against the desk: the only place the console touches the store.
struct ConsoleServices: Sendable {
    let desk: Desk
    let handovers: HandoverDesk
    let documents: DocumentDesk
    let sweep: EscalationSweep
    let me: Operator
    let sheetsDirectory: String
    let themeDirectories: [String]
    /// See ``Console/Setup/confinedFolder``.
    let confinedFolder: String?
    let language: Language
    let link = DatabaseLink()
    /// How far a verification started from the audit screen got.
    let auditProgress = AuditProgress()
    /// Up to this many tickets not closed, a console loads them all before its first frame
    /// (tens of milliseconds); beyond, it opens on a queue's first page and loads the rest behind it.
    var wholeLoadAtOnce = 5_000
    /// The desk's shifts: handovers and the supervisor's view of the shift on duty.
    let schedule: ShiftSchedule
    /// The Plan screen's settings (config.toml `[forecast]`) and the desk's zone.
    let forecastSettings: ForecastSettings
    let timeZone: TimeZone

    init(_ setup: Console.Setup, me: Operator) {
        forecastSettings = setup.forecast
        timeZone = setup.timeZone
        desk = setup.desk
        handovers = HandoverDesk(desk: setup.desk, schedule: setup.schedule)
        documents = DocumentDesk(desk: setup.desk, parsePolicy: setup.parsePolicy, recipients: setup.sweep.directory)
        schedule = setup.schedule
        sweep = setup.sweep
        self.me = me
        sheetsDirectory = setup.sheetsDirectory
        themeDirectories = setup.themeDirectories
        confinedFolder = setup.confinedFolder
        language = setup.language
    }

    /// A theme by name, or by path outside SSH (``Console/Setup/confinedFolder``).
    func loadTheme(_ name: String) -> ThemeLoadResult {
        if confinedFolder != nil, ConfinedFolder.fileName(name) == nil || name.hasSuffix(".toml") {
            let error = ThemeError(origin: name, line: nil, message: language.pick(
                en: "over SSH a theme is chosen by name (default, high-contrast, mono, ascii)", zh: "通过 SSH 只能按名称选择主题（default、high-contrast、mono、ascii）"))
            return ThemeLoadResult(theme: Theme.builtinDefault, warnings: [error.description], errors: [error])
        }
        return Theme.load(nameOrPath: name, searchDirectories: themeDirectories)
    }

    func execute(_ effect: ConsoleEffect) -> ConsoleMessage? {
        if let reason = link.lostReason {
            if case let .loadTheme(name) = effect { return .theme(loadTheme(name)) }
            return .connectionLost(reason)
        }
        do {
            switch effect {
            case .reload:
                return try Blocking.run { [desk, handovers, me] in try await Self.snapshot(desk, handovers: handovers, for: me) }
            case let .loadFirstPage(queue, limit):
                return try Blocking.run { [desk, handovers, me, wholeLoadAtOnce] in
                    try await Self.firstPage(of: queue, limit: limit, wholeLoadAtOnce: wholeLoadAtOnce, desk, handovers: handovers, for: me)
                }
            case let .refresh(revision):
                return try Blocking.run { [desk, handovers, me] in
                    try await Self.changes(after: revision, desk, handovers: handovers, for: me)
                }
            case let .act(action, row):
                return try Blocking.run { [desk, me] in
                    do throws(DeskError) {
                        return .acted(.success(try await desk.perform(action, on: row.id, seenVersion: row.version, by: me)))
                    } catch {
                        return .acted(.failure(error))
                    }
                }
            case let .open(draft, resolution):
                return try Blocking.run { [desk, me] in
                    do throws(DeskError) {
                        let ticket = try await desk.open(draft, as: me.login)
                        if let resolution {
                            // First-contact resolution: logged and resolved in one go.
                            let outcome = try await desk.perform(.resolve(note: resolution), on: ticket.id, as: me.login)
                            return .opened(.success(outcome.ticket))
                        }
                        return .opened(.success(ticket))
                    } catch {
                        return .opened(.failure(error))
                    }
                }
            case let .loadDetail(id):
                return try Blocking.run { [desk] in
                    guard let ticket = try await desk.store.ticket(id) else { return .detail(nil) }
                    let names = Dictionary(try await desk.store.operators().map { ($0.login, $0.name) }, uniquingKeysWith: { a, _ in a })
                    return .detail(ConsoleState.Detail(ticket: ticket, sla: try await desk.sla(of: ticket),
                                                       events: try await desk.store.events(of: id), names: names))
                }
            case .sweep:
                return try Blocking.run { [sweep] in .swept(fired: try await sweep.run().fired.count) }
            case let .seeNotice(id):
                return try Blocking.run { [desk, me] in
                    do throws(DeskError) { return .noticeSeen(try await desk.confirmNotice(id, as: me.login)) } catch { return .acted(.failure(error)) }
                }
            case let .confirmCall(id):
                return try Blocking.run { [desk, me] in
                    do throws(DeskError) { return .confirmed(try await desk.confirmCall(id, as: me.login)) } catch { return .acted(.failure(error)) }
                }
            case let .raiseProblem(title, ticket):
                return try Blocking.run { [desk, me, sweep] in
                    do throws(DeskError) {
                        return .raised(.success(try await desk.raiseProblem(title: title, linking: [ticket.id], as: me.login,
                                                                            recipients: sweep.directory, timeZone: sweep.timeZone)))
                    } catch {
                        return .raised(.failure(error))
                    }
                }
            case let .printSheet(ticket):
                return printSheet(ticket)
            case let .loadTheme(name):
                return .theme(loadTheme(name))
            case .discardKeptForm:
                KeptForm.save(nil, desk.store, login: me.login)
                return nil
            case .releaseMemory:
                // SQLite keeps a page cache per connection; glibc keeps freed memory in each arena.
                try Blocking.run { [desk] in await desk.store.releaseMemory() }
                _ = malloc_trim(0)
                return nil
            case .loadHandoverDraft:
                return try Blocking.run { [handovers, me] in
                    do throws(DeskError) { return .handoverDraft(.success(try await handovers.draft(for: me.login, language: language))) } catch { return .handoverDraft(.failure(error)) }
                }
            case let .loadHandoverItem(id, note):
                return try Blocking.run { [desk] in
                    do throws(StoreError) {
                        guard let ticket = try await desk.store.ticket(id) else { return .handoverItem(.failure(.store(.ticketNotFound(id))), note: note) }
                        return .handoverItem(.success(ticket), note: note)
                    } catch {
                        return .handoverItem(.failure(.store(error)), note: note)
                    }
                }
            case let .loadHandoverHistory(week):
                return try Blocking.run { [desk] in
                    do throws(StoreError) {
                        return .handoverHistory(.success(try await desk.store.handovers(from: week.start, to: week.end, limit: 1000)))
                    } catch {
                        return .handoverHistory(.failure(.store(error)))
                    }
                }
            case let .submitHandover(draft):
                return try Blocking.run { [handovers, me] in
                    do throws(DeskError) { return .handoverSubmitted(.success(try await handovers.submit(draft, as: me.login))) } catch { return .handoverSubmitted(.failure(error)) }
                }
            case let .acknowledgeHandover(id, tickets, note, take):
                return try Blocking.run { [handovers, me] in
                    do throws(DeskError) {
                        let (handover, refused) = try await handovers.acknowledge(id, tickets: tickets, note: note, take: take, as: me.login)
                        return .handoverAcknowledged(.success(HandoverAcknowledgement(handover: handover, refusedTakes: refused)))
                    } catch {
                        return .handoverAcknowledged(.failure(error))
                    }
                }
            case let .screen(effect):
                return try execute(effect)
            }
        } catch let error as StoreError {
            if error.isUnreachable { return .connectionLost(error.message(language)) }
            return .failed(error.message(language))
        } catch let error as DeskError {
            if case let .store(store) = error, store.isUnreachable { return .connectionLost(store.message(language)) }
            return .failed(error.message(language))
        } catch {
            return .failed("\(error)")
        }
    }

    /// Every ticket not closed. The plan stored with each ticket is all a queue needs: no
    /// history is read.
    static func snapshot(_ desk: Desk, handovers: HandoverDesk, for me: Operator) async throws -> ConsoleMessage {
        // The revision is read first: whatever is written during the load is read again by the next refresh.
        let revision = try await desk.store.lastRevision()
        let entries = try await QueueEntry.loadAll(from: desk.store)
        // The pages of whole tickets the load went through are handed back by `.releaseMemory`.
        return try await loaded(.everything(entries, revision: revision), desk, handovers: handovers, for: me)
    }

    /// The most urgent tickets of `queue` and how many it holds: one indexed query, so the
    /// first frame does not wait for the whole desk.
    static func firstPage(of queue: QueueKind, limit: Int, wholeLoadAtOnce: Int, _ desk: Desk, handovers: HandoverDesk,
                          for me: Operator) async throws -> ConsoleMessage {
        guard let query = queue.storeQuery(now: desk.clock.now(), limit: limit),
              let everything = QueueKind.desk.storeQuery(now: desk.clock.now()) else {
            return try await snapshot(desk, handovers: handovers, for: me)
        }
        // Counting 100k open tickets costs more than the page itself: count only far enough to
        // know the desk is too big to load at once; the whole load behind the frame counts it.
        let notClosed = try await desk.store.count(everything, atMost: wholeLoadAtOnce + 1)
        guard notClosed > wholeLoadAtOnce else { return try await snapshot(desk, handovers: handovers, for: me) }
        let tickets = try await desk.store.tickets(query)
        let total = try await desk.store.count(query, atMost: Self.countedBeforeTheFirstFrame + 1)
        return try await loaded(.firstPage(QueueEntry.make(tickets), queue: queue,
                                           total: total > Self.countedBeforeTheFirstFrame ? .moreThan(Self.countedBeforeTheFirstFrame) : .exactly(total)),
                                desk, handovers: handovers, for: me)
    }

    /// A queue's size shown with its first page is counted this far (a few milliseconds);
    /// beyond, it shows "over 10000" until the whole load behind the frame has counted it.
    static let countedBeforeTheFirstFrame = 10_000

    /// What every seat wrote after `revision`.
    static func changes(after revision: Int64, _ desk: Desk, handovers: HandoverDesk, for me: Operator) async throws -> ConsoleMessage {
        var changed: [QueueEntry] = []
        var reached = revision
        while true {
            let page = try await desk.store.ticketsChanged(after: reached, limit: 5_000)
            changed += QueueEntry.make(page.tickets)
            reached = page.revision
            if page.tickets.count < 5_000 { break }
        }
        return try await loaded(.changed(changed, revision: reached), desk, handovers: handovers, for: me)
    }

    /// Calls the console lists at most: the oldest, which are to be made first (a flood of
    /// unconfirmed calls must not slow every refresh down).
    static let callsListed = 200

    /// The tickets with what comes along with every load: the calls to make and the handovers.
    static func loaded(_ tickets: ConsoleSnapshot.Tickets, _ desk: Desk, handovers: HandoverDesk, for me: Operator) async throws -> ConsoleMessage {
        let calls = try await desk.store.pendingCalls(limit: callsListed)
        let count = calls.count < callsListed ? calls.count : try await desk.store.pendingCallCount()
        var snapshot = ConsoleSnapshot(tickets, calls: calls, callCount: count, handovers: try await handovers.overview(for: me),
                                       notices: try await resultNotices(for: me, desk, schedule: handovers.schedule))
        if me.role == .im { snapshot.reminders = try await reminderFacts(desk) }
        return .loaded(snapshot)
    }

    /// What the incident manager is reminded from: when the record began, the reports delivered,
    /// the desk's timeliness setting and its working days.
    static func reminderFacts(_ desk: Desk) async throws -> ReminderFacts {
        let since = try await desk.store.earliestOpening()
        // Only the reports owed now matter: each is delivered once its mail has gone out.
        let owed = Set(ReportSchedule.owed(now: desk.clock.now(), timeZone: desk.policy.timeZone, historySince: since).map(\.key))
        var delivered = Set<String>(), waiting: [String: String] = [:]
        for delivery in try await desk.store.reportDeliveries(kind: nil, period: nil) {
            let key = OwedReport.key(report: delivery.report, kind: delivery.kind, period: delivery.period)
            guard owed.contains(key), !delivered.contains(key) else { continue }
            let mail = try await desk.store.deliveryMail(delivery.id)
            if mail?.deliveredAt != nil {
                delivered.insert(key)
                waiting[key] = nil
            } else {
                waiting[key] = mail?.lastError ?? ""
            }
        }
        return ReminderFacts(historySince: since, delivered: delivered, waiting: waiting, within: desk.reportsWithin,
                             calendar: ReminderFacts.officeCalendar(desk.policy))
    }

    /// The results told to the desk that are `me`'s to see: a desk agent's own incidents, and
    /// every one whose owner is not on the shift on duty (``ResultNotice/isFor(_:notice:ownerOnShift:)``).
    static func resultNotices(for me: Operator, _ desk: Desk, schedule: ShiftSchedule) async throws -> [OutboxMessage] {
        guard me.role == .desk else { return [] }
        let pending = try await desk.store.pendingNotices(limit: callsListed)
        guard !pending.isEmpty else { return [] }
        let onDuty = schedule.occurrence(at: desk.clock.now()).shift
        var owners: [String: Operator] = [:]
        for login in Set(pending.compactMap(\.recipientLogin)) { owners[login] = try await desk.store.findOperator(login: login) }
        return pending.filter { notice in
            ResultNotice.isFor(me, notice: notice, ownerOnShift: ResultNotice.ownerOnShift(notice.recipientLogin.flatMap { owners[$0] }, current: onDuty))
        }
    }

    /// The on-site service sheet (现场服务单): a printable text with the incident and lines for
    /// the customer's rating and signature, saved and sent to `lp` when there is one.
    func printSheet(_ row: QueueTicket) -> ConsoleMessage {
        guard me.role == .l1 else {
            return .acted(.failure(.refused(WorkflowRefusal(.sheetRole(me.role), ticket: row.id))))
        }
        // The sheet prints what the queue does not hold (the description, the caller's phone): read it.
        let ticket: Ticket
        do {
            guard let found = try Blocking.run({ [desk] in try await desk.store.ticket(row.id) }) else {
                return .acted(.failure(.store(.ticketNotFound(row.id))))
            }
            ticket = found
        } catch let error as StoreError {
            return .sheet(path: nil, error: error.message(language))
        } catch {
            return .sheet(path: nil, error: "\(error)")
        }
        let now = desk.clock.now()
        let text = OnSiteSheetText.render(ticket, engineer: me, printedAt: now, timeZone: desk.policy.timeZone)
        let path = (sheetsDirectory as NSString).appendingPathComponent("\(ticket.id).txt")
        do {
            try FileManager.default.createDirectory(atPath: sheetsDirectory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            return .sheet(path: nil, error: language.pick(en: "cannot save the sheet: \(error.localizedDescription)", zh: "无法保存现场服务单：\(error.localizedDescription)"))
        }
        if let lp = ["/usr/bin/lp", "/bin/lp"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            _ = try? Launched.start([lp, path]).wait(upTo: 30)
        }
        do {
            _ = try Blocking.run { [desk, me] in try await desk.perform(.printSheet, on: row.id, seenVersion: row.version, by: me) }
        } catch let error as DeskError {
            return .sheet(path: nil, error: error.message(language))
        } catch {
            return .sheet(path: nil, error: "\(error)")
        }
        return .sheet(path: path, error: nil)
    }
}

enum OnSiteSheetText {
    static func render(_ t: Ticket, engineer: Operator, printedAt: Date, timeZone: TimeZone) -> String {
        func time(_ date: Date?) -> String { date.map { DisplayTime.format($0, in: timeZone) } ?? "—" }
        return """
            现场服务单 / ON-SITE SERVICE SHEET                         \(t.id)
            ======================================================================
            标题 Title:            \(TerminalText.sanitize(t.title))
            报障人 Caller:         \(TerminalText.sanitize(t.caller.name))  \(t.caller.phone ?? "")  \(t.caller.department ?? "")
            受影响服务 Service:    \(TerminalText.sanitize(t.affectedService ?? "—"))   类别 Category: \(TerminalText.sanitize(t.category ?? "—"))
            优先级 Priority:       \(t.priority.label(.zh)) / \(t.priority.label(.en))
            开单时间 Opened:       \(time(t.openedAt))
            工程师 Engineer:       \(engineer.name) (\(engineer.login))
            打印时间 Printed:      \(time(printedAt))

            描述 Description:
            \(TerminalText.sanitize(t.description, keepNewlines: true))

            处理过程 Work done:
            ______________________________________________________________________
            ______________________________________________________________________
            ______________________________________________________________________

            客户满意度 Customer satisfaction (circle one):
                5 非常满意 very satisfied   4 满意 satisfied   3 一般 neutral
                2 不满意 dissatisfied       1 非常不满意 very dissatisfied

            客户签字 Customer signature: ____________________   日期 Date: ____________
            工程师签字 Engineer signature: __________________

            请交服务台存档 / Return to the service desk for safe keeping.

            """
    }
}

/// Files a console over SSH may write: plain names in one folder.
enum ConfinedFolder {
    /// `text` as a file name: letters (any script), digits, `.`, `_`, `-`, not starting with a dot,
    /// at most 100 characters; nil for anything that could name another place.
    static func fileName(_ text: String) -> String? {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100, !name.hasPrefix("."),
              name.unicodeScalars.allSatisfy({ CharacterSet.letters.contains($0) || CharacterSet.decimalDigits.contains($0) || "._-".unicodeScalars.contains($0) })
        else { return nil }
        return name
    }
}
