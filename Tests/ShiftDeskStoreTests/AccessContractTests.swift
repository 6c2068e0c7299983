import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// Operators' keys and disabled operators, on every backend.
@Suite("Store contract: access")
struct AccessContractTests {
    static func key(_ login: String, _ fingerprint: String) -> OperatorKey {
        OperatorKey(login: login, type: "ssh-ed25519", base64: "AAAAC3NzaC1lZDI1NTE5AAAAI" + fingerprint, fingerprint: fingerprint,
                    comment: "laptop", addedAt: t0)
    }

    @Test(arguments: Backend.available)
    func oneKeyBelongsToOneOperator(_ backend: Backend) async throws {
        let store = try backend.makeStore()
        for person in People.all { try await store.addOperator(person) }
        try await store.addOperatorKey(Self.key("zhang.wei", "SHA256:b"))
        try await store.addOperatorKey(Self.key("zhang.wei", "SHA256:a"))
        try await store.addOperatorKey(Self.key("wang.fang", "SHA256:c"))
        await #expect(throws: StoreError.keyTaken(fingerprint: "SHA256:a", login: "zhang.wei")) {
            try await store.addOperatorKey(Self.key("wang.fang", "SHA256:a"))
        }
        await #expect(throws: StoreError.keyTaken(fingerprint: "SHA256:a", login: "zhang.wei")) {
            try await store.addOperatorKey(Self.key("zhang.wei", "SHA256:a"))
        }
        await #expect(throws: StoreError.operatorNotFound("nobody")) { try await store.addOperatorKey(Self.key("nobody", "SHA256:z")) }
        #expect(try await store.operatorKeys(login: "zhang.wei") == [Self.key("zhang.wei", "SHA256:a"), Self.key("zhang.wei", "SHA256:b")])
        #expect(try await store.operatorKeys(login: nil).map(\.fingerprint) == ["SHA256:c", "SHA256:a", "SHA256:b"])
        #expect(try await store.removeOperatorKey(login: "wang.fang", fingerprint: "SHA256:a") == false)
        #expect(try await store.removeOperatorKey(login: "zhang.wei", fingerprint: "SHA256:a"))
        #expect(try await store.operatorKeys(login: "zhang.wei").map(\.fingerprint) == ["SHA256:b"])
    }

    @Test(arguments: Backend.available)
    func disablingAnOperatorReleasesTheirWorkAndStopsTheirActions(_ backend: Backend) async throws {
        let store = try backend.makeStore()
        for person in People.all { try await store.addOperator(person) }
        let clock = ManualClock(t0)
        let desk = Desk(store: store, clock: clock)
        let held = try await desk.open(TicketDraft(title: "VPN 断线", caller: Caller(name: "王伟")), as: "zhang.wei")
        try await desk.perform(.escalate(to: .l1, note: nil), on: held.id, as: "zhang.wei")
        clock.advance(60)
        try await desk.perform(.take, on: held.id, as: "wang.fang")
        let other = try await desk.open(TicketDraft(title: "打印机卡纸", caller: Caller(name: "李雷")), as: "zhang.wei")
        try await desk.perform(.escalate(to: .l1, note: nil), on: other.id, as: "zhang.wei")
        try await desk.perform(.take, on: other.id, as: "raj.patel")
        clock.advance(60)

        let released = try await desk.disableOperator("wang.fang", by: "root")
        #expect(released == [held.id])
        let after = try #require(try await store.ticket(held.id))
        #expect(after.assignee == nil && after.state == .new && after.tier == .l1)
        #expect(try await store.ticket(other.id)?.assignee == "raj.patel")
        let events = try await store.events(of: held.id)
        #expect(events.last?.kind == .released && events.last?.actor == "root")
        // Their history stays theirs.
        #expect(events.contains { $0.kind == .taken && $0.actor == "wang.fang" })
        #expect(try await store.findOperator(login: "wang.fang")?.disabled == true)

        await #expect(throws: DeskError.disabledOperator("wang.fang")) { try await desk.perform(.take, on: held.id, as: "wang.fang") }
        // A console holding the operator from before the disable is refused too.
        await #expect(throws: DeskError.disabledOperator("wang.fang")) { try await desk.perform(.take, on: after, by: People.l1) }
        // Anyone else of the line may take it now.
        try await desk.perform(.take, on: held.id, as: "raj.patel")

        try await desk.enableOperator("wang.fang")
        #expect(try await store.findOperator(login: "wang.fang")?.disabled == false)
        await #expect(throws: DeskError.unknownOperator("nobody")) { _ = try await desk.disableOperator("nobody", by: "root") }
    }
}

@Suite struct AuthorizedKeysFileTests {
    @Test func rewritesOnlyItsBlockAndSurvivesACrashBeforeTheSwap() throws {
        let folder = try TemporaryFolder.make().appendingPathComponent(".ssh")
        let file = AuthorizedKeysFile(path: folder.appendingPathComponent("authorized_keys").path)
        // The folder is created (0700) on first use.
        try file.rewrite(block: AuthorizedKeysBlock.render([]) { $0 })
        let foreign = Data("ssh-ed25519 AAAAforeign admin@host\r\n# keep me\n".utf8)
        try foreign.write(to: URL(fileURLWithPath: file.path))
        let key = AccessContractTests.key("zhang.wei", "SHA256:a")
        try file.rewrite(block: AuthorizedKeysBlock.render([key]) { "/bin/shiftdesk serve \($0)" })
        let written = try Data(contentsOf: URL(fileURLWithPath: file.path))
        #expect(written.starts(with: foreign))
        #expect(String(decoding: written, as: UTF8.self).contains("command=\"/bin/shiftdesk serve zhang.wei\",restrict,pty ssh-ed25519"))

        struct Died: Error {}
        #expect(throws: AuthorizedKeysFile.Failure.self) {
            try file.rewrite(block: AuthorizedKeysBlock.render([]) { $0 }, beforeRename: { throw Died() })
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)) == written)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["authorized_keys"])
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func fingerprintsAsSSHKeygenPrintsThem() throws {
        // `ssh-keygen -lf` of this key prints SHA256:4HyS/YRz5BFlU5+pfuus1A88CWogkhz6L9BoWJneIdg.
        let key = try SSHPublicKey.parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILVqjLRGVjmsDkhrEs8iocKjWcW7XnIZEjzpv1/Hef5k root@vm")
        #expect(key.fingerprint == "SHA256:4HyS/YRz5BFlU5+pfuus1A88CWogkhz6L9BoWJneIdg")
    }
}
