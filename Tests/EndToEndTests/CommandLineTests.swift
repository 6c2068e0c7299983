import Foundation
import Testing

/// The command-line contract, driven through the real binary.
@Suite("Command line", .serialized)
struct CommandLineTests {
    @Test func initDemoThenListPrintsValidJSON() throws {
        let cli = try CLI.withFreshDatabase()
        try cli.expectSuccess("init", "--demo", "--tickets", "40")
        let list = try cli.expectSuccess("ticket", "list", "--json")
        let tickets = try #require(list.json as? [[String: Any]])
        #expect(!tickets.isEmpty)
        let first = try #require(tickets.first)
        for key in ["id", "title", "caller", "channel", "priority", "state", "tier", "assignee", "owner", "opened_at",
                    "first_response_at", "resolved_at", "closed_at", "satisfaction", "on_site_sheet", "problem", "flags", "version"] {
            #expect(first.keys.contains(key), "missing \(key)")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.database)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Demo data goes into new databases only.
        let again = try cli.run("init", "--demo")
        #expect(again.status == 1)
    }

    /// Opening the console skips building every command's parser (issue 19, first frame); what
    /// it answers must not change: help lists every command, a mistake is a usage error naming
    /// it, and the console's own options are checked as before.
    @Test func theConsolesOwnParseAnswersAsTheWholeCommandLineDid() throws {
        let cli = try CLI.withFreshDatabase()
        for help in [["--help"], ["-h"], ["help"]] {
            let answer = try cli.run(help, withDatabase: false)
            #expect(answer.status == 0, "\(help)")
            #expect(answer.stdout.contains("ticket") && answer.stdout.contains("console"), "\(help): \(answer.stdout)")
        }
        let consoleHelp = try cli.run(["console", "--help"], withDatabase: false)
        #expect(consoleHelp.status == 0 && consoleHelp.stdout.contains("--theme"), "\(consoleHelp.stdout)")
        for wrong in [["--bogus"], ["console", "--bogus"], ["--lang", "fr"], ["--role", "boss"], ["--as", "desk1", "ticket", "list"]] {
            let refused = try cli.run(wrong)
            #expect(refused.status == 2, "\(wrong): \(refused.stderr)")
            #expect(refused.stderr.contains("(see --help)"), "\(wrong): \(refused.stderr)")
        }
        #expect(try cli.run("--bogus").stderr.contains("--bogus"))
        #expect(try cli.run("--lang", "fr").stderr.contains("--lang takes zh or en"))
    }

    /// The three roles of the second round: added by `operator add --role`, listed with their
    /// labels, and held to their rules by every command.
    @Test func theProblemManagerTheOwnerAndTheAuditorAtTheCommandLine() throws {
        let cli = try CLI.staffedDesk()
        for (login, name, role) in [("pm1", "何军", "problem_manager"), ("own1", "林华", "owner"), ("aud1", "钱玉", "auditor")] {
            let added = try cli.expectSuccess("operator", "add", login, "--name", name, "--role", role, "--json")
            #expect((added.json as? [String: Any])?["role"] as? String == role)
        }
        let list = try cli.expectSuccess("operator", "list", "--lang", "zh")
        #expect(list.stdout.contains("问题经理") && list.stdout.contains("管理体系负责人") && list.stdout.contains("内审员"))
        let unknownRole = try cli.run("operator", "add", "x1", "--name", "X", "--role", "boss")
        #expect(unknownRole.status == 2, "\(unknownRole.stderr)")
        let help = try cli.run("operator", "add", "--help")
        #expect(help.stdout.contains("problem_manager, owner, auditor"), "\(help.stdout)")

        try cli.expectSuccess("ticket", "new", "--title", "VPN 断线", "--caller", "王小明", "--as", "desk1")
        // The auditor reads everything and changes nothing.
        try cli.expectSuccess("ticket", "show", "1", "--as", "aud1")
        for arguments in [["ticket", "note", "1", "looked"], ["ticket", "take", "1"], ["ticket", "new", "--title", "x", "--caller", "y"],
                          ["problem", "new", "--title", "p", "--incident", "1"], ["handover", "prepare", "--submit"], ["notify", "confirm", "1"]] {
            let refused = try cli.run(arguments + ["--as", "aud1"])
            #expect(refused.status == 1, "\(arguments)")
            #expect(refused.stderr.contains("[auditor.read-only]"), "\(arguments): \(refused.stderr)")
        }
        // The problem manager and the owner add notes; only the problem manager raises problems.
        try cli.expectSuccess("ticket", "note", "1", "root cause under analysis", "--as", "pm1")
        try cli.expectSuccess("ticket", "note", "1", "noted for the monthly review", "--as", "own1")
        let raised = try cli.expectSuccess("problem", "new", "--title", "VPN concentrator", "--incident", "1", "--as", "pm1", "--json")
        #expect((raised.json as? [String: Any])?["id"] as? String == "PRB-000001")
        let owners = try cli.run("problem", "new", "--title", "p", "--as", "own1")
        #expect(owners.status == 1 && owners.stderr.contains("[problem.role]"), "\(owners.stderr)")
        for login in ["pm1", "own1"] {
            let take = try cli.run("ticket", "take", "1", "--as", login)
            #expect(take.status == 1 && take.stderr.contains("[role.notes-only]"), "\(take.stderr)")
        }
        let show = try cli.expectSuccess("ticket", "show", "1", "--json")
        let events = try #require((show.json as? [String: Any])?["events"] as? [[String: Any]])
        #expect(events.map { $0["actor"] as? String } == ["desk1", "pm1", "own1", "pm1"])
    }

    @Test func aGeneralIncidentsWholeLifeLeavesOneEventPerStep() throws {
        let cli = try CLI.staffedDesk()
        let new = try cli.expectSuccess("ticket", "new", "--title", "VPN 断线 drops", "--caller", "王小明", "--phone", "138",
                                        "--priority", "general", "--as", "desk1", "--now", "2026-11-29T10:00:00+08:00", "--json")
        let id = try #require((new.json as? [String: Any])?["id"] as? String)
        #expect(id == "INC-000001")
        try cli.expectSuccess("ticket", "escalate", id, "--to", "l1", "--note", "需要现场", "--as", "desk1", "--now", "2026-11-29T10:05:00+08:00")
        try cli.expectSuccess("ticket", "escalate", id, "--to", "l2", "--as", "l1a", "--now", "2026-11-29T10:30:00+08:00")
        try cli.expectSuccess("ticket", "resolve", id, "--note", "restarted the concentrator", "--as", "l2a", "--now", "2026-11-29T11:00:00+08:00")
        try cli.expectSuccess("ticket", "close", id, "--csat", "5", "--as", "desk1", "--now", "2026-11-29T11:10:00+08:00")

        let show = try cli.expectSuccess("ticket", "show", id, "--json")
        let ticket = try #require(show.json as? [String: Any])
        #expect(ticket["state"] as? String == "closed")
        let events = try #require(ticket["events"] as? [[String: Any]])
        #expect(events.map { $0["kind"] as? String } == ["opened", "escalated", "escalated", "resolved", "closed"])
        #expect(events.map { $0["actor"] as? String } == ["desk1", "desk1", "l1a", "l2a", "desk1"])
        #expect(events.map { $0["at"] as? String } == ["2026-11-29T02:00:00Z", "2026-11-29T02:05:00Z", "2026-11-29T02:30:00Z",
                                                       "2026-11-29T03:00:00Z", "2026-11-29T03:10:00Z"])
        let human = try cli.expectSuccess("ticket", "show", id)
        #expect(human.stdout.contains("2026-11-29 10:05:00"), "times show in the operator's zone")
    }

    @Test func forbiddenStepsExitOneNamingTheRuleAndChangeNothing() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("ticket", "new", "--title", "打印机卡纸", "--caller", "刘芳", "--as", "desk1")
        try cli.expectSuccess("ticket", "resolve", "1", "--note", "cleared the jam", "--as", "desk1")
        let before = try cli.expectSuccess("ticket", "show", "1", "--json").stdout

        let byL1 = try cli.run("ticket", "close", "1", "--csat", "5", "--as", "l1a")
        #expect(byL1.status == 1)
        #expect(byL1.stderr.contains("close.desk-only"))
        let noSurvey = try cli.run("ticket", "close", "1", "--as", "desk1")
        #expect(noSurvey.status == 1)
        #expect(noSurvey.stderr.contains("close.needs-survey"))
        let badScore = try cli.run("ticket", "close", "1", "--csat", "9", "--as", "desk1")
        #expect(badScore.status == 1)
        #expect(badScore.stderr.contains("close.survey-score"))
        #expect(try cli.expectSuccess("ticket", "show", "1", "--json").stdout == before)
    }

    @Test func twoProcessesTakingOneTicketHaveExactlyOneWinner() throws {
        let cli = try CLI.staffedDesk()
        for round in 1...25 {
            try cli.expectSuccess("ticket", "new", "--title", "race \(round)", "--channel", "email", "--as", "desk1")
            try cli.expectSuccess("ticket", "escalate", "\(round)", "--to", "l1", "--as", "desk1")
            let results = try cli.race([["ticket", "take", "\(round)", "--as", "l1a"], ["ticket", "take", "\(round)", "--as", "l1b"]])
            let winners = results.filter { $0.status == 0 }
            let losers = results.filter { $0.status != 0 }
            #expect(winners.count == 1, "round \(round): \(results.map(\.stderr))")
            guard let loser = losers.first, losers.count == 1 else { continue }
            #expect(loser.status == 1)
            // Told who has it: either the conflict ("just changed by") or the holder ("held by").
            #expect(loser.stderr.contains("王芳") || loser.stderr.contains("Raj Patel"), "\(loser.stderr)")
            #expect(loser.stderr.split(separator: "\n").count == 1)
            let show = try cli.expectSuccess("ticket", "show", "\(round)", "--json")
            let events = try #require((show.json as? [String: Any])?["events"] as? [[String: Any]])
            #expect(events.filter { $0["kind"] as? String == "taken" }.count == 1)
        }
    }

    @Test func badInputGetsOneClearLineAndWritesNothing() throws {
        let cli = try CLI.staffedDesk()
        func expectOneLine(_ result: CLI.Result, status: Int32, mentioning text: String) {
            #expect(result.status == status, "\(result.stderr)")
            #expect(result.stderr.contains(text), "\(result.stderr)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
            #expect(result.stdout.isEmpty)
        }
        expectOneLine(try cli.run("ticket", "show", "INC-000999"), status: 1, mentioning: "no incident INC-000999")
        expectOneLine(try cli.run("ticket", "show", "banana"), status: 2, mentioning: "banana")
        expectOneLine(try cli.run("ticket", "new", "--title", "x", "--caller", "y", "--priority", "urgent", "--as", "desk1"),
                      status: 2, mentioning: "urgent")
        expectOneLine(try cli.run("ticket", "list", "--now", "yesterday"), status: 2, mentioning: "--now")
        expectOneLine(try cli.run("ticket", "take", "1", "--as", "mallory"), status: 1, mentioning: "operator add mallory")
        #expect(try cli.expectSuccess("ticket", "list", "--json", "--all").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let notes = folder.appendingPathComponent("notes.txt")
        let content = Data("not a database\n".utf8)
        try content.write(to: notes)
        let other = CLI(database: notes.path)
        expectOneLine(try other.run("ticket", "list"), status: 1, mentioning: "not a ShiftDesk database")
        expectOneLine(try other.run("init"), status: 1, mentioning: "not a ShiftDesk database")
        #expect(try Data(contentsOf: notes) == content)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"])

        let missing = CLI(database: folder.appendingPathComponent("missing.sqlite").path)
        expectOneLine(try missing.run("ticket", "list"), status: 1, mentioning: "shiftdesk init")
        #expect(!FileManager.default.fileExists(atPath: missing.database))
        expectOneLine(try CLI(database: folder.path).run("ticket", "list"), status: 1, mentioning: "folder")
    }

    @Test func hostileTextIsRefusedAtTheDoorAndNeverWrittenRawToTheTerminal() throws {
        let cli = try CLI.staffedDesk()
        let hostile = "DB down\u{1b}]0;pwned\u{07}\u{1b}[2J\u{9b}"
        let refused = try cli.run("ticket", "new", "--title", hostile, "--caller", "x\u{1b}[31m", "--as", "desk1")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the title holds a character it cannot (U+001B)"), "\(refused.stderr)")
        #expect(!refused.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })

        // What reaches the database another way (an older desk, the sqlite3 shell) is still shown neutralised.
        try cli.expectSuccess("ticket", "new", "--title", "DB down", "--caller", "x", "--as", "desk1")
        try AuditCommandTests.sqlite(cli.database, "UPDATE tickets SET title = 'DB down' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J' || char(155) WHERE number = 1")
        for output in [try cli.expectSuccess("ticket", "list").stdout, try cli.expectSuccess("ticket", "show", "1").stdout] {
            #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
            #expect(output.contains("DB down␛"))
        }
        // JSON keeps the text exactly, escaped.
        let json = try cli.expectSuccess("ticket", "show", "1", "--json")
        #expect((json.json as? [String: Any])?["title"] as? String == hostile)
    }

    @Test func chineseOutputLinesUpByDisplayWidth() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("ticket", "new", "--title", "数据库连接超时", "--caller", "欧阳娜娜", "--as", "desk1")
        try cli.expectSuccess("ticket", "new", "--title", "VPN drops", "--caller", "Emily Wong", "--as", "desk1")
        let list = try cli.expectSuccess("ticket", "list", "--lang", "zh")
        let lines = list.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("INC-") }
        #expect(lines.count == 2)
        // The title column starts at the same display column on every row.
        func column(of needle: String, in line: String) -> Int? {
            guard let range = line.range(of: needle) else { return nil }
            return line[..<range.lowerBound].reduce(0) { $0 + (($1.unicodeScalars.first?.value ?? 0) >= 0x2E80 ? 2 : 1) }
        }
        #expect(column(of: "数据库连接超时", in: lines[0]) == column(of: "VPN drops", in: lines[1]))
    }
}
