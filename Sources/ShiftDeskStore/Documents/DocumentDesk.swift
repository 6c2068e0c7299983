import Crypto
import Foundation
import ShiftDeskCore

/// Why a policy text cannot be used: its `file:line: reason` lines.
public struct PolicyTextProblem: Error, Sendable {
    public var lines: String
    public init(_ lines: String) { self.lines = lines }
}

/// Reads an SLA policy text (TOML) into a policy; the configuration module provides it.
public typealias PolicyParser = @Sendable (_ text: String, _ name: String) -> Result<SLAPolicy, PolicyTextProblem>

/// The controlled documents as every front end changes them: read the document's history,
/// let ``DocumentRules`` decide, append the event against the version read (a seat that
/// changed it meanwhile wins, the other is told). The SLA policy is one of them, checked with
/// `parsePolicy` when submitted; once approved it is in force for every seat from that instant.
public struct DocumentDesk: Sendable {
    public let desk: Desk
    public let parsePolicy: PolicyParser
    /// `[notify.roles]`: a submission is also mailed to its `management_owner` addresses.
    public let recipients: RecipientDirectory

    public init(desk: Desk, parsePolicy: @escaping PolicyParser, recipients: RecipientDirectory = RecipientDirectory()) {
        self.desk = desk
        self.parsePolicy = parsePolicy
        self.recipients = recipients
    }

    var store: any Store { desk.store }

    /// SHA-256 of the text's UTF-8, in hex: the digest every version records.
    public static func digest(_ text: String) -> String {
        EventEncoding.hex(Array(SHA256.hash(data: Data(text.utf8))))
    }

    public func document(_ name: String) async throws(DeskError) -> ControlledDocument? {
        do { return ControlledDocument.fold(try await store.documentEvents(name)) } catch { throw .store(error) }
    }

    public func requireDocument(_ name: String) async throws(DeskError) -> ControlledDocument {
        guard let found = try await document(name) else { throw .document(DocumentRefusal(.notFound(name))) }
        return found
    }

    /// Every document, by name.
    public func documents() async throws(DeskError) -> [ControlledDocument] {
        let events: [DocumentEvent]
        do { events = try await store.documentEvents(nil) } catch { throw .store(error) }
        return Dictionary(grouping: events, by: \.document).values.compactMap(ControlledDocument.fold).sorted { $0.name < $1.name }
    }

    /// The event `decide` makes of the document as read, appended against it.
    private func change(_ name: String, as login: String,
                        _ decide: (ControlledDocument?, Operator, Date) throws(DocumentRefusal) -> DocumentEvent) async throws(DeskError) -> ControlledDocument {
        let actor = try await requireOperator(login)
        let read = try await document(name)
        let event: DocumentEvent
        do { event = try decide(read, actor, desk.clock.now()) } catch { throw .document(error) }
        let messages = try await notices(event, before: read)
        do { _ = try await store.appendDocumentEvent(event, after: read?.lastEventID ?? 0, messages: messages) } catch { throw .store(error) }
        return try await requireDocument(name)
    }

    /// The mail `event` sends (``DocumentNotice``), queued with it.
    private func notices(_ event: DocumentEvent, before: ControlledDocument?) async throws(DeskError) -> [OutboxMessage] {
        guard [.submitted, .approved, .rejected].contains(event.kind) else { return [] }
        let operators: [Operator]
        do { operators = try await store.operators() } catch { throw .store(error) }
        return DocumentNotice.compose(event, before: before, operators: operators, recipients: desk.roster(or: recipients), timeZone: desk.policy.timeZone)
    }

    private func requireOperator(_ login: String) async throws(DeskError) -> Operator {
        try await desk.requireOperator(login)
    }

    private func existing(_ document: ControlledDocument?, _ name: String) throws(DocumentRefusal) -> ControlledDocument {
        guard let document else { throw DocumentRefusal(.notFound(name)) }
        return document
    }

    public func create(_ name: String, title: String, concerns: [Role], text: String, as login: String) async throws(DeskError) -> ControlledDocument {
        if name == DocumentRules.policyDocument { throw .document(DocumentRefusal(.policyThroughPolicy, document: name)) }
        return try await change(name, as: login) { read, actor, now throws(DocumentRefusal) in
            try DocumentRules.create(name: name, title: title, kind: .text, concerns: concerns, text: text, digest: Self.digest(text),
                                     existing: read, by: actor, at: now)
        }
    }

    public func edit(_ name: String, text: String, as login: String) async throws(DeskError) -> ControlledDocument {
        try await change(name, as: login) { read, actor, now throws(DocumentRefusal) in
            try DocumentRules.edit(try existing(read, name), text: text, digest: Self.digest(text), by: actor, at: now)
        }
    }

