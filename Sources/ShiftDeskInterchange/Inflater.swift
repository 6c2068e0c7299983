import CZlib
import Foundation
import ShiftDeskCore

/// Where an import reads its bytes from, a chunk at a time: nil at the end.
protocol ByteChunks: AnyObject {
    func nextChunk() throws(InterchangeIssue) -> [UInt8]?
}

extension ByteChunks {
    /// Every chunk, as one block, for a reader that needs the whole file (XES): refused past
    /// `limit` bytes, so a small compressed file cannot fill the memory.
    func all(file: String, limit: Int = ImportInput.decompressedLimit) throws(InterchangeIssue) -> Data {
        var data = Data()
        while let chunk = try nextChunk() {
            guard data.count + chunk.count <= limit else {
                throw InterchangeIssue(file: file, line: nil,
                                       reason: "it decompresses to more than \(limit >> 20) MiB, more than is read into memory; nothing was imported")
            }
            data.append(contentsOf: chunk)
        }
        return data
    }
}

/// A file read as it is.
final class FileChunks: ByteChunks {
    private let handle: FileHandle
    private let file: String
    private static let chunk = 1 << 20

    init(_ handle: FileHandle, file: String) {
        self.handle = handle
        self.file = file
    }

    func nextChunk() throws(InterchangeIssue) -> [UInt8]? {
        let data: Data?
        do { data = try handle.read(upToCount: Self.chunk) } catch {
            throw InterchangeIssue(file: file, line: nil, reason: "read error: \(error.localizedDescription)")
        }
        guard let data, !data.isEmpty else { return nil }
        return [UInt8](data)
    }
}

/// Deflate data inflated through zlib a chunk at a time, so a log never sits whole in memory
/// uncompressed: a gzip file (RFC 1952, several members in a row included) or a zip member's raw
/// deflate data. Data cut short is an error, never a silently shorter log.
final class Inflater: ByteChunks {
    enum Framing {
        /// A gzip file: header and trailer checked by zlib; trailing zero padding allowed.
        case gzip
        /// Raw deflate, as a zip archive stores a member (its CRC is checked by the caller).
        case raw
    }

    private var stream = z_stream()
    private let input: Data
    private var offset: Int
    private let end: Int
    private let framing: Framing
    private let file: String
    private var finished = false
    private static let chunk = 1 << 20

    /// Inflates `input`'s bytes `range` (offsets from its first byte).
    init(_ input: Data, range: Range<Int>, framing: Framing, file: String) throws(InterchangeIssue) {
        self.input = input
        offset = range.lowerBound
        end = range.upperBound
        self.framing = framing
        self.file = file
        // gzip: 15 + 32, any window size, gzip or zlib header detected; raw: no header at all.
        let bits: Int32 = framing == .gzip ? 15 + 32 : -15
        guard inflateInit2_(&stream, bits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw InterchangeIssue(file: file, line: nil, reason: "cannot start decompressing")
        }
    }

    deinit { inflateEnd(&stream) }

    private var container: String { framing == .gzip ? "gzip file" : "zip archive" }

    func nextChunk() throws(InterchangeIssue) -> [UInt8]? {
        guard !finished else { return nil }
        var output = [UInt8](repeating: 0, count: Self.chunk)
        var produced = 0
        var failure: String?
        var truncated = false
        input.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress, offset < end else {
                truncated = true
                return
            }
            output.withUnsafeMutableBufferPointer { out in
                guard let into = out.baseAddress else { return }
                while produced < Self.chunk, !finished {
                    let available = min(end - offset, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: base + offset)
                    stream.avail_in = UInt32(available)
                    stream.next_out = into + produced
                    stream.avail_out = UInt32(Self.chunk - produced)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    offset += available - Int(stream.avail_in)
                    produced = Self.chunk - Int(stream.avail_out)
                    switch status {
                    case Z_STREAM_END:
                        let rest = UnsafeBufferPointer(start: base + offset, count: end - offset)
                        if framing == .raw || rest.allSatisfy({ $0 == 0 }) {
                            finished = true
                        } else if inflateReset(&stream) != Z_OK {
                            failure = "cannot continue with the next gzip member"
                            return
                        }
                    case Z_OK:
                        continue
                    case Z_BUF_ERROR where offset == end:
                        truncated = true
                        return
                    default:
                        failure = (stream.msg.map { String(cString: $0) } ?? "zlib error \(status)") + " at byte \(offset + 1) of the compressed data"
                        return
                    }
                }
            }
        }
        if let failure { throw InterchangeIssue(file: file, line: nil, reason: "not a valid \(container): \(failure)") }
        if truncated {
            throw InterchangeIssue(file: file, line: nil,
                                   reason: "the \(container) is truncated (it ends in the middle of the compressed data, at byte \(end)); nothing was imported")
        }
        if produced == 0 && finished { return nil }
        output.removeSubrange(produced...)
        return output
    }
}

/// How an import opens a file: as it is, gzip, or the one file a zip archive holds (the
/// compressed formats recognised by their first bytes, whatever the file's name).
enum ImportInput {
    /// The most a compressed file read whole (XES) may decompress to: the BPI 2013 log is 40 MB.
    static let decompressedLimit = 1 << 30

    static func chunks(path: String, file: String) throws(InterchangeIssue) -> any ByteChunks {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else {
            throw InterchangeIssue(file: file, line: nil, reason: "cannot read the file (missing, a folder, or no permission)")
        }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        guard Gunzip.isGzip(head) || Unzip.isZip(head) else {
            do { try handle.seek(toOffset: 0) } catch {
                throw InterchangeIssue(file: file, line: nil, reason: "read error: \(error.localizedDescription)")
            }
            return FileChunks(handle, file: file)
        }
        try? handle.close()
        let data = try load(path: path, file: file)
        if Gunzip.isGzip(data) { return try Inflater(data, range: 0..<data.count, framing: .gzip, file: file) }
        return try Unzip.onlyMember(of: data, file: file)
    }

    /// The whole file, decompressed when it is gzip or a zip archive.
    static func bytes(path: String, file: String) throws(InterchangeIssue) -> Data {
        let data = try load(path: path, file: file)
        if Gunzip.isGzip(data) { return try Gunzip.decompress(data, file: file) }
        if Unzip.isZip(data) { return try Unzip.decompress(data, file: file) }
        return data
    }

    private static func load(path: String, file: String) throws(InterchangeIssue) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw InterchangeIssue(file: file, line: nil, reason: "cannot read the file (missing, a folder, or no permission)")
        }
    }
}
