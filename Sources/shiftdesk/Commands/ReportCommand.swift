import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

extension ReportPeriod.Kind: ExpressibleByArgument {}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "The incident-management report: every assessment item of the duty table and the service KPIs.",
        subcommands: [Show.self, Deliver.self, Deliveries.self], defaultSubcommand: Show.self)

    enum Format: String, ExpressibleByArgument, CaseIterable { case md, csv, json, html }

    /// `report week|month|quarter|year [--period P]`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print the report of a period (`report month --period 2026-11` is short for `report show month …`).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "week, month, quarter or year.") var kind: ReportPeriod.Kind
        @Option(help: "2026-W48, 2026-11, 2026-Q4 or 2026 (default: the current one).") var period: String?
        @Option(help: "md, csv, json or html.") var format: Format = .md
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            let context = try Context(global)
            let chosen = try context.reportPeriod(kind, period)
            let (desk, timeline) = try await context.deskInForce()
            var report: KPIReport
            do { report = try await ReportLoader(desk: desk).report(for: chosen) } catch { throw CLIFailure(error, context) }
            report.policyVersions = ReportPolicyVersions(timeline, period: chosen, now: context.clock.now())
            let renderer = ReportRenderer(report: report, language: context.language)
            let text: String
            switch context.json ? .json : format {
            case .md: text = renderer.markdown
            case .csv: text = renderer.csv
            case .json: text = renderer.json.serialized(pretty: true) + "\n"
            case .html: text = renderer.html
            }
            if let output {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw CLIFailure(context.language.pick(en: "cannot write \(output): \(error.localizedDescription)",
                                                           zh: "无法写入 \(output)：\(error.localizedDescription)"))
                }
                Output.error(context.language.pick(en: "report written to \(output)", zh: "报告已写入 \(output)"))
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }

    /// `report deliver month|quarter|year --period P`.
    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver a period's report by hand (incident manager): the incident-management report to the service-report managers, and for a month the workload report to the management-system owners. Delivering a period again is a correction.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "month, quarter or year.") var kind: ReportPeriod.Kind
        @Option(help: "2026-11, 2026-Q4 or 2026 (default: the one that ended last).") var period: String?
        @Option(help: "incidents or workload (default: every report the period owes).") var only: ReportDelivery.Report?

        func run() async throws {
            let context = try Context(global)
            let l = context.language
            guard ReportDelivery.kinds.contains(kind) else {
                throw CLIFailure(l.pick(en: "reports are delivered for a month, a quarter or a year; a week is reviewed (`report week`), not delivered",
                                        zh: "报告按月、季度或年度报送；周报只用于周回顾（`report week`），不报送"), status: 2)
            }
            let chosen: ReportPeriod
            if period == nil, let last = ReportSchedule.latestEnded(kind, now: context.clock.now(), timeZone: context.timeZone) {
                chosen = last
            } else {
                chosen = try context.reportPeriod(kind, period)
            }
            guard chosen.interval.end <= context.clock.now() else {
                throw CLIFailure(l.pick(en: "\(chosen.label) has not ended yet (it ends \(context.show(chosen.interval.end))); its report is delivered once it has",
                                        zh: "\(chosen.label) 尚未结束（结束于 \(context.show(chosen.interval.end))），结束后才能报送"))
            }
            let (desk, _) = try await context.deskInForce()
            let who: Operator
            do { who = try await desk.requireOperator(context.login) } catch { throw CLIFailure(error, context) }
            guard ReportDelivery.mayDeliverByHand(who.role) else {
                throw CLIFailure(l.pick(en: "refused: reports are delivered by the incident manager (ROLES.md, incident manager 5–8); \(who.login) is \(who.role.label(.en)) [report.deliver-role]",
                                        zh: "已拒绝：报告由事件经理报送（职责表 事件经理 5–8）；\(who.login) 是\(who.role.label(.zh)) [report.deliver-role]"))
            }
            let deliverer = context.reportDeliverer(desk)
            var done: [ReportDelivery] = []
            do {
                for report in ReportDelivery.reports(for: kind) where only.map({ $0 == report }) ?? true {
                    // Asked for every report of the period: one whose figures did not move since its last delivery is not sent again.
                    if let delivery = try await deliverer.deliver(report, period: chosen, by: who.login, firstOnly: false, unlessUnchanged: only == nil) {
                        done.append(delivery)
                    } else if !context.json {
                        print(l.pick(en: "\(chosen.label) \(report.label(.en)): unchanged since its last delivery, not sent again (--only \(report.rawValue) sends it anyway)",
                                     zh: "\(chosen.label) \(report.label(.zh))：自上次报送后未变，不再发送（--only \(report.rawValue) 可强制发送）"))
                    }
                }
            } catch {
                throw CLIFailure(error, context)
            }
            if context.json {
                Output.json(.array(done.map(context.deliveryJSON)))
                return
            }
            for delivery in done { print(context.describe(delivery)) }
            if done.contains(where: { $0.recipients.isEmpty }) {
                Output.error(l.pick(en: "a role has no address in [notify.roles] yet: the mail waits in the outbox until it has one",
                                    zh: "[notify.roles] 中有角色尚无邮箱：邮件在发件箱中等待，配置后发出"))
            }
        }
    }

    /// `report deliveries [--period P]`.
    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every report delivered: period, report, recipients, instant, digest of the figures, whether on time, and its mail's state.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this period (2026-11, 2026-Q4, 2026).") var period: String?

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let l = context.language
            var rows: [(ReportDelivery, OutboxMessage?)] = []
            do {
                for delivery in try await store.reportDeliveries(kind: nil, period: period?.uppercased()) {
                    rows.append((delivery, try await store.deliveryMail(delivery.id)))
                }
            } catch {
                throw CLIFailure(error, context)
            }
            let within = context.config.reportsWithin
            func onTime(_ d: ReportDelivery) -> Bool? {
                guard !d.isCorrection, let p = ReportPeriod(kind: d.kind, label: d.period, timeZone: context.timeZone) else { return nil }
                return ReportSchedule.onTime(at: d.at, periodEnd: p.interval.end, within: within)
            }
            func mailState(_ mail: OutboxMessage?) -> String {
                guard let mail else { return "—" }
                if mail.deliveredAt != nil { return l.pick(en: "sent", zh: "已发送") }
                if let error = mail.lastError { return l.pick(en: "waiting: \(error)", zh: "等待：\(error)") }
                return l.pick(en: "queued", zh: "排队中")
            }
            if context.json {
                Output.json(.array(rows.map { delivery, mail in
                    var fields = context.deliveryFields(delivery)
                    fields.append(("on_time", onTime(delivery).map(JSONValue.bool) ?? .null))
                    fields.append(("mail", .object([("state", .string(mail == nil ? nil : mail?.deliveredAt != nil ? "sent" : "queued")),
                                                    ("sent_at", .instant(mail?.deliveredAt)), ("error", .string(mail?.lastError))])))
                    return .object(fields)
                }))
                return
            }
            var table = TextTable(headers: ["#", l.pick(en: "PERIOD", zh: "期间"), l.pick(en: "REPORT", zh: "报告"), l.pick(en: "SEQ", zh: "序号"),
                                            l.pick(en: "AT", zh: "时间"), l.pick(en: "BY", zh: "报送人"), l.pick(en: "TO", zh: "收件人"),
                                            l.pick(en: "ON TIME", zh: "按时"), l.pick(en: "DIGEST", zh: "摘要"), l.pick(en: "MAIL", zh: "邮件")])
            table.rows = rows.map { delivery, mail in
                [String(delivery.id), delivery.period, delivery.report.rawValue,
                 delivery.isCorrection ? l.pick(en: "correction \(delivery.sequence)", zh: "更正 \(delivery.sequence)") : l.pick(en: "first", zh: "首次"),
                 context.show(delivery.at), delivery.by,
                 delivery.recipients.isEmpty ? delivery.role.rawValue : delivery.recipients.joined(separator: ", "),
                 onTime(delivery).map { $0 ? l.pick(en: "yes", zh: "是") : l.pick(en: "late", zh: "逾期") } ?? "—",
                 String(delivery.digest.prefix(12)), mailState(mail)]
            }
            table.maxWidths = [6: 40, 9: 40]
            print(table.render())
        }
    }
}

