import XCTest
@testable import ShiftDeskTUI

final class ThemeTests: XCTestCase {
    var directory: String = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "shiftdesk-theme-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static var packageThemes: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path
    }

    func testShippedThemesParseAndDefaultMatchesEmbedded() {
        for name in ["default", "high-contrast", "mono", "ascii"] {
            let result = Theme.load(nameOrPath: name, searchDirectories: [Self.packageThemes])
            XCTAssertEqual(result.warnings, [], name)
            XCTAssertEqual(result.theme.name, name)
        }
        XCTAssertEqual(Theme.load(nameOrPath: "default", searchDirectories: [Self.packageThemes]).theme, Theme.builtinDefault)
        XCTAssertEqual(Theme.builtinDefault.name, "default")
        XCTAssertEqual(Theme.load(nameOrPath: "ascii", searchDirectories: [Self.packageThemes]).theme.glyphs.horizontal, "-")
    }

    func testSyntaxErrorNamesFileAndLine() throws {
        let path = try write("broken.toml", "name = \"broken\"\n\n[roles.selected]\nfg = \"red\n")
        let result = Theme.load(nameOrPath: path, searchDirectories: [])
        XCTAssertEqual(result.theme, Theme.builtinDefault)
        XCTAssertEqual(result.errors.first?.line, 4)
        XCTAssertTrue(result.warnings.first?.contains("broken.toml:4") == true, result.warnings.description)
    }

    func testUnknownColourNamesTheKeyLine() throws {
        let path = try write("colour.toml", """
        name = "colour"

        [roles.header]
        bold = true

        [roles.selected]
        bg = "blue"
        fg = "purpel"
        """)
        let result = Theme.load(nameOrPath: path, searchDirectories: [])
        XCTAssertEqual(result.theme, Theme.builtinDefault)
        XCTAssertEqual(result.errors.first?.line, 8)
        XCTAssertTrue(result.warnings.first?.contains("colour.toml:8") == true)
        XCTAssertTrue(result.warnings.first?.contains("purpel") == true)
    }

    func testUnknownRoleAndOutOfRangeColour() throws {
        let role = try write("role.toml", "name = \"x\"\n[roles.nonsense]\nfg = 1\n")
        XCTAssertEqual(Theme.load(nameOrPath: role, searchDirectories: []).errors.first?.line, 2)
        let range = try write("range.toml", "name = \"x\"\n[roles.ok]\nfg = 256\n")
        XCTAssertEqual(Theme.load(nameOrPath: range, searchDirectories: []).errors.first?.line, 3)
    }

    func testMissingThemeFallsBackWithWarning() {
        let result = Theme.load(nameOrPath: "nope", searchDirectories: [directory])
        XCTAssertEqual(result.theme, Theme.builtinDefault)
        XCTAssertEqual(result.warnings.count, 1)
    }

    func testEightColourDowngrade() {
        XCTAssertEqual(TerminalColor.index(196).downgradedToBasic, .index(1))
        XCTAssertEqual(TerminalColor.index(46).downgradedToBasic, .index(2))
        XCTAssertEqual(TerminalColor.index(21).downgradedToBasic, .index(4))
        XCTAssertEqual(TerminalColor.index(9).downgradedToBasic, .index(1))
        XCTAssertEqual(TerminalColor.index(231).downgradedToBasic, .index(7))
        XCTAssertEqual(TerminalColor.index(16).downgradedToBasic, .index(0))
        for role in ThemeRole.allCases {
            let style = Theme.builtinDefault.resolvedStyle(for: role, mode: .color8)
            for color in [style.foreground, style.background] {
                if case .index(let value) = color { XCTAssertLessThan(value, 8, "\(role)") }
            }
        }
        XCTAssertEqual(Theme.builtinDefault.resolvedStyle(for: .breached, mode: .color8).background, .index(1))
    }

    func testMonochromeAndNoColor() {
        XCTAssertEqual(ColorMode.detect(colorCount: 256, hasColors: true, environment: ["NO_COLOR": "1"]), .monochrome)
        XCTAssertEqual(ColorMode.detect(colorCount: 256, hasColors: true, environment: ["NO_COLOR": ""]), .color256)
        XCTAssertEqual(ColorMode.detect(colorCount: 8, hasColors: true, environment: [:]), .color8)
        XCTAssertEqual(ColorMode.detect(colorCount: 256, hasColors: false, environment: [:]), .monochrome)
        let theme = Theme.builtinDefault
        let selected = theme.resolvedStyle(for: .selected, mode: .monochrome)
        XCTAssertEqual(selected.foreground, .default)
        XCTAssertEqual(selected.background, .default)
        XCTAssertTrue(selected.attributes.contains(.reverse))
        XCTAssertTrue(theme.resolvedStyle(for: .header, mode: .monochrome).attributes.contains(.bold))
        XCTAssertTrue(theme.resolvedStyle(for: .breached, mode: .monochrome).attributes.contains(.bold))
        XCTAssertNotEqual(theme.resolvedStyle(for: .selected, mode: .monochrome), theme.resolvedStyle(for: .normal, mode: .monochrome))
    }
}
