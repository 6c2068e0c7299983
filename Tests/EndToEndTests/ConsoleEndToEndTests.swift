import Foundation
import XCTest

/// The real console in tmux, driven by keys only, several seats at once.
final class ConsoleEndToEndTests: XCTestCase {
    func console(_ cli: CLI, as login: String, columns: Int = 110, rows: Int = 30, language: String = "en") throws -> Tmux {
        try Tmux.requireInstalled()
        let tmux = try Tmux(command: [CLI.binary, "console", "--db", cli.database, "--as", login], columns: columns, rows: rows,
                            environment: ["SHIFTDESK_LANG": language, "TZ": "Asia/Shanghai"])
        try tmux.wait(for: language == "zh" ? "F10退出" : "F10Quit")
        return tmux
    }

    func testAGeneralIncidentsWholeLifeByKeysAcrossConsolesSeenLive() throws {
        let cli = try CLI.staffedDesk()
        let desk = try console(cli, as: "desk1")
        defer { desk.kill() }
        let l1 = try console(cli, as: "l1a")
        defer { l1.kill() }

        // The desk logs the call.
        try desk.sendKeys("F2")
        try desk.wait(for: "Log a call")
        try desk.type("Printer jam 打印机卡纸")
        try desk.sendKeys("Tab")
        try desk.type("王小明")
        try desk.sendKeys("Enter")
        try desk.wait(for: "Logged INC-000001")

        // … and escalates it to first line, with a note.
        try desk.sendKeys("F5")
        try desk.wait(for: "Escalate INC-000001")
        try desk.sendKeys("Tab")
        try desk.type("needs a visit")
        try desk.sendKeys("Enter")
        try desk.wait(for: "INC-000001 escalated")

        // L1 sees it arrive without a key press, and takes it.
        try l1.wait(for: "INC-000001")
        try l1.sendKeys("t")
        try l1.wait(for: "INC-000001 taken")
        // The desk sees who holds it now.
        try desk.wait(for: "L1 l1a")

        // L1 cannot fix it: second line.
        try l1.sendKeys("F5")
        try l1.wait(for: "Escalate INC-000001")
        try l1.sendKeys("Enter")
        try l1.wait(for: "INC-000001 escalated")
        try l1.wait(timeout: 5, description: "the ticket leaves the L1 queue") { !$0.contains("INC-000001 general") }

        let l2 = try console(cli, as: "l2a")
        defer { l2.kill() }
        try l2.wait(for: "INC-000001")
        try l2.sendKeys("r")
        try l2.wait(for: "Resolve INC-000001")
        try l2.type("replaced the fuser")
        try l2.sendKeys("Enter")
        try l2.wait(for: "INC-000001 resolved")

        // The desk closes it with the survey.
        try desk.wait(for: "to close")
        try desk.sendKeys("F7")
        try desk.wait(for: "satisfaction survey")
        try desk.sendKeys("Enter")
        try desk.wait(for: "INC-000001 closed")

        let show = try cli.expectSuccess("ticket", "show", "1", "--json")
        let ticket = try XCTUnwrap(show.json as? [String: Any])
        XCTAssertEqual(ticket["state"] as? String, "closed")
        let events = try XCTUnwrap(ticket["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["kind"] as? String }, ["opened", "escalated", "taken", "escalated", "resolved", "closed"])
        XCTAssertEqual(events.map { $0["actor"] as? String }, ["desk1", "desk1", "l1a", "l1a", "l2a", "desk1"])
        XCTAssertEqual((ticket["satisfaction"] as? [String: Any])?["score"] as? Int, 5)
    }

    func testCountdownsTickAndABreachClimbsTheIncidentManagersQueue() throws {
        let cli = try CLI.staffedDesk()
        // A general incident 4 h minus 6 s old: it breaches while we watch.
        let opened = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-4 * 3600 + 6))
        try cli.expectSuccess("ticket", "new", "--title", "Core switch flapping", "--caller", "NOC", "--opened", opened, "--as", "desk1")
        try cli.expectSuccess("ticket", "new", "--title", "Quiet one", "--caller", "x", "--as", "desk1")
        let im = try console(cli, as: "im1")
        defer { im.kill() }
        var screen = try im.wait(for: "Nothing in this queue")
        XCTAssertFalse(screen.contains("Core switch"))
        screen = try im.wait(timeout: 15, description: "the breached incident to enter the IM queue") { $0.contains("Core switch flapping") }
        let colored = try im.capture(colors: true)
        XCTAssertTrue(colored.contains("-0:00:0") || colored.contains("-0:00:1"), screen)

        // On the desk queue, two captures a second apart differ only in countdown cells.
        let desk = try console(cli, as: "desk1")
        defer { desk.kill() }
        try desk.wait(for: "Quiet one")
        let first = try desk.capture()
        Thread.sleep(forTimeInterval: 1.1)
        let second = try desk.capture()
        let changed = zip(first.split(separator: "\n", omittingEmptySubsequences: false), second.split(separator: "\n", omittingEmptySubsequences: false))
            .filter { $0 != $1 }
        XCTAssertFalse(changed.isEmpty, "the countdown ticks")
        for (before, after) in changed {
            // Only the clock in the header and the SLA column (the end of the line) move.
            let prefixBefore = before.dropLast(12), prefixAfter = after.dropLast(12)
            XCTAssertEqual(prefixBefore, prefixAfter, "\(before)\n\(after)")
        }
    }

