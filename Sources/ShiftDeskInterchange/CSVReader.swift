import Foundation
import ShiftDeskCore

/// Reads CSV (RFC 4180, as ServiceNow and spreadsheets write it) record by record from a file,
/// in chunks: quoted fields may hold commas, quotes (doubled) and line breaks; CR LF and LF both
/// end a record; a UTF-8 byte order mark is skipped. Each record carries the line it starts on.
///
/// Written here rather than taken from a package: the two served CSV packages (SwiftCSV,
/// CSV.swift) either load the whole file or report no line numbers, and this is 100 lines.
public final class CSVReader {
    public let file: String
    private let source: any ByteChunks
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var started = false

    /// Reads `path` as it is, or the CSV inside it when it is gzip or a one-file zip archive.
    public init(path: String, displayName: String? = nil) throws(InterchangeIssue) {
        file = displayName ?? path
        source = try ImportInput.chunks(path: path, file: file)
    }

    private func fill() throws(InterchangeIssue) -> Bool {
        guard !atEnd else { return false }
        guard let data = try source.nextChunk(), !data.isEmpty else {
            atEnd = true
            return false
        }
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: data)
        return true
    }

    private func nextByte() throws(InterchangeIssue) -> UInt8? {
        if position >= buffer.count {
            guard try fill() else { return nil }
        }
        let byte = buffer[position]
        position += 1
        return byte
    }

    private func peekByte() throws(InterchangeIssue) -> UInt8? {
        if position >= buffer.count {
            guard try fill() else { return nil }
        }
        return buffer[position]
    }

    /// The next record, or nil at the end of the file. Blank lines are skipped.
    public func next() throws(InterchangeIssue) -> CSVRow? {
        if !started {
            started = true
            if try peekByte() == 0xEF {
                _ = try nextByte()
                guard try nextByte() == 0xBB, try nextByte() == 0xBF else {
                    throw InterchangeIssue(file: file, line: 1, reason: "not UTF-8 text")
                }
            }
        }
        while true {
            guard let first = try peekByte() else { return nil }
            if first == 0x0A { _ = try nextByte(); line += 1; continue }
            if first == 0x0D { _ = try nextByte(); if try peekByte() == 0x0A { _ = try nextByte() }; line += 1; continue }
            break
        }
        let startLine = line
        var cells: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        func finish() throws(InterchangeIssue) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw InterchangeIssue(file: file, line: startLine, reason: "field \(cells.count + 1) is not UTF-8 text")
            }
            cells.append(text)
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while true {
            guard let byte = try nextByte() else {
                if quoted { throw InterchangeIssue(file: file, line: startLine, reason: "a quoted field is never closed (the file ends inside it)") }
                try finish()
                return CSVRow(line: startLine, cells: cells)
            }
            if quoted {
                if byte == 0x22 {
                    if try peekByte() == 0x22 {
                        _ = try nextByte()
                        field.append(0x22)
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case 0x2C:
                try finish()
            case 0x22 where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
            case 0x22:
                throw InterchangeIssue(file: file, line: line, reason: "a quote inside an unquoted field (field \(cells.count + 1))")
            case 0x0A:
                line += 1
                try finish()
                return CSVRow(line: startLine, cells: cells)
            case 0x0D:
                if try peekByte() == 0x0A { _ = try nextByte() }
                line += 1
                try finish()
                return CSVRow(line: startLine, cells: cells)
            default:
                if wasQuoted {
                    throw InterchangeIssue(file: file, line: line, reason: "text after the closing quote of field \(cells.count + 1)")
                }
                field.append(byte)
            }
        }
    }
}
