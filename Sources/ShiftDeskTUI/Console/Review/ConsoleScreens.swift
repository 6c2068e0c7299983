import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// The screens of issue #7 (the supervisor's live view, the weekly review, the reports), kept
/// apart from the queues: their effects, results, state, keys and drawing go through here.
public enum ScreenEffect: Sendable {
    /// The supervisor's view read again (``SupervisorData/load(desk:schedule:held:)``), with each
    /// holder's open incidents counted from the console's rows: counted when the load is sent
    /// (``ConsoleScreens/oneSupervisorLoad(_:_:)``), nil while it is only asked for.
    case loadSupervisor(held: [String: Int]?)
    case loadReview(ReportPeriod)
    /// Raises one problem linked to the given incidents (a recurring cluster).
    case raiseProblem(title: String, incidents: [TicketID], week: ReportPeriod)
    case loadReport(ReportPeriod)
    case saveReport(ReportPeriod, format: ReportFormat, path: String)
    /// The audit screen: the chain's head and its last verification.
    case loadAudit
    /// Walks the chain (on a thread of its own) and records the verification.
    case verifyAudit
    /// How far the running verification got.
    case auditProgress
    /// One incident's whole history.
    case loadAuditHistory(TicketID)
    /// The seat plan of the next 24 hours.
    case loadPlan
    /// The controlled documents and who has not acknowledged them.
    case loadDocuments
    /// A change to a document (acknowledge, approve, reject, draft, submit).
    case changeDocument(DocumentChange)
    /// The submitted SLA policy replayed over the last four weeks beside the one in force.
    case policyWhatIf
    /// The Problems queue, one problem's detail, and a step in its life (Console/Problems).
    case loadProblems
    case loadProblem(ProblemID)
    case problemStep(ProblemID, ProblemStep, seenVersion: Int?)
    /// The known errors a call may match (the Log-a-call form), and a call logged and resolved with one.
    case loadKnownErrors
    case logWithKnownError(TicketDraft, ProblemID)
}

public enum ScreenMessage: Sendable {
    case supervisor(SupervisorData)
    case review(Result<WeeklyReview, DeskError>)
    case raised(Result<Problem, DeskError>, week: ReportPeriod)
    case report(Result<KPIReport, DeskError>)
    case saved(path: String, error: String?)
    case audit(Result<AuditOverview, DeskError>)
    case verified(Result<AuditVerification, DeskError>)
    case auditProgress(Int)
    case auditHistory(Result<AuditHistory, DeskError>)
    case plan(Result<SeatPlan, ForecastLoadError>)
    case documents(Result<DocumentsData, DeskError>)
    /// What the change did, in the operator's words, or why it was refused.
    case documentChanged(Result<String, DeskError>)
    case policyWhatIf(Result<PolicyWhatIfView, DeskError>)
    case problems(Result<ProblemsData, DeskError>)
    case problem(Result<ProblemRecord, DeskError>)
    case problemStepped(ProblemID, Result<ProblemStepResult, DeskError>)
    case knownErrors(Result<KnownErrorIndex, DeskError>)
    /// `logged`: the call was logged but not resolved.
    case loggedWithKnownError(Result<Ticket, DeskError>, problem: ProblemID, logged: TicketID? = nil)
}

/// The file formats of `shiftdesk report`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case md, csv, json, html

    public func text(_ renderer: ReportRenderer) -> String {
        switch self {
        case .md: renderer.markdown
        case .csv: renderer.csv
        case .json: renderer.json.serialized(pretty: true) + "\n"
        case .html: renderer.html
        }
    }
}

/// A form that belongs to one of these screens.
public enum ScreenForm: Sendable {
    case saveReport(ReportPeriod)
    /// The audit screen's "which incident".
    case auditIncident
    /// The Documents screen's comment, reason and file forms, for the document named.
    case documentApprove(String)
    case documentReject(String)
    case documentSubmit(String)
    case documentFile(String)
    /// A step of a problem's life, asked of the problem as it stood at `version`.
    case problem(ProblemID, ProblemForm, version: Int)
}

/// What the three screens keep in the console's state.
public struct ScreenStates: Sendable {
    public var supervisor = SupervisorScreenState()
    public var review = ReviewScreenState()
    public var reports = ReportScreenState()
    public var audit = AuditScreenState()
    public var plan = PlanScreenState()
    public var documents = DocumentsScreenState()
    public var problems = ProblemsScreenState()
    /// A drill-down from the supervisor's view: the queue shows only these tickets.
    public var drill: Drill?

