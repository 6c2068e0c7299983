import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

struct ProblemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "problem", abstract: "Problem tickets (问题单) raised from incidents.",
        subcommands: [New.self, List.self, Link.self])

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Raise a problem (L2, incident manager), linking incidents.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "What the problem is.") var title: String
        @Option(name: .customLong("incident"), help: "An incident to link (repeat for several).") var incidents: [TicketIDArgument] = []

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let problem: Problem
            do {
                problem = try await desk.raiseProblem(title: title, linking: incidents.map(\.value), as: context.login)
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
        static let configuration = CommandConfiguration(abstract: "List problems.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let problems: [Problem]
            do { problems = try await store.problems() } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.array(problems.map(\.json)))
                return
            }
            let l = context.language
            var table = TextTable(headers: ["ID", l.pick(en: "STATE", zh: "状态"), l.pick(en: "RAISED BY", zh: "提交人"),
                                            l.pick(en: "RAISED", zh: "提交时间"), l.pick(en: "TITLE", zh: "标题")])
            table.rows = problems.map { [$0.id.description, $0.state.rawValue, $0.raisedBy, context.show($0.raisedAt), $0.title] }
            print(table.render())
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Link an incident to a problem.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "PRB-000045.") var problem: String
        @Argument(help: "INC-000123.") var incident: TicketIDArgument

        func run() async throws {
            let context = try Context(global)
            guard let problemID = ProblemID(parsing: problem) else {
                throw CLIFailure(context.language.pick(en: "\"\(problem)\" is not a problem ID such as PRB-000045",
                                                       zh: "\"\(problem)\" 不是问题单编号（例如 PRB-000045）"))
            }
            let desk = try await context.desk()
            do {
                guard try await desk.store.problem(problemID) != nil else { throw CLIFailure(StoreError.problemNotFound(problemID), context) }
            } catch let error as StoreError {
                throw CLIFailure(error, context)
            }
            try await ActionRunner.run(.linkProblem(problemID), on: incident, global)
        }
    }
}