    /// Submits the draft; an SLA policy must pass its checks first.
    public func submit(_ name: String, reason: String, major: Bool, as login: String) async throws(DeskError) -> ControlledDocument {
        if let read = try await document(name), read.kind == .slaPolicy, let working = read.working, working.state == .draft,
           case let .failure(problem) = parsePolicy(working.text, "\(name) draft") {
            throw .document(DocumentRefusal(.invalidPolicy(problem.lines), document: name))
        }
        return try await change(name, as: login) { read, actor, now throws(DocumentRefusal) in
            try DocumentRules.submit(try existing(read, name), reason: reason, major: major, by: actor, at: now)
        }
    }

    public func approve(_ name: String, comment: String?, as login: String) async throws(DeskError) -> ControlledDocument {
        try await change(name, as: login) { read, actor, now throws(DocumentRefusal) in
            try DocumentRules.approve(try existing(read, name), comment: comment, by: actor, at: now)
        }
    }

    public func reject(_ name: String, comment: String, as login: String) async throws(DeskError) -> ControlledDocument {
        try await change(name, as: login) { read, actor, now throws(DocumentRefusal) in
            try DocumentRules.reject(try existing(read, name), comment: comment, by: actor, at: now)
        }
    }

    public func acknowledge(_ name: String, as login: String) async throws(DeskError) -> ControlledDocument {
        try await change(name, as: login) { read, actor, now throws(DocumentRefusal) in
            try DocumentRules.acknowledge(try existing(read, name), by: actor, at: now)
        }
    }

    /// The operators who still have to acknowledge the document's current version.
    public func pendingAcknowledgements(_ document: ControlledDocument) async throws(DeskError) -> [Operator] {
        do {
            return try await store.operators().filter(document.awaitsAcknowledgement(from:)).sorted { $0.login < $1.login }
        } catch {
            throw .store(error)
        }
    }

    /// The current versions `login` has not acknowledged yet (the console's banner).
    public func unacknowledged(by person: Operator) async throws(DeskError) -> [ControlledDocument] {
        try await documents().filter { $0.awaitsAcknowledgement(from: person) }
    }

    // MARK: The SLA policy

    /// Proposes a policy text: a new draft of the policy document, submitted at once with the reason.
    public func proposePolicy(_ text: String, reason: String, major: Bool, as login: String) async throws(DeskError) -> ControlledDocument {
        let name = DocumentRules.policyDocument
        if case let .failure(problem) = parsePolicy(text, "policy") {
            throw .document(DocumentRefusal(.invalidPolicy(problem.lines), document: name))
        }
        if try await document(name) == nil {
            throw .document(DocumentRefusal(.noCurrent, document: name))
        }
        _ = try await edit(name, text: text, as: login)
        return try await submit(name, reason: reason, major: major, as: login)
    }

    /// Every approved policy version with the instant it came into force. A version whose text
    /// no longer reads (it was checked when submitted) is a damaged record: refused by name.
    public func policyTimeline(fallback: SLAPolicy) async throws(DeskError) -> PolicyTimeline {
        guard let record = try await document(DocumentRules.policyDocument) else { return PolicyTimeline(entries: [], fallback: fallback) }
        var entries: [PolicyTimeline.Entry] = []
        for version in record.approved {
            guard let number = version.number, let from = version.approvedAt else { continue }
            switch parsePolicy(version.text, "\(DocumentRules.policyDocument) \(number)") {
            case let .success(policy): entries.append(PolicyTimeline.Entry(version: number, from: from, policy: policy))
            case let .failure(problem): throw .store(.corrupt(problem.lines))
            }
        }
        return PolicyTimeline(entries: entries, fallback: fallback)
    }

    /// Installs `text` as the approved V1.0 of the policy when the desk has no policy record
    /// yet (`init`, and `migrate` of a desk made before documents). False when it had one.
    @discardableResult
    public func installPolicyIfMissing(_ text: String, reason: String) async throws(DeskError) -> Bool {
        let name = DocumentRules.policyDocument
        if try await document(name) != nil { return false }
        if case let .failure(problem) = parsePolicy(text, "policy") {
            throw .document(DocumentRefusal(.invalidPolicy(problem.lines), document: name))
        }
        let event = DocumentRules.install(name: name, title: "SLA 策略与通知名单 · SLA policy and notification roster", kind: .slaPolicy, text: text,
                                          digest: Self.digest(text), reason: reason, at: desk.clock.now())
        do {
            _ = try await store.appendDocumentEvent(event, after: 0)
        } catch .documentChanged {
            return false  // another seat installed it at the same moment
        } catch {
            throw .store(error)
        }
        return true
    }
}
