import Foundation

/// What an operator reaching the desk over SSH (`shiftdesk serve LOGIN`) may run. They act as
/// themselves, at the real instant, on the desk the service account serves: the options that
/// would name someone else, another instant, another database or a file on the desk host are
/// refused, and so are the administrator's commands. Everything else runs as in a local shell.
public enum RemoteCommandPolicy {
    /// Options only the administrator's shell may give. `--output`/`-o` would write a file on the
    /// desk host as the service account; `--demo` opens a desk of its own.
    public static let forbiddenOptions = ["--as", "--now", "--db", "--policy", "--config", "--output", "--demo"]

    /// Commands a seat may run, with the subcommands allowed (nil: all of them).
    static let seatCommands: [String: Set<String>?] = [
        "console": nil, "ticket": nil, "problem": nil, "sla": nil, "handover": nil, "report": nil, "export": nil,
        "audit": ["verify"], "notify": ["calls", "confirm", "notices", "seen"], "help": nil, "known-error": nil, "doc": nil, "forecast": nil, "policy": nil,
    ]

    /// The administrator's commands (or subcommands): they change who may act, what the desk holds
    /// wholesale, or run the desk's services.
    static let administratorCommands: Set<String> = [
        "init", "migrate", "operator", "import", "restore", "backup", "serve", "escalator", "escalate-due", "drill",
    ]

    /// The command a seat's arguments run: the first argument unless it is an option (then the
    /// console, the default command).
    public static func command(of arguments: [String]) -> String {
        guard let first = arguments.first, !first.hasPrefix("-") else { return "console" }
        return first
    }

    /// True when the arguments open the console (no command, or `console`), which needs a terminal.
    public static func opensConsole(_ arguments: [String]) -> Bool {
        let command = command(of: arguments)
        return command == "console" && !arguments.contains { $0 == "--help" || $0 == "-h" }
    }

    public static func check(_ arguments: [String]) throws(AccessRefusal) {
        let command = command(of: arguments)
        if administratorCommands.contains(command) { throw .administratorCommand(command) }
        guard let allowed = seatCommands[command] else { throw .unknownCommand(command) }
        if let allowed, arguments.count > 1, !arguments[1].hasPrefix("-"), !allowed.contains(arguments[1]) {
            throw .administratorCommand("\(command) \(arguments[1])")
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            // After `--` everything is data (a note may say "--as").
            if argument == "--" { break }
            for option in forbiddenOptions where argument == option || argument.hasPrefix(option + "=") {
                throw .forbiddenOption(option)
            }
            // `-o FILE`, `-oFILE`, `-o=FILE`: the short form of --output.
            if argument.hasPrefix("-o") { throw .forbiddenOption("-o") }
            if argument == "--theme" || argument.hasPrefix("--theme=") {
                let value = argument == "--theme" ? (index + 1 < arguments.count ? arguments[index + 1] : "") : String(argument.dropFirst("--theme=".count))
                guard isPlainName(value) else {
                    throw .forbiddenValue(option: "--theme", reason: "name a theme (default, high-contrast, mono, ascii), not a path")
                }
            }
            index += 1
        }
        // Over SSH an incident that began before now is logged as what it is: a back-fill, its
        // opening event dated when it was logged.
        let options = arguments.prefix { $0 != "--" }
        if options.contains(where: { $0 == "--opened" || $0.hasPrefix("--opened=") }), !options.contains("--backfilled") {
            throw .forbiddenValue(option: "--opened", reason: "an incident that began earlier is logged as a back-fill: add --backfilled")
        }
    }

    /// Letters, digits, `-` and `_`: a name, never a path.
    static func isPlainName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }
}
