import Crypto
import Foundation
import ShiftDeskCore

/// SHA-256 of the event chain (swift-crypto): `hash(n) = SHA-256(hash(n-1) ‖ encoding(n))`, the
/// encoding being ``EventEncoding``'s.
enum ChainHash {
    static func sha256(_ previous: [UInt8], _ encoding: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        hasher.update(data: encoding)
        return Array(hasher.finalize())
    }

    static func of(_ event: TicketEvent, position: Int64, after previous: [UInt8]) -> [UInt8] {
        sha256(previous, EventEncoding.bytes(of: event, position: position))
    }

    /// Lower-case hex back to bytes; nil for anything else.
    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 0x30...0x39: return digit - 0x30
            case 0x61...0x66: return digit - 0x61 + 10
            case 0x41...0x46: return digit - 0x41 + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

/// The chain's end inside one writing transaction: read once under the write lock (SQLite's
/// `BEGIN IMMEDIATE`, PostgreSQL's lock on the event counter's row), advanced by every event the
/// transaction appends, and written back as the head row before it commits.
struct ChainTail: Sendable {
    /// The newest event id (SQLite: the newest ever handed out, so ids never repeat).
    var lastID: Int64
    var count: Int64
    var hash: [UInt8]

    init(lastID: Int64, count: Int64, hash: [UInt8]) {
        self.lastID = lastID
        self.count = count
        self.hash = hash
    }

    init(_ head: ChainHead) { self.init(lastID: head.lastID, count: head.count, hash: head.hash) }

    /// Chains `event` (its id already assigned): returns its position and hash.
    mutating func append(_ event: TicketEvent) -> (position: Int64, hash: [UInt8]) {
        let position = count + 1
        let hash = ChainHash.of(event, position: position, after: self.hash)
        lastID = max(lastID, event.id)
        count = position
        self.hash = hash
        return (position, hash)
    }

    var head: ChainHead { ChainHead(lastID: lastID, count: count, hash: hash) }
}
