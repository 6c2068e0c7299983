import Foundation

/// Where a version is in its life.
public enum DocumentVersionState: String, Sendable, Hashable, CaseIterable {
    /// Being written; may be edited.
    case draft
    /// Waiting for an owner; may not be edited.
    case submitted
    /// Approved and in force.
    case current
    /// Was current until a later version was approved; readable, never current again.
    case superseded

    public func label(_ l: Language) -> String {
        switch self {
        case .draft: l.pick(en: "draft", zh: "草稿")
        case .submitted: l.pick(en: "submitted", zh: "待审批")
        case .current: l.pick(en: "current", zh: "现行")
        case .superseded: l.pick(en: "superseded", zh: "已作废")
        }
    }
}

/// An owner's refusal of a submission.
public struct DocumentRejection: Sendable, Hashable {
    public var version: DocumentVersionNumber
    public var by: String
    public var at: Date
    public var comment: String
}

/// One version of a controlled document: approved ones keep their number for good; the working
/// version (draft or submitted) is numbered when it is submitted.
public struct DocumentVersion: Sendable, Hashable {
    public var number: DocumentVersionNumber?
    public var state: DocumentVersionState
    public var text: String
    public var digest: String
    public var author: String
    public var authoredAt: Date
    public var submitter: String?
    public var submittedAt: Date?
    public var reason: String?
    public var major: Bool
    public var approver: String?
    public var approvedAt: Date?
    public var comment: String?
    public var supersededAt: Date?
    /// Earlier submissions of this working version that an owner sent back.
    public var rejections: [DocumentRejection]

    /// `V1.1`, or `draft` for a working version not yet submitted.
    public var label: String { number?.description ?? "draft" }
}

/// A controlled document as its history makes it: its approved versions in order (the last
/// one current), the working version if any, and who acknowledged what.
public struct ControlledDocument: Sendable, Hashable {
    public var name: String
    public var title: String
    public var kind: DocumentKind
    /// The roles that must read and acknowledge each new current version.
    public var concerns: [Role]
    public var createdBy: String
    public var createdAt: Date
    /// Approved versions, oldest first: every one superseded but the last, which is current.
    public var approved: [DocumentVersion]
    /// The version being written or waiting for approval.
    public var working: DocumentVersion?
    /// The newest version each login acknowledged.
    public var acknowledged: [String: DocumentVersionNumber]
    /// The id of the newest event folded in: a write is made against it.
    public var lastEventID: Int64
    /// The instant of the newest event a person wrote: history is appended in order, never dated
    /// before it. The system's installation of the built-in policy (`init`, `migrate`) stands at
    /// the start of the desk's history, whenever the command ran, so the administrator may still
    /// date the first changes before it (back-filling, tests).
    public var latestAt: Date

    public var current: DocumentVersion? { approved.last }

    /// Approved versions, then the working one.
    public var versions: [DocumentVersion] { approved + (working.map { [$0] } ?? []) }

    public func version(_ number: DocumentVersionNumber) -> DocumentVersion? {
        versions.first { $0.number == number }
    }

    /// The version in force at `instant`: the newest approved at or before it.
    public func inForce(at instant: Date) -> DocumentVersion? {
        approved.last { ($0.approvedAt ?? .distantFuture) <= instant }
    }

    /// The number a submission now takes.
    public func nextNumber(major: Bool) -> DocumentVersionNumber {
        current?.number.map { $0.next(major: major) } ?? .first
    }

    /// Whether `person` still has to acknowledge the current version. A version the desk
    /// installed itself (`init`, `migrate`) is what everyone already worked with: nothing to read.
    public func awaitsAcknowledgement(from person: Operator) -> Bool {
        guard let current, let number = current.number, current.approver != DocumentRules.system,
              concerns.contains(person.role), !person.disabled else { return false }
        return (acknowledged[person.login] ?? DocumentVersionNumber(major: -1, minor: 0)) < number
    }

    /// Folds one document's events (oldest first). Nil when they do not start with its creation.
    public static func fold(_ events: [DocumentEvent]) -> ControlledDocument? {
        guard let first = events.first, first.kind == .created || first.kind == .installed else { return nil }
        let concerns = (first.payload.concerns ?? []).compactMap(Role.init(rawValue:))
        var document = ControlledDocument(
            name: first.document, title: first.payload.title ?? first.document, kind: first.payload.kind ?? .text,
            concerns: concerns, createdBy: first.actor, createdAt: first.at, approved: [], working: nil, acknowledged: [:],
            lastEventID: first.id, latestAt: first.actor == DocumentRules.system ? .distantPast : first.at)
        for event in events { document.apply(event) }
        return document
    }

    mutating func apply(_ event: DocumentEvent) {
        lastEventID = max(lastEventID, event.id)
        if event.actor != DocumentRules.system { latestAt = max(latestAt, event.at) }
        let payload = event.payload
        switch event.kind {
        case .created, .edited:
            var rejections = working?.rejections ?? []
            if event.kind == .created { rejections = [] }
            working = DocumentVersion(number: nil, state: .draft, text: payload.text ?? "", digest: payload.digest ?? "",
                                      author: event.actor, authoredAt: event.at, submitter: nil, submittedAt: nil, reason: nil,
                                      major: false, approver: nil, approvedAt: nil, comment: nil, supersededAt: nil,
                                      rejections: rejections)
        case .installed:
            let number = payload.version.flatMap(DocumentVersionNumber.init) ?? .first
            supersedeCurrent(at: event.at)
            approved.append(DocumentVersion(number: number, state: .current, text: payload.text ?? "", digest: payload.digest ?? "",
                                            author: event.actor, authoredAt: event.at, submitter: event.actor, submittedAt: event.at,
                                            reason: payload.reason, major: false, approver: event.actor, approvedAt: event.at,
                                            comment: payload.comment, supersededAt: nil, rejections: []))
        case .submitted:
            guard var version = working else { return }
            version.state = .submitted
            version.number = payload.version.flatMap(DocumentVersionNumber.init) ?? nextNumber(major: payload.major ?? false)
            version.submitter = event.actor
            version.submittedAt = event.at
            version.reason = payload.reason
            version.major = payload.major ?? false
            working = version
        case .approved:
            guard var version = working else { return }
            supersedeCurrent(at: event.at)
            version.state = .current
            version.approver = event.actor
            version.approvedAt = event.at
            version.comment = payload.comment
            approved.append(version)
            working = nil
        case .rejected:
            guard var version = working else { return }
            if let number = version.number {
                version.rejections.append(DocumentRejection(version: number, by: event.actor, at: event.at, comment: payload.comment ?? ""))
            }
            version.state = .draft
            version.number = nil
            version.submitter = nil
            version.submittedAt = nil
            working = version
        case .acknowledged:
            if let number = payload.version.flatMap(DocumentVersionNumber.init), number > (acknowledged[event.actor] ?? number.previous) {
                acknowledged[event.actor] = number
            }
        }
    }

    private mutating func supersedeCurrent(at instant: Date) {
        guard let last = approved.indices.last else { return }
        approved[last].state = .superseded
        approved[last].supersededAt = instant
    }
}

extension DocumentVersionNumber {
    /// Something below this number, for comparing with "nothing acknowledged yet".
    var previous: DocumentVersionNumber { DocumentVersionNumber(major: major, minor: minor - 1) }
}
