import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// Every backend the contract runs against. PostgreSQL joins when its backend exists and
/// `SHIFTDESK_TEST_POSTGRES` names a server (the README's test command starts one).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// The server named by `SHIFTDESK_TEST_POSTGRES` (`postgres://postgres@127.0.0.1:PORT/postgres`).
    static var postgresServer: String? {
        ProcessInfo.processInfo.environment["SHIFTDESK_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var available: [Backend] { postgresServer == nil ? [.sqlite] : [.sqlite, .postgres] }

    func makeStore() throws -> any Store {
        switch self {
        case .sqlite:
            return try SQLiteStore(path: TemporaryFolder.make().appendingPathComponent("desk.sqlite").path, create: true)
        case .postgres:
            return try PostgresStore(location: try Backend.freshPostgresDatabase(), create: true)
        }
    }

    /// A database name nobody used yet on the test server; the store creates it on first use.
    static func freshPostgresDatabase() throws -> PostgresLocation {
        guard let server = postgresServer else { throw StoreError.failure("SHIFTDESK_TEST_POSTGRES is not set") }
        var location = try PostgresLocation(url: server)
        location.database = "shiftdesk_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return location
    }
}

enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

enum People {
    static let desk = Operator(login: "zhang.wei", name: "张伟", role: .desk, shift: .day)
    static let l1 = Operator(login: "wang.fang", name: "王芳", role: .l1, shift: .day)
    static let l1b = Operator(login: "raj.patel", name: "Raj Patel", role: .l1, shift: .night)
    static let l2 = Operator(login: "chen.jing", name: "陈静", role: .l2, shift: .day)
    static let im = Operator(login: "sun.li", name: "孙丽", role: .im)
    static let all = [desk, l1, l1b, l2, im]
}

let t0 = Date(timeIntervalSince1970: 1_795_917_600)

/// A clock tests move by hand.
final class ManualClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    func now() -> Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

func staffedDesk(_ backend: Backend) async throws -> (Desk, ManualClock) {
    let store = try backend.makeStore()
    for person in People.all { try await store.addOperator(person) }
    let clock = ManualClock(t0)
    return (Desk(store: store, clock: clock), clock)
}

/// A ticket worked through a life whose clock is not trivial: escalated to L1 and taken, put
/// on hold for the customer for half an hour, resumed, raised to major by the incident manager.
/// Six events; returns it as stored.
func workedTicket(_ desk: Desk, _ clock: ManualClock) async throws -> Ticket {
    let ticket = try await desk.open(sampleDraft(), as: "zhang.wei")
    clock.advance(60)
    try await desk.perform(.escalate(to: .l1, note: "printer driver"), on: ticket.id, as: "zhang.wei")
    clock.advance(60)
    try await desk.perform(.take, on: ticket.id, as: "wang.fang")
    clock.advance(60)
    try await desk.perform(.pend(.customer), on: ticket.id, as: "wang.fang")
    clock.advance(1_800)
    try await desk.perform(.resume, on: ticket.id, as: "wang.fang")
    clock.advance(60)
    try await desk.perform(.changePriority(.major), on: ticket.id, as: "sun.li")
    return try #require(try await desk.store.ticket(ticket.id))
}

func sampleDraft(_ title: String = "打印机卡纸 printer jam") -> TicketDraft {
    TicketDraft(title: title, caller: Caller(name: "王小明", phone: "138-0013-8000", department: "财务部"), channel: .phone,
                priority: .general, category: "Hardware", affectedService: "Printing")
}
