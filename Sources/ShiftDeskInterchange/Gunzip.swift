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
        try Inflater(data, range: 0..<data.count, framing: .gzip, file: file).all(file: file)
    }
}
