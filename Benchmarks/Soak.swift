import Foundation
import ShiftDeskCore
import ShiftDeskStore
import ShiftDeskLaunch
#if canImport(Glibc)
import Glibc
#endif

// The whole desk at once (issue 19): the BPI 2013 log replayed by `shiftdesk drill` onto one drill
// desk at high speed, with seat processes acting on it (most through the `Desk` API, every
// `--cli-every`th action through the `shiftdesk` command line), escalators sweeping, consoles
// following in tmux, and a monthly report every simulated week. Afterwards it checks what the
// desk promises (README, "What ShiftDesk guarantees") and prints the run's figures.
//   swift run -c release Benchmarks soak [--seconds=600] [--seats=40] [--escalators=3] [--consoles=4]
//                                        [--speed=600] [--start=2012-04-23T00:00:00Z] [--postgres=URL] [--log=PATH]
// Exit 1 when an invariant does not hold. CI runs a short one (EndToEndTests.SoakTests).

/// `--name=value` options of a benchmark.
struct SoakOptions {
    var seconds = 600.0
    var seats = 40
    var escalators = 3
    var consoles = 4
    var speed = 600.0
    var postgres: String?
    /// The BPI 2013 log beside the project (`../shared/data`), or $SHIFTDESK_SOAK_LOG.
    var log = ProcessInfo.processInfo.environment["SHIFTDESK_SOAK_LOG"]
        ?? FileManager.default.currentDirectoryPath + "/../shared/data/BPI_Challenge_2013_incidents.xes.gz"
    var cliEvery = 8
    /// Where in the log to begin: its busy weeks (the log's arrivals rise sixtyfold in its last three weeks).
    var start = "2012-04-23T00:00:00Z"
    var reportEveryHours = 168.0
    /// How late (real seconds) a step may fire beyond the escalator's one-second sleep.
    var grace = 1.0
    /// How long (real seconds) a console may show a queue size the database no longer has.
    var consoleLag = 1.0

    init(_ arguments: [String]) throws {
        for argument in arguments where argument.hasPrefix("--") {
            let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let value = parts[1]
            func number() throws -> Double {
                guard let number = Double(value), number > 0 else { throw BenchmarkFailure("--\(parts[0]) takes a positive number") }
                return number
            }
            switch parts[0] {
            case "seconds": seconds = try number()
            case "seats": seats = Int(try number())
            case "escalators": escalators = Int(try number())
            case "consoles": consoles = Int(try number())
            case "speed": speed = min(3600, try number())
            case "postgres": postgres = value
            case "log": log = value
            case "cli-every": cliEvery = max(1, Int(try number()))
            case "report-every-hours": reportEveryHours = try number()
            case "grace": grace = try number()
            case "start": start = value
            case "console-lag": consoleLag = try number()
            default: throw BenchmarkFailure("soak: unknown option --\(parts[0])")
            }
        }
    }
}

// MARK: Processes

/// A child process with its output in a file (appended to).
typealias Child = Launched

extension Launched {
    static func start(_ arguments: [String], name: String, environment: [String: String], output: String) throws -> Child {
        try start(arguments, name: name, environment: environment, output: .file(output, append: true))
    }

    /// Resident memory (VmRSS) in MiB; nil once it is gone.
    var residentMiB: Double? { Self.residentMiB(of: pid) }

    static func residentMiB(of pid: pid_t) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kib / 1024
    }
}

/// Runs a command to its end (killed past `limit` seconds, status 137) and returns its status and output.
func runToEnd(_ arguments: [String], environment: [String: String], folder: URL, limit: Double = 120) throws -> (status: Int32, output: String) {
    let output = folder.appendingPathComponent("run-\(UUID().uuidString).out").path
    let child = try Child.start(arguments, name: arguments.first ?? "", environment: environment, output: output)
    let status = child.wait(upTo: limit) ?? 137
    let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    unlink(output)
    return (status, text)
}

// MARK: The clock of a seat

/// The drill's simulated time, as every `shiftdesk` process on the desk follows it.
final class DrillFollowingClock: Clock, @unchecked Sendable {
    let timeline: DrillTimeline
    init(_ timeline: DrillTimeline) { self.timeline = timeline }
    func now() -> Date { timeline.simulated(at: Date()) }
}

func openSoakStore(_ location: String) async throws -> any Store {
    if location.hasPrefix("postgres://") {
        let store = try PostgresStore(url: location, create: false)
        _ = try await store.ready()
        return store
    }
    return try SQLiteStore(path: location, create: false)
}

// MARK: A seat

