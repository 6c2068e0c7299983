import Foundation
import Testing
import ShiftDeskCore
import ShiftDeskStore
@testable import ShiftDeskInterchange

/// pm4py (from PyPI) in a virtual environment kept between runs (`$SHIFTDESK_PM4PY_VENV`, else a
/// folder in the temporary directory). Installed on first use; when Python, venv or PyPI is not
/// reachable the test is skipped (its trait says so).
enum PM4Py {
    static let venv = ProcessInfo.processInfo.environment["SHIFTDESK_PM4PY_VENV"].flatMap { $0.isEmpty ? nil : $0 }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-pm4py-venv").path
    static var python: String { venv + "/bin/python" }

    static let ready: Bool = {
        let files = FileManager.default
        if files.isExecutableFile(atPath: python),
           let check = try? Scratch.run(python, ["-c", "import pm4py"]), check.status == 0 { return true }
        // No python3, no venv module (Debian: python3-venv) or PyPI out of reach: skipped.
        guard let python3 = Scratch.which("python3"),
              let made = try? Scratch.run(python3, ["-m", "venv", venv]), made.status == 0,
              let installed = try? Scratch.run(venv + "/bin/pip", ["install", "--quiet", "--disable-pip-version-check", "--timeout", "60", "pm4py"]),
              installed.status == 0 else { return false }
        return true
    }()
}

@Suite struct PM4PyTests {
    @Test(.enabled(if: PM4Py.ready, "needs pm4py: installed from PyPI into a venv on first use; skipped when python3-venv or PyPI is not available"),
          .timeLimit(.minutes(15)))
    func pm4pyReadsTheXESExportWithItsTracesEventsTimestampsAndResources() async throws {
        let desk = try await demoDesk(tickets: 80)
        let folder = try Scratch.folder()
        let log = folder.appendingPathComponent("desk.xes").path
        var text = ""
        try await Exporter(store: desk.store).write(.xes, opened: nil) { text += $0 }
        try Data(text.utf8).write(to: URL(fileURLWithPath: log))
        let script = folder.appendingPathComponent("read.py").path
        try Data("""
            import sys, json
            import pm4py
            df = pm4py.read_xes(sys.argv[1])
            per_trace = df.groupby("case:concept:name").size().to_dict()
            with open(sys.argv[2], "w") as out:
                json.dump({
                    "traces": int(df["case:concept:name"].nunique()),
                    "events": int(len(df)),
                    "first": df["time:timestamp"].min().isoformat(),
                    "last": df["time:timestamp"].max().isoformat(),
                    "resources": sorted(set(str(r) for r in df["org:resource"].dropna())),
                    "per_trace": {str(k): int(v) for k, v in per_trace.items()},
                }, out)
            """.utf8).write(to: URL(fileURLWithPath: script))
        let answer = folder.appendingPathComponent("answer.json").path
        let run = try Scratch.run(PM4Py.python, [script, log, answer])
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: answer))) as? [String: Any])

        let histories = try await desk.store.histories(opened: nil)
        let events = histories.flatMap(\.events)
        #expect(json["traces"] as? Int == histories.count)
        #expect(json["events"] as? Int == events.count)
        let perTrace = try #require(json["per_trace"] as? [String: Int])
        #expect(perTrace == Dictionary(uniqueKeysWithValues: histories.map { ($0.ticket.id.description, $0.events.count) }))
        #expect((json["resources"] as? [String]) == Set(events.map(\.actor)).sorted())
        let instants = events.map(\.at)
        let first = try #require((json["first"] as? String).flatMap { ISO8601.parse($0) })
        let last = try #require((json["last"] as? String).flatMap { ISO8601.parse($0) })
        #expect(abs(first.timeIntervalSince(try #require(instants.min()))) < 0.001)
        #expect(abs(last.timeIntervalSince(try #require(instants.max()))) < 0.001)
    }
}
