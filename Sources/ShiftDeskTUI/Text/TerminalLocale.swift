import ShiftDeskCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes sure the process has a UTF-8 `LC_CTYPE`, so that the C library's
/// `wcwidth` and ncurses' wide-character API measure and draw CJK correctly.
///
/// The user's locale is tried first (`setlocale(LC_ALL, "")`); when it does not
/// exist on this machine (e.g. `zh_CN.UTF-8` not installed) or is not UTF-8,
/// `LC_CTYPE` falls back to `C.UTF-8`, then `en_US.UTF-8`. The display
/// language of ShiftDesk is a separate choice (see ``Language``).
public enum TerminalLocale {
    /// Result of ``ensureUTF8()``: the `LC_CTYPE` now in force and whether it is UTF-8.
    public struct Outcome: Sendable, Equatable {
        public let ctype: String
        public let isUTF8: Bool
    }

    private static let preparedOutcome: Outcome = prepare()

    /// Idempotent: prepares the locale once per process and returns the outcome.
    @discardableResult
    public static func ensureUTF8() -> Outcome { preparedOutcome }

    private static func prepare() -> Outcome {
        _ = setlocale(LC_ALL, "")
        if currentCodesetIsUTF8() { return Outcome(ctype: currentCType(), isUTF8: true) }
        for candidate in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, candidate) != nil {
            if currentCodesetIsUTF8() { return Outcome(ctype: candidate, isUTF8: true) }
        }
        return Outcome(ctype: currentCType(), isUTF8: false)
    }

    private static func currentCType() -> String {
        guard let name = setlocale(LC_CTYPE, nil) else { return "C" }
        return String(cString: name)
    }

    private static func currentCodesetIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}
