import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

struct TicketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticket", abstract: "Log, list, show and work incidents.",
        subcommands: [New.self, List.self, Show.self, Take.self, Accept.self, Escalate.self, Pend.self, Resume.self,
                      Resolve.self, Close.self, Reopen.self, Note.self, PriorityChange.self])

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Log a new incident.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "What is wrong, in a line.") var title: String
        @Option(help: "Details.") var description = ""
        @Option(help: "Who called.") var caller = ""
        @Option(help: "Their phone.") var phone: String?
        @Option(help: "Their department.") var department: String?
        @Option(help: "Their e-mail address: customer updates are mailed there.") var callerEmail: String?
        @Option(help: "major, general or minor.") var priority: Priority = .general
        @Option(help: "phone, email, walk-in or monitoring.") var channel: Channel = .phone
        @Option(help: "Category (e.g. Network).") var category: String?
        @Option(help: "Affected service (e.g. VPN).") var service: String?
        @Flag(help: "Back-filled after the weekly review (补录).") var backfilled = false
        @Option(help: "When it really began (ISO 8601), for back-filled incidents.") var opened: String?

        func validate() throws {
            if let opened, ISO8601.parse(opened, defaultZone: Context.systemTimeZone()) == nil {
                throw ValidationError("--opened takes an ISO 8601 instant such as 2026-11-29T10:00:00+08:00, not \"\(opened)\"")
            }
        }

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let draft = TicketDraft(
                title: title, description: description,
                caller: Caller(name: caller, phone: phone?.nilIfBlank, department: department?.nilIfBlank, email: callerEmail?.nilIfBlank),
                channel: channel, priority: priority, category: category, affectedService: service,
                backfilled: backfilled, openedAt: opened.flatMap { ISO8601.parse($0, defaultZone: context.timeZone) })
            let ticket: Ticket
            do { ticket = try await desk.open(draft, as: context.login) } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.object(ticket.json))
            } else {
                print(context.language.pick(en: "Logged \(ticket.id): \(TerminalText.sanitize(ticket.title))",
                                            zh: "已登记 \(ticket.id)：\(TerminalText.sanitize(ticket.title))"))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List incidents (open ones unless --state or --all).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "desk, l1, l2, vendor or im (major and SLA-breaching incidents).") var queue: QueueName?
        @Option(help: "new, in_progress, pending_customer, pending_vendor, resolved or closed.") var state: TicketState?
        @Flag(help: "Include resolved and closed incidents.") var all = false

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            var query = TicketQuery(openOnly: state == nil && !all)
            if let state { query.states = [state] }
            switch queue {
            case .desk: query.tiers = [.desk]
            case .l1: query.tiers = [.l1]
            case .l2: query.tiers = [.l2]
            case .vendor: query.tiers = [.vendor]
            case .im: break
            case nil: break
            }
            var tickets: [Ticket]
            do { tickets = try await store.tickets(query) } catch { throw CLIFailure(error, context) }
            if queue == .im {
                // The incident manager watches major incidents and every incident past its SLA.
                let desk = try await context.desk()
                var watched: [Ticket] = []
                for ticket in tickets {
                    if ticket.priority == .major {
                        watched.append(ticket)
                        continue
                    }
                    do {
                        if try await desk.sla(of: ticket).breached { watched.append(ticket) }
                    } catch {
                        throw CLIFailure(error, context)
                    }
                }
                tickets = watched
            }
            if context.json {
                Output.json(.array(tickets.map { .object($0.json) }))
                return
            }
            let l = context.language
            var table = TextTable(headers: [
                "ID", l.pick(en: "PRIORITY", zh: "优先级"), l.pick(en: "STATE", zh: "状态"), l.pick(en: "TIER", zh: "队列"),
                l.pick(en: "ASSIGNEE", zh: "处理人"), l.pick(en: "OPENED", zh: "开单时间"), l.pick(en: "CALLER", zh: "报障人"),
                l.pick(en: "TITLE", zh: "标题"),
            ])
            table.maxWidths = [6: 16, 7: 48]
            table.rows = tickets.map { t in
                [t.id.description, t.priority.label(l), t.state.label(l), t.tier.label(l), t.assignee ?? "—",
                 DisplayTime.format(t.openedAt, in: context.timeZone).dropLast(3).description, t.caller.name, t.title]
            }
            print(table.render())
            print(l.pick(en: "\(tickets.count) incidents", zh: "共 \(tickets.count) 个事件"))
        }
    }

    enum QueueName: String, ExpressibleByArgument, CaseIterable {
        case desk, l1, l2, vendor, im
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one incident with its whole history.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "INC-000123 or 123.") var id: TicketIDArgument

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let ticket: Ticket?
            let events: [TicketEvent]
            do {
                ticket = try await store.ticket(id.value)
                events = try await store.events(of: id.value)
            } catch {
                throw CLIFailure(error, context)
            }
            guard let ticket else { throw CLIFailure(StoreError.ticketNotFound(id.value), context) }
            let sla: TicketSLA
            do { sla = try await context.desk().sla(of: ticket) } catch let error as DeskError { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.object(ticket.json + [("sla", sla.json), ("events", .array(events.map(\.json)))]))
            } else {
                print(TicketReport(ticket: ticket, events: events, sla: sla, context: context).text)
            }
        }
    }

    struct Take: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take (accept) an incident from your queue.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        func run() async throws { try await ActionRunner.run(.take, on: id, global) }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Same as take.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        func run() async throws { try await ActionRunner.run(.take, on: id, global) }
    }

    struct Escalate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Escalate to the next line: desk → l1 → l2 / vendor.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        @Option(help: "l1, l2 or vendor.") var to: Tier
        @Option(help: "What the next line needs to know.") var note: String?
        func run() async throws { try await ActionRunner.run(.escalate(to: to, note: note), on: id, global) }
    }

    struct Pend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Wait on the customer (clocks pause), a vendor or a problem (clocks run).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        @Option(help: "customer, vendor or problem.") var reason: PendingReason
        @Option(help: "The problem it waits on (with --reason problem; default: its linked problem).") var problem: ProblemIDArgument?

        func validate() throws {
            if problem != nil, reason != .problem { throw ValidationError("--problem goes with --reason problem") }
        }

        func run() async throws {
            guard let problem else { return try await ActionRunner.run(.pend(reason), on: id, global) }
            let context = try Context(global)
            let desk = try await context.desk()
            let outcome: Workflow.Outcome
            do { outcome = try await desk.waitOnProblem(id.value, problem: problem.value, as: context.login) } catch {
                throw CLIFailure(error, context)
            }
            ActionRunner.report(outcome, context)
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop waiting and work it again.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        func run() async throws { try await ActionRunner.run(.resume, on: id, global) }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark resolved (已解决), with what fixed it.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        @Option(help: "What fixed it.") var note: String?
        @Flag(help: "A workaround: the service is back, the root cause is not fixed (the weekly review lists it).") var workaround = false
        @Flag(help: "You (first or second line) also told the desk by phone or in person; recorded on the event.") var toldDesk = false
        @Option(name: .customLong("known-error"), help: "Resolve with this problem's known error (its workaround is the resolution).")
        var knownError: ProblemIDArgument?

        func validate() throws {
            if knownError != nil, note != nil || workaround { throw ValidationError("--known-error takes the known error's workaround: no --note or --workaround") }
            if knownError != nil, toldDesk { throw ValidationError("--told-desk is not recorded with --known-error: resolve with --note to record it") }
            if knownError == nil, note == nil { throw ValidationError("give --note (what fixed it) or --known-error PRB-…") }
        }

        func run() async throws {
            if let knownError {
                let context = try Context(global)
                let desk = try await context.desk()
                let outcome: Workflow.Outcome
                do { outcome = try await desk.resolveWithKnownError(id.value, problem: knownError.value, as: context.login) } catch {
                    throw CLIFailure(error, context)
                }
                ActionRunner.report(outcome, context)
                return
            }
            let text = note ?? ""
            try await ActionRunner.run(workaround ? .resolveWithWorkaround(note: text, toldDesk: toldDesk) : .resolve(note: text, toldDesk: toldDesk),
                                       on: id, global)
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a resolved incident with the satisfaction survey (desk only).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        @Option(help: "Satisfaction 1 (very dissatisfied) to 5 (very satisfied).") var csat: Int?
        @Option(help: "The customer's comment.") var comment: String?
        @Flag(help: "The customer could not be reached for the survey.") var unreachable = false

        func validate() throws {
            if csat != nil, unreachable { throw ValidationError("give either --csat or --unreachable, not both") }
            if comment != nil, unreachable { throw ValidationError("--comment goes with --csat") }
        }

        func run() async throws {
            // No survey at all is the workflow's to refuse, naming its rule.
            let survey: Satisfaction? = csat.map { .rated(score: $0, comment: comment) } ?? (unreachable ? .unreachable : nil)
            try await ActionRunner.run(.close(survey), on: id, global)
        }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a resolved or closed incident.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        @Option(help: "Why it is not fixed.") var note: String
        func run() async throws { try await ActionRunner.run(.reopen(note: note), on: id, global) }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a work note or customer update.")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        @Argument(help: "The note.") var text: String
        @Flag(help: "A customer update: mailed to the caller's address when one is on record, otherwise recorded as told by phone.")
        var customer = false
        func run() async throws { try await ActionRunner.run(.note(text, customerUpdate: customer), on: id, global) }
    }

    struct PriorityChange: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "priority", abstract: "Change the priority (incident manager; the desk may raise it).")
        @OptionGroup var global: GlobalOptions
        @Argument var id: TicketIDArgument
        @Argument(help: "major, general or minor.") var priority: Priority
        func run() async throws { try await ActionRunner.run(.changePriority(priority), on: id, global) }
    }
}

