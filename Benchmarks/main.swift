import Foundation
import ShiftDeskCore
import ShiftDeskInterchange
import ShiftDeskLaunch
import ShiftDeskStore
import ShiftDeskTUI

// The budget figures of DESIGN.md, measured on this machine. Medians (and p99) over repeated
// runs; the machine is shared, so compare ratios between sizes rather than absolute times.
//   swift run -c release Benchmarks [sweep|writes|writers|console|start|import|report-year|audit|ssh|known-errors|soak|all] [--large] [--incidents=N] [--events=N]

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
    try SQLiteStore(path: freshPath(), create: true)
}

/// One scratch folder per run, removed when the run ends: a desk of 100k tickets is 100 MB.
let scratchFolder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-bench-\(UUID().uuidString)")

func freshPath() -> String {
    scratchFolder.appendingPathComponent("\(UUID().uuidString)/desk.sqlite").path
}

/// Resident memory now (VmRSS), in MiB.
func residentMiB() -> Double { Child.residentMiB(of: getpid()) ?? 0 }

/// Runs `body` on a thread of its own, as the console runs (it blocks on store work).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let result: Result<T, any Error> = await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: Result { try body() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
    return try result.get()
}

/// `count` open general incidents; the sweep index puts their next step a day ahead.
func openTickets(_ count: Int, into store: any Store) async throws -> [TicketID] {
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
        _ = try await openTickets(size, into: store)
        let tickets = try await store.tickets(TicketQuery(openOnly: true))
        let clock = StepClock(t0.addingTimeInterval(3 * 3600))
        let desk = Desk(store: store, clock: clock)
        let sweep = EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "bench", timeZone: .gmt)
        // A desk whose sweeps kept up: every incident summarised (inserted here without one).
        try await desk.refreshKPISummaries(batch: 5_000)
        var round = 0
        let samples = try await measure(7) {
            // Ten tickets fall due (as a write by a seat would plan them), then one sweep.
            round += 1
            for ticket in tickets.suffix(10 * round).prefix(10) {
                try await store.setPlan(TicketPlan(escalationDueAt: t0), of: ticket)
            }
            _ = try await sweep.run()
        }
        line("  \(size) open tickets: one sweep", samples)
    }
}

func writeBenchmark() async throws {
    print("Write latency, 50 concurrent writers in one process, 20 notes each:")
    print(" on one SQLite file:")
    try await writeBenchmark(on: try freshStore())
    // A PostgreSQL server to measure against: `SHIFTDESK_BENCH_POSTGRES=postgres://user@host:port`
    // (the benchmark creates a fresh database on it).
    if let server = ProcessInfo.processInfo.environment["SHIFTDESK_BENCH_POSTGRES"], !server.isEmpty {
        let url = server + "/shiftdesk_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let store = try PostgresStore(url: url, create: true, maximumConnections: 20)
        try await store.ready()
        print(" on PostgreSQL (\(server), a pool of 20 connections):")
        try await writeBenchmark(on: store)
        await store.close()
    } else {
        print(" on PostgreSQL: set SHIFTDESK_BENCH_POSTGRES=postgres://USER@HOST:PORT to measure")
    }
}

