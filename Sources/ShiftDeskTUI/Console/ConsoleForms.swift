import ShiftDeskCore

/// The console's forms: logging a call, escalating, resolving, closing with the survey …
enum ConsoleForms {
    static let channels: [Channel] = [.phone, .email, .walkIn, .monitoring]

    /// A text field for the desk's `limit` field: it takes no more than the desk stores.
    static func field(_ id: String, _ label: String, _ limit: TextField, required: Bool = false, width: Int = 40) -> FormField {
        FormField(id: id, label: label, kind: .text(TextFieldState(visibleWidth: width, field: limit)), required: required)
    }

    static func choice(_ id: String, _ label: String, _ options: [String], selected: Int = 0) -> FormField {
        FormField(id: id, label: label, kind: .choice(options: options, selected: selected))
    }

    static func newCall(_ l: Language) -> FormDialogState {
        FormDialogState(title: l.pick(en: "Log a call", zh: "登记来电"), fields: [
            field("title", l.pick(en: "Title", zh: "标题"), .title, required: true),
            field("caller", l.pick(en: "Caller", zh: "报障人"), .caller),
            field("phone", l.pick(en: "Phone", zh: "电话"), .phone),
            field("email", l.pick(en: "E-mail", zh: "电子邮箱"), .email),
            field("department", l.pick(en: "Department", zh: "部门"), .department),
            choice("channel", l.pick(en: "Channel", zh: "渠道"), channels.map { $0.label(l) }),
            choice("priority", l.pick(en: "Priority", zh: "优先级"), Priority.allCases.map { $0.label(l) }, selected: 1),
            field("category", l.pick(en: "Category", zh: "类别"), .category),
            field("service", l.pick(en: "Service", zh: "受影响服务"), .service),
            field("description", l.pick(en: "Description", zh: "描述"), .description),
            field("resolution", l.pick(en: "Fixed now? How", zh: "当场解决？方案"), .resolution),
        ], language: l)
    }

    /// Where `role` may escalate a ticket of `tier`, as the workflow allows.
    static func escalationTargets(role: Role, tier: Tier) -> [Tier] {
        switch (role, tier) {
        case (.desk, .desk): [.l1]
        case (.l1, .l1): [.l2, .vendor]
        case (.l1, .vendor): [.l2]
        case (.l2, .l2): [.vendor]
        case (.l2, .vendor): [.l2]
        default: []
        }
    }

    static func escalate(_ l: Language, _ ticket: QueueTicket, _ targets: [Tier]) -> FormDialogState {
        FormDialogState(title: l.pick(en: "Escalate \(ticket.id)", zh: "升级 \(ticket.id)"), fields: [
            choice("to", l.pick(en: "To", zh: "升级到"), targets.map { $0.label(l) }),
            field("note", l.pick(en: "What they need to know", zh: "交代事项"), .note),
        ], language: l)
    }

    static func text(_ l: Language, title: String, label: String, limit: TextField = .note) -> FormDialogState {
        FormDialogState(title: title, fields: [field("text", label, limit, required: true, width: 50)], language: l)
    }

    /// `toldDesk`: first and second line also say whether they told the desk by phone (ROLES.md, first line 5).
    static func resolve(_ l: Language, _ ticket: QueueTicket, toldDesk: Bool = false) -> FormDialogState {
        var fields = [
            field("text", l.pick(en: "What fixed it", zh: "解决方案"), .resolution, required: true, width: 50),
            choice("fix", l.pick(en: "Fix", zh: "性质"), [l.pick(en: "root cause fixed", zh: "已根治"),
                                                          l.pick(en: "workaround (root cause remains)", zh: "临时方案（未根治）")]),
        ]
        if toldDesk {
            fields.append(choice("told", l.pick(en: "Told the desk", zh: "告知服务台"),
                                 [l.pick(en: "by the notice and mail", zh: "通过通知和邮件"), l.pick(en: "also by phone", zh: "已电话告知")]))
        }
        return FormDialogState(title: l.pick(en: "Resolve \(ticket.id)", zh: "解决 \(ticket.id)"), fields: fields, language: l)
    }

    /// A work note, or a customer update: mailed to the caller's address, or told by phone.
    static func note(_ l: Language, _ ticket: QueueTicket) -> FormDialogState {
        let told = !ticket.callerHasEmail ? l.pick(en: "customer update, told by phone", zh: "客户进展（已电话告知）")
            : l.pick(en: "customer update, mailed to the caller", zh: "客户进展（邮件发送给报障人）")
        return FormDialogState(title: l.pick(en: "Note on \(ticket.id)", zh: "备注 \(ticket.id)"), fields: [
            field("text", l.pick(en: "Note / customer update", zh: "备注/客户进展"), .note, required: true, width: 50),
            choice("customer", l.pick(en: "Kind", zh: "类型"), [l.pick(en: "work note", zh: "工作备注"), told]),
        ], language: l)
    }

    /// The survey's answers, in the order ``ConsoleApp`` reads them: the scores 1…5, then
    /// "customer unreachable". Each starts with the key that chooses it.
    static func surveyAnswers(_ l: Language) -> [String] {
        [l.pick(en: "1 very dissatisfied", zh: "1 非常不满意"), l.pick(en: "2 dissatisfied", zh: "2 不满意"), l.pick(en: "3 neutral", zh: "3 一般"),
         l.pick(en: "4 satisfied", zh: "4 满意"), l.pick(en: "5 very satisfied", zh: "5 非常满意"),
         l.pick(en: "u customer unreachable", zh: "u 客户无法联系")]
    }

    /// Closing with the survey (ROLES.md desk 8, assessed 4 "the survey done and fair"): nothing
    /// is chosen beforehand, so the score recorded is the one the agent typed (1–5, or u when the
    /// customer could not be reached): F7, the digit, Enter.
    static func close(_ l: Language, _ ticket: QueueTicket) -> FormDialogState {
        FormDialogState(title: l.pick(en: "Close \(ticket.id) — satisfaction survey", zh: "关闭 \(ticket.id) — 满意度调查"), fields: [
            FormField(id: "score", label: l.pick(en: "Satisfaction", zh: "满意度"), kind: .choice(options: surveyAnswers(l), selected: -1),
                      required: true, hint: l.pick(en: "1-5, or u: unreachable", zh: "1-5，或 u：无法联系")),
            field("comment", l.pick(en: "Comment", zh: "客户意见"), .comment),
        ], language: l)
    }

    static func pend(_ l: Language, _ ticket: QueueTicket) -> FormDialogState {
        FormDialogState(title: l.pick(en: "Put \(ticket.id) on hold", zh: "挂起 \(ticket.id)"), fields: [
            choice("reason", l.pick(en: "Waiting on", zh: "等待"), [l.pick(en: "the customer (clocks pause)", zh: "客户（时钟暂停）"),
                                                                   l.pick(en: "a vendor (clocks run)", zh: "厂商（时钟继续）")]),
        ], language: l)
    }

    static func priority(_ l: Language, _ ticket: QueueTicket) -> FormDialogState {
        FormDialogState(title: l.pick(en: "Priority of \(ticket.id)", zh: "\(ticket.id) 的优先级"), fields: [
            choice("priority", l.pick(en: "Priority", zh: "优先级"), Priority.allCases.map { $0.label(l) },
                   selected: Priority.allCases.firstIndex(of: ticket.priority) ?? 1),
        ], language: l)
    }
}