/// An incident ID on the command line: `INC-000123`, `inc-123` or `123`.
struct TicketIDArgument: ExpressibleByArgument {
    let value: TicketID
    init?(argument: String) {
        guard let id = TicketID(parsing: argument) else { return nil }
        value = id
    }
    static var defaultValueDescription: String { "INC-000123" }
}

/// Runs one workflow action from the command line and reports what changed.
enum ActionRunner {
    static func run(_ action: TicketAction, on id: TicketIDArgument, _ global: GlobalOptions) async throws {
        let context = try Context(global)
        let desk = try await context.desk()
        let outcome: Workflow.Outcome
        do { outcome = try await desk.perform(action, on: id.value, as: context.login) } catch { throw CLIFailure(error, context) }
        report(outcome, context)
    }

    static func report(_ outcome: Workflow.Outcome, _ context: Context) {
        if context.json {
            Output.json(.object(outcome.ticket.json + [("event", outcome.event.json)]))
            return
        }
        let l = context.language
        let t = outcome.ticket
        let holder = t.assignee.map { l.pick(en: ", held by \($0)", zh: "，处理人 \($0)") } ?? ""
        print("\(t.id) \(outcome.event.kind.label(l)): \(t.state.label(l)), \(t.tier.label(l))\(holder)")
    }
}

extension String {
    var nilIfBlank: String? {
        let trimmed = trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
