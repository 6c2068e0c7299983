import Foundation
import ShiftDeskLaunch
import XCTest

/// The real console in tmux, driven by keys only, several seats at once.
final class ConsoleEndToEndTests: XCTestCase {
    func console(_ cli: CLI, as login: String, columns: Int = 110, rows: Int = 30, language: String = "en",
                 arguments: [String] = []) throws -> Tmux {
        try Tmux.requireInstalled()
        let tmux = try Tmux(command: [CLI.binary, "console", "--db", cli.database, "--as", login] + arguments, columns: columns, rows: rows,
                            environment: ["SHIFTDESK_LANG": language, "TZ": "Asia/Shanghai"])
        try tmux.wait(for: language == "zh" ? "F10退出" : "F10Quit")
        return tmux
    }

    /// The terminal goes away (SSH drop, the pane killed: SIGHUP) in the middle of logging a call:
    /// nothing is half-saved, and what was typed is offered when that operator opens the console next.
    func testACallBeingLoggedWhenTheTerminalGoesAwayIsKeptAndOffered() throws {
        let cli = try CLI.staffedDesk()
        for language in ["en", "zh"] {
            let first = try console(cli, as: "desk1", columns: 80, rows: 24, language: language)
            try first.sendKeys("F2")
            try first.wait(for: language == "zh" ? "登记来电" : "Log a call")
            try first.type("打印机卡纸 third floor \(language)")
            try first.sendKeys("Tab")
            try first.type("王小明\(language)")
            try first.wait(for: "王小明\(language)")
            first.kill()
            // The console keeps the form as it goes (after its SIGHUP): wait for that, not a fixed time.
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline,
                  (try? AuditCommandTests.sqlite(cli.database, "SELECT value FROM settings WHERE key = 'console.kept_form.desk1'"))?.contains(language) != true {
                usleep(50_000)
            }
            // Nothing was logged.
            let list = try cli.expectSuccess("ticket", "list", "--all", "--json")
            XCTAssertEqual((list.json as? [[String: Any]])?.count, language == "en" ? 0 : 1)

            let again = try console(cli, as: "desk1", columns: 80, rows: 24, language: language)
            defer { again.kill() }
            try again.wait(for: language == "zh" ? "按 F2 继续" : "F2 continues it")
            try again.sendKeys("F2")
            let screen = try again.wait(for: "打印机卡纸 third floor \(language)")
            XCTAssertTrue(screen.contains("王小明\(language)"), screen)
            // Sent, it is logged once; the kept form is gone.
            try again.sendKeys("Enter")
            try again.wait(for: language == "zh" ? "已登记" : "Logged")
            again.kill()
            let third = try console(cli, as: "desk1", columns: 80, rows: 24, language: language)
            defer { third.kill() }
            XCTAssertFalse(try third.capture().contains(language == "zh" ? "按 F2 继续" : "F2 continues it"))
        }
        let list = try cli.expectSuccess("ticket", "list", "--all", "--json")
        XCTAssertEqual((list.json as? [[String: Any]])?.count, 2)
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
        // Nothing is chosen beforehand: Enter alone asks for the score; the agent types what the customer said.
        try desk.sendKeys("Enter")
        try desk.wait(for: "required")
        try desk.sendKeys("5")
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
        // The console's first sweep runs behind the first frame; what it fired settles the banners.
        try desk.wait(for: "management escalation step")
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

    /// A desk past the size it loads whole: the console opens on the queue's most urgent page
    /// and loads the rest on a thread of its own; every queue then shows in full.
    func testALargeDeskOpensOnItsFirstPageAndLoadsTheRestBehindIt() throws {
        let cli = try CLI.withFreshDatabase()
        let made = try cli.expectSuccess("init", "--demo", "--tickets", "8000", "--json")
        XCTAssertEqual((made.json as? [String: Any])?["tickets"] as? Int, 8000)
        let all = try XCTUnwrap(try cli.expectSuccess("ticket", "list", "--all", "--as", "zhang.wei", "--json").json as? [[String: Any]])
        let notClosed = all.filter { $0["state"] as? String != "closed" }.count
        XCTAssertGreaterThan(notClosed, 5_000, "more than a console loads before its first frame")
        let desk = try console(cli, as: "zhang.wei", columns: 120, rows: 30)
        defer { desk.kill() }
        // The whole queue is counted from the start, and stays so once everything is in.
        let screen = try desk.wait(timeout: 15, description: "the whole desk loaded") { $0.contains(" Desk: ") && !$0.contains("loading") }
        XCTAssertTrue(screen.contains("INC-") && screen.contains(" Desk: \(notClosed) "), screen)
        try desk.sendKeys("Tab")
        let l1 = try desk.wait(timeout: 15, description: "the L1 queue") { $0.contains(" L1: ") && $0.contains("INC-") }
        XCTAssertFalse(l1.contains("loading"), l1)
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
        _ = try Launched.run(["/usr/bin/pkill", "-TERM", "-P", String(shell), "-x", "shiftdesk"])
        screen = try again.wait(for: "[exited")
        XCTAssertTrue(screen.contains("[exited 143]"), screen)
        XCTAssertFalse(again.alternateScreenOn)
    }

    /// On the demo desk (12 calls waiting) the first key does what it says: the console opens on
    /// the queue with the calls in the banner, not on a popup that takes the first key; C shows
    /// a call; the key bar's F1 and F10 work in a real terminal.
    func testTheFirstKeyWorksOnTheDemoDeskAndTheKeyBarsFunctionKeysToo() throws {
        let cli = try CLI.withFreshDatabase()
        try cli.expectSuccess("init", "--demo")
        for (language, help, call, quit) in [("en", "Esc closes", "Call now:", "F10Quit"), ("zh", "Esc 关闭", "请立即致电", "F10退出")] {
            let desk = try console(cli, as: "zhang.wei", columns: 80, rows: 24, language: language)
            defer { desk.kill() }
            var screen = try desk.wait(for: quit)
            XCTAssertFalse(screen.contains("┌"), "no popup over the first frame\n\(screen)")
            try desk.sendKeys("?")
            try desk.wait(for: help)
            try desk.sendKeys("Escape")
            try desk.wait(timeout: 5, description: "help closed") { !$0.contains(help) }
            try desk.sendKeys("F1")
            try desk.wait(for: help)
            try desk.sendKeys("Escape")
            try desk.wait(timeout: 5, description: "help closed") { !$0.contains(help) }
            try desk.sendKeys("C")
            try desk.wait(for: call)
            try desk.sendKeys("Escape")
            try desk.wait(timeout: 5, description: "the popup closed") { !$0.contains(call) }
            try desk.sendKeys("F10")
            screen = try desk.wait(for: "[exited 0]")
            XCTAssertFalse(screen.contains("INC-"), screen)
        }
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
        try desk.sendKeys("4")
        try desk.sendKeys("Enter")
        try desk.wait(for: "close.needs-resolved")
    }

    /// The internal auditor (内审员) opens the console on the Audit screen, verifies the record,
    /// reads an incident's whole history, and is refused every action key, naming the rule.
    func testTheAuditorVerifiesTheRecordReadsAHistoryAndIsRefusedEveryAction() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("operator", "add", "aud1", "--name", "钱玉", "--role", "auditor")
        try cli.expectSuccess("ticket", "new", "--title", "Printer jam 打印机卡纸", "--caller", "王小明", "--as", "desk1")
        try cli.expectSuccess("ticket", "note", "1", "customer informed", "--as", "desk1")
        try cli.expectSuccess("ticket", "escalate", "1", "--to", "l1", "--note", "needs a visit", "--as", "desk1")
        let auditor = try console(cli, as: "aud1", columns: 80, rows: 24)
        defer { auditor.kill() }
        var screen = try auditor.wait(for: "Last verified never")
        XCTAssertTrue(screen.contains("Chain   3 events · head event #3"), screen)
        XCTAssertTrue(screen.contains("F4Verify") && screen.contains("F5History"), screen)

        // Verify now: off the console's thread, then the result and who ran it.
        try auditor.sendKeys("v")
        screen = try auditor.wait(for: "The record holds: 3 events checked")
        try auditor.wait(for: "by 钱玉 (aud1)")
        let recorded = try cli.expectSuccess("audit", "verify", "--json")
        XCTAssertEqual((recorded.json as? [String: Any])?["holds"] as? Bool, true)

        // An incident's whole history, by number.
        try auditor.sendKeys("i")
        try auditor.wait(for: "Whole history (42 or INC-000042)")
        try auditor.type("1")
        try auditor.sendKeys("Enter")
        screen = try auditor.wait(for: "local  logged")
        XCTAssertTrue(screen.contains("INC-000001 · Printer jam 打印机卡纸"), screen)
        XCTAssertTrue(screen.contains("张伟 (desk1)"), screen)
        try auditor.sendKeys("G")
        screen = try auditor.wait(for: "tier: desk → l1")
        XCTAssertTrue(screen.contains("note: “needs a visit”"), screen)

        // Action keys: refused with the rule, on the audit screen and on a queue; nothing written.
        try auditor.sendKeys("n")
        try auditor.wait(for: "[auditor.read-only]")
        try auditor.sendKeys("Escape", "Tab")
        try auditor.wait(for: "INC-000001 general")
        try auditor.sendKeys("F6")
        screen = try auditor.wait(for: "[auditor.read-only]")
        XCTAssertFalse(screen.contains("Resolve INC-000001"), "no form opens: \(screen)")
        try auditor.sendKeys("Escape")
        try auditor.wait(timeout: 5, description: "the message cleared") { !$0.contains("[auditor.read-only]") }
        try auditor.sendKeys("t")
        try auditor.wait(for: "[auditor.read-only]")
        XCTAssertTrue(auditor.isAlive)
        let show = try cli.expectSuccess("ticket", "show", "1", "--json")
        XCTAssertEqual(((show.json as? [String: Any])?["events"] as? [Any])?.count, 3)
    }

