import XCTest
@testable import ShiftDeskTUI

/// A small program: 50 countdowns in a table, recomputed from the clock on each tick.
struct CountdownProgram {
    struct State {
        var now: Date
        var deadlines: [Date]
        var ticks = 0
        var keys: [Key] = []
        var sizes: [TerminalSize] = []
    }

    enum Effect { case fail }
    struct Failure: Error {}

    static func rows(_ state: State) -> [TableRow<Int>] {
        state.deadlines.enumerated().map { index, deadline in
            let seconds = Int(deadline.timeIntervalSince(state.now).rounded(.down))
            let text = String(format: "%d:%02d", seconds / 60, seconds % 60)
            return TableRow(id: index, cells: [TableCell("INC-\(index) 数据库 timeout"), TableCell(text, role: seconds < 60 ? .warning : .ok)])
        }
    }

    static func program(start: Date) -> AppProgram<State, Effect, Never> {
        AppProgram(
            initialState: State(now: start, deadlines: (0..<50).map { start.addingTimeInterval(Double(100 + $0 * 37)) }),
            update: { state, event in
                switch event {
                case .tick(let now):
                    state.now = now
                    state.ticks += 1
                case .key(let key):
                    state.keys.append(key.key)
                    if key.key == .character("q") { return [.quit] }
                    if key.key == .character("!") { return [.perform(.fail)] }
                case .resize(let size):
                    state.sizes.append(size)
                case .externalChange, .result:
                    break
                }
                return []
            },
            render: { state, canvas, _ in
                var table = TableState<Int>()
                let rows = rows(state)
                table.reconcile(with: rows)
                TableView.draw(columns: [TableColumn("Title", width: .flex(weight: 1, minimum: 10)), TableColumn("SLA", width: .fixed(6), alignment: .right)],
                               rows: rows, state: table, in: canvas.bounds, canvas: &canvas)
            },
            execute: { _ in throw Failure() })
    }
}

final class RunnerTests: XCTestCase {
    let start = Date(timeIntervalSinceReferenceDate: 800_000_000.25)
    let options = AppRunnerOptions(minimumSize: TerminalSize(columns: 60, rows: 16), handleSignals: false)

    func testIdleTickWritesOnlyTheChangedCountdownCells() throws {
        let clock = ManualClock(start)
        let terminal = VirtualTerminal(size: TerminalSize(columns: 200, rows: 60), clock: clock)
        let runner = AppRunner(terminal: terminal, program: CountdownProgram.program(start: start), theme: .builtinDefault, clock: clock, options: options)
        try runner.step()
        XCTAssertEqual(runner.state.ticks, 1)
        let firstPresents = terminal.presentCount
        XCTAssertGreaterThan(terminal.lastPresent.cellsWritten, 200 * 59)

        // Nothing happens before the next second: nothing is presented or written.
        clock.set(start.addingTimeInterval(0.5))
        try runner.step()
        XCTAssertEqual(terminal.presentCount, firstPresents)

        // One tick: every countdown's seconds digit changes, and nothing else.
        clock.set(start.addingTimeInterval(0.8))
        try runner.step()
        XCTAssertEqual(runner.state.ticks, 2)
        XCTAssertEqual(terminal.presentCount, firstPresents + 1)
        let before = CountdownProgram.rows(CountdownProgram.State(now: start, deadlines: runner.state.deadlines))
        let after = CountdownProgram.rows(runner.state)
        var expected = 0
        for (old, new) in zip(before, after) {
            let a = Array(old.cells[1].text), b = Array(new.cells[1].text)
            expected += zip(a, b).filter { $0 != $1 }.count + abs(a.count - b.count)
        }
        XCTAssertEqual(terminal.lastPresent.cellsWritten, expected)
        XCTAssertGreaterThanOrEqual(expected, 50, "all 50 countdowns changed")
        XCTAssertLessThanOrEqual(expected, 150)
        XCTAssertLessThan(terminal.lastPresent.estimatedBytes, 2_000)
    }

    func testCountdownsAreRecomputedFromTheClock() throws {
        let clock = ManualClock(start)
        let terminal = VirtualTerminal(size: TerminalSize(columns: 80, rows: 24), clock: clock)
        let runner = AppRunner(terminal: terminal, program: CountdownProgram.program(start: start), theme: .builtinDefault, clock: clock, options: options)
        try runner.step()
        XCTAssertTrue(terminal.lines[1].hasSuffix("1:40"), terminal.lines[1])
        clock.set(start.addingTimeInterval(65)) // a jump (e.g. a suspended laptop): not 1 s per tick
        try runner.step()
        XCTAssertTrue(terminal.lines[1].hasSuffix("0:35"), terminal.lines[1])
        XCTAssertEqual(runner.state.ticks, 2)
    }

