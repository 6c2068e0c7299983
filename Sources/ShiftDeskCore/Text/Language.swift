import Foundation

/// The operator's display language. Labels and messages exist in both.
public enum Language: String, Codable, CaseIterable, Sendable {
    case zh, en

    /// `--lang`, else `SHIFTDESK_LANG`, else `LC_ALL`/`LC_MESSAGES`/`LANG`: `zh…` means Chinese.
    public static func resolve(explicit: String?, environment: [String: String]) -> Language {
        if let explicit, let language = Language(code: explicit) { return language }
        if let configured = environment["SHIFTDESK_LANG"], let language = Language(code: configured) { return language }
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty { return Language(code: value) ?? .en }
        }
        return .en
    }

    /// `zh`, `zh-CN`, `zh_CN.UTF-8` → zh; `en`, `en_US`, `C` … → en.
    public init?(code: String) {
        let lower = code.lowercased()
        if lower.hasPrefix("zh") {
            self = .zh
        } else if lower.hasPrefix("en") || lower == "c" || lower.hasPrefix("c.") || lower == "posix" {
            self = .en
        } else {
            return nil
        }
    }

    /// `zh…` → zh, `en…` → en, anything else nil.
    public static func parse(_ value: String) -> Language? {
        let lowered = value.lowercased()
        if lowered.hasPrefix("zh") { return .zh }
        if lowered.hasPrefix("en") { return .en }
        return nil
    }

    /// Picks the text for this language.
    public func pick(en: String, zh: String) -> String {
        self == .zh ? zh : en
    }
}

/// Words the domain shows everywhere, in both languages.
extension Priority {
    public func label(_ language: Language) -> String {
        switch self {
        case .major: language.pick(en: "major", zh: "重大")
        case .general: language.pick(en: "general", zh: "一般")
        case .minor: language.pick(en: "minor", zh: "轻微")
        }
    }
}

extension Tier {
    public func label(_ language: Language) -> String {
        switch self {
        case .desk: language.pick(en: "desk", zh: "服务台")
        case .l1: language.pick(en: "L1", zh: "一线")
        case .l2: language.pick(en: "L2", zh: "二线")
        case .vendor: language.pick(en: "vendor", zh: "厂商")
        }
    }
}

extension Role {
    public func label(_ language: Language) -> String {
        switch self {
        case .desk: language.pick(en: "service desk", zh: "服务台坐席")
        case .l1: language.pick(en: "first-line support", zh: "一线支持")
        case .l2: language.pick(en: "second-line support", zh: "二线支持")
        case .im: language.pick(en: "incident manager", zh: "事件经理")
        case .supervisor: language.pick(en: "supervisor", zh: "值班主管")
        case .problemManager: language.pick(en: "problem manager", zh: "问题经理")
        case .owner: language.pick(en: "management-system owner", zh: "管理体系负责人")
        case .auditor: language.pick(en: "internal auditor", zh: "内审员")
        }
    }
}

extension TicketState {
    public func label(_ language: Language) -> String {
        switch self {
        case .new: language.pick(en: "new", zh: "待受理")
        case .inProgress: language.pick(en: "in progress", zh: "处理中")
        case .pendingCustomer: language.pick(en: "pending customer", zh: "等待客户")
        case .pendingVendor: language.pick(en: "pending vendor", zh: "等待厂商")
        case .pendingProblem: language.pick(en: "pending problem", zh: "等待问题解决")
        case .resolved: language.pick(en: "resolved", zh: "已解决")
        case .closed: language.pick(en: "closed", zh: "关闭")
        }
    }
}

extension Channel {
    public func label(_ language: Language) -> String {
        switch self {
        case .phone: language.pick(en: "phone", zh: "电话")
        case .email: language.pick(en: "email", zh: "邮件")
        case .walkIn: language.pick(en: "walk-in", zh: "现场")
        case .monitoring: language.pick(en: "monitoring", zh: "监控")
        case .other: language.pick(en: "other", zh: "其他")
        }
    }
}

extension ShiftName {
    public func label(_ language: Language) -> String {
        switch self {
        case .day: language.pick(en: "day shift", zh: "白班")
        case .night: language.pick(en: "night duty", zh: "夜班")
        }
    }
}

extension EventKind {
    public func label(_ language: Language) -> String {
        switch self {
        case .opened: language.pick(en: "logged", zh: "登记")
        case .taken: language.pick(en: "taken", zh: "受理")
        case .escalated: language.pick(en: "escalated", zh: "升级")
        case .pended: language.pick(en: "pending", zh: "挂起")
        case .resumed: language.pick(en: "resumed", zh: "恢复处理")
        case .resolved: language.pick(en: "resolved", zh: "已解决")
        case .closed: language.pick(en: "closed", zh: "关闭")
        case .reopened: language.pick(en: "reopened", zh: "重新打开")
        case .noted: language.pick(en: "note", zh: "备注")
        case .reprioritised: language.pick(en: "priority changed", zh: "优先级变更")
        case .problemLinked: language.pick(en: "linked to problem", zh: "关联问题单")
        case .sheetPrinted: language.pick(en: "on-site sheet printed", zh: "打印现场服务单")
        case .sheetSigned: language.pick(en: "on-site sheet signed", zh: "现场服务单已签字")
        case .imported: language.pick(en: "imported", zh: "导入")
        case .released: language.pick(en: "released (holder disabled)", zh: "释放（处理人已停用）")
        }
    }
}
