import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// One operator's load on the current shift.
public struct OperatorLoad: Sendable, Hashable {
    public var person: Operator
    /// Open incidents they hold now.
    public var held: Int
    /// Taken (accepted) and resolved during the current shift.
    public var taken: Int
    public var resolved: Int
    /// On the shift's roster or at work during it; otherwise listed only because they still
    /// hold open incidents (someone should pick those up).
    public var onShift: Bool = true
}

/// A submitted handover with items nobody has acknowledged yet.
public struct PendingHandover: Sendable, Hashable {
    public var handover: Handover
    public var pending: [TicketID]
    /// Past the incoming shift's first half hour.
    public var overdue: Bool
}

/// What the supervisor's live view shows besides the queues: read from the store on entry,
/// on every change and once a minute.
public struct SupervisorData: Sendable {
    public var now: Date
    public var shift: ShiftSchedule.Occurrence
    public var operators: [OperatorLoad]
    /// Incidents opened (logged) per hour, the last 24 hours, oldest first; the last is the hour under way.
    public var arrivals: [Int]
    /// Resolution events per hour, same hours.
    public var resolutions: [Int]
    /// Start of the oldest hour.
    public var firstHour: Date
    public var handovers: [PendingHandover]

    public init(now: Date, shift: ShiftSchedule.Occurrence, operators: [OperatorLoad], arrivals: [Int], resolutions: [Int],
                firstHour: Date, handovers: [PendingHandover]) {
        self.now = now
        self.shift = shift
        self.operators = operators
        self.arrivals = arrivals
        self.resolutions = resolutions
        self.firstHour = firstHour
        self.handovers = handovers
    }

    /// Open incidents per holder, from the console's queue rows (no ticket is read again).
    public static func held(in entries: [QueueEntry]) -> [String: Int] {
        var held: [String: Int] = [:]
        for entry in entries where entry.ticket.state.isOpen {
            if let login = entry.ticket.assignee { held[login, default: 0] += 1 }
        }
        return held
    }

    /// Computes the view from the records (pure: the loader and the tests call it): `held` is
    /// each holder's open incidents, `activity` the events of the last day and of the shift.
    public static func make(now: Date, schedule: ShiftSchedule, operators: [Operator], held: [String: Int],
                            activity events: [EventActivity], handovers: [Handover]) -> SupervisorData {
        let shift = schedule.occurrence(at: now)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = schedule.timeZone
        let thisHour = calendar.dateInterval(of: .hour, for: now)?.start ?? now
        let firstHour = thisHour.addingTimeInterval(-23 * 3600)
        var arrivals = Array(repeating: 0, count: 24)
        var resolutions = Array(repeating: 0, count: 24)
        var taken: [String: Int] = [:]
        var resolved: [String: Int] = [:]
        var active: Set<String> = []
        for event in events where event.at <= now {
            let hour = Int(event.at.timeIntervalSince(firstHour) / 3600)
            if event.at >= firstHour, hour < 24 {
                if event.kind == .opened || event.kind == .imported { arrivals[hour] += 1 }
                if event.kind == .resolved { resolutions[hour] += 1 }
            }
            if shift.start <= event.at {
                active.insert(event.actor)
                if event.kind == .taken { taken[event.actor, default: 0] += 1 }
                if event.kind == .resolved { resolved[event.actor, default: 0] += 1 }
            }
        }
        let order: [Role] = [.desk, .l1, .l2, .im, .supervisor, .problemManager, .owner, .auditor]
        func onShift(_ person: Operator) -> Bool { person.shift == shift.shift || active.contains(person.login) }
        // Those on the shift first; then anyone off it who still holds open incidents.
        let loads = operators
            .filter { onShift($0) || held[$0.login] != nil }
            .sorted { a, b in
                (onShift(a) ? 0 : 1, order.firstIndex(of: a.role) ?? 9, a.login) < (onShift(b) ? 0 : 1, order.firstIndex(of: b.role) ?? 9, b.login)
            }
            .map { OperatorLoad(person: $0, held: held[$0.login] ?? 0, taken: taken[$0.login] ?? 0, resolved: resolved[$0.login] ?? 0,
                                onShift: onShift($0)) }
        let pending = handovers.compactMap { handover -> PendingHandover? in
            let open = handover.unacknowledged.map(\.ticket)
            guard !open.isEmpty else { return nil }
            return PendingHandover(handover: handover, pending: open, overdue: handover.to.reviewWindow.end < now)
        }.sorted { $0.handover.preparedAt > $1.handover.preparedAt }
        return SupervisorData(now: now, shift: shift, operators: loads, arrivals: arrivals, resolutions: resolutions,
                              firstHour: firstHour, handovers: pending)
    }