    func testTooSmallMessageAndResizeFuzz() throws {
        let clock = ManualClock(start)
        let terminal = VirtualTerminal(size: TerminalSize(columns: 80, rows: 24), clock: clock)
        let runner = AppRunner(terminal: terminal, program: CountdownProgram.program(start: start), theme: .builtinDefault, clock: clock,
                               options: AppRunnerOptions(minimumSize: TerminalSize(columns: 60, rows: 16), language: .zh, handleSignals: false))
        terminal.enqueue([.event(.resize(TerminalSize(columns: 40, rows: 10)))])
        try runner.step()
        try runner.step()
        XCTAssertTrue(terminal.lines.contains { $0.contains("终端窗口太小") }, terminal.lines.joined(separator: "\n"))
        XCTAssertTrue(terminal.lines.contains { $0.contains("至少需要 60x16") })

        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let size = TerminalSize(columns: Int.random(in: 0...220, using: &generator), rows: Int.random(in: 0...70, using: &generator))
            terminal.enqueue([.event(.resize(size)), .event(.key(KeyEvent(.down)))])
            try runner.step()
            try runner.step()
            XCTAssertEqual(terminal.lines.count, size.rows)
            XCTAssertTrue(terminal.lines.allSatisfy { DisplayWidth.width(of: $0) == size.columns })
        }
        for size in [TerminalSize(columns: 1, rows: 1), TerminalSize(columns: 0, rows: 0), TerminalSize(columns: 200, rows: 60)] {
            terminal.enqueue([.event(.resize(size))])
            try runner.step()
            try runner.step()
        }
        XCTAssertTrue(terminal.lines[0].hasPrefix("Title"))
    }

    func testQuitAndThrownErrorRestoreTheTerminal() throws {
        let clock = ManualClock(start)
        let quitting = VirtualTerminal(size: TerminalSize(columns: 80, rows: 24), script: [.event(.key(KeyEvent(.character("a")))), .event(.key(KeyEvent(.character("q"))))], clock: clock)
        let runner = AppRunner(terminal: quitting, program: CountdownProgram.program(start: start), theme: .builtinDefault, clock: clock, options: options)
        XCTAssertEqual(try runner.run(), .quit)
        XCTAssertTrue(quitting.isShutDown)
        XCTAssertEqual(runner.state.keys, [.character("a"), .character("q")])

        let failing = VirtualTerminal(size: TerminalSize(columns: 80, rows: 24), script: [.event(.key(KeyEvent(.character("!"))))], clock: clock)
        let failingRunner = AppRunner(terminal: failing, program: CountdownProgram.program(start: start), theme: .builtinDefault, clock: clock, options: options)
        XCTAssertThrowsError(try failingRunner.run())
        XCTAssertTrue(failing.isShutDown)
    }

    func testExternalChangeIsPolled() throws {
        let clock = ManualClock(start)
        let terminal = VirtualTerminal(size: TerminalSize(columns: 80, rows: 24), clock: clock)
        var program = CountdownProgram.program(start: start)
        var polls = 0
        program.pollExternalChange = { polls += 1; return polls == 2 }
        var changes = 0
        let update = program.update
        program.update = { state, event in
            if case .externalChange = event { changes += 1 }
            return update(&state, event)
        }
        let runner = AppRunner(terminal: terminal, program: program, theme: .builtinDefault, clock: clock, options: options)
        for _ in 0..<4 { try runner.step() }
        XCTAssertEqual(polls, 4)
        XCTAssertEqual(changes, 1)
    }

    func testDiffRewritesBothHalvesOfReplacedWideGlyphs() {
        let terminal = VirtualTerminal(size: TerminalSize(columns: 6, rows: 1))
        var canvas = Canvas(size: terminal.size)
        canvas.put("中文ab", x: 0, y: 0)
        terminal.present(canvas)
        XCTAssertEqual(terminal.lastPresent.cellsWritten, 4)
        canvas.put("X", x: 1, y: 0)
        terminal.present(canvas)
        XCTAssertEqual(terminal.lines, [" X文ab"])
        XCTAssertEqual(terminal.lastPresent.cellsWritten, 2, "both halves of the broken 中")
        terminal.present(canvas)
        XCTAssertEqual(terminal.lastPresent.cellsWritten, 0, "nothing changed: nothing written")
    }
}

/// A background effect runs on its own thread: the loop goes on taking keys, and its result
/// comes back as a message in a later iteration.
final class BackgroundEffectTests: XCTestCase {
    struct State {
        var keys = 0
        var loaded: String?
    }

    enum Effect: Sendable { case slowLoad }

    func testKeysAreTakenWhileASlowLoadRunsAndItsResultArrivesLater() throws {
        let start = Date(timeIntervalSinceReferenceDate: 800_000_000)
        let clock = ManualClock(start)
        let release = DispatchSemaphore(value: 0)
        let program = AppProgram<State, Effect, String>(
            initialState: State(),
            initialCommands: [.performInBackground(.slowLoad)],
            update: { state, event in
                switch event {
                case .key: state.keys += 1
                case .result(let text): state.loaded = text
                default: break
                }
                return []
            },
            render: { _, _, _ in },
            execute: { _ in
                release.wait()
                return "everything"
            })
        let terminal = VirtualTerminal(size: TerminalSize(columns: 80, rows: 24), clock: clock)
        let runner = AppRunner(terminal: terminal, program: program, theme: .builtinDefault, clock: clock,
                               options: AppRunnerOptions(handleSignals: false))
        terminal.enqueue(keys: [.down, .down, .down])
        for _ in 0..<3 { try runner.step() }
        XCTAssertEqual(runner.state.keys, 3, "keys go on while the load runs")
        XCTAssertNil(runner.state.loaded)
        release.signal()
        let deadline = Date().addingTimeInterval(5)
        while runner.state.loaded == nil && Date() < deadline {
            try runner.step()
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertEqual(runner.state.loaded, "everything")
    }
}