    func testTheDayShiftHandsOverByKeysAndNightDutyAcknowledgesEachItemInItsWindow() throws {
        var cli = try CLI.withFreshDatabase()
        cli.environment["TZ"] = "Asia/Shanghai"
        try cli.expectSuccess("init")
        try cli.expectSuccess("operator", "add", "day1", "--name", "张伟", "--role", "desk", "--shift", "day")
        try cli.expectSuccess("operator", "add", "night1", "--name", "Li Na", "--role", "desk", "--shift", "night")
        try cli.expectSuccess("ticket", "new", "--title", "Printer jam 打印机卡纸", "--caller", "王小明", "--as", "day1",
                              "--now", "2026-11-29T15:00:00+08:00")
        try cli.expectSuccess("ticket", "new", "--title", "VPN drops every hour", "--caller", "Sophie", "--as", "day1",
                              "--now", "2026-11-29T16:00:00+08:00")

        // 20:10, the day shift's last half hour: the proposal lists both; a note on the first, then submit.
        let day = try console(cli, as: "day1", columns: 80, rows: 24, language: "zh", arguments: ["--now", "2026-11-29T20:10:00+08:00"])
        defer { day.kill() }
        // The console's first sweep fires the four steps come due since the calls (2 h and 4 h
        // each); the proposal taken while it runs would order the items by steps half fired.
        try day.wait(for: "触发 4 级管理升级")
        try day.sendKeys("H")
        var screen = try day.wait(for: "交班 20:00–20:30：剩余 0:20:00")
        XCTAssertTrue(screen.contains("[x] INC-000001") && screen.contains("[x] INC-000002"), screen)
        try day.sendKeys("n")
        try day.wait(for: "INC-000001 的交接说明")
        try day.type("；报障人 9 点回电")
        try day.sendKeys("Enter")
        try day.wait(description: "the note form closed") { !$0.contains("INC-000001 的交接说明") }
        try day.sendKeys("F2")
        try day.wait(for: "将 2 个事件交给夜班")
        try day.type("打印机厂商明早到场")
        try day.sendKeys("Enter")
        screen = try day.wait(for: "交接 #1 已提交：2 个事件交给夜班")
        XCTAssertTrue(screen.contains("1 次待确认"), "the history shows it, acknowledgement still open: \(screen)")

        // 20:40, night duty's first half hour: the queue marks both, the review lists both.
        let night = try console(cli, as: "night1", arguments: ["--now", "2026-11-29T20:40:00+08:00"])
        defer { night.kill() }
        screen = try night.wait(for: "2 handed-over incident(s) to acknowledge")
        XCTAssertTrue(screen.contains("»INC-000001") && screen.contains("»INC-000002"), screen)
        try night.sendKeys("H")
        screen = try night.wait(for: "review 20:30–21:00: 0:20:00 left · 2 to acknowledge")
        XCTAssertTrue(screen.contains("#1 day1: 打印机厂商明早到场"), screen)
        XCTAssertTrue(screen.contains("报障人 9 点回电"), screen)
        // Each item by itself: the first taken over with a note, the second just acknowledged.
        try night.sendKeys("t")
        try night.wait(for: "Acknowledge INC-000001")
        try night.type("calling back at 9")
        try night.sendKeys("Enter")
        try night.wait(for: "1 of 2 acknowledged by you")
        try night.sendKeys("Enter")
        try night.wait(for: "Acknowledge INC-000002")
        try night.sendKeys("Enter")
        screen = try night.wait(for: "2 of 2 acknowledged by you")
        XCTAssertFalse(screen.contains("pending"), screen)

        // The review of the record, in both consoles, without a key press on the day side.
        try night.sendKeys("Tab")
        screen = try night.wait(for: "1 handover(s), 1 by the rules")
        XCTAssertTrue(screen.contains("2/2"), screen)
        screen = try day.wait(for: "符合规定 1 次")
        XCTAssertTrue(screen.contains("2/2"), screen)
        try day.sendKeys("Enter")
        screen = try day.wait(for: "全部事件均在接班后半小时内确认")
        XCTAssertTrue(screen.contains("night1") && screen.contains("calling back at 9"), screen)

        let list = try cli.expectSuccess("handover", "list", "--json")
        let record = try XCTUnwrap((list.json as? [[String: Any]])?.first)
        XCTAssertEqual(record["prepared_in_window"] as? Bool, true)
        XCTAssertEqual(record["acknowledged_in_window"] as? Bool, true)
        let ticket = try XCTUnwrap(try cli.expectSuccess("ticket", "show", "1", "--json").json as? [String: Any])
        XCTAssertEqual(ticket["assignee"] as? String, "night1", "taken over with the acknowledgement")
    }

