import Foundation
import GRDB
import ShiftDeskCore

extension SQLiteStore {
    public func documentEvents(_ document: String?) async throws(StoreError) -> [DocumentEvent] {
        try await guarded {
            try await pool.read { db in
                let rows = try document.map { name in
                    try Row.fetchAll(db, sql: "SELECT id, document, actor, at, kind, payload FROM document_events WHERE document = ? ORDER BY id",
                                     arguments: [name])
                } ?? Row.fetchAll(db, sql: "SELECT id, document, actor, at, kind, payload FROM document_events ORDER BY id")
                return try rows.map { row throws(StoreError) -> DocumentEvent in
                    try DocumentRows.event(id: row["id"], document: row["document"], actor: row["actor"], at: row["at"],
                                           kind: row["kind"], payload: row["payload"])
                }
            }
        }
    }

    public func appendDocumentEvent(_ event: DocumentEvent, after: Int64) async throws(StoreError) -> DocumentEvent {
        try await guarded {
            try await pool.write { db in
                let newest = try Row.fetchOne(db, sql: "SELECT id, actor FROM document_events WHERE document = ? ORDER BY id DESC LIMIT 1",
                                              arguments: [event.document])
                let newestID: Int64 = newest?["id"] ?? 0
                guard newestID == after else {
                    throw StoreError.documentChanged(document: event.document, changedBy: newest?["actor"] ?? "?")
                }
                try db.execute(sql: "INSERT INTO document_events (document, actor, at, kind, payload) VALUES (?, ?, ?, ?, ?)",
                               arguments: [event.document, event.actor, Millis.from(event.at), event.kind.rawValue, event.payload.encoded()])
                var stored = event
                stored.id = db.lastInsertedRowID
                stored.at = Millis.stored(event.at)
                try Self.journal(db, [stored.journalState], actor: stored.actor, at: stored.at, origin: .local)
                return stored
            }
        }
    }
}

/// Reading a stored document event back, the same for both backends.
enum DocumentRows {
    static func event(id: Int64, document: String, actor: String, at: Int64, kind: String, payload: String) throws(StoreError) -> DocumentEvent {
        guard let kind = DocumentEventKind(rawValue: kind) else { throw .corrupt("document event \(id) has kind \"\(kind)\"") }
        guard let payload = DocumentPayload.decoded(payload) else { throw .corrupt("document event \(id) has an unreadable payload") }
        return DocumentEvent(id: id, document: document, actor: actor, at: Millis.date(at), kind: kind, payload: payload)
    }
}
