import Foundation
import Testing
import ShiftDeskCore
import ShiftDeskStore
@testable import ShiftDeskNotify

/// The result told to the desk, as mail (issue 16): addressed when delivered, from the roster.
@Suite struct ResultMailTests {
    let t0 = Date(timeIntervalSince1970: 1_795_917_600)

    @Test func aResultMailWaitsForTheOwnersAddressAndGoesOutOnceItIsOnRecord() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-result-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("desk.sqlite").path, create: true)
        try await store.addOperator(Operator(login: "zhang.wei", name: "张伟", role: .desk))
        try await store.addOperator(Operator(login: "wang.fang", name: "王芳", role: .l1))
        let clock = StepClock(t0)
        let desk = Desk(store: store, clock: clock)
        let ticket = try await desk.open(TicketDraft(title: "VPN 断线", caller: Caller(name: "王小明")), as: "zhang.wei")
        try await desk.perform(.escalate(to: .l1, note: nil), on: ticket.id, as: "zhang.wei")
        try await desk.perform(.take, on: ticket.id, as: "wang.fang")
        try await desk.perform(.resolve(note: "重置证书"), on: ticket.id, as: "wang.fang")

        let transport = CapturingTransport()
        let flusher = OutboxFlusher(store: store, transport: transport, from: "desk@x", clock: clock)
        let first = try await flusher.flush()
        #expect(first.delivered.isEmpty)
        #expect(first.failed.first?.error.contains("operator edit zhang.wei --email") == true)

        // The address given afterwards is the one used: the message is addressed when delivered.
        try await desk.setOperatorEmail("zhang.wei", to: "zw@desk.example")
        clock.advance(OutboxFlusher.backoff(afterAttempts: 1) + 1)
        let second = try await flusher.flush()
        #expect(second.delivered.count == 1)
        let sent = await transport.sent
        #expect(sent.map(\.to) == ["zw@desk.example"])
        #expect(sent.first?.messageID.hasPrefix("\(ticket.id).result.") == true)
        #expect(sent.first?.body.contains("重置证书") == true)
        // The console notice is not mail: nothing else goes out.
        #expect(try await flusher.flush().delivered.isEmpty)
        #expect(try await store.pendingNotices(limit: nil).count == 1)
    }
}
