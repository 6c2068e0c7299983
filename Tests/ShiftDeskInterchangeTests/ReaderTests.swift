import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskInterchange

@Suite struct CSVReaderTests {
    @Test func quotedFieldsHoldCommasQuotesAndLineBreaksAndRowsKnowTheirLine() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",z\n\n3,,\n"
        let reader = try CSVReader(path: try Scratch.write(text, name: "q.csv"), displayName: "q.csv")
        var rows: [CSVRow] = []
        while let row = try reader.next() { rows.append(row) }
        #expect(rows == [
            CSVRow(line: 1, cells: ["a", "b", "c"]),
            CSVRow(line: 2, cells: ["1", "x, y", "say \"hi\""]),
            CSVRow(line: 3, cells: ["2", "two\nlines", "z"]),
            CSVRow(line: 6, cells: ["3", "", ""]),
        ])
    }

    @Test func anUnclosedQuoteIsAnErrorNamingWhereTheFieldStarts() throws {
        let reader = try CSVReader(path: try Scratch.write("a,b\n1,\"open\n2,3\n", name: "u.csv"), displayName: "u.csv")
        _ = try reader.next()
        #expect(throws: InterchangeIssue(file: "u.csv", line: 2, reason: "a quoted field is never closed (the file ends inside it)")) {
            _ = try reader.next()
        }
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: InterchangeIssue.self) { _ = try CSVReader(path: "/nonexistent/x.csv") }
    }
}

@Suite struct GzipTests {
    @Test(.enabled(if: Scratch.which("gzip") != nil, "needs gzip to make a fixture"))
    func gzipRoundTripsAndATruncatedFileIsRefused() throws {
        let text = String(repeating: "<event>日志 line</event>\n", count: 5_000)
        let path = try Scratch.write(text, name: "log.xes")
        let gzip = try #require(Scratch.which("gzip"))
        try Scratch.run(gzip, ["-k", path])
        let compressed = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        #expect(Gunzip.isGzip(compressed))
        #expect(try Gunzip.decompress(compressed, file: "log.xes.gz") == Data(text.utf8))
        // Two members in a row (cat a.gz b.gz) are one stream.
        #expect(try Gunzip.decompress(compressed + compressed, file: "x") == Data((text + text).utf8))
        let truncated = compressed.prefix(compressed.count / 2)
        #expect(throws: InterchangeIssue.self) { _ = try Gunzip.decompress(Data(truncated), file: "cut.xes.gz") }
        do {
            _ = try Gunzip.decompress(Data(truncated), file: "cut.xes.gz")
        } catch {
            #expect(error.description.hasPrefix("cut.xes.gz: the gzip file is truncated"))
        }
    }
}

@Suite struct ZipTests {
    func rows(_ path: String) throws(InterchangeIssue) -> [[String]] {
        let reader = try CSVReader(path: path)
        var rows: [[String]] = []
        while let row = try reader.next() { rows.append(row.cells) }
        return rows
    }

