import Foundation
import Testing
@testable import ShiftDeskCore

@Suite struct IdentifierTests {
    @Test(arguments: ["INC-000123", "inc-123", "123", " INC-0000123 "])
    func parsesIncidentIDs(_ text: String) {
        #expect(TicketID(parsing: text) == TicketID(123))
    }

    @Test(arguments: ["", "INC-", "INC-12a", "PRB-1", "-5", "0", "INC-99999999999999999999", "１２３"])
    func rejectsWhatIsNotAnIncidentID(_ text: String) {
        #expect(TicketID(parsing: text) == nil)
    }

    @Test func formatsWithSixDigitsAndMoreWhenNeeded() {
        #expect(TicketID(45).description == "INC-000045")
        #expect(ProblemID(45).description == "PRB-000045")
        #expect(TicketID(12_345_678).description == "INC-12345678")
    }
}

@Suite struct ISO8601Tests {
    @Test func roundTripsUTC() throws {
        let instant = try #require(ISO8601.parse("2026-11-29T04:00:00Z"))
        #expect(ISO8601.format(instant) == "2026-11-29T04:00:00Z")
        #expect(ISO8601.parse("2026-11-29T12:00:00+08:00") == instant)
        #expect(ISO8601.parse("2026-11-29T12:00+0800") == instant)
        #expect(ISO8601.parse("2026-11-29 04:00:00.000Z") == instant)
    }

    @Test func readsLocalTimesInTheGivenZone() throws {
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        #expect(ISO8601.parse("2026-11-29T12:00", defaultZone: shanghai) == ISO8601.parse("2026-11-29T04:00:00Z"))
    }

    @Test(arguments: ["", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-29T25:00:00Z",
                      "2026-11-29T10:00:00+99:00", "2026-11-29T10:00:00Zjunk", "2026-11-29"])
    func refusesMalformedInstants(_ text: String) {
        #expect(ISO8601.parse(text) == nil)
    }

    @Test func showsDurationsCompactly() {
        #expect(DisplayTime.duration(42) == "42s")
        #expect(DisplayTime.duration(3_900) == "1h05m")
        #expect(DisplayTime.duration(-125) == "-2m05s")
        #expect(DisplayTime.duration(277_200) == "3d05h")
    }
}

@Suite struct TerminalSafeTests {
    @Test func neutralisesEscapeSequencesAndControls() {
        let hostile = "DB\u{1b}]0;pwned\u{07} down\u{1b}[2J\u{07}\u{9b}31m\u{202e}evil\u{7f}"
        let safe = TerminalText.sanitize(hostile)
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) })
        // Nothing is dropped: the operator sees that something odd was there.
        #expect(safe == "DB␛]0;pwned␇ down␛[2J␇�31m�evil␡")
        #expect(TerminalText.sanitize("a\nb\tc") == "a b c")
        #expect(TerminalText.sanitize("a\nb", keepNewlines: true) == "a\nb")
        #expect(TerminalText.sanitize("数据库 ok") == "数据库 ok")
    }
}

@Suite struct JSONValueTests {
    @Test func keepsKeyOrderAndEscapes() {
        let value: JSONValue = .object([("b", 1), ("a", .string("引号\"\n\u{1b}")), ("n", nil), ("t", true)])
        #expect(value.serialized() == #"{"b":1,"a":"引号\"\n\u001b","n":null,"t":true}"#)
    }
}

@Suite struct LanguageTests {
    @Test func followsOptionThenEnvironment() {
        #expect(Language.resolve(explicit: "zh", environment: ["LANG": "en_US.UTF-8"]) == .zh)
        #expect(Language.resolve(explicit: nil, environment: ["SHIFTDESK_LANG": "zh-CN", "LANG": "en_US"]) == .zh)
        #expect(Language.resolve(explicit: nil, environment: ["LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(Language.resolve(explicit: nil, environment: ["LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"]) == .en)
        #expect(Language.resolve(explicit: nil, environment: [:]) == .en)
    }
}
