import Foundation
import Testing

/// `shiftdesk drill` through the real binary: the BPI 2013 log replayed onto a drill desk, a
/// trainee acting in the drill's time, the simulated engineers working what is escalated.
@Suite("Drill command", .serialized)
struct DrillCommandTests {
    static var bpi: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/BPI_Challenge_2013_incidents.xes.gz").path
    }

    @Test func aDrillRunsOnlyOnADrillDesk() throws {
        let cli = try CLI.withFreshDatabase()
        try cli.expectSuccess("init", "--demo")
        let refused = try cli.run("drill", "--from", Self.bpi, "--format", "xes")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("this desk is not a drill desk"))
        #expect(try cli.run("init", "--drill").stderr.contains("already holds tickets"))
        let fresh = try CLI.withFreshDatabase()
        #expect(try fresh.run("init", "--drill", "--demo").status != 0)
        #expect(try fresh.run("drill", "--from", Self.bpi, "--format", "xes", "--speed", "0").stderr.contains("--speed takes 1 to 3600"))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: DrillCommandTests.bpi), "needs ../shared/data/BPI_Challenge_2013_incidents.xes.gz"),
          .timeLimit(.minutes(5)))
    func theRealLogArrivesInItsOwnTimeAndTheBotsWorkWhatATraineeEscalates() throws {
        let cli = try CLI.withFreshDatabase()
        #expect(try cli.expectSuccess("init", "--drill").stdout.contains("Drill desk ready"))
        // Two hours of 2 May 2012 at 720x: ten real seconds once the log is read.
        let drill = try cli.start(["drill", "--from", Self.bpi, "--format", "xes", "--speed", "720",
                                   "--start", "2012-05-02T08:00:00Z", "--until", "2012-05-02T10:00:00Z", "--json"])
        var first: [String: Any]?
        for _ in 0..<600 where first == nil {
            Thread.sleep(forTimeInterval: 0.2)
            first = (try cli.run("ticket", "list", "--as", "zhang.wei", "--json").json as? [[String: Any]])?.first
        }
        let arrived = try #require(first, "the first incident of the window arrives")
        #expect((arrived["opened_at"] as? String)?.hasPrefix("2012-05-02T08:") == true, "opened at the log's own instant")
        // The trainee acts in the drill's time, not the wall clock's.
        let taken = try cli.expectSuccess("ticket", "take", "INC-000001", "--as", "zhang.wei", "--json")
        #expect(String(describing: taken.json).contains("2012-05-02"))
        try cli.expectSuccess("ticket", "escalate", "INC-000001", "--to", "l1", "--as", "zhang.wei")
        var history = ""
        for _ in 0..<300 where !history.contains("drill.l1") {
            Thread.sleep(forTimeInterval: 0.2)
            history = try cli.run("ticket", "show", "INC-000001", "--as", "zhang.wei").stdout
        }
        #expect(history.contains("drill.l1"), "the simulated first line takes what the trainee escalated")
        #expect(drill.wait(upTo: 180) == 0, "the drill ends by itself at --until")
        #expect(try cli.expectSuccess("audit", "verify").stdout.contains("The record holds"))
        let list = try #require(try cli.run("ticket", "list", "--as", "zhang.wei", "--json").json as? [[String: Any]])
        #expect(list.count > 100, "the window's arrivals are all on the desk")
    }
}
