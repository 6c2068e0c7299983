import Foundation
import Testing
import ShiftDeskCore
@testable import ShiftDeskStore

/// The fast reader of events' changes reads exactly what the encoder wrote.
@Suite struct ChangesJSONTests {
    static func fast(_ text: String) -> [FieldChange]? {
        var copy = text
        return copy.withUTF8 { ChangesJSON.parse($0) }
    }

    @Test func readsWhatTheStoresWriteIncludingEscapesAndNulls() throws {
        let samples: [[FieldChange]] = [
            [],
            [FieldChange(field: "title", before: nil, after: "VPN 断线 \"quoted\" back\\slash / slash")],
            [FieldChange(field: "description", before: "line 1\nline 2\ttab\r", after: "😀 e\u{301} \u{1b}[2J \u{7}"),
             FieldChange(field: "state", before: "new", after: nil)],
            [FieldChange(field: "x", before: "\u{0}\u{1f}\u{7f}\u{2028}", after: "")],
        ]
        for changes in samples {
            let text = try SQLiteRows.encodeChanges(changes)
            #expect(Self.fast(text) == changes, "fast path: \(text)")
            #expect(try ChangesJSON.decode(text) == changes, "\(text)")
        }
    }

    @Test func unusualTextFallsBackToTheFullDecoder() throws {
        #expect(try ChangesJSON.decode(#"[ {"field" : "a", "after": "\u00e9\ud83d\ude00"} ]"#) == [FieldChange(field: "a", before: nil, after: "é😀")])
        #expect(Self.fast(#"[{"field":"a","extra":1}]"#) == nil)
        #expect(throws: (any Error).self) { try ChangesJSON.decode("not json") }
    }

    @Test func aReportKeepsOnlyTheFieldsItReads() throws {
        let changes = [FieldChange(field: "title", before: nil, after: "打印机卡纸 \"x\""), FieldChange(field: "state", before: "new", after: "resolved"),
                       FieldChange(field: "satisfaction", before: nil, after: "5 \"好\"")]
        let text = try SQLiteRows.encodeChanges(changes)
        #expect(try ChangesJSON.decode(text, keeping: ReportTicket.fieldsRead) == Array(changes.dropFirst()))
        #expect(try ChangesJSON.decode(#"[ {"field":"state","after":"new"}, {"field":"title","after":"\u00e9"} ]"#, keeping: ["state"])
                == [FieldChange(field: "state", before: nil, after: "new")])
    }
}
