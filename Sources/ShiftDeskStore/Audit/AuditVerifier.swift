import Foundation
import ShiftDeskCore

/// The chain's head and the newest event id, read in one snapshot: `audit verify` walks the
/// events up to there, so events committed while it walks are neither checked nor mistaken for
/// insertions.
public struct ChainSnapshot: Sendable {
    /// nil when the head row is missing.
    public var head: ChainHead?
    public var lastEventID: Int64

    public init(head: ChainHead?, lastEventID: Int64) {
        self.head = head
        self.lastEventID = lastEventID
    }
}

/// Tickets deleted behind the desk's back, as the rows they left behind show.
public struct RecordOrphans: Sendable, Equatable {
    /// KPI summaries whose ticket is gone.
    public var summariesWithoutTicket: [TicketID]
    /// Tickets with no event at all.
    public var ticketsWithoutEvents: [TicketID]

    public init(summariesWithoutTicket: [TicketID] = [], ticketsWithoutEvents: [TicketID] = []) {
        self.summariesWithoutTicket = summariesWithoutTicket
        self.ticketsWithoutEvents = ticketsWithoutEvents
    }
}

/// What `audit verify` found.
public struct AuditVerification: Sendable {
    /// Events whose hash was recomputed and matched.
    public var checked: Int
    /// The head as recorded when the walk began.
    public var head: ChainHead?
    /// The first thing wrong, nil when the record holds.
    public var firstBreak: ChainBreak?
    /// Where the walk started (`--from`), nil for the whole chain.
    public var from: Int64?
    /// Record journal entries (handovers…) whose hash was recomputed and matched.
    public var journalChecked = 0
    /// The record journal's head as recorded when the walk began.
    public var journalHead: JournalHead?

    public var holds: Bool { firstBreak == nil }
}

/// Walks the event chain page by page and checks the rest of the record around it (the head,
/// the tickets the events and KPI summaries name).
public enum AuditVerifier {
    public static let pageSize = 20_000

    public static func verify(_ store: any Store, from: Int64? = nil, pageSize: Int = AuditVerifier.pageSize,
                              progress: (Int) -> Void = { _ in }) async throws(StoreError) -> AuditVerification {
        let snapshot = try await store.chainSnapshot()
        let bound = max(snapshot.lastEventID, snapshot.head?.lastID ?? 0)
        var start: ChainLink?
        var after: Int64 = 0
        if let from, from > 1 {
            start = try await store.chainLink(before: from)
            after = from - 1
        }
        var walk = ChainWalk(after: start, head: snapshot.head)
        var result = AuditVerification(checked: 0, head: snapshot.head, firstBreak: nil, from: from)
        while true {
            let links = try await store.chainLinks(after: after, through: bound, limit: max(1, pageSize))
            for link in links {
                if let found = walk.check(link, sha256: ChainHash.sha256) {
                    result.checked = walk.checked
                    result.firstBreak = try await refine(found, link: link, walk: walk, store: store)
                    return result
                }
            }
            result.checked = walk.checked
            progress(walk.checked)
            guard let last = links.last, links.count >= pageSize else { break }
            after = last.event.id
        }
        if let found = walk.finish() {
            result.firstBreak = found
            return result
        }
        let orphans = try await store.recordOrphans(limit: 1)
        if let ticket = orphans.summariesWithoutTicket.first {
            result.firstBreak = .summaryWithoutTicket(ticket)
        } else if let ticket = orphans.ticketsWithoutEvents.first {
            result.firstBreak = .ticketWithoutEvents(ticket)
        }
        if result.firstBreak == nil { try await verifyJournal(store, into: &result, pageSize: pageSize) }
        return result
    }

    /// The records beside the events: the journal's chain, its head, then every stored record
    /// against the newest state the journal gave it.
    private static func verifyJournal(_ store: any Store, into result: inout AuditVerification, pageSize: Int) async throws(StoreError) {
        // The records are read before the head, so every state they show is journaled within it;
        // a record changed between the two reads looks edited, so a difference is read once more
        // before it is named.
        for attempt in 1...2 {
            let records = try await store.journaledRecords()
            let head = try await store.journalHead()
            result.journalHead = head
            var walk = JournalWalk()
            var after: Int64 = 0
            walking: while true {
                let entries = try await store.journalEntries(after: after, limit: max(1, pageSize))
                for entry in entries {
                    if let head, entry.position > head.count { break walking }
                    if let found = walk.check(entry, sha256: ChainHash.sha256) {
                        result.journalChecked = walk.checked
                        result.firstBreak = .record(found)
                        return
                    }
                }
                result.journalChecked = walk.checked
                guard let last = entries.last, entries.count >= pageSize else { break }
                after = last.position
            }
            if let found = walk.finish(head: head) {
                result.firstBreak = .record(found)
                return
            }
            guard let found = walk.compare(stored: records) else { return }
            if attempt == 2 { result.firstBreak = .record(found) }
        }
    }