    /// Reads what the view counts: a day of activity (who did what when, not the changes), the
    /// handovers of the last three days and the operators. `held` comes from the console's rows:
    /// reading every open ticket again, and every event's changes, took seconds at 100k open
    /// and ran on every change another seat made.
    static func load(desk: Desk, schedule: ShiftSchedule, held: [String: Int]) async throws -> SupervisorData {
        let now = desk.clock.now()
        let shift = schedule.occurrence(at: now)
        let from = min(shift.start, now.addingTimeInterval(-25 * 3600))
        let activity = try await desk.store.activity(from: from, to: now.addingTimeInterval(1))
        let handovers = try await desk.store.handovers(from: now.addingTimeInterval(-3 * 86_400), to: nil, limit: 50)
        return make(now: now, schedule: schedule, operators: try await desk.store.operators(), held: held,
                    activity: activity, handovers: handovers)
    }
}

/// Which tickets a drill-down from the supervisor's view shows in a queue.
public struct Drill: Sendable, Equatable {
    public enum Filter: Sendable, Equatable {
        case all, priority(Priority), unheld, atRisk, breached
        case holder(login: String, name: String)
    }

    public var tier: Tier?
    public var filter: Filter

    public func allows(_ entry: QueueEntry, now: Date) -> Bool {
        guard entry.ticket.state.isOpen else { return false }
        if let tier, entry.ticket.tier != tier { return false }
        switch filter {
        case .all: return true
        case let .priority(priority): return entry.ticket.priority == priority
        case .unheld: return entry.ticket.assignee == nil
        case .atRisk: return SupervisorScreen.atRisk(entry, now: now)
        case .breached: return entry.breached(now: now)
        case let .holder(login, _): return entry.ticket.assignee == login
        }
    }

    public func label(_ l: Language) -> String {
        let what: String
        switch filter {
        case .all: what = l.pick(en: "open", zh: "未结")
        case let .priority(priority): what = priority.label(l)
        case .unheld: what = l.pick(en: "unheld", zh: "待受理")
        case .atRisk: what = l.pick(en: "at risk < 1 h", zh: "1小时内到期")
        case .breached: what = l.pick(en: "breached", zh: "已超时")
        case let .holder(login, name): what = l.pick(en: "held by \(name) (\(login))", zh: "\(name)（\(login)）处理中")
        }
        return tier.map { "\($0.label(l)) · \(what)" } ?? what
    }
}

public struct SupervisorScreenState: Sendable {
    public var data: SupervisorData?
    /// A load is on its way (on a thread of its own); another asked for meanwhile waits for it
    /// (`stale`) instead of running beside it.
    public var loading = false
    public var stale = false
    /// The cursor: a row of the load table (0–4) or an operator (5…), and a column.
    public var row = 0
    public var column = 1

    public init() {}
}

/// The supervisor's live view: load per queue, operators on the shift, arrivals and
/// resolutions per hour, pending handover items. Every number of the tables drills down.
enum SupervisorScreen {
    static let loadRows = SupervisorView.queues.count
    /// Columns of the load table that drill down (Open … Oldest).
    static let loadColumns = 1...8
    static let operatorColumns = 2...4

