import Foundation
import ShiftDeskCore

public struct ReviewScreenState: Sendable {
    public enum Section: Int, Sendable, CaseIterable {
        case trend, recurring, notFixed, backfilled, bypassed
        /// Problems still open more than 30 days after they were raised.
        case openProblems
    }

    public var week: ReportPeriod?
    public var review: WeeklyReview?
    public var section: Section = .recurring
    public var table = TableState<Int64>()
    /// The cluster whose incidents are listed (Enter on a cluster), by its first incident.
    public var cluster: TicketID?
    /// When the review was last read: changes by other seats re-read it at most every 30 s.
    public var loadedAt: Date?

    public init() {}
}

/// The incident manager's weekly review (duties 3 and 4): trends against the previous four
/// weeks, incidents not fixed at the root, recurring clusters (one key raises their problem),
/// back-filled incidents and those that bypassed the desk.
enum ReviewScreen {
    typealias Section = ReviewScreenState.Section

    /// Wide screens show the trend beside the other sections, so it is no section of its own.
    static func wide(_ size: TerminalSize) -> Bool { size.columns >= 150 && size.rows >= 30 }

    static func sections(_ state: ConsoleState) -> [Section] {
        wide(state.size) ? Section.allCases.filter { $0 != .trend } : Section.allCases
    }

    static func section(_ state: ConsoleState) -> Section {
        let shown = sections(state)
        return shown.contains(state.screens.review.section) ? state.screens.review.section : (shown.first ?? .recurring)
    }

    static func title(_ section: Section, _ review: WeeklyReview?, _ l: Language) -> String {
        let n: Int? = review.map { review in
            switch section {
            case .trend: review.incidents.count
            case .recurring: review.clusters.count
            case .notFixed: review.notFixedAtRoot.count
            case .backfilled: review.backfilled.count
            case .bypassed: review.bypassedDesk.count
            case .openProblems: review.problemsOpenTooLong.count
            }
        }
        let name = switch section {
        case .trend: l.pick(en: "Trend", zh: "趋势")
        case .recurring: l.pick(en: "Recurring", zh: "重复发生")
        case .notFixed: l.pick(en: "Not fixed at root", zh: "未根治")
        case .backfilled: l.pick(en: "Back-filled", zh: "补录")
        case .bypassed: l.pick(en: "Bypassed desk", zh: "绕过服务台")
        case .openProblems: l.pick(en: "Problems open > 30 d", zh: "超 30 天未结问题")
        }
        return n.map { "\(name) \($0)" } ?? name
    }

    // MARK: Update

    static func handle(_ state: inout ConsoleState, action: ActionID) -> [AppCommand<ConsoleEffect>]? {
        let pageSize = 10
        switch action {
        case .previousPeriod, .nextPeriod:
            guard let week = state.screens.review.week else { return [] }
            let next = WeeklyReview.week(week, offset: action == .nextPeriod ? 1 : -1)
            if action == .nextPeriod, next.interval.start > state.now {
                ConsoleApp.say(&state, state.pick("\(week.label) is the current week", "\(week.label) 已是本周"))
                return []
            }
            state.screens.review.week = next
            state.screens.review.review = nil
            state.screens.review.cluster = nil
            state.screens.review.table = TableState()
            return [.perform(.screen(.loadReview(next)))]
        case .nextSection, .previousSection:
            let shown = sections(state)
            let index = shown.firstIndex(of: section(state)) ?? 0
            state.screens.review.section = shown[(index + (action == .nextSection ? 1 : shown.count - 1)) % shown.count]
            state.screens.review.cluster = nil
            state.screens.review.table = TableState()
            state.screens.review.table.reconcile(with: rows(state))
            return []
        case .back:
            guard let cluster = state.screens.review.cluster else { return nil }
            state.screens.review.cluster = nil
            state.screens.review.table = TableState()
            state.screens.review.table.selectedID = cluster.number
            state.screens.review.table.reconcile(with: rows(state))
            return []
        case .open:
            guard let id = state.screens.review.table.selectedID else { return [] }
            if section(state) == .recurring, state.screens.review.cluster == nil {
                state.screens.review.cluster = TicketID(id)
                state.screens.review.table = TableState()
                state.screens.review.table.reconcile(with: rows(state))
                return []
            }
            guard section(state) != .trend else { return [] }
            if section(state) == .openProblems {
                guard ProblemsScreen.mayOpen(state.me.role) else { return [] }
                state.queue = .problems
                state.table = TableState()
                state.screens.drill = nil
                return [.perform(.screen(.loadProblems))] + ProblemsScreen.open(&state, ProblemID(id))
            }
            state.afterForm = .browse
            state.mode = .detail(TicketID(id), offset: 0)
            state.detail = nil
            return [.perform(.loadDetail(TicketID(id)))]
        case .raiseClusterProblem, .raiseProblem:
            guard section(state) == .recurring, let week = state.screens.review.week, let cluster = selectedCluster(state) else {
                ConsoleApp.say(&state, state.pick("choose a recurring cluster first (→ Recurring)", "请先在“重复发生”中选中一组事件"), error: true)
                return []
            }
            let untracked = cluster.untracked
            guard !untracked.isEmpty else {
                ConsoleApp.say(&state, state.pick("already tracked by \(cluster.problems.map(\.description).joined(separator: ", "))",
                                                  "已由 \(cluster.problems.map(\.description).joined(separator: "、")) 跟踪"))
                return []
            }
            let title = state.pick("Recurring: \(cluster.title) (\(cluster.incidents.count) incidents in \(week.label))",
                                   "重复发生：\(cluster.title)（\(week.label) 共 \(cluster.incidents.count) 起）")
            ConsoleApp.say(&state, state.pick("raising a problem for \(untracked.count) incidents…", "正在为 \(untracked.count) 起事件提交问题单…"))
            return [.perform(.screen(.raiseProblem(title: title, incidents: untracked.map(\.id), week: week)))]
        case .moveUp, .moveDown, .pageUp, .pageDown, .first, .last:
            state.screens.review.table.navigate(action, rows: rows(state), pageSize: pageSize)
            return []
        case .sort, .take, .escalate, .resolve, .close, .note, .priority, .pend, .resume, .reopen, .printSheet, .signSheet, .filter:
            return []
        default:
            return nil
        }
    }

