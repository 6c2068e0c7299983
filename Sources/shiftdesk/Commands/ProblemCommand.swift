import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

extension ProblemState: ExpressibleByArgument {}
extension ProblemResolution: ExpressibleByArgument {}

/// A problem ID on the command line: `PRB-000045`, `prb-45` or `45`.
struct ProblemIDArgument: ExpressibleByArgument {
    let value: ProblemID
    init?(argument: String) {
        guard let id = ProblemID(parsing: argument) else { return nil }
        value = id
    }
    static var defaultValueDescription: String { "PRB-000045" }
}

struct ProblemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "problem", abstract: "Problem tickets (问题单): raised from incidents, followed to resolution by the problem manager.",
        subcommands: [New.self, List.self, Show.self, Link.self, Unlink.self, Assess.self, Analyse.self, Fix.self, Resolve.self,
                      Close.self, Reanalyse.self, KnownErrorPublish.self, Communicate.self, Note.self])

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Raise a problem (L2, incident manager, problem manager), linking incidents; mails the problem managers.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "What the problem is.") var title: String
        @Option(help: "Why it is raised (the mail to the problem managers says it).") var reason: String?
        @Option(name: .customLong("incident"), help: "An incident to link (repeat for several).") var incidents: [TicketIDArgument] = []

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let problem: Problem
            do {
                problem = try await desk.raiseProblem(title: title, reason: reason, linking: incidents.map(\.value), as: context.login,
                                                      recipients: context.config.recipients, timeZone: context.timeZone)
            } catch {
                throw CLIFailure(error, context)
            }
            if context.json {
                Output.json(problem.json)
            } else {
                print(context.language.pick(en: "Raised \(problem.id): \(TerminalText.sanitize(problem.title))",
                                            zh: "已提交 \(problem.id)：\(TerminalText.sanitize(problem.title))"))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List problems, what needs the problem manager first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "new, assessed, analysis, fix_in_progress, resolved or closed.") var state: ProblemState?
        @Option(help: "Only the problems this operator owns.") var owner: String?

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let rows: [ProblemQueueRow]
            do { rows = try await desk.problemQueue(state: state, owner: owner) } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.array(rows.map { row in
                    .object(row.problem.jsonFields + [("incidents_open", .int(Int64(row.openIncidents))),
                                                ("incidents_all", .int(Int64(row.allIncidents)))])
                }))
                return
            }
            let l = context.language
            var table = TextTable(headers: ["ID", l.pick(en: "STATE", zh: "状态"), l.pick(en: "OWNER", zh: "负责人"),
                                            l.pick(en: "AGE", zh: "时长"), l.pick(en: "INCIDENTS", zh: "事件"),
                                            l.pick(en: "KNOWN ERROR", zh: "已知错误"), l.pick(en: "TITLE", zh: "标题")])
            let now = context.clock.now()
            table.rows = rows.map { row in
                let p = row.problem
                return [p.id.description, p.state.label(l), p.owner ?? "—", ProblemText.age(now.timeIntervalSince(p.raisedAt), l),
                        "\(row.openIncidents)/\(row.allIncidents)", p.knownError == nil ? "—" : l.pick(en: "yes", zh: "是"), p.title]
            }
            table.maxWidths = [6: 60]
            print(table.render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A problem: every field, its incidents and its history.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let record: ProblemRecord
            do { record = try await desk.problemRecord(id.value) } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.object(record.problem.jsonFields + [
                    ("incidents", .array(record.incidents.map { t in
                        .object([("id", .string(t.id.description)), ("state", .string(t.state.rawValue)), ("title", .string(t.title))])
                    })),
                    ("events", .array(record.events.map(\.json))),
                ]))
                return
            }
            print(ProblemText.render(record, context))
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Link an incident to a problem.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "PRB-000045.") var problem: ProblemIDArgument
        @Argument(help: "INC-000123.") var incident: TicketIDArgument
        func run() async throws { try await ProblemStepRunner.run(.link(incident.value), on: problem, global) }
    }

    struct Unlink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that an incident is not this problem's (problem manager, owner).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "PRB-000045.") var problem: ProblemIDArgument
        @Argument(help: "INC-000123.") var incident: TicketIDArgument
        func run() async throws { try await ProblemStepRunner.run(.unlink(incident.value), on: problem, global) }
    }

    struct Assess: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept a problem and name its owner (problem manager).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument
        @Option(help: "The operator who owns it.") var owner: String
        func run() async throws { try await ProblemStepRunner.run(.assess(owner: owner), on: id, global) }
    }

    struct Analyse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start root-cause analysis.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument
        func run() async throws { try await ProblemStepRunner.run(.analyse, on: id, global) }
    }

    struct Fix: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Note the root cause; the fix is in progress.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument
        @Option(help: "The root cause.") var cause: String
        func run() async throws { try await ProblemStepRunner.run(.startFix(cause: cause), on: id, global) }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve: fix-applied (--fix), risk-accepted or cancelled (--note), duplicate (--duplicate-of).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument
        @Option(help: "fix-applied, risk-accepted, duplicate or cancelled.") var code: ProblemResolution
        @Option(help: "What was fixed (fix-applied).") var fix: String?
        @Option(help: "The reason (risk-accepted, cancelled; optional for a duplicate).") var note: String?
        @Option(name: .customLong("duplicate-of"), help: "The open problem it duplicates; its incidents move there.") var duplicateOf: ProblemIDArgument?

        func validate() throws {
            if fix != nil, code != .fixApplied { throw ValidationError("--fix goes with --code fix-applied") }
            if duplicateOf != nil, code != .duplicate { throw ValidationError("--duplicate-of goes with --code duplicate") }
        }

        func run() async throws {
            let text = code == .fixApplied ? fix : note
            try await ProblemStepRunner.run(.resolve(code, text: text, duplicateOf: duplicateOf?.value), on: id, global)
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a resolved problem.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument
        func run() async throws { try await ProblemStepRunner.run(.close, on: id, global) }
    }

    struct Reanalyse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a resolved or closed problem back to root-cause analysis.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument
        @Option(help: "Why it is analysed again.") var note: String
        func run() async throws { try await ProblemStepRunner.run(.reanalyse(note: note), on: id, global) }
    }

    struct KnownErrorPublish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "known-error", abstract: "Publish (or edit) the problem's known error (已知错误).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument
        @Option(help: "What the caller sees.") var symptom: String
        @Option(help: "How the desk gets round it.") var workaround: String
        func run() async throws { try await ProblemStepRunner.run(.publishKnownError(symptom: symptom, workaround: workaround), on: id, global) }
    }

    struct Communicate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add the workaround as a work note to every open linked incident; lists who was told.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument
        func run() async throws { try await ProblemStepRunner.run(.communicate, on: id, global) }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note to a problem's history.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: ProblemIDArgument
        @Argument(help: "The note.") var text: String
        func run() async throws { try await ProblemStepRunner.run(.note(text), on: id, global) }
    }
}