    func testAConsoleSurvivesAPostgreSQLRestartKeepsWhatWasTypedAndCatchesUp() throws {
        let server: PrivatePostgres
        do { server = try PrivatePostgres() } catch PrivatePostgres.Failure.noServer {
            throw XCTSkip("no PostgreSQL server installed (scripts/test installs one)")
        }
        defer { server.destroy() }
        let cli = CLI(database: server.url)
        try cli.expectSuccess("init")
        try cli.expectSuccess("operator", "add", "desk1", "--name", "张伟", "--role", "desk")
        try cli.expectSuccess("ticket", "new", "--title", "Before the restart", "--caller", "x", "--as", "desk1")
        let desk = try console(cli, as: "desk1")
        defer { desk.kill() }
        try desk.wait(for: "Before the restart")

        // The server goes down: the console says so without a key press, and keeps running.
        try server.stop()
        try desk.wait(for: "Reconnecting to the desk database")
        // A call logged meanwhile is not lost: the form comes back with what was typed.
        try desk.sendKeys("F2")
        try desk.wait(for: "Log a call")
        try desk.type("Typed offline")
        try desk.sendKeys("Tab")
        try desk.type("王小明")
        try desk.sendKeys("Enter")
        var screen = try desk.wait(for: "Not sent: the database cannot be reached")
        XCTAssertTrue(screen.contains("Typed offline") && screen.contains("王小明"), screen)

        // The server is back: the console reconnects by itself and the kept form goes through.
        try server.start()
        try desk.wait(for: "Reconnected: the queue is up to date", timeout: 15)
        try desk.sendKeys("Enter")
        try desk.wait(for: "Logged INC-000002")
        // … and follows the change feed again: another seat's write shows without a key press.
        try cli.expectSuccess("ticket", "new", "--title", "Logged by another seat", "--caller", "y", "--as", "desk1")
        screen = try desk.wait(for: "Logged by another seat")
        XCTAssertTrue(screen.contains("Typed offline") && screen.contains("Before the restart"), screen)
    }
}