    static func atRisk(_ entry: QueueEntry, now: Date) -> Bool {
        guard let left = entry.countdown(now: now) else { return false }
        return left >= 0 && left < 3600
    }

    static func rowCount(_ state: ConsoleState) -> Int { loadRows + (state.screens.supervisor.data?.operators.count ?? 0) }

    static func handle(_ state: inout ConsoleState, action: ActionID) -> [AppCommand<ConsoleEffect>]? {
        var cursor = state.screens.supervisor
        let rows = rowCount(state)
        let columns = cursor.row < loadRows ? loadColumns : operatorColumns
        switch action {
        case .moveUp: cursor.row = max(0, cursor.row - 1)
        case .moveDown: cursor.row = min(rows - 1, cursor.row + 1)
        case .first: cursor.row = 0
        case .last: cursor.row = rows - 1
        case .moveLeft: cursor.column = max(columns.lowerBound, cursor.column - 1)
        case .moveRight: cursor.column = min(columns.upperBound, cursor.column + 1)
        case .open:
            return drill(&state)
        default:
            return nil
        }
        let now = cursor.row < loadRows ? loadColumns : operatorColumns
        cursor.column = min(now.upperBound, max(now.lowerBound, cursor.column))
        state.screens.supervisor = cursor
        return []
    }

    /// Where Enter on the cursor's number leads: the queue and its filter.
    static func target(_ state: ConsoleState) -> (QueueKind, Drill)? {
        let cursor = state.screens.supervisor
        let drill: Drill
        let queue: QueueKind
        if cursor.row < loadRows {
            let (_, kind, tier) = SupervisorView.queues[cursor.row]
            queue = kind ?? .im
            let filter: Drill.Filter
            switch cursor.column {
            case 2: filter = .priority(.major)
            case 3: filter = .priority(.general)
            case 4: filter = .priority(.minor)
            case 5: filter = .unheld
            case 6: filter = .atRisk
            case 7: filter = .breached
            default: filter = .all
            }
            drill = Drill(tier: tier, filter: filter)
        } else {
            guard let load = state.screens.supervisor.data?.operators[safe: cursor.row - loadRows] else { return nil }
            queue = load.person.role.tier == nil ? .desk : QueueKind.home(of: load.person.role)
            drill = Drill(tier: nil, filter: .holder(login: load.person.login, name: load.person.name))
        }
        return (queue == .supervisor ? .desk : queue, drill)
    }

    /// Opens the queue behind the number under the cursor.
    static func drill(_ state: inout ConsoleState) -> [AppCommand<ConsoleEffect>] {
        guard let (queue, drill) = target(state) else { return [] }
        state.queue = queue
        state.screens.drill = drill
        state.filter = ""
        state.table = TableState()
        state.table.reconcile(with: ConsoleApp.rows(state))
        return []
    }

    // MARK: Drawing

