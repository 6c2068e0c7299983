import Foundation
import Testing

@Suite("Handover commands", .serialized)
struct HandoverCommandTests {
    @Test func dayShiftHandsOverAndNightDutyAcknowledgesWithinTheWindows() throws {
        var cli = try CLI.staffedDesk()
        cli.environment["TZ"] = "Asia/Shanghai"
        try cli.expectSuccess("operator", "add", "night1", "--name", "李娜", "--role", "desk", "--shift", "night")
        try cli.expectSuccess("operator", "add", "day1", "--name", "Amy Chen", "--role", "desk", "--shift", "day")
        try cli.expectSuccess("ticket", "new", "--title", "VPN 断线", "--caller", "王小明", "--as", "day1", "--now", "2026-11-29T15:00:00+08:00")
        try cli.expectSuccess("ticket", "new", "--title", "closed one", "--caller", "x", "--as", "day1", "--now", "2026-11-29T15:05:00+08:00")
        try cli.expectSuccess("ticket", "resolve", "2", "--note", "ok", "--as", "day1", "--now", "2026-11-29T15:06:00+08:00")
        try cli.expectSuccess("ticket", "close", "2", "--csat", "4", "--as", "day1", "--now", "2026-11-29T15:07:00+08:00")

        let proposal = try cli.expectSuccess("handover", "prepare", "--as", "day1", "--now", "2026-11-29T20:05:00+08:00", "--json")
        let items = try #require((proposal.json as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.map { $0["ticket"] as? String } == ["INC-000001"])
        let submitted = try cli.expectSuccess("handover", "prepare", "--as", "day1", "--now", "2026-11-29T20:05:00+08:00", "--submit",
                                              "--item", "INC-000001=客户等待回电 waiting for a call back", "--json")
        let handover = try #require(submitted.json as? [String: Any])
        #expect(handover["prepared_in_window"] as? Bool == true)
        #expect((handover["from"] as? [String: Any])?["shift"] as? String == "day")
        #expect((handover["to"] as? [String: Any])?["start"] as? String == "2026-11-29T12:30:00Z")

        try cli.expectSuccess("handover", "ack", "1", "--item", "INC-000001", "--note", "收到", "--take", "--as", "night1",
                              "--now", "2026-11-29T20:45:00+08:00")
        let list = try cli.expectSuccess("handover", "list", "--json")
        let first = try #require((list.json as? [[String: Any]])?.first)
        #expect(first["acknowledged_in_window"] as? Bool == true)
        let ack = try #require((first["items"] as? [[String: Any]])?.first)
        #expect(ack["acknowledged_by"] as? String == "night1")
        #expect(ack["note"] as? String == "客户等待回电 waiting for a call back")
        let ticket = try cli.expectSuccess("ticket", "show", "1", "--json")
        #expect((ticket.json as? [String: Any])?["assignee"] as? String == "night1")

        let missing = try cli.run("handover", "ack", "1", "--item", "INC-000002", "--as", "night1")
        #expect(missing.status == 1 && missing.stderr.contains("not in handover #1"))
    }
}
