import Foundation
import XCTest

/// The supervisor's Plan screen in the real console, in a real terminal: Chinese at 80x24, then
/// resized to 200x60 in English (`:lang en`).
final class PlanEndToEndTests: XCTestCase {
    func testTheSupervisorOpensThePlanAndItFollowsAResize() throws {
        try Tmux.requireInstalled()
        let cli = try CLI.withFreshDatabase()
        let now = "2026-11-29T15:00:00+08:00"
        try cli.expectSuccess("init", "--demo", "--now", now)
        let tmux = try Tmux(command: [CLI.binary, "console", "--db", cli.database, "--as", "zhou.min", "--now", now], columns: 80, rows: 24,
                            environment: ["SHIFTDESK_LANG": "zh", "TZ": "Asia/Shanghai"])
        defer { tmux.kill() }
        try tmux.wait(for: "F10退出")
        try tmux.sendKeys(":")
        try tmux.type("queue plan")
        try tmux.sendKeys("Enter")
        let small = try tmux.wait(for: "排班")
        XCTAssertTrue(small.contains("未来 24 小时（自 11-29 15:00 起）"), small)
        XCTAssertTrue(small.contains("坐席计划 · 历史 2 周"), small)

        try tmux.resize(columns: 200, rows: 60)
        try tmux.sendKeys(":")
        try tmux.type("lang en")
        try tmux.sendKeys("Enter")
        let large = try tmux.wait(for: "Work time desk")
        XCTAssertTrue(large.contains("roster — the supplier's own people"), large)
        XCTAssertTrue(large.contains("Response targets (policy in force): major 15m, general 30m, minor 1h"), large)
        // The plan is read-only: an action key is answered.
        try tmux.sendKeys("t")
        try tmux.wait(for: "the Plan screen only reads")
    }
}
