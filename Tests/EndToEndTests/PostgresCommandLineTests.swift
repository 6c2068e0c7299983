import Foundation
import Testing

extension CLI {
    /// The server the PostgreSQL tests use (`scripts/test` starts one), or nil to skip them.
    static var postgresServer: String? {
        ProcessInfo.processInfo.environment["SHIFTDESK_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A database nobody used on the test server; `init` creates it.
    static func withFreshPostgresDatabase() throws -> CLI {
        guard let server = postgresServer, let slash = server.range(of: "/", options: .backwards) else {
            throw CLIError.failed("SHIFTDESK_TEST_POSTGRES is not set")
        }
        let name = "shiftdesk_e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return CLI(database: String(server[..<slash.lowerBound]) + "/" + name)
    }
}

/// The command line on a PostgreSQL desk: seats on many machines are processes here.
@Suite("Command line on PostgreSQL", .serialized, .enabled(if: CLI.postgresServer != nil, "SHIFTDESK_TEST_POSTGRES is not set"))
struct PostgresCommandLineTests {
    static let seats = [("l1a", "王芳"), ("l1b", "Raj Patel"), ("l1c", "Amy Chen"), ("l1d", "李娜")]

    static func staffedDesk() throws -> CLI {
        let cli = try CLI.withFreshPostgresDatabase()
        try cli.expectSuccess("init")
        try cli.expectSuccess("operator", "add", "desk1", "--name", "张伟", "--role", "desk")
        for (login, name) in seats {
            try cli.expectSuccess("operator", "add", login, "--name", name, "--role", "l1")
        }
        return cli
    }

    @Test func seatsRacingToTakeTheSameTicketsHaveOneWinnerAndEveryLoserIsToldWho() throws {
        let cli = try Self.staffedDesk()
        for round in 1...6 {
            try cli.expectSuccess("ticket", "new", "--title", "race \(round)", "--channel", "email", "--as", "desk1")
            try cli.expectSuccess("ticket", "escalate", "\(round)", "--to", "l1", "--as", "desk1")
            let results = try cli.race(Self.seats.map { ["ticket", "take", "\(round)", "--as", $0.0] })
            let winners = results.indices.filter { results[$0].status == 0 }
            #expect(winners.count == 1, "round \(round): \(results.map(\.stderr))")
            guard let winner = winners.first, winners.count == 1 else { continue }
            let (winnerLogin, winnerName) = Self.seats[winner]
            for (index, loser) in results.enumerated() where index != winner {
                #expect(loser.status == 1, "round \(round): \(loser.stderr)")
                // Told who has it: the conflict ("just changed by") or the holder ("held by").
                #expect(loser.stderr.contains(winnerName) || loser.stderr.contains(winnerLogin), "round \(round): \(loser.stderr)")
                #expect(loser.stderr.split(separator: "\n").count == 1, "\(loser.stderr)")
            }
            let show = try cli.expectSuccess("ticket", "show", "\(round)", "--json")
            let ticket = try #require(show.json as? [String: Any])
            let events = try #require(ticket["events"] as? [[String: Any]])
            #expect(events.filter { $0["kind"] as? String == "taken" }.count == 1)
            #expect(events.filter { $0["kind"] as? String == "taken" }.first?["actor"] as? String == winnerLogin)
        }
        // Nothing lost: every ticket is there with its opening and escalation.
        let list = try cli.expectSuccess("ticket", "list", "--json", "--all")
        #expect((list.json as? [[String: Any]])?.count == 6)
    }

    @Test func migratePreparesADatabaseAheadOfTimeOnBothBackends() throws {
        let postgres = try CLI.withFreshPostgresDatabase()
        let first = try postgres.expectSuccess("migrate", "--json")
        let report = try #require(first.json as? [String: Any])
        #expect(report["backend"] as? String == "postgres")
        #expect(report["schemaVersion"] as? Int == 22)
        // Again: nothing to do, same version; then the desk works.
        #expect(try postgres.expectSuccess("migrate").stdout.contains("schema version 22"))
        try postgres.expectSuccess("operator", "add", "desk1", "--name", "张伟", "--role", "desk")

        let sqlite = try CLI.withFreshDatabase()
        let local = try #require(try sqlite.expectSuccess("migrate", "--json").json as? [String: Any])
        #expect(local["backend"] as? String == "sqlite" && local["schemaVersion"] as? Int == 22)
    }

    @Test func aServerNobodyAnswersOnIsNamedInOneLine() throws {
        let cli = CLI(database: "postgres://postgres@127.0.0.1:1/desk")
        let result = try cli.run("ticket", "list")
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot reach the PostgreSQL server at 127.0.0.1:1"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        let missing = try CLI.withFreshPostgresDatabase().run("ticket", "list")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("shiftdesk init --db"), "\(missing.stderr)")
    }
}
