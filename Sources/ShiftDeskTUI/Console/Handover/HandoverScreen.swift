import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// The shift-handover screen (交接班): prepare the outgoing shift's handover, review and
/// acknowledge what was handed to this shift, and browse past handovers with their compliance.
public struct HandoverScreen: Sendable {
    public enum Tab: Int, CaseIterable, Sendable {
        case prepare, review, history

        func label(_ l: Language) -> String {
            switch self {
            case .prepare: l.pick(en: "Prepare", zh: "交班")
            case .review: l.pick(en: "Review", zh: "接班")
            case .history: l.pick(en: "History", zh: "交接记录")
            }
        }

        var context: ScreenContext {
            switch self {
            case .prepare: .handoverPrepare
            case .review: .handoverReview
            case .history: .handoverHistory
            }
        }
    }

    public var tab: Tab = .prepare
    /// The outgoing shift's handover as the operator edits it; kept while they look elsewhere.
    public var draft: HandoverDraft?
    public var draftError: String?
    public var prepareTable = TableState<Int64>()
    public var reviewTable = TableState<Int64>()
    /// The first day of the week browsed in the history.
    public var historyWeek: Date?
    public var history: [Handover]?
    public var historyTable = TableState<Int64>()
    /// A handover of the history opened to read item by item.
    public var opened: Int64?
    public var openedOffset = 0

    public init() {}

    var context: ScreenContext { tab == .history && opened != nil ? .handoverRecord : tab.context }

    /// The tab a shift operator needs now: review in the first half hour or while items wait
    /// for them, prepare otherwise.
    static func naturalTab(overview: HandoverOverview?, now: Date) -> Tab {
        guard let overview else { return .prepare }
        if overview.shift.reviewWindow.contains(now) || overview.pendingForShift > 0 { return .review }
        return .prepare
    }

    /// A review row: one item of one handover.
    static func reviewRowID(handover: Int64, ticket: TicketID) -> Int64 { handover << 32 | ticket.number }

    static func reviewItem(_ rowID: Int64, in incoming: [Handover]) -> (Handover, HandoverItem)? {
        let handoverID = rowID >> 32, number = rowID & 0xFFFF_FFFF
        guard let handover = incoming.first(where: { $0.id == handoverID }),
              let item = handover.items.first(where: { $0.ticket.number == number }) else { return nil }
        return (handover, item)
    }
}

extension ScreenContext {
    static let handoverPrepare: ScreenContext = "handoverPrepare"
    static let handoverReview: ScreenContext = "handoverReview"
    static let handoverHistory: ScreenContext = "handoverHistory"
    static let handoverRecord: ScreenContext = "handoverRecord"
}

/// Rows, columns and texts of the handover screen.
enum HandoverView {
    static func shiftText(_ occurrence: ShiftSchedule.Occurrence, _ state: ConsoleState) -> String {
        "\(shortShift(occurrence, state)) \(DisplayTime.clock(occurrence.start, in: state.timeZone))–\(DisplayTime.clock(occurrence.end, in: state.timeZone))"
    }

    /// "prepare window 20:00–20:30: open, 0:12:00 left" and the role to show it in.
    static func windowText(_ window: DateInterval, name: String, _ state: ConsoleState) -> (String, ThemeRole) {
        let l = state.language
        let span = "\(DisplayTime.clock(window.start, in: state.timeZone))–\(DisplayTime.clock(window.end, in: state.timeZone))"
        switch HandoverWindowStatus(window, at: state.now) {
        case let .before(opensAt):
            return (l.pick(en: "\(name) \(span): opens in \(Countdown.text(opensAt.timeIntervalSince(state.now)))",
                           zh: "\(name) \(span)：\(Countdown.text(opensAt.timeIntervalSince(state.now))) 后开始"), .muted)
        case let .open(closesAt):
            return (l.pick(en: "\(name) \(span): \(Countdown.text(closesAt.timeIntervalSince(state.now))) left",
                           zh: "\(name) \(span)：剩余 \(Countdown.text(closesAt.timeIntervalSince(state.now)))"), .ok)
        case let .after(closedAt):
            return (l.pick(en: "\(name) \(span): closed \(DisplayTime.duration(state.now.timeIntervalSince(closedAt))) ago",
                           zh: "\(name) \(span)：已于 \(DisplayTime.duration(state.now.timeIntervalSince(closedAt))) 前结束"), .warning)
        }
    }

