import CZlib
import Foundation
import ShiftDeskCore

/// A zip archive holding the one file to import, as the ServiceNow log is published
/// (`incident_event_log.zip`): the central directory (PKWARE's APPNOTE 4.3.12–16) names the
/// member, zlib inflates it, its CRC-32 and size are checked at its end. Stored or deflated
/// members; not zip64, encrypted or several files (each refused, saying so).
public enum Unzip {
    /// True when `data` starts with a zip local file header.
    public static func isZip(_ data: Data) -> Bool {
        data.starts(with: [0x50, 0x4B, 0x03, 0x04])
    }

    /// The only file of the archive, decompressed.
    public static func decompress(_ data: Data, file: String) throws(InterchangeIssue) -> Data {
        try onlyMember(of: data, file: file).all(file: file)
    }

    /// The only file of the archive, to read a chunk at a time.
    static func onlyMember(of data: Data, file: String) throws(InterchangeIssue) -> ZipMember {
        func refuse(_ reason: String) -> InterchangeIssue { InterchangeIssue(file: file, line: nil, reason: reason) }
        let base = data.startIndex, count = data.count
        func u16(_ at: Int) -> Int? { at >= 0 && at + 2 <= count ? Int(data[base + at]) | Int(data[base + at + 1]) << 8 : nil }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(at), let high = u16(at + 2) else { return nil }
            return low | high << 16
        }
        // The end of central directory record: 22 bytes and a comment of up to 65,535 at the end.
        var eocd: Int?
        var at = count - 22
        while at >= max(0, count - 22 - 65_535) {
            if u32(at) == 0x0605_4B50 { eocd = at; break }
            at -= 1
        }
        guard let eocd, let entries = u16(eocd + 10), let directorySize = u32(eocd + 12), let directory = u32(eocd + 16) else {
            throw refuse("not a complete zip archive (its central directory is missing: the file may be cut short); nothing was imported")
        }
        guard entries != 0xFFFF, directory != 0xFFFF_FFFF, directorySize != 0xFFFF_FFFF else {
            throw refuse("a zip64 archive, which is not read here; unzip it and import the file inside")
        }
        var members: [(name: String, flags: Int, method: Int, crc: Int, compressed: Int, size: Int, local: Int)] = []
        var next = directory
        for _ in 0..<entries {
            guard u32(next) == 0x0201_4B50, let flags = u16(next + 8), let method = u16(next + 10), let crc = u32(next + 16),
                  let compressed = u32(next + 20), let size = u32(next + 24), let nameLength = u16(next + 28),
                  let extraLength = u16(next + 30), let commentLength = u16(next + 32), let local = u32(next + 42),
                  next + 46 + nameLength <= count else {
                throw refuse("the zip archive's central directory is damaged at byte \(next + 1); nothing was imported")
            }
            let name = String(decoding: data[(base + next + 46)..<(base + next + 46 + nameLength)], as: UTF8.self)
            // Folders, and the resource forks macOS adds beside each file.
            if !name.hasSuffix("/") && !name.hasPrefix("__MACOSX/") {
                members.append((name, flags, method, crc, compressed, size, local))
            }
            next += 46 + nameLength + extraLength + commentLength
        }
        guard members.count == 1, let member = members.first else {
            let names = members.prefix(5).map(\.name).joined(separator: ", ")
            throw refuse(members.isEmpty ? "the zip archive holds no file"
                         : "the zip archive holds \(members.count) files (\(names)); unzip it and import one of them")
        }
        guard member.flags & 1 == 0 else { throw refuse("\(member.name) in the zip archive is encrypted; unzip it and import the file inside") }
        guard member.compressed != 0xFFFF_FFFF, member.size != 0xFFFF_FFFF, member.local != 0xFFFF_FFFF else {
            throw refuse("a zip64 archive, which is not read here; unzip it and import the file inside")
        }
        guard u32(member.local) == 0x0403_4B50, let nameLength = u16(member.local + 26), let extraLength = u16(member.local + 28) else {
            throw refuse("the zip archive's entry for \(member.name) is damaged at byte \(member.local + 1); nothing was imported")
        }
        let start = member.local + 30 + nameLength + extraLength
        guard start + member.compressed <= count else {
            throw refuse("the zip archive is truncated (\(member.name) ends past the end of the file); nothing was imported")
        }
        let source: any ByteChunks
        switch member.method {
        case 0: source = StoredChunks(data, range: start..<(start + member.compressed))
        case 8: source = try Inflater(data, range: start..<(start + member.compressed), framing: .raw, file: file)
        default: throw refuse("\(member.name) is compressed with method \(member.method), which is not read here (only deflate and stored); unzip it and import the file inside")
        }
        return ZipMember(name: member.name, source: source, crc: UInt32(member.crc), size: member.size, file: file)
    }
}

/// One member of a zip archive, read a chunk at a time; at its end, its CRC-32 and size must be
/// those the archive recorded.
final class ZipMember: ByteChunks {
    let name: String
    private let source: any ByteChunks
    private let crc: UInt32
    private let size: Int
    private let file: String
    private var running: uLong = crc32(0, nil, 0)
    private var read = 0

    init(name: String, source: any ByteChunks, crc: UInt32, size: Int, file: String) {
        self.name = name
        self.source = source
        self.crc = crc
        self.size = size
        self.file = file
    }

    func nextChunk() throws(InterchangeIssue) -> [UInt8]? {
        guard let chunk = try source.nextChunk() else {
            guard read == size, UInt32(truncatingIfNeeded: running) == crc else {
                throw InterchangeIssue(file: file, line: nil,
                                       reason: "\(name) in the zip archive is damaged (its size or CRC-32 is not what the archive recorded); nothing was imported")
            }
            return nil
        }
        read += chunk.count
        guard read <= size else {
            throw InterchangeIssue(file: file, line: nil, reason: "\(name) in the zip archive is longer than the archive recorded; nothing was imported")
        }
        running = chunk.withUnsafeBufferPointer { crc32(running, $0.baseAddress, uInt($0.count)) }
        return chunk
    }
}

/// A stored (uncompressed) zip member's bytes.
private final class StoredChunks: ByteChunks {
    private let data: Data
    private var offset: Int
    private let end: Int

    init(_ data: Data, range: Range<Int>) {
        self.data = data
        offset = range.lowerBound
        end = range.upperBound
    }

    func nextChunk() throws(InterchangeIssue) -> [UInt8]? {
        guard offset < end else { return nil }
        let next = min(end, offset + (1 << 20))
        let base = data.startIndex
        defer { offset = next }
        return [UInt8](data[(base + offset)..<(base + next)])
    }
}
