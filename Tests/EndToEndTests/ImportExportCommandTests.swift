import Foundation
import Testing

/// `shiftdesk import` and `shiftdesk export` through the real binary.
@Suite("Import and export", .serialized)
struct ImportExportCommandTests {
    static let columns = [
        "number", "incident_state", "active", "reassignment_count", "reopen_count", "sys_mod_count", "made_sla", "caller_id",
        "opened_by", "opened_at", "sys_created_by", "sys_created_at", "sys_updated_by", "sys_updated_at", "contact_type",
        "location", "category", "subcategory", "u_symptom", "cmdb_ci", "impact", "urgency", "priority", "assignment_group",
        "assigned_to", "knowledge", "u_priority_confirmation", "notify", "problem_id", "rfc", "vendor", "caused_by",
        "closed_code", "resolved_by", "resolved_at", "closed_at",
    ]

    static func row(_ values: [String: String]) -> String {
        let base = ["incident_state": "New", "active": "true", "made_sla": "true", "caller_id": "Caller 1", "opened_by": "Opened by 1",
                    "opened_at": "29/2/2016 01:16", "sys_updated_by": "Updated by 1", "sys_updated_at": "29/2/2016 01:23",
                    "contact_type": "Phone", "category": "Category 1", "priority": "3 - Moderate", "reopen_count": "0"]
        return columns.map { values[$0] ?? base[$0] ?? "?" }.joined(separator: ",") + "\n"
    }

