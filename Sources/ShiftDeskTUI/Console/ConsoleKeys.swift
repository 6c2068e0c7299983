import ShiftDeskCore

extension ActionID {
    static let newCall: ActionID = "newCall"
    static let take: ActionID = "take"
    static let escalate: ActionID = "escalate"
    static let resolve: ActionID = "resolve"
    static let close: ActionID = "close"
    static let note: ActionID = "note"
    static let priority: ActionID = "priority"
    static let pend: ActionID = "pend"
    static let resume: ActionID = "resume"
    static let reopen: ActionID = "reopen"
    static let printSheet: ActionID = "printSheet"
    static let signSheet: ActionID = "signSheet"
    static let calls: ActionID = "calls"
    static let raiseProblem: ActionID = "raiseProblem"
    static let nextQueue: ActionID = "nextQueue"
}

extension ScreenContext {
    static let queue: ScreenContext = "queue"
    static let detail: ScreenContext = "detail"
}

/// Every key of the console, in one table: help (`?`) and the bottom bar come from here.
public enum ConsoleKeys {
    public static let keymap: Keymap = {
        var map = Keymap.foundation
        let both: Set<ScreenContext> = [.queue, .detail]
        let bindings: [KeyBinding] = [
            KeyBinding([.enter], .open, label: LocalizedText(en: "Open the incident", zh: "查看事件"), contexts: [.queue]),
            KeyBinding([.function(2), .character("N")], .newCall, label: LocalizedText(en: "New", zh: "来电"), slot: 2, contexts: both),
            KeyBinding([.function(4), .character("t")], .take, label: LocalizedText(en: "Take", zh: "受理"), slot: 4, contexts: both),
            KeyBinding([.function(5), .character("e")], .escalate, label: LocalizedText(en: "Escal.", zh: "升级"), slot: 5, contexts: both),
            KeyBinding([.function(6), .character("r")], .resolve, label: LocalizedText(en: "Resolve", zh: "解决"), slot: 6, contexts: both),
            KeyBinding([.function(7), .character("c")], .close, label: LocalizedText(en: "Close", zh: "关闭"), slot: 7, contexts: both),
            KeyBinding([.function(8), .character("n")], .note, label: LocalizedText(en: "Note", zh: "备注"), slot: 8, contexts: both),
            KeyBinding([.function(9), .character("P")], .priority, label: LocalizedText(en: "Prio", zh: "优先级"), slot: 9, contexts: both),
            KeyBinding([.character("p")], .pend, label: LocalizedText(en: "Wait on customer / vendor", zh: "挂起（等待客户/厂商）"), contexts: both),
            KeyBinding([.character("u")], .resume, label: LocalizedText(en: "Resume work", zh: "恢复处理"), contexts: both),
            KeyBinding([.character("o")], .reopen, label: LocalizedText(en: "Reopen", zh: "重新打开"), contexts: both),
            KeyBinding([.character("S")], .printSheet, label: LocalizedText(en: "Print on-site sheet (L1)", zh: "打印现场服务单（一线）"), contexts: both),
            KeyBinding([.character("K")], .signSheet, label: LocalizedText(en: "Mark sheet signed", zh: "现场服务单已签字"), contexts: both),
            KeyBinding([.character("R")], .raiseProblem, label: LocalizedText(en: "Raise a problem (L2, incident manager)", zh: "提交问题单（二线、事件经理）"), contexts: both),
            KeyBinding([.character("C")], .calls, label: LocalizedText(en: "Escalation calls to confirm", zh: "待确认的升级电话"), contexts: both),
            KeyBinding([.tab], .nextQueue, label: LocalizedText(en: "Next queue", zh: "切换队列"), contexts: [.queue]),
            KeyBinding([.character("s")], .sort, label: LocalizedText(en: "Sort by next column", zh: "按下一列排序"), contexts: [.queue]),
        ]
        for binding in ConsoleScreens.bindings + bindings { map.add(binding) }
        return map
    }()
}