extension ReportDelivery.Report: ExpressibleByArgument {}

extension Context {
    /// The period `label` of `kind`, or the current one; a usage error naming the form otherwise.
    func reportPeriod(_ kind: ReportPeriod.Kind, _ label: String?) throws(CLIFailure) -> ReportPeriod {
        let chosen: ReportPeriod? = label.map { ReportPeriod(kind: kind, label: $0, timeZone: timeZone) }
            ?? ReportPeriod.containing(clock.now(), kind: kind, timeZone: timeZone)
        guard let chosen else {
            let example = ["week": "2026-W48", "month": "2026-11", "quarter": "2026-Q4", "year": "2026"][kind.rawValue] ?? ""
            throw CLIFailure(language.pick(en: "--period for a \(kind.rawValue) looks like \(example), not \"\(label ?? "")\"",
                                           zh: "\(kind.rawValue) 报告的 --period 格式如 \(example)，收到 \"\(label ?? "")\""), status: 2)
        }
        return chosen
    }

    func describe(_ delivery: ReportDelivery) -> String {
        let to = delivery.recipients.isEmpty ? "\(delivery.role.rawValue) (\(language.pick(en: "no address yet", zh: "尚无邮箱")))"
            : delivery.recipients.joined(separator: ", ")
        let what = delivery.report.label(language)
        if delivery.isCorrection {
            return language.pick(en: "\(delivery.period) \(what): correction \(delivery.sequence) queued to \(to) (figures \(delivery.digest.prefix(12)))",
                                 zh: "\(delivery.period) \(what)：第 \(delivery.sequence) 次更正已排队发给 \(to)（指标 \(delivery.digest.prefix(12))）")
        }
        return language.pick(en: "\(delivery.period) \(what) delivered: queued to \(to) (figures \(delivery.digest.prefix(12)))",
                             zh: "\(delivery.period) \(what)已报送：已排队发给 \(to)（指标 \(delivery.digest.prefix(12))）")
    }

    func deliveryFields(_ d: ReportDelivery) -> [(String, JSONValue)] {
        [("id", .int(d.id)), ("report", .string(d.report.rawValue)), ("kind", .string(d.kind.rawValue)), ("period", .string(d.period)),
         ("sequence", .int(d.sequence)), ("correction", .bool(d.isCorrection)), ("at", .instant(d.at)), ("by", .string(d.by)),
         ("role", .string(d.role.rawValue)), ("recipients", .array(d.recipients.map { .string($0) })), ("digest", .string(d.digest)),
         ("message_id", .string(d.messageID))]
    }

    func deliveryJSON(_ d: ReportDelivery) -> JSONValue { .object(deliveryFields(d)) }
}
