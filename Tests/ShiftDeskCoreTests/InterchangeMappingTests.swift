import Foundation
import Testing
@testable import ShiftDeskCore

/// Hand-made rows in the shape of the ServiceNow incident event log (UCI #498).
enum ServiceNowFixture {
    static let header = ServiceNowMapping.requiredColumns

    /// A row with the given cells over a default incident; `?` is missing.
    static func row(_ line: Int, _ overrides: [String: String]) -> CSVRow {
        var values: [String: String] = [
            "number": "INC0000045", "incident_state": "New", "active": "true", "reassignment_count": "0", "reopen_count": "0",
            "sys_mod_count": "0", "made_sla": "true", "caller_id": "Caller 2403", "opened_by": "Opened by  8",
            "opened_at": "29/2/2016 01:16", "sys_created_by": "Created by 6", "sys_created_at": "29/2/2016 01:23",
            "sys_updated_by": "Updated by 21", "sys_updated_at": "29/2/2016 01:23", "contact_type": "Phone",
            "location": "Location 143", "category": "Category 55", "subcategory": "Subcategory 170", "u_symptom": "Symptom 72",
            "cmdb_ci": "?", "impact": "2 - Medium", "urgency": "2 - Medium", "priority": "3 - Moderate",
            "assignment_group": "?", "assigned_to": "?", "knowledge": "true", "u_priority_confirmation": "false",
            "notify": "Do Not Notify", "problem_id": "?", "rfc": "?", "vendor": "?", "caused_by": "?", "closed_code": "code 5",
            "resolved_by": "Resolved by 149", "resolved_at": "29/2/2016 11:29", "closed_at": "5/3/2016 12:00",
        ]
        for (key, value) in overrides { values[key] = value }
        return CSVRow(line: line, cells: header.map { values[$0] ?? "?" })
    }

    static func mapping() throws -> ServiceNowMapping {
        try ServiceNowMapping(header: header, file: "log.csv", timeZone: TimeZone(identifier: "UTC") ?? .gmt)
    }
}

@Suite struct ServiceNowMappingTests {
    let utc = TimeZone(identifier: "UTC") ?? .gmt

    @Test func parsesDayFirstDatesStrictly() {
        #expect(SourceTime.parseDayMonthYear("29/2/2016 01:16", zone: utc) == ISO8601.parse("2016-02-29T01:16:00Z"))
        #expect(SourceTime.parseDayMonthYear("5/3/2016 12:00:30", zone: utc) == ISO8601.parse("2016-03-05T12:00:30Z"))
        let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? utc
        #expect(SourceTime.parseDayMonthYear("1/3/2016 08:00", zone: shanghai) == ISO8601.parse("2016-03-01T00:00:00Z"))
        for bad in ["29/2/2015 01:16", "31/4/2016 10:00", "2016-02-29 01:16", "29/2/2016", "29/2/2016 24:00", "", "?", "1/13/2016 10:00"] {
            #expect(SourceTime.parseDayMonthYear(Substring(bad), zone: utc) == nil, "\(bad)")
        }
    }

