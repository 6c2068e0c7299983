import Foundation

/// The life of a controlled document (ISO/IEC 20000-1 documented information; ROLES.md IM 1):
/// the incident manager (or an owner) writes a draft and submits it with a reason; an owner
/// other than the submitter approves it, which makes it current and supersedes the previous
/// one, or rejects it with a comment, which sends it back to draft. The auditor changes nothing.
/// Each function checks one change against the document as it stands and returns the event
/// that records it; nothing else decides these rules.
public enum DocumentRules {
    /// The name of the SLA policy and notification roster, the document the desk runs on.
    public static let policyDocument = "sla-policy"

    /// The system's login on events it writes itself (installing V1.0).
    public static let system = "system"

    /// Every role but the auditor: who acknowledges a document by default.
    public static let defaultConcerns: [Role] = Role.allCases.filter { !$0.isReadOnly }

    public static func validName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    static func requireAuthor(_ actor: Operator, _ name: String) throws(DocumentRefusal) {
        if actor.role.isReadOnly { throw DocumentRefusal(.auditorReadOnly, document: name) }
        guard actor.role == .im || actor.role == .owner else { throw DocumentRefusal(.authorRole(actor.role), document: name) }
    }

    static func requireApprover(_ actor: Operator, _ name: String) throws(DocumentRefusal) {
        if actor.role.isReadOnly { throw DocumentRefusal(.auditorReadOnly, document: name) }
        guard actor.role == .owner else { throw DocumentRefusal(.approverRole(actor.role), document: name) }
    }

    /// History is appended in order: nothing is dated before the document's latest event (to the
    /// millisecond the store keeps), so the version in force at an instant is never rewritten.
    static func checkOrder(_ document: ControlledDocument, _ instant: Date) throws(DocumentRefusal) {
        if (instant.timeIntervalSince1970 * 1000).rounded() < (document.latestAt.timeIntervalSince1970 * 1000).rounded() {
            throw DocumentRefusal(.backdated(latest: document.latestAt, attempted: instant), document: document.name)
        }
    }

