import Testing
@testable import ShiftDeskCore

@Suite struct DurationTests {
    @Test(arguments: [("30m", 1800), ("2h", 7200), ("1h30m", 5400), ("45s", 45), ("1d", 86400),
                      ("0m", 0), ("0s", 0), ("1d2h3m4s", 93784), ("90m", 5400), (" 2h ", 7200)])
    func parses(text: String, seconds: Int) throws {
        #expect(try SLADuration.parse(text).seconds == seconds)
    }

    @Test(arguments: ["", "  ", "-5m", "5", "h", "5x", "1h1h", "30m1h", "1.5h", "1 h", "+2h",
                      "99999999999999999999d", "9223372036854775807s", "200000d"])
    func rejects(text: String) {
        #expect(throws: SLADurationError.self) { try SLADuration.parse(text) }
    }

    @Test func reasonsAreClear() {
        func reason(_ s: String) -> String {
            do { _ = try SLADuration.parse(s); return "" } catch { return error.description }
        }
        #expect(reason("1h1h").contains("given twice"))
        #expect(reason("5x").contains("unknown unit \"x\""))
        #expect(reason("-5m").contains("negative"))
        #expect(reason("").contains("empty"))
        #expect(reason("99999999999999999999d").contains("too large"))
        #expect(reason("30").contains("without a unit"))
        #expect(reason("30m1h").contains("largest to smallest"))
    }

    @Test(arguments: [(5400, "1h30m"), (0, "0m"), (86400, "1d"), (90000, "1d1h"), (45, "45s"),
                      (7200, "2h"), (3661, "1h1m1s"), (1800, "30m")])
    func formats(seconds: Int, text: String) throws {
        #expect(SLADuration(seconds: seconds).description == text)
        #expect(try SLADuration.parse(text).seconds == seconds)
    }

    @Test func roundTripsEverySmallValue() throws {
        for s in stride(from: 0, through: 200_000, by: 37) {
            #expect(try SLADuration.parse(SLADuration.format(seconds: s)).seconds == s)
        }
    }
}
