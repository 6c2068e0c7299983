import Foundation
import Testing
import ShiftDeskCore
import ShiftDeskStore
@testable import ShiftDeskInterchange

/// Both real logs of `../shared/data` import completely; the figures they are checked against
/// are computed here from the raw files, independently of the importer's readers.
@Suite(.serialized) struct RealLogTests {
    /// Per incident, in file order: its rows (the cells, split at commas: this export has no quoted fields).
    static func rawServiceNow(_ path: String) throws -> (header: [String], incidents: [(String, [[String]])]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var incidents: [(String, [[String]])] = []
        for line in lines {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if incidents.last?.0 == cells[0] { incidents[incidents.count - 1].1.append(cells) } else { incidents.append((cells[0], [cells])) }
        }
        return (header, incidents)
    }

    @Test(.enabled(if: RealLogs.haveServiceNow, "needs ../shared/data/incident_event_log.zip and unzip"), .timeLimit(.minutes(20)))
    func theServiceNowLogImportsCompletelyAndOnlyOnce() async throws {
        let csv = try #require(RealLogs.serviceNowCSV)
        let raw = try Self.rawServiceNow(csv)
        let rowCount = raw.incidents.reduce(0) { $0 + $1.1.count }
        #expect(raw.incidents.count == 24_918 && rowCount == 141_712, "the data README's figures")

        let desk = try Scratch.desk()
        // Imported from the archive as published (the raw rows above come from `unzip`'s copy).
        let options = ImportOptions(format: .servicenow, path: RealLogs.serviceNowZip, displayName: "incident_event_log.zip", batchSize: 2_000)
        let report = try await Importer(desk: desk, options: options).run()
        #expect(report.skipped.isEmpty)
        #expect(report.tickets == raw.incidents.count)
        #expect(report.events == rowCount)
        #expect(report.imported == raw.incidents.count && report.importedEvents == rowCount)
        let counts = try await desk.store.counts()
        #expect(counts.tickets == raw.incidents.count && counts.events == Int64(rowCount))

        // A sample: first and last instants and the tier history, from the raw rows.
        let column = Dictionary(uniqueKeysWithValues: raw.header.enumerated().map { ($1, $0) })
        let utc = TimeZone(identifier: "UTC") ?? .gmt
        func date(_ text: String) -> Date? { SourceTime.parseDayMonthYear(Substring(text), zone: utc) }
        let tickets = Dictionary(uniqueKeysWithValues: try await desk.store.tickets(.all).compactMap { t in t.source.map { ($0, t) } })
        for index in stride(from: 0, to: raw.incidents.count, by: 997) {
            let (number, rows) = raw.incidents[index]
            let ticket = try #require(tickets["servicenow:\(number)"])
            let events = try await desk.store.events(of: ticket.id)
            #expect(events.count == rows.count)
            let updated = try #require(column["sys_updated_at"]), opened = try #require(column["opened_at"])
            #expect(events.first?.at == date(rows[0][updated]))
            #expect(events.last?.at == date(rows[rows.count - 1][updated]))
            #expect(ticket.openedAt == date(rows[0][opened]))
            // Tiers: no group → desk, the first group → l1, any later group → l2.
            var groups: [String] = []
            var expectedTiers: [String] = []
            for row in rows {
                let group = row[try #require(column["assignment_group"])]
                if group != "?", groups.last != group { groups.append(group) }
                let tier = groups.isEmpty ? "desk" : groups.count == 1 ? "l1" : "l2"
                if expectedTiers.last != tier { expectedTiers.append(tier) }
            }
            #expect(events.compactMap { $0.change(of: "tier")?.after } == expectedTiers, "\(number)")
            #expect(ticket.sourceMadeSLA == (rows[rows.count - 1][try #require(column["made_sla"])] == "true"))
            #expect(ticket.importedAt == importInstant)
        }
        // Every incident of this log is closed: nothing is left for the escalation sweep.
        #expect(try await desk.store.ticketsDueForEscalation(at: importInstant, limit: 10).isEmpty)

        // Importing the same file again changes nothing.
        let lastEvent = try await desk.store.lastEventID()
        let again = try await Importer(desk: desk, options: options).run()
        #expect(again.imported == 0 && again.alreadyPresent == raw.incidents.count)
        #expect(try await desk.store.lastEventID() == lastEvent)
        #expect(try await desk.store.tickets(.all).count == raw.incidents.count)
    }

    /// Traces with their events' (timestamp, org:group) from the raw XES text, by regular expressions.
    static func rawXES(_ text: String) -> [(name: String, events: [(at: String, group: String)])] {
        var traces: [(name: String, events: [(at: String, group: String)])] = []
        var inEvent = false
        var group = ""
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "<trace>" { traces.append(("", [])); continue }
            if trimmed == "<event>" { inEvent = true; group = ""; continue }
            if trimmed == "</event>" { inEvent = false; continue }
            guard !traces.isEmpty, let keyRange = trimmed.range(of: "key=\""), let valueRange = trimmed.range(of: "value=\"") else { continue }
            let key = trimmed[keyRange.upperBound...].prefix { $0 != "\"" }
            let value = String(trimmed[valueRange.upperBound...].prefix { $0 != "\"" })
            if inEvent {
                if key == "org:group" { group = value }
                if key == "time:timestamp" { traces[traces.count - 1].events.append((value, group)) }
            } else if key == "concept:name", traces[traces.count - 1].name.isEmpty {
                traces[traces.count - 1].name = value
            }
        }
        return traces
    }