/// What one seat saw of one action, one JSON line each.
struct SeatOutcome: Codable {
    var seat: String
    var ticket: Int64
    var action: String
    /// `ok`, `conflict` (another seat won: `winner`), `refused` (the rules said no), `error`.
    var result: String
    var event: Int64?
    var winner: String?
    var winnerKind: String?
    var winnerAt: Int64?
    var viaCLI: Bool
    var milliseconds: Double
    var detail: String?
}

/// `Benchmarks soak-seat --db=… --login=… --role=… --until=UNIX --out=FILE --cli=PATH --seed=N --cli-every=N`
func soakSeat(_ arguments: [String]) async throws {
    var values: [String: String] = [:]
    for argument in arguments where argument.hasPrefix("--") {
        let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1).map(String.init)
        if parts.count == 2 { values[parts[0]] = parts[1] }
    }
    guard let db = values["db"], let login = values["login"], let roleText = values["role"], let role = Role(rawValue: roleText),
          let until = values["until"].flatMap(Double.init), let out = values["out"], let cli = values["cli"] else {
        throw BenchmarkFailure("soak-seat: --db --login --role --until --out --cli are required")
    }
    let cliEvery = Int(values["cli-every"] ?? "") ?? 8
    var random = SeededRandom(seed: UInt64(values["seed"] ?? "") ?? 1)
    let store = try await openSoakStore(db)
    guard let text = try await store.setting(DrillTimeline.settingKey), let timeline = DrillTimeline(settingText: text) else {
        throw BenchmarkFailure("soak-seat: the desk has no drill running")
    }
    let desk = Desk(store: store, clock: DrillFollowingClock(timeline), policy: .dutyTable)
    guard let me = try await store.findOperator(login: login) else { throw BenchmarkFailure("soak-seat: no operator \(login)") }
    let folder = URL(fileURLWithPath: out).deletingLastPathComponent()
    var outcomes: [SeatOutcome] = []
    var actions = 0

    /// One write, through the `Desk` API or (every `cliEvery`th) the command line.
    func act(_ action: TicketAction, _ name: String, on ticket: Ticket, cli arguments: [String]) async -> Ticket? {
        actions += 1
        let viaCLI = actions % cliEvery == 0
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
        var outcome = SeatOutcome(seat: login, ticket: ticket.id.number, action: name, result: "ok", viaCLI: viaCLI, milliseconds: 0)
        if viaCLI {
            let command = [cli, "ticket"] + arguments + ["--db", db, "--as", login, "--json"]
            let environment = ProcessInfo.processInfo.environment.merging(["SHIFTDESK_LANG": "en"]) { $1 }
            do {
                let (status, output) = try runToEnd(command, environment: environment, folder: folder)
                outcome.milliseconds = elapsed()
                if status == 0 {
                    outcomes.append(outcome)
                    return try await store.ticket(ticket.id)
                }
                // The command line names the winner in words; the history check finds its event.
                outcome.result = output.contains("changed by") || output.contains("was changed") ? "conflict" : "refused"
                outcome.detail = String(output.prefix(300))
            } catch {
                outcome.result = "error"
                outcome.detail = "\(error)"
            }
            outcomes.append(outcome)
            return nil
        }
        do {
            let done = try await desk.perform(action, on: ticket, by: me)
            outcome.milliseconds = elapsed()
            outcome.event = done.event.id
            outcomes.append(outcome)
            return done.ticket
        } catch let DeskError.store(.conflict(_, changedBy, at, kind, _)) {
            outcome.milliseconds = elapsed()
            outcome.result = "conflict"
            // "Name (login)" or a bare login.
            outcome.winner = changedBy.split(separator: "(").last.map { String($0.dropLast(changedBy.hasSuffix(")") ? 1 : 0)) } ?? changedBy
            outcome.winnerKind = kind.rawValue
            outcome.winnerAt = EventEncoding.millis(at)
        } catch let DeskError.refused(refusal) {
            outcome.milliseconds = elapsed()
            outcome.result = "refused"
            outcome.detail = refusal.ruleID
        } catch {
            outcome.milliseconds = elapsed()
            outcome.result = "error"
            outcome.detail = "\(error)"
        }
        outcomes.append(outcome)
        return nil
    }

    let tier: Tier = role == .l1 ? .l1 : role == .l2 ? .l2 : .desk
    while Date().timeIntervalSince1970 < until {
        usleep(UInt32(150_000 + random.next(upperBound: UInt64(450_000))))
        do {
            if role == .desk, random.next(upperBound: UInt64(100)) < 35 {
                // Close what this seat owns and a line resolved: the survey as the customer gave it.
                let resolved = try await store.tickets(TicketQuery(states: [.resolved], limit: 400)).filter { $0.owner == login }
                if let ticket = resolved.first {
                    _ = await act(.close(.rated(score: 3 + Int(random.next(upperBound: UInt64(3))), comment: nil)), "close", on: ticket,
                                  cli: ["close", String(ticket.id.number), "--csat", "4"])
                    continue
                }
            }
            // The most urgent few of the seat's line, unassigned: seats of one line often pick the same one.
            // Every fourth call nobody picks up: its ladder runs, the escalators fire and mail.
            let waiting = try await store.tickets(TicketQuery(tiers: [tier], states: [.new], openOnly: true, urgentFirst: true, limit: 12))
                .filter { $0.assignee == nil && $0.id.number % 4 != 0 }.prefix(3).map { $0 }
            guard !waiting.isEmpty else { continue }
            let pick = waiting[Int(random.next(upperBound: UInt64(UInt64(waiting.count))))]
            guard var taken = await act(.take, "take", on: pick, cli: ["take", String(pick.id.number)]) else { continue }
            usleep(UInt32(100_000 + random.next(upperBound: UInt64(300_000))))
            let roll = random.next(upperBound: UInt64(100))
            let number = String(taken.id.number)
            if role == .desk && roll < 45 || role == .l1 && roll < 25 {
                let next: Tier = role == .desk ? .l1 : .l2
                taken = await act(.escalate(to: next, note: "soak"), "escalate", on: taken,
                                  cli: ["escalate", number, "--to", next.rawValue, "--note", "soak"]) ?? taken
            } else {
                _ = await act(.resolve(note: "fixed (soak)"), "resolve", on: taken, cli: ["resolve", number, "--note", "fixed (soak)"])
            }
        } catch {
            outcomes.append(SeatOutcome(seat: login, ticket: 0, action: "read", result: "error", viaCLI: false, milliseconds: 0,
                                        detail: "\(error)"))
        }
    }
    let encoder = JSONEncoder()
    let lines = try outcomes.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
    (store as? SQLiteStore)?.closeDatabase()
}

