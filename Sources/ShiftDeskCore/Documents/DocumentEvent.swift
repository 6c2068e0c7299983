import Foundation

/// What kind of controlled document: a text the desk reads (a duty table, a work instruction),
/// or the SLA policy and notification roster, which the desk runs on.
public enum DocumentKind: String, Codable, Sendable, Hashable, CaseIterable {
    case text
    case slaPolicy = "sla_policy"

    public func label(_ l: Language) -> String {
        switch self {
        case .text: l.pick(en: "document", zh: "文档")
        case .slaPolicy: l.pick(en: "SLA policy", zh: "SLA 策略")
        }
    }
}

/// One step in the life of a controlled document. The store keeps them append-only, one row
/// each; a document as it stands (``ControlledDocument``) is folded from them.
public enum DocumentEventKind: String, Codable, Sendable, Hashable, CaseIterable {
    /// The document was named and its first draft written.
    case created
    /// The working draft was written (a new draft after the current version, or a rewrite).
    case edited
    /// The draft went to the owners for approval, with a reason and its version number.
    case submitted
    /// An owner approved the submitted version: it is current from this instant.
    case approved
    /// An owner sent the submitted version back to draft, with a comment.
    case rejected
    /// An operator read the current version and said so.
    case acknowledged
    /// Installed as approved by the desk itself (`init`, or `migrate` of a desk made before
    /// documents existed): the first version, current from this instant.
    case installed

    public func label(_ l: Language) -> String {
        switch self {
        case .created: l.pick(en: "created", zh: "创建")
        case .edited: l.pick(en: "edited", zh: "编辑")
        case .submitted: l.pick(en: "submitted", zh: "提交审批")
        case .approved: l.pick(en: "approved", zh: "批准")
        case .rejected: l.pick(en: "rejected", zh: "驳回")
        case .acknowledged: l.pick(en: "acknowledged", zh: "已阅确认")
        case .installed: l.pick(en: "installed", zh: "系统安装")
        }
    }
}

/// What an event carries besides who, when and what kind; every field optional, each kind
/// using its own (stored as JSON).
public struct DocumentPayload: Codable, Sendable, Hashable {
    public var title: String?
    public var kind: DocumentKind?
    /// The roles a document concerns (who must acknowledge it), by raw value.
    public var concerns: [String]?
    public var text: String?
    /// SHA-256 of `text`'s UTF-8, in hex.
    public var digest: String?
    public var reason: String?
    public var major: Bool?
    public var version: String?
    public var comment: String?

    public init(title: String? = nil, kind: DocumentKind? = nil, concerns: [String]? = nil, text: String? = nil,
                digest: String? = nil, reason: String? = nil, major: Bool? = nil, version: String? = nil, comment: String? = nil) {
        self.title = title
        self.kind = kind
        self.concerns = concerns
        self.text = text
        self.digest = digest
        self.reason = reason
        self.major = major
        self.version = version
        self.comment = comment
    }

    /// Compact JSON with sorted keys: the same payload always gives the same text.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Nil when the stored text is not a payload.
    public static func decoded(_ text: String) -> DocumentPayload? {
        try? JSONDecoder().decode(DocumentPayload.self, from: Data(text.utf8))
    }
}

/// One row of a document's history: id (assigned by the store), actor, instant, kind, payload.
public struct DocumentEvent: Sendable, Hashable {
    public var id: Int64
    /// The document's name (`sla-policy`, `duty-table`).
    public var document: String
    public var actor: String
    public var at: Date
    public var kind: DocumentEventKind
    public var payload: DocumentPayload

    public init(id: Int64 = 0, document: String, actor: String, at: Date, kind: DocumentEventKind, payload: DocumentPayload) {
        self.id = id
        self.document = document
        self.actor = actor
        self.at = at
        self.kind = kind
        self.payload = payload
    }
}
