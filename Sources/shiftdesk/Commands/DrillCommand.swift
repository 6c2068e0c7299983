import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskInterchange
import ShiftDeskStore

/// `shiftdesk drill`: a real incident log replayed onto a drill desk as live traffic, for
/// training agents and rehearsing a shift (README, "Drills").
struct DrillCommand: AsyncParsableCommand {
    enum Seats: String, ExpressibleByArgument, CaseIterable {
        /// Simulated L1/L2 engineers work what is escalated to them.
        case bots
        /// Only the arrivals.
        case none
    }

    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Replay a real incident log onto a drill desk (init --drill) at N times real speed; trainees work it in real consoles.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The incident log to replay.") var from: String
    @Option(help: "Its format: xes (plain or gzip) or servicenow (CSV).") var format: ImportFormat
    @Option(help: "How many times real speed (default 60: an hour a minute).") var speed: Double = 60
    @Option(help: "Start at this instant of the log (ISO 8601; default its first arrival).") var start: String?
    @Option(help: "Stop at this instant of the log (ISO 8601; default an hour after the last arrival replayed).") var until: String?
    @Option(help: "bots: simulated L1/L2 engineers work what is escalated; none: only arrivals.") var seats: Seats = .bots
    @Option(help: "Time zone of log times written without one (ServiceNow), default UTC.") var timeZone: String?
    @Option(help: "Seconds between progress lines.") var progressEvery: Double = 5

    func validate() throws {
        guard DrillTimeline.speedLimit.contains(speed) else { throw ValidationError("--speed takes 1 to 3600, not \(speed)") }
        guard format == .xes || format == .servicenow else { throw ValidationError("--format takes xes or servicenow") }
        guard global.now == nil else { throw ValidationError("a drill keeps its own clock: use --start for where in the log it begins") }
        guard progressEvery >= 0.2 else { throw ValidationError("--progress-every takes at least 0.2 seconds") }
    }