/// `known-error search`: what the desk would be offered for a call.
struct KnownErrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "known-error", abstract: "Known errors (已知错误) and their workarounds.",
                                                    subcommands: [Search.self])

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The known errors matching a call's title, best first.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The call's title, as the caller says it.") var text: String
        @Option(help: "The call's affected service.") var service: String?
        @Option(help: "The call's category.") var category: String?

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let index: KnownErrorIndex
            do { index = try await desk.knownErrorIndex() } catch { throw CLIFailure(error, context) }
            let matches = index.matches(title: text, service: service, category: category, limit: 20)
            if context.json {
                Output.json(.array(matches.map { m in
                    .object([("problem", .string(m.problem.id.description)), ("title", .string(m.problem.title)),
                             ("state", .string(m.problem.state.rawValue)), ("symptom", .string(m.knownError.symptom)),
                             ("workaround", .string(m.knownError.workaround)), ("version", .int(Int64(m.knownError.version))),
                             ("overlap", .double(m.overlap)), ("same_scope", .bool(m.sameScope))])
                }))
                return
            }
            let l = context.language
            guard !matches.isEmpty else {
                print(l.pick(en: "No known error matches.", zh: "没有匹配的已知错误。"))
                return
            }
            for m in matches {
                print("\(m.problem.id)  \(TerminalText.sanitize(m.knownError.symptom))")
                print("  " + l.pick(en: "Workaround: ", zh: "临时解决办法：") + TerminalText.sanitize(m.knownError.workaround))
            }
        }
    }
}

