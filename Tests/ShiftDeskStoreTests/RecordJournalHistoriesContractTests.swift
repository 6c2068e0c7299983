import Foundation
import GRDB
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// Controlled documents' histories, problems as they stand and problems' histories are journaled
/// beside handovers on every backend, and `audit verify` names any of them changed behind
/// ShiftDesk's back (issue 18: "every history the desk keeps").
@Suite("Store contract: documents and problems in the record journal")
struct RecordJournalHistoriesContractTests {
    /// A desk where a document went through draft, submission and approval, and a problem was
    /// raised, assessed and published as a known error.
    func deskWithHistories(_ backend: Backend) async throws -> (Desk, Problem) {
        let (documents, clock) = try await DocumentContractTests.documents(backend)
        let desk = documents.desk
        try await desk.store.addOperator(ProblemContractTests.manager)
        let im = People.im.login
        _ = try await documents.create("handover-rules", title: "交接班规则", concerns: [.desk], text: "白班 08:30–20:30\n", as: im)
        clock.advance(60)
        _ = try await documents.submit("handover-rules", reason: "首次发布", major: false, as: im)
        clock.advance(60)
        _ = try await documents.approve("handover-rules", comment: "同意", as: DocumentContractTests.owner.login)
        let incident = try await desk.open(sampleDraft(), as: People.desk.login)
        clock.advance(60)
        let raised = try await desk.raiseProblem(title: "打印机卡纸", reason: "三次", linking: [incident.id], as: People.l2.login)
        clock.advance(60)
        try await desk.step(.assess(owner: People.l2.login), on: raised.id, as: ProblemContractTests.manager.login)
        clock.advance(60)
        try await desk.step(.analyse, on: raised.id, as: People.l2.login)
        try await desk.step(.publishKnownError(symptom: "卡纸", workaround: "打开后盖"), on: raised.id, as: People.l2.login)
        return (desk, try await desk.problemRecord(raised.id).problem)
    }

    @Test(arguments: Backend.available)
    func everyDocumentAndProblemWriteIsJournaledInItsTransaction(_ backend: Backend) async throws {
        let (desk, problem) = try await deskWithHistories(backend)
        let store = desk.store
        let entries = try await store.journalEntries(after: 0, limit: 1000)
        let documentEvents = try await store.documentEvents(nil)
        let problemEvents = try await store.problemEvents(of: problem.id)
        #expect(entries.filter { $0.state.subject == .documentEvent }.map(\.state) == documentEvents.map(\.journalState))
        #expect(entries.filter { $0.state.subject == .problemEvent }.map(\.state) == problemEvents.map(\.journalState))
        // The problem's row after each of its four writes, the last as it stands.
        let rows = entries.filter { $0.state.subject == .problem }
        #expect(rows.count == 4 && rows.last?.state == problem.journalState)
        #expect(rows.map(\.actor) == [People.l2.login, ProblemContractTests.manager.login, People.l2.login, People.l2.login])
        let result = try await AuditVerifier.verify(store, pageSize: 3)
        #expect(result.holds, "\(String(describing: result.firstBreak))")
        #expect(result.journalChecked == entries.count && result.journalHead?.count == Int64(entries.count))
    }

    // MARK: SQLite, with raw SQL as the `sqlite3` shell would

    func tampered(_ sql: String) async throws -> (AuditVerification, Problem) {
        let (desk, problem) = try await deskWithHistories(.sqlite)
        let store = try #require(desk.store as? SQLiteStore)
        try SQLiteTamperingTests().tamper(store, sql)
        return (try await AuditVerifier.verify(store), problem)
    }

