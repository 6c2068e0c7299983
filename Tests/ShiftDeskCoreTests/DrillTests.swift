import Foundation
import Testing
@testable import ShiftDeskCore

/// The drill's pure parts: its clock, what a log's incident teaches the simulated engineers,
/// and what they do next.
@Suite("Drill")
struct DrillTests {
    /// A log's incident: at the desk 30 min, L1 for an hour, L2 for two, then resolved.
    func climbingHistory() throws -> TicketHistory {
        let ticket = try opened()
        func event(_ at: Double, _ kind: EventKind, tier: Tier? = nil) -> TicketEvent {
            TicketEvent(ticket: ticket.id, actor: "someone", at: minutes(at), kind: kind,
                        changes: tier.map { [FieldChange(field: "tier", before: nil, after: $0.rawValue)] } ?? [])
        }
        return TicketHistory(ticket: ticket, events: [event(0, .opened), event(30, .escalated, tier: .l1), event(35, .taken),
                                                      event(90, .escalated, tier: .l2), event(210, .resolved), event(300, .closed)])
    }

    @Test func theTimelineRunsSpeedTimesFasterAndIsKeptAsText() throws {
        let timeline = DrillTimeline(realStart: t0, simulatedStart: Date(timeIntervalSince1970: 1_335_945_600), speed: 60)
        #expect(timeline.simulated(at: t0.addingTimeInterval(60)) == Date(timeIntervalSince1970: 1_335_945_600 + 3600))
        #expect(timeline.real(at: timeline.simulated(at: t0.addingTimeInterval(42))) == t0.addingTimeInterval(42))
        #expect(DrillTimeline(settingText: timeline.settingText) == timeline)
        #expect(DrillTimeline(settingText: "1 2 0") == nil, "a speed outside 1…3600 is not a drill")
        #expect(DrillTimeline(settingText: "garbage") == nil)
    }

    @Test func anIncidentOfTheLogKeepsItsArrivalFieldsAndTheTimeEachLineHeldIt() throws {
        let incident = DrillIncident(try climbingHistory())
        #expect(incident.arrival == t0)
        #expect(incident.draft.title == "VPN 断线 drops" && incident.draft.caller.name == "王小明")
        #expect(incident.stints == [DrillStint(tier: .l1, span: 3600), DrillStint(tier: .l2, span: 7200)])
        #expect(incident.onward(from: .l1) == .l2)
        #expect(incident.onward(from: .l2) == nil)
        #expect(incident.span(at: .vendor, typical: [.vendor: 600]) == 600, "a line the log never reached takes the typical time")
        #expect(DrillBots.typicalSpans([incident, incident]) == [.l1: 3600, .l2: 7200])
    }

    @Test func theSimulatedEngineersTakeHoldAsLongAsTheLogThenPassOnOrResolve() throws {
        let incident = DrillIncident(try climbingHistory())
        var ticket = try opened()
        ticket.tier = .l1
        ticket.state = .new
        ticket.assignee = nil
        #expect(DrillBots.move(for: ticket, heldSince: nil, incident: incident, typical: [:], now: t0) == .take(login: "drill.l1"))
        ticket.state = .inProgress
        ticket.assignee = "drill.l1"
        #expect(DrillBots.move(for: ticket, heldSince: t0, incident: incident, typical: [:], now: minutes(59)) == .waitUntil(minutes(60)))
        #expect(DrillBots.move(for: ticket, heldSince: t0, incident: incident, typical: [:], now: minutes(60)) == .escalate(.l2))
        ticket.tier = .l2
        ticket.assignee = "drill.l2"
        #expect(DrillBots.move(for: ticket, heldSince: t0, incident: incident, typical: [:], now: minutes(120)) == .resolve)
        // A trainee's own call, escalated: the typical time, then resolved.
        #expect(DrillBots.move(for: ticket, heldSince: t0, incident: nil, typical: [.l2: 600], now: minutes(5)) == .waitUntil(minutes(10)))
        #expect(DrillBots.move(for: ticket, heldSince: t0, incident: nil, typical: [.l2: 600], now: minutes(10)) == .resolve)
        // Not theirs: held by a person, or at the desk.
        ticket.assignee = "chen.jing"
        #expect(DrillBots.move(for: ticket, heldSince: t0, incident: incident, typical: [:], now: minutes(500)) == .none)
        ticket.tier = .desk
        ticket.state = .new
        ticket.assignee = nil
        #expect(DrillBots.move(for: ticket, heldSince: nil, incident: incident, typical: [:], now: t0) == .none)
    }

    @Test func progressReadsInBothLanguages() {
        let progress = DrillProgress(simulatedNow: t0, arrived: 12, total: 346, backlog: [.desk: 5, .l1: 2])
        let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        #expect(progress.line(.en, timeZone: zone) == "drill 2026-11-29 10:00:00 · arrived 12/346 · backlog 7 (desk 5, L1 2, L2 0, vendor 0)")
        #expect(progress.line(.zh, timeZone: zone) == "演练 2026-11-29 10:00:00 · 已到达 12/346 · 积压 7（服务台 5, L1 2, L2 0, 厂商 0）")
    }
}