    @Test(.enabled(if: RealLogs.haveBPI, "needs ../shared/data/BPI_Challenge_2013_incidents.xes.gz"), .timeLimit(.minutes(20)))
    func theBPIChallenge2013LogImportsCompletelyAndOnlyOnce() async throws {
        let compressed = try Data(contentsOf: URL(fileURLWithPath: RealLogs.bpi2013))
        let text = String(decoding: try Gunzip.decompress(compressed, file: "bpi"), as: UTF8.self)
        let raw = Self.rawXES(text)
        let eventCount = raw.reduce(0) { $0 + $1.events.count }
        // The publisher's figures (data README), and the same from the raw text.
        #expect(raw.count == 7_554 && eventCount == 65_533)
        #expect(text.components(separatedBy: "<trace>").count - 1 == raw.count)
        #expect(text.components(separatedBy: "<event>").count - 1 == eventCount)

        let desk = try Scratch.desk()
        let options = ImportOptions(format: .xes, path: RealLogs.bpi2013, displayName: "BPI_Challenge_2013_incidents.xes.gz",
                                    batchSize: 2_000, sourcePrefix: "bpi2013")
        let report = try await Importer(desk: desk, options: options).run()
        #expect(report.skipped.isEmpty)
        #expect(report.tickets == 7_554 && report.events == 65_533)
        let counts = try await desk.store.counts()
        #expect(counts.tickets == 7_554 && counts.events == 65_533)

        let tickets = Dictionary(uniqueKeysWithValues: try await desk.store.tickets(.all).compactMap { t in t.source.map { ($0, t) } })
        for index in stride(from: 0, to: raw.count, by: 251) {
            let trace = raw[index]
            let ticket = try #require(tickets["bpi2013:\(trace.name)"])
            let events = try await desk.store.events(of: ticket.id)
            #expect(events.count == trace.events.count)
            #expect(events.first?.at == ISO8601.parse(trace.events[0].at))
            #expect(events.last?.at == ISO8601.parse(trace.events[trace.events.count - 1].at))
            var expected: [String] = []
            for event in trace.events {
                let tier = event.group.hasSuffix("2nd") ? "l2" : event.group.hasSuffix("3rd") ? "vendor" : "l1"
                if expected.last != tier { expected.append(tier) }
            }
            #expect(events.compactMap { $0.change(of: "tier")?.after } == expected, "\(trace.name)")
        }
        // Open incidents from 2012 are imported, but their ladder is history: nothing to fire.
        #expect(try await desk.store.ticketsDueForEscalation(at: importInstant, limit: 10).isEmpty)

        let lastEvent = try await desk.store.lastEventID()
        let again = try await Importer(desk: desk, options: options).run()
        #expect(again.imported == 0 && again.alreadyPresent == 7_554)
        #expect(try await desk.store.lastEventID() == lastEvent)

        // Exported as XES and imported into another desk: the same traces and events.
        let folder = try Scratch.folder()
        let exported = folder.appendingPathComponent("bpi-out.xes").path
        #expect(FileManager.default.createFile(atPath: exported, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: exported))
        try await Exporter(store: desk.store).write(.xes, opened: nil) { try handle.write(contentsOf: Data($0.utf8)) }
        try handle.close()
        let copy = try Scratch.desk()
        let back = try await Importer(desk: copy, options: ImportOptions(format: .xes, path: exported, batchSize: 2_000)).run()
        #expect(back.skipped.isEmpty && back.imported == 7_554 && back.importedEvents == 65_533)
        let before = try await desk.store.histories(opened: nil)
        let after = try await copy.store.histories(opened: nil)
        #expect(before.map(\.ticket.source) == after.map(\.ticket.source), "the traces keep their source keys")
        for (a, b) in zip(before, after) where a.ticket.id.number % 97 == 0 {
            #expect(a.events.map(\.at) == b.events.map(\.at))
            #expect(a.events.map(\.actor) == b.events.map(\.actor))
            #expect(a.events.map(\.kind) == b.events.map(\.kind))
            #expect(a.ticket.state == b.ticket.state && a.ticket.tier == b.ticket.tier && a.ticket.priority == b.ticket.priority)
        }
    }
}
