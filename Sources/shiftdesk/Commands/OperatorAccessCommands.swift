import ArgumentParser
import Foundation
import ShiftDeskCore
import ShiftDeskStore

// Who may reach the desk over SSH: operators' keys, kept in the database and written into the
// marked block of the service account's authorized_keys; operators who leave are disabled.

extension OperatorCommand {
    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an operator: their keys stop working, their open incidents go back to the queue, their history stays theirs.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The operator's login.") var login: String

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            let released: [TicketID]
            do { released = try await desk.disableOperator(login, by: context.login) } catch { throw CLIFailure(error, context) }
            let file = try await KeyBlock.rewrite(context, desk.store)
            let l = context.language
            if context.json {
                Output.json(.object([("login", .string(login)), ("disabled", .bool(true)),
                                     ("released", .array(released.map { .string($0.description) })), ("authorized_keys", .string(file))]))
            } else {
                print(l.pick(en: "Disabled \(login): keys removed from \(file); \(released.count) open incident(s) back in their queue\(released.isEmpty ? "" : ": " + released.map(\.description).joined(separator: ", ")).",
                             zh: "已停用 \(login)：已从 \(file) 移除其密钥；\(released.count) 个未完成事件退回队列\(released.isEmpty ? "" : "：" + released.map(\.description).joined(separator: "、"))。"))
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled operator again (their keys work again).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The operator's login.") var login: String

        func run() async throws {
            let context = try Context(global)
            let desk = try await context.desk()
            do { try await desk.enableOperator(login) } catch { throw CLIFailure(error, context) }
            let file = try await KeyBlock.rewrite(context, desk.store)
            print(context.language.pick(en: "Enabled \(login); their keys are back in \(file).", zh: "已启用 \(login)；其密钥已写回 \(file)。"))
        }
    }

    struct KeyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key", abstract: "Operators' SSH keys: who may reach the desk with `ssh desk@host`.",
            subcommands: [KeyAdd.self, KeyList.self, KeyRemove.self, KeySync.self])
    }

    struct KeyAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Give an operator an SSH public key (a .pub file, or - for standard input).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The operator's login.") var login: String
        @Argument(help: "The public key file (id_ed25519.pub), or - to read it from standard input.") var file: String

        func run() async throws {
            let context = try Context(global)
            let l = context.language
            let text: String
            if file == "-" {
                let data = FileHandle.standardInput.readData(ofLength: SSHPublicKey.maxLineBytes + 1)
                text = String(decoding: data, as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: (file as NSString).expandingTildeInPath) else {
                    throw CLIFailure(l.pick(en: "cannot read \(file)", zh: "无法读取 \(file)"))
                }
                text = String(decoding: data, as: UTF8.self)
            }
            let key: SSHPublicKey
            do { key = try SSHPublicKey.parse(text) } catch { throw CLIFailure("\(file): " + error.message(l)) }
            let desk = try await context.desk()
            _ = try await Self.operatorToAct(login, desk, context)
            let record = OperatorKey(login: login, type: key.type, base64: key.base64, fingerprint: key.fingerprint,
                                     comment: key.comment, addedAt: Date())
            do { try await desk.store.addOperatorKey(record) } catch { throw CLIFailure(error, context) }
            let path = try await KeyBlock.rewrite(context, desk.store)
            if context.json {
                Output.json(record.json)
            } else {
                print(l.pick(en: "Added \(record.fingerprint) (\(record.type)) for \(login); \(path) updated.",
                             zh: "已为 \(login) 添加密钥 \(record.fingerprint)（\(record.type)）；已更新 \(path)。"))
            }
        }

        static func operatorToAct(_ login: String, _ desk: Desk, _ context: Context) async throws(CLIFailure) -> Operator {
            do {
                guard let person = try await desk.store.findOperator(login: login) else {
                    throw CLIFailure(DeskError.unknownOperator(login), context)
                }
                return person
            } catch let failure as CLIFailure {
                throw failure
            } catch let error as StoreError {
                throw CLIFailure(error, context)
            } catch {
                throw CLIFailure("\(error)")
            }
        }
    }

    struct KeyList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List operators' keys (of one operator, or all).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this operator's keys.") var login: String?

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let keys: [OperatorKey]
            let people: [Operator]
            do {
                keys = try await store.operatorKeys(login: login)
                people = try await store.operators()
            } catch {
                throw CLIFailure(error, context)
            }
            if context.json {
                Output.json(.array(keys.map(\.json)))
                return
            }
            let l = context.language
            let disabled = Set(people.filter(\.disabled).map(\.login))
            var table = TextTable(headers: [l.pick(en: "LOGIN", zh: "登录名"), l.pick(en: "FINGERPRINT", zh: "指纹"), l.pick(en: "TYPE", zh: "类型"),
                                            l.pick(en: "COMMENT", zh: "注释"), l.pick(en: "ADDED", zh: "添加时间")])
            table.rows = keys.map {
                [$0.login + (disabled.contains($0.login) ? l.pick(en: " (disabled)", zh: "（已停用）") : ""), $0.fingerprint, $0.type,
                 TerminalText.sanitize($0.comment), context.show($0.addedAt)]
            }
            print(table.render())
        }
    }

    struct KeyRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Take a key away from an operator.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The operator's login.") var login: String
        @Argument(help: "The key's fingerprint, SHA256:… as `operator key list` or `ssh-keygen -lf` prints it.") var fingerprint: String

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let removed: Bool
            do { removed = try await store.removeOperatorKey(login: login, fingerprint: fingerprint) } catch { throw CLIFailure(error, context) }
            guard removed else {
                throw CLIFailure(context.language.pick(en: "\(login) has no key \(fingerprint) (see `shiftdesk operator key list \(login)`)",
                                                       zh: "\(login) 没有密钥 \(fingerprint)（见 `shiftdesk operator key list \(login)`）"))
            }
            let path = try await KeyBlock.rewrite(context, store)
            print(context.language.pick(en: "Removed \(fingerprint) from \(login); \(path) updated.", zh: "已移除 \(login) 的密钥 \(fingerprint)；已更新 \(path)。"))
        }
    }

    struct KeySync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync", abstract: "Write this host's authorized_keys block from the database (a second host sharing a PostgreSQL desk).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try Context(global)
            let store = try context.openStore()
            let path = try await KeyBlock.rewrite(context, store)
            print(context.language.pick(en: "\(path) holds the keys of every enabled operator.", zh: "\(path) 已写入所有在岗操作员的密钥。"))
        }
    }
}

