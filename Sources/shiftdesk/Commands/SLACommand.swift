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
            // The policy versions approved by now, each instant under the one in force when it is
            // reached; `--policy FILE` tries a file instead (throughout) and writes nothing.
            let policies: PolicyTimeline
            var whatIf: String?
            if let proposed = context.policy, let file = context.options.policy {
                policies = PolicyTimeline(proposed)
                whatIf = context.language.pick(en: "what-if \(file), not in force", zh: "试算 \(file)，未生效")
            } else {
                policies = try await context.policyTimeline(try context.openStore())
            }
            let timeline = ClockTimeline(openedAt: openedAt)
            var used: [PolicyTimeline.Stretch] = []
            /// When `seconds(policy)` of working time have run under the policy in force then.
            func reached(_ seconds: (SLAPolicy) -> TimeInterval?, response: Bool = false) -> (at: Date, rules: SLAPolicy)? {
                let found = policies.firstReached(notBefore: openedAt) { policy in
                    let clock = response ? policy.responseClock(for: priority) : policy.resolutionClock(for: priority)
                    return seconds(policy).flatMap { clock.instant(after: $0 + pausedSeconds, timeline: timeline) }
                }
                if let found, !used.contains(where: { $0.from == found.stretch.from }) { used.append(found.stretch) }
                return found.map { ($0.at, $0.stretch.policy) }
            }
            let respondBy = reached({ $0.policy(for: priority).respondWithin }, response: true)?.at
            let resolveBy = reached { $0.policy(for: priority).resolveWithin }?.at
            let levels = Set(policies.stretches.flatMap { $0.policy.policy(for: priority).escalation.map(\.level) }).sorted()
            let steps = levels.compactMap { level -> PlannedStep? in
                func rung(_ policy: SLAPolicy) -> EscalationStep? { policy.policy(for: priority).escalation.first { $0.level == level } }
                guard let found = reached({ rung($0)?.after }), let step = rung(found.rules) else { return nil }
                return PlannedStep(level: level, after: step.after, at: found.at, notify: step.notify, via: step.via)
            }
            let rules = policies.policy(at: openedAt).policy(for: priority)
            used.sort { ($0.from ?? .distantPast) < ($1.from ?? .distantPast) }
            let version = whatIf ?? (used.isEmpty ? Context.versionName(policies.entry(at: context.clock.now()))
                : used.map { $0.version?.description ?? "built-in" }.joined(separator: ", "))
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
            let ticket: Ticket?
            let events: [TicketEvent]
            do {
                ticket = try await desk.store.ticket(id.value)
                events = try await desk.store.events(of: id.value)
            } catch { throw CLIFailure(error, context) }
            guard let ticket else { throw CLIFailure(StoreError.ticketNotFound(id.value), context) }
            let now = context.clock.now()
            // The versions in force over the ticket's life: each deadline and step is judged under
            // the one in force when it is reached; the segments below count under the one in force now.
            let lived = policies.versions(from: ticket.openedAt, to: now).map(\.description)
            let version = lived.isEmpty ? Context.versionName(policies.entry(at: now)) : lived.joined(separator: ", ")
            let timeline = ClockTimeline(ticket: ticket, events: events, problemPauses: desk.policy.problemPausesClocks)
            let clocks = [desk.policy.responseClock(for: ticket.priority), desk.policy.resolutionClock(for: ticket.priority)]
            let explanations = clocks.map { $0.explain(timeline, now: now) }
            let sla: TicketSLA
            do { sla = try await desk.sla(of: ticket) } catch { throw CLIFailure(error, context) }
            func deadline(_ explanation: ClockExplanation) -> Date? { explanation.kind == .response ? sla.respondBy : sla.resolveBy }
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
                            ("deadline", .instant(deadline(explanation))),
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
                let moved = deadline(explanation) != explanation.deadline
                    ? l.pick(en: " (under the version in force when reached; \(context.show(explanation.deadline)) by the current one alone)",
                             zh: "（按到达时的现行版本；仅按当前版本为 \(context.show(explanation.deadline))）") : ""
                print("\(name) (\(SLADuration.format(explanation.target))): \(l.pick(en: "deadline", zh: "期限")) \(context.show(deadline(explanation)))" + moved
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
