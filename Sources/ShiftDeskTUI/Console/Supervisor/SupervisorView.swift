import Foundation
import ShiftDeskCore

/// The supervisor's load view: one row per queue, counts by priority, at risk, breached, oldest.
enum SupervisorView {
    static let queues: [(Int64, QueueKind?, Tier?)] = [(1, .desk, .desk), (2, .l1, .l1), (3, .l2, .l2), (4, .l2, .vendor), (5, .im, nil)]

    static func queue(forRow id: Int64) -> QueueKind? { queues.first { $0.0 == id }?.1 }

    static func columns(_ l: Language) -> [TableColumn] {
        [
            TableColumn(l.pick(en: "Queue", zh: "队列"), width: .flex(weight: 2, minimum: 10)),
            TableColumn(l.pick(en: "Open", zh: "未结"), width: .fixed(6), alignment: .right),
            TableColumn(Priority.major.label(l), width: .fixed(7), alignment: .right),
            TableColumn(Priority.general.label(l), width: .fixed(7), alignment: .right),
            TableColumn(Priority.minor.label(l), width: .fixed(7), alignment: .right),
            TableColumn(l.pick(en: "Unheld", zh: "待受理"), width: .fixed(7), alignment: .right),
            TableColumn(l.pick(en: "Risk<1h", zh: "1小时内"), width: .fixed(8), alignment: .right),
            TableColumn(l.pick(en: "Breach", zh: "已超时"), width: .fixed(7), alignment: .right),
            TableColumn(l.pick(en: "Oldest", zh: "最久"), width: .fixed(7), alignment: .right),
        ]
    }

    /// What one row of the load table counts.
    struct Load {
        var open = 0, major = 0, general = 0, minor = 0, unheld = 0, atRisk = 0, breached = 0
        var oldest: Date?
    }

    /// The load of each queue row, in one pass over the rows held (at 100k open, filtering them
    /// per queue and per column was tens of milliseconds and 8 MB at every frame).
    static func loads(_ state: ConsoleState) -> [Load] {
        var loads = Array(repeating: Load(), count: queues.count)
        let now = state.now
        for entry in state.entries where entry.ticket.state.isOpen {
            let ticket = entry.ticket
            let breached = entry.breached(now: now)
            let countdown = entry.countdown(now: now)
            for (index, (_, _, tier)) in queues.enumerated() {
                if let tier {
                    guard ticket.tier == tier else { continue }
                } else {
                    guard QueueKind.im.contains(ticket, breached: breached) else { continue }
                }
                loads[index].open += 1
                switch ticket.priority {
                case .major: loads[index].major += 1
                case .general: loads[index].general += 1
                case .minor: loads[index].minor += 1
                }
                if ticket.assignee == nil { loads[index].unheld += 1 }
                if let countdown, countdown >= 0, countdown < 3600 { loads[index].atRisk += 1 }
                if breached { loads[index].breached += 1 }
                if loads[index].oldest.map({ ticket.openedAt < $0 }) ?? true { loads[index].oldest = ticket.openedAt }
            }
        }
        return loads
    }

    static func rows(_ state: ConsoleState) -> [TableRow<Int64>] {
        let l = state.language
        // Until the whole desk is loaded, a count would be a part of it: no number rather than a wrong one.
        let loads = state.loaded ? loads(state) : nil
        return queues.enumerated().map { index, row in
            let (id, queue, tier) = row
            let name = tier == .vendor ? Tier.vendor.label(l) : (queue?.label(l) ?? "")
            guard let load = loads?[index] else {
                return TableRow(id: id, cells: [TableCell(name)] + Array(repeating: TableCell("…"), count: 8))
            }
            func n(_ value: Int) -> TableCell { TableCell(String(value), sortKey: .number(Double(value))) }
            let oldest = load.oldest.map { state.now.timeIntervalSince($0) } ?? 0
            return TableRow(id: id, cells: [
                TableCell(name), n(load.open), n(load.major), n(load.general), n(load.minor), n(load.unheld),
                TableCell(String(load.atRisk), sortKey: .number(Double(load.atRisk)), role: load.atRisk > 0 ? .warning : nil),
                TableCell(String(load.breached), sortKey: .number(Double(load.breached)), role: load.breached > 0 ? .breached : .ok),
                TableCell(load.open == 0 ? "—" : DisplayTime.duration(oldest), sortKey: .number(oldest)),
            ])
        }
    }
}
