import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

struct HandoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handover", abstract: "Shift handover (交接班) between day shift and night duty.",
        subcommands: [Prepare.self, Show.self, Ack.self, List.self])

    struct Prepare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The handover proposal for your shift; --submit records it.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "A general note for the next shift.") var note = ""
        @Option(name: .customLong("item"), help: "A status note for one incident: INC-000123=text (repeatable).") var itemNotes: [String] = []
        @Flag(help: "Record the handover.") var submit = false

        func run() async throws {
            let context = try Context(global)
            let handovers = HandoverDesk(desk: try await context.desk(), schedule: context.schedule)
            var notes: [TicketID: String] = [:]
            for entry in itemNotes {
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let id = TicketID(parsing: parts[0]), !parts[1].trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw CLIFailure(context.language.pick(en: "--item takes INC-000123=note, not \"\(entry)\"",
                                                           zh: "--item 的格式为 INC-000123=备注，收到 \"\(entry)\""), status: 2)
                }
                notes[id] = parts[1]
            }
            var draft: HandoverDraft
            do { draft = try await handovers.draft(for: context.login, language: context.language) } catch { throw CLIFailure(error, context) }
            draft.note = note
            for (id, text) in notes {
                guard draft.index(of: id) != nil else {
                    throw CLIFailure(context.language.pick(en: "\(id) is not on the proposed handover", zh: "\(id) 不在建议的交接单上"))
                }
                draft.setNote(text, for: id)
            }
            if submit {
                let stored: Handover
                do { stored = try await handovers.submit(draft, as: context.login) } catch { throw CLIFailure(error, context) }
                if context.json { Output.json(stored.json) } else { print(HandoverText(context: context).render(stored)) }
                return
            }
            if context.json {
                Output.json(.object([
                    ("from", stored(draft.from)), ("to", stored(draft.to)),
                    ("items", .array(draft.items.map { item in
                        .object([("ticket", .string(item.ticket.id.description)),
                                 ("reasons", .array(item.reasons.map { .string($0.rawValue) })),
                                 ("deadline", .instant(item.deadline)),
                                 ("note", .string(item.note))])
                    })),
                ]))
                return
            }
            let l = context.language
            print(l.pick(en: "Handover from \(draft.from.shift.label(l)) (\(context.show(draft.from.start)) – \(context.show(draft.from.end))) to \(draft.to.shift.label(l))",
                         zh: "\(draft.from.shift.label(l))（\(context.show(draft.from.start)) – \(context.show(draft.from.end))）交接给\(draft.to.shift.label(l))"))
            var table = TextTable(headers: ["ID", l.pick(en: "PRIORITY", zh: "优先级"), l.pick(en: "WHY", zh: "原因"),
                                            l.pick(en: "DUE", zh: "期限"), l.pick(en: "NOTE", zh: "交接说明"), l.pick(en: "TITLE", zh: "标题")])
            table.rows = draft.items.map { item in
                [item.ticket.id.description, item.ticket.priority.label(l),
                 item.reasons.map { $0.label(l) }.joined(separator: ", "),
                 item.deadline.map { context.show($0) } ?? "—", item.note, item.ticket.title]
            }
            table.maxWidths = [4: 40, 5: 40]
            print(table.render())
            print(l.pick(en: "\(draft.items.count) incidents; add --submit to record the handover",
                         zh: "共 \(draft.items.count) 个事件；加 --submit 提交交接"))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One handover with its acknowledgements.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The handover's number.") var id: Int64?
        @Flag(help: "The newest handover.") var latest = false

        func validate() throws {
            if (id == nil) == !latest { throw ValidationError("give a handover number or --latest") }
        }

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let found: Handover?
            do {
                if let id { found = try await store.handover(id) } else { found = try await store.handovers(from: nil, to: nil, limit: 1).first }
            } catch {
                throw CLIFailure(error, context)
            }
            guard let found else {
                throw CLIFailure(id.map { StoreError.handoverNotFound($0) }.map { $0.message(context.language) }
                                 ?? context.language.pick(en: "no handover recorded yet", zh: "尚无交接记录"))
            }
            if context.json { Output.json(found.json) } else { print(HandoverText(context: context).render(found)) }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge handed-over incidents (incoming shift).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The handover's number.") var id: Int64
        @Flag(help: "Acknowledge every item.") var all = false
        @Option(name: .customLong("item"), parsing: .upToNextOption, help: "Incidents to acknowledge.") var items: [TicketIDArgument] = []
        @Option(help: "A note with the acknowledgement.") var note: String?
        @Flag(help: "Also take the incidents.") var take = false

        func validate() throws {
            if all == !items.isEmpty { throw ValidationError("give --all or --item INC-… (not both)") }
        }

        func run() async throws {
            let context = try Context(global)
            let handovers = HandoverDesk(desk: try await context.desk(), schedule: context.schedule)
            do {
                let (stored, refused) = try await handovers.acknowledge(id, tickets: all ? nil : items.map(\.value), note: note,
                                                                        take: take, as: context.login)
                for refusal in refused { Output.error(refusal.message(context.language, timeZone: context.timeZone)) }
                if context.json { Output.json(stored.json) } else { print(HandoverText(context: context).render(stored)) }
            } catch {
                throw CLIFailure(error, context)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Past handovers with compliance: prepared and acknowledged in their windows.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "From this date (YYYY-MM-DD, desk zone).") var from: String?
        @Option(help: "Up to this date, inclusive.") var to: String?

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            func day(_ text: String?, plus days: Int) throws(CLIFailure) -> Date? {
                guard let text else { return nil }
                guard let start = ISO8601.parse(text + "T00:00", defaultZone: context.timeZone) else {
                    throw CLIFailure("not a date like 2026-11-29: \"\(text)\"", status: 2)
                }
                return start.addingTimeInterval(Double(days) * 86_400)
            }
            let list: [Handover]
            do { list = try await store.handovers(from: try day(from, plus: 0), to: try day(to, plus: 1), limit: 10_000) } catch let error as StoreError {
                throw CLIFailure(error, context)
            }
            if context.json {
                Output.json(.array(list.map(\.json)))
                return
            }
            let l = context.language
            let yes = l.pick(en: "yes", zh: "是"), no = l.pick(en: "NO", zh: "否")
            var table = TextTable(headers: ["#", l.pick(en: "SHIFT", zh: "班次"), l.pick(en: "BY", zh: "交班人"), l.pick(en: "PREPARED", zh: "提交时间"),
                                            l.pick(en: "IN WINDOW", zh: "按时提交"), l.pick(en: "ITEMS", zh: "事件数"),
                                            l.pick(en: "ACKED IN WINDOW", zh: "按时确认"), l.pick(en: "PENDING", zh: "未确认")])
            table.rows = list.map { h in
                [String(h.id), "\(h.from.shift.label(l)) \(context.show(h.from.start).prefix(10))", h.preparedBy, context.show(h.preparedAt),
                 h.preparedInWindow ? yes : no, String(h.items.count), h.acknowledgedInWindow ? yes : no, String(h.unacknowledged.count)]
            }
            print(table.render())
            let compliant = list.filter(\.compliant).count
            print(l.pick(en: "\(compliant) of \(list.count) handovers as the rules say", zh: "\(list.count) 次交接中 \(compliant) 次符合规定"))
        }
    }
}

