import Foundation
import ShiftDeskLaunch
import ShiftDeskCore
import ShiftDeskStore

// Issue 19's write budget: p99 ≤ 50 ms per write with 50 writer *processes* on one desk (SQLite:
// one file; PostgreSQL: a pool per process), nothing lost.
//
//   Benchmarks writers [--writers=50] [--writes=20] [--think=MS]
//
// The parent makes a fresh desk with one open incident per writer, starts `writers` copies of
// this executable (`writer-process`), each of which opens the desk as a seat would (its own
// store: its own SQLite connections, or its own PostgreSQL pool) and makes a first note (its
// cold start, reported apart), waits until every one is ready, and then writes `writes` work notes on its incident through `Desk.perform`, each timed
// from the call to its return (the reads, the plan, the write transaction, waiting for the
// lock). `--think=MS` waits a random 0–2×MS between a writer's notes (0: back to back, the
// harshest case: every writer always wants the lock). Then the parent reports p50/p99 over all
// writes, checks that every note is in the history (no lost update) and that the chain verifies.
// PostgreSQL when SHIFTDESK_BENCH_POSTGRES=postgres://USER@HOST:PORT names a server (a fresh
// database is made on it).

func option(_ name: String) -> String? {
    CommandLine.arguments.first { $0.hasPrefix("--\(name)=") }.map { String($0.dropFirst(name.count + 3)) }
}

/// Marks the line of a writer's first note, made before the others started.
let coldStartMark = "cold start: "