    static func draw(_ state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard !rect.isEmpty else { return }
        let l = state.language
        canvas.withClip(rect) { canvas in
            canvas.fill(rect)
            var y = rect.y
            // The load table, with the cursor on one cell.
            let columns = SupervisorView.columns(l)
            let rows = SupervisorView.rows(state)
            let tableHeight = min(rect.height, rows.count + 1)
            var none = TableState<Int64>()
            none.selectedIndex = -1
            // Numbers stay near their names on wide screens.
            let tableWidth = min(rect.width, 110)
            let tableRect = Rect(x: rect.x, y: y, width: tableWidth, height: tableHeight)
            TableView.draw(columns: columns, rows: rows, state: none, in: tableRect, canvas: &canvas)
            let cursor = state.screens.supervisor
            let widths = TableView.columnWidths(columns, totalWidth: tableWidth)
            if cursor.row < loadRows {
                highlight(column: cursor.column, widths: widths, y: y + 1 + cursor.row, x: rect.x, canvas: &canvas)
            }
            y += tableHeight + 1
            guard y < rect.maxY else { return }

            // Arrivals and resolutions per hour.
            let data = state.screens.supervisor.data
            let remaining = rect.maxY - y
            if let data {
                if remaining >= 30 {
                    // Bars as tall as the room under them allows, leaving the operators their rows.
                    let height = max(8, min(18, remaining - data.operators.count - 3))
                    let half = rect.width / 2
                    drawBars(title: l.pick(en: "Arrivals per hour, last 24 h", zh: "近 24 小时每小时新增"), values: data.arrivals, data: data,
                             in: Rect(x: rect.x, y: y, width: half - 1, height: height), role: .chart, state: state, canvas: &canvas)
                    drawBars(title: l.pick(en: "Resolved per hour, last 24 h", zh: "近 24 小时每小时解决"), values: data.resolutions, data: data,
                             in: Rect(x: rect.x + half + 1, y: y, width: rect.width - half - 1, height: height), role: .ok, state: state, canvas: &canvas)
                    y += height + 1
                } else {
                    y += drawSparklines(data, state: state, in: Rect(x: rect.x, y: y, width: rect.width, height: min(3, remaining)), canvas: &canvas) + 1
                }
            } else {
                canvas.put(state.screens.supervisor.loading || !state.loaded ? l.pick(en: "Loading…", zh: "加载中…") : "", x: rect.x + 1, y: y, role: .muted)
                y += 2
            }
            guard y < rect.maxY, let data else { return }

            // Operators on the shift, and the handovers still waiting (beside it when there is room).
            let bottom = Rect(x: rect.x, y: y, width: rect.width, height: rect.maxY - y)
            let wide = bottom.width >= 110
            let handoverLines = max(1, data.handovers.count)
            let operatorsRect: Rect
            let handoverRect: Rect
            if wide {
                let left = min(78, bottom.width * 3 / 5)
                operatorsRect = Rect(x: bottom.x, y: bottom.y, width: left, height: bottom.height)
                handoverRect = Rect(x: bottom.x + left + 2, y: bottom.y, width: bottom.width - left - 2, height: bottom.height)
            } else {
                let handoverHeight = min(bottom.height / 2, handoverLines + 1)
                operatorsRect = Rect(x: bottom.x, y: bottom.y, width: bottom.width, height: bottom.height - handoverHeight)
                handoverRect = Rect(x: bottom.x, y: bottom.maxY - handoverHeight, width: bottom.width, height: handoverHeight)
            }
            drawOperators(data, state: state, in: operatorsRect, canvas: &canvas)
            drawHandovers(data, state: state, in: handoverRect, canvas: &canvas)
        }
    }

    static func highlight(column: Int, widths: [Int], y: Int, x: Int, canvas: inout Canvas) {
        var left = x
        for index in 0..<min(column, widths.count) { left += widths[index] + 1 }
        guard column < widths.count else { return }
        canvas.setRole(.selected, in: Rect(x: left, y: y, width: widths[column], height: 1))
    }

    static func hourLabel(_ date: Date, _ state: ConsoleState) -> String { String(clock(date, state).prefix(2)) }

    /// `08:30`.
    static func clock(_ date: Date, _ state: ConsoleState) -> String {
        String(DisplayTime.format(date, in: state.timeZone).suffix(8).prefix(5))
    }

