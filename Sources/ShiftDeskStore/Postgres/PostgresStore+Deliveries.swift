import Foundation
import PostgresNIO
import ShiftDeskCore

extension PostgresStore {
    public func recordDelivery(_ delivery: ReportDelivery, firstOnly: Bool,
                               message: @escaping @Sendable (ReportDelivery) -> OutboxMessage) async throws(StoreError) -> ReportDelivery? {
        // Two seats may read the same latest sequence; the unique key lets one insert and the
        // other find nothing inserted, and try again with the next sequence.
        for _ in 0..<5 {
            let outcome: Outcome = try await write { session in
                let latest = try await session.rows(PG.query { b in
                    """
                    SELECT MAX(sequence) AS latest FROM report_deliveries
                    WHERE report = \(b.text(delivery.report.rawValue)) AND period_kind = \(b.text(delivery.kind.rawValue))
                      AND period = \(b.text(delivery.period))
                    """
                }).first?.optionalInt("latest") ?? nil
                if firstOnly, latest != nil { return .alreadyDelivered }
                var stored = delivery
                stored.sequence = latest.map { Int($0) + 1 } ?? 0
                stored.messageID = ReportDelivery.messageID(report: stored.report, kind: stored.kind, period: stored.period, sequence: stored.sequence)
                stored.at = Millis.stored(delivery.at)
                let inserted = try await session.rows(PG.query { b in
                    """
                    INSERT INTO report_deliveries (report, period_kind, period, sequence, at, delivered_by, recipients, digest, figures, message_id)
                    VALUES (\(b.text(stored.report.rawValue)), \(b.text(stored.kind.rawValue)), \(b.text(stored.period)), \(b.int(stored.sequence)),
                            \(b.millis(stored.at)), \(b.text(stored.by)), \(b.text(DeliveryRows.recipientsText(stored.recipients))),
                            \(b.text(stored.digest)), \(b.text(stored.figures.text)), \(b.text(stored.messageID)))
                    ON CONFLICT (report, period_kind, period, sequence) DO NOTHING RETURNING id
                    """
                })
                guard let row = inserted.first else { return firstOnly ? .alreadyDelivered : .raced }
                stored.id = try row.int("id")
                try await Self.queue(session, message(stored))
                return .recorded(stored)
            }
            switch outcome {
            case let .recorded(stored): return stored
            case .alreadyDelivered: return nil
            case .raced: continue
            }
        }
        throw StoreError.failure("another seat kept recording deliveries of \(delivery.report.rawValue) \(delivery.period) at the same time; try again")
    }

    private enum Outcome: Sendable {
        case recorded(ReportDelivery)
        case alreadyDelivered
        case raced
    }

    public func reportDeliveries(kind: ReportPeriod.Kind?, period: String?) async throws(StoreError) -> [ReportDelivery] {
        try await read { session in
            try await session.rows(PG.query { b in
                var conditions: [String] = []
                if let kind { conditions.append("period_kind = \(b.text(kind.rawValue))") }
                if let period { conditions.append("period = \(b.text(period))") }
                let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
                return "SELECT \(DeliveryRows.columns) FROM report_deliveries\(filter) ORDER BY at, id"
            }).map { row throws(StoreError) -> ReportDelivery in
                try DeliveryRows.delivery(id: try row.int("id"), report: try row.text("report"), kind: try row.text("period_kind"),
                                          period: try row.text("period"), sequence: try row.int("sequence"), at: try row.int("at"),
                                          by: try row.text("delivered_by"), recipients: try row.text("recipients"), digest: try row.text("digest"),
                                          figures: try row.text("figures"), messageID: try row.text("message_id"))
            }
        }
    }

    public func deliveryMail(_ delivery: Int64) async throws(StoreError) -> OutboxMessage? {
        try await read { session in
            try await session.rows(PG.query { b in
                "SELECT \(PostgresRows.outboxColumns) FROM outbox WHERE delivery = \(b.int(delivery)) ORDER BY id LIMIT 1"
            }).first.map(PostgresRows.outbox)
        }
    }

    public func earliestOpening() async throws(StoreError) -> Date? {
        try await read { session in
            try await session.rows("SELECT MIN(opened_at) AS first FROM tickets").first?.optionalDate("first") ?? nil
        }
    }
}
