import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// `policy …`: the SLA policy and notification roster as a controlled record. A file only
/// proposes; an owner's approval puts it in force for every seat, escalator and report.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "The SLA policy in force, and changing it: propose, approve, reject.",
        subcommands: [Propose.self, Approve.self, Reject.self, Show.self, History.self, Diff.self])

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
}
