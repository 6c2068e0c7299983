import Foundation
import ShiftDeskLaunch
import ShiftDeskCore
import Testing

/// kill -9 at random moments during a storm of writes, on both backends: note writers, seats
/// logging incidents whose ladder is already due, `escalate-due` runs and escalator services
/// all die mid-flight. Afterwards the database opens cleanly, every write a command reported is
/// there, no action is half applied, the chain verifies, and every due escalation step was
/// fired exactly once, with all of its notifications.
@Suite("Faults: kill -9 during a storm of writes", .serialized)
struct CrashStormTests {
    static let backends = CLI.postgresServer == nil ? ["sqlite"] : ["sqlite", "postgres"]

    /// One SQL answer, through the backend's own shell (`sqlite3`, `psql`).
    static func query(_ cli: CLI, _ sql: String) throws -> String {
        if !cli.database.hasPrefix("postgres") { return try AuditCommandTests.sqlite(cli.database, sql) }
        return try CLI.tool(["/usr/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, cli.database])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test(arguments: backends)
    func killNineOfWritersAndEscalatorsLosesNothingAndFiresEveryStepOnce(_ backend: String) throws {
        let cli = try CLI.staffedDesk(backend: backend)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-storm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("config.toml").path
        try """
            [notify]
            from = "desk@desk.example"
            [notify.roles]
            incident_manager = ["im@desk.example"]
            operations_manager = ["ops@desk.example"]
            operations_director = ["director@desk.example", "deputy@desk.example"]
            management_owner = ["owner@desk.example"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        // Incidents whose whole ladder is due: general ones opened five hours ago (2h and 4h
        // steps), major ones an hour ago (at once, by phone and e-mail).
        let fiveHoursAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-5 * 3600))
        let anHourAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3600))
        for index in 1...8 {
            try cli.expectSuccess("ticket", "new", "--title", "storm \(index)", "--caller", "王小明", "--opened", fiveHoursAgo, "--as", "desk1")
        }
        for index in 1...2 {
            try cli.expectSuccess("ticket", "new", "--title", "major \(index)", "--caller", "王小明", "--priority", "major",
                                  "--opened", anHourAgo, "--as", "desk1")
        }

        var generator = SeededRandom(seed: backend == "sqlite" ? 18_201 : 18_202)
        var acknowledgedNotes: [String] = []
        var acknowledgedTickets: [String] = []
        var killed = 0, completed = 0
        let deadline = Date().addingTimeInterval(backend == "sqlite" ? 8 : 10)
        var round = 0
        while Date() < deadline {
            round += 1
            var started: [(kind: String, label: String, process: Capturing)] = []
            func launch(_ kind: String, _ label: String, _ arguments: [String]) throws {
                let (command, env) = cli.invocation(arguments)
                started.append((kind, label, try Capturing(command, environment: env)))
            }
            for writer in 1...3 {
                let note = "storm-\(round)-\(writer)"
                try launch("note", note, ["ticket", "note", "\(Int.random(in: 1...10, using: &generator))", note, "--as", "desk1"])
            }
            let title = "new-\(round)"
            try launch("ticket", title, ["ticket", "new", "--title", title, "--caller", "李四", "--opened", fiveHoursAgo, "--as", "desk1"])
            try launch("sweep", "", ["escalate-due", "--config", config])
            if round % 2 == 1 { try launch("escalator", "", ["escalator", "--no-deliver", "--config", config]) }
            usleep(UInt32(Int.random(in: 20...400, using: &generator) * 1000))
            for entry in started where entry.kind == "escalator" || Int.random(in: 0..<3, using: &generator) == 0 {
                entry.process.process.signal(SIGKILL)
            }
            for entry in started {
                let status = entry.process.finish(upTo: CLI.patience).status
                guard status == 0 else {
                    if status == 128 + SIGKILL { killed += 1 }
                    continue
                }
                completed += 1
                switch entry.kind {
                case "note": acknowledgedNotes.append(entry.label)
                case "ticket": acknowledgedTickets.append(entry.label)
                default: break
                }
            }
        }
        #expect(killed > 0 && completed > 0, "\(killed) killed, \(completed) completed in \(round) rounds")

        // The surviving escalator's next sweep: every step still due fires now.
        try cli.expectSuccess("escalate-due", "--config", config)

        if backend == "sqlite" {
            #expect(try AuditCommandTests.sqlite(cli.database, "PRAGMA integrity_check") == "ok")
        }
        #expect(try cli.run("ticket", "list", "--all").status == 0)
        // Every acknowledged write is there.
        let notes = Set(Self.lines(try Self.query(cli, "SELECT note FROM events WHERE note LIKE 'storm-%'")))
        #expect(acknowledgedNotes.filter { !notes.contains($0) } == [])
        let titles = Set(Self.lines(try Self.query(cli, "SELECT title FROM tickets WHERE title LIKE 'new-%'")))
        #expect(acknowledgedTickets.filter { !titles.contains($0) } == [])
        // Nothing half applied: each ticket's version counts its events (every action writes
        // both or neither), and each note appears once.
        #expect(try Self.query(cli, """
            SELECT COUNT(*) FROM tickets t WHERE t.version <> (SELECT COUNT(*) FROM events e WHERE e.ticket = t.number)
            """) == "0")
        #expect(try Self.query(cli, "SELECT COUNT(*) FROM (SELECT note FROM events WHERE note LIKE 'storm-%' GROUP BY note HAVING COUNT(*) > 1) AS twice") == "0")
        // Every due step fired exactly once: two for each general incident, one for each major.
        #expect(try Self.query(cli, """
            SELECT COUNT(*) FROM tickets t WHERE (SELECT COUNT(*) FROM escalation_steps s WHERE s.ticket = t.number)
                <> CASE t.priority WHEN 'major' THEN 1 ELSE 2 END
            """) == "0")
        // With all of their notifications: a step never stands without its messages, nor the reverse.
        let perStep = Self.lines(try Self.query(cli, """
            SELECT s.priority || ' ' || s.level || ' ' || (SELECT COUNT(*) FROM outbox o
                WHERE o.ticket = s.ticket AND o.priority = s.priority AND o.level = s.level)
            FROM escalation_steps s GROUP BY 1 ORDER BY 1
            """))
        // general 1: the incident manager; general 2: the other three roles (four addresses);
        // major 1: all four roles by e-mail (five addresses) and a call per role.
        #expect(perStep == ["general 1 1", "general 2 4", "major 1 9"], "\(perStep)")
        #expect(try Self.query(cli, """
            SELECT COUNT(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM escalation_steps s
                WHERE s.ticket = o.ticket AND s.priority = o.priority AND s.level = o.level)
            """) == "0")
        let verified = try cli.run("audit", "verify")
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}
