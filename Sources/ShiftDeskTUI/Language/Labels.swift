import ShiftDeskCore
/// Identifies a label; features declare their own keys in an extension.
public struct LabelKey: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let help: LabelKey = "help"
    public static let filter: LabelKey = "filter"
    public static let command: LabelKey = "command"
    public static let quit: LabelKey = "quit"
    public static let ok: LabelKey = "ok"
    public static let cancel: LabelKey = "cancel"
    public static let reconnecting: LabelKey = "reconnecting"
    public static let noRows: LabelKey = "noRows"
    public static let helpTitle: LabelKey = "helpTitle"
    public static let helpFooter: LabelKey = "helpFooter"
    public static let required: LabelKey = "required"
    public static let unknownCommand: LabelKey = "unknownCommand"
}

/// A table of label keys to en/zh strings.
///
/// Each feature adds its own table and merges it:
/// `let labels = Labels.foundation.merging(TicketLabels.table)`.
public struct Labels: Sendable {
    public private(set) var entries: [LabelKey: LocalizedText]

    public init(_ entries: [LabelKey: LocalizedText]) { self.entries = entries }

    /// The label, or the key itself when missing (visible, never a crash).
    public subscript(key: LabelKey) -> LocalizedText {
        entries[key] ?? LocalizedText(en: key.rawValue, zh: key.rawValue)
    }

    public func text(_ key: LabelKey, _ language: Language) -> String { self[key].text(in: language) }

    /// Later tables win on duplicate keys.
    public func merging(_ other: Labels) -> Labels {
        Labels(entries.merging(other.entries) { _, new in new })
    }

    /// "Terminal too small: need at least W×H" in the language.
    public static func terminalTooSmall(minimum: TerminalSize, current: TerminalSize, language: Language) -> [String] {
        switch language {
        case .en:
            return ["Terminal too small", "need at least \(minimum.columns)x\(minimum.rows)", "now \(current.columns)x\(current.rows)"]
        case .zh:
            return ["终端窗口太小", "至少需要 \(minimum.columns)x\(minimum.rows)", "当前 \(current.columns)x\(current.rows)"]
        }
    }

    public static let foundation = Labels([
        .help: LocalizedText(en: "Help", zh: "帮助"),
        .filter: LocalizedText(en: "Filter", zh: "筛选"),
        .command: LocalizedText(en: "Command", zh: "命令"),
        .quit: LocalizedText(en: "Quit", zh: "退出"),
        .ok: LocalizedText(en: "OK", zh: "确定"),
        .cancel: LocalizedText(en: "Cancel", zh: "取消"),
        .reconnecting: LocalizedText(en: "Reconnecting...", zh: "正在重新连接..."),
        .noRows: LocalizedText(en: "Nothing to show", zh: "没有数据"),
        .helpTitle: LocalizedText(en: "Keys", zh: "按键说明"),
        .helpFooter: LocalizedText(en: "Esc or ? to close", zh: "按 Esc 或 ? 关闭"),
        .required: LocalizedText(en: "is required", zh: "为必填项"),
        .unknownCommand: LocalizedText(en: "Unknown command", zh: "未知命令"),
    ])
}
