import Foundation
import ShiftDeskCore
import ShiftDeskStore
import ShiftDeskTUI

// The budget figures of DESIGN.md, measured on this machine. Medians (and p99) over repeated
// runs; the machine is shared, so compare ratios between sizes rather than absolute times.
//   swift run -c release Benchmarks [sweep|writes|console|report-year|all] [--large] [--incidents=N]

let arguments = Set(CommandLine.arguments.dropFirst())
let large = arguments.contains("--large")
let which = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("--") } ?? "all"
let t0 = Date(timeIntervalSince1970: 1_795_917_600)

func measure(_ runs: Int, _ body: () async throws -> Void) async rethrows -> [Double] {
    var samples: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return samples.sorted()
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func line(_ name: String, _ samples: [Double], unit: String = "ms") {
    print(String(format: "%-58@ median %9.3f %@  p99 %9.3f %@  (n=%d)", name as NSString, percentile(samples, 0.5), unit as NSString,
                 percentile(samples, 0.99), unit as NSString, samples.count))
}

final class StepClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    func now() -> Date { lock.withLock { current } }
    func set(_ date: Date) { lock.withLock { current = date } }
}

func freshStore() throws -> SQLiteStore {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-bench-\(UUID().uuidString)")
    return try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
}

/// `count` open general incidents; the sweep index puts their next step a day ahead.
func openTickets(_ count: Int, into store: SQLiteStore) async throws -> [TicketID] {
    try await store.addOperator(Operator(login: "desk", name: "Desk", role: .desk))
    var ids: [TicketID] = []
    var batch: [TicketHistory] = []
    for index in 0..<count {
        var ticket = Ticket(id: TicketID(Int64(index + 1)), title: "ticket \(index)", caller: Caller(name: "c"), channel: .email,
                            priority: .general, openedAt: t0, escalationDueAt: t0.addingTimeInterval(86_400))
        ticket.state = .new
        batch.append(TicketHistory(ticket: ticket, events: [TicketEvent(ticket: ticket.id, actor: "desk", at: t0, kind: .opened,
                                                                        changes: ticket.changes(since: nil))]))
        if batch.count == 5_000 || index == count - 1 {
            ids += try await store.insertHistories(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
    return ids
}

func sweepBenchmark() async throws {
    print("Escalation sweep, 10 tickets due, the rest not (cost must follow the due steps):")
    for size in large ? [1_000, 100_000, 1_000_000] : [1_000, 10_000, 100_000] {
        let store = try freshStore()
        let ids = try await openTickets(size, into: store)
        let clock = StepClock(t0.addingTimeInterval(3 * 3600))
        let desk = Desk(store: store, clock: clock)
        let sweep = EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "bench", timeZone: .gmt)
        var round = 0
        let samples = try await measure(7) {
            // Ten tickets fall due (as a write by a seat would plan them), then one sweep.
            round += 1
            for id in ids.suffix(10 * round).prefix(10) {
                try await store.setEscalationDue(id, at: t0, ifVersion: 1)
            }
            _ = try await sweep.run()
        }
        line("  \(size) open tickets: one sweep", samples)
    }
}

func writeBenchmark() async throws {
    let writers = 50, each = 20
    print("Write latency, \(writers) concurrent writers in one process on one SQLite file, \(each) notes each:")
    let store = try freshStore()
    let ids = try await openTickets(writers, into: store)
    let desk = Desk(store: store, clock: StepClock(t0))
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for writer in 0..<writers {
            group.addTask {
                var samples: [Double] = []
                for n in 0..<each {
                    let start = DispatchTime.now().uptimeNanoseconds
                    _ = try await desk.perform(.note("note \(n)"), on: ids[writer], as: "desk")
                    samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
                return samples
            }
        }
        return try await group.reduce(into: [Double]()) { $0 += $1 }
    }
    line("  one ticket write + its event", latencies.sorted())
    let events = try await store.events(after: 0, limit: 1_000_000).filter { $0.kind == .noted }.count
    print("  notes recorded: \(events) of \(writers * each) (lost updates: \(writers * each - events))")
}

func consoleBenchmark() async throws {
    let size = TerminalSize(columns: 200, rows: 60)
    let me = Operator(login: "desk", name: "张伟", role: .desk)
    for count in large ? [50, 100_000] : [50, 10_000] {
        let demo = DemoDesk(now: t0, tickets: count, seed: 7)
        var state = ConsoleState(me: me, language: .zh, timeZone: .gmt, now: t0)
        state.size = size
        let entries = demo.tickets.map { QueueEntry(ticket: $0.ticket, sla: TicketSLA(ticket: $0.ticket, events: $0.events, policy: .dutyTable, fired: [], now: t0)) }
        _ = ConsoleApp.update(&state, .result(.loaded(entries, [])))
        let terminal = VirtualTerminal(size: size)
        let theme = Theme.builtinDefault
        func frame(_ now: Date) {
            var canvas = Canvas(size: size)
            ConsoleApp.render(state, &canvas, RenderContext(size: size, theme: theme, colorMode: .color256, now: now))
            terminal.present(canvas)
        }
        frame(t0)
        var bytes: [Double] = []
        var second = t0
        let tick = await measure(30) {
            second = second.addingTimeInterval(1)
            _ = ConsoleApp.update(&state, .tick(second))
            frame(second)
            bytes.append(Double(terminal.lastPresent.estimatedBytes))
        }
        print("Console, \(count) tickets in the desk queue, 200x60:")
        line("  idle tick: update + render + diff", tick)
        line("  idle tick: bytes written to the terminal", bytes.sorted(), unit: "B ")
        let keys = await measure(100) {
            _ = ConsoleApp.update(&state, .key(KeyEvent(.down)))
            frame(second)
        }
        line("  key (Down) to frame written", keys)
        let filter = await measure(20) {
            _ = ConsoleApp.update(&state, .key(KeyEvent(.character("/"))))
            _ = ConsoleApp.update(&state, .key(KeyEvent(.character("V"))))
            frame(second)
            _ = ConsoleApp.update(&state, .key(KeyEvent(.escape)))
        }
        line("  filter: one typed key to frame", filter)
    }
}

do {
    if which == "sweep" || which == "all" { try await sweepBenchmark() }
    if which == "writes" || which == "all" { try await writeBenchmark() }
    if which == "console" || which == "all" { try await consoleBenchmark() }
    if which == "report-year" || which == "all" { try await reportYearBenchmark() }
    if which == "report-year-generate" { try await generateYear() }
} catch {
    FileHandle.standardError.write(Data("Benchmarks: \(error)\n".utf8))
    exit(1)
}
