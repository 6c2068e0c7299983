import CZlib
import Foundation
import ShiftDeskCore

/// gzip files (RFC 1952) through zlib, several members in a row included. A file cut short is
/// an error, never a silently shorter log.
public enum Gunzip {
    /// True when `data` starts with the gzip magic bytes.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    public static func decompress(_ data: Data, file: String) throws(InterchangeIssue) -> Data {
        var stream = z_stream()
        // 15 + 32: any window size, gzip or zlib header detected.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw InterchangeIssue(file: file, line: nil, reason: "cannot start gzip decompression")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        output.reserveCapacity(data.count * 8)
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        var failure: String?
        var ended = false
        data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            guard let base = input.bindMemory(to: UInt8.self).baseAddress else { failure = "the file is empty (byte 0)"; return }
            var offset = 0
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = UInt32(input.count)
            while true {
                let status: Int32 = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunk)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    if let produced = out.baseAddress { output.append(produced, count: chunk - Int(stream.avail_out)) }
                    return status
                }
                if status == Z_STREAM_END {
                    ended = true
                    offset = input.count - Int(stream.avail_in)
                    // Another gzip member may follow (concatenated files); trailing zero padding is allowed.
                    let rest = input[offset...]
                    if rest.isEmpty || rest.allSatisfy({ $0 == 0 }) { return }
                    guard inflateReset(&stream) == Z_OK else { failure = "cannot continue with the next gzip member"; return }
                    ended = false
                    continue
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { return }
                if status != Z_OK {
                    let at = input.count - Int(stream.avail_in)
                    failure = (stream.msg.map { String(cString: $0) } ?? "zlib error \(status)") + " at byte \(at + 1) of the compressed file"
                    return
                }
            }
        }
        if let failure { throw InterchangeIssue(file: file, line: nil, reason: "not a valid gzip file: \(failure)") }
        guard ended else {
            throw InterchangeIssue(file: file, line: nil, reason: "the gzip file is truncated (it ends in the middle of the compressed data, at byte \(data.count)); nothing was imported")
        }
        return output
    }
}
