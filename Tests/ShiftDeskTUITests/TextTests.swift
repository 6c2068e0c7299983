import ShiftDeskCore
import XCTest
@testable import ShiftDeskTUI

final class DisplayWidthTests: XCTestCase {
    func testPinnedGraphemeWidths() {
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "a"), 1)
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "中"), 2)
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "Ａ"), 2)
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "e\u{301}"), 1)
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "😀"), 2)
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "👍🏽"), 2)
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "👨‍👩‍👧"), 2)
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "🇨🇳"), 2)
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "\u{1b}"), 1, "controls count as their one-column placeholder")
        XCTAssertEqual(DisplayWidth.width(ofGrapheme: "\u{301}"), 0)
        XCTAssertEqual(DisplayWidth.width(of: "中文é👍🏽é"), 8)
        XCTAssertEqual("中文é👍🏽é".count, 5)
    }

    func testTruncateNeverSplitsWideGlyphs() {
        XCTAssertEqual(DisplayWidth.truncate("数据库连接超时", toWidth: 9), "数据库...")
        XCTAssertEqual(DisplayWidth.truncate("数据库连接超时", toWidth: 8), "数据...", "a wide glyph that would be split is left out")
        XCTAssertEqual(DisplayWidth.truncate("Database", toWidth: 8), "Database")
        XCTAssertEqual(DisplayWidth.truncate("Database timeout", toWidth: 8), "Datab...")
        XCTAssertEqual(DisplayWidth.truncate("数据库连接超时", toWidth: 5, ellipsis: "…"), "数据…")
        XCTAssertEqual(DisplayWidth.truncate("abcdef", toWidth: 2), "..", "budget smaller than the ellipsis")
        XCTAssertEqual(DisplayWidth.truncate("abc", toWidth: 0), "")
        XCTAssertLessThanOrEqual(DisplayWidth.width(of: DisplayWidth.truncate("中a中b中c中", toWidth: 6)), 6)
    }

    func testFitPadsToExactWidth() {
        XCTAssertEqual(DisplayWidth.width(of: DisplayWidth.fit("重大", toWidth: 7)), 7)
        XCTAssertEqual(DisplayWidth.fit("ab", toWidth: 5, alignment: .right), "   ab")
        XCTAssertEqual(DisplayWidth.width(of: DisplayWidth.fit("数据库连接超时", toWidth: 8)), 8)
    }
}

final class SanitizeTests: XCTestCase {
    func testControlsBecomePlaceholders() {
        let hostile = "A\u{1b}]0;pwned\u{07}B\u{1b}[2JC\u{9b}31mD\u{7f}E\u{202e}F\u{2066}G\u{0}"
        let safe = TerminalText.sanitize(hostile)
        XCTAssertEqual(safe, "A␛]0;pwned␇B␛[2JC\u{FFFD}31mD␡E\u{FFFD}F\u{FFFD}G␀")
        for scalar in safe.unicodeScalars {
            XCTAssertTrue(TerminalText.isSafe(scalar), "unsafe scalar U+\(String(scalar.value, radix: 16)) left")
        }
    }

    func testOSCTerminatedByST() {
        XCTAssertEqual(TerminalText.sanitize("\u{1b}]8;;http://x\u{1b}\\link"), "␛]8;;http://x␛\\link")
    }

    func testNewlinesAndTabs() {
        XCTAssertEqual(TerminalText.sanitize("a\nb\tc\r\nd"), "a b c d")
        XCTAssertEqual(TerminalText.sanitize("a\r\nb\rc\td", keepNewlines: true), "a\nb\nc d")
        XCTAssertEqual(TerminalText.sanitize("普通文本 plain"), "普通文本 plain")
    }
}