    static func checkText(_ text: String, _ name: String) throws(DocumentRefusal) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw DocumentRefusal(.textRequired(what: TextField.documentText.label(.en)), document: name)
        }
        if let violation = TextField.documentText.check(text) { throw DocumentRefusal(.text(violation), document: name) }
    }

    static func checkLine(_ text: String, field: TextField, _ name: String) throws(DocumentRefusal) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DocumentRefusal(.textRequired(what: field.label(.en)), document: name) }
        if let violation = field.check(trimmed) { throw DocumentRefusal(.text(violation), document: name) }
        return trimmed
    }

    /// A new document with its first draft.
    public static func create(name: String, title: String, kind: DocumentKind, concerns: [Role], text: String, digest: String,
                              existing: ControlledDocument?, by actor: Operator, at instant: Date) throws(DocumentRefusal) -> DocumentEvent {
        try requireAuthor(actor, name)
        guard validName(name) else { throw DocumentRefusal(.invalidName(name)) }
        if existing != nil { throw DocumentRefusal(.alreadyExists(name), document: name) }
        let title = try checkLine(title, field: .documentTitle, name)
        try checkText(text, name)
        return DocumentEvent(document: name, actor: actor.login, at: instant, kind: .created,
                             payload: DocumentPayload(title: title, kind: kind, concerns: (concerns.isEmpty ? defaultConcerns : concerns).map(\.rawValue),
                                                      text: text, digest: digest))
    }

    /// A new text for the working draft (starting one after the current version if none).
    public static func edit(_ document: ControlledDocument, text: String, digest: String, by actor: Operator,
                            at instant: Date) throws(DocumentRefusal) -> DocumentEvent {
        try requireAuthor(actor, document.name)
        if let working = document.working, working.state == .submitted, let number = working.number {
            throw DocumentRefusal(.submittedLocked(number), document: document.name)
        }
        try checkText(text, document.name)
        try checkOrder(document, instant)
        return DocumentEvent(document: document.name, actor: actor.login, at: instant, kind: .edited,
                             payload: DocumentPayload(text: text, digest: digest))
    }

    /// The draft goes to the owners, numbered after the current version.
    public static func submit(_ document: ControlledDocument, reason: String, major: Bool, by actor: Operator,
                              at instant: Date) throws(DocumentRefusal) -> DocumentEvent {
        try requireAuthor(actor, document.name)
        guard let working = document.working else { throw DocumentRefusal(.noDraft, document: document.name) }
        if working.state == .submitted, let number = working.number {
            throw DocumentRefusal(.submittedLocked(number), document: document.name)
        }
        if let current = document.current, current.digest == working.digest {
            throw DocumentRefusal(.unchanged, document: document.name)
        }
        let reason = try checkLine(reason, field: .changeReason, document.name)
        try checkOrder(document, instant)
        let number = document.nextNumber(major: major)
        return DocumentEvent(document: document.name, actor: actor.login, at: instant, kind: .submitted,
                             payload: DocumentPayload(digest: working.digest, reason: reason, major: major, version: number.description))
    }

    /// An owner other than the submitter approves: the submitted version is current from `instant`.
    public static func approve(_ document: ControlledDocument, comment: String?, by actor: Operator,
                               at instant: Date) throws(DocumentRefusal) -> DocumentEvent {
        let working = try decidable(document, by: actor)
        try checkOrder(document, instant)
        let comment = try comment.flatMap { text throws(DocumentRefusal) -> String? in
            text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : try checkLine(text, field: .reviewComment, document.name)
        }
        return DocumentEvent(document: document.name, actor: actor.login, at: instant, kind: .approved,
                             payload: DocumentPayload(digest: working.digest, version: working.label, comment: comment))
    }

    /// An owner other than the submitter sends the submission back to draft with a comment.
    public static func reject(_ document: ControlledDocument, comment: String, by actor: Operator,
                              at instant: Date) throws(DocumentRefusal) -> DocumentEvent {
        let working = try decidable(document, by: actor)
        let comment = try checkLine(comment, field: .reviewComment, document.name)
        try checkOrder(document, instant)
        return DocumentEvent(document: document.name, actor: actor.login, at: instant, kind: .rejected,
                             payload: DocumentPayload(version: working.label, comment: comment))
    }

    private static func decidable(_ document: ControlledDocument, by actor: Operator) throws(DocumentRefusal) -> DocumentVersion {
        try requireApprover(actor, document.name)
        guard let working = document.working, working.state == .submitted else {
            throw DocumentRefusal(.notSubmitted, document: document.name)
        }
        if working.submitter == actor.login { throw DocumentRefusal(.ownSubmission, document: document.name) }
        return working
    }

    /// The operator read the current version.
    public static func acknowledge(_ document: ControlledDocument, by actor: Operator, at instant: Date) throws(DocumentRefusal) -> DocumentEvent {
        if actor.role.isReadOnly { throw DocumentRefusal(.auditorReadOnly, document: document.name) }
        guard let number = document.current?.number else { throw DocumentRefusal(.noCurrent, document: document.name) }
        guard document.concerns.contains(actor.role) else { throw DocumentRefusal(.notConcerned(actor.role), document: document.name) }
        if let seen = document.acknowledged[actor.login], seen >= number {
            throw DocumentRefusal(.alreadyAcknowledged(number), document: document.name)
        }
        try checkOrder(document, instant)
        return DocumentEvent(document: document.name, actor: actor.login, at: instant, kind: .acknowledged,
                             payload: DocumentPayload(version: number.description))
    }

    /// The first version installed as approved by the desk itself (no person decides it).
    public static func install(name: String, title: String, kind: DocumentKind, text: String, digest: String, reason: String,
                               at instant: Date) -> DocumentEvent {
        DocumentEvent(document: name, actor: system, at: instant, kind: .installed,
                      payload: DocumentPayload(title: title, kind: kind, concerns: defaultConcerns.map(\.rawValue), text: text,
                                               digest: digest, reason: reason, version: DocumentVersionNumber.first.description))
    }
}