    public init() {}
}

extension ScreenContext {
    static let supervisor: ScreenContext = "supervisor"
    static let review: ScreenContext = "review"
    static let reports: ScreenContext = "reports"
}

extension ActionID {
    static let previousPeriod: ActionID = "previousPeriod"
    static let nextPeriod: ActionID = "nextPeriod"
    static let nextSection: ActionID = "nextSection"
    static let previousSection: ActionID = "previousSection"
    static let raiseClusterProblem: ActionID = "raiseClusterProblem"
    static let periodKind: ActionID = "periodKind"
    static let saveReport: ActionID = "saveReport"
}

enum ConsoleScreens {
    /// The keys of these screens, added to the console's keymap.
    static let bindings: [KeyBinding] = [
        KeyBinding([.left, .character("h")], .moveLeft, label: LocalizedText(en: "Previous column", zh: "左一列"), contexts: [.supervisor]),
        KeyBinding([.right, .character("l")], .moveRight, label: LocalizedText(en: "Next column", zh: "右一列"), contexts: [.supervisor]),
        KeyBinding([.enter], .open, label: LocalizedText(en: "Open the queue behind the number", zh: "打开该数字对应的队列"), contexts: [.supervisor]),
        KeyBinding([.enter], .open, label: LocalizedText(en: "Open the incident / the cluster's incidents", zh: "查看事件 / 该组事件"), contexts: [.review]),
        KeyBinding([.left, .character("h")], .previousSection, label: LocalizedText(en: "Previous section", zh: "上一栏"), contexts: [.review]),
        KeyBinding([.right, .character("l")], .nextSection, label: LocalizedText(en: "Next section", zh: "下一栏"), contexts: [.review]),
        KeyBinding([.function(5), .character("["), .character("<")], .previousPeriod, label: LocalizedText(en: "Prev wk", zh: "上一周"), slot: 5, contexts: [.review]),
        KeyBinding([.function(6), .character("]"), .character(">")], .nextPeriod, label: LocalizedText(en: "Next wk", zh: "下一周"), slot: 6, contexts: [.review]),
        KeyBinding([.function(7), .character("R")], .raiseClusterProblem, label: LocalizedText(en: "Problem", zh: "问题单"), slot: 7, contexts: [.review]),
        KeyBinding([.function(5), .character("["), .character("<")], .previousPeriod, label: LocalizedText(en: "Prev", zh: "上一期"), slot: 5, contexts: [.reports]),
        KeyBinding([.function(6), .character("]"), .character(">")], .nextPeriod, label: LocalizedText(en: "Next", zh: "下一期"), slot: 6, contexts: [.reports]),
        KeyBinding([.function(4), .character("w")], .periodKind, label: LocalizedText(en: "Period", zh: "周期"), slot: 4, contexts: [.reports]),
        KeyBinding([.function(7), .character("x")], .saveReport, label: LocalizedText(en: "Save", zh: "保存"), slot: 7, contexts: [.reports]),
        KeyBinding([.tab], .nextQueue, label: LocalizedText(en: "Next queue", zh: "切换队列"), contexts: [.supervisor, .review, .reports, .audit, .plan, .documents]),
        KeyBinding([.backTab], .previousQueue, label: LocalizedText(en: "Previous queue", zh: "上一个队列"),
                   contexts: [.supervisor, .review, .reports, .audit, .plan, .documents]),
        KeyBinding([.function(2), .character("N")], .newCall, label: LocalizedText(en: "New", zh: "来电"), slot: 2, contexts: [.supervisor]),
        KeyBinding([.character("C")], .calls, label: LocalizedText(en: "Escalation calls to confirm", zh: "待确认的升级电话"), contexts: [.supervisor, .review, .reports, .audit, .plan, .documents]),
    ]

    static func context(_ state: ConsoleState) -> ScreenContext? {
        switch state.mode {
        case .browse, .help: break  // help lists the keys of the screen it was opened from
        case .form, .filter, .command:
            // The key bar under a form opened from a screen stays the screen's.
            guard case .browse = state.afterForm else { return nil }
        default: return nil
        }
        switch state.queue {
        case .supervisor: return .supervisor
        case .review: return .review
        case .reports: return .reports
        case .audit: return .audit
        case .plan: return .plan
        case .documents: return .documents
        case .problems: return ProblemsScreen.context(state)
        default: return nil
        }
    }

