import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// `doc …`: controlled documents (受控文档): drafted by the incident manager, approved by an
/// owner, read and acknowledged by the roles they concern.
struct DocCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doc", abstract: "Controlled documents: write, submit, approve, read and acknowledge.",
        subcommands: [New.self, Edit.self, Submit.self, Approve.self, Reject.self, Show.self, List.self, History.self, Diff.self,
                      Ack.self, PendingAcks.self])

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Name a new document and write its first draft from a file.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document's name: lowercase letters, digits and -.") var name: String
        @Option(help: "Its title.") var title: String
        @Option(help: "The draft's text (Markdown or plain text, UTF-8); - for standard input.") var file: String
        @Option(help: "Roles that must acknowledge it, comma-separated (default: every role but the auditor).") var concerns: String?

        func run() async throws {
            let context = try Context(global)
            let roles = try DocumentOutput.roles(concerns, context)
            let text = try DocumentOutput.read(file, context)
            let documents = context.documents(try await context.desk())
            let document: ControlledDocument
            do { document = try await documents.create(name, title: title, concerns: roles, text: text, as: context.login) } catch {
                throw CLIFailure(error, context)
            }
            DocumentOutput.done(document, context, en: "\(name): draft written", zh: "\(name)：草稿已保存")
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the document's draft from a file (a new draft after the current version).")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        @Option(help: "The draft's text.") var file: String

        func run() async throws {
            let context = try Context(global)
            try DocumentOutput.refusePolicy(name, context)
            let text = try DocumentOutput.read(file, context)
            let documents = context.documents(try await context.desk())
            let document: ControlledDocument
            do { document = try await documents.edit(name, text: text, as: context.login) } catch { throw CLIFailure(error, context) }
            DocumentOutput.done(document, context, en: "\(name): draft written", zh: "\(name)：草稿已保存")
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit the draft to the owners for approval, with the reason for the change.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        @Option(help: "Why it changes.") var reason: String
        @Flag(help: "A major change: the next version is V(n+1).0.") var major = false

        func run() async throws {
            let context = try Context(global)
            try DocumentOutput.refusePolicy(name, context)
            let documents = context.documents(try await context.desk())
            let document: ControlledDocument
            do { document = try await documents.submit(name, reason: reason, major: major, as: context.login) } catch { throw CLIFailure(error, context) }
            let number = document.working?.label ?? "?"
            DocumentOutput.done(document, context, en: "\(name) \(number) submitted for approval", zh: "\(name) \(number) 已提交审批")
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve the submitted version (owners; not one's own submission): it is current from now.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        @Option(help: "A comment.") var comment: String?

        func run() async throws {
            let context = try Context(global)
            try DocumentOutput.refusePolicy(name, context)
            let documents = context.documents(try await context.desk())
            let document: ControlledDocument
            do { document = try await documents.approve(name, comment: comment, as: context.login) } catch { throw CLIFailure(error, context) }
            let number = document.current?.label ?? "?"
            DocumentOutput.done(document, context, en: "\(name) \(number) approved: current from now", zh: "\(name) \(number) 已批准，即时生效")
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send the submitted version back to draft with a comment (owners).")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        @Option(help: "Why.") var comment: String

        func run() async throws {
            let context = try Context(global)
            try DocumentOutput.refusePolicy(name, context)
            let documents = context.documents(try await context.desk())
            let document: ControlledDocument
            do { document = try await documents.reject(name, comment: comment, as: context.login) } catch { throw CLIFailure(error, context) }
            DocumentOutput.done(document, context, en: "\(name) sent back to draft", zh: "\(name) 已驳回，退回草稿")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A version's text and record (default: the current one).")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        @Option(help: "V1.0, V1.1 … or draft.") var version: String?

        func run() async throws {
            let context = try Context(global)
            try await DocumentOutput.show(name, version: version, context)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every controlled document with its current and working versions.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try Context(global)
            let documents = context.documents(try await context.desk())
            let all: [ControlledDocument]
            do { all = try await documents.documents() } catch { throw CLIFailure(error, context) }
            if context.json {
                Output.json(.array(all.map { DocumentOutput.json($0, context) }))
                return
            }
            let l = context.language
            var table = TextTable(headers: [l.pick(en: "NAME", zh: "名称"), l.pick(en: "TITLE", zh: "标题"), l.pick(en: "CURRENT", zh: "现行版本"),
                                            l.pick(en: "APPROVED", zh: "批准时间"), l.pick(en: "WORKING", zh: "修订中")])
            table.rows = all.map { document in
                [document.name, TerminalText.sanitize(document.title), document.current?.label ?? "—", context.show(document.current?.approvedAt),
                 document.working.map { "\($0.label) \($0.state.label(l))" } ?? "—"]
            }
            print(table.render())
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every event of a document: drafts, submissions, decisions, acknowledgements.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String

        func run() async throws {
            let context = try Context(global)
            try await DocumentOutput.history(name, context)
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The lines that differ between two versions (V1.0 V1.1, or a version and draft).")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String
        @Argument var from: String
        @Argument var to: String

        func run() async throws {
            let context = try Context(global)
            try await DocumentOutput.diff(name, from: from, to: to, context)
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge that you read the current version.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String

        func run() async throws {
            let context = try Context(global)
            let documents = context.documents(try await context.desk())
            let document: ControlledDocument
            do { document = try await documents.acknowledge(name, as: context.login) } catch { throw CLIFailure(error, context) }
            let number = document.current?.label ?? "?"
            DocumentOutput.done(document, context, en: "\(name) \(number) acknowledged", zh: "已确认阅读 \(name) \(number)")
        }
    }

    struct PendingAcks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pending-acks",
                                                        abstract: "Who has not yet acknowledged the current version.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String

        func run() async throws {
            let context = try Context(global)
            let documents = context.documents(try await context.desk())
            let pending: [Operator]
            let document: ControlledDocument
            do {
                document = try await documents.requireDocument(name)
                pending = try await documents.pendingAcknowledgements(document)
            } catch {
                throw CLIFailure(error, context)
            }
            let number = document.current?.label ?? "—"
            if context.json {
                Output.json(.object([("document", .string(name)), ("version", .string(number)),
                                     ("pending", .array(pending.map { .object([("login", .string($0.login)), ("name", .string($0.name)),
                                                                               ("role", .string($0.role.rawValue))]) }))]))
                return
            }
            let l = context.language
            if pending.isEmpty {
                print(l.pick(en: "\(name) \(number): everyone concerned has acknowledged it", zh: "\(name) \(number)：相关人员均已确认阅读"))
                return
            }
            print(l.pick(en: "\(name) \(number): not yet acknowledged by \(pending.count)", zh: "\(name) \(number)：尚有 \(pending.count) 人未确认阅读"))
            var table = TextTable(headers: [l.pick(en: "LOGIN", zh: "登录名"), l.pick(en: "NAME", zh: "姓名"), l.pick(en: "ROLE", zh: "角色")])
            table.rows = pending.map { [$0.login, TerminalText.sanitize($0.name), $0.role.label(l)] }
            print(table.render())
        }
    }
}

/// What `doc` and `policy` print, the same way for both.
enum DocumentOutput {
    static func roles(_ text: String?, _ context: Context) throws(CLIFailure) -> [Role] {
        guard let text else { return [] }
        var roles: [Role] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let role = Role(rawValue: name) else {
                throw CLIFailure(context.language.pick(en: "--concerns takes roles among \(Role.allCases.map(\.rawValue).joined(separator: "|")), not \"\(name)\"",
                                                       zh: "--concerns 取值为 \(Role.allCases.map(\.rawValue).joined(separator: "|"))，而不是“\(name)”"), status: 2)
            }
            roles.append(role)
        }
        return roles
    }

    /// A document's text from a file: UTF-8 text, or refused with its line and byte.
    /// `-` reads standard input; over SSH (`serve`) only that: a seat reads no file of the server.
    static func read(_ path: String, _ context: Context) throws(CLIFailure) -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else if context.seat != nil {
            throw CLIFailure(context.language.pick(en: "over SSH a document comes from standard input: --file - (or FILE -) < draft.md",
                                                   zh: "通过 SSH 时文档须从标准输入读取：--file -（或 FILE -）< draft.md"))
        } else {
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIFailure(context.language.pick(en: "cannot read \(path): \(error.localizedDescription)", zh: "无法读取 \(path)：\(error.localizedDescription)"))
        }
        }
        switch TextFileBytes.decode(data) {
        case let .success(text):
            if let nul = TextFileBytes.firstNUL(in: text) { throw CLIFailure("\(path):\(nul.line): \(nul.description)") }
            return text
        case let .failure(problem): throw CLIFailure("\(path):\(problem.line): \(problem.description)")
        }
    }

    static func refusePolicy(_ name: String, _ context: Context) throws(CLIFailure) {
        if name == DocumentRules.policyDocument {
            throw CLIFailure(DocumentRefusal(.policyThroughPolicy, document: name).message(context.language))
        }
    }

    static func done(_ document: ControlledDocument, _ context: Context, en: String, zh: String) {
        if context.json {
            Output.json(json(document, context))
        } else {
            print(context.language.pick(en: en, zh: zh))
        }
    }

    static func json(_ document: ControlledDocument, _ context: Context) -> JSONValue {
        .object([
            ("name", .string(document.name)), ("title", .string(document.title)), ("kind", .string(document.kind.rawValue)),
            ("concerns", .array(document.concerns.map { .string($0.rawValue) })),
            ("current", .string(document.current?.label)),
            ("versions", .array(document.versions.map { json($0, withText: false) })),
        ])
    }

    static func json(_ version: DocumentVersion, withText: Bool) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("version", .string(version.label)), ("state", .string(version.state.rawValue)), ("digest", .string(version.digest)),
            ("author", .string(version.author)), ("authored_at", .instant(version.authoredAt)),
            ("submitter", .string(version.submitter)), ("submitted_at", .instant(version.submittedAt)),
            ("reason", .string(version.reason)), ("major", .bool(version.major)),
            ("approver", .string(version.approver)), ("approved_at", .instant(version.approvedAt)),
            ("comment", .string(version.comment)), ("superseded_at", .instant(version.supersededAt)),
            ("rejections", .array(version.rejections.map { rejection in
                .object([("version", .string(rejection.version.description)), ("by", .string(rejection.by)),
                         ("at", .instant(rejection.at)), ("comment", .string(rejection.comment))])
            })),
        ]
        if withText { pairs.append(("text", .string(version.text))) }
        return .object(pairs)
    }

    /// `V1.1`, `draft`, or nil for the current version.
    static func pick(_ document: ControlledDocument, _ text: String?, _ context: Context) throws(CLIFailure) -> DocumentVersion {
        let refusal = { (what: String) in CLIFailure(DocumentRefusal(.versionNotFound(what), document: document.name).message(context.language)) }
        guard let text else {
            guard let current = document.current else { throw CLIFailure(DocumentRefusal(.noCurrent, document: document.name).message(context.language)) }
            return current
        }
        if text.lowercased() == "draft" || text.lowercased() == "working" {
            guard let working = document.working else { throw refusal(text) }
            return working
        }
        guard let number = DocumentVersionNumber(text), let version = document.version(number) else { throw refusal(text) }
        return version
    }

    static func show(_ name: String, version: String?, _ context: Context) async throws(CLIFailure) {
        let documents = context.documents(try await context.desk())
        let document: ControlledDocument
        do { document = try await documents.requireDocument(name) } catch { throw CLIFailure(error, context) }
        let shown = try pick(document, version, context)
        if context.json {
            Output.json(.object([("name", .string(document.name)), ("title", .string(document.title)),
                                 ("kind", .string(document.kind.rawValue))] + (json(shown, withText: true).objectPairs ?? [])))
            return
        }
        let l = context.language
        print("\(document.name) · \(TerminalText.sanitize(document.title)) · \(shown.label) \(shown.state.label(l))")
        print(l.pick(en: "written by \(shown.author) at \(context.show(shown.authoredAt))", zh: "编写：\(shown.author)，\(context.show(shown.authoredAt))"))
        if let submitter = shown.submitter {
            print(l.pick(en: "submitted by \(submitter) at \(context.show(shown.submittedAt)): ", zh: "提交：\(submitter)，\(context.show(shown.submittedAt))：")
                  + TerminalText.sanitize(shown.reason ?? ""))
        }
        if let approver = shown.approver {
            print(l.pick(en: "approved by \(approver) at \(context.show(shown.approvedAt))", zh: "批准：\(approver)，\(context.show(shown.approvedAt))")
                  + (shown.comment.map { l.pick(en: ": ", zh: "：") + TerminalText.sanitize($0) } ?? ""))
        }
        if let superseded = shown.supersededAt {
            print(l.pick(en: "SUPERSEDED at \(context.show(superseded)): not in force", zh: "已作废（\(context.show(superseded))）：不再有效"))
        }
        for rejection in shown.rejections {
            print(l.pick(en: "\(rejection.version) rejected by \(rejection.by) at \(context.show(rejection.at)): ",
                         zh: "\(rejection.version) 被 \(rejection.by) 驳回（\(context.show(rejection.at))）：") + TerminalText.sanitize(rejection.comment))
        }
        print("sha256 \(shown.digest)")
        print("")
        print(TerminalText.sanitize(shown.text, keepNewlines: true))
    }

    static func history(_ name: String, _ context: Context) async throws(CLIFailure) {
        let store = try context.openStore()
        let events: [DocumentEvent]
        do { events = try await store.documentEvents(name) } catch { throw CLIFailure(error, context) }
        guard !events.isEmpty else { throw CLIFailure(DocumentRefusal(.notFound(name)).message(context.language)) }
        if context.json {
            Output.json(.array(events.map { event in
                .object([("id", .int(event.id)), ("at", .instant(event.at)), ("actor", .string(event.actor)),
                         ("kind", .string(event.kind.rawValue)), ("version", .string(event.payload.version)),
                         ("reason", .string(event.payload.reason)), ("comment", .string(event.payload.comment)),
                         ("digest", .string(event.payload.digest))])
            }))
            return
        }
        let l = context.language
        var table = TextTable(headers: [l.pick(en: "AT", zh: "时间"), l.pick(en: "BY", zh: "操作人"), l.pick(en: "WHAT", zh: "动作"),
                                        l.pick(en: "VERSION", zh: "版本"), l.pick(en: "REASON / COMMENT", zh: "原因 / 意见")])
        table.rows = events.map { event in
            [context.show(event.at), event.actor, event.kind.label(l), event.payload.version ?? "",
             TerminalText.sanitize(event.payload.reason ?? event.payload.comment ?? "")]
        }
        print(table.render())
    }

    static func diff(_ name: String, from: String, to: String, _ context: Context) async throws(CLIFailure) {
        let documents = context.documents(try await context.desk())
        let document: ControlledDocument
        do { document = try await documents.requireDocument(name) } catch { throw CLIFailure(error, context) }
        let old = try pick(document, from, context), new = try pick(document, to, context)
        let changes = LineDiff.diff(old.text, new.text)
        if context.json {
            Output.json(.object([("name", .string(name)), ("from", .string(old.label)), ("to", .string(new.label)),
                                 ("lines", .array(changes.map { change in
                                     switch change {
                                     case let .same(line): .object([("op", "same"), ("text", .string(line))])
                                     case let .removed(line): .object([("op", "removed"), ("text", .string(line))])
                                     case let .added(line): .object([("op", "added"), ("text", .string(line))])
                                     }
                                 }))]))
            return
        }
        print("--- \(name) \(old.label)")
        print("+++ \(name) \(new.label)")
        for change in changes { print(TerminalText.sanitize(change.marked)) }
    }
}