    /// A link further along the chain than due is either events gone, or events moved: the
    /// position due sitting at a later id tells them apart.
    private static func refine(_ found: ChainBreak, link: ChainLink, walk: ChainWalk, store: any Store) async throws(StoreError) -> ChainBreak {
        guard case .missing = found, let position = link.position else { return found }
        let expected = walk.position + 1
        if let holder = try await store.chainEvent(atPosition: expected), holder != link.event.id {
            return .reordered(event: link.event.id, ticket: link.event.ticket, position: position, expected: expected, expectedAt: holder)
        }
        if case let .missing(after, before, count, _) = found,
           let gone = try await store.recordOrphans(limit: 1).summariesWithoutTicket.first {
            return .missing(after: after, before: before, count: count, ticket: gone)
        }
        return found
    }

    /// The settings key under which the last verification is kept (JSON).
    public static let lastVerificationKey = "audit.last_verification"

    /// The last verification as the settings table keeps it: instant, who ran it, result, head,
    /// and the first break in both languages.
    public static func record(_ verification: AuditVerification, at instant: Date, by login: String? = nil) -> String {
        var fields: [(String, JSONValue)] = [
            ("at", .instant(instant)),
            ("by", .string(login)),
            ("result", .string(verification.holds ? "holds" : "broken")),
            ("checked", .int(Int64(verification.checked))),
        ]
        if let head = verification.head {
            fields += [("head_event", .int(head.lastID)), ("head_events", .int(head.count)), ("head_sha256", .string(head.hex))]
        }
        if let from = verification.from { fields.append(("from", .int(from))) }
        if let found = verification.firstBreak {
            fields += [("break", .string(found.kind)), ("event", found.event.map { .int($0) } ?? .null), ("message", .string(found.message(.en))),
                       ("message_zh", .string(found.message(.zh)))]
        }
        return JSONValue.object(fields).serialized(pretty: false)
    }

    /// Runs the verification and records it under ``lastVerificationKey`` as `login`'s: what
    /// `audit verify` and the console's audit screen both do. A desk that cannot be written to
    /// (a read-only copy) is verified all the same.
    public static func verifyAndRecord(_ store: any Store, from: Int64? = nil, clock: any Clock, by login: String?,
                                       progress: (Int) -> Void = { _ in }) async throws(StoreError) -> AuditVerification {
        let result = try await verify(store, from: from, progress: progress)
        try? await store.setSetting(lastVerificationKey, to: record(result, at: clock.now(), by: login))
        return result
    }

    /// The last verification recorded, nil when there is none (or the record cannot be read).
    public static func lastVerification(in store: any Store) async throws(StoreError) -> LastVerification? {
        try await store.setting(lastVerificationKey).flatMap(LastVerification.init(recorded:))
    }
}

/// The last `audit verify` (or verification from the console), as recorded in the settings.
public struct LastVerification: Sendable, Equatable {
    public var at: Date
    /// The operator who ran it; nil for verifications recorded before it was kept.
    public var by: String?
    public var holds: Bool
    public var checked: Int
    /// The head as it was then.
    public var headEvent: Int64?
    public var headEvents: Int64?
    public var headSHA256: String?
    public var from: Int64?
    /// The first break: its kind (`edited`, `missing`…), event, and message in English and Chinese.
    public var breakKind: String?
    public var breakEvent: Int64?
    public var message: String?
    public var messageZH: String?

    public init(at: Date, by: String?, holds: Bool, checked: Int, headEvent: Int64? = nil, headEvents: Int64? = nil,
                headSHA256: String? = nil, from: Int64? = nil, breakKind: String? = nil, breakEvent: Int64? = nil,
                message: String? = nil, messageZH: String? = nil) {
        self.at = at
        self.by = by
        self.holds = holds
        self.checked = checked
        self.headEvent = headEvent
        self.headEvents = headEvents
        self.headSHA256 = headSHA256
        self.from = from
        self.breakKind = breakKind
        self.breakEvent = breakEvent
        self.message = message
        self.messageZH = messageZH
    }

    /// Reads what ``AuditVerifier/record(_:at:by:)`` wrote; nil for anything else.
    public init?(recorded text: String) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let atText = object["at"] as? String, let at = ISO8601.parse(atText, defaultZone: .gmt),
              let result = object["result"] as? String else { return nil }
        func int(_ key: String) -> Int64? { (object[key] as? NSNumber).map { $0.int64Value } }
        self.init(at: at, by: object["by"] as? String, holds: result == "holds", checked: Int(int("checked") ?? 0),
                  headEvent: int("head_event"), headEvents: int("head_events"), headSHA256: object["head_sha256"] as? String,
                  from: int("from"), breakKind: object["break"] as? String, breakEvent: int("event"),
                  message: object["message"] as? String, messageZH: object["message_zh"] as? String)
    }

    /// The first break in the operator's language (English when only that was recorded).
    public func breakMessage(_ l: Language) -> String? {
        l == .zh ? messageZH ?? message : message
    }
}
