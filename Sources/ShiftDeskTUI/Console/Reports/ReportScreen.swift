import Foundation
import ShiftDeskCore

public struct ReportScreenState: Sendable {
    public var period: ReportPeriod?
    public var report: KPIReport?
    public var loading = false
    public var offset = 0

    public init() {}
}

/// The KPI report in the console: the same `ReportLoader` and the same formatting as
/// `shiftdesk report`, for a week, month, quarter or year, saved as md/csv/json/html.
enum ReportScreen {
    static func handle(_ state: inout ConsoleState, action: ActionID) -> [AppCommand<ConsoleEffect>]? {
        guard let period = state.screens.reports.period else { return nil }
        switch action {
        case .previousPeriod, .nextPeriod:
            let next = neighbour(of: period, forward: action == .nextPeriod)
            guard let next else { return [] }
            if action == .nextPeriod, next.interval.start > state.now {
                ConsoleApp.say(&state, state.pick("\(period.label) is the current period", "\(period.label) 已是当前周期"))
                return []
            }
            return show(&state, next)
        case .periodKind:
            let kinds = ReportPeriod.Kind.allCases
            let kind = kinds[((kinds.firstIndex(of: period.kind) ?? 0) + 1) % kinds.count]
            let anchor = min(period.interval.start, state.now)
            guard let next = ReportPeriod.containing(anchor, kind: kind, timeZone: period.timeZone) else { return [] }
            return show(&state, next)
        case .saveReport:
            let l = state.language
            let form = FormDialogState(title: l.pick(en: "Save the report \(period.label)", zh: "保存报告 \(period.label)"), fields: [
                FormField(id: "format", label: l.pick(en: "Format", zh: "格式"),
                          kind: .choice(options: ReportFormat.allCases.map(\.rawValue), selected: 3)),
                FormField(id: "path", label: l.pick(en: "File (extension follows the format)", zh: "文件（扩展名随格式）"),
                          kind: .text(TextFieldState(text: "shiftdesk-report-\(period.label)", visibleWidth: 40, maxLength: 500)), required: true),
            ], language: l)
            state.afterForm = .browse
            state.mode = .form(form, .screen(.saveReport(period)))
            return []
        case .moveDown: state.screens.reports.offset += 1; return []
        case .moveUp: state.screens.reports.offset = max(0, state.screens.reports.offset - 1); return []
        case .pageDown: state.screens.reports.offset += 10; return []
        case .pageUp: state.screens.reports.offset = max(0, state.screens.reports.offset - 10); return []
        case .first: state.screens.reports.offset = 0; return []
        case .open, .sort, .take, .escalate, .resolve, .close, .note, .priority, .pend, .resume, .reopen, .printSheet, .signSheet,
             .raiseProblem, .filter:
            return []
        default:
            return nil
        }
    }

    static func show(_ state: inout ConsoleState, _ period: ReportPeriod) -> [AppCommand<ConsoleEffect>] {
        state.screens.reports.period = period
        state.screens.reports.report = nil
        state.screens.reports.offset = 0
        state.screens.reports.loading = true
        return [.perform(.screen(.loadReport(period)))]
    }

    static func neighbour(of period: ReportPeriod, forward: Bool) -> ReportPeriod? {
        let instant = forward ? period.interval.end.addingTimeInterval(3600) : period.interval.start.addingTimeInterval(-3600)
        return ReportPeriod.containing(instant, kind: period.kind, timeZone: period.timeZone)
    }

    static func submit(_ state: inout ConsoleState, _ form: FormDialogState, _ period: ReportPeriod) -> [AppCommand<ConsoleEffect>] {
        let format = ReportFormat(rawValue: form.value(of: "format") ?? "") ?? .html
        var path = (form.value(of: "path") ?? "").trimmingCharacters(in: .whitespaces)
        let known = ReportFormat.allCases.map { ".\($0.rawValue)" }
        if let ext = known.first(where: { path.hasSuffix($0) }) { path.removeLast(ext.count) }
        path += ".\(format.rawValue)"
        return [.perform(.screen(.saveReport(period, format: format, path: path)))]
    }

