import ArgumentParser
import Dispatch
import Foundation
import ShiftDeskCore
import ShiftDeskNotify
import ShiftDeskStore

extension Context {
    func sweep(_ desk: Desk, firedBy: String) -> EscalationSweep {
        var sweep = EscalationSweep(desk: desk, directory: config.recipients, firedBy: firedBy, timeZone: timeZone)
        sweep.reports = reportDeliverer(desk)
        return sweep
    }

    /// Delivers reports to `[notify.roles]`, naming the policy versions in force as `report` does.
    func reportDeliverer(_ desk: Desk) -> ReportDeliverer {
        var deliverer = ReportDeliverer(desk: desk, directory: config.recipients, timeZone: timeZone)
        let context = self
        deliverer.policyVersions = { period in
            guard let timeline = try? await context.policyTimeline(desk.store) else { return nil }
            return ReportPolicyVersions(timeline, period: period, now: context.clock.now())
        }
        return deliverer
    }

    /// Mail leaves addressed from the roster in force when it is sent: the approved policy's
    /// `[roster]`, as `desk` knows it (a long-running seat adopts each approval), else this
    /// machine's `[notify.roles]`.
    func flusher(_ desk: Desk) throws(CLIFailure) -> OutboxFlusher {
        let machine = config.recipients
        do {
            return OutboxFlusher(store: desk.store, transport: try SendmailTransport(command: sendmailCommand), from: config.from, clock: clock,
                                 roster: { desk.roster(or: machine) })
        } catch {
            throw CLIFailure("notify.sendmail: \(error.reason)")
        }
    }

    static var processName: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    func report(_ sweep: EscalationSweep.Report) {
        if json {
            Output.json(.object([
                ("fired", .array(sweep.fired.map { step in
                    .object([("ticket", .string(step.ticket.description)), ("priority", .string(step.priority.rawValue)),
                             ("level", .int(Int64(step.level))), ("due_at", .instant(step.dueAt)), ("fired_at", .instant(step.firedAt))])
                })),
                ("messages", .int(Int64(sweep.messages))),
                ("deliveries", .array(sweep.deliveries.map(deliveryJSON))),
                ("next_due", .instant(sweep.nextDue)),
                ("summarised", .int(Int64(sweep.summarised))),
            ]))
            return
        }
        for step in sweep.fired {
            print(language.pick(en: "\(step.ticket) \(step.priority.rawValue) escalation L\(step.level) fired (due \(show(step.dueAt)))",
                                zh: "\(step.ticket) \(step.priority.label(.zh))管理升级 L\(step.level) 已触发（应于 \(show(step.dueAt))）"))
        }
        for delivery in sweep.deliveries { print(describe(delivery)) }
        print(language.pick(en: "\(sweep.fired.count) steps fired, \(sweep.messages) notifications queued; next due \(show(sweep.nextDue))",
                            zh: "触发 \(sweep.fired.count) 级升级，排队 \(sweep.messages) 条通知；下一次 \(show(sweep.nextDue))"))
    }
}

struct EscalateDueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalate-due", abstract: "Record the management-escalation steps due now, once, and queue their notifications.")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = try Context(global)
        let desk = try await context.desk()
        let sweep = context.sweep(desk, firedBy: "escalate-due@\(Context.processName)")
        do {
            try await sweep.replanIfPolicyChanged()
            context.report(try await sweep.run())
        } catch {
            throw CLIFailure(error, context)
        }
    }
}

