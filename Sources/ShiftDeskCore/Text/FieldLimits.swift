import Foundation

/// Every text a person or a file can put into the desk, with its limit: the one place the
/// limits live (the README lists them from here). A limit counts characters as a reader sees
/// them (grapheme clusters: 中, é and 👍🏽 are one each). Control characters are refused
/// everywhere; a line break (and a tab) only in the fields that hold several lines.
public enum TextField: String, CaseIterable, Sendable, Hashable {
    case title, description, caller, phone, department, category, service
    case note, resolution, comment
    case handoverNote = "handover_note"
    case problemTitle = "problem_title"
    /// A problem's root cause, and the symptom and workaround of its known error.
    case rootCause = "root_cause"
    case symptom, workaround
    case documentText = "document_text"
    case documentTitle = "document_title"
    case changeReason = "change_reason"
    case reviewComment = "review_comment"
    case operatorName = "operator_name"
    /// An operator's or a caller's e-mail address (see ``EmailAddress``).
    case email
    /// The desk's name in the subject of the reports it mails (`[desk] name` of config.toml).
    case deskName = "desk_name"

    public var limit: Int {
        switch self {
        case .title, .problemTitle, .documentTitle: 200
        case .symptom: 500
        case .changeReason, .reviewComment: 1000
        case .description, .note, .resolution, .handoverNote, .rootCause, .workaround: 4000
        case .comment: 1000
        case .caller, .department, .category, .service, .operatorName, .deskName: 100
        case .phone: 40
        case .email: 254
        case .documentText: 200_000
        }
    }

    /// Whether the text may hold line breaks and tabs.
    public var isMultiline: Bool {
        switch self {
        case .description, .note, .resolution, .comment, .handoverNote, .documentText, .rootCause, .workaround: true
        default: false
        }
    }

    /// What the field may hold besides letters of any script, digits, spaces and punctuation.
    public var allowed: String {
        switch self {
        case .phone: "digits, spaces and + - ( ) . / # * , ; x ext"
        case .email: "an address such as name@example.com, without blanks"
        default: isMultiline ? "any printable text and line breaks" : "any printable text on one line"
        }
    }

    public func label(_ l: Language) -> String {
        switch self {
        case .title: l.pick(en: "title", zh: "标题")
        case .description: l.pick(en: "description", zh: "描述")
        case .caller: l.pick(en: "caller", zh: "报障人")
        case .phone: l.pick(en: "phone", zh: "电话")
        case .department: l.pick(en: "department", zh: "部门")
        case .category: l.pick(en: "category", zh: "类别")
        case .service: l.pick(en: "affected service", zh: "受影响服务")
        case .note: l.pick(en: "note", zh: "备注")
        case .resolution: l.pick(en: "resolution", zh: "解决方案")
        case .comment: l.pick(en: "survey comment", zh: "满意度意见")
        case .handoverNote: l.pick(en: "handover note", zh: "交接说明")
        case .problemTitle: l.pick(en: "problem title", zh: "问题单标题")
        case .rootCause: l.pick(en: "root cause", zh: "根本原因")
        case .symptom: l.pick(en: "symptom", zh: "故障现象")
        case .workaround: l.pick(en: "workaround", zh: "临时解决办法")
        case .documentText: l.pick(en: "document text", zh: "文档正文")
        case .documentTitle: l.pick(en: "document title", zh: "文档标题")
        case .changeReason: l.pick(en: "reason for the change", zh: "变更原因")
        case .reviewComment: l.pick(en: "approval comment", zh: "审批意见")
        case .operatorName: l.pick(en: "operator name", zh: "操作员姓名")
        case .email: l.pick(en: "e-mail address", zh: "电子邮箱")
        case .deskName: l.pick(en: "desk name", zh: "服务台名称")
        }
    }

