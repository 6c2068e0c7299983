import Foundation
import ShiftDeskLaunch
import ShiftDeskCore
import ShiftDeskStore

// The yearly report over many generated incidents (DESIGN.md: 1M incidents, ≤ 2 s): time and
// peak memory (VmHWM). The desk is generated once per size into a file under /tmp by a child
// process, so the peak measured here is the report's alone.

let benchZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

func incidentsArgument() -> Int {
    for argument in CommandLine.arguments where argument.hasPrefix("--incidents=") {
        if let n = Int(argument.dropFirst("--incidents=".count)), n > 0 { return n }
    }
    return large ? 1_000_000 : 100_000
}

/// Schema v7 on: files written by older builds (no summaries, and a schema those builds still
/// open) keep their own names.
func yearPath(_ count: Int) -> String { "/tmp/shiftdesk-bench-year-v7-\(count).sqlite" }

/// The desk as the benchmark judges it: the duty table in Shanghai, the day after the year.
func benchDesk(_ store: any Store) -> Desk {
    let end = ReportPeriod(kind: .year, label: "2026", timeZone: benchZone)?.interval.end ?? t0
    return Desk(store: store, clock: FixedClock(end.addingTimeInterval(86_400)), policy: .dutyTable(timeZone: benchZone))
}

/// Peak resident memory of this process so far, in MB.
func peakMemoryMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for row in status.split(separator: "\n") where row.hasPrefix("VmHWM:") {
        return Double(row.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
    }
    return 0
}