    @Test func aHeaderWithoutTheColumnsIsRefusedNamingThem() {
        #expect(throws: InterchangeIssue.self) {
            _ = try ServiceNowMapping(header: ["number", "state"], file: "x.csv", timeZone: utc)
        }
        do {
            _ = try ServiceNowMapping(header: ["number", "incident_state"], file: "x.csv", timeZone: utc)
        } catch {
            #expect(error.description.hasPrefix("x.csv:1: not a ServiceNow incident export: no column active"))
        }
    }

    @Test func anIncidentBecomesOneTicketWithOneEventPerRow() throws {
        let mapping = try ServiceNowFixture.mapping()
        let rows = [
            ServiceNowFixture.row(2, [:]),
            ServiceNowFixture.row(3, ["incident_state": "Active", "sys_mod_count": "1", "sys_updated_at": "29/2/2016 02:00",
                                      "sys_updated_by": "Updated by 7", "assignment_group": "Group 56", "assigned_to": "Resolver 17"]),
            ServiceNowFixture.row(4, ["incident_state": "Awaiting User Info", "sys_mod_count": "2", "sys_updated_at": "29/2/2016 03:00",
                                      "assignment_group": "Group 56", "assigned_to": "Resolver 17"]),
            ServiceNowFixture.row(5, ["incident_state": "Active", "sys_mod_count": "3", "sys_updated_at": "29/2/2016 04:00",
                                      "assignment_group": "Group 70", "assigned_to": "Resolver 3", "reassignment_count": "1",
                                      "priority": "1 - Critical", "problem_id": "Problem ID 2"]),
            ServiceNowFixture.row(6, ["incident_state": "Resolved", "sys_mod_count": "4", "sys_updated_at": "29/2/2016 08:53",
                                      "assignment_group": "Group 70", "assigned_to": "Resolver 3", "priority": "1 - Critical",
                                      "problem_id": "Problem ID 2"]),
            ServiceNowFixture.row(7, ["incident_state": "Closed", "sys_mod_count": "5", "sys_updated_at": "5/3/2016 12:00",
                                      "assignment_group": "Group 70", "assigned_to": "Resolver 3", "priority": "1 - Critical",
                                      "problem_id": "Problem ID 2", "made_sla": "false", "active": "false"]),
        ]
        let history = try mapping.history(rows)
        let t = history.ticket
        #expect(history.events.map(\.kind) == [.opened, .escalated, .pended, .escalated, .resolved, .closed])
        #expect(history.events.map(\.actor).first == "Updated by 21")
        #expect(history.events.first?.at == ISO8601.parse("2016-02-29T01:23:00Z"))
        #expect(t.source == "servicenow:INC0000045")
        #expect(t.title == "INC0000045 · Category 55 · Subcategory 170")
        #expect(t.openedAt == ISO8601.parse("2016-02-29T01:16:00Z"))
        #expect(t.firstResponseAt == ISO8601.parse("2016-02-29T02:00:00Z"))
        // The source's final instants win over those of the state changes.
        #expect(t.resolvedAt == ISO8601.parse("2016-02-29T11:29:00Z"))
        #expect(t.closedAt == ISO8601.parse("2016-03-05T12:00:00Z"))
        #expect(t.state == .closed && t.tier == .l2 && t.assignee == "Resolver 3" && t.owner == "Opened by  8")
        #expect(t.priority == .major && t.channel == .phone && t.caller.name == "Caller 2403" && t.category == "Category 55")
        #expect(t.affectedService == nil, "a missing cmdb_ci stays missing")
        #expect(t.sourceMadeSLA == false)
        #expect(t.version == 6)
        // The source's own fields are in the history.
        #expect(history.events[3].change(of: "servicenow.problem_id")?.after == "Problem ID 2")
        #expect(history.events[3].change(of: "servicenow.assignment_group") == FieldChange(field: "servicenow.assignment_group",
                                                                                           before: "Group 56", after: "Group 70"))
        #expect(history.events[2].change(of: "state")?.after == "pending_customer")
        #expect(history.events[0].change(of: "servicenow.cmdb_ci") == nil)
    }

    @Test(arguments: [("1 - Critical", Priority.major), ("2 - High", .general), ("3 - Moderate", .general), ("4 - Low", .minor)])
    func prioritiesMapOntoTheDutyTable(_ text: String, _ priority: Priority) throws {
        let history = try ServiceNowFixture.mapping().history([ServiceNowFixture.row(2, ["priority": text])])
        #expect(history.ticket.priority == priority)
    }

    @Test(arguments: [("New", TicketState.new), ("Active", .inProgress), ("Awaiting User Info", .pendingCustomer),
                      ("Awaiting Evidence", .pendingCustomer), ("Awaiting Vendor", .pendingVendor),
                      ("Awaiting Problem", .inProgress), ("Resolved", .resolved), ("Closed", .closed)])
    func statesMap(_ text: String, _ state: TicketState) throws {
        let history = try ServiceNowFixture.mapping().history([ServiceNowFixture.row(2, ["incident_state": text])])
        #expect(history.ticket.state == state)
    }

    @Test func aReopeningIsAReopenEvent() throws {
        let rows = [
            ServiceNowFixture.row(2, ["incident_state": "Resolved"]),
            ServiceNowFixture.row(3, ["incident_state": "Active", "sys_updated_at": "1/3/2016 10:00", "reopen_count": "1"]),
            ServiceNowFixture.row(4, ["incident_state": "Resolved", "sys_updated_at": "1/3/2016 11:00", "reopen_count": "1"]),
        ]
        let history = try ServiceNowFixture.mapping().history(rows)
        #expect(history.events.map(\.kind) == [.opened, .reopened, .resolved])
        #expect(history.ticket.reopenCount == 1)
        #expect(history.events[1].change(of: "resolved_at")?.after == nil)
    }

    @Test func anUnknownStateKeepsTheStateBeforeAndSaysSo() throws {
        let rows = [ServiceNowFixture.row(2, ["incident_state": "Active"]),
                    ServiceNowFixture.row(3, ["incident_state": "-100", "sys_updated_at": "29/2/2016 02:00"])]
        let history = try ServiceNowFixture.mapping().history(rows)
        #expect(history.ticket.state == .inProgress)
        #expect(history.events[1].note == "ServiceNow state \"-100\"")
        #expect(history.events[1].change(of: "servicenow.incident_state")?.after == "-100")
    }

    @Test func aBadRowNamesFileLineAndReason() throws {
        let mapping = try ServiceNowFixture.mapping()
        let rows = [ServiceNowFixture.row(2, [:]), ServiceNowFixture.row(3, ["sys_updated_at": "31/2/2016 10:00"])]
        do {
            _ = try mapping.history(rows)
            Issue.record("a bad date must be refused")
        } catch {
            #expect(error.description == "log.csv:3: sys_updated_at \"31/2/2016 10:00\" is not a date (d/m/yyyy hh:mm)")
        }
        let short = CSVRow(line: 9, cells: ["INC0000045", "New"])
        #expect(throws: InterchangeIssue(file: "log.csv", line: 9, reason: "2 columns where the header has 36")) {
            _ = try mapping.history([short])
        }
        #expect(throws: InterchangeIssue.self) { _ = try mapping.history([ServiceNowFixture.row(2, ["priority": "5 - Planning"])]) }
    }
}

