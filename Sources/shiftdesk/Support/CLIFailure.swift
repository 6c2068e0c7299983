import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// An error to show on stderr as one line, with the exit status it implies.
struct CLIFailure: Error {
    let message: String
    /// 1: a refused action or bad input.
    let status: Int32

    init(_ message: String, status: Int32 = 1) {
        self.message = message
        self.status = status
    }

    init(_ error: DeskError, _ context: Context) {
        self.init(error.message(context.language, timeZone: context.timeZone))
    }

    init(_ error: StoreError, _ context: Context) {
        self.init(error.message(context.language, timeZone: context.timeZone))
    }
}

enum Output {
    static func error(_ message: String, prefixed: Bool = true) {
        let line = (prefixed ? "shiftdesk: " : "") + TerminalText.sanitize(message) + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func json(_ value: JSONValue) {
        print(value.serialized(pretty: true))
    }
}