    func run() async throws {
        let context = try Context(global)
        let l = context.language
        let store = try context.openStore()
        do {
            guard try await store.setting(DrillTimeline.deskMarkKey) == "yes" else {
                throw CLIFailure(l.pick(en: "this desk is not a drill desk: a drill runs only on a desk made with `shiftdesk init --drill`, so real records are never touched",
                                        zh: "这不是演练服务台：演练只能在用 `shiftdesk init --drill` 建立的服务台上进行，以免触及真实记录"))
            }
        } catch let error as StoreError { throw CLIFailure(error, context) }

        // The log, mapped as the importer maps it.
        let zone = try timeZone.map { name throws(CLIFailure) -> TimeZone in
            guard let zone = TimeZone(identifier: name) else { throw CLIFailure("--time-zone: unknown zone \(name)") }
            return zone
        } ?? (TimeZone(identifier: "UTC") ?? .gmt)
        let options = ImportOptions(format: format, path: (from as NSString).expandingTildeInPath, displayName: from, timeZone: zone)
        Output.error(l.pick(en: "reading \(from)…", zh: "正在读取 \(from)…"))
        let read: (histories: [TicketHistory], skipped: [InterchangeIssue])
        do { read = try LogReader.histories(options) } catch { throw CLIFailure(error.description) }
        let all = read.histories.map(DrillIncident.init).sorted { $0.arrival < $1.arrival }
        guard let first = all.first else { throw CLIFailure(l.pick(en: "\(from) holds no incident to replay", zh: "\(from) 中没有可回放的事件")) }
        let begin = try instant(start, context) ?? first.arrival
        let arrivals = all.filter { $0.arrival >= begin }
        let lastArrival = arrivals.last?.arrival ?? begin
        let end = try instant(until, context) ?? lastArrival.addingTimeInterval(3600)
        let incidents = arrivals.filter { $0.arrival < end }
        guard begin < end else { throw CLIFailure(l.pick(en: "--until must be after --start", zh: "--until 必须晚于 --start")) }
        let typical = DrillBots.typicalSpans(all)

        // Nothing on the desk may be dated after the drill's start: its history stays in order.
        do {
            let latest = try await store.events(after: max(0, try await store.lastEventID() - 1), limit: 1).last?.at
            if let latest, latest > begin {
                throw CLIFailure(l.pick(en: "this drill desk already holds history up to \(context.show(latest)); start the drill after it (--start) or use a fresh desk (init --drill)",
                                        zh: "该演练服务台已有截至 \(context.show(latest)) 的记录；请从其后开始（--start）或新建演练服务台（init --drill）"))
            }
            for person in DrillBots.operators() + [DrillIntake.person] where try await store.findOperator(login: person.login) == nil {
                try await store.addOperator(person)
            }
        } catch let error as StoreError { throw CLIFailure(error, context) }

        let timeline = DrillTimeline(realStart: Date(), simulatedStart: begin, speed: speed)
        let clock = DeskClock()
        clock.follow(timeline)
        let policies = try await context.deskInForce(on: store).timeline
        let drillDesk = Desk(store: store, clock: clock, policy: policies.policy(at: begin), origin: .local)
        do { try await store.setSetting(DrillTimeline.settingKey, to: timeline.settingText) } catch { throw CLIFailure(error, context) }
        if !read.skipped.isEmpty {
            Output.error(l.pick(en: "\(read.skipped.count) incident(s) of the log could not be mapped and are left out (shiftdesk import reports them)",
                                zh: "日志中 \(read.skipped.count) 个事件无法映射，已略过（shiftdesk import 会列出）"))
        }
        Output.error(l.pick(en: "drill of \(incidents.count) incidents from \(context.show(begin)) to \(context.show(end)) at \(Int(speed))x (\(seats.rawValue)); every console and escalator on this desk follows its clock; Ctrl-C stops",
                            zh: "演练 \(incidents.count) 个事件，\(context.show(begin)) 至 \(context.show(end))，\(Int(speed)) 倍速（\(seats.rawValue)）；该服务台的所有控制台和升级服务都跟随演练时钟；Ctrl-C 停止"))

        let stop = StopFlag()
        stop.install()
        var runner = DrillRunner(desk: drillDesk, incidents: incidents, typical: typical, bots: seats == .bots)
        var nextProgress = Date()
        do {
            while !stop.isSet {
                let now = clock.now()
                let simulatedNow = min(now, end)
                try await runner.step(at: simulatedNow)
                if Date() >= nextProgress || now >= end {
                    nextProgress = Date().addingTimeInterval(progressEvery)
                    Output.error(try await runner.progress(at: simulatedNow).line(l, timeZone: context.timeZone))
                }
                if now >= end { break }
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
        } catch let error as StoreError {
            throw CLIFailure(error, context)
        } catch let error as DeskError {
            throw CLIFailure(error, context)
        }
        let stoppedAt = min(clock.now(), end)
        // The desk stays at the drill's last instant, so what the trainees do after it keeps order.
        let frozen = DrillTimeline(realStart: Date(), simulatedStart: stoppedAt, speed: 1)
        try? await store.setSetting(DrillTimeline.settingKey, to: frozen.settingText)
        Output.error(l.pick(en: stop.isSet ? "drill stopped at \(context.show(stoppedAt))" : "drill finished at \(context.show(stoppedAt))",
                            zh: stop.isSet ? "演练已于 \(context.show(stoppedAt)) 停止" : "演练已于 \(context.show(stoppedAt)) 结束"))
        try await printAssessment(desk: drillDesk, from: begin, to: stoppedAt, arrived: runner.arrived, context: context)
    }

    private func instant(_ text: String?, _ context: Context) throws(CLIFailure) -> Date? {
        guard let text else { return nil }
        guard let date = ISO8601.parse(text, defaultZone: context.timeZone) else {
            throw CLIFailure("\(text) is not an ISO 8601 instant such as 2012-05-02T08:00:00+02:00")
        }
        return date
    }

    /// The duty table's own assessment, for the drill: the KPI report over its simulated hours.
    private func printAssessment(desk: Desk, from: Date, to: Date, arrived: Int, context: Context) async throws {
        let l = context.language
        let period = ReportPeriod(span: DateInterval(start: from, end: max(to, from.addingTimeInterval(1))),
                                  label: l.pick(en: "drill", zh: "演练"), timeZone: context.timeZone)
        let report: KPIReport
        do { report = try await ReportLoader(desk: desk).report(for: period) } catch { throw CLIFailure(error, context) }
        let assessment = DrillAssessment(report: report, arrived: arrived)
        if context.json {
            Output.json(assessment.json)
        } else {
            print(assessment.text(l))
        }
    }
}

/// Who brings the log's incidents in: they arrive as e-mailed requests waiting, unassigned, in
/// the desk's queue for the trainees to take.
enum DrillIntake {
    static let person = Operator(login: "drill.intake", name: "演练来件 Drill intake", role: .desk)
}

/// The replay, step by step: arrivals due, then the simulated engineers' moves.
struct DrillRunner {
    let desk: Desk
    let incidents: [DrillIncident]
    let typical: [Tier: TimeInterval]
    let bots: Bool
    private(set) var arrived = 0
    /// The log's incident behind each ticket the drill opened.
    private var replayed: [TicketID: DrillIncident] = [:]
    /// When the engineer holding a ticket took it at its present line.
    private var heldSince: [TicketID: (tier: Tier, since: Date)] = [:]
    private var nextBotLook = Date.distantPast

