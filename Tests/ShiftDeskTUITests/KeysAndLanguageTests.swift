import ShiftDeskCore
import XCTest
@testable import ShiftDeskTUI

final class KeyTests: XCTestCase {
    func testCharacterCodesNormalise() {
        XCTAssertEqual(KeyEvent.fromCharacterCode(13).key, .enter)
        XCTAssertEqual(KeyEvent.fromCharacterCode(10).key, .enter)
        XCTAssertEqual(KeyEvent.fromCharacterCode(27).key, .escape)
        XCTAssertEqual(KeyEvent.fromCharacterCode(127).key, .backspace)
        XCTAssertEqual(KeyEvent.fromCharacterCode(9).key, .tab)
        XCTAssertEqual(KeyEvent.fromCharacterCode(21).key, .control("u"))
        XCTAssertEqual(KeyEvent.fromCharacterCode(20013).key, .character("中"))
        XCTAssertEqual(KeyEvent(.character("j")).direction(), .down)
        XCTAssertNil(KeyEvent(.character("j")).direction(allowVim: false))
        XCTAssertEqual(KeyEvent(.up).direction(allowVim: false), .up)
    }
}

final class KeymapTests: XCTestCase {
    let custom: ScreenContext = "queue"

    var keymap: Keymap {
        var keymap = Keymap.foundation
        keymap.add(KeyBinding([.character("e")], "escalate", label: LocalizedText(en: "Escalate", zh: "升级"), slot: 5, contexts: [custom]))
        keymap.add(KeyBinding([.character("x")], "other", label: LocalizedText(en: "Other screen", zh: "其他"), contexts: ["other"]))
        return keymap
    }

    func testHelpListsEveryBindingOfTheContext() {
        for language in Language.allCases {
            let help = keymap.helpEntries(in: custom, language: language)
            let expected = keymap.bindings.filter { $0.contexts.contains(custom) || $0.contexts.contains(.global) }
            XCTAssertEqual(help.count, expected.count)
            for binding in expected {
                XCTAssertTrue(help.contains { $0.label == binding.label.text(in: language) }, "\(binding.action) missing in \(language)")
            }
            XCTAssertFalse(help.contains { $0.label == (language == .en ? "Other screen" : "其他") })
        }
        XCTAssertTrue(keymap.helpEntries(in: custom, language: .en).contains { $0.keys == "F5 e" && $0.label == "Escalate" })
    }

    func testActionLookupAndContexts() {
        XCTAssertEqual(keymap.action(for: .character("e"), in: custom), "escalate")
        XCTAssertNil(keymap.action(for: .character("e"), in: "other"))
        XCTAssertEqual(keymap.action(for: .character("j"), in: custom), .moveDown)
        XCTAssertEqual(keymap.action(for: .character("q"), in: "other"), .quit)
    }

    /// The key bar promises F1 help, F3 filter and F10 quit: the keys do it.
    func testFunctionKeysDoWhatTheKeyBarShows() {
        XCTAssertEqual(keymap.action(for: .function(10), in: "other"), .quit)
        XCTAssertEqual(keymap.action(for: .function(1), in: custom), .help)
        XCTAssertEqual(keymap.action(for: .function(3), in: custom), .filter)
        XCTAssertEqual(keymap.action(for: .function(5), in: custom), "escalate")
        XCTAssertNil(keymap.action(for: .function(12), in: custom))
    }

    func testKeyBarFits80ColumnsInBothLanguages() {
        for language in Language.allCases {
            let items = keymap.keyBarItems(in: custom, language: language)
            XCTAssertEqual(items.map(\.key), ["F1", "F3", "F5", "F10"])
            var canvas = Canvas(size: TerminalSize(columns: 80, rows: 1))
            KeyBar.draw(items, in: canvas.bounds, canvas: &canvas)
            let line = canvas.line(0)
            XCTAssertEqual(DisplayWidth.width(of: line), 80)
            for item in items { XCTAssertTrue(line.contains(item.key + item.label), "\(item) in \(language)") }
            XCTAssertEqual(canvas.cell(x: 0, y: 0)?.role, .keybarKey)
            XCTAssertEqual(canvas.cell(x: 2, y: 0)?.role, .keybarLabel)
        }
    }

    func testKeyBarDropsLabelsFromTheRightWhenNarrow() {
        let items = (1...10).map { KeyBarItem(key: "F\($0)", label: "标签\($0)") }
        let shown = KeyBar.layout(items, width: 40)
        XCTAssertEqual(shown.first?.label, "标签1")
        XCTAssertEqual(shown.last?.label, "")
        XCTAssertLessThanOrEqual(shown.reduce(0) { $0 + DisplayWidth.width(of: $1.key) + DisplayWidth.width(of: $1.label) + 1 }, 40)
        XCTAssertEqual(KeyBar.layout(items, width: 8).map(\.key), ["F1", "F2"])
    }
}

final class LanguageTests: XCTestCase {
    func testResolutionOrder() {
        XCTAssertEqual(Language.resolve(explicit: "zh", environment: ["SHIFTDESK_LANG": "en"]), .zh)
        XCTAssertEqual(Language.resolve(explicit: nil, environment: ["SHIFTDESK_LANG": "zh", "LANG": "en_US.UTF-8"]), .zh)
        XCTAssertEqual(Language.resolve(explicit: nil, environment: ["LANG": "zh_CN.UTF-8"]), .zh)
        XCTAssertEqual(Language.resolve(explicit: nil, environment: ["LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"]), .en)
        XCTAssertEqual(Language.resolve(explicit: nil, environment: ["LC_MESSAGES": "zh_TW"]), .zh)
        XCTAssertEqual(Language.resolve(explicit: nil, environment: [:]), .en)
        XCTAssertEqual(Language.resolve(explicit: "klingon", environment: ["LANG": "zh_CN"]), .zh)
    }

    func testLabelsExtendAndFallBack() {
        let feature = Labels(["ticket.escalate": LocalizedText(en: "Escalate", zh: "升级")])
        let labels = Labels.foundation.merging(feature)
        XCTAssertEqual(labels.text("ticket.escalate", .zh), "升级")
        XCTAssertEqual(labels.text(.quit, .zh), "退出")
        XCTAssertEqual(labels.text("missing.key", .en), "missing.key")
        for (key, text) in Labels.foundation.entries {
            XCTAssertFalse(text.en.isEmpty, key.rawValue)
            XCTAssertFalse(text.zh.isEmpty, key.rawValue)
        }
    }
}
