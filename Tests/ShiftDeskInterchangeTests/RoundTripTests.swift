import Foundation
import Testing
import ShiftDeskCore
import ShiftDeskStore
@testable import ShiftDeskInterchange

/// A demo desk: tickets of every tier, state and fate, made by the real workflow.
func demoDesk(tickets: Int = 120) async throws -> Desk {
    let desk = try Scratch.desk()
    let demo = DemoDesk(now: importInstant.addingTimeInterval(-3600), tickets: tickets, seed: 11)
    for person in demo.operators { try await desk.store.addOperator(person) }
    _ = try await desk.insert(demo.tickets.map { TicketHistory(ticket: $0.ticket, events: $0.events) })
    return desk
}

func export(_ desk: Desk, _ format: ExportFormat, opened: DateInterval? = nil) async throws -> String {
    var text = ""
    try await Exporter(store: desk.store).write(format, opened: opened) { text += $0 }
    return text
}

func importText(_ text: String, _ format: ImportFormat, into desk: Desk, strict: Bool = false) async throws -> ImportReport {
    let path = try Scratch.write(text, name: "export.\(format.rawValue)")
    return try await Importer(desk: desk, options: ImportOptions(format: format, path: path, displayName: "export.\(format.rawValue)",
                                                                 strict: strict, batchSize: 25)).run()
}

@Suite struct RoundTripTests {
    @Test(arguments: [ImportFormat.csv, .json])
    func exportImportExportGivesTheSameBytes(_ format: ImportFormat) async throws {
        let original = try await demoDesk()
        let first = try await export(original, format == .csv ? .csv : .json)
        let copy = try Scratch.desk()
        let report = try await importText(first, format, into: copy)
        #expect(report.skipped.isEmpty && report.imported == 120 - 0 || report.imported > 100)
        let second = try await export(copy, format == .csv ? .csv : .json)
        #expect(first == second)
        #expect(first.count > 10_000)
        // Importing the export into the desk it came from adds nothing: every ticket is already there.
        let back = try await importText(first, format, into: original)
        #expect(back.imported == 0 && back.alreadyPresent == report.tickets)
        // And again into the copy.
        let events = try await copy.store.lastEventID()
        let again = try await importText(first, format, into: copy)
        #expect(again.imported == 0)
        #expect(try await copy.store.lastEventID() == events)
    }

    /// Issue 16: the caller's address travels with the ticket in both formats; a bad one is a bad row.
    @Test(arguments: [ImportFormat.csv, .json])
    func theCallersAddressComesBackAndABadOneIsRefused(_ format: ImportFormat) async throws {
        let original = try Scratch.desk()
        try await original.store.addOperator(Operator(login: "zhang.wei", name: "张伟", role: .desk))
        let ticket = try await original.open(TicketDraft(title: "VPN 断线", caller: Caller(name: "王小明", email: "wxm@corp.example")),
                                             as: "zhang.wei")
        let text = try await export(original, format == .csv ? .csv : .json)
        let copy = try Scratch.desk()
        #expect(try await importText(text, format, into: copy).imported == 1)
        #expect(try await copy.store.tickets(.all).first?.caller.email == "wxm@corp.example")
        let bad = text.replacingOccurrences(of: "wxm@corp.example", with: "wxm corp.example")
        let refused = try await importText(bad, format, into: try Scratch.desk())
        #expect(refused.imported == 0 && refused.skipped.count == 1, "\(ticket.id)")
    }

    @Test func aPeriodExportsOnlyTheTicketsOpenedInIt() async throws {
        let desk = try await demoDesk()
        let all = try await desk.store.tickets(.all)
        let cut = all.map(\.openedAt).sorted()[all.count / 2]
        let text = try await export(desk, .json, opened: DateInterval(start: cut, end: importInstant))
        let parsed = try DeskExport.histories(json: Data(text.utf8), file: "x")
        #expect(parsed.count == all.filter { $0.openedAt >= cut }.count)
    }

    @Test func theXESExportComesBackWithTheSameTracesAndEvents() async throws {
        let original = try await demoDesk()
        let xes = try await export(original, .xes)
        let copy = try Scratch.desk()
        let report = try await importText(xes, .xes, into: copy)
        #expect(report.skipped.isEmpty)
        let before = try await original.store.histories(opened: nil)
        let after = try await copy.store.histories(opened: nil)
        #expect(before.count == after.count)
        for (a, b) in zip(before, after) {
            #expect(a.ticket.source == nil && b.ticket.source?.hasPrefix("shiftdesk:") == true)
            #expect(a.events.map(\.at) == b.events.map(\.at))
            #expect(a.events.map(\.actor) == b.events.map(\.actor))
            #expect(a.events.map(\.kind) == b.events.map(\.kind))
            #expect(a.events.map(\.changes) == b.events.map(\.changes))
            #expect(a.ticket.state == b.ticket.state && a.ticket.tier == b.ticket.tier && a.ticket.priority == b.ticket.priority)
            #expect(a.ticket.assignee == b.ticket.assignee && a.ticket.title == b.ticket.title && a.ticket.openedAt == b.ticket.openedAt)
        }
        // Exported again, the copy's log has the same traces and events.
        let again = try await export(copy, .xes)
        #expect(again.components(separatedBy: "<trace>").count == xes.components(separatedBy: "<trace>").count)
        #expect(again.components(separatedBy: "<event>").count == xes.components(separatedBy: "<event>").count)
    }
}

