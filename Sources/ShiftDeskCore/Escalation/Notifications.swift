import Foundation

/// One rung of one priority's ladder, as fired for one ticket. Unique in the store, so any
/// number of consoles and escalators record it exactly once.
public struct FiredStep: Sendable, Hashable {
    public var ticket: TicketID
    public var priority: Priority
    public var level: Int
    /// When the step fell due.
    public var dueAt: Date
    public var firedAt: Date
    /// Which process or operator recorded it (`escalator@host:pid`, a login).
    public var firedBy: String

    public init(ticket: TicketID, priority: Priority, level: Int, dueAt: Date, firedAt: Date, firedBy: String) {
        self.ticket = ticket
        self.priority = priority
        self.level = level
        self.dueAt = dueAt
        self.firedAt = firedAt
        self.firedBy = firedBy
    }
}

/// A notification waiting in the outbox: an e-mail to deliver, a phone call an operator
/// must make and confirm, or a notice an operator must see on their console.
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    /// The incident an escalation step is about; nil for a message about a problem.
    public var ticket: TicketID?
    /// The problem a message is about (one raised, for the problem managers); nil for an
    /// escalation step.
    public var problem: ProblemID?
    /// The escalation step's priority and rung; nil for a message about a problem.
    public var priority: Priority?
    /// The escalation step's level; 0 for messages that are not a step (``kind``), nil for a
    /// message about a problem.
    public var level: Int?
    /// What the message is about: an escalation step, or one of the duty table's other messages.
    public var kind: MessageKind
    /// The escalation role it goes to; nil for a message to an operator (``recipientLogin``).
    public var recipientRole: RecipientRole?
    /// The operator it goes to, when it goes to one: their address is the one on record when
    /// the message is delivered (`operator edit --email`), not when it was queued.
    public var recipientLogin: String?
    /// An e-mail address, or for phone calls the person or role to call.
    public var address: String
    public var via: ContactMethod
    /// Derived from ticket, step and recipient: the same message is never queued twice.
    public var messageID: String
    public var subject: String
    public var body: String
    public var createdAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var deliveredAt: Date?
    /// For phone calls: who confirmed they called.
    public var confirmedBy: String?
    /// The report delivery a report's mail carries (``ReportDelivery``); nil for other messages.
    public var delivery: Int64?
    /// Parts besides the plain-text ``body``: an HTML alternative and attachments (a report's).
    public var parts: [MailPart] = []

    public init(id: Int64 = 0, ticket: TicketID, priority: Priority, level: Int, kind: MessageKind = .escalation,
                recipientRole: RecipientRole?, recipientLogin: String? = nil,
                address: String, via: ContactMethod, subject: String, body: String, createdAt: Date,
                attempts: Int = 0, nextAttemptAt: Date? = nil, lastError: String? = nil, deliveredAt: Date? = nil,
                confirmedBy: String? = nil, messageID: String? = nil) {
        self.id = id
        self.ticket = ticket
        self.problem = nil
        self.priority = priority
        self.level = level
        self.kind = kind
        self.recipientRole = recipientRole
        self.recipientLogin = recipientLogin
        self.address = address
        self.via = via
        // A stored message keeps the ID it was sent with; a new escalation message is given its ID
        // here (messages of the other kinds are composed with theirs, see ResultNotice).
        self.messageID = messageID ?? OutboxMessage.messageID(ticket: ticket, priority: priority, level: level,
                                                              role: recipientRole ?? .incidentManager, address: address, via: via)
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.confirmedBy = confirmedBy
    }

    /// An e-mail about a problem (``problem`` set, no ticket, priority or rung).
    public init(id: Int64 = 0, problem: ProblemID, recipientRole: RecipientRole, address: String, subject: String, body: String,
                createdAt: Date, attempts: Int = 0, nextAttemptAt: Date? = nil, lastError: String? = nil, deliveredAt: Date? = nil,
                messageID: String? = nil) {
        self.id = id
        self.ticket = nil
        self.problem = problem
        self.priority = nil
        self.level = nil
        self.kind = .problem
        self.recipientRole = recipientRole
        self.recipientLogin = nil
        self.address = address
        self.via = .email
        self.messageID = messageID ?? "\(problem).raised.\(recipientRole.rawValue).email.\(Self.safe(address))@shiftdesk"
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.confirmedBy = nil
    }

    /// The mail of a report delivery (``delivery`` set; no ticket, problem, priority or rung),
    /// to a role addressed when it is sent (``address`` empty until then).
    public init(id: Int64 = 0, delivery: Int64, kind: MessageKind, recipientRole: RecipientRole, address: String = "", subject: String,
                body: String, parts: [MailPart], createdAt: Date, attempts: Int = 0, nextAttemptAt: Date? = nil, lastError: String? = nil,
                deliveredAt: Date? = nil, messageID: String) {
        self.id = id
        self.ticket = nil
        self.problem = nil
        self.priority = nil
        self.level = nil
        self.kind = kind
        self.recipientRole = recipientRole
        self.recipientLogin = nil
        self.address = address
        self.via = .email
        self.messageID = messageID
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.confirmedBy = nil
        self.delivery = delivery
        self.parts = parts
    }

    public static func messageID(ticket: TicketID, priority: Priority, level: Int, role: RecipientRole, address: String,
                                 via: ContactMethod) -> String {
        "\(ticket).\(priority.rawValue).\(level).\(role.rawValue).\(via.rawValue).\(safe(address))@shiftdesk"
    }

    /// An address as a Message-ID part: ASCII letters, digits and `@ . - _`, anything else `_`.
    static func safe(_ address: String) -> String {
        address.unicodeScalars.map { scalar -> String in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "@.-_".unicodeScalars.contains(scalar)
                ? String(scalar) : "_"
        }.joined()
    }
}

/// Who receives management escalations: the configured addresses of each role
/// (`[notify.roles]` in config.toml).
public struct RecipientDirectory: Sendable, Hashable {
    public var addresses: [RecipientRole: [String]]

    public init(addresses: [RecipientRole: [String]] = [:]) { self.addresses = addresses }
}


/// A part of an e-mail besides its plain-text body: the HTML form of the same text (shown
/// instead of it by a mail reader that can), or a file attached.
public struct MailPart: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        /// The same content as the body in another form (`multipart/alternative`).
        case alternative
        /// A file attached (`Content-Disposition: attachment`).
        case attachment
    }

    public var role: Role
    /// `text/html`, `text/csv`, `application/json` (UTF-8 text, all of them).
    public var contentType: String
    /// The attachment's file name; empty for an alternative.
    public var fileName: String
    public var content: String

    public init(role: Role, contentType: String, fileName: String = "", content: String) {
        self.role = role
        self.contentType = contentType
        self.fileName = fileName
        self.content = content
    }

    /// The parts as the outbox keeps them (JSON); empty text for none.
    public static func text(_ parts: [MailPart]) -> String {
        guard !parts.isEmpty, let data = try? JSONEncoder().encode(parts) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads ``text(_:)``; nil when it is not such a text.
    public static func parts(_ text: String?) -> [MailPart]? {
        guard let text, !text.isEmpty else { return [] }
        return try? JSONDecoder().decode([MailPart].self, from: Data(text.utf8))
    }
}