/// One year of incidents: opened through 2026, most taken, resolved and closed within hours,
/// some escalated to L1, some reopened, some still open at the year's end. Stored as the desk
/// stores histories (`Desk.insert`: planned, with their KPI summaries).
func generateYear() async throws {
    let count = incidentsArgument()
    let path = yearPath(count)
    try? FileManager.default.removeItem(atPath: path)
    let store = try SQLiteStore(path: path, create: true)
    let desk = benchDesk(store)
    let people = [Operator(login: "desk", name: "Desk", role: .desk, shift: .day), Operator(login: "l1", name: "L1", role: .l1, shift: .day),
                  Operator(login: "im", name: "IM", role: .im, shift: .day)]
    for person in people { try await store.addOperator(person) }
    let start = ReportPeriod(kind: .year, label: "2026", timeZone: benchZone)?.interval.start ?? t0
    var random = SeededRandom(seed: 42)
    var batch: [TicketHistory] = []
    batch.reserveCapacity(10_000)
    for index in 0..<count {
        let opened = start.addingTimeInterval(Double(index) / Double(count) * 364 * 86_400)
        let priority: Priority = random.next() % 20 == 0 ? .major : random.next() % 2 == 0 ? .general : .minor
        var outcome = try Workflow.open(TicketDraft(title: "VPN 断线 \(index % 50)", caller: Caller(name: "王小明", phone: "138"),
                                                    priority: priority, category: "Network", affectedService: "VPN"),
                                        id: TicketID(Int64(index + 1)), by: people[0], at: opened)
        var events = [outcome.event]
        var at = opened
        func step(_ action: TicketAction, _ actor: Operator, after minutes: UInt64) throws {
            at = at.addingTimeInterval(Double(minutes) * 60)
            outcome = try Workflow.apply(action, to: outcome.ticket, by: actor, at: at)
            events.append(outcome.event)
        }
        let fate = random.next() % 10
        if fate < 5 {
            try step(.resolve(note: "fixed"), people[0], after: 5 + random.next() % 60)
        } else if fate < 9 {
            try step(.escalate(to: .l1, note: nil), people[0], after: 5)
            try step(.take, people[1], after: 10 + random.next() % 30)
            try step(.resolve(note: "on site"), people[1], after: 30 + random.next() % 400)
        }
        if fate < 9 {
            try step(.close(.rated(score: 3 + Int(random.next() % 3), comment: nil)), people[0], after: 30 + random.next() % 600)
            if random.next() % 25 == 0 { try step(.reopen(note: "back"), people[0], after: 60) }
        }
        batch.append(TicketHistory(ticket: outcome.ticket, events: events))
        if batch.count == 10_000 || index == count - 1 {
            _ = try await desk.insert(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
    print("generated \(count) incidents into \(path)")
}

func reportYearBenchmark() async throws {
    let count = incidentsArgument()
    let path = yearPath(count)
    if !FileManager.default.fileExists(atPath: path) {
        let started = Date()
        let generator = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let status = try Launched.run([generator, "report-year-generate", "--incidents=\(count)"], output: .descriptor(1))
        guard status == 0 else { throw BenchmarkFailure("generating the year's incidents exited \(status)") }
        print(String(format: "  (generated %d incidents in %.0f s)", count, Date().timeIntervalSince(started)))
    }
    let store = try SQLiteStore(path: path, create: false)
    let year = ReportPeriod(kind: .year, label: "2026", timeZone: benchZone)
    guard let year else { return }
    let desk = benchDesk(store)
    // A file from before summaries were kept gets them now, once, as `shiftdesk migrate` does.
    let refreshStart = Date()
    let refreshed = try await desk.refreshKPISummaries()
    if refreshed > 0 { print(String(format: "  (summarised %d incidents in %.0f s)", refreshed, Date().timeIntervalSince(refreshStart))) }
    print("Yearly report over \(count) incidents (budget: 1M in ≤ 2 s):")
    var taken = 0.0
    var statistics = ReportLoader.Statistics()
    var summarised: KPIReport?
    let samples = try await measure(5) {
        let (report, made) = try await ReportLoader(desk: desk).reportWithStatistics(for: year)
        taken = report.value(.deskRequestsTaken, "desk") ?? 0
        statistics = made
        summarised = report
    }
    line("  report year 2026 (summaries + replay of the rest)", samples)
    print(String(format: "  peak memory (VmHWM) %.0f MB; requests taken %.0f; %d incidents from summaries, %d replayed",
                 peakMemoryMB(), taken, statistics.summarised, statistics.replayed))
    // For comparison, every incident replayed page by page (the way before summaries), and the
    // two reports compared figure by figure; above 200k incidents (half a minute a run) only
    // with --compare, once.
    let compare = CommandLine.arguments.contains("--compare")
    guard count <= 200_000 || compare, !CommandLine.arguments.contains("--summarised-only") else { return }
    var replayed: KPIReport?
    let paged = try await measure(count <= 200_000 ? 3 : 1) { replayed = try await ReportLoader(desk: desk).replayedReport(for: year) }
    line("  report year 2026, every incident replayed", paged)
    if let summarised, let replayed {
        let differences = summarised.differences(from: replayed)
        print(differences.isEmpty && summarised == replayed ? "  the two reports are equal, figure by figure"
                                                            : "  THE REPORTS DIFFER: \(differences.prefix(5))")
    }
    print(String(format: "  peak memory (VmHWM) after it %.0f MB", peakMemoryMB()))
}

/// Where the replayed yearly report's time goes: reading and decoding the pages (the store),
/// evaluating the SLA clocks, and the rest of the accumulator. One run each, on the same pages.
func reportYearSplit() async throws {
    let count = incidentsArgument()
    let store = try SQLiteStore(path: yearPath(count), create: false)
    guard let year = ReportPeriod(kind: .year, label: "2026", timeZone: benchZone) else { return }
    let now = year.interval.end.addingTimeInterval(86_400)
    let end = min(year.interval.end, now)
    let policy = SLAPolicy.dutyTable(timeZone: benchZone)
    let operators = try await store.operators()
    var accumulator = KPIAccumulator(period: year, operators: operators, policy: policy, now: now)
    var load = 0.0, sla = 0.0, add = 0.0
    var after: Int64 = 0
    var breached = 0
    func clock() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    while true {
        var t = clock()
        let page = try await store.reportPage(after: after, limit: ReportLoader.pageSize, until: end)
        load += clock() - t
        guard let last = page.last else { break }
        t = clock()
        for item in page {
            let events = item.events.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
            if TicketSLA(ticket: item.ticket, events: events, policy: policy, fired: item.fired, now: end).evaluation.breached { breached += 1 }
        }
        sla += clock() - t
        t = clock()
        for item in page { accumulator.add(item) }
        add += clock() - t
        after = last.ticket.id.number
    }
    print(String(format: "  %d incidents: store pages (read + decode) %.2f s; TicketSLA alone %.2f s; KPIAccumulator.add (SLA included) %.2f s; breached %d",
                 count, load, sla, add, breached))
}
