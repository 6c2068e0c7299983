import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// `policy …`: the SLA policy and notification roster as a controlled record. A file only
/// proposes; an owner's approval puts it in force for every seat, escalator and report.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "The SLA policy in force, and changing it: propose, approve, reject.",
        subcommands: [Propose.self, Approve.self, Reject.self, Show.self, History.self, Diff.self, WhatIf.self])

    static var name: String { DocumentRules.policyDocument }

    struct Propose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit a policy file for the owners' approval (checked first, file:line: reason).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The policy file (TOML).") var file: String
        @Option(help: "Why it changes.") var reason: String
        @Flag(help: "A major change: the next version is V(n+1).0.") var major = false

        func run() async throws {
            let context = try Context(global)
            let text = try DocumentOutput.read(file, context)
            let documents = context.documents(try await context.desk())
            let document: ControlledDocument
            do { document = try await documents.proposePolicy(text, reason: reason, major: major, as: context.login) } catch {
                throw CLIFailure(error, context)
            }
            let number = document.working?.label ?? "?"
            DocumentOutput.done(document, context, en: "SLA policy \(number) submitted for approval; \(document.current?.label ?? "—") stays in force until an owner approves it",
                                zh: "SLA 策略 \(number) 已提交审批；在负责人批准前仍执行 \(document.current?.label ?? "—")")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve the submitted policy (owners; not one's own): in force from now, open tickets planned afresh once.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "A comment.") var comment: String?

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let document: ControlledDocument
            do { document = try await context.documents(desk).approve(PolicyCommand.name, comment: comment, as: context.login) } catch {
                throw CLIFailure(error, context)
            }
            // Re-planning happens here, once, for every seat: the others find the index planned.
            let inForce = try await context.deskInForce(on: desk.store).desk
            let replanned: Int
            do { replanned = try await context.sweep(inForce, firedBy: "policy@\(context.login)").replanIfPolicyChanged() } catch {
                throw CLIFailure(error, context)
            }
            let number = document.current?.label ?? "?"
            if context.json {
                Output.json(.object((DocumentOutput.json(document, context).objectPairs ?? []) + [("replanned", .int(replanned))]))
            } else {
                print(context.language.pick(en: "SLA policy \(number) approved: in force from \(context.show(document.current?.approvedAt)); \(replanned) open tickets planned afresh",
                                            zh: "SLA 策略 \(number) 已批准，自 \(context.show(document.current?.approvedAt)) 起生效；已重新规划 \(replanned) 个未结事件"))
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send the submitted policy back with a comment (owners).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Why.") var comment: String

        func run() async throws {
            let context = try Context(global)
            let documents = context.documents(try await context.desk())
            let document: ControlledDocument
            do { document = try await documents.reject(PolicyCommand.name, comment: comment, as: context.login) } catch { throw CLIFailure(error, context) }
            DocumentOutput.done(document, context, en: "SLA policy sent back to draft; \(document.current?.label ?? "—") stays in force",
                                zh: "SLA 策略已驳回；继续执行 \(document.current?.label ?? "—")")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The policy in force (or --version V, or draft) with its record.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "V1.0, V1.1 … or draft.") var version: String?

        func run() async throws {
            let context = try Context(global)
            if version == nil, !context.json {
                let timeline = try await context.policyTimeline(try context.openStore())
                print(context.language.pick(en: "In force at \(context.show(context.clock.now())): \(Context.versionName(timeline.entry(at: context.clock.now())))",
                                            zh: "\(context.show(context.clock.now())) 现行：\(Context.versionName(timeline.entry(at: context.clock.now())))"))
            }
            try await DocumentOutput.show(PolicyCommand.name, version: version, context)
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every proposal, decision and acknowledgement of the policy.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await DocumentOutput.history(PolicyCommand.name, try Context(global))
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The lines that differ between two policy versions.")
        @OptionGroup var global: GlobalOptions
        @Argument var from: String
        @Argument var to: String

        func run() async throws {
            try await DocumentOutput.diff(PolicyCommand.name, from: from, to: to, try Context(global))
        }
    }

    struct WhatIf: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "whatif",
            abstract: "Replay the incidents of the last weeks under the submitted policy (or --version V) beside the one in force: steps, mails, calls, breaches.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The version to try: V1.2, draft (default: the one submitted, else the draft).") var version: String?
        @Option(help: "How many weeks back (1 to 52).") var weeks = 4

        func validate() throws {
            guard (1...52).contains(weeks) else { throw ValidationError("--weeks takes 1 to 52") }
        }

        func run() async throws {
            let context = try Context(global)
            let (desk, timeline) = try await context.deskInForce()
            let documents = context.documents(desk)
            let record: ControlledDocument
            do { record = try await documents.requireDocument(PolicyCommand.name) } catch { throw CLIFailure(error, context) }
            let l = context.language
            guard let tried = try version.map({ text throws(CLIFailure) in try DocumentOutput.pick(record, text, context) }) ?? record.working else {
                throw CLIFailure(l.pick(en: "no policy is submitted or drafted; name one with --version V",
                                        zh: "没有待审批或草稿中的策略；请用 --version V 指定版本"))
            }
            let proposed: SLAPolicy
            switch context.policyParser(tried.text, "\(PolicyCommand.name) \(tried.label)") {
            case let .success(policy): proposed = policy
            case let .failure(problem): throw CLIFailure(problem.lines)
            }
            let now = context.clock.now()
            let window = DateInterval(start: now.addingTimeInterval(-Double(weeks) * 7 * 86_400), end: now)
            let histories: [TicketHistory]
            do { histories = try await desk.store.histories(opened: window) } catch { throw CLIFailure(error, context) }
            let currentName = Context.versionName(timeline.entry(at: now))
            let roster = desk.roster(or: context.config.recipients)
            let current = PolicyWhatIf.replay(histories, policy: desk.policy, window: window, directory: roster)
            let trial = PolicyWhatIf.replay(histories, policy: proposed, window: window, directory: proposed.roster ?? roster)
            func json(_ name: String, _ outcome: PolicyWhatIf.Outcome) -> JSONValue {
                .object([("version", .string(name)), ("incidents", .int(outcome.incidents)), ("steps", .int(outcome.steps)),
                         ("steps_by_priority", .object(Priority.allCases.map { ($0.rawValue, .int(outcome.stepsByPriority[$0] ?? 0)) })),
                         ("mails", .int(outcome.mails)), ("calls", .int(outcome.calls)), ("breaches", .int(outcome.breaches))])
            }
            if context.json {
                Output.json(.object([("from", .instant(window.start)), ("to", .instant(window.end)),
                                     ("current", json(currentName, current)), ("proposed", json(tried.label, trial))]))
                return
            }
            print(l.pick(en: "Incidents opened \(context.show(window.start)) – \(context.show(window.end)), replayed under each policy",
                         zh: "\(context.show(window.start)) – \(context.show(window.end)) 开单的事件，按两个策略重放"))
            var table = TextTable(headers: ["", l.pick(en: "IN FORCE \(currentName)", zh: "现行 \(currentName)"),
                                            l.pick(en: "PROPOSED \(tried.label)", zh: "拟议 \(tried.label)")])
            var rows: [[String]] = [[l.pick(en: "incidents", zh: "事件数"), String(current.incidents), String(trial.incidents)],
                                    [l.pick(en: "escalation steps", zh: "升级次数"), String(current.steps), String(trial.steps)]]
            for priority in Priority.allCases {
                rows.append(["  " + priority.label(l), String(current.stepsByPriority[priority] ?? 0), String(trial.stepsByPriority[priority] ?? 0)])
            }
            rows += [[l.pick(en: "e-mails", zh: "邮件"), String(current.mails), String(trial.mails)],
                     [l.pick(en: "phone calls", zh: "电话"), String(current.calls), String(trial.calls)],
                     [l.pick(en: "breached incidents", zh: "超时事件"), String(current.breaches), String(trial.breaches)]]
            table.rows = rows
            print(table.render())
        }
    }
}