    /// The report as lines: (label, value, role); a nil value is a heading.
    static func lines(_ report: KPIReport, _ l: Language) -> [[(String, String?, ThemeRole)]] {
        let renderer = ReportRenderer(report: report, language: l)
        var blocks: [[(String, String?, ThemeRole)]] = []
        if let comparison = report.sinceDelivery { blocks.append(deliveryBlock(comparison, report.period, l)) }
        for section in renderer.sections {
            var block: [(String, String?, ThemeRole)] = [(section.title, nil, .header)]
            for kpi in section.kpis {
                let figure = report.figure(kpi, section.scope)
                block.append((kpi.name(l), renderer.format(figure), kpi.countsAgainst && (figure?.value ?? 0) > 0 ? .warning : .normal))
            }
            blocks.append(block)
        }
        var ttr: [(String, String?, ThemeRole)] = [(l.pick(en: "Time to resolve by priority (mean / median)", zh: "按优先级的解决时长（平均/中位数）"), nil, .header)]
        for priority in Priority.allCases {
            let scope = "priority:\(priority.rawValue)"
            let n = report.figure(.meanTimeToResolve, scope)?.denominator ?? 0
            ttr.append((priority.label(l), "\(renderer.format(report.figure(.meanTimeToResolve, scope))) / \(renderer.format(report.figure(.medianTimeToResolve, scope))) (n=\(n))", .normal))
        }
        blocks.append(ttr)
        var csat: [(String, String?, ThemeRole)] = [(l.pick(en: "Satisfaction (closed in the period)", zh: "满意度（本期关闭）"), nil, .header)]
        for score in (1...5).reversed() { csat.append(("\(score)", String(report.satisfactionDistribution[score]), .normal)) }
        csat.append((l.pick(en: "unreachable", zh: "无法联系"), String(report.satisfactionDistribution[0]), .muted))
        blocks.append(csat)
        var aging: [(String, String?, ThemeRole)] = [(l.pick(en: "Backlog aging at period end", zh: "期末积压账龄"), nil, .header)]
        for (label, count) in zip(["< 1 d", "1–3 d", "3–7 d", "≥ 7 d"], report.backlogAging) { aging.append((label, String(count), .normal)) }
        blocks.append(aging)
        var tiers: [(String, String?, ThemeRole)] = [(l.pick(en: "Workload per line (taken / resolved / escalated)", zh: "各层级工作量（受理/解决/升级）"), nil, .header)]
        for line in report.tierWorkload {
            tiers.append((line.role?.label(l) ?? line.login, "\(line.taken) / \(line.resolved) / \(line.escalated)", .normal))
        }
        blocks.append(tiers)
        var people: [(String, String?, ThemeRole)] = [(l.pick(en: "Workload per operator (taken / resolved / escalated / closed / notes)", zh: "人员工作量（受理/解决/升级/关闭/备注）"), nil, .header)]
        for w in report.workload {
            people.append(("\(w.name) · \(w.role?.label(l) ?? "—")", "\(w.taken) / \(w.resolved) / \(w.escalated) / \(w.closed) / \(w.notes)", .normal))
        }
        blocks.append(people)
        return blocks
    }

    /// A delivered period: when and to whom, and the figures that moved since (a correction is due).
    static func deliveryBlock(_ comparison: DeliveryComparison, _ period: ReportPeriod, _ l: Language) -> [(String, String?, ThemeRole)] {
        let d = comparison.delivery
        let zone = period.timeZone
        var block: [(String, String?, ThemeRole)] = [(l.pick(en: "Delivery", zh: "报送"), nil, .header)]
        block.append((d.isCorrection ? l.pick(en: "correction \(d.sequence)", zh: "第 \(d.sequence) 次更正") : l.pick(en: "delivered", zh: "已报送"),
                      DisplayTime.format(d.at, in: zone), .normal))
        block.append((l.pick(en: "to", zh: "收件人"), d.recipients.isEmpty ? d.role.rawValue : d.recipients.joined(separator: ", "), .normal))
        if comparison.changes.isEmpty {
            block.append((l.pick(en: "changed since delivery", zh: "报送后变化"), l.pick(en: "none", zh: "无"), .ok))
        } else {
            block.append((l.pick(en: "changed since delivery", zh: "报送后变化"),
                          l.pick(en: "\(comparison.changes.count) figures: report deliver \(period.kind.rawValue) --period \(period.label)",
                                 zh: "\(comparison.changes.count) 项：report deliver \(period.kind.rawValue) --period \(period.label)"), .warning))
            for change in comparison.changes {
                block.append(("\(change.name(l)) [\(change.scope)]", "\(change.before ?? "—") → \(change.after ?? "—")", .warning))
            }
        }
        return block
    }