    /// yes / NO, or "open" while it can still go either way.
    static func yesNo(_ value: Bool?, _ l: Language) -> TableCell {
        guard let value else { return TableCell(l.pick(en: "open", zh: "进行中"), sortKey: .number(0.5), role: .warning) }
        return TableCell(value ? l.pick(en: "yes", zh: "是") : l.pick(en: "NO", zh: "否"), sortKey: .number(value ? 1 : 0), role: value ? .ok : .breached)
    }

    /// `day 11-29` / `白班 11-29`: where a handed-over item came from.
    static func shortShift(_ occurrence: ShiftSchedule.Occurrence, _ state: ConsoleState) -> String {
        let name = occurrence.shift == .day ? state.language.pick(en: "Day", zh: "白班") : state.language.pick(en: "Night", zh: "夜班")
        return "\(name) \(DisplayTime.format(occurrence.start, in: state.timeZone).dropFirst(5).prefix(5))"
    }

    static func priorityRole(_ priority: Priority) -> ThemeRole {
        priority == .major ? .major : priority == .general ? .general : .minor
    }

    // MARK: Prepare

    static func prepareColumns(_ l: Language) -> [TableColumn] {
        [
            TableColumn("", width: .fixed(3)),
            TableColumn("ID", width: .fixed(10)),
            TableColumn(l.pick(en: "Pri", zh: "级别"), width: .fixed(l == .zh ? 4 : 7)),
            TableColumn(l.pick(en: "Why", zh: "原因"), width: .fixed(l == .zh ? 11 : 10)),
            TableColumn(l.pick(en: "Due", zh: "期限"), width: .fixed(9), alignment: .right),
            TableColumn(l.pick(en: "Status note", zh: "交接说明"), width: .flex(weight: 2, minimum: 12)),
            TableColumn(l.pick(en: "Title", zh: "标题"), width: .flex(weight: 2, minimum: 10)),
        ]
    }

    static func prepareRows(_ state: ConsoleState) -> [TableRow<Int64>] {
        guard let draft = state.handover.draft else { return [] }
        let l = state.language
        return draft.items.map { item in
            let t = item.ticket
            let why = whyText(item, l)
            let due = item.deadline.map { Countdown.text($0.timeIntervalSince(state.now)) } ?? "—"
            let dueRole: ThemeRole? = item.deadline.map { $0 < state.now ? .breached : item.reasons.contains(.breachesNextShift) ? .warning : .ok }
            return TableRow(id: t.id.number, cells: [
                TableCell(item.included ? "[x]" : "[ ]", role: item.included ? .ok : .muted),
                TableCell(t.id.description),
                TableCell(t.priority.label(l), role: priorityRole(t.priority)),
                TableCell(why, role: item.reasons.contains(.breachesNextShift) ? .warning : nil),
                TableCell(due, role: dueRole),
                TableCell(item.note, role: item.included ? nil : .muted),
                TableCell(t.title, role: item.included ? nil : .muted),
            ])
        }
    }

    /// The reasons in a few cells: the table column is narrow.
    static func whyText(_ item: HandoverDraft.Item, _ l: Language) -> String {
        switch (item.reasons.contains(.unfinished), item.reasons.contains(.breachesNextShift)) {
        case (true, true): l.pick(en: "unfin.+due", zh: "未完成+超时")
        case (true, false): l.pick(en: "unfinished", zh: "未完成")
        case (false, true): l.pick(en: "due next", zh: "下班超时")
        case (false, false): l.pick(en: "added", zh: "手工添加")
        }
    }

    // MARK: Review

    static func reviewColumns(_ l: Language) -> [TableColumn] {
        [
            TableColumn(l.pick(en: "From", zh: "交班"), width: .fixed(11)),
            TableColumn("ID", width: .fixed(10)),
            TableColumn(l.pick(en: "Pri", zh: "级别"), width: .fixed(l == .zh ? 4 : 7)),
            TableColumn(l.pick(en: "Handed over with", zh: "交接说明"), width: .flex(weight: 3, minimum: 12)),
            TableColumn(l.pick(en: "Title", zh: "标题"), width: .flex(weight: 2, minimum: 10)),
            TableColumn(l.pick(en: "Acknowledged", zh: "确认"), width: .flex(weight: 1, minimum: 12)),
        ]
    }