/// Writes the marked block of the service account's authorized_keys from the database: every key
/// of every enabled operator, forced to `shiftdesk serve LOGIN` on the desk this command used.
enum KeyBlock {
    /// Returns the file's path.
    static func rewrite(_ context: Context, _ store: any Store) async throws(CLIFailure) -> String {
        let l = context.language
        let keys: [OperatorKey]
        let people: [Operator]
        do {
            keys = try await store.operatorKeys(login: nil)
            people = try await store.operators()
        } catch {
            throw CLIFailure(error, context)
        }
        let enabled = Set(people.filter { !$0.disabled }.map(\.login))
        let database = context.explicitDatabase()
        let config = context.options.config.map(Self.absolute)
        let executable = Self.executablePath()
        var commands: [String: String] = [:]
        for login in Set(keys.map(\.login)) where enabled.contains(login) {
            do {
                commands[login] = try AuthorizedKeysBlock.forcedCommand(executable: executable, login: login, database: database, config: config)
            } catch {
                throw CLIFailure(error.message(l))
            }
        }
        let block = AuthorizedKeysBlock.render(keys.filter { enabled.contains($0.login) }) { commands[$0] ?? "" }
        let file = AuthorizedKeysFile.standard(environment: context.environment)
        do { try file.rewrite(block: block) } catch { throw CLIFailure(error.message(l)) }
        return file.path
    }

    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? expanded : FileManager.default.currentDirectoryPath + "/" + expanded
    }

    /// This binary as the shell of sshd will find it: an absolute path, symbolic links kept (an
    /// upgrade that moves the link's target keeps the keys working).
    static func executablePath() -> String {
        let invoked = CommandLine.arguments.first ?? "shiftdesk"
        if invoked.contains("/") { return absolute(invoked) }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/\(invoked)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return absolute(candidate) }
        }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? invoked
    }
}