    static func selectedCluster(_ state: ConsoleState) -> IncidentCluster? {
        guard let review = state.screens.review.review else { return nil }
        let id = state.screens.review.cluster ?? state.screens.review.table.selectedID.map(TicketID.init)
        if let id { return review.clusters.first { $0.id == id } }
        return review.clusters.first
    }

    // MARK: Rows

    static func columns(_ section: Section, _ state: ConsoleState) -> [TableColumn] {
        let l = state.language
        let zh = l == .zh
        switch section {
        case .trend:
            return [
                TableColumn(l.pick(en: "By", zh: "维度"), width: .fixed(zh ? 10 : 9)),
                TableColumn(l.pick(en: "Value", zh: "取值"), width: .flex(weight: 1, minimum: 10)),
                TableColumn(l.pick(en: "Week", zh: "本周"), width: .fixed(5), alignment: .right),
                TableColumn(l.pick(en: "Prev4", zh: "前4周均"), width: .fixed(8), alignment: .right),
                TableColumn(l.pick(en: "Change", zh: "变化"), width: .fixed(7), alignment: .right),
                TableColumn(l.pick(en: "5 wk", zh: "5周"), width: .fixed(5)),
            ]
        case .recurring where state.screens.review.cluster == nil:
            return [
                TableColumn("n", width: .fixed(3), alignment: .right),
                TableColumn(l.pick(en: "Similar incidents", zh: "相似事件"), width: .flex(weight: 3, minimum: 12)),
                TableColumn(l.pick(en: "Service / category", zh: "服务/类别"), width: .flex(weight: 1, minimum: 10)),
                TableColumn(l.pick(en: "Problem", zh: "问题单"), width: .fixed(zh ? 20 : 26)),
            ]
        case .openProblems:
            return [
                TableColumn("ID", width: .fixed(10)),
                TableColumn(l.pick(en: "Problem", zh: "问题单"), width: .flex(weight: 3, minimum: 12)),
                TableColumn(l.pick(en: "State", zh: "状态"), width: .fixed(zh ? 9 : 16)),
                TableColumn(l.pick(en: "Owner", zh: "负责人"), width: .flex(weight: 1, minimum: 8)),
                TableColumn(l.pick(en: "Open for", zh: "已持续"), width: .fixed(8), alignment: .right),
            ]
        default:
            return [
                TableColumn("ID", width: .fixed(10)),
                TableColumn(l.pick(en: "Pri", zh: "级别"), width: .fixed(zh ? 4 : 7)),
                TableColumn(l.pick(en: "Title", zh: "标题"), width: .flex(weight: 3, minimum: 12)),
                TableColumn(section == .notFixed ? l.pick(en: "Why", zh: "原因") : l.pick(en: "Opened", zh: "开单"), width: .fixed(section == .notFixed ? 16 : 11)),
                TableColumn(l.pick(en: "State", zh: "状态"), width: .fixed(zh ? 8 : 11)),
                TableColumn(l.pick(en: "Problem", zh: "问题单"), width: .fixed(10)),
            ]
        }
    }

    static func rows(_ state: ConsoleState, levels: [String] = GlyphSet.unicode.chartLevels) -> [TableRow<Int64>] {
        rows(section(state), state, levels: levels)
    }