struct EscalatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalator",
        abstract: "Run escalate-due continuously (a service): sleeps until the next step is due or the desk changes, delivers mail, stops on SIGTERM.")
    @OptionGroup var global: GlobalOptions
    @Flag(inversion: .prefixedNo, help: "Deliver queued mail after each sweep.") var deliver = true

    func validate() throws {
        if global.now != nil {
            throw ValidationError("the escalator follows the real clock; use `escalate-due --now …` for one sweep at a given instant")
        }
    }

    func run() async throws {
        let context = try Context(global)
        let (desk, timeline) = try await context.deskInForce()
        let sweep = context.sweep(desk, firedBy: "escalator@\(Context.processName)")
        var version = Context.versionName(timeline.entry(at: context.clock.now()))
        let flusher = deliver ? try context.flusher(desk) : nil
        let nightly = try context.config.backup.flatMap { plan throws(CLIFailure) -> NightlyBackupRunner? in
            let location = try context.databaseLocation()
            guard !PostgresLocation.matches(context.options.db ?? context.environment["SHIFTDESK_DB"] ?? "") else {
                Output.error(context.language.pick(en: "[backup] is for SQLite desks; back a PostgreSQL desk up with pg_dump (README)",
                                                   zh: "[backup] 只用于 SQLite 服务台；PostgreSQL 请用 pg_dump 备份（见 README）"))
                return nil
            }
            return NightlyBackupRunner(plan: plan, databasePath: location, zone: context.timeZone, language: context.language)
        }
        let stop = StopFlag()
        stop.install()
        do {
            let signal = try desk.store.changeSignal()
            let replanned = try await sweep.replanIfPolicyChanged()
            Output.error(context.language.pick(en: "escalator started on SLA policy \(version) (planned \(replanned) open tickets afresh)",
                                               zh: "升级服务已启动，SLA 策略 \(version)（重新规划 \(replanned) 个未结事件）"), prefixed: true)
            if let said = context.rosterNote(desk) { Output.error(said, prefixed: true) }
            var nextDue: Date? = try await desk.store.nextEscalationDue()
            // Reports fall due at period ends: the first pass delivers what is owed already.
            var nextReports = Date.distantPast
            var nextDelivery = Date.distantPast
            var nextBackupCheck = Date.distantPast
            // Writes leave their incidents' KPI summaries to a sweep: made here at most every
            // 15 s while the desk changes (a console's sweep makes them too).
            var summariesOwed = true
            var nextSummaries = Date.distantPast
            while !stop.isSet {
                let now = context.clock.now()
                if let nightly, now >= nextBackupCheck {
                    nextBackupCheck = now.addingTimeInterval(60)
                    if let said = nightly.runIfDue(now: now) { Output.error(said) }
                }
                if (nextDue.map { $0 <= now } ?? false) || now >= nextReports {
                    let report = try await sweep.run()
                    if !report.fired.isEmpty || !report.deliveries.isEmpty { context.report(report) }
                    nextDue = report.nextDue
                    nextReports = ReportSchedule.nextPeriodEnd(after: now, timeZone: context.timeZone) ?? now.addingTimeInterval(3600)
                    summariesOwed = false
                } else if summariesOwed, now >= nextSummaries {
                    try await desk.summariseAwaiting()
                    summariesOwed = false
                    nextSummaries = now.addingTimeInterval(15)
                }
                if let flusher, now >= nextDelivery {
                    let delivered = try await flusher.flush()
                    for failure in delivered.failed {
                        Output.error("mail to \(failure.address) failed: \(failure.error); retry at \(context.show(failure.retryAt))")
                    }
                    nextDelivery = now.addingTimeInterval(delivered.failed.isEmpty ? 5 : 30)
                }
                // Sleep a second at most; only a change to the desk makes it look at the index again.
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                if try await signal.poll() {
                    // An approval anywhere puts a new policy (its plans, its roster) in force for
                    // this escalator at once: the sweep and the flusher share this desk's.
                    let timeline = try await context.policyTimeline(desk.store)
                    if desk.adopt(timeline) {
                        try await sweep.replanIfPolicyChanged()
                        version = Context.versionName(timeline.entry(at: context.clock.now()))
                        Output.error(context.language.pick(en: "SLA policy \(version) is in force", zh: "SLA 策略 \(version) 已生效"))
                        if let said = context.rosterNote(desk) { Output.error(said) }
                    }
                    nextDue = try await desk.store.nextEscalationDue()
                    summariesOwed = true
                }
            }
            Output.error(context.language.pick(en: "escalator stopped", zh: "升级服务已停止"))
        } catch let error as StoreError {
            throw CLIFailure(error, context)
        }
    }
}

/// Set by SIGTERM or SIGINT; the loop checks it, so a stop never cuts a transaction short.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    private var sources: [DispatchSourceSignal] = []

    var isSet: Bool { lock.withLock { set } }

    func install() {
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.lock.withLock { self?.set = true } }
            source.resume()
            sources.append(source)
        }
    }
}

struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Notifications queued by escalation steps.",
        subcommands: [Flush.self, Calls.self, Confirm.self, Notices.self, Seen.self])

    struct Flush: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliver queued e-mail through the sendmail command.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try Context(global)
            let (desk, _) = try await context.deskInForce()
            let report: OutboxFlusher.Report
            do { report = try await context.flusher(desk).flush() } catch let error as StoreError { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.object([
                    ("delivered", .int(Int64(report.delivered.count))),
                    ("failed", .array(report.failed.map { .object([("id", .int($0.message)), ("address", .string($0.address)),
                                                                   ("error", .string($0.error)), ("retry_at", .instant($0.retryAt))]) })),
                ]))
                return
            }
            for failure in report.failed {
                print(context.language.pick(en: "not delivered to \(failure.address): \(failure.error) (retry at \(context.show(failure.retryAt)))",
                                            zh: "未送达 \(failure.address)：\(failure.error)（\(context.show(failure.retryAt)) 重试）"))
            }
            print(context.language.pick(en: "\(report.delivered.count) delivered, \(report.failed.count) failed",
                                        zh: "送达 \(report.delivered.count) 封，失败 \(report.failed.count) 封"))
        }
    }

    struct Calls: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Phone calls of major-incident steps not yet confirmed.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let calls: [OutboxMessage]
            do { calls = try await store.pendingCalls() } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.array(calls.map { call in
                    .object([("id", .int(call.id)), ("ticket", .string(call.ticket?.description)), ("role", .string(call.recipientRole?.rawValue)),
                             ("call", .string(call.address)), ("since", .instant(call.createdAt)), ("subject", .string(call.subject))])
                }))
                return
            }
            let l = context.language
            var table = TextTable(headers: ["#", "ID", l.pick(en: "CALL", zh: "致电"), l.pick(en: "SINCE", zh: "时间"), l.pick(en: "SUBJECT", zh: "主题")])
            table.rows = calls.map { [String($0.id), $0.ticket?.description ?? "—", $0.address, context.show($0.createdAt), $0.subject] }
            table.maxWidths = [4: 60]
            print(table.render())
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm you made a phone call (its # from `notify calls`).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The call's number.") var call: Int64

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            do {
                guard try await desk.confirmCall(call, as: context.login) else {
                    throw CLIFailure(context.language.pick(en: "call #\(call) is not waiting (unknown, or already confirmed)",
                                                           zh: "致电 #\(call) 不存在或已确认"))
                }
            } catch let error as DeskError {
                throw CLIFailure(error, context)
            }
            print(context.language.pick(en: "call #\(call) confirmed", zh: "已确认致电 #\(call)"))
        }
    }

    struct Notices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Results of incidents told to the desk that nobody has seen yet (the console's notices).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let notices: [OutboxMessage]
            do { notices = try await store.pendingNotices(limit: nil) } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.array(notices.map { notice in
                    .object([("id", .int(notice.id)), ("ticket", .string(notice.ticket?.description)), ("owner", .string(notice.recipientLogin)),
                             ("since", .instant(notice.createdAt)), ("notice", .string(notice.subject))])
                }))
                return
            }
            let l = context.language
            var table = TextTable(headers: ["#", "ID", l.pick(en: "OWNER", zh: "负责坐席"), l.pick(en: "SINCE", zh: "时间"),
                                            l.pick(en: "NOTICE", zh: "通知")])
            table.rows = notices.map {
                [String($0.id), $0.ticket?.description ?? "—", $0.recipientLogin ?? "—", context.show($0.createdAt), TerminalText.sanitize($0.subject)]
            }
            table.maxWidths = [4: 60]
            print(table.render())
        }
    }

    struct Seen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a result told to the desk seen (its # from `notify notices`; desk agents).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The notice's number.") var notice: Int64

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            do {
                guard try await desk.confirmNotice(notice, as: context.login) else {
                    throw CLIFailure(context.language.pick(en: "notice #\(notice) is not waiting (unknown, or already seen)",
                                                           zh: "通知 #\(notice) 不存在或已确认"))
                }
            } catch let error as DeskError {
                throw CLIFailure(error, context)
            }
            print(context.language.pick(en: "notice #\(notice) seen", zh: "已确认通知 #\(notice)"))
        }
    }
}
