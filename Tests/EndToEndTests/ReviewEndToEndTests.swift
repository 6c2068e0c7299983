import Foundation
import XCTest

/// The incident manager's weekly review in the real console: a recurring cluster becomes a
/// problem with one key.
final class ReviewEndToEndTests: XCTestCase {
    func testTheIncidentManagerRaisesAProblemForARecurringClusterWithOneKey() throws {
        try Tmux.requireInstalled()
        let cli = try CLI.withFreshDatabase()
        let now = "2026-11-29T15:00:00+08:00"
        try cli.expectSuccess("init", "--demo", "--now", now)
        let tmux = try Tmux(command: [CLI.binary, "console", "--db", cli.database, "--as", "sun.li", "--now", now], columns: 100, rows: 30,
                            environment: ["SHIFTDESK_LANG": "en", "TZ": "Asia/Shanghai"])
        defer { tmux.kill() }
        try tmux.wait(for: "F10Quit")
        // The review is a tab of the incident manager's console.
        try tmux.wait(for: "Weekly review")
        try tmux.sendKeys("Escape")
        try tmux.sendKeys(":")
        try tmux.type("queue review")
        try tmux.sendKeys("Enter")
        try tmux.wait(for: "2026-W48")
        let before = try tmux.wait(for: "untracked: R")
        let recurring = try XCTUnwrap(before.split(separator: "\n").first { $0.contains("Recurring ") })
        XCTAssertFalse(recurring.contains("Recurring 0"), String(recurring))

        try tmux.sendKeys("R")
        try tmux.wait(for: "Raised PRB-000001")
        let after = try tmux.wait(for: "PRB-000001 new")
        XCTAssertTrue(after.contains("2026-W48"))

        let problems = try XCTUnwrap(try cli.expectSuccess("problem", "list", "--json").json as? [[String: Any]])
        XCTAssertEqual(problems.map { $0["id"] as? String }, ["PRB-000001"])
        XCTAssertTrue((problems.first?["title"] as? String)?.hasPrefix("Recurring: ") ?? false)
        let tickets = try XCTUnwrap(try cli.expectSuccess("ticket", "list", "--all", "--json").json as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(tickets.filter { $0["problem"] as? String == "PRB-000001" }.count, 3)
    }

    func testAWorkaroundIsRecordedOnTheResolutionEvent() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("ticket", "new", "--title", "打印机卡纸", "--caller", "王小明", "--phone", "138", "--as", "desk1")
        try cli.expectSuccess("ticket", "resolve", "1", "--note", "重启打印机", "--workaround", "--as", "desk1")
        let ticket = try XCTUnwrap(try cli.expectSuccess("ticket", "show", "1", "--json").json as? [String: Any])
        XCTAssertEqual(ticket["state"] as? String, "resolved")
        let last = try XCTUnwrap((ticket["events"] as? [[String: Any]])?.last)
        XCTAssertEqual(last["kind"] as? String, "resolved")
        let changes = try XCTUnwrap(last["changes"] as? [[String: Any]])
        XCTAssertTrue(changes.contains { $0["field"] as? String == "resolution_kind" && $0["after"] as? String == "workaround" }, "\(changes)")
    }
}
