import Foundation
import ShiftDeskLaunch
import Testing

/// `audit verify`, `backup`, `restore` and the refusal of backdated actions, through the real
/// binary; tampering is done with the `sqlite3` shell, as someone behind ShiftDesk's back would.
@Suite("CLI: the record", .serialized)
struct AuditCommandTests {
    static let now = "2026-11-29T10:00:00Z"

    /// Runs the `sqlite3` shell on `database` (foreign keys off, as the shell has them).
    @discardableResult
    static func sqlite(_ database: String, _ sql: String) throws -> String {
        try CLI.tool(["/usr/bin/sqlite3", database, sql]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Drops the append-only triggers, then runs `sql`.
    static func tamper(_ database: String, _ sql: String) throws {
        let triggers = try sqlite(database, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")
        for trigger in triggers.split(separator: "\n") { try sqlite(database, "DROP TRIGGER \(trigger)") }
        try sqlite(database, sql)
    }

    static func demo() throws -> CLI {
        let cli = try CLI.withFreshDatabase()
        try cli.expectSuccess("init", "--demo", "--now", now)
        return cli
    }

    @Test func anHonestDeskVerifiesAndAnEditedEventIsNamedById() throws {
        let cli = try Self.demo()
        let honest = try cli.expectSuccess("audit", "verify")
        #expect(honest.stdout.contains("The record holds"))
        let json = try cli.expectSuccess("audit", "verify", "--json").json as? [String: Any]
        #expect(json?["holds"] as? Bool == true)
        let head = json?["head"] as? [String: Any]
        #expect((head?["sha256"] as? String)?.count == 64)
        // The last verification is kept for the audit screen.
        #expect(try Self.sqlite(cli.database, "SELECT value FROM settings WHERE key = 'audit.last_verification'").contains("\"holds\""))
        let id = try Self.sqlite(cli.database, "SELECT id FROM events ORDER BY id LIMIT 1 OFFSET 20")
        try Self.tamper(cli.database, "UPDATE events SET actor = 'x' WHERE id = \(id)")
        let broken = try cli.run("audit", "verify")
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("event \(id) ") && broken.stderr.contains("edited"))
        let brokenJSON = try cli.run("audit", "verify", "--json")
        #expect(brokenJSON.status == 1)
        #expect(((brokenJSON.json as? [String: Any])?["break"] as? [String: Any])?["event"] as? Int == Int(id))
    }

    @Test func aDeletedEventAnInsertedEventAndADeletedTicketAreNamed() throws {
        let deleted = try Self.demo()
        try Self.tamper(deleted.database, "DELETE FROM events WHERE id = 30")
        let missing = try deleted.run("audit", "verify")
        #expect(missing.status == 1 && missing.stderr.contains("event 30 is missing"))

        let inserted = try Self.demo()
        let last = try Self.sqlite(inserted.database, "SELECT MAX(id) FROM events")
        try Self.tamper(inserted.database, "INSERT INTO events (ticket, actor, at, kind, changes, note) VALUES (2, 'x', 0, 'noted', '[]', 'forged')")
        let forged = try inserted.run("audit", "verify")
        #expect(forged.status == 1 && forged.stderr.contains("event \((Int(last) ?? 0) + 1) ") && forged.stderr.contains("inserted"))

        let ticket = try Self.demo()
        try Self.sqlite(ticket.database, "PRAGMA foreign_keys = OFF; DELETE FROM tickets WHERE number = 4")
        let gone = try ticket.run("audit", "verify")
        #expect(gone.status == 1 && gone.stderr.contains("INC-000004") && gone.stderr.contains("deleted"))
    }

    @Test func anActionDatedBeforeTheTicketsHistoryIsRefused() throws {
        let cli = try Self.demo()
        let late = try cli.run("ticket", "note", "INC-000001", "x", "--as", "zhang.wei", "--now", "2020-01-01T00:00:00Z")
        #expect(late.status == 1)
        #expect(late.stderr.contains("INC-000001's latest event is at"))
        #expect(try Self.sqlite(cli.database, "SELECT COUNT(*) FROM events WHERE note = 'x'") == "0")
        try cli.expectSuccess("ticket", "note", "INC-000001", "on time", "--as", "zhang.wei")
    }

    @Test func everyReportPrintsTheChainHead() throws {
        let cli = try Self.demo()
        let head = try Self.sqlite(cli.database, "SELECT last_id || ' ' || lower(hex(hash)) FROM chain_head")
        let parts = head.split(separator: " ").map(String.init)
        for format in ["md", "csv", "json", "html"] {
            let report = try cli.expectSuccess("report", "month", "--period", "2026-11", "--format", format, "--now", Self.now)
            #expect(report.stdout.contains(parts[1]), "\(format)")
            #expect(report.stdout.contains(parts[0]), "\(format)")
        }
    }

    @Test func aBackupOfALiveDeskVerifiesAndNeverOverwrites() throws {
        let cli = try Self.demo()
        let folder = (cli.database as NSString).deletingLastPathComponent
        let backup = (folder as NSString).appendingPathComponent("backup.sqlite")
        // Writers keep adding notes while the backup is taken.
        let results = try cli.race([["ticket", "note", "INC-000011", "during 1", "--as", "zhang.wei"],
                                    ["backup", backup],
                                    ["ticket", "note", "INC-000012", "during 2", "--as", "zhang.wei"],
                                    ["ticket", "note", "INC-000013", "during 3", "--as", "zhang.wei"]])
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        #expect(results[1].stdout.contains("verified"))
        let attributes = try FileManager.default.attributesOfItem(atPath: backup)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        var copy = cli
        copy = CLI(database: backup)
        #expect(try copy.run("audit", "verify").status == 0)
        let again = try cli.run("backup", backup)
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: folder).contains { $0.contains(".partial-") }))
    }

    @Test func restoreVerifiesRefusesADeskInUseAndKeepsTheReplacedOne() throws {
        let cli = try Self.demo()
        let folder = (cli.database as NSString).deletingLastPathComponent
        let backup = (folder as NSString).appendingPathComponent("backup.sqlite")
        try cli.expectSuccess("backup", backup)
        let before = try Self.sqlite(cli.database, "SELECT COUNT(*) FROM events")
        try cli.expectSuccess("ticket", "note", "INC-000001", "after the backup", "--as", "zhang.wei")
        // A seat with the desk open: refused, nothing changed.
        let escalator = try cli.start(["escalator"])
        Thread.sleep(forTimeInterval: 1.5)
        let busy = try cli.run("restore", backup)
        escalator.stop()
        #expect(busy.status == 1 && busy.stderr.contains("in use"))
        #expect(!FileManager.default.fileExists(atPath: cli.database + ".before-restore"))
        // A tampered backup is refused.
        let tampered = (folder as NSString).appendingPathComponent("tampered.sqlite")
        try cli.expectSuccess("backup", tampered)
        try Self.tamper(tampered, "UPDATE events SET note = 'rewritten' WHERE id = 3")
        let refused = try cli.run("restore", tampered)
        #expect(refused.status == 1 && refused.stderr.contains("event 3"))
        // The honest one goes in; the replaced desk is kept and still verifies.
        let restored = try cli.run("restore", backup)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try Self.sqlite(cli.database, "SELECT COUNT(*) FROM events") == before)
        #expect(try cli.run("audit", "verify").status == 0)
        let kept = CLI(database: cli.database + ".before-restore")
        #expect(try kept.run("audit", "verify").status == 0)
        #expect(try Self.sqlite(kept.database, "SELECT COUNT(*) FROM events WHERE note = 'after the backup'") == "1")
        #expect(try cli.run("restore", backup).status == 1)
    }

    /// The chain is the same on both backends: one demo history, one head; and `audit verify`
    /// holds on PostgreSQL after notes written by the command line.
    @Test(.enabled(if: CLI.postgresServer != nil, "SHIFTDESK_TEST_POSTGRES is not set"))
    func theSameHistoryGivesTheSameHeadOnBothBackends() throws {
        let postgres = try CLI.withFreshPostgresDatabase()
        try postgres.expectSuccess("init", "--demo", "--now", Self.now)
        let sqlite = try Self.demo()
        func head(_ cli: CLI) throws -> String? {
            ((try cli.expectSuccess("audit", "verify", "--json").json as? [String: Any])?["head"] as? [String: Any])?["sha256"] as? String
        }
        let onPostgres = try head(postgres), onSQLite = try head(sqlite)
        #expect(onPostgres != nil && onPostgres == onSQLite)
        try postgres.expectSuccess("ticket", "note", "INC-000001", "注意 note", "--as", "zhang.wei")
        try sqlite.expectSuccess("ticket", "note", "INC-000001", "注意 note", "--as", "zhang.wei", "--now", "2026-11-29T11:00:00Z")
        try postgres.expectSuccess("ticket", "note", "INC-000002", "x", "--as", "zhang.wei", "--now", "2026-11-29T11:00:00Z")
        #expect(try postgres.run("audit", "verify").status == 0)
    }

    /// Writers adding notes are killed with SIGKILL at random moments: the file stays sound,
    /// every note a writer saw succeed is there, and the chain verifies.
    @Test func killNineDuringAStormOfWritesLosesNothingAcknowledged() throws {
        let cli = try Self.demo()
        var acknowledged: [String] = []
        var generator = SystemRandomNumberGenerator()
        let deadline = Date().addingTimeInterval(4)
        var round = 0
        while Date() < deadline {
            round += 1
            let notes = (1...4).map { "storm-\(round)-\($0)" }
            let started = try notes.enumerated().map { index, note in
                let (command, env) = cli.invocation(["ticket", "note", "INC-0000\(11 + index)", note, "--as", "zhang.wei"])
                return (note, try Capturing(command, environment: env))
            }
            Thread.sleep(forTimeInterval: Double(Int.random(in: 5...120, using: &generator)) / 1000)
            for (_, writer) in started where Bool.random(using: &generator) { writer.process.signal(SIGKILL) }
            for (note, writer) in started where writer.finish(upTo: CLI.patience).status == 0 { acknowledged.append(note) }
        }
        #expect(try Self.sqlite(cli.database, "PRAGMA integrity_check") == "ok")
        let stored = Set(try Self.sqlite(cli.database, "SELECT note FROM events WHERE note LIKE 'storm-%'").split(separator: "\n").map(String.init))
        #expect(acknowledged.filter { !stored.contains($0) } == [])
        #expect(!acknowledged.isEmpty)
        let verified = try cli.run("audit", "verify")
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}