    /// Two sparklines, one hour a cell (or more on wide screens), with their totals and peaks.
    static func drawSparklines(_ data: SupervisorData, state: ConsoleState, in rect: Rect, canvas: inout Canvas) -> Int {
        let l = state.language
        let labels = [l.pick(en: "Arrivals/h", zh: "每小时新增"), l.pick(en: "Resolved/h", zh: "每小时解决")]
        let labelWidth = labels.map { DisplayWidth.width(of: $0) }.max() ?? 10
        let series = [data.arrivals, data.resolutions]
        let totals = series.map { values in
            let peak = values.max() ?? 0
            return l.pick(en: " 24 h: \(values.reduce(0, +)), peak \(peak)", zh: " 24小时 \(values.reduce(0, +))，峰值 \(peak)")
        }
        let totalWidth = totals.map { DisplayWidth.width(of: $0) }.max() ?? 0
        let space = rect.width - labelWidth - 2 - totalWidth
        let cell = max(1, min(3, space / 24))
        let chartWidth = min(24 * cell, max(0, space))
        let shown = chartWidth / cell
        for (index, values) in series.enumerated() where index < rect.height {
            let y = rect.y + index
            canvas.put(DisplayWidth.fit(labels[index], toWidth: labelWidth), x: rect.x, y: y, role: .title)
            let line = Sparkline.render(values.map(Double.init), width: shown, levels: canvas.glyphs.chartLevels)
            let stretched = line.map { String(repeating: String($0), count: cell) }.joined()
            canvas.put(stretched, x: rect.x + labelWidth + 1, y: y, role: index == 0 ? .chart : .ok, maxWidth: chartWidth)
            canvas.put(totals[index], x: rect.x + labelWidth + 1 + chartWidth, y: y, role: .muted, maxWidth: totalWidth)
        }
        if rect.height >= 3, shown > 0 {
            // An hour axis under the bars: every sixth hour.
            var axis = ""
            let start = 24 - shown
            for hour in start..<24 {
                let date = data.firstHour.addingTimeInterval(Double(hour) * 3600)
                let label = (hour - start) % 6 == 0 ? hourLabel(date, state) : ""
                axis += label + String(repeating: " ", count: max(0, cell - DisplayWidth.width(of: label)))
            }
            canvas.put(axis, x: rect.x + labelWidth + 1, y: rect.y + 2, role: .muted, maxWidth: chartWidth + cell * 2)
            return 3
        }
        return min(rect.height, 2)
    }

    /// A vertical bar chart, one bar per hour, bars grow in eighths of a row.
    static func drawBars(title: String, values: [Int], data: SupervisorData, in rect: Rect, role: ThemeRole, state: ConsoleState,
                         canvas: inout Canvas) {
        guard rect.height >= 4, rect.width >= 30 else { return }
        let total = values.reduce(0, +), peak = values.max() ?? 0
        let header = title + state.pick("  total \(total), peak \(peak)", "  共 \(total)，峰值 \(peak)")
        canvas.put(header, x: rect.x, y: rect.y, role: .title, maxWidth: rect.width, ellipsis: true)
        let scaleWidth = String(peak).count + 1
        let chartHeight = rect.height - 2
        let cell = max(1, min(4, (rect.width - scaleWidth) / 24))
        let barWidth = max(1, cell - 1)
        let levels = canvas.glyphs.chartLevels
        canvas.put(String(peak), x: rect.x, y: rect.y + 1, role: .muted)
        canvas.put("0", x: rect.x + scaleWidth - 2, y: rect.y + chartHeight, role: .muted)
        for (hour, value) in values.enumerated() {
            let x = rect.x + scaleWidth + hour * cell
            let eighths = peak > 0 ? Int((Double(value) / Double(peak) * Double(chartHeight * 8)).rounded()) : 0
            for row in 0..<chartHeight {
                let y = rect.y + chartHeight - row
                let filled = eighths - row * 8
                let glyph: String
                if filled >= 8 { glyph = canvas.glyphs.chartFull } else if filled > 0 {
                    glyph = levels[min(levels.count - 1, max(0, filled * levels.count / 8 - 1))]
                } else if row == 0 {
                    glyph = value > 0 ? levels[0] : (canvas.glyphs.chartFull == "#" ? "." : "·")
                } else { continue }
                canvas.put(String(repeating: glyph, count: barWidth), x: x, y: y, role: role)
            }
            if hour % 3 == 0 {
                canvas.put(hourLabel(data.firstHour.addingTimeInterval(Double(hour) * 3600), state), x: x, y: rect.y + chartHeight + 1, role: .muted)
            }
        }
    }

