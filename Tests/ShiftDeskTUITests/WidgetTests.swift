import ShiftDeskCore
import XCTest
@testable import ShiftDeskTUI

final class TableStateTests: XCTestCase {
    func rows(_ ids: [String]) -> [TableRow<String>] {
        ids.map { TableRow(id: $0, cells: [TableCell($0)]) }
    }

    func testSelectionSurvivesReorderingAndRemoval() {
        var state = TableState<String>()
        let first = rows(["a", "b", "c", "d"])
        state.reconcile(with: first)
        state.navigate(.moveDown, rows: first, pageSize: 10)
        state.navigate(.moveDown, rows: first, pageSize: 10)
        XCTAssertEqual(state.selectedID, "c")
        state.reconcile(with: rows(["d", "c", "b", "a"]))
        XCTAssertEqual(state.selectedID, "c")
        XCTAssertEqual(state.selectedIndex, 1)
        state.reconcile(with: rows(["x", "d", "b", "a"]))
        XCTAssertEqual(state.selectedIndex, 1, "removed row: the row now at its place is selected")
        XCTAssertEqual(state.selectedID, "d")
        state.reconcile(with: [])
        XCTAssertNil(state.selectedID)
    }

    func testPagingAndEnds() {
        var state = TableState<String>()
        let many = rows((0..<50).map { String(format: "%02d", $0) })
        state.reconcile(with: many)
        state.navigate(.pageDown, rows: many, pageSize: 10)
        XCTAssertEqual(state.selectedIndex, 10)
        XCTAssertEqual(state.scrollOffset, 1)
        state.navigate(.last, rows: many, pageSize: 10)
        XCTAssertEqual(state.selectedID, "49")
        XCTAssertEqual(state.scrollOffset, 40)
        state.navigate(.pageUp, rows: many, pageSize: 10)
        XCTAssertEqual(state.selectedIndex, 39)
        state.navigate(.first, rows: many, pageSize: 10)
        XCTAssertEqual(state.selectedIndex, 0)
        XCTAssertEqual(state.scrollOffset, 0)
        state.navigate(.moveUp, rows: many, pageSize: 10)
        XCTAssertEqual(state.selectedIndex, 0)
    }

    func testSortAndIndicator() {
        let data: [TableRow<Int>] = [
            TableRow(id: 1, cells: [TableCell("b"), TableCell("10", sortKey: .number(10))]),
            TableRow(id: 2, cells: [TableCell("a"), TableCell("9", sortKey: .number(9))]),
            TableRow(id: 3, cells: [TableCell("c"), TableCell("100", sortKey: .number(100))]),
        ]
        var state = TableState<Int>()
        state.toggleSort(column: 1)
        XCTAssertEqual(TableView.sorted(data, by: state.sort).map(\.id), [2, 1, 3], "numbers sort numerically")
        state.toggleSort(column: 1)
        XCTAssertEqual(TableView.sorted(data, by: state.sort).map(\.id), [3, 1, 2])
        state.toggleSort(column: 0)
        XCTAssertEqual(TableView.sorted(data, by: state.sort).map(\.id), [2, 1, 3])
        var canvas = Canvas(size: TerminalSize(columns: 20, rows: 4))
        let columns = [TableColumn("Name", width: .fixed(8)), TableColumn("Num", width: .fixed(8))]
        state.sort = TableSort(column: 1, ascending: false)
        TableView.draw(columns: columns, rows: TableView.sorted(data, by: state.sort), state: state, in: canvas.bounds, canvas: &canvas)
        XCTAssertTrue(canvas.line(0).hasPrefix("Name     Num▼"), canvas.line(0))
        canvas.glyphs = .ascii
        state.sort = TableSort(column: 0, ascending: true)
        TableView.draw(columns: columns, rows: data, state: state, in: canvas.bounds, canvas: &canvas)
        XCTAssertTrue(canvas.line(0).hasPrefix("Name^    Num "), canvas.line(0))
    }
}

final class TextFieldTests: XCTestCase {
    func type(_ text: String, into field: inout TextFieldState) {
        for character in text { field.handle(KeyEvent(.character(character))) }
    }