    /// Loads what the screen now shown needs.
    static func enter(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        switch state.queue {
        case .supervisor:
            return [loadSupervisor]
        case .review:
            let week = state.screens.review.week ?? ReportPeriod.containing(state.now, kind: .week, timeZone: state.timeZone)
            guard let week else { return [] }
            state.screens.review.week = week
            return [.perform(.screen(.loadReview(week)))]
        case .reports:
            let period = state.screens.reports.period ?? ReportPeriod.containing(state.now, kind: .month, timeZone: state.timeZone)
            guard let period else { return [] }
            state.screens.reports.period = period
            return [.perform(.screen(.loadReport(period)))]
        case .audit:
            return AuditScreen.enter(&state)
        case .plan:
            return PlanScreen.enter(&state)
        case .documents:
            return DocumentsScreen.enter(&state)
        case .problems:
            return ProblemsScreen.enter(&state)
        default:
            return []
        }
    }

    /// A change in the store: the screen shown reloads.
    static func reload(_ state: ConsoleState) -> [AppCommand<ConsoleEffect>] {
        switch state.queue {
        case .supervisor: return [loadSupervisor]
        case .review:
            // The review reads five weeks of incidents: other seats' changes re-read it at most every 30 s.
            if let loaded = state.screens.review.loadedAt, state.now.timeIntervalSince(loaded) < 30 { return [] }
            return state.screens.review.week.map { [.perform(.screen(.loadReview($0)))] } ?? []
        case .audit:
            // The head moves with every write; the history shown may have grown.
            return [.perform(.screen(.loadAudit))] + (state.screens.audit.incident.map { [.perform(.screen(.loadAuditHistory($0)))] } ?? [])
        case .documents: return [.perform(.screen(.loadDocuments))]
        case .problems: return ProblemsScreen.reload(state)
        default: return []
        }
    }

    /// The live view also refreshes its hourly charts once a minute without any change.
    static func tick(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        // A verification started from the audit screen reports its progress wherever the operator is.
        let audit = AuditScreen.tick(&state)
        return audit + supervisorTick(&state) + PlanScreen.tick(&state)
    }

    static func supervisorTick(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        guard state.queue == .supervisor, case .browse = state.mode else { return [] }
        if let loaded = state.screens.supervisor.data?.now, state.now.timeIntervalSince(loaded) < 60 { return [] }
        if state.screens.supervisor.loading { return [] }
        return [loadSupervisor]
    }

    /// The supervisor's view read again on a thread of its own: a day of activity at 100k open
    /// takes longer than a key may wait.
    static var loadSupervisor: AppCommand<ConsoleEffect> { .performInBackground(.screen(.loadSupervisor(held: nil))) }

    /// One supervisor load at a time: one asked for while another runs is made when that one
    /// lands (`stale`), so that a desk changing every half second does not stack them up.
    static func oneSupervisorLoad(_ state: inout ConsoleState, _ commands: [AppCommand<ConsoleEffect>]) -> [AppCommand<ConsoleEffect>] {
        var kept: [AppCommand<ConsoleEffect>] = []
        var issued = false
        for command in commands {
            guard case .performInBackground(.screen(.loadSupervisor)) = command else {
                kept.append(command)
                continue
            }
            if issued { continue }
            if state.screens.supervisor.loading {
                state.screens.supervisor.stale = true
                continue
            }
            state.screens.supervisor.loading = true
            issued = true
            // Counted here, once per load sent, not for every change that asks for one.
            kept.append(.performInBackground(.screen(.loadSupervisor(held: SupervisorData.held(in: state.entries)))))
        }
        return kept
    }