    func refusal(_ path: String) -> String? {
        do {
            _ = try rows(path)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test(.enabled(if: Scratch.which("zip") != nil, "needs zip to make a fixture"))
    func aOneFileArchiveReadsAsItsFileAndDamageIsRefused() throws {
        let csv = "number,title\n" + (1...20_000).map { "INC\($0),\"打印机, 卡纸 \($0)\"" }.joined(separator: "\n") + "\n"
        let path = try Scratch.write(csv, name: "log.csv")
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let zip = try #require(Scratch.which("zip"))
        _ = try Scratch.run(zip, ["-q", "-j", folder + "/log.zip", path])
        _ = try Scratch.run(zip, ["-q", "-j", "-0", folder + "/stored.zip", path])
        let plain = try rows(path)
        #expect(plain.count == 20_001)
        #expect(try rows(folder + "/log.zip") == plain)
        #expect(try rows(folder + "/stored.zip") == plain)
        let xes = try Scratch.write("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<log></log>\n", name: "log.xes")
        _ = try Scratch.run(zip, ["-q", "-j", folder + "/xes.zip", xes])
        #expect(try Unzip.decompress(Data(contentsOf: URL(fileURLWithPath: folder + "/xes.zip")), file: "xes.zip")
                == Data(contentsOf: URL(fileURLWithPath: xes)))

        let archive = try Data(contentsOf: URL(fileURLWithPath: folder + "/log.zip"))
        func damaged(_ name: String, _ bytes: Data) throws -> String {
            let damagedPath = folder + "/" + name
            try bytes.write(to: URL(fileURLWithPath: damagedPath))
            return damagedPath
        }
        let cut = try damaged("cut.zip", archive.prefix(archive.count / 2))
        #expect(refusal(cut)?.contains("not a complete zip archive") == true, "\(refusal(cut) ?? "read")")
        var flipped = archive
        flipped[flipped.startIndex + archive.count / 3] ^= 0x5A
        let flippedPath = try damaged("flipped.zip", flipped)
        #expect(refusal(flippedPath) != nil)
        var wrongCRC = archive
        // The central directory's CRC-32 of the member: the data inflates, the check fails.
        let directory = try #require(archive.lastRange(of: Data([0x50, 0x4B, 0x01, 0x02])))
        wrongCRC[directory.lowerBound + 16] ^= 0xFF
        let crcPath = try damaged("crc.zip", wrongCRC)
        #expect(refusal(crcPath)?.contains("CRC-32") == true, "\(refusal(crcPath) ?? "read")")

        // Read whole (as XES is), a member larger than the limit is refused, not held.
        let member = try Unzip.onlyMember(of: archive, file: "log.zip")
        #expect(throws: InterchangeIssue.self) { _ = try member.all(file: "log.zip", limit: 100_000) }
        #expect(try Unzip.onlyMember(of: archive, file: "log.zip").all(file: "log.zip", limit: 1 << 20) == Data(csv.utf8))

        _ = try Scratch.run(zip, ["-q", "-j", folder + "/two.zip", path, xes])
        #expect(refusal(folder + "/two.zip")?.contains("holds 2 files (log.csv, log.xes)") == true, "\(refusal(folder + "/two.zip") ?? "read")")
    }
}

@Suite struct XESReaderTests {
    @Test func takesOnlyTheAttributesOfLogTracesAndEvents() throws {
        let xes = """
            <?xml version="1.0" encoding="UTF-8" ?>
            <log xes.version="1.0" xmlns="http://www.xes-standard.org/">
            \t<global scope="event"><string key="org:group" value="UNKNOWN"/></global>
            \t<string key="concept:name" value="the log"/>
            \t<float key="meta" value="1.0"><float key="Nested" value="2"/></float>
            \t<trace>
            \t\t<string key="concept:name" value="1-1"/>
            \t\t<event>
            \t\t\t<string key="concept:name" value="Queued"/>
            \t\t\t<date key="time:timestamp" value="2010-03-31T16:59:42+02:00"/>
            \t\t</event>
            \t</trace>
            </log>
            """
        var traces: [XESTrace] = []
        let log = try XESReader.read(data: Data(xes.utf8), file: "t.xes") { traces.append($0) }
        #expect(log == ["concept:name": "the log", "meta": "1.0"])
        #expect(traces.count == 1)
        #expect(traces.first?.name == "1-1")
        #expect(traces.first?.line == 6)
        #expect(traces.first?.events.first?.attributes == ["concept:name": "Queued", "time:timestamp": "2010-03-31T16:59:42+02:00"])
    }

    @Test func brokenXMLAndOtherDocumentsAreRefusedForTheWholeFile() {
        #expect(throws: InterchangeIssue.self) {
            _ = try XESReader.read(data: Data("<log><trace><event>".utf8), file: "cut.xes") { _ in }
        }
        #expect(throws: InterchangeIssue.self) {
            _ = try XESReader.read(data: Data("<html><body/></html>".utf8), file: "page.xes") { _ in }
        }
    }
}
