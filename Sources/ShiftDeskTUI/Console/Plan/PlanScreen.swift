import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// What the Plan screen keeps in the console's state.
public struct PlanScreenState: Sendable {
    public var plan: SeatPlan?
    /// Why there is no plan (too little history, the store failed), in the operator's language.
    public var refusal: String?
    public var loading = false
    public var loadedAt: Date?

    public init() {}
}

extension ScreenContext {
    static let plan: ScreenContext = "plan"
}

/// The supervisor's and the incident manager's Plan screen: the next 24 hours per line,
/// forecast arrivals as bars, the seats needed (Erlang C) against the roster, short hours in
/// the warning style. The same `ForecastLoader` and labels as `shiftdesk forecast`.
enum PlanScreen {
    static let hours = 24
    /// The plan is re-read when the hour it starts at is over, or 15 minutes after it was read.
    static let freshFor: TimeInterval = 15 * 60

    static func enter(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        guard !state.screens.plan.loading else { return [] }
        state.screens.plan.loading = true
        // Weeks of events: read off the console's thread, keys keep working meanwhile.
        return [.performInBackground(.screen(.loadPlan))]
    }

    static func tick(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        guard state.queue == .plan, case .browse = state.mode, !state.screens.plan.loading else { return [] }
        let stale = state.screens.plan.loadedAt.map { state.now.timeIntervalSince($0) >= freshFor } ?? true
        let hourOver = state.screens.plan.plan?.hours.first.map { state.now.timeIntervalSince($0.start) >= 3600 } ?? false
        guard stale || hourOver else { return [] }
        return enter(&state)
    }

    static func loaded(_ state: inout ConsoleState, _ result: Result<SeatPlan, ForecastLoadError>) {
        state.screens.plan.loading = false
        state.screens.plan.loadedAt = state.now
        switch result {
        case let .success(plan):
            state.screens.plan.plan = plan
            state.screens.plan.refusal = nil
        case let .failure(error):
            state.screens.plan.plan = nil
            state.screens.plan.refusal = error.message(state.language, timeZone: state.timeZone)
        }
    }

    static func handle(_ state: inout ConsoleState, action: ActionID) -> [AppCommand<ConsoleEffect>]? {
        switch action {
        case .open, .sort, .filter, .moveUp, .moveDown, .pageUp, .pageDown, .first, .last:
            return []
        default:
            return nil
        }
    }

    /// An action key of the queues pressed here: the role's rule when it has one, else where to act.
    static func refuse(_ state: inout ConsoleState, _ change: Workflow.DeskChange) -> [AppCommand<ConsoleEffect>] {
        if let rule = Workflow.roleRule(change, by: state.me.role) {
            ConsoleApp.say(&state, WorkflowRefusal(rule, ticket: nil).message(state.language), error: true)
        } else {
            ConsoleApp.say(&state, state.pick("the Plan screen only reads; act on incidents from their queue (Tab)",
                                              "坐席计划页只读；请在队列中处理事件（Tab 切换）"), error: true)
        }
        return []
    }

    static func status(_ state: ConsoleState) -> String {
        let label = " \(state.queue.label(state.language))"
        guard let plan = state.screens.plan.plan else { return label }
        let short = shortHours(plan).count
        return label + state.pick(" · \(plan.forecast.weeksUsed) weeks of history · \(short) line-hours short",
                                  " · 历史 \(plan.forecast.weeksUsed) 周 · 缺员 \(short) 个线路时段")
    }

    /// (line, hour) pairs short of staff, in order.
    static func shortHours(_ plan: SeatPlan) -> [(Tier, PlanHour)] {
        plan.hours.flatMap { hour in Tier.allCases.compactMap { hour.lines[$0]?.isShort == true ? ($0, hour) : nil } }
    }

    // MARK: Drawing

