import Foundation
import GRDB
import PostgresNIO
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// Controlled documents and the SLA policy record on every backend (issue 15).
@Suite("Store contract: controlled documents and the policy in force")
struct DocumentContractTests {
    static let owner = Operator(login: "zhou.min", name: "周敏", role: .owner)
    static let owner2 = Operator(login: "li.qiang", name: "李强", role: .owner)
    static let auditor = Operator(login: "he.yun", name: "何云", role: .auditor)

    /// Stands in for the TOML reader: `general-1h` moves the general incident's first step to
    /// an hour, `duty-table` is the duty table, anything else is refused with a line.
    static let parser: PolicyParser = { text, name in
        switch text.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "duty-table": return .success(.dutyTable)
        case "general-1h":
            var priorities = SLAPolicy.dutyTablePriorities
            priorities[.general]?.escalation[0].after = 3600
            guard let policy = try? SLAPolicy(timeZone: .gmt, calendars: [:], priorities: priorities) else {
                return .failure(PolicyTextProblem("\(name):1: unreadable"))
            }
            return .success(policy)
        default: return .failure(PolicyTextProblem("\(name):1: unknown key \"\(text.prefix(20))\""))
        }
    }

    static func documents(_ backend: Backend) async throws -> (DocumentDesk, ManualClock) {
        let (desk, clock) = try await staffedDesk(backend)
        for person in [owner, owner2, auditor] { try await desk.store.addOperator(person) }
        return (DocumentDesk(desk: desk, parsePolicy: parser), clock)
    }

    static func rule(_ body: () async throws(DeskError) -> Void) async -> String? {
        do { try await body() } catch {
            if case let .document(refusal) = error { return refusal.ruleID }
            return "\(error)"
        }
        return nil
    }

    @Test(arguments: Backend.available)
    func aDocumentIsEditedSubmittedRejectedResubmittedApprovedAndAcknowledged(_ backend: Backend) async throws {
        let (documents, clock) = try await Self.documents(backend)
        let im = People.im.login
        let text = "# 交接班规则\n白班 08:30–20:30\n"
        var document = try await documents.create("handover-rules", title: "交接班规则", concerns: [.desk, .l1], text: text, as: im)
        #expect(document.working?.digest.count == 64)
        #expect(document.working?.digest == DocumentDesk.digest(text))
        clock.advance(60)
        document = try await documents.submit("handover-rules", reason: "首次发布", major: false, as: im)
        #expect(document.working?.state == .submitted)
        #expect(await Self.rule { () async throws(DeskError) in _ = try await documents.edit("handover-rules", text: "x", as: im) } == "document.submitted-locked")
        #expect(await Self.rule { () async throws(DeskError) in _ = try await documents.approve("handover-rules", comment: nil, as: im) } == "document.approver-role")
        #expect(await Self.rule { () async throws(DeskError) in _ = try await documents.approve("handover-rules", comment: nil, as: Self.auditor.login) }
                == "auditor.read-only")
        clock.advance(60)
        document = try await documents.reject("handover-rules", comment: "缺少夜班", as: Self.owner.login)
        #expect(document.working?.state == .draft && document.working?.rejections.first?.comment == "缺少夜班")
        #expect(await Self.rule { () async throws(DeskError) in _ = try await documents.approve("handover-rules", comment: nil, as: Self.owner.login) }
                == "document.not-submitted")
        clock.advance(60)
        _ = try await documents.edit("handover-rules", text: text + "夜班 20:30–08:30\n", as: im)
        clock.advance(60)
        _ = try await documents.submit("handover-rules", reason: "补充夜班", major: false, as: im)
        clock.advance(60)
        document = try await documents.approve("handover-rules", comment: "同意", as: Self.owner.login)
        #expect(document.current?.label == "V1.0" && document.current?.text == text + "夜班 20:30–08:30\n")
        #expect(document.current?.approvedAt == t0.addingTimeInterval(300))
        #expect(try await documents.pendingAcknowledgements(document).map(\.login) == [People.l1b.login, People.l1.login, People.desk.login].sorted())
        _ = try await documents.acknowledge("handover-rules", as: People.l1.login)
        document = try await documents.requireDocument("handover-rules")
        #expect(try await documents.pendingAcknowledgements(document).map(\.login) == [People.l1b.login, People.desk.login].sorted())
        #expect(try await documents.unacknowledged(by: People.l1).isEmpty)
        #expect(try await documents.unacknowledged(by: People.desk).map(\.name) == ["handover-rules"])
        // The history is the store's rows, one per event, as written.
        let events = try await documents.desk.store.documentEvents("handover-rules")
        #expect(events.map(\.kind) == [.created, .submitted, .rejected, .edited, .submitted, .approved, .acknowledged])
        #expect(events.map(\.actor) == [im, im, Self.owner.login, im, im, Self.owner.login, People.l1.login])
        #expect(try await documents.documents().map(\.name) == ["handover-rules"])
        #expect(await Self.rule { () async throws(DeskError) in _ = try await documents.requireDocument("nothing") } == "document.not-found")
        #expect(await Self.rule { () async throws(DeskError) in
            _ = try await documents.create(DocumentRules.policyDocument, title: "x", concerns: [], text: "duty-table", as: im)
        } == "document.policy-through-policy")
    }

    @Test(arguments: Backend.available)
    func aWriteAgainstAStaleReadIsRefusedAndWritesNothing(_ backend: Backend) async throws {
        let (documents, _) = try await Self.documents(backend)
        let store = documents.desk.store
        let created = try await documents.create("work-instruction", title: "作业指导书", concerns: [], text: "一\n", as: People.im.login)
        let stale = DocumentEvent(document: "work-instruction", actor: People.im.login, at: t0, kind: .edited,
                                  payload: DocumentPayload(text: "二\n", digest: "x"))
        _ = try await store.appendDocumentEvent(stale, after: created.lastEventID)
        await #expect(throws: StoreError.documentChanged(document: "work-instruction", changedBy: People.im.login)) {
            try await store.appendDocumentEvent(stale, after: created.lastEventID)
        }
        await #expect(throws: StoreError.self) {
            try await store.appendDocumentEvent(DocumentEvent(document: "work-instruction", actor: "x", at: t0, kind: .created, payload: DocumentPayload()),
                                                after: 0)
        }
        #expect(try await store.documentEvents("work-instruction").count == 2)
    }

    @Test(arguments: Backend.available)
    func theDocumentHistoryIsAppendOnly(_ backend: Backend) async throws {
        let (documents, _) = try await Self.documents(backend)
        _ = try await documents.create("rules", title: "规则", concerns: [], text: "一\n", as: People.im.login)
        for sql in ["UPDATE document_events SET actor = 'someone'", "DELETE FROM document_events"] {
            if let sqlite = documents.desk.store as? SQLiteStore {
                await #expect(throws: DatabaseError.self) { try await sqlite.pool.write { db in try db.execute(sql: sql) } }
            } else if let postgres = documents.desk.store as? PostgresStore {
                await #expect(throws: StoreError.self) { try await postgres.write { session in try await session.run(PostgresQuery(stringLiteral: sql)) } }
            }
        }
        #expect(try await documents.desk.store.documentEvents("rules").map(\.actor) == [People.im.login])
    }

    @Test(arguments: Backend.available)
    func theApprovedPolicyIsInForceFromItsApprovalInstantForEverySeat(_ backend: Backend) async throws {
        let (documents, clock) = try await Self.documents(backend)
        let store = documents.desk.store
        #expect(try await documents.installPolicyIfMissing("duty-table", reason: "init"))
        #expect(try await !documents.installPolicyIfMissing("duty-table", reason: "init again"))
        // An incident opened under V1.0: its first step two hours on.
        let seat = Desk(store: store, clock: clock, policy: try await documents.policyTimeline(fallback: .dutyTable).policy(at: clock.now()))
        let ticket = try await seat.open(sampleDraft(), as: People.desk.login)
        #expect(ticket.escalationDueAt == t0.addingTimeInterval(7200))
        // A proposal that does not read is refused with its line; a good one changes nothing yet.
        #expect(await Self.rule { () async throws(DeskError) in
            _ = try await documents.proposePolicy("[priorities.genral]", reason: "typo", major: false, as: People.im.login)
        } == "policy.invalid")
        clock.advance(600)
        _ = try await documents.proposePolicy("general-1h", reason: "一般事件一小时", major: false, as: People.im.login)
        var timeline = try await documents.policyTimeline(fallback: .dutyTable)
        #expect(timeline.entry(at: clock.now())?.version.description == "V1.0")
        #expect(await Self.rule { () async throws(DeskError) in
            _ = try await documents.approve(DocumentRules.policyDocument, comment: nil, as: People.im.login)
        } == "document.approver-role")
        clock.advance(600)
        let approvedAt = clock.now()
        _ = try await documents.approve(DocumentRules.policyDocument, comment: nil, as: Self.owner.login)
        timeline = try await documents.policyTimeline(fallback: .dutyTable)
        let firstStep = { (instant: Date) in timeline.policy(at: instant).policy(for: .general).escalation[0].after }
        #expect(firstStep(approvedAt.addingTimeInterval(-1)) == 7200)
        #expect(firstStep(approvedAt) == 3600)
        #expect(timeline.entries.map(\.version.description) == ["V1.0", "V1.1"])
        // The approver's process plans the open incidents afresh, once; every other seat finds them planned.
        let directory = RecipientDirectory(addresses: [.incidentManager: ["im@desk.example"]])
        let inForce = Desk(store: store, clock: clock, policy: timeline.policy(at: clock.now()))
        #expect(try await EscalationSweep(desk: inForce, directory: directory, firedBy: "approver", timeZone: .gmt).replanIfPolicyChanged() == 1)
        #expect(try await EscalationSweep(desk: inForce, directory: directory, firedBy: "another seat", timeZone: .gmt).replanIfPolicyChanged() == 0)
        #expect(try await store.ticket(ticket.id)?.escalationDueAt == t0.addingTimeInterval(3600))
        // Another seat starting now, whatever file it was given, reads the same policy from the desk.
        let other = try await DocumentDesk(desk: Desk(store: store, clock: clock), parsePolicy: Self.parser).policyTimeline(fallback: .dutyTable)
        #expect(other.policy(at: clock.now()).fingerprint == timeline.policy(at: clock.now()).fingerprint)
    }

    /// Submitting mails the owners, the decision mails the submitter: queued with the event, in one
    /// transaction (issue 15). A refused action queues nothing.
    @Test(arguments: Backend.available)
    func submissionsAndDecisionsAreMailedThroughTheOutboxWithTheirEvents(_ backend: Backend) async throws {
        let (plain, clock) = try await Self.documents(backend)
        let store = plain.desk.store
        _ = try await plain.desk.setOperatorEmail(Self.owner.login, to: "zhou.min@desk.example")
        _ = try await plain.desk.setOperatorEmail(People.im.login, to: "sun.li@desk.example")
        let documents = DocumentDesk(desk: plain.desk, parsePolicy: Self.parser,
                                     recipients: RecipientDirectory(addresses: [.managementOwner: ["owner-box@desk.example"]]))
        func queued() async throws -> [OutboxMessage] {
            try await store.claimMail(dueBy: clock.now().addingTimeInterval(86_400), leaseUntil: clock.now(), limit: 100)
        }
        _ = try await documents.create("handover-rules", title: "交接班规则", concerns: [.desk], text: "白班\n", as: People.im.login)
        #expect(try await queued().isEmpty, "a draft tells nobody")
        clock.advance(60)
        _ = try await documents.submit("handover-rules", reason: "首次发布", major: false, as: People.im.login)
        var mail = try await queued()
        #expect(mail.map { $0.recipientLogin ?? $0.address }.sorted() == ["owner-box@desk.example", Self.owner.login])
        #expect(mail.allSatisfy { $0.kind == .document && $0.document == "handover-rules" && $0.ticket == nil && $0.subject.contains("V1.0") })
        #expect(mail.allSatisfy { $0.createdAt == t0.addingTimeInterval(60) && $0.body.contains("首次发布") })
        for message in mail { try await store.markDelivered(message.id, at: clock.now()) }
        // Refused: the submitter approving their own submission (an IM may not approve at all) writes nothing.
        #expect(await Self.rule { () async throws(DeskError) in _ = try await documents.approve("handover-rules", comment: nil, as: People.im.login) }
                == "document.approver-role")
        #expect(try await queued().isEmpty)
        clock.advance(60)
        _ = try await documents.reject("handover-rules", comment: "缺少夜班", as: Self.owner.login)
        mail = try await queued()
        #expect(mail.map(\.recipientLogin) == [People.im.login] && mail[0].body.contains("缺少夜班"))
        try await store.markDelivered(mail[0].id, at: clock.now())
        clock.advance(60)
        _ = try await documents.submit("handover-rules", reason: "已补充", major: false, as: People.im.login)
        let resubmitted = try await queued()
        #expect(resubmitted.count == 2, "a second submission of V1.0 is a new mail (its own Message-ID)")
        for message in resubmitted { try await store.markDelivered(message.id, at: clock.now()) }
        clock.advance(60)
        _ = try await documents.approve("handover-rules", comment: "同意", as: Self.owner.login)
        mail = try await queued()
        #expect(mail.map(\.recipientLogin) == [People.im.login] && mail[0].subject.contains("已批准 approved"))
        // A document's messages read back as written, on both backends.
        let again = try #require(mail.first)
        #expect(again.document == "handover-rules" && again.recipientRole == nil && again.via == .email && again.messageID.hasSuffix("@shiftdesk"))
        // Its event and its mail are one write: a stale write leaves neither.
        let stale = DocumentEvent(document: "handover-rules", actor: People.im.login, at: clock.now(), kind: .submitted,
                                  payload: DocumentPayload(reason: "x", version: "V1.1"))
        let message = OutboxMessage(document: "handover-rules", recipientRole: .managementOwner, recipientLogin: nil, address: "a@b.example",
                                    subject: "s", body: "b", createdAt: clock.now(), messageID: "stale@shiftdesk")
        await #expect(throws: StoreError.self) { try await store.appendDocumentEvent(stale, after: 1, messages: [message]) }
        #expect(try await queued().map(\.messageID) == [again.messageID])
    }

    /// A seat planning with the desk's policy versions (not one policy): an incident opened under
    /// V1.0 and open across the approval of V1.1 takes each instant from the version then in force.
    @Test(arguments: Backend.available)
    func anIncidentOpenAcrossAnApprovalIsPlannedUnderEachVersionInTurn(_ backend: Backend) async throws {
        let (documents, clock) = try await Self.documents(backend)
        let store = documents.desk.store
        #expect(try await documents.installPolicyIfMissing("duty-table", reason: "init"))
        let seat = Desk(store: store, clock: clock, policies: try await documents.policyTimeline(fallback: .dutyTable))
        let ticket = try await seat.open(sampleDraft(), as: People.desk.login)
        #expect(ticket.escalationDueAt == t0.addingTimeInterval(7200))
        // V1.1 (first step at 1 h) approved at 1 h 30: its step had passed, V1.0's was not yet due: due at the approval.
        clock.advance(600)
        _ = try await documents.proposePolicy("general-1h", reason: "一小时", major: false, as: People.im.login)
        clock.advance(4800)
        _ = try await documents.approve(DocumentRules.policyDocument, comment: nil, as: Self.owner.login)
        let approvedAt = clock.now()
        let timeline = try await documents.policyTimeline(fallback: .dutyTable)
        let inForce = Desk(store: store, clock: clock, policies: timeline)
        let sweep = EscalationSweep(desk: inForce, directory: RecipientDirectory(), firedBy: "approver", timeZone: .gmt)
        #expect(try await sweep.replanIfPolicyChanged() == 1)
        #expect(try await store.ticket(ticket.id)?.escalationDueAt == approvedAt)
        let report = try await sweep.run()
        #expect(report.fired.map(\.level) == [1] && report.fired.first?.dueAt == approvedAt)
        // The second step (4 h in both) stays at 4 h.
        #expect(try await store.ticket(ticket.id)?.escalationDueAt == t0.addingTimeInterval(4 * 3600))
        #expect(try await inForce.sla(of: try #require(await store.ticket(ticket.id))).plan.steps.map(\.at)
                == [approvedAt, t0.addingTimeInterval(4 * 3600)])
    }
}
