import CZlib
import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskInterchange
import ShiftDeskStore

/// The import readers fed seeded mutations of real files: the slices of the two real logs in
/// `Tests/Fixtures` and ShiftDesk's own CSV and JSON exports of them. Every case must end, in
/// time (five seconds each; the suite's limit only guards against a hang on a loaded machine), either with the file refused as a whole or with its tickets each mapped or refused,
/// and every refusal names its place (`FILE:LINE:`, a ticket, or a byte). A sample of the
/// cases is imported into a desk too: whole tickets land, or nothing.
@Suite("Hostile files: import readers", .serialized, .timeLimit(.minutes(10)))
struct ImportReaderTests {
    static let importInstant = Date(timeIntervalSince1970: 1_795_917_600)

    /// A mutated file and what reading it gave.
    enum Outcome {
        case refused(InterchangeIssue)
        case read(items: Int, good: Int, issues: [InterchangeIssue])
    }

    static func desk(in folder: URL) throws -> Desk {
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        return Desk(store: store, clock: FixedClock(importInstant),
                    policy: SLAPolicy.dutyTable(timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt))
    }

    /// In memory where the machine has /dev/shm: thousands of small files and imports should not
    /// wait on a disk other tests are busy with.
    static func scratch() throws -> URL {
        var isFolder: ObjCBool = false
        let memory = FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isFolder) && isFolder.boolValue
        let base = memory ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        let url = base.appendingPathComponent("shiftdesk-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// ShiftDesk's own export of both slices, as `format` writes it.
    static func ownExport(_ format: ExportFormat) async throws -> [UInt8] {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = try desk(in: folder)
        for (importFormat, name) in [(ImportFormat.servicenow, "servicenow-slice.csv"), (.xes, "bpi2013-slice.xes")] {
            let path = Repository.root.appendingPathComponent("Tests/Fixtures/\(name)").path
            let report = try await Importer(desk: desk, options: ImportOptions(format: importFormat, path: path)).run()
            #expect(report.skipped.isEmpty && report.imported > 0, "\(name): \(report.skipped)")
        }
        var text = ""
        try await Exporter(store: desk.store).write(format, opened: nil) { text += $0 }
        return Array(text.utf8)
    }

    /// Reads `path` as `format` to the end, the way the importer's first pass does.
    static func read(_ format: ImportFormat, path: String, name: String) -> Outcome {
        do {
            var source = try TicketSource.open(ImportOptions(format: format, path: path, displayName: name))
            var items = 0, good = 0
            var issues: [InterchangeIssue] = []
            while let item = try source.next() {
                items += 1
                switch item.result {
                case .success: good += 1
                case let .failure(issue): issues.append(issue)
                }
            }
            return .read(items: items, good: good, issues: issues)
        } catch {
            return .refused(error)
        }
    }

    /// Runs `count` mutations of `original` through the reader of `format`; every `importEvery`th
    /// case is also imported into one desk, whose counts must move by exactly what was reported.
    static func fuzz(_ format: ImportFormat, original: [UInt8], nesting: Mutator.Nesting, seed base: UInt64, count: Int,
                     importEvery: Int = 50, gzip: Bool = false) async throws {
        let folder = try scratch()
        let name = "hostile.\(format == .xes ? (gzip ? "xes.gz" : "xes") : format == .json ? "json" : "csv")"
        let path = folder.appendingPathComponent(name).path
        defer { try? FileManager.default.removeItem(at: folder) }
        let desk = try desk(in: folder)
        let mutator = Mutator(nesting: nesting)
        let watch = Stopwatch()
        var refused = 0, readWhole = 0, imported = 0
        var byKind: [String: Duration] = [:]
        defer { for (kind, time) in byKind.sorted(by: { $0.value > $1.value }).prefix(8) { Trace.note("\(name) \(kind): \(time)") } }
        for seed in seeds(base, count: count) {
            let (bytes, kinds) = mutator.mutate(original, seed: seed)
            Trace.note("\(name) seed \(seed) \(kinds)", bytes: bytes)
            let file = gzip ? try Compression.gzipThenDamage(bytes, seed: seed) : bytes
            try Data(file).write(to: URL(fileURLWithPath: path))
            let started = ContinuousClock.now
            let outcome = read(format, path: path, name: name)
            let took = ContinuousClock.now - started
            byKind[kinds.map { "\($0)" }.joined(separator: "+"), default: .zero] += took
            #expect(took < .seconds(5), "seed \(seed) \(kinds): reading took \(took)")
            switch outcome {
            case let .refused(issue):
                refused += 1
                #expect(issue.file == name)
                #expect(Self.placed(issue, format: format), "seed \(seed) \(kinds): \(issue)")
            case let .read(_, _, issues):
                readWhole += 1
                for issue in issues {
                    #expect(Self.placed(issue, format: format), "seed \(seed) \(kinds): \(issue)")
                }
            }
            guard seed % UInt64(importEvery) == 0 else { continue }
            // Imported for real, alternately strict: whole tickets land, or nothing.
            imported += 1
            let before = try await desk.store.counts()
            let options = ImportOptions(format: format, path: path, displayName: name, strict: seed % 2 == 0, batchSize: 2)
            let result: Result<ImportReport, ImportFailure>
            do { result = .success(try await Importer(desk: desk, options: options).run()) } catch { result = .failure(error) }
            switch result {
            case let .success(report):
                let after = try await desk.store.counts()
                #expect(after.tickets - before.tickets == report.imported, "seed \(seed) \(kinds)")
                #expect(after.events - before.events == Int64(report.importedEvents), "seed \(seed) \(kinds)")
                for issue in report.skipped { #expect(Self.placed(issue, format: format), "seed \(seed): \(issue)") }
            case let .failure(error):
                let after = try await desk.store.counts()
                #expect(after.tickets == before.tickets && after.events == before.events, "seed \(seed) \(kinds): \(error)")
                switch error {
                case let .file(issue), let .strict(issue):
                    #expect(Self.placed(issue, format: format), "seed \(seed) \(kinds): \(issue)")
                case let .desk(deskError):
                    Issue.record("seed \(seed) \(kinds): the desk refused an import: \(deskError)")
                }
            }
        }
        // The chain still holds after every import.
        let verification = try await AuditVerifier.verify(desk.store)
        #expect(verification.holds, "\(String(describing: verification.firstBreak))")
        #expect(refused + readWhole == count)
        #expect(imported > 0)
        Trace.note("\(name): \(count) cases in \(watch.elapsed)")
    }

    /// A refusal names where: the line for CSV and XES, the ticket for JSON, the byte where
    /// there are no lines (gzip), or is about the whole file by nature (empty, wrong columns).
    static func placed(_ issue: InterchangeIssue, format: ImportFormat) -> Bool {
        if issue.line != nil { return true }
        let reason = issue.reason
        if reason.contains("byte ") { return true }
        if format == .json, reason.hasPrefix("ticket ") || reason.contains(" at tickets") { return true }
        // About the file as a whole: nothing in it, or its top-level shape.
        return ["the file is empty", "format is \"", "written by a newer ShiftDesk", "JSON export: no \"", "not a complete zip archive"]
            .contains { reason.contains($0) }
    }

    @Test func serviceNowCSVMutationsNeverCrashHangOrWriteHalfATicket() async throws {
        let original = try Repository.bytes("Tests/Fixtures/servicenow-slice.csv")
        try await Self.fuzz(.servicenow, original: original, nesting: .none, seed: 18_001, count: 1_000)
    }

    @Test func shiftDeskCSVMutationsNeverCrashHangOrWriteHalfATicket() async throws {
        try await Self.fuzz(.csv, original: try await Self.ownExport(.csv), nesting: .json, seed: 18_002, count: 500)
    }

    @Test func xesMutationsNeverCrashHangOrWriteHalfATicket() async throws {
        let original = try Repository.bytes("Tests/Fixtures/bpi2013-slice.xes")
        try await Self.fuzz(.xes, original: original, nesting: .xml, seed: 18_003, count: 1_200)
    }

    @Test func gzippedXESMutationsAndDamagedGzipNeverCrashHangOrWriteHalfATicket() async throws {
        let original = try Repository.bytes("Tests/Fixtures/bpi2013-slice.xes")
        try await Self.fuzz(.xes, original: original, nesting: .xml, seed: 18_004, count: 600, gzip: true)
    }

    @Test func jsonMutationsNeverCrashHangOrWriteHalfATicket() async throws {
        try await Self.fuzz(.json, original: try await Self.ownExport(.json), nesting: .json, seed: 18_005, count: 1_000)
    }

    /// Hostile files written by hand, not by chance: entity tricks, an external entity, a
    /// document nested past any parser's stack, gzip bombs cut short.
    @Test func handWrittenHostileFilesAreRefusedNamingTheirPlace() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let xesHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
        let cases: [(ImportFormat, String, [UInt8])] = [
            (.xes, "laughs.xes", Array((xesHeader + """
                <!DOCTYPE log [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
                <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
                <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
                <log><trace><string key="concept:name" value="&i;"/><event><string key="concept:name" value="Queued"/>
                <date key="time:timestamp" value="2012-01-01T00:00:00+01:00"/></event></trace></log>
                """).utf8)),
            (.xes, "external.xes", Array((xesHeader + """
                <!DOCTYPE log [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
                <log><trace><string key="concept:name" value="x"/><event><string key="concept:name" value="&secret;"/>
                <date key="time:timestamp" value="2012-01-01T00:00:00+01:00"/></event></trace></log>
                """).utf8)),
            // Foundation's XML parser trapped on a comment that is not UTF-8 (found by the mutations).
            (.xes, "comment.xes", Array(xesHeader.utf8) + Array("<!-- avail".utf8) + [0x81] + Array("ble -->\n<log></log>\n".utf8)),
            (.xes, "text.xes", Array((xesHeader + "<log>").utf8) + [0xC3, 0x28] + Array("</log>\n".utf8)),
            (.xes, "deep.xes", Array((xesHeader + "<log>" + String(repeating: "<trace>", count: 100_000)).utf8)),
            (.json, "deep.json", Array((String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)).utf8)),
            (.json, "deep-object.json", Array(("{\"format\":\"shiftdesk-export\",\"version\":1,\"tickets\":" + String(repeating: "{\"a\":", count: 100_000)).utf8)),
            (.servicenow, "one-huge-field.csv", Array(("number,x\n\"" + String(repeating: "x", count: 3_000_000)).utf8)),
            (.servicenow, "nuls.csv", [UInt8](repeating: 0, count: 100_000)),
            (.xes, "bomb.xes.gz", try Compression.gzip(Array(repeating: UInt8(ascii: " "), count: 20_000_000)).dropLast(8)),
            (.xes, "empty.xes.gz", [0x1F, 0x8B]),
            (.servicenow, "header-only.zip", [0x50, 0x4B, 0x03, 0x04]),
            (.xes, "directory-without-members.zip", [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26)
                + [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 0xFF, 0xFE, 0xFF, 0xFE, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0]),
            (.json, "empty.json", []),
            (.csv, "empty.csv", []),
        ]
        for (format, name, bytes) in cases {
            let path = folder.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let started = ContinuousClock.now
            let outcome = Self.read(format, path: path, name: name)
            #expect(ContinuousClock.now - started < .seconds(5), "\(name)")
            switch outcome {
            case let .refused(issue):
                #expect(Self.placed(issue, format: format), "\(name): \(issue)")
                #expect(!issue.reason.contains("root:"), "\(name): the external entity was read: \(issue)")
            case let .read(_, good, issues):
                #expect(good == 0 || name == "external.xes", "\(name)")
                for issue in issues { #expect(Self.placed(issue, format: format), "\(name): \(issue)") }
                if name == "external.xes" {
                    // Never resolved: the file on disk stays out of the ticket.
                    var source = try TicketSource.open(ImportOptions(format: .xes, path: path, displayName: name))
                    while let item = try source.next() {
                        if case let .success(history) = item.result {
                            #expect(!history.events.contains { event in event.changes.contains { $0.after?.contains("root:") == true } })
                        }
                    }
                }
            }
        }
    }
}

/// gzip (deflate with a gzip header, through zlib) and seeded damage to the compressed bytes.
enum Compression {
    struct Failed: Error {}

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: a gzip header and trailer.
        guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw Failed() }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw Failed() }
        return Array(output.prefix(Int(stream.total_out)))
    }

    /// `bytes` gzipped, then (for most seeds) damaged: a byte flipped, cut short, the header or
    /// trailer broken, garbage appended.
    static func gzipThenDamage(_ bytes: [UInt8], seed: UInt64) throws -> [UInt8] {
        var random = SeededRandom(seed: seed ^ 0x5EED)
        var compressed = try gzip(bytes)
        guard !compressed.isEmpty else { return compressed }
        switch Int.random(in: 0..<6, using: &random) {
        case 0: break
        case 1:
            let at = Int.random(in: 0..<compressed.count, using: &random)
            compressed[at] ^= UInt8.random(in: 1...255, using: &random)
        case 2: compressed = Array(compressed.prefix(Int.random(in: 0..<compressed.count, using: &random)))
        case 3: compressed[Int.random(in: 0..<min(10, compressed.count), using: &random)] = UInt8.random(in: 0...255, using: &random)
        case 4: compressed[compressed.count - 1 - Int.random(in: 0..<min(8, compressed.count), using: &random)] ^= 0xFF
        default: compressed += (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        return compressed
    }
}

extension Store {
    func counts() async throws -> (tickets: Int, events: Int64) {
        (try await tickets(.all).count, try await lastEventID())
    }
}
