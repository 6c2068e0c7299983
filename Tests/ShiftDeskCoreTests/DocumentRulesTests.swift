import Foundation
import Testing
@testable import ShiftDeskCore

/// The life of a controlled document (issue 15): every transition and every refusal, folded
/// from the events the rules return, as the store gives them back.
@Suite("Documents: versions, approval, acknowledgement, diff")
struct DocumentRulesTests {
    static let im = Operator(login: "sun.li", name: "孙丽", role: .im)
    static let owner = Operator(login: "zhou.min", name: "周敏", role: .owner)
    static let owner2 = Operator(login: "li.qiang", name: "李强", role: .owner)
    static let auditor = Operator(login: "he.yun", name: "何云", role: .auditor)
    static let l1 = Operator(login: "wang.fang", name: "王芳", role: .l1)
    static let desk = Operator(login: "zhang.wei", name: "张伟", role: .desk)
    static let t0 = Date(timeIntervalSince1970: 1_795_917_600)

    /// A document and its events, with ids as the store assigns them.
    struct Log {
        var events: [DocumentEvent] = []
        var document: ControlledDocument? { ControlledDocument.fold(events) }
        var now = DocumentRulesTests.t0

        mutating func append(_ make: (ControlledDocument?, Date) throws(DocumentRefusal) -> DocumentEvent) throws(DocumentRefusal) {
            now = now.addingTimeInterval(60)
            var event = try make(document, now)
            event.id = Int64(events.count + 1)
            events.append(event)
        }

        func doc() throws -> ControlledDocument { try #require(document) }
    }

    static func created(_ text: String = "第一版\n交接班规则\n") throws -> Log {
        var log = Log()
        try log.append { read, now throws(DocumentRefusal) in
            try DocumentRules.create(name: "handover-rules", title: "交接班规则", kind: .text, concerns: [.desk, .l1], text: text,
                                     digest: "d:" + text, existing: read, by: im, at: now)
        }
        return log
    }

    static func refusal(_ body: () throws(DocumentRefusal) -> Void) -> String? {
        do { try body() } catch { return error.ruleID }
        return nil
    }

