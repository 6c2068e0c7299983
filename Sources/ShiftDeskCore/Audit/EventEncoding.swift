import Foundation

/// The canonical encoding of one event, the bytes its chain hash covers. Defined once, here;
/// both stores and `audit verify` hash exactly these bytes (README, "The record holds").
///
/// Layout (every integer big-endian, every text UTF-8 as stored, never normalised):
///
///     "SDE1"                      4 bytes: ShiftDesk event, encoding version 1
///     position    int64           the event's place in the chain, 1 for the first event
///     id          int64           the event id
///     ticket      int64           the ticket's number (INC-000004 → 4)
///     actor       text
///     at          int64           the instant in milliseconds since 1970-01-01T00:00:00Z (as stored)
///     kind        text            `EventKind`'s raw value (`noted`, `problem_linked`, …)
///     origin      text            `EventOrigin`'s raw value (`local`, `serve`)
///     changes     uint32 count, then per change: field text, before optional, after optional
///     note        optional
///
///     text        = uint32 byte length, then the bytes
///     optional    = 0x00 when absent; 0x01 then text when present (an empty text is present)
///
/// Every variable part is length-prefixed, so no two different events have the same bytes.
/// The chain: `hash(n) = SHA-256(hash(n-1) ‖ encoding(n))`, with 32 zero bytes before the first.
public enum EventEncoding {
    /// What stands before the first event's encoding in its hash.
    public static let genesis = [UInt8](repeating: 0, count: 32)
    static let tag: [UInt8] = Array("SDE1".utf8)

    /// The instant as the stores keep it: milliseconds since 1970, rounded.
    public static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func bytes(of event: TicketEvent, position: Int64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96 + event.actor.utf8.count + (event.note?.utf8.count ?? 0) + event.changes.count * 48)
        append(event, position: position, to: &out)
        return out
    }

    public static func append(_ event: TicketEvent, position: Int64, to out: inout [UInt8]) {
        out += tag
        int64(position, &out)
        int64(event.id, &out)
        int64(event.ticket.number, &out)
        appendAfterTicket(event, to: &out)
    }

    /// The encoding after the event's ticket number (its actor onwards): what a writer sends to
    /// a server that takes the position, the id and the ticket's number itself and hashes
    /// `tag ‖ position ‖ id ‖ ticket ‖ this` there.
    public static func afterTicket(of event: TicketEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(72 + event.actor.utf8.count + (event.note?.utf8.count ?? 0) + event.changes.count * 48)
        appendAfterTicket(event, to: &out)
        return out
    }

    /// "SDE1" as hexadecimal, for a server that builds the encoding's head itself.
    public static var tagHex: String { hex(tag) }

    private static func appendAfterTicket(_ event: TicketEvent, to out: inout [UInt8]) {
        text(event.actor, &out)
        int64(millis(event.at), &out)
        text(event.kind.rawValue, &out)
        text(event.origin.rawValue, &out)
        uint32(UInt32(truncatingIfNeeded: event.changes.count), &out)
        for change in event.changes {
            text(change.field, &out)
            optional(change.before, &out)
            optional(change.after, &out)
        }
        optional(event.note, &out)
    }

    static func int64(_ value: Int64, _ out: inout [UInt8]) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    static func uint32(_ value: UInt32, _ out: inout [UInt8]) {
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    static func text(_ value: String, _ out: inout [UInt8]) {
        let utf8 = value.utf8
        uint32(UInt32(truncatingIfNeeded: utf8.count), &out)
        out.append(contentsOf: utf8)
    }

    static func optional(_ value: String?, _ out: inout [UInt8]) {
        guard let value else { out.append(0); return }
        out.append(1)
        text(value, &out)
    }

    /// Lower-case hexadecimal, as reports and `audit verify` print hashes.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