/// Runs one step of a problem's life from the command line and reports what changed.
enum ProblemStepRunner {
    static func run(_ step: ProblemStep, on id: ProblemIDArgument, _ global: GlobalOptions) async throws {
        let context = try Context(global)
        let desk = try await context.desk()
        let result: ProblemStepResult
        do { result = try await desk.step(step, on: id.value, as: context.login) } catch { throw CLIFailure(error, context) }
        let p = result.outcome.problem
        if context.json {
            Output.json(.object(p.jsonFields + [("event", result.outcome.event.json),
                                          ("incidents_written", .array(result.incidents.map { .string($0.description) }))]))
            return
        }
        let l = context.language
        let owner = p.owner.map { l.pick(en: ", owner \($0)", zh: "，负责人 \($0)") } ?? ""
        print("\(p.id) \(result.outcome.event.kind.label(l)): \(p.state.label(l))\(owner)")
        if case .communicate = step {
            print(result.incidents.isEmpty
                ? l.pick(en: "No open incident is linked: nobody to tell.", zh: "没有未关闭的关联事件：无需通告。")
                : l.pick(en: "Told: ", zh: "已通告：") + result.incidents.map(\.description).joined(separator: ", "))
        } else if !result.incidents.isEmpty, case .resolve(.duplicate, _, let target?) = step {
            print(l.pick(en: "Moved to \(target): ", zh: "已转到 \(target)：") + result.incidents.map(\.description).joined(separator: ", "))
        }
    }
}

/// A problem as text for `problem show` and `problem list`.
enum ProblemText {
    static func age(_ seconds: TimeInterval, _ l: Language) -> String {
        let days = Int(seconds / 86_400), hours = Int(seconds.truncatingRemainder(dividingBy: 86_400) / 3600)
        return days > 0 ? l.pick(en: "\(days)d \(hours)h", zh: "\(days)天\(hours)时") : l.pick(en: "\(hours)h", zh: "\(hours)时")
    }

    static func render(_ record: ProblemRecord, _ context: Context) -> String {
        let l = context.language
        let p = record.problem
        var fields: [(String, String)] = [
            (l.pick(en: "Problem", zh: "问题单"), "\(p.id)  \(p.title)"),
            (l.pick(en: "State", zh: "状态"), p.state.label(l)),
            (l.pick(en: "Owner", zh: "负责人"), p.owner ?? "—"),
            (l.pick(en: "Raised", zh: "提交"), "\(context.show(p.raisedAt)) \(p.raisedBy)"),
        ]
        if let reason = p.reason { fields.append((l.pick(en: "Why", zh: "原因"), reason)) }
        if let cause = p.cause { fields.append((l.pick(en: "Root cause", zh: "根本原因"), cause)) }
        if let code = p.resolution {
            fields.append((l.pick(en: "Resolution", zh: "解决方式"), code.label(l) + (p.duplicateOf.map { " → \($0)" } ?? "")))
            if let note = p.resolutionNote { fields.append((l.pick(en: "Notes", zh: "说明"), note)) }
        }
        if let known = p.knownError {
            fields.append((l.pick(en: "Known error", zh: "已知错误"), "v\(known.version)  \(known.symptom)"))
            fields.append((l.pick(en: "Workaround", zh: "临时解决办法"), known.workaround))
        }
        var out = fields.map { "\($0.0): \(TerminalText.sanitize($0.1))" }
        out.append("")
        out.append(l.pick(en: "Incidents (\(record.openIncidents.count) open / \(record.incidents.count))",
                          zh: "关联事件（未关闭 \(record.openIncidents.count) / 共 \(record.incidents.count)）"))
        var incidents = TextTable(headers: ["ID", l.pick(en: "STATE", zh: "状态"), l.pick(en: "TITLE", zh: "标题")])
        incidents.rows = record.incidents.map { [$0.id.description, $0.state.label(l), $0.title] }
        out.append(incidents.render())
        out.append("")
        out.append(l.pick(en: "History", zh: "历史"))
        for event in record.events {
            var line = "\(context.show(event.at))  \(event.actor)  \(event.kind.label(l))"
            let changed = event.changes.filter { $0.field == "state" || $0.field == "owner" }
                .map { "\($0.field): \($0.before ?? "—") → \($0.after ?? "—")" }
            if !changed.isEmpty { line += "  " + changed.joined(separator: ", ") }
            if !event.incidents.isEmpty { line += "  " + event.incidents.map(\.description).joined(separator: ", ") }
            if let note = event.note { line += "  “\(note)”" }
            out.append(TerminalText.sanitize(line))
        }
        return out.joined(separator: "\n")
    }
}
