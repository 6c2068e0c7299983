import Foundation
import XCTest

/// Issue 14 through the real binary in a real terminal: the problem manager publishes a known
/// error; a desk agent logging a reworded call sees it under the Log-a-call form and resolves the
/// call with it in two keys (F5, Enter), in Chinese at 80x24 and in English at 160x48; the
/// month's report counts both as first contact and by known error.
final class KnownErrorConsoleEndToEndTests: XCTestCase {
    func testTheDeskResolvesARewordedCallWithTheKnownErrorInTwoKeys() throws {
        try Tmux.requireInstalled()
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("operator", "add", "pm1", "--name", "何军", "--role", "problem_manager")
        for title in ["三楼打印机卡纸", "三楼打印机卡纸无法打印", "打印机卡纸 三楼财务室"] {
            try cli.expectSuccess("ticket", "new", "--title", title, "--caller", "王伟", "--phone", "138", "--as", "desk1")
        }
        try cli.expectSuccess("problem", "new", "--title", "三楼打印机反复卡纸 printer on the third floor keeps jamming",
                              "--incident", "1", "--incident", "2", "--incident", "3", "--as", "l2a")
        try cli.expectSuccess("problem", "assess", "PRB-000001", "--owner", "pm1", "--as", "pm1")
        try cli.expectSuccess("problem", "analyse", "PRB-000001", "--as", "pm1")
        try cli.expectSuccess("problem", "known-error", "PRB-000001", "--symptom", "三楼打印机卡纸 third-floor printer jams",
                              "--workaround", "关机后清理搓纸轮再开机 switch off, clean the pick-up roller", "--as", "pm1")

        let runs: [(lang: String, columns: Int, rows: Int, title: String, panel: String, done: String, number: Int)] = [
            ("zh", 80, 24, "3楼打印机又卡纸了", "与该来电相符的已知错误", "当场解决", 4),
            ("en", 160, 48, "printer on floor 3 jams again", "Known errors matching this call", "resolved it with the known error of PRB-000001", 5),
        ]
        for run in runs {
            let tmux = try Tmux(command: [CLI.binary, "console", "--db", cli.database, "--as", "desk1"], columns: run.columns, rows: run.rows,
                                environment: ["SHIFTDESK_LANG": run.lang, "TZ": "Asia/Shanghai"])
            defer { tmux.kill() }
            try tmux.wait(for: "F10")
            try tmux.sendKeys("N")
            try tmux.type(run.title)
            try tmux.sendKeys("Tab")
            try tmux.type("王伟")
            let form = try tmux.wait(for: run.panel)
            XCTAssertTrue(form.contains("PRB-000001"), form)
            try tmux.sendKeys("F5")
            let shown = try tmux.wait(for: run.lang == "zh" ? "搓纸轮" : "pick-up roller")
            XCTAssertTrue(shown.contains("PRB-000001"), shown)
            try tmux.sendKeys("Enter")
            try tmux.wait(for: run.done)
            let ticket = try XCTUnwrap(try cli.expectSuccess("ticket", "show", "\(run.number)", "--json").json as? [String: Any])
            XCTAssertEqual(ticket["title"] as? String, run.title)
            XCTAssertEqual(ticket["state"] as? String, "resolved")
            XCTAssertEqual(ticket["problem"] as? String, "PRB-000001")
            let last = try XCTUnwrap((ticket["events"] as? [[String: Any]])?.last)
            let changes = try XCTUnwrap(last["changes"] as? [[String: Any]])
            XCTAssertTrue(changes.contains { $0["field"] as? String == "resolution_kind" && $0["after"] as? String == "known_error" }, "\(changes)")
            XCTAssertEqual(last["actor"] as? String, "desk1")
        }

        // The month's report counts both calls as first contact and by known error.
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM"
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        let month = formatter.string(from: Date())
        let report = try XCTUnwrap(try cli.expectSuccess("report", "month", "--period", month, "--format", "json").json as? [String: Any])
        let figures = try XCTUnwrap(report["figures"] as? [[String: Any]])
        func value(_ kpi: String, _ scope: String) -> Double? {
            figures.first { $0["kpi"] as? String == kpi && $0["scope"] as? String == scope }?["value"] as? Double
        }
        XCTAssertEqual(value("desk.resolved_first_contact", "desk"), 2)
        XCTAssertEqual(value("known_error.resolved", "problems"), 2)
        XCTAssertEqual(value("known_error.share_of_first_contact", "problems"), 100)
        XCTAssertEqual(value("problem.raised", "problems"), 1)
    }
}
