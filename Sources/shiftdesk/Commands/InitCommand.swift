import ArgumentParser
import Foundation
import ShiftDeskConfig
import ShiftDeskCore
import ShiftDeskStore

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the desk database (and fill it with a demo desk with --demo).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Fill it with a realistic demo desk: operators for every role and shift, tickets of every kind.")
    var demo = false
    @Option(help: "How many demo tickets.") var tickets = 60
    @Option(help: "Seed of the demo data (the same seed gives the same desk).") var seed: UInt64 = 2026
    @Flag(help: "A drill desk: the demo operators (the trainees' seats) and no tickets; only such a desk takes `shiftdesk drill`.")
    var drill = false

    func validate() throws {
        guard (0...2_000_000).contains(tickets) else { throw ValidationError("--tickets takes 0 to 2000000") }
        if drill, demo { throw ValidationError("--drill and --demo go to different desks: a drill desk holds no demo tickets") }
    }

    func run() async throws {
        let context = try Context(global)
        let path = try context.databaseLocation()
        let store = try await context.openPreparedStore(create: true).store
        // The built-in duty table is the desk's first policy: V1.0, approved by the system.
        let base = Desk(store: store, clock: context.clock, policy: context.builtInPolicy)
        do {
            try await context.documents(base).installPolicyIfMissing(context.withMachineRoster(PolicyFile.dutyTableText),
                                                                   reason: "shiftdesk init: the duty table")
        } catch {
            throw CLIFailure(error, context)
        }
        var added = (operators: 0, tickets: 0)
        if drill {
            added.operators = try await DemoLoader.markDrillDesk(store, context: context)
        }
        if demo {
            added = try await DemoLoader.load(into: try await context.deskInForce(on: store).desk,
                                              tickets: tickets, seed: seed, context: context)
        }
        if context.json {
            Output.json(.object([("database", .string(path)), ("operators", .int(added.operators)), ("tickets", .int(added.tickets))]))
        } else if drill {
            print(context.language.pick(
                en: "Drill desk ready at \(path): \(added.operators) operators for the trainees' seats.\nReplay a log: shiftdesk drill --from ../shared/data/LOG --format xes --db \(path)",
                zh: "演练服务台已就绪：\(path)，\(added.operators) 名学员坐席操作员。\n回放日志：shiftdesk drill --from ../shared/data/日志 --format xes --db \(path)"))
        } else if demo {
            print(context.language.pick(
                en: "Desk database ready at \(path): \(added.operators) operators, \(added.tickets) demo tickets.\nTry: shiftdesk ticket list --db \(path) --as \(DemoDesk.deskAgent)",
                zh: "服务台数据库已就绪：\(path)，\(added.operators) 名操作员，\(added.tickets) 张演示工单。\n试试：shiftdesk ticket list --db \(path) --as \(DemoDesk.deskAgent)"))
        } else {
            print(context.language.pick(
                en: "Desk database ready at \(path). Add operators with `shiftdesk operator add LOGIN --name NAME --role desk`.",
                zh: "服务台数据库已就绪：\(path)。用 `shiftdesk operator add 登录名 --name 姓名 --role desk` 添加操作员。"))
        }
    }
}

enum DemoLoader {
    /// Marks an empty desk as a drill desk and seats the demo operators (the trainees log in as
    /// the demo's desk agents); a desk that holds tickets is refused, so a real desk never
    /// becomes a drill desk.
    static func markDrillDesk(_ store: any Store, context: Context) async throws -> Int {
        do {
            if try await !store.tickets(TicketQuery(limit: 1)).isEmpty, try await store.setting(DrillTimeline.deskMarkKey) != "yes" {
                throw CLIFailure(context.language.pick(en: "this desk database already holds tickets; a drill desk is a new database",
                                                       zh: "该数据库已有工单；演练服务台必须是新数据库"))
            }
            var operators = 0
            for person in DemoDesk(now: context.clock.now(), tickets: 0, seed: 2026).operators where try await store.findOperator(login: person.login) == nil {
                try await store.addOperator(person)
                operators += 1
            }
            try await store.setSetting(DrillTimeline.deskMarkKey, to: "yes")
            return operators
        } catch let error as StoreError {
            throw CLIFailure(error, context)
        }
    }

    /// Loads the demo desk into an empty store. Refuses a store that already holds tickets, so a
    /// real desk never gets demo data mixed in.
    static func load(into desk: Desk, tickets: Int, seed: UInt64, context: Context) async throws -> (operators: Int, tickets: Int) {
        let store = desk.store
        let now = desk.clock.now()
        do {
            if try await !store.tickets(TicketQuery(limit: 1)).isEmpty {
                throw CLIFailure(context.language.pick(
                    en: "this desk database already holds tickets; demo data goes into a new database only",
                    zh: "该数据库已有工单；演示数据只能写入新数据库"))
            }
            // A demo desk runs on the duty table as its approved V1.0, as `init` installs it.
            try await context.documents(desk).installPolicyIfMissing(context.withMachineRoster(PolicyFile.dutyTableText), reason: "the demo desk: the duty table")
            let demo = DemoDesk(now: now, tickets: tickets, seed: seed)
            var operators = 0
            for person in demo.operators where try await store.findOperator(login: person.login) == nil {
                try await store.addOperator(person)
                operators += 1
            }
            var stored = 0
            let batch = 5_000
            var start = 0
            while start < demo.tickets.count {
                let slice = demo.tickets[start..<min(start + batch, demo.tickets.count)]
                stored += try await desk.insert(slice.map { TicketHistory(ticket: $0.ticket, events: $0.events) }).count
                start += batch
            }
            // As if an escalator had been running: the steps already due are on record.
            let sweep = context.sweep(desk, firedBy: "escalator@demo")
            try await sweep.replanIfPolicyChanged()
            _ = try await sweep.run()
            return (operators, stored)
        } catch let error as StoreError {
            throw CLIFailure(error, context)
        } catch let error as DeskError {
            throw CLIFailure(error, context)
        }
    }
}