    init(desk: Desk, incidents: [DrillIncident], typical: [Tier: TimeInterval], bots: Bool) {
        self.desk = desk
        self.incidents = incidents
        self.typical = typical
        self.bots = bots
    }

    mutating func step(at now: Date) async throws {
        while arrived < incidents.count, incidents[arrived].arrival <= now {
            var draft = incidents[arrived].draft
            if draft.channel == .phone || draft.channel == .walkIn { draft.channel = .email }
            draft.openedAt = nil
            // Nobody at the desk has it yet: the trainee who accepts it owns it (and closes it).
            draft.unattended = true
            let ticket = try await desk.open(draft, as: DrillIntake.person.login)
            replayed[ticket.id] = incidents[arrived]
            arrived += 1
        }
        guard bots, now >= nextBotLook else { return }
        nextBotLook = .distantFuture
        let working = try await desk.store.tickets(TicketQuery(tiers: [.l1, .l2, .vendor], openOnly: true))
        for ticket in working {
            let held = heldSince[ticket.id].flatMap { $0.tier == ticket.tier ? $0.since : nil }
            switch DrillBots.move(for: ticket, heldSince: held, incident: replayed[ticket.id], typical: typical, now: now) {
            case let .take(login):
                if try await act(.take, on: ticket, as: login) { heldSince[ticket.id] = (ticket.tier, now) }
                nextBotLook = now
            case let .escalate(tier):
                if try await act(.escalate(to: tier, note: "as the log did"), on: ticket, as: ticket.assignee ?? "") {
                    heldSince[ticket.id] = (tier, now)
                }
                nextBotLook = now
            case .resolve:
                _ = try await act(.resolve(note: "resolved as in the log (drill)"), on: ticket, as: ticket.assignee ?? "")
                nextBotLook = now
            case let .waitUntil(due):
                if held == nil { heldSince[ticket.id] = (ticket.tier, now) }
                nextBotLook = min(nextBotLook, due)
            case .none:
                break
            }
        }
        // A trainee's escalation is seen within a simulated minute.
        nextBotLook = min(nextBotLook, now.addingTimeInterval(60))
    }

    /// One bot action; a refusal (a trainee got there first) is not the drill's failure.
    private func act(_ action: TicketAction, on ticket: Ticket, as login: String) async throws -> Bool {
        do {
            _ = try await desk.perform(action, on: ticket, by: try await operatorNamed(login))
            return true
        } catch let error as DeskError {
            // A trainee (or another seat) acted on it first: the bot looks again next time.
            if case let .store(storeError) = error, case .conflict = storeError { return false }
            if case .store = error { throw error }
            return false
        }
    }

    private func operatorNamed(_ login: String) async throws -> Operator {
        guard let person = try await desk.store.findOperator(login: login) else { throw DeskError.unknownOperator(login) }
        return person
    }

    func progress(at now: Date) async throws -> DrillProgress {
        var backlog: [Tier: Int] = [:]
        for tier in Tier.allCases {
            backlog[tier] = try await desk.store.count(TicketQuery(tiers: [tier], openOnly: true))
        }
        return DrillProgress(simulatedNow: now, arrived: arrived, total: incidents.count, backlog: backlog)
    }
}
