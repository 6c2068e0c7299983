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
    /// The results of incidents the lines resolved, told to the desk, not yet seen.
    static let results: ActionID = "results"
    static let raiseProblem: ActionID = "raiseProblem"
    static let nextQueue: ActionID = "nextQueue"
    static let previousQueue: ActionID = "previousQueue"
    static let handover: ActionID = "handover"
    static let handoverSubmit: ActionID = "handoverSubmit"
    static let handoverTick: ActionID = "handoverTick"
    static let handoverItemNote: ActionID = "handoverItemNote"
    static let handoverAdd: ActionID = "handoverAdd"
    static let handoverGeneralNote: ActionID = "handoverGeneralNote"
    static let handoverAck: ActionID = "handoverAck"
    static let handoverAckAll: ActionID = "handoverAckAll"
    static let handoverAckTake: ActionID = "handoverAckTake"
    static let handoverEarlier: ActionID = "handoverEarlier"
    static let handoverLater: ActionID = "handoverLater"
}

extension ScreenContext {
    static let queue: ScreenContext = "queue"
    static let detail: ScreenContext = "detail"
}

/// Every key of the console, in one table: help (`?`) and the bottom bar come from here.
public enum ConsoleKeys {
    /// What an action key asks to change, as the role rules see it (nil: it changes nothing).
    static func change(of action: ActionID) -> Workflow.DeskChange? {
        switch action {
        case .newCall: .logIncident
        case .take: .ticket(.taken)
        case .escalate: .ticket(.escalated)
        case .resolve: .ticket(.resolved)
        case .close: .ticket(.closed)
        case .note: .ticket(.noted)
        case .priority: .ticket(.reprioritised)
        case .pend: .ticket(.pended)
        case .resume: .ticket(.resumed)
        case .reopen: .ticket(.reopened)
        case .printSheet: .ticket(.sheetPrinted)
        case .signSheet: .ticket(.sheetSigned)
        case .raiseProblem, .raiseClusterProblem: .raiseProblem
        case .handoverSubmit: .submitHandover
        case .handoverAck, .handoverAckAll, .handoverAckTake: .acknowledgeHandover
        case .results: .seeResult
        default: nil
        }
    }

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
            KeyBinding([.character("V")], .results, label: LocalizedText(en: "Results the lines told the desk, to see", zh: "一线/二线告知的处理结果"), contexts: both),
            KeyBinding([.tab], .nextQueue, label: LocalizedText(en: "Next queue", zh: "切换队列"), contexts: [.queue]),
            KeyBinding([.backTab], .previousQueue, label: LocalizedText(en: "Previous queue", zh: "上一个队列"), contexts: [.queue]),
            KeyBinding([.character("s")], .sort, label: LocalizedText(en: "Sort by next column", zh: "按下一列排序"), contexts: [.queue]),
            KeyBinding([.character("H")], .handover, label: LocalizedText(en: "Shift handover: prepare, review, history", zh: "交接班：交班、接班、记录"), contexts: both),
        ]
        let handover: Set<ScreenContext> = [.handoverPrepare, .handoverReview, .handoverHistory]
        let handoverBindings: [KeyBinding] = [
            KeyBinding([.tab], .nextPane, label: LocalizedText(en: "Prepare / review / history", zh: "交班/接班/记录"), contexts: handover),
            KeyBinding([.escape], .back, label: LocalizedText(en: "Back to the queue", zh: "返回队列"), contexts: handover),
            KeyBinding([.function(2), .character("S")], .handoverSubmit, label: LocalizedText(en: "Submit", zh: "提交"), slot: 2, contexts: [.handoverPrepare]),
            KeyBinding([.function(3), .character("g")], .handoverGeneralNote, label: LocalizedText(en: "Gen.note", zh: "总说明"), slot: 3, contexts: [.handoverPrepare]),
            KeyBinding([.function(4), .character(" "), .character("x")], .handoverTick, label: LocalizedText(en: "Tick", zh: "勾选"), slot: 4, contexts: [.handoverPrepare]),
            KeyBinding([.function(5), .enter, .character("n")], .handoverItemNote, label: LocalizedText(en: "Note", zh: "说明"), slot: 5, contexts: [.handoverPrepare]),
            KeyBinding([.function(6), .character("a")], .handoverAdd, label: LocalizedText(en: "Add", zh: "添加"), slot: 6, contexts: [.handoverPrepare]),
            KeyBinding([.function(3), .character("A")], .handoverAckAll, label: LocalizedText(en: "Ack all", zh: "全部确认"), slot: 3, contexts: [.handoverReview]),
            KeyBinding([.function(4), .enter, .character("a")], .handoverAck, label: LocalizedText(en: "Ack", zh: "确认"), slot: 4, contexts: [.handoverReview]),
            KeyBinding([.function(5), .character("t")], .handoverAckTake, label: LocalizedText(en: "Ack+take", zh: "确认接手"), slot: 5, contexts: [.handoverReview]),
            KeyBinding([.enter], .open, label: LocalizedText(en: "Open the handover", zh: "查看交接"), contexts: [.handoverHistory]),
            KeyBinding([.function(3), .character("[")], .handoverEarlier, label: LocalizedText(en: "Earlier", zh: "上一周"), slot: 3, contexts: [.handoverHistory]),
            KeyBinding([.function(4), .character("]")], .handoverLater, label: LocalizedText(en: "Later", zh: "下一周"), slot: 4, contexts: [.handoverHistory]),
            KeyBinding([.escape, .enter, .left], .back, label: LocalizedText(en: "Back to the list", zh: "返回列表"), contexts: [.handoverRecord]),
        ]
        for binding in handoverBindings + ConsoleScreens.bindings + AuditScreen.bindings + DocumentsScreen.bindings + ProblemsScreen.bindings + bindings {
            map.add(binding)
        }
        return map
    }()
}