/// Damaged files give clear errors and leave the database as it was.
@Suite struct DamagedFileTests {
    func snapshot(_ desk: Desk) async throws -> (Int, Int64) {
        (try await desk.store.tickets(.all).count, try await desk.store.lastEventID())
    }

    @Test func aRowWithABadDateIsSkippedAndListedOrWithStrictStopsEverything() async throws {
        let rows = [
            ServiceNowRows.row(["number": "INC1"]),
            ServiceNowRows.row(["number": "INC2"]),
            ServiceNowRows.row(["number": "INC2", "incident_state": "Active", "sys_updated_at": "30/2/2016 10:00"]),
            ServiceNowRows.row(["number": "INC3"]),
        ]
        let text = CSVText.line(ServiceNowMapping.requiredColumns) + rows.joined()
        let desk = try await demoDesk(tickets: 10)
        let before = try await snapshot(desk)
        do {
            _ = try await importText(text, .servicenow, into: desk, strict: true)
            Issue.record("--strict must stop at the bad row")
        } catch let failure as ImportFailure {
            #expect(failure.description == "export.servicenow:4: sys_updated_at \"30/2/2016 10:00\" is not a date (d/m/yyyy hh:mm) (--strict: nothing was imported)")
        }
        #expect(try await snapshot(desk) == before)

        let report = try await importText(text, .servicenow, into: desk)
        #expect(report.imported == 2)
        #expect(report.skipped.map(\.description) == ["export.servicenow:4: sys_updated_at \"30/2/2016 10:00\" is not a date (d/m/yyyy hh:mm)"])
        #expect(try await desk.store.tickets(.all).compactMap(\.source).filter { $0.hasPrefix("servicenow:") }.sorted()
                == ["servicenow:INC1", "servicenow:INC3"])
    }

    @Test func wrongColumnsAreRefusedForTheWholeFile() async throws {
        let desk = try await demoDesk(tickets: 10)
        let before = try await snapshot(desk)
        await #expect(throws: ImportFailure.self) {
            _ = try await importText("number,state,opened\nINC1,New,29/2/2016 01:16\n", .servicenow, into: desk)
        }
        await #expect(throws: ImportFailure.self) { _ = try await importText("{\"tickets\": 3}", .json, into: desk) }
        await #expect(throws: ImportFailure.self) { _ = try await importText("a,b\n1,2\n", .csv, into: desk) }
        #expect(try await snapshot(desk) == before)
    }

    @Test(.enabled(if: Scratch.which("gzip") != nil, "needs gzip to make a fixture"))
    func aTruncatedGzipIsRefusedAndNothingIsWritten() async throws {
        let source = try await demoDesk(tickets: 40)
        let xes = try await export(source, .xes)
        let path = try Scratch.write(xes, name: "log.xes")
        try Scratch.run(try #require(Scratch.which("gzip")), [path])
        let whole = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        let cut = path + ".cut.gz"
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        let desk = try await demoDesk(tickets: 10)
        let before = try await snapshot(desk)
        do {
            _ = try await Importer(desk: desk, options: ImportOptions(format: .xes, path: cut, displayName: "log.xes.cut.gz")).run()
            Issue.record("a truncated gzip must be refused")
        } catch {
            #expect(error.description.hasPrefix("log.xes.cut.gz: the gzip file is truncated"))
        }
        #expect(try await snapshot(desk) == before)
        // The whole file imports.
        let report = try await Importer(desk: desk, options: ImportOptions(format: .xes, path: path + ".gz")).run()
        #expect(report.imported == 40)
    }
}

enum ServiceNowRows {
    static func row(_ overrides: [String: String]) -> String {
        var values: [String: String] = [
            "incident_state": "New", "active": "true", "reassignment_count": "0", "reopen_count": "0", "sys_mod_count": "0",
            "made_sla": "true", "caller_id": "Caller 1", "opened_by": "Opened by 1", "opened_at": "29/2/2016 01:16",
            "sys_updated_by": "Updated by 1", "sys_updated_at": "29/2/2016 01:23", "contact_type": "Phone",
            "category": "Category 1", "priority": "3 - Moderate", "closed_at": "5/3/2016 12:00",
        ]
        for (key, value) in overrides { values[key] = value }
        return CSVText.line(ServiceNowMapping.requiredColumns.map { values[$0] ?? "?" })
    }
}