    @Test func aDraftIsSubmittedApprovedAndSupersededInItsTurn() throws {
        var log = try Self.created()
        #expect(try log.doc().working?.state == .draft)
        #expect(try log.doc().current == nil)
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "首次发布", major: false, by: Self.im, at: now) }
        #expect(try log.doc().working?.state == .submitted)
        #expect(try log.doc().working?.number == DocumentVersionNumber.first)
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.approve(read!, comment: nil, by: Self.owner, at: now) }
        let first = try #require(try log.doc().current)
        #expect(first.number?.description == "V1.0" && first.state == .current && first.approver == Self.owner.login)
        #expect(first.submitter == Self.im.login && first.reason == "首次发布" && first.digest == "d:第一版\n交接班规则\n")

        // A new draft after the current version: V1.1, then a major change V2.0.
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.edit(read!, text: "第二版\n", digest: "d2", by: Self.im, at: now) }
        #expect(try log.doc().current?.number?.description == "V1.0", "a draft changes nothing in force")
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "补充", major: false, by: Self.im, at: now) }
        let approvedAt = log.now.addingTimeInterval(60)
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.approve(read!, comment: "同意", by: Self.owner, at: now) }
        let document = try log.doc()
        #expect(document.approved.map { $0.label } == ["V1.0", "V1.1"])
        #expect(document.approved.map(\.state) == [.superseded, .current])
        #expect(document.approved[0].supersededAt == approvedAt)
        #expect(document.inForce(at: approvedAt.addingTimeInterval(-1))?.label == "V1.0")
        #expect(document.inForce(at: approvedAt)?.label == "V1.1")
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.edit(read!, text: "第三版\n", digest: "d3", by: Self.owner, at: now) }
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "重写", major: true, by: Self.owner, at: now) }
        #expect(try log.doc().working?.label == "V2.0")
        // The submitter is an owner: another owner decides.
        let current = try log.doc()
        #expect(Self.refusal { () throws(DocumentRefusal) in
            _ = try DocumentRules.approve(current, comment: nil, by: Self.owner, at: log.now)
        } == "document.own-submission")
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.approve(read!, comment: nil, by: Self.owner2, at: now) }
        #expect(try log.doc().approved.map(\.label) == ["V1.0", "V1.1", "V2.0"])
        #expect(try log.doc().approved.map(\.state) == [.superseded, .superseded, .current])
    }

    @Test func aRejectedSubmissionGoesBackToDraftWithTheCommentAndIsResubmitted() throws {
        var log = try Self.created()
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "发布", major: false, by: Self.im, at: now) }
        let current = try log.doc()
        #expect(Self.refusal { () throws(DocumentRefusal) in
            _ = try DocumentRules.reject(current, comment: "  ", by: Self.owner, at: log.now)
        } == "text.required")
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.reject(read!, comment: "缺少夜班规则", by: Self.owner, at: now) }
        var working = try #require(try log.doc().working)
        #expect(working.state == .draft && working.number == nil)
        #expect(working.rejections.map(\.comment) == ["缺少夜班规则"] && working.rejections.first?.by == Self.owner.login)
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.edit(read!, text: "第一版\n含夜班\n", digest: "d1b", by: Self.im, at: now) }
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "已补充", major: false, by: Self.im, at: now) }
        working = try #require(try log.doc().working)
        #expect(working.label == "V1.0" && working.rejections.count == 1, "the rejection stays on record")
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.approve(read!, comment: nil, by: Self.owner, at: now) }
        #expect(try log.doc().current?.text == "第一版\n含夜班\n")
    }

    @Test func everyRefusalNamesItsRule() throws {
        var log = try Self.created()
        let draft = try log.doc()
        func rule(_ body: () throws(DocumentRefusal) -> DocumentEvent) -> String? {
            do { _ = try body() } catch { return error.ruleID }
            return nil
        }
        // Approving or rejecting a draft: nothing was submitted.
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.approve(draft, comment: nil, by: Self.owner, at: log.now) } == "document.not-submitted")
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.reject(draft, comment: "x", by: Self.owner, at: log.now) } == "document.not-submitted")
        // Writing is for the incident manager and the owners; approving for the owners.
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.edit(draft, text: "x", digest: "x", by: Self.l1, at: log.now) } == "document.author-role")
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.submit(draft, reason: "r", major: false, by: Self.desk, at: log.now) } == "document.author-role")
        #expect(rule { () throws(DocumentRefusal) in
            try DocumentRules.create(name: "Bad Name", title: "t", kind: .text, concerns: [], text: "x", digest: "x", existing: nil, by: Self.im, at: log.now)
        } == "document.name")
        #expect(rule { () throws(DocumentRefusal) in
            try DocumentRules.create(name: "handover-rules", title: "t", kind: .text, concerns: [], text: "x", digest: "x", existing: draft, by: Self.im, at: log.now)
        } == "document.exists")
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.submit(draft, reason: " ", major: false, by: Self.im, at: log.now) } == "text.required")
        #expect(rule { () throws(DocumentRefusal) in
            try DocumentRules.submit(draft, reason: String(repeating: "长", count: 1001), major: false, by: Self.im, at: log.now)
        } == "text.limit")
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "发布", major: false, by: Self.im, at: now) }
        let submitted = try log.doc()
        // Editing a submitted version, submitting it again, approving one's own submission.
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.edit(submitted, text: "y", digest: "y", by: Self.im, at: log.now) } == "document.submitted-locked")
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.submit(submitted, reason: "r", major: false, by: Self.im, at: log.now) } == "document.submitted-locked")
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.approve(submitted, comment: nil, by: Self.im, at: log.now) } == "document.approver-role")
        // The auditor changes nothing: not a draft, a decision nor an acknowledgement.
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.edit(submitted, text: "y", digest: "y", by: Self.auditor, at: log.now) } == "auditor.read-only")
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.approve(submitted, comment: nil, by: Self.auditor, at: log.now) } == "auditor.read-only")
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.reject(submitted, comment: "x", by: Self.auditor, at: log.now) } == "auditor.read-only")
        #expect(rule { () throws(DocumentRefusal) in
            try DocumentRules.create(name: "other", title: "t", kind: .text, concerns: [], text: "x", digest: "x", existing: nil, by: Self.auditor, at: log.now)
        } == "auditor.read-only")
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.acknowledge(submitted, by: Self.auditor, at: log.now) } == "auditor.read-only")
        // Nothing current yet: nothing to acknowledge.
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.acknowledge(submitted, by: Self.l1, at: log.now) } == "document.no-current")
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.approve(read!, comment: nil, by: Self.owner, at: now) }
        // A draft identical to the current version is not submitted.
        try log.append { read, now throws(DocumentRefusal) in
            try DocumentRules.edit(read!, text: "第一版\n交接班规则\n", digest: "d:第一版\n交接班规则\n", by: Self.im, at: now)
        }
        let current = try log.doc()
        #expect(rule { () throws(DocumentRefusal) in try DocumentRules.submit(current, reason: "r", major: false, by: Self.im, at: log.now) } == "document.unchanged")
        // Nothing is dated before the latest event.
        #expect(rule { () throws(DocumentRefusal) in
            try DocumentRules.edit(current, text: "z", digest: "z", by: Self.im, at: current.latestAt.addingTimeInterval(-1))
        } == "document.backdated")
        // Messages in both languages carry the rule.
        let message = DocumentRefusal(.ownSubmission, document: "handover-rules")
        #expect(message.message(.en).hasSuffix("[document.own-submission]") && message.message(.zh).contains("不能审批自己提交的版本"))
    }

    @Test func theRolesConcernedAcknowledgeEachNewCurrentVersionOnce() throws {
        var log = try Self.created()
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "发布", major: false, by: Self.im, at: now) }
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.approve(read!, comment: nil, by: Self.owner, at: now) }
        #expect(try log.doc().awaitsAcknowledgement(from: Self.l1))
        #expect(try !log.doc().awaitsAcknowledgement(from: Self.im), "the document concerns desk and L1 only")
        let current = try log.doc()
        #expect(Self.refusal { () throws(DocumentRefusal) in _ = try DocumentRules.acknowledge(current, by: Self.im, at: log.now) }
                == "document.not-concerned")
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.acknowledge(read!, by: Self.l1, at: now) }
        #expect(try !log.doc().awaitsAcknowledgement(from: Self.l1))
        let acknowledged = try log.doc()
        #expect(Self.refusal { () throws(DocumentRefusal) in _ = try DocumentRules.acknowledge(acknowledged, by: Self.l1, at: log.now) }
                == "document.already-acknowledged")
        // A new current version asks again.
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.edit(read!, text: "新\n", digest: "n", by: Self.im, at: now) }
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "改", major: false, by: Self.im, at: now) }
        #expect(try !log.doc().awaitsAcknowledgement(from: Self.l1), "a submission is not in force")
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.approve(read!, comment: nil, by: Self.owner, at: now) }
        #expect(try log.doc().awaitsAcknowledgement(from: Self.l1))
        #expect(try log.doc().acknowledged[Self.l1.login]?.description == "V1.0")
        var disabled = Self.desk
        disabled.disabled = true
        #expect(try !log.doc().awaitsAcknowledgement(from: disabled))
    }

    @Test func versionNumbersReadAndCountAsTheSeedWritesThem() {
        #expect(DocumentVersionNumber("V1.2") == DocumentVersionNumber(major: 1, minor: 2))
        #expect(DocumentVersionNumber("v2.0")?.description == "V2.0")
        #expect(DocumentVersionNumber("1.10")! > DocumentVersionNumber("1.9")!)
        for bad in ["", "V", "V1", "V1.", "V1.2.3", "V-1.0", "V١.٠", "draft"] { #expect(DocumentVersionNumber(bad) == nil, "\(bad)") }
        #expect(DocumentVersionNumber.first.next(major: false).description == "V1.1")
        #expect(DocumentVersionNumber(major: 1, minor: 7).next(major: true).description == "V2.0")
    }

    @Test func theSystemInstallsTheFirstPolicyVersionApproved() throws {
        let event = DocumentRules.install(name: DocumentRules.policyDocument, title: "SLA", kind: .slaPolicy, text: "x", digest: "dx",
                                          reason: "init", at: Self.t0)
        let document = try #require(ControlledDocument.fold([event]))
        #expect(document.kind == .slaPolicy && document.current?.label == "V1.0" && document.current?.approver == DocumentRules.system)
        #expect(document.working == nil && document.concerns == DocumentRules.defaultConcerns)
        #expect(!document.awaitsAcknowledgement(from: Self.l1), "the version a desk starts with is nothing new to read")
        #expect(DocumentPayload.decoded(event.payload.encoded()) == event.payload)
    }

    /// `init` installs V1.0 at the instant it runs; an administrator back-filling the desk may
    /// still date the first policy change before it (`--now`), but never before what a person wrote.
    @Test func theSystemsInstallationDoesNotConstrainABackdatedFirstChange() throws {
        let installedAt = Self.t0.addingTimeInterval(30 * 86_400)
        var events = [DocumentRules.install(name: DocumentRules.policyDocument, title: "SLA", kind: .slaPolicy, text: "v1", digest: "d1",
                                            reason: "init", at: installedAt)]
        events[0].id = 1
        var document = try #require(ControlledDocument.fold(events))
        #expect(document.latestAt == .distantPast, "the installation stands at the start of the desk's history")
        // A month before the installation: allowed.
        let backdated = Self.t0
        var edited = try DocumentRules.edit(document, text: "v2", digest: "d2", by: Self.im, at: backdated)
        edited.id = 2
        events.append(edited)
        document = try #require(ControlledDocument.fold(events))
        #expect(document.latestAt == backdated && document.working?.text == "v2")
        // What a person wrote does constrain: nothing dated before it.
        #expect(Self.refusal { () throws(DocumentRefusal) in
            _ = try DocumentRules.submit(document, reason: "r", major: false, by: Self.im, at: backdated.addingTimeInterval(-1))
        } == "document.backdated")
        var submitted = try DocumentRules.submit(document, reason: "r", major: false, by: Self.im, at: backdated.addingTimeInterval(60))
        submitted.id = 3
        events.append(submitted)
        var approved = try DocumentRules.approve(try #require(ControlledDocument.fold(events)), comment: nil, by: Self.owner,
                                                 at: backdated.addingTimeInterval(120))
        approved.id = 4
        events.append(approved)
        document = try #require(ControlledDocument.fold(events))
        #expect(document.current?.label == "V1.1" && document.latestAt == backdated.addingTimeInterval(120))
        // A second installation by the system (another seat's `init` racing) moves nothing either.
        var again = DocumentRules.install(name: DocumentRules.policyDocument, title: "SLA", kind: .slaPolicy, text: "v1", digest: "d1",
                                          reason: "init", at: installedAt.addingTimeInterval(60))
        again.id = 5
        #expect(try #require(ControlledDocument.fold(events + [again])).latestAt == backdated.addingTimeInterval(120))
    }

    @Test func aSubmissionMailsTheOwnersAndTheDecisionMailsTheSubmitter() throws {
        var log = try Self.created()
        var owner = Self.owner
        owner.email = "zhou.min@desk.example"
        var noAddress = Self.owner2
        noAddress.email = nil
        var retired = Operator(login: "old.boss", name: "老板", role: .owner, disabled: true)
        retired.email = "old@desk.example"
        let people = [Self.im, owner, noAddress, retired, Self.l1]
        let roster = RecipientDirectory(addresses: [.managementOwner: ["ZHOU.MIN@desk.example", "owner-box@desk.example"]])
        let zone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let before = try log.doc()
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "补充夜班", major: false, by: Self.im, at: now) }
        let submitted = try #require(log.events.last)
        let mails = DocumentNotice.compose(submitted, before: before, operators: people, recipients: roster, timeZone: zone)
        // The owner with an address (by login: addressed when delivered), and the roster's address
        // that is not already theirs; not the owner without an address, not a disabled one.
        #expect(mails.map { $0.recipientLogin ?? $0.address } == ["zhou.min", "owner-box@desk.example"])
        #expect(mails.allSatisfy { $0.kind == .document && $0.document == "handover-rules" && $0.ticket == nil && $0.problem == nil && $0.via == .email })
        let first = try #require(mails.first)
        #expect(first.subject.contains("handover-rules V1.0") && first.subject.contains("待审批 submitted for approval") && first.subject.contains("交接班规则"))
        #expect(first.body.contains("孙丽 (sun.li)") && first.body.contains("补充夜班") && first.body.contains("shiftdesk doc approve handover-rules"))
        #expect(Set(mails.map(\.messageID)).count == 2 && mails.allSatisfy { $0.messageID.hasPrefix("doc.handover-rules.V1.0.submitted.") })
        #expect(mails.allSatisfy { $0.messageID.unicodeScalars.allSatisfy(\.isASCII) })
        #expect(mails.allSatisfy { $0.messageID.filter { $0 == "@" }.count == 1 }, "\(mails.map(\.messageID))")
        // The same event composes the same messages: a retried write queues nothing twice.
        #expect(DocumentNotice.compose(submitted, before: before, operators: people, recipients: roster, timeZone: zone).map(\.messageID) == mails.map(\.messageID))
        // Nobody to tell: one row to the role, undeliverable, never dropped.
        let nobody = DocumentNotice.compose(submitted, before: before, operators: [Self.im], recipients: RecipientDirectory(), timeZone: zone)
        #expect(nobody.count == 1 && nobody[0].recipientRole == .managementOwner && nobody[0].address.isEmpty)

        // Rejection and approval go to the submitter.
        let beforeReject = try log.doc()
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.reject(read!, comment: "缺少夜班", by: Self.owner, at: now) }
        let rejected = DocumentNotice.compose(try #require(log.events.last), before: beforeReject, operators: people, recipients: roster, timeZone: zone)
        #expect(rejected.map(\.recipientLogin) == [Self.im.login])
        #expect(rejected[0].subject.contains("已驳回 rejected") && rejected[0].body.contains("缺少夜班") && rejected[0].body.contains("周敏 (zhou.min)"))
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.submit(read!, reason: "已补充", major: false, by: Self.im, at: now) }
        let beforeApproval = try log.doc()
        try log.append { read, now throws(DocumentRefusal) in try DocumentRules.approve(read!, comment: "同意", by: Self.owner, at: now) }
        let approved = DocumentNotice.compose(try #require(log.events.last), before: beforeApproval, operators: people, recipients: roster, timeZone: zone)
        #expect(approved.map(\.recipientLogin) == [Self.im.login])
        #expect(approved[0].subject.contains("V1.0 已批准 approved") && approved[0].body.contains("同意"))
        #expect(approved[0].messageID != rejected[0].messageID)
        // Acknowledging, editing, creating: no mail.
        let current = try log.doc()
        let ack = try DocumentRules.acknowledge(current, by: Self.l1, at: log.now.addingTimeInterval(60))
        #expect(DocumentNotice.compose(ack, before: current, operators: people, recipients: roster, timeZone: zone).isEmpty)
    }

    @Test func theDiffIsLineBasedAndKeepsChineseLinesWhole() {
        let old = "# 升级规则\n一般事件 2 小时通知事件经理\n重大事件立即电话\n"
        let new = "# 升级规则\n一般事件 1 小时通知事件经理\n重大事件立即电话\n夜间值班员负责记录\n"
        #expect(LineDiff.diff(old, new) == [
            .same("# 升级规则"), .removed("一般事件 2 小时通知事件经理"), .added("一般事件 1 小时通知事件经理"),
            .same("重大事件立即电话"), .added("夜间值班员负责记录"),
        ])
        #expect(LineDiff.diff("a\r\nb\r\n", "a\nb") == [.same("a"), .same("b")])
        #expect(LineDiff.diff("", "一\n").map(\.marked) == ["+ 一"])
        #expect(LineDiff.diff("x\ny\nz\n", "z\nx\n").filter { if case .same = $0 { true } else { false } }.count == 1)
        // A long document with one line changed is cheap and exact.
        let lines = (0..<20_000).map { "第 \($0) 行" }
        var changed = lines
        changed[10_000] = "改过的行"
        let diff = LineDiff.diff(lines.joined(separator: "\n"), changed.joined(separator: "\n"))
        #expect(diff.count == 20_001 && diff.contains(.removed("第 10000 行")) && diff.contains(.added("改过的行")))
    }

    @Test func thePolicyInForceSwitchesAtTheApprovalInstant() throws {
        var faster = SLAPolicy.dutyTablePriorities
        faster[.general]?.escalation[0].after = 3600
        let v10 = PolicyTimeline.Entry(version: .first, from: Self.t0, policy: .dutyTable)
        let approval = Self.t0.addingTimeInterval(86_400)
        let v11 = PolicyTimeline.Entry(version: DocumentVersionNumber(major: 1, minor: 1), from: approval,
                                       policy: try SLAPolicy(timeZone: .gmt, calendars: SLAPolicy.dutyTable.calendars, priorities: faster))
        let timeline = PolicyTimeline(entries: [v10, v11], fallback: .dutyTable)
        let firstStep = { (instant: Date) in timeline.policy(at: instant).policy(for: .general).escalation[0].after }
        #expect(firstStep(approval.addingTimeInterval(-0.001)) == 7200)
        #expect(firstStep(approval) == 3600)
        #expect(timeline.entry(at: Self.t0.addingTimeInterval(-999_999))?.version == .first, "the first version holds from the beginning")
        let month = timeline.entries(during: Self.t0, approval.addingTimeInterval(3600)).map(\.version.description)
        #expect(month == ["V1.0", "V1.1"])
        #expect(timeline.entries(during: approval, approval.addingTimeInterval(1)).map(\.version.description) == ["V1.1"])
        #expect(PolicyTimeline(entries: [], fallback: .dutyTable).entry(at: Self.t0) == nil)
    }

    @Test func theWhatIfReplaysRealHistoryUnderEachPolicy() throws {
        var faster = SLAPolicy.dutyTablePriorities
        faster[.general]?.escalation[0].after = 3600
        let proposed = try SLAPolicy(timeZone: .gmt, calendars: [:], priorities: faster)
        var ticket = Ticket(id: TicketID(1), title: "打印机卡纸", caller: Caller(name: "王小明"), channel: .phone, priority: .general, openedAt: Self.t0)
        ticket.owner = Self.desk.login
        let opened = TicketEvent(ticket: ticket.id, actor: Self.desk.login, at: Self.t0, kind: .opened, changes: ticket.changes(since: nil), note: nil)
        let history = [TicketHistory(ticket: ticket, events: [opened])]
        let window = DateInterval(start: Self.t0, end: Self.t0.addingTimeInterval(90 * 60))
        let directory = RecipientDirectory(addresses: [.incidentManager: ["im@desk.example", "im2@desk.example"]])
        let current = PolicyWhatIf.replay(history, policy: .dutyTable, window: window, directory: directory)
        let trial = PolicyWhatIf.replay(history, policy: proposed, window: window, directory: directory)
        #expect(current.steps == 0 && current.mails == 0 && current.incidents == 1)
        #expect(trial.steps == 1 && trial.stepsByPriority[.general] == 1 && trial.mails == 2 && trial.calls == 0)
        #expect(current.breaches == 1 && trial.breaches == 1, "the 30-minute response passed under both")
    }
}