func writeBenchmark(on store: any Store) async throws {
    let writers = 50, each = 20
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

func startBenchmark() async throws {
    print("Console start: open the SQLite file, sign in, load the queue, draw the first frame (200x60):")
    // SHIFTDESK_BENCH_DB=PATH (and SHIFTDESK_BENCH_LOGIN) measure an existing desk instead.
    let existing = ProcessInfo.processInfo.environment["SHIFTDESK_BENCH_DB"].flatMap { $0.isEmpty ? nil : $0 }
    let login = ProcessInfo.processInfo.environment["SHIFTDESK_BENCH_LOGIN"] ?? "desk"
    let sizes: [Int?] = existing != nil ? [nil] : large ? [10_000, 100_000] : [1_000, 10_000]
    for size in sizes {
        let path = existing ?? freshPath()
        if let size { _ = try await openTickets(size, into: try SQLiteStore(path: path, create: true)) }
        let count = try await SQLiteStore(path: path, create: false).count(.notClosed)
        let screen = TerminalSize(columns: 200, rows: 60)
        let samples = try await measure(5) {
            try await onThread {
                let desk = Desk(store: try SQLiteStore(path: path, create: false), clock: StepClock(t0.addingTimeInterval(3600)))
                let setup = Console.Setup(desk: desk, sweep: EscalationSweep(desk: desk, directory: RecipientDirectory(), firedBy: "bench", timeZone: .gmt),
                                          login: login, queue: nil, language: .zh, timeZone: .gmt, theme: nil, themeDirectories: [],
                                          sheetsDirectory: NSTemporaryDirectory(), environment: [:], schedule: .standard(timeZone: .gmt))
                _ = try Console.firstFrame(setup, size: screen)
            }
        }
        line("  \(count) open tickets: start to first frame", samples)
        // What the console loads behind the first frame, on a thread of its own.
        var growth: [Double] = []
        let rest = try await measure(5) {
            let before = residentMiB()
            let store = try SQLiteStore(path: path, create: false)
            let entries = try await QueueEntry.loadAll(from: store)
            growth.append(residentMiB() - before)
            _ = entries.count
        }
        line("  \(count) open tickets: the whole desk, loaded behind the first frame", rest)
        // Freed pages stay resident, so only the first load shows what holding the queue costs.
        print(String(format: "  %d open tickets: resident memory added by holding every ticket %.1f MiB", count, growth.first ?? 0))
    }
}

func consoleBenchmark() async throws {
    let size = TerminalSize(columns: 200, rows: 60)
    let me = Operator(login: "desk", name: "张伟", role: .desk)
    for count in large ? [50, 100_000] : [50, 10_000] {
        var state = ConsoleState(me: me, language: .zh, timeZone: .gmt, now: t0)
        state.size = size
        // As the console loads them: every ticket not closed (the demo closes some; more are made to make up).
        var entries: [QueueEntry] = []
        var seed: UInt64 = 7
        var tickets: [Ticket] = []
        while tickets.count < count {
            for history in DemoDesk(now: t0, tickets: count, seed: seed).tickets where history.ticket.state != .closed && tickets.count < count {
                var ticket = history.ticket
                ticket.id = TicketID(Int64(tickets.count + 1))
                ticket.plan = TicketSLA(ticket: ticket, events: history.events, policy: .dutyTable, fired: [], now: t0).ticketPlan
                tickets.append(ticket)
            }
            seed += 1
        }
        // As a load makes them: rows with their texts in one buffer.
        entries = QueueEntry.make(tickets)
        // Another seat will write this one.
        var changed = tickets[tickets.count / 2]
        tickets = []
        _ = ConsoleApp.update(&state, .result(.loaded(ConsoleSnapshot(entries: entries, calls: [], handovers: nil))))
        // As in the console, the loaded entries belong to the state alone.
        entries = []
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
        // Another seat wrote one ticket: the console merges it, orders the queue again and draws.
        let merge = await measure(20) {
            changed.version += 1
            let snapshot = ConsoleSnapshot(.changed([QueueEntry(ticket: changed)], revision: Int64(changed.version)), calls: [], handovers: nil)
            _ = ConsoleApp.update(&state, .result(.loaded(snapshot)))
            frame(second)
        }
        line("  another seat's write merged, to frame", merge)
    }
}

/// Peak resident memory since the last reset (VmHWM), in MiB.
func peakMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kib / 1024
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0), so that each run's peak is its own.
func resetPeak() {
    try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
}

func importBenchmark() async throws {
    let folder = ProcessInfo.processInfo.environment["SHIFTDESK_DATA"].flatMap { $0.isEmpty ? nil : $0 }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data").path
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-bench-data-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    var logs: [(String, ImportFormat, String, String?)] = []
    let zip = folder + "/incident_event_log.zip"
    if FileManager.default.fileExists(atPath: zip) {
        _ = try Launched.run(["/usr/bin/unzip", "-q", "-o", zip, "-d", scratch.path])
        logs.append(("ServiceNow incident_event_log.csv (24,918 incidents, 141,712 rows)", .servicenow,
                     scratch.appendingPathComponent("incident_event_log.csv").path, nil))
    }
    let bpi = folder + "/BPI_Challenge_2013_incidents.xes.gz"
    if FileManager.default.fileExists(atPath: bpi) {
        logs.append(("BPI Challenge 2013 XES, gzip (7,554 traces, 65,533 events)", .xes, bpi, "bpi2013"))
    }
    guard !logs.isEmpty else {
        print("Import: no real logs in \(folder); skipped")
        return
    }
    let runs = large ? 5 : 3
    print("Import of the real logs into a fresh SQLite desk, \(runs) runs each (peak RSS of the whole process during the run):")
    for (name, format, path, prefix) in logs {
        var times: [Double] = [], again: [Double] = [], peaks: [Double] = []
        for _ in 0..<runs {
            let desk = Desk(store: try freshStore(), clock: StepClock(t0))
            let options = ImportOptions(format: format, path: path, sourcePrefix: prefix)
            resetPeak()
            let start = DispatchTime.now().uptimeNanoseconds
            let report = try await Importer(desk: desk, options: options).run()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            peaks.append(peakMiB())
            guard report.skipped.isEmpty, report.imported == report.tickets else {
                print("  \(name): unexpected report \(report)")
                return
            }
            let second = DispatchTime.now().uptimeNanoseconds
            _ = try await Importer(desk: desk, options: options).run()
            again.append(Double(DispatchTime.now().uptimeNanoseconds - second) / 1e9)
        }
        print("  \(name)")
        line("    import", times.sorted(), unit: "s ")
        line("    the same file again (nothing to write)", again.sorted(), unit: "s ")
        line("    peak RSS (VmHWM)", peaks.sorted(), unit: "MiB")
    }
}

