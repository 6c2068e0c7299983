import Foundation
import ShiftDeskLaunch
import ShiftDeskCore
import ShiftDeskInterchange
import ShiftDeskStore

/// 2026-11-29 10:00 Shanghai: the instant the tests import at.
let importInstant = Date(timeIntervalSince1970: 1_795_917_600)

enum Scratch {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-interchange-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func desk() throws -> Desk {
        let store = try SQLiteStore(path: try folder().appendingPathComponent("desk.sqlite").path, create: true)
        return Desk(store: store, clock: FixedClock(importInstant),
                    policy: SLAPolicy.dutyTable(timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt))
    }

    static func write(_ text: String, name: String) throws -> String {
        let path = try folder().appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs a program and returns its status and what it wrote (output and errors).
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let ended = try Launched.capture([program] + arguments, mergingErrors: true, upTo: 600)
        return (ended.status, ended.text)
    }

    static func which(_ name: String) -> String? {
        for folder in ["/usr/bin", "/bin", "/usr/local/bin"] {
            let path = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

/// The two real logs of `../shared/data` (see its README), found relative to the repository,
/// or in `$SHIFTDESK_DATA`. Tests that need them are skipped, saying why, where they are absent.
enum RealLogs {
    static var folder: String {
        if let explicit = ProcessInfo.processInfo.environment["SHIFTDESK_DATA"], !explicit.isEmpty { return explicit }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }

    static var bpi2013: String { folder + "/BPI_Challenge_2013_incidents.xes.gz" }
    static var serviceNowZip: String { folder + "/incident_event_log.zip" }

    static var haveBPI: Bool { FileManager.default.fileExists(atPath: bpi2013) }
    static var haveServiceNow: Bool { FileManager.default.fileExists(atPath: serviceNowZip) && Scratch.which("unzip") != nil }

    /// The ServiceNow CSV, unzipped once per test run into a temporary folder.
    static let serviceNowCSV: String? = {
        guard haveServiceNow, let unzip = Scratch.which("unzip"), let folder = try? Scratch.folder() else { return nil }
        guard let result = try? Scratch.run(unzip, ["-q", "-o", serviceNowZip, "-d", folder.path]), result.status == 0 else { return nil }
        let path = folder.appendingPathComponent("incident_event_log.csv").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()
}

extension Store {
    func counts() async throws -> (tickets: Int, events: Int64) {
        (try await tickets(.all).count, try await lastEventID())
    }
}
