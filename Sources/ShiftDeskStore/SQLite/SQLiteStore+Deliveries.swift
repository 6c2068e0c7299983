import Foundation
import GRDB
import ShiftDeskCore

extension SQLiteStore {
    public func recordDelivery(_ delivery: ReportDelivery, firstOnly: Bool,
                               message: @escaping @Sendable (ReportDelivery) -> OutboxMessage) async throws(StoreError) -> ReportDelivery? {
        try await guarded {
            try await pool.write { db in
                // Writes are serialised (BEGIN IMMEDIATE): the sequence read here is still the latest when inserted.
                let latest = try Int.fetchOne(db, sql: """
                    SELECT MAX(sequence) FROM report_deliveries WHERE report = ? AND period_kind = ? AND period = ?
                    """, arguments: [delivery.report.rawValue, delivery.kind.rawValue, delivery.period])
                if firstOnly, latest != nil { return nil }
                var stored = delivery
                stored.sequence = latest.map { $0 + 1 } ?? 0
                stored.messageID = ReportDelivery.messageID(report: stored.report, kind: stored.kind, period: stored.period, sequence: stored.sequence)
                stored.at = Millis.stored(delivery.at)
                try db.execute(sql: """
                    INSERT INTO report_deliveries (report, period_kind, period, sequence, at, delivered_by, recipients, digest, figures, message_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [stored.report.rawValue, stored.kind.rawValue, stored.period, stored.sequence, Millis.from(stored.at),
                                     stored.by, DeliveryRows.recipientsText(stored.recipients), stored.digest, stored.figures.text,
                                     stored.messageID])
                stored.id = db.lastInsertedRowID
                try Self.queue(db, message(stored))
                return stored
            }
        }
    }

    public func reportDeliveries(kind: ReportPeriod.Kind?, period: String?) async throws(StoreError) -> [ReportDelivery] {
        try await guarded {
            try await pool.read { db in
                var sql = "SELECT \(DeliveryRows.columns) FROM report_deliveries"
                var arguments: StatementArguments = []
                var conditions: [String] = []
                if let kind { conditions.append("period_kind = ?"); arguments += [kind.rawValue] }
                if let period { conditions.append("period = ?"); arguments += [period] }
                if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
                return try Row.fetchAll(db, sql: sql + " ORDER BY at, id", arguments: arguments).map { row throws(StoreError) -> ReportDelivery in
                    try DeliveryRows.delivery(id: row["id"], report: row["report"], kind: row["period_kind"], period: row["period"],
                                              sequence: row["sequence"], at: row["at"], by: row["delivered_by"], recipients: row["recipients"],
                                              digest: row["digest"], figures: row["figures"], messageID: row["message_id"])
                }
            }
        }
    }

    public func deliveryMail(_ delivery: Int64) async throws(StoreError) -> OutboxMessage? {
        try await guarded {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.outboxColumns) FROM outbox WHERE delivery = ? ORDER BY id LIMIT 1",
                                 arguments: [delivery]).map(SQLiteRows.outbox)
            }
        }
    }

    public func earliestOpening() async throws(StoreError) -> Date? {
        try await guarded {
            try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MIN(opened_at) FROM tickets").map(Millis.date) }
        }
    }
}

/// Reading a stored delivery back, the same for both backends.
enum DeliveryRows {
    static let columns = "id, report, period_kind, period, sequence, at, delivered_by, recipients, digest, figures, message_id"

    static func recipientsText(_ recipients: [String]) -> String { recipients.joined(separator: "\n") }

    static func delivery(id: Int64, report: String, kind: String, period: String, sequence: Int64, at: Int64, by: String, recipients: String,
                         digest: String, figures: String, messageID: String) throws(StoreError) -> ReportDelivery {
        guard let which = ReportDelivery.Report(rawValue: report), let periodKind = ReportPeriod.Kind(rawValue: kind),
              let read = DeliveredFigures(text: figures) else {
            throw .corrupt("report delivery \(id) (\(report) \(kind) \(period)) is unreadable")
        }
        return ReportDelivery(id: id, report: which, kind: periodKind, period: period, sequence: Int(sequence), at: Millis.date(at), by: by,
                              recipients: recipients.split(separator: "\n").map(String.init), digest: digest, figures: read, messageID: messageID)
    }
}