    static func reviewRows(_ state: ConsoleState) -> [TableRow<Int64>] {
        let l = state.language
        guard let overview = state.handoverOverview else { return [] }
        let tickets = state.handoverTickets
        return overview.incoming.flatMap { handover in
            handover.items.map { item in
                let ticket = tickets[item.ticket]
                let from = shortShift(handover.from, state)
                let ack: TableCell
                if let at = item.acknowledgedAt {
                    ack = TableCell("✓ \(item.acknowledgedBy ?? "") \(DisplayTime.clock(at, in: state.timeZone))"
                                    + (item.acknowledgementNote.map { " “\($0)”" } ?? ""), role: .ok)
                } else {
                    ack = TableCell(l.pick(en: "pending", zh: "待确认"), role: handover.to.reviewWindow.end < state.now ? .breached : .warning)
                }
                return TableRow(id: HandoverScreen.reviewRowID(handover: handover.id, ticket: item.ticket), cells: [
                    TableCell(from),
                    TableCell(item.ticket.description),
                    ticket.map { TableCell($0.priority.label(l), role: priorityRole($0.priority)) } ?? TableCell("—", role: .muted),
                    TableCell(item.note),
                    TableCell(ticket?.title ?? l.pick(en: "(closed)", zh: "（已关闭）"), role: ticket == nil ? .muted : nil),
                    ack,
                ], role: item.isAcknowledged ? .muted : nil)
            }
        }
    }

    // MARK: History

    static func historyColumns(_ l: Language) -> [TableColumn] {
        [
            TableColumn("#", width: .fixed(5), alignment: .right),
            TableColumn(l.pick(en: "Shift", zh: "班次"), width: .flex(weight: 1, minimum: 16)),
            TableColumn(l.pick(en: "By", zh: "交班人"), width: .flex(weight: 1, minimum: 8)),
            TableColumn(l.pick(en: "At", zh: "提交"), width: .fixed(5)),
            TableColumn(l.pick(en: "In time", zh: "按时交"), width: .fixed(7)),
            TableColumn(l.pick(en: "Items", zh: "事件"), width: .fixed(5), alignment: .right),
            TableColumn(l.pick(en: "Acked", zh: "已确认"), width: .fixed(7), alignment: .right),
            TableColumn(l.pick(en: "In time", zh: "按时接"), width: .fixed(7)),
        ]
    }

    static func historyRows(_ state: ConsoleState) -> [TableRow<Int64>] {
        let l = state.language
        return (state.handover.history ?? []).map { h in
            let acked = h.items.count - h.unacknowledged.count
            return TableRow(id: h.id, cells: [
                TableCell(String(h.id), sortKey: .number(Double(h.id))),
                TableCell(shiftText(h.from, state)),
                TableCell(h.preparedBy),
                TableCell(DisplayTime.clock(h.preparedAt, in: state.timeZone)),
                yesNo(h.preparedInWindow, l),
                TableCell(String(h.items.count), sortKey: .number(Double(h.items.count))),
                TableCell("\(acked)/\(h.items.count)", sortKey: .number(Double(acked)), role: acked == h.items.count ? .ok : .warning),
                yesNo(h.acknowledgedInWindow(asOf: state.now), l),
            ])
        }
    }

    /// The first day (local midnight, Monday) of the week containing `instant`.
    static func weekStart(of instant: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        return calendar.dateInterval(of: .weekOfYear, for: instant)?.start ?? calendar.startOfDay(for: instant)
    }

    static func week(startingAt start: Date, in zone: TimeZone) -> DateInterval {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let end = calendar.date(byAdding: .day, value: 7, to: start) ?? start.addingTimeInterval(7 * 86_400)
        return DateInterval(start: start, end: end)
    }

    static func shifted(week start: Date, by weeks: Int, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        return calendar.date(byAdding: .day, value: 7 * weeks, to: start) ?? start.addingTimeInterval(Double(weeks) * 7 * 86_400)
    }
}
