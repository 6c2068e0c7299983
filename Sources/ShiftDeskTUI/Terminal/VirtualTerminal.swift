/// A terminal in memory, for tests and benchmarks.
///
/// Input is scripted; the screen can be read as text lines or styled cells;
/// every present records what it wrote.
public final class VirtualTerminal: Terminal {
    /// One scripted input step.
    public enum Input: Sendable {
        case event(TerminalEvent)
        /// Nothing arrives for this long (advances the manual clock, if any).
        case wait(Duration)
    }

    public private(set) var size: TerminalSize
    public let colorMode: ColorMode
    public private(set) var theme: Theme = .builtinDefault
    /// What the terminal shows now.
    public private(set) var screen: Canvas
    /// Statistics of the last present.
    public private(set) var lastPresent: PresentStatistics = .zero
    /// Totals since creation (or ``resetCounters()``).
    public private(set) var totalPresent: PresentStatistics = .zero
    public private(set) var presentCount = 0
    /// Every grapheme ever written, in order (to check nothing raw is written).
    public private(set) var writtenText = ""
    public private(set) var isShutDown = false
    public private(set) var isSuspended = false

    private var diff = ScreenDiff()
    private var script: [Input]
    private let clock: ManualClock?

    public init(size: TerminalSize, colorMode: ColorMode = .color256, script: [Input] = [], clock: ManualClock? = nil) {
        self.size = size
        self.colorMode = colorMode
        self.screen = Canvas(size: size)
        self.script = script
        self.clock = clock
    }

    public func apply(theme: Theme) {
        self.theme = theme
        diff.invalidate()
    }

    public func present(_ canvas: Canvas) {
        guard canvas.size == size else {
            lastPresent = .zero
            return
        }
        if screen.size != size { screen = Canvas(size: size) }
        let changes = diff.changes(to: canvas)
        screen = canvas
        lastPresent = ScreenDiff.statistics(of: changes)
        totalPresent.cellsWritten += lastPresent.cellsWritten
        totalPresent.textBytes += lastPresent.textBytes
        totalPresent.estimatedBytes += lastPresent.estimatedBytes
        presentCount += 1
        for change in changes { writtenText += change.cell.grapheme }
    }

    public func nextEvent(timeout: Duration) -> TerminalEvent? {
        guard !script.isEmpty else {
            clock?.advance(by: timeout)
            return nil
        }
        switch script.removeFirst() {
        case .event(let event):
            if case .resize(let newSize) = event { resize(to: newSize) }
            return event
        case .wait(let duration):
            clock?.advance(by: duration)
            return nil
        }
    }

    public func suspend() { isSuspended = true }

    public func restore() {
        isSuspended = false
        diff.invalidate()
    }

    public func shutdown() { isShutDown = true }

    // MARK: - Test helpers

    /// Appends scripted input.
    public func enqueue(_ inputs: [Input]) { script.append(contentsOf: inputs) }

    public func enqueue(keys: [Key]) { script.append(contentsOf: keys.map { .event(.key(KeyEvent($0))) }) }

    public func enqueue(text: String) { enqueue(keys: text.map { .character($0) }) }

    public var pendingInputCount: Int { script.count }

    /// Changes the size (as a window resize would); the next present redraws everything.
    public func resize(to newSize: TerminalSize) {
        size = newSize
        screen = Canvas(size: newSize)
        diff.invalidate()
    }

    /// The screen as text, one string per row (wide glyphs once).
    public var lines: [String] { screen.lines }

    /// The screen's cell at (x, y).
    public func cell(x: Int, y: Int) -> Cell? { screen.cell(x: x, y: y) }

    /// The style of the cell at (x, y) on this terminal's colour mode.
    public func resolvedStyle(x: Int, y: Int) -> ResolvedStyle? {
        cell(x: x, y: y).map { theme.resolvedStyle(for: $0.role, mode: colorMode) }
    }

    public func resetCounters() {
        totalPresent = .zero
        presentCount = 0
        writtenText = ""
    }
}