func writerProcessesBenchmark() async throws {
    let writers = option("writers").flatMap(Int.init) ?? 50
    let writes = option("writes").flatMap(Int.init) ?? 20
    let thinks = option("think").map { $0.split(separator: ",").compactMap { Double($0) } } ?? [0, 200]
    for think in thinks {
        print("Write latency, \(writers) writer processes, \(writes) notes each, think time \(think == 0 ? "none (back to back)" : "0–\(Int(2 * think)) ms"):")
        // Both ways of waiting for the write lock, one after the other on the same machine state.
        for wait in ["brief", "sqlite-backoff"] {
            print(" on one SQLite file, waiting for the lock \(wait == "brief" ? "briefly (issue 19)" : "with SQLite's own backoff (before)"):")
            let path = freshPath()
            _ = try await openTickets(writers, into: try SQLiteStore(path: path, create: true))
            try await runWriterProcesses(database: path, writers: writers, writes: writes, think: think, wait: wait)
        }
        if let server = ProcessInfo.processInfo.environment["SHIFTDESK_BENCH_POSTGRES"], !server.isEmpty {
            let url = server + "/shiftdesk_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let store = try PostgresStore(url: url, create: true, maximumConnections: 4)
            try await store.ready()
            _ = try await openTickets(writers, into: store)
            await store.close()
            print(" on PostgreSQL (\(server), a pool of 2 connections per process):")
            try await runWriterProcesses(database: url, writers: writers, writes: writes, think: think)
        } else {
            print(" on PostgreSQL: set SHIFTDESK_BENCH_POSTGRES=postgres://USER@HOST:PORT to measure")
        }
    }
}

/// Starts the writer processes on `database` (ticket `n + 1` for writer `n`), gathers their
/// latencies, and checks the history.
func runWriterProcesses(database: String, writers: Int, writes: Int, think: Double, wait: String = "brief") async throws {
    let rendezvous = scratchFolder.appendingPathComponent("writers-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: rendezvous, withIntermediateDirectories: true)
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var children: [Capturing] = []
    for writer in 0..<writers {
        children.append(try Capturing([executable.path, "writer-process", "--db=\(database)", "--ticket=\(writer + 1)",
                                       "--writes=\(writes)", "--think=\(think)", "--seed=\(writer + 1)",
                                       "--rendezvous=\(rendezvous.path)", "--wait=\(wait)"]))
    }
    // Every writer has opened its desk: they start together.
    let deadline = Date().addingTimeInterval(300)
    while try FileManager.default.contentsOfDirectory(atPath: rendezvous.path).filter({ $0.hasPrefix("ready-") }).count < writers {
        guard Date() < deadline else { throw BenchmarkFailure("the writer processes did not all start within 300 s") }
        try await Task.sleep(for: .milliseconds(20))
    }
    _ = FileManager.default.createFile(atPath: rendezvous.appendingPathComponent("go").path, contents: Data())
    let started = DispatchTime.now().uptimeNanoseconds
    var latencies: [Double] = []
    var coldStarts: [Double] = []
    var failures: [String] = []
    for child in children {
        let ended = child.finish()
        for line in ended.text.split(separator: "\n") {
            if let value = Double(line) {
                latencies.append(value)
            } else if line.hasPrefix(coldStartMark), let value = Double(line.dropFirst(coldStartMark.count)) {
                coldStarts.append(value)
            } else { failures.append(String(line)) }
        }
        if ended.status != 0 { failures.append("a writer exited with status \(ended.status): \(ended.errorText.prefix(200))") }
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    line("  one work note (read, plan, write), \(writers) processes", latencies.sorted())
    line("  (each process's first note, before the others started)", coldStarts.sorted())
    print(String(format: "  %d writes in %.1f s: %.0f writes/s across the desk", latencies.count, elapsed, Double(latencies.count) / elapsed))
    for failure in Set(failures).sorted().prefix(5) { print("  writer failed: \(failure)") }
    let store: any Store = database.hasPrefix("postgres") ? try PostgresStore(url: database, create: false) : try SQLiteStore(path: database, create: false)
    let notes = try await store.events(after: 0, limit: 10_000_000).filter { $0.kind == .noted }.count
    let verification = try await AuditVerifier.verify(store)
    let written = writers * (writes + 1)
    print("  notes recorded: \(notes) of \(written) (lost updates: \(written - notes)); the chain \(verification.holds ? "verifies" : "DOES NOT verify") (\(verification.checked) events)")
    if let postgres = store as? PostgresStore { await postgres.close() }
}

/// One writer process: opens the desk, makes its first note, says it is ready, waits for the
/// others, writes its notes and prints each one's milliseconds.
func writerProcess() async throws {
    guard let database = option("db"), let ticket = option("ticket").flatMap(Int64.init), let writes = option("writes").flatMap(Int.init),
          let rendezvous = option("rendezvous") else { throw BenchmarkFailure("writer-process: --db, --ticket, --writes and --rendezvous are needed") }
    let think = option("think").flatMap(Double.init) ?? 0
    var random = SeededRandom(seed: option("seed").flatMap(UInt64.init) ?? 1)
    let store: any Store
    if database.hasPrefix("postgres") {
        let postgres = try PostgresStore(url: database, create: false, maximumConnections: 2)
        try await postgres.ready()
        store = postgres
    } else {
        store = try SQLiteStore(path: database, create: false, busyWait: option("wait") == "sqlite-backoff" ? .sqliteBackoff : .brief)
    }
    let desk = Desk(store: store, clock: SystemClock())
    let id = TicketID(ticket)
    // A seat that has been at work: its process's cold start (connecting, preparing statements,
    // a new PostgreSQL backend loading its caches and compiling the triggers) is paid here, in
    // a note of its own, reported apart. Fifty cold starts at once were 5% of the writes and
    // most of the p99 when this was measured with them.
    var output = ""
    let warming = DispatchTime.now().uptimeNanoseconds
    _ = try await desk.perform(.note("first note from writer \(ticket)"), on: id, as: "desk")
    output += coldStartMark + String(format: "%.3f\n", Double(DispatchTime.now().uptimeNanoseconds - warming) / 1e6)
    _ = FileManager.default.createFile(atPath: rendezvous + "/ready-\(ticket)", contents: Data())
    while !FileManager.default.fileExists(atPath: rendezvous + "/go") { try await Task.sleep(for: .milliseconds(1)) }
    for n in 0..<writes {
        if think > 0 { try await Task.sleep(for: .milliseconds(Int(Double(random.next() % 1000) / 1000 * 2 * think))) }
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            _ = try await desk.perform(.note("note \(n) from writer \(ticket)"), on: id, as: "desk")
            output += String(format: "%.3f\n", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        } catch {
            output += "error: \(error)\n"
        }
    }
    print(output, terminator: "")
    if let postgres = store as? PostgresStore { await postgres.close() }
}

/// The wall clock, as a seat's desk reads it.
struct SystemClock: Clock {
    func now() -> Date { Date() }
}