@Suite struct XESMappingTests {
    func event(_ line: Int, _ status: String, _ sub: String, _ at: String, group: String = "V30", resource: String = "Frederic",
               impact: String? = "Medium") -> XESEvent {
        var attributes = ["concept:name": status, "lifecycle:transition": sub, "time:timestamp": at, "org:group": group,
                          "org:resource": resource, "org:role": "A2_4", "product": "PROD582"]
        attributes["impact"] = impact
        return XESEvent(line: line, attributes: attributes)
    }

    @Test func aVINSTTraceBecomesATicketWithTiersFromTheSupportLines() throws {
        let trace = XESTrace(line: 10, attributes: ["concept:name": "1-364285768"], events: [
            event(11, "Accepted", "In Progress", "2010-03-31T16:59:42+02:00"),
            event(20, "Queued", "Awaiting Assignment", "2010-03-31T17:45:48+02:00", group: "V5 3rd"),
            event(30, "Accepted", "In Progress", "2010-04-06T16:44:07+02:00", group: "V5 3rd", resource: "Anne Claire"),
            event(40, "Accepted", "Wait - User", "2010-04-07T10:00:00+02:00", group: "G97 2nd", resource: "Anne Claire", impact: "High"),
            event(50, "Completed", "Resolved", "2010-04-08T10:00:00+02:00", group: "G97 2nd", resource: "Anne Claire"),
            event(60, "Completed", "Closed", "2010-04-09T10:00:00+02:00", group: "V30", resource: "Frederic"),
        ])
        let history = try XESMapping(file: "bpi.xes").history(trace)
        #expect(history.events.count == 6)
        #expect(history.events.map(\.kind) == [.opened, .escalated, .taken, .pended, .resolved, .closed])
        let tiers = history.events.compactMap { $0.change(of: "tier")?.after }
        #expect(tiers == ["l1", "vendor", "l2", "l1"])
        let t = history.ticket
        #expect(t.source == "xes:1-364285768")
        #expect(t.openedAt == ISO8601.parse("2010-03-31T14:59:42Z"))
        #expect(t.resolvedAt == ISO8601.parse("2010-04-08T08:00:00Z"))
        #expect(t.closedAt == ISO8601.parse("2010-04-09T08:00:00Z"))
        #expect(t.priority == .general && t.affectedService == "PROD582" && t.channel == .other && t.caller.name == "")
        #expect(history.events.map(\.actor) == ["Frederic", "Frederic", "Anne Claire", "Anne Claire", "Anne Claire", "Frederic"])
        #expect(history.events[1].change(of: "assignee")?.after == nil)
        #expect(history.events[0].change(of: "xes.org:role")?.after == "A2_4")
    }

    @Test(arguments: [("Major", Priority.major), ("High", .general), ("Medium", .general), ("Low", .minor)])
    func impactMapsOntoPriority(_ impact: String, _ priority: Priority) throws {
        let trace = XESTrace(line: 1, attributes: ["concept:name": "x"], events: [event(2, "Accepted", "In Progress", "2010-03-31T16:59:42+02:00", impact: impact)])
        #expect(try XESMapping(file: "f").history(trace).ticket.priority == priority)
    }

    @Test func badEventsNameTheirLine() {
        let noTime = XESTrace(line: 1, attributes: ["concept:name": "x"], events: [XESEvent(line: 7, attributes: ["impact": "Low"])])
        #expect(throws: InterchangeIssue(file: "f", line: 7, reason: "an event of trace x without time:timestamp")) {
            _ = try XESMapping(file: "f").history(noTime)
        }
        let badTime = XESTrace(line: 1, attributes: ["concept:name": "x"], events: [event(8, "Queued", "Awaiting Assignment", "yesterday")])
        #expect(throws: InterchangeIssue.self) { _ = try XESMapping(file: "f").history(badTime) }
        let noName = XESTrace(line: 3, events: [event(4, "Queued", "Awaiting Assignment", "2010-03-31T16:59:42+02:00")])
        #expect(throws: InterchangeIssue(file: "f", line: 3, reason: "a trace without concept:name")) { _ = try XESMapping(file: "f").history(noName) }
    }
}