    @Test func aProblemEditedBehindTheDesksBackIsNamedWithItsField() async throws {
        let (result, problem) = try await tampered("UPDATE problems SET ke_workaround = '重启即可'")
        #expect(result.firstBreak == .record(.recordEdited(.problem, key: String(problem.id.number), field: "ke_workaround")))
        #expect(result.firstBreak?.message(.en)
                == "problem \(problem.id.number) was edited behind ShiftDesk's back: its ke_workaround is not what was recorded")
    }

    @Test func aRemovedOrForgedProblemEventIsNamed() async throws {
        let (removed, _) = try await tampered("DELETE FROM problem_events WHERE kind = 'assessed'")
        guard case .record(.recordDeleted(.problemEvent, _)) = removed.firstBreak else {
            Issue.record("\(String(describing: removed.firstBreak))")
            return
        }
        let (forged, _) = try await tampered("""
            INSERT INTO problem_events (problem, actor, at, kind, payload, origin)
            SELECT problem, 'he.jun', at, 'noted', '{}', 'local' FROM problem_events LIMIT 1
            """)
        guard case .record(.recordInserted(.problemEvent, _)) = forged.firstBreak else {
            Issue.record("\(String(describing: forged.firstBreak))")
            return
        }
    }

    @Test func anEditedApprovalIsNamed() async throws {
        let (result, _) = try await tampered("UPDATE document_events SET actor = 'sun.li' WHERE kind = 'approved'")
        guard case let .record(.recordEdited(.documentEvent, _, field)) = result.firstBreak else {
            Issue.record("\(String(describing: result.firstBreak))")
            return
        }
        #expect(field == "actor")
    }

    /// Who may act is part of the record: operators and their SSH keys are journaled as the
    /// administrator seats them, and a role or key changed behind ShiftDesk's back is named.
    @Test(arguments: Backend.available)
    func operatorsAndTheirKeysAreJournaledAndAKeyRemovedStaysRemoved(_ backend: Backend) async throws {
        let (desk, _) = try await staffedDesk(backend)
        let store = desk.store
        let key = OperatorKey(login: People.desk.login, type: "ssh-ed25519", base64: "AAAA", fingerprint: "SHA256:soak", comment: "laptop",
                              addedAt: t0)
        try await store.addOperatorKey(key)
        _ = try await store.setOperatorEmail(People.desk.login, "zhang.wei@desk.example")
        _ = try await store.setOperatorDisabled(People.l1b.login, true)
        #expect(try await store.removeOperatorKey(login: People.desk.login, fingerprint: key.fingerprint))
        let entries = try await store.journalEntries(after: 0, limit: 100)
        #expect(entries.filter { $0.state.subject == .operator }.count == People.all.count + 2)
        #expect(entries.filter { $0.state.subject == .operatorKey }.map(\.state.fields.isEmpty) == [false, true])
        #expect(entries.allSatisfy { $0.actor == "administrator" })
        let result = try await AuditVerifier.verify(store)
        #expect(result.holds, "\(String(describing: result.firstBreak))")
    }

    @Test func aRoleRaisedOrAKeyAddedBehindTheDesksBackIsNamed() async throws {
        let (raised, _) = try await tampered("UPDATE operators SET role = 'supervisor' WHERE login = 'zhang.wei'")
        #expect(raised.firstBreak == .record(.recordEdited(.operator, key: "zhang.wei", field: "role")))
        let (keyed, _) = try await tampered("""
            INSERT INTO operator_keys (fingerprint, login, type, key, comment, added_at)
            VALUES ('SHA256:forged', 'sun.li', 'ssh-ed25519', 'AAAA', '', 0)
            """)
        #expect(keyed.firstBreak == .record(.recordInserted(.operatorKey, key: "SHA256:forged")))
        #expect(keyed.firstBreak?.message(.en) == "SSH key SHA256:forged was inserted behind ShiftDesk's back: the record journal never saw it")
    }

    /// `psql` behind the store's back: a problem's owner rewritten is named.
    @Test(.enabled(if: Backend.postgresServer != nil))
    func aProblemEditedOnPostgreSQLIsNamed() async throws {
        let (desk, problem) = try await deskWithHistories(.postgres)
        let store = try #require(desk.store as? PostgresStore)
        try await store.write { session in try await session.run("UPDATE problems SET owner = 'he.jun'") }
        #expect(try await AuditVerifier.verify(store).firstBreak
                == .record(.recordEdited(.problem, key: String(problem.id.number), field: "owner")))
    }

    /// Schema v20 journals the documents' and problems' histories of a desk written before it.
    @Test func theUpgradeJournalsExistingDocumentsAndProblems() async throws {
        let path = try TemporaryFolder.make().appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(queue, upTo: "v15: record journal (handovers and every record beside the events, chained)")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO problems (title, state, raised_by, raised_at, version) VALUES ('old', 'new', 'chen.jing', 5000, 1);
                INSERT INTO problem_events (problem, actor, at, kind, payload, origin) VALUES (1, 'chen.jing', 5000, 'raised', '{}', 'local');
                INSERT INTO document_events (document, actor, at, kind, payload) VALUES ('rules', 'sun.li', 4000, 'created', '{}');
                """)
        }
        try queue.close()
        let store = try SQLiteStore(path: path, create: false)
        let entries = try await store.journalEntries(after: 0, limit: 10)
        #expect(entries.map(\.state.subject) == [.documentEvent, .problem, .problemEvent])
        #expect(entries.map(\.actor) == ["sun.li", "system", "chen.jing"])
        #expect(entries.map { EventEncoding.millis($0.at) } == [4000, 5000, 5000])
        let result = try await AuditVerifier.verify(store)
        #expect(result.holds && result.journalChecked == 3, "\(String(describing: result.firstBreak))")
    }
}