    static func handle(_ state: inout ConsoleState, _ message: ScreenMessage) -> [AppCommand<ConsoleEffect>] {
        switch message {
        case let .supervisor(data):
            state.screens.supervisor.loading = false
            state.screens.supervisor.data = data
            guard state.screens.supervisor.stale else { return [] }
            state.screens.supervisor.stale = false
            return state.queue == .supervisor ? [loadSupervisor] : []
        case let .review(result):
            switch result {
            case let .success(review):
                if review.period == state.screens.review.week {
                    state.screens.review.review = review
                    state.screens.review.loadedAt = state.now
                    state.screens.review.table.reconcile(with: ReviewScreen.rows(state))
                }
            case let .failure(error):
                ConsoleApp.say(&state, error.message(state.language, timeZone: state.timeZone), error: true)
            }
            return []
        case let .raised(result, week):
            switch result {
            case let .success(problem):
                ConsoleApp.say(&state, state.pick("Raised \(problem.id) for the problem manager, linked to the cluster",
                                                  "已提交 \(problem.id) 给问题经理，已关联该组事件"))
            case let .failure(error):
                ConsoleApp.say(&state, error.message(state.language, timeZone: state.timeZone), error: true)
            }
            return [.perform(.screen(.loadReview(week)))] + ConsoleApp.refresh(state)
        case let .report(result):
            state.screens.reports.loading = false
            switch result {
            case let .success(report):
                if report.period == state.screens.reports.period { state.screens.reports.report = report }
            case let .failure(error):
                ConsoleApp.say(&state, error.message(state.language, timeZone: state.timeZone), error: true)
            }
            return []
        case let .saved(path, error):
            if let error { ConsoleApp.say(&state, error, error: true) } else {
                ConsoleApp.say(&state, state.pick("report saved: \(path)", "报告已保存：\(path)"))
            }
            return []
        case .audit, .verified, .auditProgress, .auditHistory:
            return AuditScreen.handle(&state, message)
        case let .plan(result):
            PlanScreen.loaded(&state, result)
            return []
        case .documents, .documentChanged, .policyWhatIf:
            return DocumentsScreen.handle(&state, message)
        case .problems, .problem, .problemStepped:
            return ProblemsScreen.handle(&state, message)
        case .knownErrors, .loggedWithKnownError:
            return KnownErrorMatches.handle(&state, message)
        }
    }

    /// Keys of these screens; nil lets the console's own handling go on.
    static func handle(_ state: inout ConsoleState, action: ActionID) -> [AppCommand<ConsoleEffect>]? {
        switch state.queue {
        case .supervisor: return SupervisorScreen.handle(&state, action: action)
        case .review: return ReviewScreen.handle(&state, action: action)
        case .reports: return ReportScreen.handle(&state, action: action)
        case .audit: return AuditScreen.handle(&state, action: action)
        case .plan: return PlanScreen.handle(&state, action: action)
        case .documents: return DocumentsScreen.handle(&state, action: action)
        case .problems: return ProblemsScreen.handle(&state, action: action)
        default: return nil
        }
    }

    static func submit(_ state: inout ConsoleState, _ form: FormDialogState, _ purpose: ScreenForm) -> [AppCommand<ConsoleEffect>] {
        switch purpose {
        case let .saveReport(period): return ReportScreen.submit(&state, form, period)
        case .auditIncident: return AuditScreen.submit(&state, form)
        case .documentApprove, .documentReject, .documentSubmit, .documentFile: return DocumentsScreen.submit(&state, form, purpose)
        case let .problem(id, kind, version): return ProblemsScreen.submit(&state, form, id, kind, version: version)
        }
    }

    /// Draws the screen; false when the queue is an ordinary one.
    static func draw(_ state: ConsoleState, in rect: Rect, canvas: inout Canvas) -> Bool {
        switch state.queue {
        case .supervisor: SupervisorScreen.draw(state, in: rect, canvas: &canvas)
        case .review: ReviewScreen.draw(state, in: rect, canvas: &canvas)
        case .reports: ReportScreen.draw(state, in: rect, canvas: &canvas)
        case .audit: AuditScreen.draw(state, in: rect, canvas: &canvas)
        case .plan: PlanScreen.draw(state, in: rect, canvas: &canvas)
        case .documents: DocumentsScreen.draw(state, in: rect, canvas: &canvas)
        case .problems: ProblemsScreen.draw(state, in: rect, canvas: &canvas)
        default: return false
        }
        return true
    }

    /// The status line's left side for these screens.
    static func status(_ state: ConsoleState) -> String? {
        switch state.queue {
        case .supervisor:
            let shift = state.screens.supervisor.data.map {
                " · \($0.shift.shift.label(state.language)) \(SupervisorScreen.clock($0.shift.start, state))–\(SupervisorScreen.clock($0.shift.end, state))"
                    + state.pick(" · live", " · 实时")
            } ?? ""
            let enter = SupervisorScreen.target(state).map { queue, drill in
                let what = drill.tier == nil ? "\(queue.label(state.language)) · \(drill.label(state.language))" : drill.label(state.language)
                return state.pick(" · Enter: \(what)", " · Enter：\(what)")
            } ?? ""
            return " \(state.queue.label(state.language))\(shift)\(enter)"
        case .review:
            return " \(state.queue.label(state.language)) \(state.screens.review.week?.label ?? "")"
        case .reports:
            return " \(state.queue.label(state.language)) \(state.screens.reports.period?.label ?? "")"
        case .audit:
            return AuditScreen.status(state)
        case .plan:
            return PlanScreen.status(state)
        case .documents:
            return DocumentsScreen.status(state)
        case .problems:
            return ProblemsScreen.status(state)
        default:
            guard let drill = state.screens.drill else { return nil }
            let what = drill.tier == nil ? "\(state.queue.label(state.language)) · \(drill.label(state.language))" : drill.label(state.language)
            return " \(what): \(ConsoleApp.rows(state).count) · " + state.pick("Esc: all", "Esc：全部")
        }
    }
}

