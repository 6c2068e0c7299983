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
        return result
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

    /// The last verification as the settings table keeps it: instant, result, head.
    public static func record(_ verification: AuditVerification, at instant: Date) -> String {
        var fields: [(String, JSONValue)] = [
            ("at", .instant(instant)),
            ("result", .string(verification.holds ? "holds" : "broken")),
            ("checked", .int(Int64(verification.checked))),
        ]
        if let head = verification.head {
            fields += [("head_event", .int(head.lastID)), ("head_events", .int(head.count)), ("head_sha256", .string(head.hex))]
        }
        if let from = verification.from { fields.append(("from", .int(from))) }
        if let found = verification.firstBreak {
            fields += [("break", .string(found.kind)), ("event", found.event.map { .int($0) } ?? .null), ("message", .string(found.message(.en)))]
        }
        return JSONValue.object(fields).serialized(pretty: false)
    }
}
