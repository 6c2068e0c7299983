import ShiftDeskCore
import XCTest
@testable import ShiftDeskTUI

/// Tables of mixed Chinese/English rows drawn through the virtual terminal.
final class SnapshotTests: XCTestCase {
    let columns = [
        TableColumn("ID", width: .fixed(10)),
        TableColumn("级别", width: .fixed(4)),
        TableColumn("标题 Title", width: .flex(weight: 3, minimum: 10)),
        TableColumn("处理人", width: .flex(weight: 1, minimum: 8)),
        TableColumn("SLA", width: .fixed(8), alignment: .right),
    ]

    let rows: [TableRow<String>] = [
        TableRow(id: "INC-000123", cells: [TableCell("INC-000123"), TableCell("重大"), TableCell("数据库连接超时 Database timeout"), TableCell("张伟"), TableCell("-0:05:12", role: .breached)]),
        TableRow(id: "INC-000124", cells: [TableCell("INC-000124"), TableCell("一般"), TableCell("Mail relay down 邮件无法发送"), TableCell("John Smith"), TableCell("0:45:00", role: .ok)]),
        TableRow(id: "INC-000125", cells: [TableCell("INC-000125"), TableCell("轻微"), TableCell("打印机卡纸"), TableCell("Li Na"), TableCell("3:59:59")]),
        TableRow(id: "INC-000126", cells: [TableCell("INC-000126"), TableCell("重大"), TableCell("服务器 🔥 宕机 e\u{301}"), TableCell("王芳"), TableCell("0:00:01", role: .warning)]),
    ]

    /// Display column at which `needle` starts in `line`.
    func column(of needle: String, in line: String) -> Int? {
        guard let range = line.range(of: needle) else { return nil }
        return DisplayWidth.width(of: line[..<range.lowerBound])
    }

    func render(size: TerminalSize) -> VirtualTerminal {
        let terminal = VirtualTerminal(size: size)
        var canvas = Canvas(size: size)
        var state = TableState<String>()
        state.reconcile(with: rows)
        TableView.draw(columns: columns, rows: rows, state: state, in: canvas.bounds, canvas: &canvas)
        terminal.present(canvas)
        return terminal
    }

    func assertColumnsLineUp(size: TerminalSize) {
        let terminal = render(size: size)
        let widths = TableView.columnWidths(columns, totalWidth: size.columns)
        var starts: [Int] = []
        var x = 0
        for width in widths { starts.append(x); x += width + 1 }
        let lines = terminal.lines
        XCTAssertEqual(column(of: "处理人", in: lines[0]), starts[3])
        let expectations: [(Int, String, String, String)] = [
            (1, "重大", "张伟", "-0:05:12"),
            (2, "一般", "John Smith", "0:45:00"),
            (3, "轻微", "Li Na", "3:59:59"),
            (4, "重大", "王芳", "0:00:01"),
        ]
        for (row, priority, assignee, sla) in expectations {
            let line = lines[row]
            XCTAssertEqual(DisplayWidth.width(of: line), size.columns, "row \(row) is exactly the screen width")
            XCTAssertEqual(column(of: priority, in: line), starts[1], "row \(row) priority")
            XCTAssertEqual(column(of: assignee, in: line), starts[3], "row \(row) assignee at \(size)")
            XCTAssertEqual(column(of: sla, in: line).map { $0 + sla.count }, starts[4] + widths[4], "row \(row) SLA right-aligned")
        }
        XCTAssertEqual(terminal.cell(x: starts[4] + widths[4] - 1, y: 1)?.role, .breached)
    }

    func testMixedRowsLineUpAt80x24() {
        assertColumnsLineUp(size: TerminalSize(columns: 80, rows: 24))
        let lines = render(size: TerminalSize(columns: 80, rows: 24)).lines
        XCTAssertEqual(lines[1], "INC-000123 重大 数据库连接超时 Database timeout" + String(repeating: " ", count: 7) + "张伟" + String(repeating: " ", count: 14) + "-0:05:12")
    }

    func testMixedRowsLineUpAt200x60() {
        assertColumnsLineUp(size: TerminalSize(columns: 200, rows: 60))
    }

    func testHostileTitleRendersAsPlaceholders() {
        let title = "Bad \u{1b}]0;pwned\u{07} \u{1b}[2J \u{9b}31m \u{202e}evil"
        let terminal = VirtualTerminal(size: TerminalSize(columns: 60, rows: 3))
        var canvas = Canvas(size: terminal.size)
        canvas.box(canvas.bounds, title: title)
        canvas.put(title, x: 1, y: 1)
        terminal.present(canvas)
        XCTAssertTrue(terminal.lines[1].hasPrefix("│Bad ␛]0;pwned␇ ␛[2J \u{FFFD}31m \u{FFFD}evil"), terminal.lines[1])
        XCTAssertTrue(terminal.lines[0].contains("Bad ␛]0;pwned␇"))
        for scalar in terminal.writtenText.unicodeScalars {
            XCTAssertTrue(TerminalText.isSafe(scalar), "raw U+\(String(scalar.value, radix: 16)) reached the terminal")
        }
        XCTAssertFalse(terminal.writtenText.contains("\u{1b}"))
        XCTAssertFalse(terminal.writtenText.contains("\u{07}"))
        XCTAssertFalse(terminal.writtenText.unicodeScalars.contains("\u{9b}"))
    }
}