// MARK: The run

func soakBenchmark(_ arguments: [String]) async throws {
    let options = try SoakOptions(arguments)
    // A group of its own, so whoever runs the soak can stop it and every process it started at once.
    setpgid(0, 0)
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let binFolder = executable.deletingLastPathComponent()
    let shiftdesk = binFolder.appendingPathComponent("shiftdesk").path
    guard FileManager.default.isExecutableFile(atPath: shiftdesk) else { throw BenchmarkFailure("no \(shiftdesk): build the shiftdesk product first") }
    guard FileManager.default.fileExists(atPath: options.log) else { throw BenchmarkFailure("no log at \(options.log) (--log=PATH)") }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-soak-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let backend = options.postgres == nil ? "SQLite" : "PostgreSQL"

    // The desk: a fresh SQLite file or a fresh PostgreSQL database.
    let db: String
    if let server = options.postgres {
        let name = "soak_\(UUID().uuidString.prefix(8).lowercased())"
        let created = try runToEnd(["/usr/bin/psql", server, "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name)"],
                                   environment: ProcessInfo.processInfo.environment, folder: folder)
        guard created.status == 0 else { throw BenchmarkFailure("cannot create the soak database: \(created.output)") }
        guard let url = URLComponents(string: server) else { throw BenchmarkFailure("--postgres is not a URL") }
        var components = url
        components.path = "/\(name)"
        db = components.string ?? server
    } else {
        db = folder.appendingPathComponent("desk.sqlite").path
    }
    let mailbox = folder.appendingPathComponent("mailbox")
    try FileManager.default.createDirectory(at: mailbox, withIntermediateDirectories: true)
    let sendmail = folder.appendingPathComponent("sendmail").path
    try "#!/bin/sh\ncat > \"\(mailbox.path)/$(date +%s%N)-$$.eml\"\n".write(toFile: sendmail, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sendmail)
    // Every process on the desk reads the same configuration (the roster addresses role mail as it is queued).
    let configFolder = folder.appendingPathComponent("xdg/shiftdesk")
    try FileManager.default.createDirectory(at: configFolder, withIntermediateDirectories: true)
    let config = configFolder.appendingPathComponent("config.toml").path
    try """
        [notify]
        from = "desk@desk.example"
        [notify.roles]
        incident_manager = ["im@desk.example"]
        operations_manager = ["ops@desk.example"]
        operations_director = ["director@desk.example"]
        management_owner = ["owner@desk.example"]
        """.write(toFile: config, atomically: true, encoding: .utf8)
    var environment = ProcessInfo.processInfo.environment
    environment["SHIFTDESK_SENDMAIL"] = sendmail
    environment["SHIFTDESK_LANG"] = "en"
    environment["XDG_CONFIG_HOME"] = folder.appendingPathComponent("xdg").path
    environment["XDG_DATA_HOME"] = folder.appendingPathComponent("xdg-data").path

    let initialised = try runToEnd([shiftdesk, "init", "--drill", "--db", db], environment: environment, folder: folder)
    guard initialised.status == 0 else { throw BenchmarkFailure("init --drill: \(initialised.output)") }
    let store = try await openSoakStore(db)
    // The seats: half the desk, a third first line, the rest second line.
    var seats: [Operator] = []
    for index in 0..<options.seats {
        let role: Role = index % 6 < 3 ? .desk : index % 6 < 5 ? .l1 : .l2
        let person = Operator(login: "seat\(index + 1)", name: "Seat \(index + 1)", role: role, email: "seat\(index + 1)@desk.example")
        try await store.addOperator(person)
        seats.append(person)
    }
    try await store.addOperator(Operator(login: "soak.watch", name: "Soak watch", role: .supervisor))

    print("Soak on \(backend): \(options.seats) seats, \(options.escalators) escalators, \(options.consoles) consoles, "
          + "\(Int(options.speed))x, \(Int(options.seconds)) s real, log \(URL(fileURLWithPath: options.log).lastPathComponent)")
    let drill = try Child.start([shiftdesk, "drill", "--from", options.log, "--format", "xes", "--speed", String(options.speed),
                                 "--seats", "none", "--start", options.start, "--progress-every", "10", "--db", db],
                                name: "drill", environment: environment, output: folder.appendingPathComponent("drill.out").path)
    var timeline: DrillTimeline?
    for _ in 0..<1200 where timeline == nil {
        usleep(100_000)
        // Not the timeline of a drill before this one: this desk is fresh.
        timeline = try await store.setting(DrillTimeline.settingKey).flatMap(DrillTimeline.init(settingText:))
    }
    guard let timeline else { throw BenchmarkFailure("the drill never started: \((try? String(contentsOf: folder.appendingPathComponent("drill.out"), encoding: .utf8)) ?? "")") }
    let runStart = Date()
    let deadline = runStart.addingTimeInterval(options.seconds)

    let escalators = try (0..<options.escalators).map { index in
        try Child.start([shiftdesk, "escalator", "--config", config, "--db", db], name: "escalator \(index + 1)",
                        environment: environment, output: folder.appendingPathComponent("escalator\(index + 1).out").path)
    }
    // Consoles: desk agents, then one of each line, in tmux at 120x40.
    let tmuxSocket = "shiftdesk-soak-\(getpid())"
    let consoleLogins = (0..<options.consoles).map { index -> String in
        let roles: [Role] = [.desk, .l1, .desk, .l2]
        let role = roles[index % roles.count]
        return seats.filter { $0.role == role }.dropFirst(index / roles.count).first?.login ?? seats[0].login
    }
    for (index, login) in consoleLogins.enumerated() {
        let command = "SHIFTDESK_LANG=en SHIFTDESK_DB='\(db)' XDG_CONFIG_HOME='\(folder.path)/xdg' exec '\(shiftdesk)' --as \(login)"
        let started = try runToEnd(["/usr/bin/tmux", "-L", tmuxSocket, "new-session", "-d", "-s", "c\(index)", "-x", "120", "-y", "40", command],
                                   environment: environment, folder: folder)
        guard started.status == 0 else { throw BenchmarkFailure("tmux: \(started.output)") }
    }
    defer { _ = try? Launched.run(["/usr/bin/tmux", "-L", tmuxSocket, "kill-server"], environment: environment) }
    func pane(_ index: Int) -> String {
        (try? runToEnd(["/usr/bin/tmux", "-L", tmuxSocket, "capture-pane", "-p", "-t", "c\(index)"], environment: environment, folder: folder))?.output ?? ""
    }
    func consolePID(_ index: Int) -> pid_t? {
        let text = (try? runToEnd(["/usr/bin/tmux", "-L", tmuxSocket, "list-panes", "-t", "c\(index)", "-F", "#{pane_pid}"],
                                  environment: environment, folder: folder))?.output ?? ""
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    let seatChildren = try seats.enumerated().map { index, person in
        try Child.start([executable.path, "soak-seat", "--db=\(db)", "--login=\(person.login)", "--role=\(person.role.rawValue)",
                         "--until=\(deadline.timeIntervalSince1970)", "--out=\(folder.appendingPathComponent("\(person.login).jsonl").path)",
                         "--cli=\(shiftdesk)", "--seed=\(index + 7)", "--cli-every=\(options.cliEvery)"],
                        name: person.login, environment: environment, output: folder.appendingPathComponent("\(person.login).out").path)
    }

    // While it runs: the database's queue sizes, the consoles' status lines, key to frame, memory, reports.
    var longRunning: [(name: String, pid: pid_t)] = [("drill", drill.pid)] + escalators.map { ($0.name, $0.pid) }
    usleep(2_000_000)
    for index in consoleLogins.indices { if let pid = consolePID(index) { longRunning.append(("console \(index + 1)", pid)) } }
    var rssStart: [String: Double] = [:]
    var rssEnd: [String: Double] = [:]
    var rssPeak: [String: Double] = [:]
    for process in longRunning { rssStart[process.name] = Child.residentMiB(of: process.pid) }
    var consoleSamples = 0
    var consoleMismatches: [String] = []
    var consoleLags: [Double] = []
    var keyToFrame: [Double] = []
    var reports: [(period: String, status: Int32, milliseconds: Double)] = []
    var nextReport = timeline.simulated(at: runStart).addingTimeInterval(options.reportEveryHours * 3600)
    var lastPaneCheck = Date.distantPast
    var lastKey = Date.distantPast
    var keyConsole = 0
    let openStates = Set(TicketState.allCases).subtracting([.closed])
    func count(_ label: String) async throws -> Int {
        switch label {
        case "Desk": return try await store.count(TicketQuery(states: openStates))
        case "L1": return try await store.count(TicketQuery(tiers: [.l1], openOnly: true))
        default: return try await store.count(TicketQuery(tiers: [.l2, .vendor], openOnly: true))
        }
    }
    let labels = ["Desk", "L1", "L2 + vendor"]
    // The database's queue sizes, sampled on their own task every 50 ms while the rest runs.
    let truthLog = TruthLog()
    let sampler = Task.detached {
        while truthLog.isRunning {
            var counts: [String: Int] = [:]
            for label in labels { counts[label] = try? await count(label) }
            truthLog.append(Observation(at: Date().timeIntervalSince1970, counts: counts))
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
    }
    while Date() < deadline {
        if Date().timeIntervalSince(lastPaneCheck) >= 1 {
            lastPaneCheck = Date()
            for index in consoleLogins.indices {
                let asked = Date().timeIntervalSince1970
                let screen = pane(index)
                let seenAt = Date().timeIntervalSince1970
                // The status line: "Desk: 48", "L1: 7"…
                guard let (label, shown) = labels.lazy.compactMap({ label -> (String, Int)? in
                    guard let range = screen.range(of: " \(label): ") else { return nil }
                    let digits = screen[range.upperBound...].prefix { $0.isNumber }
                    return Int(digits).map { (label, $0) }
                }).first else { continue }
                consoleSamples += 1
                // Equal to the database as it stood at some moment within the last second.
                // (The pane is captured somewhere between asking and the answer.)
                try await Task.sleep(nanoseconds: 120_000_000)  // the sampler's next look, after the capture
                let truth = truthLog.observations
                // The sampler sees the database now and then, and a queue passes through the sizes
                // between two samples (18, then 20, was 19 at some moment): the console holds when
                // what it shows lies within what the database went through in the window, from
                // the last sample before it to the one after the capture.
                let from = asked - options.consoleLag
                // Judged only where the sampler saw the whole window (it starts after the seats).
                guard let first = truth.first, first.at <= from else { consoleSamples -= 1; continue }
                let window = (truth.last(where: { $0.at < from }).map { [$0] } ?? []) + truth.filter { $0.at >= from }
                let values = window.compactMap { $0.counts[label] }
                if let low = values.min(), let high = values.max(), !(low...high).contains(shown) {
                    // How long ago the database last went through what the console shows.
                    if let last = Array(zip(truth, truth.dropFirst())).last(where: { pair in
                        let (a, b) = (pair.0.counts[label] ?? 0, pair.1.counts[label] ?? 0)
                        return (min(a, b)...max(a, b)).contains(shown)
                    }) { consoleLags.append(asked - last.0.at) }
                    consoleMismatches.append("console \(index + 1) showed \(label) \(shown) at +\(Int(seenAt - runStart.timeIntervalSince1970)) s; "
                                             + "the database went through \(values) in the \(options.consoleLag) s before")
                }
            }
        }
        if Date().timeIntervalSince(lastKey) >= 3 {
            lastKey = Date()
            // Key to frame: the help overlay's title appears after F1, then Escape closes it.
            let target = "c\(keyConsole % consoleLogins.count)"
            keyConsole += 1
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try runToEnd(["/usr/bin/tmux", "-L", tmuxSocket, "send-keys", "-t", target, "F1"], environment: environment, folder: folder)
            var seen = false
            for _ in 0..<400 where !seen {
                let screen = (try? runToEnd(["/usr/bin/tmux", "-L", tmuxSocket, "capture-pane", "-p", "-t", target],
                                            environment: environment, folder: folder))?.output ?? ""
                seen = screen.contains("Esc closes")
            }
            if seen { keyToFrame.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
            _ = try runToEnd(["/usr/bin/tmux", "-L", tmuxSocket, "send-keys", "-t", target, "Escape"], environment: environment, folder: folder)
        }
        for process in longRunning {
            if let rss = Child.residentMiB(of: process.pid) { rssPeak[process.name] = max(rssPeak[process.name] ?? 0, rss) }
        }
        let simulated = timeline.simulated(at: Date())
        if simulated >= nextReport {
            nextReport = nextReport.addingTimeInterval(options.reportEveryHours * 3600)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
            let month = calendar.dateComponents([.year, .month], from: simulated)
            let period = String(format: "%04d-%02d", month.year ?? 2012, month.month ?? 1)
            let start = DispatchTime.now().uptimeNanoseconds
            let made = try runToEnd([shiftdesk, "report", "month", "--period", period, "--db", db], environment: environment, folder: folder)
            reports.append((period, made.status, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6))
        }
        usleep(200_000)
    }
    for process in longRunning { rssEnd[process.name] = Child.residentMiB(of: process.pid) }
    truthLog.stop()
    await sampler.value

    // The end: seats stop at the deadline; the drill and the escalators are asked to stop.
    // Each has a bound (a seat's last command line may wait out a busy lock): one that does not
    // stop within it is killed and named, never waited for forever.
    var hung: [String] = []
    func ended(_ child: Child, within seconds: Double) -> Int32 {
        if let status = child.wait(upTo: seconds) { return status }
        hung.append(child.name)
        return 137
    }
    let seatStatuses = seatChildren.map { ended($0, within: 90) }
    let endSimulated = timeline.simulated(at: Date())
    drill.signal(SIGINT)
    let drillStatus = ended(drill, within: 60)
    // The escalators go on until the mail queued before the end has left (at least once), at most a minute.
    let mailCutoff = endSimulated.addingTimeInterval(-options.speed)
    var drainedAfter = 0.0
    let drainStart = Date()
    while Date().timeIntervalSince(drainStart) < 60 {
        if try await undeliveredEscalationMail(store, before: mailCutoff) == 0 { break }
        usleep(500_000)
    }
    drainedAfter = Date().timeIntervalSince(drainStart)
    for escalator in escalators { escalator.signal(SIGTERM) }
    let escalatorStatuses = escalators.map { ended($0, within: 60) }

    // MARK: The invariants
    var failures: [String] = []
    if !hung.isEmpty { failures.append("did not stop when asked and was killed: \(hung.joined(separator: ", "))") }
    if seatStatuses.contains(where: { $0 != 0 }) { failures.append("a seat process failed: \(seatStatuses)") }
    if drillStatus != 0 { failures.append("the drill ended with status \(drillStatus)") }
    if escalatorStatuses.contains(where: { $0 != 0 }) { failures.append("an escalator ended with status \(escalatorStatuses)") }

    var outcomes: [SeatOutcome] = []
    for person in seats {
        let text = (try? String(contentsOf: folder.appendingPathComponent("\(person.login).jsonl"), encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            outcomes.append(try JSONDecoder().decode(SeatOutcome.self, from: Data(line.utf8)))
        }
    }
    // 0 lost updates: every success a seat saw is in the history, as that seat's; every conflict names a winner whose write is there.
    var histories: [Int64: [TicketEvent]] = [:]
    func history(_ number: Int64) async throws -> [TicketEvent] {
        if let known = histories[number] { return known }
        let events = try await store.events(of: TicketID(number))
        histories[number] = events
        return events
    }
    var lost: [String] = []
    var unnamedConflicts = 0
    let kindOf = ["take": EventKind.taken, "escalate": .escalated, "resolve": .resolved, "close": .closed]
    for outcome in outcomes where outcome.result == "ok" || outcome.result == "conflict" {
        let events = try await history(outcome.ticket)
        if outcome.result == "ok" {
            let found = outcome.event.map { id in events.contains { $0.id == id && $0.actor == outcome.seat } }
                ?? events.contains { $0.actor == outcome.seat && $0.kind == kindOf[outcome.action] }
            if !found { lost.append("\(outcome.seat) \(outcome.action) INC \(outcome.ticket)") }
        } else if let winner = outcome.winner, let at = outcome.winnerAt {
            if !events.contains(where: { $0.actor == winner && EventEncoding.millis($0.at) == at && $0.kind.rawValue == outcome.winnerKind }) {
                lost.append("conflict on INC \(outcome.ticket) names \(winner), whose write is not in the history")
            }
        } else if !outcome.viaCLI {
            unnamedConflicts += 1
        }
    }
    if !lost.isEmpty { failures.append("\(lost.count) lost update(s): \(lost.prefix(5).joined(separator: "; "))") }
    if unnamedConflicts > 0 { failures.append("\(unnamedConflicts) conflict(s) refused without naming who won") }
    let errors = outcomes.filter { $0.result == "error" }
    if !errors.isEmpty { failures.append("\(errors.count) seat error(s): \(errors.prefix(3).compactMap(\.detail).joined(separator: "; "))") }

    // Every due step recorded exactly once (the key is ticket, priority, level), none missing up
    // to a sweep before the end, none later than the sweep interval; every mail sent at least once.
    let sweepAllowance = (1 + options.grace) * options.speed
    let missed = try await store.ticketsDueForEscalation(at: endSimulated.addingTimeInterval(-sweepAllowance), limit: 10)
    if !missed.isEmpty { failures.append("\(missed.count)+ ticket(s) with a step due before the end never fired: \(missed.map(\.id.description))") }
    let steps = try await escalationStepsForSoak(store)
    let lateness = steps.map { $0.fired.timeIntervalSince($0.due) / options.speed }.sorted()
    let late = steps.filter { $0.fired.timeIntervalSince($0.due) > sweepAllowance }
    if !late.isEmpty { failures.append("\(late.count) step(s) fired later than the sweep interval (+\(options.grace) s grace)") }
    let duplicates = Dictionary(grouping: steps, by: { "\($0.ticket)/\($0.priority)/\($0.level)" }).filter { $0.value.count > 1 }
    if !duplicates.isEmpty { failures.append("\(duplicates.count) step(s) recorded more than once") }
    var mailIDs = Set<String>()
    for name in (try? FileManager.default.contentsOfDirectory(atPath: mailbox.path)) ?? [] {
        let text = (try? String(contentsOf: mailbox.appendingPathComponent(name), encoding: .utf8)) ?? ""
        if let id = text.split(separator: "\n").first(where: { $0.hasPrefix("Message-ID:") }) {
            mailIDs.insert(String(id.dropFirst("Message-ID:".count)).trimmingCharacters(in: .whitespaces))
        }
    }
    var unsent = 0
    var mailed = 0
    for ticket in Set(steps.map(\.ticket)) {
        for message in try await store.outbox(of: TicketID(ticket))
        where message.kind == .escalation && message.via == .email && message.createdAt < mailCutoff {
            mailed += 1
            if !mailIDs.contains("<\(message.messageID)>") && !mailIDs.contains(message.messageID) { unsent += 1 }
        }
    }
    if unsent > 0 { failures.append("\(unsent) of \(mailed) escalation mail(s) never reached sendmail") }
    if !consoleMismatches.isEmpty {
        failures.append("\(consoleMismatches.count) of \(consoleSamples) console sample(s) differed from the database for over a second: "
                        + consoleMismatches.prefix(3).joined(separator: "; "))
    }
    if consoleSamples == 0 { failures.append("no console showed its queue") }
    if reports.contains(where: { $0.status != 0 }) { failures.append("a monthly report failed") }
    // The record: the chain and the journal verify.
    let verified = try runToEnd([shiftdesk, "audit", "verify", "--db", db], environment: environment, folder: folder)
    if verified.status != 0 { failures.append("audit verify: \(verified.output.prefix(300))") }
    // No leak: a long-running process may grow with the desk it holds, not without bound.
    for process in longRunning {
        guard let start = rssStart[process.name], let end = rssEnd[process.name] ?? rssPeak[process.name] else { continue }
        if end > start * 2 + 64 { failures.append("\(process.name) grew from \(Int(start)) MB to \(Int(end)) MB") }
    }

    // MARK: The figures
    let writes = outcomes.filter { $0.result != "error" && $0.action != "read" }
    let apiWrites = writes.filter { !$0.viaCLI && $0.result == "ok" }.map(\.milliseconds).sorted()
    let cliWrites = writes.filter { $0.viaCLI && $0.result == "ok" }.map(\.milliseconds).sorted()
    let drillOutput = (try? String(contentsOf: folder.appendingPathComponent("drill.out"), encoding: .utf8)) ?? ""
    let arrivals = try await store.count(TicketQuery())
    func row(_ name: String, _ value: String) { print(String(format: "| %-52@ | %@ |", name as NSString, value as NSString)) }
    print("")
    print("| \(backend) soak, \(Int(options.seconds)) s real, \(Int(options.speed))x (\(String(format: "%.1f", endSimulated.timeIntervalSince(timeline.simulated(at: runStart)) / 3600)) h simulated) | |")
    print("|---|---|")
    row("incidents replayed onto the desk", "\(arrivals)")
    row("seat actions: ok / conflict (who won named) / refused", "\(writes.filter { $0.result == "ok" }.count) / \(writes.filter { $0.result == "conflict" }.count) / \(writes.filter { $0.result == "refused" }.count)")
    row("lost updates", "\(lost.count)")
    row("write latency, Desk API: p50 / p99", String(format: "%.1f ms / %.1f ms (n=%d)", percentile(apiWrites, 0.5), percentile(apiWrites, 0.99), apiWrites.count))
    row("write latency, whole CLI command: p50 / p99", String(format: "%.0f ms / %.0f ms (n=%d)", percentile(cliWrites, 0.5), percentile(cliWrites, 0.99), cliWrites.count))
    row("escalation steps fired (each once) / late beyond interval", "\(steps.count) / \(late.count)")
    row("escalator lag, real: p50 / p99 / max", String(format: "%.2f s / %.2f s / %.2f s", percentile(lateness, 0.5), percentile(lateness, 0.99), lateness.last ?? 0))
    row("escalation mails: queued / reached sendmail", "\(mailed) / \(mailed - unsent) (outbox drained \(String(format: "%.0f", drainedAfter)) s after the end)")
    row("console samples equal to the database within \(options.consoleLag) s", "\(consoleSamples - consoleMismatches.count) of \(consoleSamples)"
        + (consoleLags.isEmpty ? "" : String(format: " (the others %.1f s behind at most)", consoleLags.max() ?? 0)))
    row("console key→frame under load (tmux): p50 / p99", String(format: "%.0f ms / %.0f ms (n=%d)", percentile(keyToFrame.sorted(), 0.5), percentile(keyToFrame.sorted(), 0.99), keyToFrame.count))
    row("monthly reports run (every \(Int(options.reportEveryHours)) h simulated)", reports.isEmpty ? "0" : "\(reports.count), median \(Int(percentile(reports.map(\.milliseconds).sorted(), 0.5))) ms")
    for process in longRunning {
        row("RSS \(process.name): start → end (peak)", String(format: "%.0f → %.0f MB (%.0f)", rssStart[process.name] ?? 0, rssEnd[process.name] ?? 0, rssPeak[process.name] ?? 0))
    }
    row("audit verify", verified.status == 0 ? "holds" : "BROKEN")
    if let last = drillOutput.split(separator: "\n").last(where: { $0.contains("arrived") || $0.contains("backlog") }) {
        print("drill: \(last)")
    }
    (store as? SQLiteStore)?.closeDatabase()
    if failures.isEmpty {
        print("\nsoak: every invariant holds")
        try? FileManager.default.removeItem(at: folder)
    } else {
        print("\nsoak: \(failures.count) invariant(s) broken (files kept in \(folder.path)):")
        for failure in failures { print("  - \(failure)") }
        throw BenchmarkFailure("the soak broke \(failures.count) invariant(s)")
    }
}

struct Observation: Sendable {
    var at: Double
    var counts: [String: Int]
}

/// The database's queue sizes over the run, written by the sampler task, read by the checks.
final class TruthLog: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [Observation] = []
    private var running = true

    var isRunning: Bool { lock.withLock { running } }
    var observations: [Observation] { lock.withLock { all } }
    func append(_ observation: Observation) { lock.withLock { all.append(observation) } }
    func stop() { lock.withLock { running = false } }
}

struct SoakStep {
    var ticket: Int64
    var priority: String
    var level: Int
    var due: Date
    var fired: Date
}

/// Escalation mail queued before `cutoff` and not yet handed to sendmail.
func undeliveredEscalationMail(_ store: any Store, before cutoff: Date) async throws -> Int {
    var count = 0
    for ticket in try await store.tickets(TicketQuery()) {
        count += try await store.outbox(of: ticket.id).filter {
            $0.kind == .escalation && $0.via == .email && $0.createdAt < cutoff && $0.deliveredAt == nil
        }.count
    }
    return count
}

/// Every escalation step recorded, ticket by ticket (the store's own reading, on both backends).
func escalationStepsForSoak(_ store: any Store) async throws -> [SoakStep] {
    var steps: [SoakStep] = []
    for ticket in try await store.tickets(TicketQuery()) {
        for step in try await store.firedSteps(of: ticket.id) {
            steps.append(SoakStep(ticket: step.ticket.number, priority: step.priority.rawValue, level: step.level, due: step.dueAt,
                                  fired: step.firedAt))
        }
    }
    return steps
}