extension ConsoleServices {
    func execute(_ effect: ScreenEffect) throws -> ConsoleMessage {
        switch effect {
        case .loadAudit, .verifyAudit, .auditProgress, .loadAuditHistory:
            return try execute(audit: effect) ?? .failed("unhandled audit effect")
        case .loadPlan:
            return try Blocking.run { [desk, schedule, forecastSettings, timeZone] in
                let loader = ForecastLoader(desk: desk, settings: forecastSettings, timeZone: timeZone)
                do throws(ForecastLoadError) {
                    return .screen(.plan(.success(try await loader.plan(hours: PlanScreen.hours, schedule: schedule))))
                } catch {
                    return .screen(.plan(.failure(error)))
                }
            }
        case .loadDocuments, .changeDocument, .policyWhatIf:
            return try execute(documents: effect) ?? .failed("unhandled documents effect")
        case .loadProblems, .loadProblem, .problemStep, .loadKnownErrors, .logWithKnownError:
            return try execute(problems: effect) ?? .failed("unhandled problems effect")
        case let .loadSupervisor(held):
            return try Blocking.run { [desk, schedule] in .screen(.supervisor(try await SupervisorData.load(desk: desk, schedule: schedule, held: held ?? [:]))) }
        case let .loadReview(week):
            return try Blocking.run { [desk] in
                do throws(StoreError) {
                    return .screen(.review(.success(try await WeeklyReviewLoader(desk: desk).review(of: week))))
                } catch {
                    return .screen(.review(.failure(.store(error))))
                }
            }
        case let .raiseProblem(title, incidents, week):
            return try Blocking.run { [desk, me, sweep] in
                do throws(DeskError) {
                    let problem = try await desk.raiseProblem(title: title, linking: incidents, as: me.login,
                                                              recipients: sweep.directory, timeZone: sweep.timeZone)
                    return .screen(.raised(.success(problem), week: week))
                } catch {
                    return .screen(.raised(.failure(error), week: week))
                }
            }
        case let .loadReport(period):
            return try Blocking.run { [desk] in
                do throws(StoreError) {
                    return .screen(.report(.success(try await ReportLoader(desk: desk).report(for: period))))
                } catch {
                    return .screen(.report(.failure(.store(error))))
                }
            }
        case let .saveReport(period, format, path):
            let report: KPIReport
            do {
                report = try Blocking.run { [desk] in try await ReportLoader(desk: desk).report(for: period) }
            } catch let error as StoreError {
                return .screen(.saved(path: path, error: error.message(language)))
            }
            let text = format.text(ReportRenderer(report: report, language: language))
            let expanded: String
            if let folder = confinedFolder {
                // Over SSH a report goes to the seat's own folder, by name: never a path on the desk host.
                guard let name = ConfinedFolder.fileName(path) else {
                    return .screen(.saved(path: path, error: language.pick(
                        en: "over SSH a report is saved by file name only (letters, digits, . _ -), in \(folder)",
                        zh: "通过 SSH 只能按文件名保存报表（字母、数字、. _ -），保存在 \(folder)")))
                }
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    return .screen(.saved(path: folder, error: language.pick(en: "cannot create \(folder)", zh: "无法创建 \(folder)")))
                }
                expanded = (folder as NSString).appendingPathComponent(name)
            } else {
                expanded = (path as NSString).expandingTildeInPath
            }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: expanded), options: .atomic)
            } catch {
                return .screen(.saved(path: expanded, error: language.pick(en: "cannot write \(expanded): \(error.localizedDescription)",
                                                                        zh: "无法写入 \(expanded)：\(error.localizedDescription)")))
            }
            return .screen(.saved(path: expanded, error: nil))
        }
    }
}