    func testCJKInsertAndBackspace() {
        var field = TextFieldState()
        type("ab中文", into: &field)
        XCTAssertEqual(field.text, "ab中文")
        field.handle(KeyEvent(.backspace))
        XCTAssertEqual(field.text, "ab中")
        field.handle(KeyEvent(.left))
        field.handle(KeyEvent(.left))
        type("字", into: &field)
        XCTAssertEqual(field.text, "a字b中")
        field.handle(KeyEvent(.delete))
        XCTAssertEqual(field.text, "a字中")
        field.handle(KeyEvent(.home))
        field.handle(KeyEvent(.delete))
        XCTAssertEqual(field.text, "字中")
    }

    func testCombiningMarkJoinsAndDeletesAsOne() {
        var field = TextFieldState()
        type("cafe", into: &field)
        field.handle(KeyEvent(.character("\u{301}")))
        XCTAssertEqual(field.text, "café")
        XCTAssertEqual(field.graphemes.count, 4)
        XCTAssertEqual(field.cursor, 4)
        field.handle(KeyEvent(.backspace))
        XCTAssertEqual(field.text, "caf")
        type("👍🏽", into: &field)
        field.handle(KeyEvent(.backspace))
        XCTAssertEqual(field.text, "caf")
    }

    func testCtrlUAndCtrlK() {
        var field = TextFieldState(text: "hello 世界")
        field.handle(KeyEvent(.left))
        field.handle(KeyEvent(.left))
        field.handle(KeyEvent(.control("k")))
        XCTAssertEqual(field.text, "hello ")
        field.handle(KeyEvent(.left))
        field.handle(KeyEvent(.control("u")))
        XCTAssertEqual(field.text, " ")
        XCTAssertEqual(field.cursor, 0)
        XCTAssertFalse(field.handle(KeyEvent(.enter)))
        type("\u{1b}", into: &field)
        XCTAssertEqual(field.text, " ", "control characters are not inserted")
    }

    func testHorizontalScrollKeepsCursorVisible() {
        var field = TextFieldState(visibleWidth: 6)
        type("一二三四五六", into: &field)
        var canvas = Canvas(size: TerminalSize(columns: 6, rows: 1))
        field.draw(in: canvas.bounds, canvas: &canvas, focused: true)
        XCTAssertEqual(canvas.line(0), "五六  ", "the tail is shown with room for the cursor")
        XCTAssertEqual(canvas.cell(x: 4, y: 0)?.role, .cursor)
                field.handle(KeyEvent(.home))
        field.draw(in: canvas.bounds, canvas: &canvas, focused: true)
        XCTAssertEqual(canvas.line(0), "一二三")
        XCTAssertEqual(canvas.cell(x: 0, y: 0)?.role, .cursor)
    }
}

final class FormDialogTests: XCTestCase {
    /// A tall form on a short terminal: one line per field, and past that the fields scroll
    /// to keep the focused one in view; the dialog never leaves its area.
    func testATallFormFitsAShortTerminal() {
        var form = FormDialogState(title: "登记来电", fields: (1...10).map {
            FormField(id: "f\($0)", label: "字段\($0)", kind: .text(TextFieldState()))
        })
        for (rows, expectAll) in [(30, true), (19, true), (12, false)] {
            let area = Rect(x: 0, y: 2, width: 80, height: rows)
            var canvas = Canvas(size: TerminalSize(columns: 80, rows: rows + 4))
            form.focus = 9
            form.draw(in: area, canvas: &canvas)
            let lines = canvas.lines
            XCTAssertTrue(lines[0].allSatisfy { $0 == " " } && lines[1].allSatisfy { $0 == " " }, "nothing above the area")
            XCTAssertTrue(lines.contains { $0.contains("字段10") }, "the focused field is in view at \(rows) rows")
            XCTAssertEqual((1...10).allSatisfy { n in lines.contains { $0.contains("字段\(n) ") } }, expectAll, "\(rows) rows:\n\(lines.joined(separator: "\n"))")
            XCTAssertTrue(lines.contains { $0.contains("[ OK ]") })
        }
    }