    static func draw(_ state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard !rect.isEmpty else { return }
        let l = state.language
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            guard let plan = state.screens.plan.plan, let first = plan.hours.first else {
                let text = state.screens.plan.refusal ?? l.pick(en: "Loading…", zh: "加载中…")
                let lines = ScrollText.wrap(TerminalText.sanitize(text), width: max(1, rect.width - 2))
                for (index, line) in lines.prefix(rect.height).enumerated() {
                    canvas.put(line, x: rect.x + 1, y: rect.y + index, role: state.screens.plan.refusal == nil ? .muted : .warning)
                }
                return
            }
            let renderer = ForecastRenderer(language: l, timeZone: state.timeZone)
            let title = l.pick(en: "Next 24 h from \(renderer.hourLabel(first))", zh: "未来 24 小时（自 \(renderer.hourLabel(first)) 起）")
            let basis = l.pick(
                en: " · seats for \(ForecastRenderer.percent(plan.settings.serviceLevel)) within the response targets, occupancy ≤ \(ForecastRenderer.percent(plan.settings.occupancyCap))",
                zh: " · 坐席数按 \(ForecastRenderer.percent(plan.settings.serviceLevel)) 在响应时限内、占用率 ≤ \(ForecastRenderer.percent(plan.settings.occupancyCap))")
            canvas.put(title + basis, x: rect.x + 1, y: rect.y, role: .title, maxWidth: rect.width - 2, ellipsis: true)

            let rowLabels = [l.pick(en: "need", zh: "需要"), l.pick(en: "roster", zh: "排班")]
            let labelWidth = max(6, (Tier.allCases.map { DisplayWidth.width(of: $0.label(l)) } + rowLabels.map { DisplayWidth.width(of: $0) }).max() ?? 6) + 1
            let cell = max(2, min(6, (rect.width - labelWidth - 1) / hours))
            let chartX = rect.x + 1 + labelWidth
            let shown = min(plan.hours.count, hours)

            // The hour axis: every hour when there is room, else every third.
            let every = cell >= 3 ? (cell >= 4 ? 1 : 2) : 3
            for (index, hour) in plan.hours.prefix(shown).enumerated() where index % every == 0 {
                canvas.put(String(format: "%02d", hour.hour), x: chartX + index * cell, y: rect.y + 1, role: .muted)
            }

            // What is left below the four blocks: the short hours, then (when tall) what the plan rests on.
            let notes = footer(plan, state: state, renderer: renderer)
            let minimumBlock = 4
            let reserved = min(notes.count, max(0, rect.height - 2 - 4 * minimumBlock))
            let blockHeight = max(3, (rect.height - 2 - reserved) / 4)
            var y = rect.y + 2
            for line in Tier.allCases {
                guard y < rect.maxY else { break }
                let barRows = max(1, blockHeight - 3)
                drawBlock(line, plan: plan, shown: shown, at: y, barRows: barRows, labelWidth: labelWidth, cell: cell, rect: rect,
                          state: state, canvas: &canvas)
                y += barRows + 2 + (blockHeight > 3 ? 1 : 0)
            }
            for note in notes where y < rect.maxY {
                canvas.put(note.text, x: rect.x + 1, y: y, role: note.role, maxWidth: rect.width - 2, ellipsis: true)
                y += 1
            }
        }
    }

    /// One line: its name and bars of forecast arrivals, the seats needed and the roster under them.
    static func drawBlock(_ line: Tier, plan: SeatPlan, shown: Int, at top: Int, barRows: Int, labelWidth: Int, cell: Int, rect: Rect,
                          state: ConsoleState, canvas: inout Canvas) {
        let l = state.language
        let chartX = rect.x + 1 + labelWidth
        let hours = plan.hours.prefix(shown).map { $0.lines[line] ?? LineHour(arrivals: 0, seatsNeeded: nil, onRoster: nil) }
        let values = hours.map(\.arrivals)
        let peak = values.max() ?? 0
        canvas.put(line.label(l), x: rect.x + 1, y: top, role: .header, maxWidth: labelWidth - 1)
        let barWidth = max(1, cell - 1)
        ColumnChart.draw(values, at: chartX, top: top, rows: barRows, cell: cell, barWidth: barWidth, canvas: &canvas)
        let peakText = state.pick("peak \(ForecastRenderer.number(peak))/h", "峰值 \(ForecastRenderer.number(peak))/时")
        let afterChart = chartX + shown * cell + 1
        if afterChart + DisplayWidth.width(of: peakText) <= rect.maxX {
            canvas.put(peakText, x: afterChart, y: top + barRows - 1, role: .muted)
        }
        let needY = top + barRows, rosterY = needY + 1
        canvas.put(state.pick("need", "需要"), x: rect.x + 1, y: needY, role: .muted)
        canvas.put(state.pick("roster", "排班"), x: rect.x + 1, y: rosterY, role: .muted)
        let renderer = ForecastRenderer(language: l, timeZone: state.timeZone)
        for (index, figures) in hours.enumerated() {
            let x = chartX + index * cell
            let role: ThemeRole = figures.isShort ? .warning : .normal
            canvas.put(fit(renderer.seatsText(figures), cell), x: x, y: needY, role: role)
            if line != .vendor { canvas.put(fit(renderer.rosterText(figures), cell), x: x, y: rosterY, role: figures.isShort ? .warning : .muted) }
        }
        if line == .vendor {
            canvas.put(state.pick("— the supplier's own people", "— 厂商自有人员"), x: chartX, y: rosterY, role: .muted, maxWidth: rect.maxX - chartX)
        }
    }

    /// A number in a cell, right-aligned with a blank before it; `+` when it does not fit.
    static func fit(_ text: String, _ cell: Int) -> String {
        let room = max(1, cell - 1)
        let shown = text.count <= room ? text : String(repeating: "+", count: room)
        return String(repeating: " ", count: max(0, cell - shown.count)) + shown
    }

    /// The short hours per line as ranges, then the basis of the plan.
    static func footer(_ plan: SeatPlan, state: ConsoleState, renderer: ForecastRenderer) -> [(text: String, role: ThemeRole)] {
        let l = state.language
        var out: [(String, ThemeRole)] = []
        for line in Tier.allCases {
            var ranges: [String] = []
            var run: [PlanHour] = []
            func close() {
                guard let first = run.first, let last = run.last else { return }
                let worst = run.compactMap { hour -> Int? in
                    guard let f = hour.lines[line], let need = f.seatsNeeded, let have = f.onRoster else { return nil }
                    return need - have
                }.max() ?? 0
                ranges.append(String(format: "%02d–%02d", first.hour, (last.hour + 1) % 24) + l.pick(en: " (−\(worst))", zh: "（缺 \(worst)）"))
                run = []
            }
            for hour in plan.hours.prefix(hours) {
                if hour.lines[line]?.isShort == true { run.append(hour) } else { close() }
            }
            close()
            if !ranges.isEmpty {
                out.append((l.pick(en: "Short \(line.label(l)): ", zh: "\(line.label(l))缺员：") + ranges.joined(separator: l.pick(en: ", ", zh: "，")), .warning))
            }
        }
        if out.isEmpty { out.append((l.pick(en: "No line is short of staff in the next 24 h.", zh: "未来 24 小时各线路均不缺员。"), .ok)) }
        out += renderer.basis(plan).map { ($0, .muted) }
        return out
    }
}