    /// Nil when `text` fits; otherwise what is wrong with it.
    public func check(_ text: String) -> TextViolation? {
        // Cheap first: no character a reader sees takes more than 32 bytes in practice.
        if text.utf8.count > limit * 32 || text.count > limit { return TextViolation(field: self, kind: .tooLong(limit: limit)) }
        for scalar in text.unicodeScalars where !accepts(scalar) {
            return TextViolation(field: self, kind: scalar == "\n" || scalar == "\r" || scalar == "\t" ? .lineBreak : .character(scalar.value))
        }
        if self == .email, !EmailAddress.isValid(text) { return TextViolation(field: self, kind: .notAnAddress) }
        return nil
    }

    /// Whether one more character may be typed into a form field already holding `text`.
    public func accepts(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\n", "\t", "\r": return isMultiline
        default: break
        }
        let category = scalar.properties.generalCategory
        if category == .control || category == .surrogate || category == .unassigned { return false }
        // Bidirectional overrides and isolates can make a text read differently than it is stored.
        if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) { return false }
        if self == .phone {
            return ("0"..."9").contains(scalar) || " +-()./#*,;xXextEXT".unicodeScalars.contains(scalar)
        }
        return true
    }
}

/// Why a text does not fit its field.
public struct TextViolation: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case tooLong(limit: Int)
        case lineBreak
        /// The offending Unicode scalar.
        case character(UInt32)
        /// Not an e-mail address (``EmailAddress/isValid(_:)``).
        case notAnAddress
    }

    public var field: TextField
    public var kind: Kind

    public init(field: TextField, kind: Kind) {
        self.field = field
        self.kind = kind
    }

    public var description: String { message(.en) }

    public func message(_ l: Language) -> String {
        let name = field.label(l)
        switch kind {
        case let .tooLong(limit):
            return l.pick(en: "the \(name) takes at most \(limit) characters", zh: "\(name)最多 \(limit) 个字符")
        case .lineBreak:
            return l.pick(en: "the \(name) must be one line", zh: "\(name)只能是一行")
        case let .character(value):
            let code = "U+" + String(value, radix: 16, uppercase: true).leftPadded(to: 4)
            return l.pick(en: "the \(name) holds a character it cannot (\(code)); allowed: \(field.allowed)",
                          zh: "\(name)含有不允许的字符（\(code)）")
        case .notAnAddress:
            return l.pick(en: "the \(name) must look like name@example.com, without blanks",
                          zh: "\(name)格式应为 name@example.com，不含空格")
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension TicketDraft {
    /// The first text of the draft that does not fit its field (as stored: blanks around it trimmed).
    public func textViolation() -> TextViolation? {
        let texts: [(TextField, String?)] = [
            (.title, title), (.description, description), (.caller, caller.name), (.phone, caller.phone),
            (.department, caller.department), (.category, category), (.service, affectedService),
            (.email, caller.email.nonEmpty),
        ]
        for (field, text) in texts {
            if let text, let violation = field.check(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return violation }
        }
        return nil
    }
}

extension TicketAction {
    /// The first text of the action that does not fit its field.
    public func textViolation() -> TextViolation? {
        switch self {
        case let .escalate(_, note): note.flatMap { TextField.note.check($0) }
        case let .resolve(text, _), let .resolveWithWorkaround(text, _), let .resolveWithKnownError(_, text), let .resolveByProblem(_, text):
            TextField.resolution.check(text)
        case let .reopen(text), let .note(text, _): TextField.note.check(text)
        case let .close(.rated(_, comment)?): comment.flatMap { TextField.comment.check($0) }
        default: nil
        }
    }
}

extension TicketHistory {
    /// The first text of an imported history that does not fit its field: the ticket's own
    /// fields, its resolution and the notes of its events.
    public func textViolation() -> TextViolation? {
        let t = ticket
        let texts: [(TextField, String?)] = [
            (.title, t.title), (.description, t.description), (.caller, t.caller.name), (.phone, t.caller.phone),
            (.department, t.caller.department), (.category, t.category), (.service, t.affectedService),
            (.email, t.caller.email), (.resolution, t.resolutionNote),
        ]
        for (field, text) in texts { if let text, let violation = field.check(text) { return violation } }
        for event in events { if let note = event.note, let violation = TextField.note.check(note) { return violation } }
        return nil
    }
}