    func testTabChoicesValidationAndSubmit() {
        var form = FormDialogState(title: "New", fields: [
            FormField(id: "summary", label: "Summary", kind: .text(TextFieldState()), required: true),
            FormField(id: "priority", label: "Priority", kind: .choice(options: ["Major", "General", "Minor"], selected: 1)),
        ])
        XCTAssertEqual(form.handle(KeyEvent(.enter)), .editing)
        XCTAssertEqual(form.message, "Summary is required")
        for character in "网络中断" { _ = form.handle(KeyEvent(.character(character))) }
        _ = form.handle(KeyEvent(.tab))
        _ = form.handle(KeyEvent(.right))
        _ = form.handle(KeyEvent(.right))
        XCTAssertEqual(form.value(of: "priority"), "Major")
        _ = form.handle(KeyEvent(.backTab))
        XCTAssertEqual(form.focus, 0)
        XCTAssertEqual(form.handle(KeyEvent(.enter)), .submitted)
        XCTAssertEqual(form.value(of: "summary"), "网络中断")
        XCTAssertEqual(form.handle(KeyEvent(.escape)), .cancelled)
        var canvas = Canvas(size: TerminalSize(columns: 60, rows: 12))
        form.draw(in: canvas.bounds, canvas: &canvas)
        XCTAssertTrue(canvas.lines.contains { $0.contains("网络中断") })
        XCTAssertTrue(canvas.lines.contains { $0.contains("< Major >") })
        XCTAssertTrue(canvas.lines.contains { $0.contains("[ OK ]") && $0.contains("[ Cancel ]") })
    }
}

final class FieldLimitFormTests: XCTestCase {
    /// A form field takes no more than the desk stores, and says so where the operator looks.
    func testAFullFieldStopsTakingTextWithAVisibleHint() {
        for (language, hint) in [(Language.en, "the phone takes at most 40 characters"), (.zh, "电话最多 40 个字符")] {
            var form = FormDialogState(title: "Log a call", fields: [
                FormField(id: "phone", label: "Phone", kind: .text(TextFieldState(field: .phone))),
            ], language: language)
            for _ in 0..<45 { _ = form.handle(KeyEvent(.character("8"))) }
            XCTAssertEqual(form.value(of: "phone"), String(repeating: "8", count: 40))
            XCTAssertEqual(form.message, hint)
            var canvas = Canvas(size: TerminalSize(columns: 80, rows: 12))
            form.draw(in: canvas.bounds, canvas: &canvas)
            XCTAssertTrue(canvas.lines.contains { $0.contains(hint) }, canvas.lines.joined(separator: "\n"))
            // The next edit clears the hint.
            _ = form.handle(KeyEvent(.backspace))
            XCTAssertNil(form.message)
        }
    }

    func testAFieldRefusesCharactersItDoesNotTake() {
        var form = FormDialogState(title: "Log a call", fields: [
            FormField(id: "phone", label: "Phone", kind: .text(TextFieldState(field: .phone))),
        ])
        for character in "138a" { _ = form.handle(KeyEvent(.character(character))) }
        XCTAssertEqual(form.value(of: "phone"), "138")
        XCTAssertEqual(form.message?.hasPrefix("the phone holds a character it cannot (U+0061)"), true)
    }
}

final class ChartAndLayoutTests: XCTestCase {
    func testSparklineBlocksAndASCII() {
        XCTAssertEqual(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7], width: 8, levels: GlyphSet.unicode.chartLevels), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(Sparkline.render([0, 7], width: 8, levels: GlyphSet.ascii.chartLevels), "_#")
        XCTAssertEqual(Sparkline.render([1, 2, 3], width: 2, levels: GlyphSet.unicode.chartLevels).count, 2)
    }

    func testBarChartScalesToLargest() {
        var canvas = Canvas(size: TerminalSize(columns: 20, rows: 2))
        BarChart.draw([BarChartItem(label: "重大", value: 10), BarChartItem(label: "轻微", value: 5)], in: canvas.bounds, canvas: &canvas)
        XCTAssertEqual(canvas.line(0).filter { $0 == "█" }.count, 12)
        XCTAssertEqual(canvas.line(1).filter { $0 == "█" }.count, 6)
    }

    func testSplitPaneAndScrollText() {
        let layout = SplitPane(axis: .horizontal, ratio: 0.5).layout(Rect(x: 0, y: 0, width: 81, height: 10))
        XCTAssertEqual(layout.first.width + layout.second.width + 1, 81)
        XCTAssertEqual(layout.second.x, layout.first.maxX + 1)
        XCTAssertEqual(ScrollText.wrap("数据库连接超时了", width: 7), ["数据库", "连接超", "时了"])
        XCTAssertEqual(ScrollText.wrap("hello wide world", width: 10), ["hello wide", "world"])
        XCTAssertEqual(ScrollText.wrap("数据库连接，超时", width: 10), ["数据库连", "接，超时"], "a comma never starts a line")
        for line in ScrollText.wrap("混合 mixed 文本 text with 很长的中文句子 and words", width: 9) {
            XCTAssertLessThanOrEqual(DisplayWidth.width(of: line), 9)
        }
    }
}
