import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

struct SLACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla", abstract: "SLA deadlines and why they are where they are.",
        subcommands: [Due.self, Explain.self])

    struct Due: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The policy's deadlines and ladder for a ticket opened at an instant.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "major, general or minor.") var priority: Priority
        @Option(help: "When it was opened (ISO 8601).") var opened: String
        @Option(help: "Working time spent waiting on the customer, e.g. 30m.") var paused: String?

        func run() async throws {
            let context = try Context(global)
            guard let openedAt = ISO8601.parse(opened, defaultZone: context.timeZone) else {
                throw CLIFailure("--opened takes an ISO 8601 instant such as 2026-11-29T10:00:00+08:00, not \"\(opened)\"", status: 2)
            }
            var pausedSeconds: TimeInterval = 0
            if let paused {
                do { pausedSeconds = try SLADuration.parse(paused).timeInterval } catch {
                    throw CLIFailure("--paused: \(error.description)", status: 2)
                }
            }
            // The policy in force now; `--policy FILE` tries a file instead and writes nothing.
            let policy: SLAPolicy
            let version: String
            if let proposed = context.policy, let file = context.options.policy {
                policy = proposed
                version = context.language.pick(en: "what-if \(file), not in force", zh: "试算 \(file)，未生效")
            } else {
                let store = try context.openStore()
                let timeline = try await context.policyTimeline(store)
                let entry = timeline.entry(at: context.clock.now())
                policy = entry?.policy ?? timeline.fallback
                version = Context.versionName(entry)
            }
            let timeline = ClockTimeline(openedAt: openedAt)
            func at(_ seconds: TimeInterval) -> Date? {
                policy.resolutionClock(for: priority).instant(after: seconds + pausedSeconds, timeline: timeline)
            }
            let rules = policy.policy(for: priority)
            let steps = rules.escalation.map { step in
                PlannedStep(level: step.level, after: step.after, at: at(step.after), notify: step.notify, via: step.via)
            }
            let respondBy = policy.responseClock(for: priority).instant(after: rules.respondWithin + pausedSeconds, timeline: timeline)
            let resolveBy = at(rules.resolveWithin)
            if context.json {
                Output.json(.object([
                    ("priority", .string(priority.rawValue)), ("calendar", .string(rules.calendar)),
                    ("policy_version", .string(version)),
                    ("opened_at", .instant(openedAt)), ("respond_by", .instant(respondBy)), ("resolve_by", .instant(resolveBy)),
                    ("steps", .array(steps.map { (step: PlannedStep) -> JSONValue in step.json })),
                ]))
                return
            }
            let l = context.language
            print("\(priority.label(l)) · \(l.pick(en: "calendar", zh: "日历")) \(rules.calendar) · \(l.pick(en: "opened", zh: "开单")) \(context.show(openedAt))"
                  + " · \(l.pick(en: "policy", zh: "策略")) \(TerminalText.sanitize(version))")
            print("\(l.pick(en: "respond by", zh: "响应期限")) \(context.show(respondBy))")
            print("\(l.pick(en: "resolve by", zh: "解决期限")) \(context.show(resolveBy))")
            for step in steps {
                let recipients = step.notify.map(\.rawValue).joined(separator: ", ")
                let methods = step.via.map(\.rawValue).joined(separator: ", ")
                print("L\(step.level)  +\(SLADuration.format(step.after))  \(context.show(step.at))  \(recipients)  (\(methods))")
            }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A ticket's clocks as segments rebuilt from its events, with the deadlines they give.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "INC-000123.") var id: TicketIDArgument

        func run() async throws {
            let context = try Context(global)
            let (desk, policies) = try await context.deskInForce()
            let version = Context.versionName(policies.entry(at: context.clock.now()))
            let ticket: Ticket?
            let events: [TicketEvent]
            do {
                ticket = try await desk.store.ticket(id.value)
                events = try await desk.store.events(of: id.value)
            } catch { throw CLIFailure(error, context) }
            guard let ticket else { throw CLIFailure(StoreError.ticketNotFound(id.value), context) }
            let now = context.clock.now()
            let timeline = ClockTimeline(ticket: ticket, events: events, problemPauses: desk.policy.problemPausesClocks)
            let clocks = [desk.policy.responseClock(for: ticket.priority), desk.policy.resolutionClock(for: ticket.priority)]
            let explanations = clocks.map { $0.explain(timeline, now: now) }
            let sla: TicketSLA
            do { sla = try await desk.sla(of: ticket) } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.object([
                    ("ticket", .string(ticket.id.description)), ("priority", .string(ticket.priority.rawValue)),
                    ("calendar", .string(desk.policy.calendarName(for: ticket.priority))), ("now", .instant(now)),
                    ("policy_version", .string(version)),
                    ("clocks", .array(explanations.map { explanation in
                        .object([
                            ("kind", .string(explanation.kind.rawValue)),
                            ("target", .string(SLADuration.format(explanation.target))),
                            ("unpaused_deadline", .instant(explanation.unpausedDeadline)),
                            ("deadline", .instant(explanation.deadline)),
                            ("paused_working_seconds", .int(Int64(explanation.pausedWorkingSeconds))),
                            ("segments", .array(explanation.segments.map { segment in
                                .object([("start", .instant(segment.start)), ("end", .instant(segment.end)),
                                         ("label", .string(segment.label.rawValue)),
                                         ("working_seconds", .int(Int64(segment.workingSeconds))),
                                         ("counted_seconds", .int(Int64(segment.countedSeconds))),
                                         ("cumulative_seconds", .int(Int64(segment.cumulativeSeconds))),
                                         ("overdue", .bool(segment.overdue))])
                            })),
                        ])
                    })),
                    ("ladder", .array(sla.plan.steps.map { step in
                        .object(((step.json.objectPairs) ?? []) + [("fired", .bool(sla.fired.contains(step.level)))])
                    })),
                ]))
                return
            }
            let l = context.language
            print("\(ticket.id)  \(ticket.priority.label(l))  \(l.pick(en: "calendar", zh: "日历")) \(desk.policy.calendarName(for: ticket.priority))  \(l.pick(en: "now", zh: "现在")) \(context.show(now))  \(l.pick(en: "policy", zh: "策略")) \(version)")
            for explanation in explanations {
                let name = explanation.kind == .response ? l.pick(en: "Response clock", zh: "响应时钟") : l.pick(en: "Resolution clock", zh: "解决时钟")
                print("")
                print("\(name) (\(SLADuration.format(explanation.target))): \(l.pick(en: "deadline", zh: "期限")) \(context.show(explanation.deadline))"
                      + (explanation.pausedWorkingSeconds > 0 ? l.pick(en: ", moved by \(SLADuration.format(explanation.pausedWorkingSeconds)) paused",
                                                                      zh: "，因挂起顺延 \(SLADuration.format(explanation.pausedWorkingSeconds))") : ""))
                var table = TextTable(headers: [l.pick(en: "FROM", zh: "开始"), l.pick(en: "TO", zh: "结束"), l.pick(en: "SEGMENT", zh: "区段"),
                                                l.pick(en: "COUNTED", zh: "计时"), l.pick(en: "TOTAL", zh: "累计")])
                table.rows = explanation.segments.map { segment in
                    [context.show(segment.start), context.show(segment.end), segment.label.rawValue + (segment.overdue ? " !" : ""),
                     SLADuration.format(segment.countedSeconds), SLADuration.format(segment.cumulativeSeconds)]
                }
                print(table.render())
            }
            print("")
            print(l.pick(en: "Escalation ladder", zh: "管理升级"))
            for step in sla.plan.steps {
                let state = sla.fired.contains(step.level) ? l.pick(en: "fired", zh: "已触发") : l.pick(en: "pending", zh: "未触发")
                print("  L\(step.level)  +\(SLADuration.format(step.after))  \(context.show(step.at))  \(state)  "
                      + step.notify.map(\.rawValue).joined(separator: ", "))
            }
        }
    }
}

extension JSONValue {
    var objectPairs: [(String, JSONValue)]? {
        if case let .object(pairs) = self { return pairs }
        return nil
    }
}
