import Foundation

/// Why a seat reached over SSH may not run what it asked, in one line an operator understands.
/// Nothing was opened or written.
public enum AccessRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The command line could not be split into arguments.
    case unterminatedQuote
    case danglingBackslash
    case controlCharacter
    case tooLong(limit: Int)
    case tooManyArguments(limit: Int)
    /// An option only the administrator's shell may give (`--as`, `--now`, `--db` …).
    case forbiddenOption(String)
    /// A command only the administrator runs (`init`, `operator …`, `import` …).
    case administratorCommand(String)
    case unknownCommand(String)
    /// A console option that would reach outside the seat (a theme path, a demo desk).
    case forbiddenValue(option: String, reason: String)
    case unknownOperator(String)
    case disabledOperator(String)
    /// The console needs a terminal: `ssh -t`.
    case needsTerminal

    public var description: String { message(.en) }

    public func message(_ l: Language) -> String {
        switch self {
        case .unterminatedQuote:
            return l.pick(en: "the command has a quote that is never closed", zh: "命令中有未闭合的引号")
        case .danglingBackslash:
            return l.pick(en: "the command ends with a lone backslash", zh: "命令以单独的反斜杠结尾")
        case .controlCharacter:
            return l.pick(en: "the command holds a control character", zh: "命令中含有控制字符")
        case let .tooLong(limit):
            return l.pick(en: "the command is longer than \(limit) bytes", zh: "命令超过 \(limit) 字节")
        case let .tooManyArguments(limit):
            return l.pick(en: "the command has more than \(limit) arguments", zh: "命令参数超过 \(limit) 个")
        case let .forbiddenOption(option):
            return l.pick(
                en: "\(option) is refused over SSH: you act as yourself, now, on this desk (only the administrator's shell may name another operator, instant, database or file)",
                zh: "通过 SSH 不允许使用 \(option)：你只能以自己的身份、在当前时间、对本服务台操作（只有管理员的本地 shell 可以指定其他操作员、时间、数据库或文件）")
        case let .administratorCommand(command):
            return l.pick(en: "`\(command)` is the administrator's command; ask them to run it on the desk host",
                          zh: "`\(command)` 是管理员命令；请联系管理员在服务台主机上执行")
        case let .unknownCommand(command):
            return l.pick(en: "no command `\(command)`; try `help`", zh: "没有 `\(command)` 命令；请试试 `help`")
        case let .forbiddenValue(option, reason):
            return l.pick(en: "\(option) is refused over SSH: \(reason)", zh: "通过 SSH 不允许 \(option)：\(reason)")
        case let .unknownOperator(login):
            return l.pick(en: "\(login) is not an operator of this desk; ask the administrator", zh: "\(login) 不是本服务台的操作员；请联系管理员")
        case let .disabledOperator(login):
            return l.pick(en: "\(login) is disabled on this desk; ask the administrator", zh: "\(login) 已在本服务台停用；请联系管理员")
        case .needsTerminal:
            return l.pick(en: "the console needs a terminal: connect with `ssh -t`, or give a command", zh: "控制台需要终端：请用 `ssh -t` 连接，或给出一条命令")
        }
    }
}