    static func rows(_ section: Section, _ state: ConsoleState, levels: [String] = GlyphSet.unicode.chartLevels) -> [TableRow<Int64>] {
        guard let review = state.screens.review.review else { return [] }
        let l = state.language
        func ticketRow(_ t: Ticket, _ fourth: String, role: ThemeRole? = nil) -> TableRow<Int64> {
            let priorityRole: ThemeRole = t.priority == .major ? .major : t.priority == .general ? .general : .minor
            return TableRow(id: t.id.number, cells: [
                TableCell(t.id.description), TableCell(t.priority.label(l), role: priorityRole), TableCell(t.title),
                TableCell(fourth, role: role), TableCell(t.state.label(l), role: t.state.isOpen ? nil : .muted),
                TableCell(t.problem?.description ?? "—", role: t.problem == nil ? .muted : .ok),
            ])
        }
        func opened(_ t: Ticket) -> String { String(DisplayTime.format(t.openedAt, in: state.timeZone).dropFirst(5).prefix(11)) }
        switch section {
        case .trend:
            var rows: [TableRow<Int64>] = []
            for (index, trend) in review.trends.enumerated() {
                let first = index == 0 || review.trends[index - 1].dimension != trend.dimension
                let key: String = switch trend.dimension {
                case .priority: Priority(rawValue: trend.key)?.label(l) ?? trend.key
                case .tier: Tier(rawValue: trend.key)?.label(l) ?? trend.key
                default: trend.key
                }
                let change = trend.change
                let changeText = change == 0 ? "0" : String(format: "%+.1f", change)
                let role: ThemeRole? = change >= 1 && change >= trend.previousMean * 0.5 ? .warning : change < 0 ? .ok : nil
                let series = (trend.previous.reversed() + [trend.thisWeek]).map(Double.init)
                rows.append(TableRow(id: Int64(index), cells: [
                    TableCell(first ? trend.dimension.label(l) : "", role: .title), TableCell(key),
                    TableCell(String(trend.thisWeek)), TableCell(String(format: "%.1f", trend.previousMean), role: .muted),
                    TableCell(changeText, role: role), TableCell(Sparkline.render(series, width: 5, levels: levels), role: .chart),
                ]))
            }
            return rows
        case .recurring:
            if let id = state.screens.review.cluster, let cluster = review.clusters.first(where: { $0.id == id }) {
                return cluster.incidents.map { ticketRow($0, opened($0)) }
            }
            return review.clusters.map { cluster in
                let problem: String
                let role: ThemeRole
                if cluster.tracked {
                    problem = cluster.problems.map { id in
                        "\(id)" + (review.problems[id].map { " \(problemState($0.state, l))" } ?? "")
                    }.joined(separator: ", ")
                    role = .ok
                } else if cluster.problems.isEmpty {
                    problem = l.pick(en: "untracked: R", zh: "未跟踪：按 R")
                    role = .warning
                } else {
                    problem = l.pick(en: "partly \(cluster.problems[0])", zh: "部分 \(cluster.problems[0])")
                    role = .warning
                }
                let scope = [cluster.service, cluster.category].compactMap { $0 }.joined(separator: " / ")
                return TableRow(id: cluster.id.number, cells: [
                    TableCell(String(cluster.incidents.count)), TableCell(cluster.title), TableCell(scope.isEmpty ? "—" : scope),
                    TableCell(problem, role: role),
                ])
            }
        case .notFixed:
            return review.notFixedAtRoot.map { item in
                let why = item.reasons.map { reason -> String in
                    switch reason {
                    case .reopened: l.pick(en: "reopened ×\(item.ticket.reopenCount)", zh: "重开 \(item.ticket.reopenCount) 次")
                    case .workaround: l.pick(en: "workaround", zh: "临时方案")
                    }
                }.joined(separator: ", ")
                return ticketRow(item.ticket, why, role: .warning)
            }
        case .backfilled: return review.backfilled.map { ticketRow($0, opened($0)) }
        case .bypassed: return review.bypassedDesk.map { ticketRow($0, opened($0), role: nil) }
        case .openProblems:
            return review.problemsOpenTooLong.map { problem in
                let age = state.now.timeIntervalSince(problem.raisedAt)
                return TableRow(id: problem.id.number, cells: [
                    TableCell(problem.id.description), TableCell(problem.title),
                    TableCell(problem.state.label(l), role: problem.state == .new ? .warning : nil),
                    TableCell(problem.owner ?? l.pick(en: "unassigned", zh: "未指派"), role: problem.owner == nil ? .warning : nil),
                    TableCell(ProblemsScreen.ageText(age), sortKey: .number(age), role: .breached),
                ])
            }
        }
    }

    // MARK: Drawing

