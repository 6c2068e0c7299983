import CNcurses
import Foundation

/// Why the ncurses terminal could not start.
public enum TerminalError: Error, Sendable, CustomStringConvertible {
    case notATerminal
    case cannotInitialize(term: String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "standard input/output is not a terminal"
        case .cannotInitialize(let term):
            return "ncurses cannot initialise the terminal (TERM=\(term)); check that TERM names an installed terminfo entry"
        }
    }
}

/// The real terminal, through ncursesw. The only file that imports CNcurses.
///
/// Setup: UTF-8 `LC_CTYPE` (``TerminalLocale``), `newterm` (so a bad TERM is
/// an error, not an exit), noecho, cbreak, keypad, `set_escdelay(25)`, hidden
/// cursor, default colours, one extended colour pair per ``ThemeRole``
/// passed through `setcchar`'s opts. ncurses owns SIGWINCH (resize arrives
/// as `KEY_RESIZE`). Use from one thread only.
public final class NcursesTerminal: Terminal {
    public private(set) var size: TerminalSize
    public let colorMode: ColorMode
    private var screen: OpaquePointer?
    private var diff = ScreenDiff()
    private var roleAttributes: [ThemeRole: (attributes: attr_t, pair: Int32)] = [:]
    private var active = true
    /// Statistics of the last present.
    public private(set) var lastPresent: PresentStatistics = .zero

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(TerminalError) {
        TerminalLocale.ensureUTF8()
        guard isatty(0) != 0, isatty(1) != 0 else { throw .notATerminal }
        guard let output = fdopen(1, "w"), let input = fdopen(0, "r"),
              let screen = newterm(nil, output, input) else {
            throw .cannotInitialize(term: environment["TERM"] ?? "")
        }
        self.screen = screen
        _ = set_term(screen)
        _ = noecho()
        _ = cbreak()
        _ = keypad(shim_stdscr(), true)
        _ = set_escdelay(25)
        _ = curs_set(0)
        var hasColors = false
        if has_colors() {
            hasColors = start_color() == OK
            _ = use_default_colors()
        }
        colorMode = ColorMode.detect(colorCount: Int(shim_colors()), hasColors: hasColors, environment: environment)
        size = TerminalSize(columns: Int(getmaxx(shim_stdscr())), rows: Int(getmaxy(shim_stdscr())))
    }

    deinit {
        shutdown()
    }

    public func apply(theme: Theme) {
        guard active else { return }
        roleAttributes = [:]
        let pairLimit = Int32(shim_color_pairs())
        for (index, role) in ThemeRole.allCases.enumerated() {
            let resolved = theme.resolvedStyle(for: role, mode: colorMode)
            var attributes = shim_a_normal()
            if resolved.attributes.contains(.bold) { attributes |= shim_a_bold() }
            if resolved.attributes.contains(.underline) { attributes |= shim_a_underline() }
            if resolved.attributes.contains(.reverse) { attributes |= shim_a_reverse() }
            if resolved.attributes.contains(.dim) { attributes |= shim_a_dim() }
            var pair: Int32 = 0
            if colorMode != .monochrome, Int32(index + 1) < pairLimit {
                pair = Int32(index + 1)
                _ = init_extended_pair(pair, Int32(resolved.foreground.cursesNumber), Int32(resolved.background.cursesNumber))
            }
            roleAttributes[role] = (attributes, pair)
        }
        diff.invalidate()
    }

    public func present(_ canvas: Canvas) {
        guard active, canvas.size == size else { return }
        let changes = diff.changes(to: canvas)
        lastPresent = ScreenDiff.statistics(of: changes)
        guard !changes.isEmpty else { return }
        // A whole 200x60 frame is 12,000 cells: one style lookup per run of a role, and no
        // allocation per cell (each cost the first frame milliseconds; issue 19).
        var role: ThemeRole?
        var style = (attributes: shim_a_normal(), pair: Int32(0))
        withUnsafeTemporaryAllocation(of: wchar_t.self, capacity: Self.scalarsPerCell + 1) { scalars in
            for change in changes {
                if change.cell.role != role {
                    role = change.cell.role
                    style = roleAttributes[change.cell.role] ?? (shim_a_normal(), 0)
                }
                write(change.cell.grapheme, x: Int32(change.x), y: Int32(change.y), style: style, into: scalars)
            }
        }
        _ = wnoutrefresh(shim_stdscr())
        _ = doupdate()
    }

    /// The scalars of one cell ncurses takes (`CCHARW_MAX`); a longer grapheme is drawn by its first.
    private static let scalarsPerCell = 5

    private func write(_ grapheme: String, x: Int32, y: Int32, style: (attributes: attr_t, pair: Int32),
                       into scalars: UnsafeMutableBufferPointer<wchar_t>) {
        var count = 0
        for scalar in grapheme.unicodeScalars {
            guard count < Self.scalarsPerCell else {
                count = 1
                break
            }
            scalars[count] = wchar_t(bitPattern: scalar.value)
            count += 1
        }
        if count == 0 {
            scalars[0] = wchar_t(32)
            count = 1
        }
        scalars[count] = 0
        if shim_put_cell(y, x, scalars.baseAddress, style.attributes, style.pair) == -2, count > 1 {
            scalars[1] = 0
            _ = shim_put_cell(y, x, scalars.baseAddress, style.attributes, style.pair)
        }
        // ERR in the bottom-right cell is expected (the cursor cannot advance); the cell is drawn.
    }

    public func nextEvent(timeout: Duration) -> TerminalEvent? {
        guard active else { return nil }
        let milliseconds = max(0, Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        shim_timeout(milliseconds)
        var character: wint_t = 0
        let result = shim_get_wch(&character)
        if result == OK {
            return .key(KeyEvent.fromCharacterCode(UInt32(character)))
        }
        guard result == KEY_CODE_YES else { return nil }
        let code = Int32(character)
        if code == KEY_RESIZE {
            size = TerminalSize(columns: Int(getmaxx(shim_stdscr())), rows: Int(getmaxy(shim_stdscr())))
            diff.invalidate()
            _ = clearok(shim_stdscr(), true)
            return .resize(size)
        }
        return .key(KeyEvent(Self.key(forCode: code)))
    }

    static func key(forCode code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME, KEY_FIND, KEY_A1: return .home
        case KEY_END, KEY_SELECT, KEY_C1: return .end
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        default:
            for number in 1...12 where code == shim_key_f(Int32(number)) { return .function(number) }
            return .unknown(Int(code))
        }
    }

    public func suspend() {
        guard active else { return }
        _ = def_prog_mode()
        _ = endwin()
    }

    public func restore() {
        guard active else { return }
        _ = reset_prog_mode()
        _ = clearok(shim_stdscr(), true)
        diff.invalidate()
        _ = wrefresh(shim_stdscr())
    }

    public func shutdown() {
        guard active else { return }
        active = false
        _ = curs_set(1)
        _ = endwin()
        if let screen {
            delscreen(screen)
            self.screen = nil
        }
    }
}