private func stored(_ occurrence: ShiftSchedule.Occurrence) -> JSONValue {
    .object([("shift", .string(occurrence.shift.rawValue)), ("start", .instant(occurrence.start)), ("end", .instant(occurrence.end))])
}

extension Handover {
    var json: JSONValue {
        .object([
            ("id", .int(id)), ("from", stored(from)), ("to", stored(to)), ("prepared_by", .string(preparedBy)),
            ("prepared_at", .instant(preparedAt)), ("note", .string(note)),
            ("prepared_in_window", .bool(preparedInWindow)), ("acknowledged_in_window", .bool(acknowledgedInWindow)),
            ("items", .array(items.map { item in
                .object([("ticket", .string(item.ticket.description)), ("note", .string(item.note)),
                         ("acknowledged_by", .string(item.acknowledgedBy)), ("acknowledged_at", .instant(item.acknowledgedAt)),
                         ("acknowledgement_note", .string(item.acknowledgementNote))])
            })),
        ])
    }
}

struct HandoverText {
    let context: Context

    func render(_ h: Handover) -> String {
        let l = context.language
        var lines = [l.pick(en: "Handover #\(h.id): \(h.from.shift.label(l)) → \(h.to.shift.label(l)), by \(h.preparedBy) at \(context.show(h.preparedAt))",
                            zh: "交接 #\(h.id)：\(h.from.shift.label(l)) → \(h.to.shift.label(l))，\(h.preparedBy) 于 \(context.show(h.preparedAt)) 提交")]
        lines.append(l.pick(en: "prepared in window: \(h.preparedInWindow ? "yes" : "NO"); acknowledged in window: \(h.acknowledgedInWindow ? "yes" : "NO")",
                            zh: "按时提交：\(h.preparedInWindow ? "是" : "否")；按时确认：\(h.acknowledgedInWindow ? "是" : "否")"))
        if !h.note.isEmpty { lines.append(TerminalText.sanitize(h.note)) }
        var table = TextTable(headers: ["ID", l.pick(en: "NOTE", zh: "交接说明"), l.pick(en: "ACKNOWLEDGED", zh: "确认")])
        table.rows = h.items.map { item in
            [item.ticket.description, item.note,
             item.acknowledgedAt.map { "\(item.acknowledgedBy ?? "") \(context.show($0))" + (item.acknowledgementNote.map { " “\($0)”" } ?? "") }
                ?? l.pick(en: "pending", zh: "待确认")]
        }
        table.maxWidths = [1: 60]
        lines.append(table.render())
        return lines.joined(separator: "\n")
    }
}
