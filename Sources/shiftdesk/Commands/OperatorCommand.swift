import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

extension Role: ExpressibleByArgument {}
extension ShiftName: ExpressibleByArgument {}
extension Priority: ExpressibleByArgument {}
extension Channel: ExpressibleByArgument {}
extension Tier: ExpressibleByArgument {}
extension TicketState: ExpressibleByArgument {}
extension PendingReason: ExpressibleByArgument {}

struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator", abstract: "The people on the duty table.",
        subcommands: [Add.self, Edit.self, List.self, Disable.self, Enable.self, KeyCommand.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an operator.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Login, as --as and the OS know it.") var login: String
        @Option(help: "Full name, as shown in the console.") var name: String
        @Option(help: "desk, l1, l2, im, supervisor, problem_manager, owner or auditor.") var role: Role
        @Option(help: "day or night.") var shift: ShiftName?
        @Option(help: "Their e-mail address (a desk agent is mailed the results of the incidents they own).") var email: String?

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let person = Operator(login: login, name: name.trimmingCharacters(in: .whitespaces), role: role, shift: shift,
                                  email: email)
            do { try await desk.addOperator(person) } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(person.json)
            } else {
                print(context.language.pick(en: "Added \(person.name) (\(login)), \(role.label(.en)).",
                                            zh: "已添加 \(person.name)（\(login)），\(role.label(.zh))。"))
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an operator's e-mail address.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Login of the operator.") var login: String
        @Option(help: "Their e-mail address.") var email: String?
        @Flag(help: "Remove their e-mail address.") var noEmail = false

        func validate() throws {
            guard (email != nil) != noEmail else { throw ValidationError("give either --email ADDR or --no-email") }
        }

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let person: Operator
            do { person = try await desk.setOperatorEmail(login, to: noEmail ? nil : email) } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(person.json)
            } else if let address = person.email {
                print(context.language.pick(en: "\(person.name) (\(login)): e-mail \(address).",
                                            zh: "\(person.name)（\(login)）：电子邮箱 \(address)。"))
            } else {
                print(context.language.pick(en: "\(person.name) (\(login)): no e-mail address.",
                                            zh: "\(person.name)（\(login)）：无电子邮箱。"))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operators.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let people: [Operator]
            do { people = try await store.operators() } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.array(people.map(\.json)))
                return
            }
            let l = context.language
            var table = TextTable(headers: [l.pick(en: "LOGIN", zh: "登录名"), l.pick(en: "NAME", zh: "姓名"),
                                            l.pick(en: "ROLE", zh: "角色"), l.pick(en: "SHIFT", zh: "班次"), l.pick(en: "E-MAIL", zh: "电子邮箱"),
                                            l.pick(en: "STATUS", zh: "状态")])
            table.rows = people.map {
                [$0.login, $0.name, $0.role.label(l), $0.shift?.label(l) ?? "—", $0.email ?? "—", $0.disabled ? l.pick(en: "disabled", zh: "已停用") : l.pick(en: "active", zh: "在岗")]
            }
            print(table.render())
        }
    }
}