@Suite struct DeskExportTests {
    @Test func csvFieldsAreQuotedOnlyWhenTheyMustBe() {
        #expect(CSVText.line(["a", "b,c", "say \"hi\"", "two\nlines", " edge", ""]) == "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\" edge\",\n")
    }

    @Test func preciseInstantsKeepMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_795_917_600.25)
        #expect(ISO8601.formatPrecise(date) == "2026-11-29T02:00:00.250Z")
        #expect(ISO8601.formatPrecise(t0) == "2026-11-29T02:00:00Z")
        #expect(ISO8601.parse("2026-11-29T02:00:00.250Z") == date)
        #expect(XESWriter.timestamp(t0) == "2026-11-29T02:00:00.000+00:00")
    }

    @Test func isoFormattingWithoutACalendarAgreesWithTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        var random = SeededRandom(seed: 9)
        let samples = [-86_400.5, -1, 0, 951_782_400, 1_709_164_800, 4_107_542_399] + (0..<2_000).map { _ in
            Double(random.next() % 8_000_000_000) - 2_000_000_000 + 0.75
        }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                            from: Date(timeIntervalSince1970: seconds.rounded(.down)))
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0,
                                  c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
            #expect(ISO8601.format(date) == expected, "\(seconds)")
        }
    }

    @Test func theHistoryBuilderRecordsWhatTicketChangesRecords() {
        let demo = DemoDesk(now: t0, tickets: 40, seed: 3)
        for (ticket, _) in demo.tickets {
            var builder = HistoryBuilder()
            var before: Ticket?
            var edited = ticket
            for step in 0..<3 {
                edited.assignee = step == 1 ? nil : "x\(step)"
                edited.resolvedAt = step == 2 ? t0 : nil
                builder.append(edited, at: t0, actor: "a", source: [])
                #expect(builder.events.last?.changes == edited.changes(since: before))
                before = edited
            }
        }
    }

    @Test func xmlAttributesAreEscaped() {
        #expect(XESWriter.escape("a<b & \"c\"\n\u{1}") == "a&lt;b &amp; &quot;c&quot;&#10;\u{FFFD}")
    }

    @Test func aTicketRoundTripsThroughJSONAndCSV() throws {
        let demo = DemoDesk(now: t0, tickets: 30, seed: 7)
        for (ticket, events) in demo.tickets {
            let history = TicketHistory(ticket: ticket, events: events)
            let json = DeskExport.jsonOpening + DeskExport.jsonTicket(history, desk: "d1") + DeskExport.jsonClosing
            let parsed = try DeskExport.histories(json: Data(json.utf8), file: "x.json")
            let back = try #require(try parsed.first?.get())
            #expect(DeskExport.jsonTicket(back, desk: "d1") == DeskExport.jsonTicket(history, desk: "d1"))
            #expect(back.ticket.source == "shiftdesk:d1:\(ticket.id)")
        }
    }
}

@Suite struct ImportedEscalationTests {
    @Test func stepsDueBeforeTheImportNeverFallDue() throws {
        // A general incident opened years before it was imported, still open.
        let openedAt = t0.addingTimeInterval(-3 * 365 * 86_400)
        var ticket = Ticket(id: TicketID(1), title: "old", caller: Caller(name: ""), channel: .other, priority: .general,
                            state: .inProgress, tier: .l1, openedAt: openedAt, source: "xes:1")
        let events = [TicketEvent(ticket: ticket.id, actor: "x", at: openedAt, kind: .opened, changes: ticket.changes(since: nil))]
        let policy = SLAPolicy.dutyTable(timeZone: TimeZone(identifier: "UTC") ?? .gmt)
        let live = TicketSLA(ticket: ticket, events: events, policy: policy, fired: [], now: t0)
        #expect(live.plan.dueSteps(now: t0).count == 2, "logged here, both steps would be due")
        ticket.importedAt = t0
        let imported = TicketSLA(ticket: ticket, events: events, policy: policy, fired: [], now: t0)
        #expect(imported.plan.dueSteps(now: t0).isEmpty)
        #expect(imported.escalationDueAt == nil)
        #expect(imported.breached, "it is still judged breached: only the notifications are history")
        // Raising it to major after the import escalates at once, as for any ticket.
        var raised = ticket
        raised.priority = .major
        let change = TicketEvent(ticket: ticket.id, actor: "sun.li", at: t0.addingTimeInterval(60), kind: .reprioritised,
                                 changes: raised.changes(since: ticket))
        let afterRaise = TicketSLA(ticket: raised, events: events + [change], policy: policy, fired: [], now: t0.addingTimeInterval(60))
        #expect(afterRaise.plan.dueSteps(now: t0.addingTimeInterval(60)).count == 1)
    }
}