    static func draw(_ state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard !rect.isEmpty else { return }
        let l = state.language
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            guard let period = state.screens.reports.period else { return }
            let kinds = ReportPeriod.Kind.allCases.map { kind -> String in
                let name = switch kind {
                case .week: l.pick(en: "week", zh: "周")
                case .month: l.pick(en: "month", zh: "月")
                case .quarter: l.pick(en: "quarter", zh: "季度")
                case .year: l.pick(en: "year", zh: "年")
                case .span: l.pick(en: "span", zh: "时段")
                }
                return kind == period.kind ? "[\(name)]" : name
            }.joined(separator: " ")
            let start = DisplayTime.format(period.interval.start, in: state.timeZone).prefix(10)
            let end = DisplayTime.format(period.interval.end.addingTimeInterval(-1), in: state.timeZone).prefix(10)
            let title = l.pick(en: "Incident management report \(period.label)", zh: "事件管理报告 \(period.label)")
            canvas.put("\(title)  \(start) – \(end)", x: rect.x + 1, y: rect.y, role: .title, maxWidth: rect.width - 2, ellipsis: true)
            let keys = state.pick("F4/w period · F5/[ F6/] previous/next · F7/x save", "F4/w 周期 · F5/[ F6/] 上/下一期 · F7/x 保存")
            canvas.put("\(kinds)   \(keys)", x: rect.x + 1, y: rect.y + 1, role: .muted, maxWidth: rect.width - 2, ellipsis: true)
            guard let report = state.screens.reports.report, report.period == period else {
                canvas.put(l.pick(en: "Loading…", zh: "加载中…"), x: rect.x + 1, y: rect.y + 2, role: .muted)
                return
            }
            let blocks = lines(report, l)
            let body = Rect(x: rect.x, y: rect.y + 3, width: rect.width, height: rect.height - 3)
            // Two or three columns of blocks when there is room; one scrolling column otherwise.
            let columnCount = max(1, min(3, body.width / 62))
            let columnWidth = min(66, (body.width - (columnCount - 1) * 2) / columnCount)
            var columns = Array(repeating: [(String, String?, ThemeRole)](), count: columnCount)
            let total = blocks.reduce(0) { $0 + $1.count + 1 }
            var column = 0
            for block in blocks {
                if column < columnCount - 1, columns[column].count + block.count > max(body.height, total / columnCount + 1) { column += 1 }
                columns[column] += block + [("", "", .normal)]
            }
            let longest = columns.map(\.count).max() ?? 0
            let offset = min(state.screens.reports.offset, max(0, longest - body.height))
            for (index, lines) in columns.enumerated() {
                let x = body.x + index * (columnWidth + 2)
                for (row, line) in lines.dropFirst(offset).prefix(body.height).enumerated() {
                    let y = body.y + row
                    guard let value = line.1 else {
                        canvas.fill(Rect(x: x, y: y, width: columnWidth, height: 1), role: .header)
                        canvas.put(line.0, x: x + 1, y: y, role: .header, maxWidth: columnWidth - 1, ellipsis: true)
                        continue
                    }
                    let valueWidth = DisplayWidth.width(of: value)
                    canvas.put(line.0, x: x + 1, y: y, role: line.2 == .warning ? .normal : line.2, maxWidth: max(0, columnWidth - valueWidth - 3), ellipsis: true)
                    canvas.put(value, x: x + columnWidth - valueWidth, y: y, role: line.2 == .normal ? .normal : line.2)
                }
            }
        }
    }
}
