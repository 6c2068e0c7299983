import Foundation
import ShiftDeskCore

/// How a ticket's clock (``TicketClock``) is kept in its `clock` column, on every backend:
/// `;`-separated fields, instants in milliseconds since 1970 UTC. `latest:MS` and `priority:MS`
/// when known, then one `customer|resolved|problem:START-END` per stop (END empty while it
/// lasts). An empty text is a ticket without events.
enum TicketClockText {
    static func text(_ clock: TicketClock) -> String {
        var fields: [String] = []
        if let latest = clock.latestEventAt { fields.append("latest:\(Millis.from(latest))") }
        if let changed = clock.priorityChangedAt { fields.append("priority:\(Millis.from(changed))") }
        for stop in clock.stops {
            fields.append("\(stop.reason.rawValue):\(Millis.from(stop.start))-\(stop.end.map { String(Millis.from($0)) } ?? "")")
        }
        return fields.joined(separator: ";")
    }

    static func clock(_ text: String) throws(StoreError) -> TicketClock {
        var clock = TicketClock()
        for field in text.split(separator: ";") {
            guard let colon = field.firstIndex(of: ":") else { throw corrupt(text) }
            let name = field[..<colon], value = field[field.index(after: colon)...]
            switch name {
            case "latest":
                guard let millis = Int64(value) else { throw corrupt(text) }
                clock.latestEventAt = Millis.date(millis)
            case "priority":
                guard let millis = Int64(value) else { throw corrupt(text) }
                clock.priorityChangedAt = Millis.date(millis)
            default:
                guard let reason = StopReason(rawValue: String(name)), let dash = value.firstIndex(of: "-"),
                      let start = Int64(value[..<dash]) else { throw corrupt(text) }
                let endText = value[value.index(after: dash)...]
                let end = endText.isEmpty ? nil : Int64(endText)
                guard endText.isEmpty || end != nil else { throw corrupt(text) }
                clock.stops.append(StopInterval(start: Millis.date(start), end: Millis.date(end), reason: reason))
            }
        }
        return clock
    }

    private static func corrupt(_ text: String) -> StoreError {
        .corrupt("ticket clock \"\(text.prefix(80))\"")
    }
}
