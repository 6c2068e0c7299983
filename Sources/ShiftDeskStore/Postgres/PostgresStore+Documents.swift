import Foundation
import PostgresNIO
import ShiftDeskCore

extension PostgresStore {
    public func documentEvents(_ document: String?) async throws(StoreError) -> [DocumentEvent] {
        try await read { session in
            let rows = try await session.rows(PG.query { b in
                "SELECT id, document, actor, at, kind, payload FROM document_events"
                    + (document.map { " WHERE document = \(b.text($0))" } ?? "") + " ORDER BY id"
            })
            return try rows.map { row throws(StoreError) -> DocumentEvent in
                try DocumentRows.event(id: try row.int("id"), document: try row.text("document"), actor: try row.text("actor"),
                                       at: try row.int("at"), kind: try row.text("kind"), payload: try row.text("payload"))
            }
        }
    }

    public func appendDocumentEvent(_ event: DocumentEvent, after: Int64) async throws(StoreError) -> DocumentEvent {
        try await write { session in
            // The counter's row lock serialises document writes: the check below holds until commit.
            let counter = try await session.rows("SELECT value FROM counters WHERE name = 'document_events' FOR UPDATE")
            guard let value = try counter.first?.int("value") else { throw StoreError.corrupt("no counter document_events") }
            let newest = try await session.rows(PG.query { b in
                "SELECT id, actor FROM document_events WHERE document = \(b.text(event.document)) ORDER BY id DESC LIMIT 1"
            }).first
            let newestID = try newest?.int("id") ?? 0
            guard newestID == after else {
                throw StoreError.documentChanged(document: event.document, changedBy: try newest?.text("actor") ?? "?")
            }
            let id = value + 1
            try await session.run(PG.query { b in "UPDATE counters SET value = \(b.int(id)) WHERE name = 'document_events'" })
            try await session.run(PG.query { b in
                """
                INSERT INTO document_events (id, document, actor, at, kind, payload)
                VALUES (\(b.int(id)), \(b.text(event.document)), \(b.text(event.actor)), \(b.millis(event.at)),
                        \(b.text(event.kind.rawValue)), \(b.text(event.payload.encoded())))
                """
            })
            var stored = event
            stored.id = id
            stored.at = Millis.stored(event.at)
            try await Self.journal(session, [stored.journalState], actor: stored.actor, at: stored.at, origin: .local)
            return stored
        }
    }
}
