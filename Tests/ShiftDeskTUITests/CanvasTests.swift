import XCTest
@testable import ShiftDeskTUI

final class CanvasTests: XCTestCase {
    func testWideGlyphIsLeadPlusContinuation() {
        var canvas = Canvas(size: TerminalSize(columns: 6, rows: 1))
        XCTAssertEqual(canvas.put("中a", x: 0, y: 0), 3)
        XCTAssertEqual(canvas.cell(x: 0, y: 0)?.width, 2)
        XCTAssertEqual(canvas.cell(x: 1, y: 0)?.isContinuation, true)
        XCTAssertEqual(canvas.line(0), "中a   ")
    }

    func testOverwritingEitherHalfBlanksBoth() {
        var canvas = Canvas(size: TerminalSize(columns: 6, rows: 1))
        canvas.put("中文", x: 0, y: 0)
        canvas.put("X", x: 1, y: 0) // right half of 中
        XCTAssertEqual(canvas.line(0), " X文  ")
        canvas.put("Y", x: 2, y: 0) // left half of 文
        XCTAssertEqual(canvas.line(0), " XY   ")
        canvas.put("中文", x: 0, y: 0)
        canvas.put("字", x: 1, y: 0) // straddles both
        XCTAssertEqual(canvas.line(0), " 字   ")
        XCTAssertFalse(canvas.cells.contains { $0.isContinuation && $0.grapheme != "" })
        assertInvariant(canvas)
    }

    func testWideGlyphInLastColumnBecomesSpace() {
        var canvas = Canvas(size: TerminalSize(columns: 5, rows: 2))
        let used = canvas.put("ab中文", x: 0, y: 0)
        XCTAssertEqual(canvas.line(0), "ab中 ")
        XCTAssertEqual(used, 5)
        XCTAssertEqual(canvas.line(1), "     ", "never wraps to the next row")
        assertInvariant(canvas)
    }

    func testClipAtMaxWidthAndClipRect() {
        var canvas = Canvas(size: TerminalSize(columns: 10, rows: 1))
        canvas.put("数据库连接", x: 0, y: 0, maxWidth: 5)
        XCTAssertEqual(canvas.line(0), "数据      ")
        var clipped = Canvas(size: TerminalSize(columns: 10, rows: 1))
        clipped.withClip(Rect(x: 3, y: 0, width: 4, height: 1)) { canvas in
            canvas.put("0123456789", x: 0, y: 0)
        }
        XCTAssertEqual(clipped.line(0), "   3456   ")
        var leftEdge = Canvas(size: TerminalSize(columns: 6, rows: 1))
        leftEdge.withClip(Rect(x: 1, y: 0, width: 5, height: 1)) { canvas in
            canvas.put("中文字", x: 0, y: 0)
        }
        XCTAssertEqual(leftEdge.line(0), "  文字", "the visible half of a glyph cut by the left edge is a space")
        assertInvariant(leftEdge)
    }

    func testEllipsisUsesThemeGlyph() {
        var canvas = Canvas(size: TerminalSize(columns: 8, rows: 1))
        canvas.put("数据库连接超时", x: 0, y: 0, maxWidth: 8, ellipsis: true)
        XCTAssertEqual(canvas.line(0), "数据... ")
        canvas.glyphs.ellipsis = "…"
        canvas.put("数据库连接超时", x: 0, y: 0, maxWidth: 8, ellipsis: true)
        XCTAssertEqual(canvas.line(0), "数据库… ")
    }

    func testBoxUsesThemeBorders() {
        var canvas = Canvas(size: TerminalSize(columns: 4, rows: 3), glyphs: .ascii)
        canvas.box(Rect(x: 0, y: 0, width: 4, height: 3))
        XCTAssertEqual(canvas.lines, ["+--+", "|  |", "+--+"])
    }

    func assertInvariant(_ canvas: Canvas, file: StaticString = #filePath, line: UInt = #line) {
        for y in 0..<canvas.size.rows {
            for x in 0..<canvas.size.columns {
                guard let cell = canvas.cell(x: x, y: y) else { continue }
                if cell.isWideLead {
                    XCTAssertEqual(canvas.cell(x: x + 1, y: y)?.isContinuation, true, "lead at \(x),\(y) without continuation", file: file, line: line)
                }
                if cell.isContinuation {
                    XCTAssertEqual(canvas.cell(x: x - 1, y: y)?.isWideLead, true, "orphan continuation at \(x),\(y)", file: file, line: line)
                }
            }
        }
    }
}