/// `audit verify` over a desk of N events (5 per incident), and what chaining costs a write.
func auditBenchmark() async throws {
    let requested = CommandLine.arguments.first { $0.hasPrefix("--events=") }.flatMap { Int($0.dropFirst("--events=".count)) }
    let sizes = requested.map { [$0] } ?? (large ? [100_000, 1_000_000] : [100_000])
    print("audit verify: the whole chain walked and every hash recomputed (SHA-256 over the canonical encoding):")
    for size in sizes {
        let store = try freshStore()
        try await store.addOperator(Operator(login: "desk", name: "Desk", role: .desk))
        var batch: [TicketHistory] = []
        let incidents = max(1, size / 5)
        for index in 0..<incidents {
            var ticket = Ticket(id: TicketID(Int64(index + 1)), title: "ticket \(index)", caller: Caller(name: "c"), channel: .email,
                                priority: .general, openedAt: t0)
            ticket.state = .new
            var events = [TicketEvent(ticket: ticket.id, actor: "desk", at: t0, kind: .opened, changes: ticket.changes(since: nil))]
            for step in 1..<5 {
                events.append(TicketEvent(ticket: ticket.id, actor: "desk", at: t0.addingTimeInterval(Double(step * 60)), kind: .noted,
                                          changes: [], note: "note \(step) 备注"))
            }
            batch.append(TicketHistory(ticket: ticket, events: events))
            if batch.count == 5_000 || index == incidents - 1 {
                _ = try await store.insertHistories(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        var checked = 0
        let samples = try await measure(3) {
            let result = try await AuditVerifier.verify(store)
            guard result.holds else { throw StoreError.failure("the benchmark desk does not verify: \(String(describing: result.firstBreak))") }
            checked = result.checked
        }
        line("  \(checked) events: audit verify", samples.map { $0 / 1000 }, unit: "s ")
        let reading = try await measure(1) {
            var after: Int64 = 0
            while true {
                let links = try await store.chainLinks(after: after, through: Int64.max, limit: AuditVerifier.pageSize)
                guard let last = links.last else { break }
                after = last.event.id
            }
        }
        line("  \(checked) events: reading the links alone", reading.map { $0 / 1000 }, unit: "s ")
        let orphans = try await measure(1) { _ = try await store.recordOrphans(limit: 1) }
        line("  \(checked) events: the deleted-ticket checks alone", orphans.map { $0 / 1000 }, unit: "s ")
        store.closeDatabase()
    }
    print("Write latency with the chain (one note, one SQLite file, sequential):")
    let store = try freshStore()
    let clock = StepClock(t0)
    let desk = Desk(store: store, clock: clock)
    try await store.addOperator(Operator(login: "desk", name: "Desk", role: .desk))
    let ticket = try await desk.open(TicketDraft(title: "t", caller: Caller(name: "c"), channel: .phone, priority: .general), as: "desk")
    var step = 0.0
    let writes = try await measure(200) {
        step += 1
        clock.set(t0.addingTimeInterval(step))
        try await desk.perform(.note("n"), on: ticket.id, as: "desk")
    }
    line("  ticket note (read, plan, write with its chained event)", writes)
}

do {
    if which == "soak" { try await soakBenchmark(Array(CommandLine.arguments.dropFirst())) }
    if which == "soak-seat" { try await soakSeat(Array(CommandLine.arguments.dropFirst())) }
    if which == "import" { try await importBenchmark() }
    if which == "ssh" || which == "all" { try await sshKeyLatencyBenchmark() }
    if which == "audit" || which == "all" { try await auditBenchmark() }
    if which == "sweep" || which == "all" { try await sweepBenchmark() }
    if which == "writes" || which == "all" { try await writeBenchmark() }
    if which == "console" || which == "all" { try await consoleBenchmark() }
    if which == "start" || which == "all" { try await startBenchmark() }
    if which == "report-year" || which == "all" { try await reportYearBenchmark() }
    if which == "known-errors" || which == "all" { try await knownErrorBenchmark() }
    if which == "report-year-generate" { try await generateYear() }
    if which == "report-year-split" { try await reportYearSplit() }
    if which == "writers" { try await writerProcessesBenchmark() }
    if which == "writer-process" { try await writerProcess(); exit(0) }
    try? FileManager.default.removeItem(at: scratchFolder)
} catch {
    try? FileManager.default.removeItem(at: scratchFolder)
    FileHandle.standardError.write(Data("Benchmarks: \(error)\n".utf8))
    exit(1)
}