    static func draw(_ state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard !rect.isEmpty else { return }
        let l = state.language
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            guard let week = state.screens.review.week else { return }
            let review = state.screens.review.review
            // Line 1: the week, its incidents and the comparison.
            let start = DisplayTime.format(week.interval.start, in: state.timeZone).prefix(10)
            let end = DisplayTime.format(week.interval.end.addingTimeInterval(-1), in: state.timeZone).prefix(10)
            var summary = "\(week.label)  \(start) – \(end)"
            if let review {
                let previous = review.trends(.priority)
                let mean = previous.reduce(0) { $0 + $1.previousMean }
                summary += l.pick(en: "  ·  \(review.incidents.count) incidents, mean of the 4 weeks before: \(String(format: "%.1f", mean))",
                                  zh: "  ·  本周 \(review.incidents.count) 起，前 4 周平均 \(String(format: "%.1f", mean)) 起")
            } else {
                summary += "  " + l.pick(en: "Loading…", zh: "加载中…")
            }
            canvas.put(summary, x: rect.x + 1, y: rect.y, role: .title, maxWidth: rect.width - 2, ellipsis: true)
            guard rect.height > 3 else { return }
            var body = Rect(x: rect.x, y: rect.y + 2, width: rect.width, height: rect.height - 2)
            if wide(state.size) {
                let left = min(72, rect.width * 2 / 5)
                let trendRect = Rect(x: rect.x, y: rect.y + 1, width: left, height: rect.height - 1)
                canvas.put(title(.trend, review, l), x: trendRect.x + 1, y: trendRect.y, role: .header)
                let trendTable = Rect(x: trendRect.x, y: trendRect.y + 1, width: trendRect.width, height: trendRect.height - 1)
                var none = TableState<Int64>()
                none.selectedIndex = -1
                TableView.draw(columns: columns(.trend, state), rows: rows(.trend, state, levels: canvas.glyphs.chartLevels), state: none, in: trendTable, canvas: &canvas)
                canvas.verticalLine(x: rect.x + left, y: rect.y + 1, height: rect.height - 1)
                body = Rect(x: rect.x + left + 2, y: rect.y + 2, width: rect.width - left - 2, height: rect.height - 2)
                drawTabs(state, review, in: Rect(x: body.x, y: rect.y + 1, width: body.width, height: 1), canvas: &canvas)
            } else {
                drawTabs(state, review, in: Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: 1), canvas: &canvas)
            }
            let shown = section(state)
            var tableRect = body
            if shown == .recurring, let id = state.screens.review.cluster, let cluster = review?.clusters.first(where: { $0.id == id }) {
                let scope = [cluster.service, cluster.category].compactMap { $0 }.joined(separator: " / ")
                canvas.put(l.pick(en: "“\(cluster.title)” · \(scope) · \(cluster.incidents.count) incidents · Esc: back, R: raise a problem",
                                  zh: "“\(cluster.title)” · \(scope) · 共 \(cluster.incidents.count) 起 · Esc 返回，R 提交问题单"),
                           x: body.x + 1, y: body.y, role: .muted, maxWidth: body.width - 2, ellipsis: true)
                tableRect = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
            }
            let rows = rows(state, levels: canvas.glyphs.chartLevels)
            var table = state.screens.review.table
            table.reconcile(with: rows)
            let empty = review == nil ? l.pick(en: "Loading…", zh: "加载中…") : emptyText(shown, l)
            TableView.draw(columns: columns(shown, state), rows: rows, state: table, in: tableRect, canvas: &canvas, emptyMessage: empty)
        }
    }

    static func emptyText(_ section: Section, _ l: Language) -> String {
        switch section {
        case .trend: l.pick(en: "No incidents", zh: "无事件")
        case .recurring: l.pick(en: "No 3 or more similar incidents this week", zh: "本周没有 3 起以上的相似事件")
        case .notFixed: l.pick(en: "Nothing reopened or resolved with a workaround", zh: "无重开或临时解决的事件")
        case .backfilled: l.pick(en: "Nothing back-filled", zh: "无补录事件")
        case .bypassed: l.pick(en: "Nothing bypassed the desk", zh: "无绕过服务台的事件")
        case .openProblems: l.pick(en: "No problem open for more than 30 days", zh: "没有超过 30 天未结的问题单")
        }
    }

    static func drawTabs(_ state: ConsoleState, _ review: WeeklyReview?, in rect: Rect, canvas: inout Canvas) {
        var x = rect.x
        let current = section(state)
        for section in sections(state) {
            let label = " \(title(section, review, state.language)) "
            x += canvas.put(label, x: x, y: rect.y, role: section == current ? .selected : .header, maxWidth: max(0, rect.maxX - x)) + 1
        }
    }
}

/// A problem's state as the review shows it.
func problemState(_ state: ProblemState, _ l: Language) -> String { state.label(l) }