    func testResizeQuitAndSIGTERMRestoreTheTerminalInChinese() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("ticket", "new", "--title", "数据库连接超时 Database timeout", "--caller", "欧阳娜娜", "--as", "desk1")
        let desk = try console(cli, as: "desk1", columns: 80, rows: 24, language: "zh")
        defer { desk.kill() }
        var screen = try desk.wait(for: "数据库连接超时")
        XCTAssertTrue(screen.contains("服务台"))
        try desk.resize(columns: 40, rows: 10)
        try desk.wait(for: "60x16")
        try desk.resize(columns: 80, rows: 24)
        try desk.wait(for: "数据库连接超时")
        try desk.sendKeys("?")
        try desk.wait(for: "按键")
        try desk.sendKeys("Escape")
        try desk.sendKeys("q")
        screen = try desk.wait(for: "[exited 0]")
        XCTAssertFalse(screen.contains("INC-"), screen)

        let again = try console(cli, as: "desk1", columns: 80, rows: 24, language: "zh")
        defer { again.kill() }
        guard let shell = again.panePID else { return XCTFail("no pane pid") }
        let pkill = Process()
        pkill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
        pkill.arguments = ["-TERM", "-P", String(shell), "-x", "shiftdesk"]
        try pkill.run()
        pkill.waitUntilExit()
        screen = try again.wait(for: "[exited")
        XCTAssertTrue(screen.contains("[exited 143]"), screen)
        XCTAssertFalse(again.alternateScreenOn)
    }

    func testAnUnknownLoginIsToldHowToAddAnOperator() throws {
        let cli = try CLI.staffedDesk()
        let result = try cli.run("console", "--as", "nobody")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("operator add nobody"), result.stderr)
    }
}

extension ConsoleEndToEndTests {
    func testSecondLineRaisesAProblemFromTheConsoleAndTheDeskIsRefusedByRule() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("ticket", "new", "--title", "VPN 断线", "--caller", "王小明", "--as", "desk1")
        try cli.expectSuccess("ticket", "escalate", "1", "--to", "l1", "--as", "desk1")
        try cli.expectSuccess("ticket", "escalate", "1", "--to", "l2", "--as", "l1a")
        let l2 = try console(cli, as: "l2a")
        defer { l2.kill() }
        try l2.wait(for: "INC-000001")
        try l2.sendKeys("R")
        try l2.wait(for: "Raise a problem from INC-000001")
        try l2.sendKeys("Enter")
        try l2.wait(for: "Raised PRB-000001")
        let show = try cli.expectSuccess("ticket", "show", "1", "--json")
        XCTAssertEqual((show.json as? [String: Any])?["problem"] as? String, "PRB-000001")

        let desk = try console(cli, as: "desk1")
        defer { desk.kill() }
        try desk.wait(for: "INC-000001")
        try desk.sendKeys("F7")
        try desk.wait(for: "satisfaction survey")
        try desk.sendKeys("Enter")
        try desk.wait(for: "close.needs-resolved")
    }
}