    static func serviceNowFile() throws -> String {
        let text = columns.joined(separator: ",") + "\n"
            + row(["number": "INC1"]) + row(["number": "INC1", "incident_state": "Active", "sys_updated_at": "29/2/2016 02:00",
                                             "assignment_group": "Group 5", "assigned_to": "Resolver 2"])
            + row(["number": "INC2", "sys_updated_at": "\u{1B}[2J31/2/2016"])
            + row(["number": "INC3", "incident_state": "Closed", "priority": "1 - Critical", "made_sla": "false", "closed_at": "1/3/2016 10:00"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-e2e-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("incidents.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func ticketCount(_ cli: CLI) throws -> Int {
        try #require(try cli.expectSuccess("ticket", "list", "--all", "--json").json as? [[String: Any]]).count
    }

    @Test func aRowOverTheFieldLimitsIsRefusedStrictOrReportedWithItsLine() throws {
        let cli = try CLI.staffedDesk()
        let long = String(repeating: "类", count: 101)
        let text = Self.columns.joined(separator: ",") + "\n" + Self.row(["number": "INC1"]) + Self.row(["number": "INC2", "category": long])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-e2e-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("limits.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))

        let strict = try cli.run("import", "--format", "servicenow", "--strict", file, "--now", "2026-11-29T10:00:00Z")
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("limits.csv:3: the category takes at most 100 characters"), "\(strict.stderr)")
        #expect(try ticketCount(cli) == 0)

        let result = try cli.run("import", "--format", "servicenow", file, "--now", "2026-11-29T10:00:00Z", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let skipped = try #require((result.json as? [String: Any])?["skipped"] as? [[String: Any]])
        #expect(skipped.count == 1 && skipped.first?["line"] as? Int == 3)
        #expect(try ticketCount(cli) == 1)
    }

    @Test func aServiceNowExportImportsOnceSkippingABadRowAndSayingWhere() throws {
        let cli = try CLI.staffedDesk()
        let file = try Self.serviceNowFile()

        let strict = try cli.run("import", "--format", "servicenow", "--strict", file, "--now", "2026-11-29T10:00:00Z")
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("incidents.csv:4: sys_updated_at \"␛[2J31/2/2016\" is not a date"), "\(strict.stderr)")
        #expect(!strict.stderr.contains("\u{1B}"), "text from files is sanitised")
        #expect(try ticketCount(cli) == 0)

        let result = try cli.run("import", "--format", "servicenow", file, "--now", "2026-11-29T10:00:00Z", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(result.json as? [String: Any])
        #expect(report["imported"] as? Int == 2 && report["imported_events"] as? Int == 3 && report["already_present"] as? Int == 0)
        let skipped = try #require(report["skipped"] as? [[String: Any]])
        #expect(skipped.count == 1 && skipped.first?["line"] as? Int == 4)
        #expect(result.stderr.contains("skipped: "))
        #expect(!result.stderr.contains("\r"), "no progress bar when stderr is not a terminal")

        let tickets = try #require(try cli.expectSuccess("ticket", "list", "--all", "--json").json as? [[String: Any]])
        #expect(tickets.compactMap { $0["source"] as? String } == ["servicenow:INC1", "servicenow:INC3"])
        #expect(tickets.compactMap { $0["source_made_sla"] as? Bool } == [true, false])
        // The open one is in the L1 queue like any other; the closed one only in history.
        let l1 = try #require(try cli.expectSuccess("ticket", "list", "--queue", "l1", "--json").json as? [[String: Any]])
        #expect(l1.compactMap { $0["source"] as? String } == ["servicenow:INC1"])
        // An escalation sweep finds nothing to fire for history from 2016.
        let sweep = try #require(try cli.expectSuccess("escalate-due", "--json", "--now", "2026-11-29T10:05:00Z").json as? [String: Any])
        #expect((sweep["fired"] as? [Any])?.isEmpty == true)

        let again = try cli.expectSuccess("import", "--format", "servicenow", file, "--now", "2026-11-29T11:00:00Z")
        #expect(again.stdout.contains("imported 0 tickets (0 events); 2 already present; 1 skipped"))
        #expect(try ticketCount(cli) == 2)
    }

    @Test func exportThenImportThenExportGivesTheSameFile() throws {
        let source = try CLI.withFreshDatabase()
        try source.expectSuccess("init", "--demo", "--tickets", "30", "--now", "2026-11-29T10:00:00Z")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-e2e-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for format in ["json", "csv"] {
            let first = folder.appendingPathComponent("first.\(format)").path
            let second = folder.appendingPathComponent("second.\(format)").path
            try source.expectSuccess("export", "--format", format, "-o", first)
            let copy = try CLI.withFreshDatabase()
            try copy.expectSuccess("init")
            let imported = try copy.expectSuccess("import", "--format", format, first, "--json")
            #expect((imported.json as? [String: Any])?["imported"] as? Int == 30)
            try copy.expectSuccess("export", "--format", format, "-o", second)
            #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)), "\(format)")
            // Back into the desk it came from: nothing new.
            let back = try source.expectSuccess("import", "--format", format, first, "--json")
            #expect((back.json as? [String: Any])?["already_present"] as? Int == 30)
        }
        let xes = try source.expectSuccess("export", "--format", "xes")
        #expect(xes.stdout.hasPrefix("<?xml") && xes.stdout.components(separatedBy: "<trace>").count == 31)
    }

    @Test func usageAndBadFilesGetTheRightExitStatus() throws {
        let cli = try CLI.staffedDesk()
        #expect(try cli.run("import", "--format", "excel", "x.csv").status == 2)
        #expect(try cli.run("export", "--format", "json", "--period", "last-week").status == 2)
        let missing = try cli.run("import", "--format", "xes", "/nonexistent/log.xes.gz")
        #expect(missing.status == 1 && missing.stderr.contains("cannot read the file"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-e2e-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let wrong = folder.appendingPathComponent("wrong.csv").path
        try Data("number,state\nINC1,New\n".utf8).write(to: URL(fileURLWithPath: wrong))
        let refused = try cli.run("import", "--format", "servicenow", wrong)
        #expect(refused.status == 1 && refused.stderr.contains("wrong.csv:1: not a ServiceNow incident export: no column incident_state, active"))
        let period = try cli.expectSuccess("export", "--format", "json", "--period", "2016-02")
        #expect(period.stdout.hasPrefix("{\"format\":\"shiftdesk-export\""))
    }
}