    static func operatorColumnsLayout(_ l: Language, shift: String) -> [TableColumn] {
        [
            TableColumn(l.pick(en: "On shift: \(shift)", zh: "本班：\(shift)"), width: .flex(weight: 2, minimum: 12)),
            TableColumn(l.pick(en: "Role", zh: "角色"), width: .flex(weight: 1, minimum: 6)),
            TableColumn(l.pick(en: "Held", zh: "在手"), width: .fixed(6), alignment: .right),
            TableColumn(l.pick(en: "Taken", zh: "本班受理"), width: .fixed(8), alignment: .right),
            TableColumn(l.pick(en: "Resolved", zh: "本班解决"), width: .fixed(8), alignment: .right),
        ]
    }

    static func drawOperators(_ data: SupervisorData, state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard rect.height >= 2 else { return }
        let l = state.language
        let span = "\(data.shift.shift.label(l)) \(clock(data.shift.start, state))–\(clock(data.shift.end, state))"
        let columns = operatorColumnsLayout(l, shift: span)
        let rows = data.operators.enumerated().map { index, load in
            TableRow(id: Int64(index), cells: [
                load.onShift ? TableCell(load.person.name)
                    : TableCell(load.person.name + l.pick(en: " (off shift)", zh: "（非本班）"), role: .muted),
                TableCell(load.person.role.label(l)),
                TableCell(String(load.held), role: load.held > 0 ? (load.onShift ? nil : .warning) : .muted),
                TableCell(String(load.taken)), TableCell(String(load.resolved)),
            ])
        }
        var table = TableState<Int64>()
        let cursor = state.screens.supervisor
        table.selectedIndex = cursor.row >= loadRows ? cursor.row - loadRows : -1
        let visible = TableView.visibleRowCount(height: rect.height)
        if cursor.row >= loadRows { table.scrollOffset = max(0, table.selectedIndex - visible + 1) }
        var plain = table
        if cursor.row >= loadRows { plain.selectedIndex = -1 }
        TableView.draw(columns: columns, rows: rows, state: plain, in: rect, canvas: &canvas,
                       emptyMessage: l.pick(en: "Nobody on this shift", zh: "本班无人"))
        if cursor.row >= loadRows {
            let offset = TableState<Int64>.offset(keeping: table.selectedIndex, visible: visible, current: 0, count: rows.count)
            let y = rect.y + 1 + table.selectedIndex - offset
            if y < rect.maxY {
                highlight(column: cursor.column, widths: TableView.columnWidths(columns, totalWidth: rect.width), y: y, x: rect.x, canvas: &canvas)
            }
        }
    }

    static func drawHandovers(_ data: SupervisorData, state: ConsoleState, in rect: Rect, canvas: inout Canvas) {
        guard rect.height >= 1 else { return }
        let l = state.language
        let count = data.handovers.reduce(0) { $0 + $1.pending.count }
        canvas.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .header)
        canvas.put(l.pick(en: "Handover items not acknowledged: \(count)", zh: "未确认的交接事项：\(count)"), x: rect.x, y: rect.y,
                   role: .header, maxWidth: rect.width, ellipsis: true)
        guard !data.handovers.isEmpty else {
            if rect.height >= 2 { canvas.put(l.pick(en: "none", zh: "无"), x: rect.x + 1, y: rect.y + 1, role: .ok) }
            return
        }
        for (index, pending) in data.handovers.enumerated() where index + 1 < rect.height {
            let h = pending.handover
            let when = DisplayTime.format(h.preparedAt, in: state.timeZone).dropFirst(5).prefix(11)
            let text = "#\(h.id) \(h.from.shift.label(l))→\(h.to.shift.label(l)) \(when) "
                + l.pick(en: "\(pending.pending.count) pending: ", zh: "待确认 \(pending.pending.count)：")
                + pending.pending.map(\.description).joined(separator: " ")
            canvas.put(text, x: rect.x + 1, y: rect.y + 1 + index, role: pending.overdue ? .breached : .warning, maxWidth: rect.width - 1, ellipsis: true)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
