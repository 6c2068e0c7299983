/// What a terminal reports.
public enum TerminalEvent: Sendable, Hashable {
    case key(KeyEvent)
    case resize(TerminalSize)
}

/// A terminal the console draws on: ncurses for real, in memory for tests.
///
/// Implementations are used from one thread (ncurses is not thread-safe):
/// they are classes, deliberately not `Sendable`.
public protocol Terminal: AnyObject {
    var size: TerminalSize { get }
    var colorMode: ColorMode { get }
    /// Sets the styles of the theme's roles (colour pairs on ncurses).
    func apply(theme: Theme)
    /// Writes the cells that changed since the last present (see ``ScreenDiff``).
    func present(_ canvas: Canvas)
    /// Waits up to `timeout` for a key or a resize; nil on timeout.
    func nextEvent(timeout: Duration) -> TerminalEvent?
    /// Leaves full-screen mode temporarily (e.g. to run a shell).
    func suspend()
    /// Returns to full-screen mode after ``suspend()``; the next present redraws everything.
    func restore()
    /// Leaves full-screen mode for good and gives the terminal back as it was. Idempotent.
    func shutdown()
}

/// Statistics of one present, for tests and benchmarks.
public struct PresentStatistics: Sendable, Equatable {
    /// Cells written to the terminal.
    public var cellsWritten: Int
    /// Bytes of text (UTF-8 of the graphemes) written.
    public var textBytes: Int
    /// Estimated bytes including cursor moves and style changes (xterm sequences).
    public var estimatedBytes: Int

    public static let zero = PresentStatistics(cellsWritten: 0, textBytes: 0, estimatedBytes: 0)
}
