import Foundation
import Testing
@testable import ShiftDeskCore

/// The record journal's walk, pure: hashes, gaps, the head, and stored records against it.
@Suite("The record journal")
struct RecordJournalTests {
    /// A stand-in hash (the walk takes SHA-256 from the store); deterministic and order-sensitive.
    static func hash(_ previous: [UInt8], _ encoding: [UInt8]) -> [UInt8] {
        var state: UInt64 = 1469598103934665603
        for byte in previous + encoding { state = (state ^ UInt64(byte)) &* 1099511628211 }
        return (0..<8).map { UInt8(truncatingIfNeeded: state >> UInt64($0 * 8)) }
    }

    let item = RecordState(subject: .handoverItem, key: "1/INC-000001", fields: [RecordField("note", "状态"), RecordField("acknowledged_by", nil)])

    func journal(_ states: [RecordState]) -> ([JournalEntry], JournalHead) {
        var head = JournalHead.empty
        let entries = states.map {
            head.append(JournalEntry(position: 0, actor: "zhang.wei", at: Date(timeIntervalSince1970: 0), origin: .local, state: $0), sha256: Self.hash)
        }
        return (entries, head)
    }

    func walk(_ entries: [JournalEntry], head: JournalHead?, stored: [RecordState]) -> JournalBreak? {
        var walk = JournalWalk()
        for entry in entries { if let found = walk.check(entry, sha256: Self.hash) { return found } }
        return walk.finish(head: head) ?? walk.compare(stored: stored)
    }

    @Test func theNewestStateOfEachRecordIsWhatMustBeStored() {
        var acknowledged = item
        acknowledged.fields[1].value = "li.na"
        let (entries, head) = journal([item, acknowledged])
        #expect(walk(entries, head: head, stored: [acknowledged]) == nil)
        #expect(walk(entries, head: head, stored: [item]) == .recordEdited(.handoverItem, key: item.key, field: "acknowledged_by"))
        #expect(walk(entries, head: head, stored: []) == .recordDeleted(.handoverItem, key: item.key))
        let other = RecordState(subject: .handover, key: "2", fields: [])
        #expect(walk(entries, head: head, stored: [acknowledged, other]) == .recordInserted(.handover, key: "2"))
    }

    @Test func entriesEditedMissingOrCutOffAreNamed() {
        let (entries, head) = journal([item, item, item])
        var edited = entries
        edited[1].actor = "sun.li"
        #expect(walk(edited, head: head, stored: [item]) == .entryEdited(position: 2))
        #expect(walk([entries[0], entries[2]], head: head, stored: [item]) == .entriesMissing(before: 3, count: 1))
        #expect(walk(Array(entries.prefix(2)), head: head, stored: [item]) == .headMismatch(head: 3, last: 2))
        var unreadable = entries
        unreadable[0].readable = false
        #expect(walk(unreadable, head: head, stored: [item]) == .entryEdited(position: 1))
    }

    @Test func theEncodingCoversEveryPartAndIsLengthPrefixed() {
        let (entries, _) = journal([item])
        let base = JournalEncoding.bytes(of: entries[0])
        var changed = entries[0]
        changed.origin = .serve
        #expect(JournalEncoding.bytes(of: changed) != base)
        changed = entries[0]
        changed.state.fields[1].value = ""
        #expect(JournalEncoding.bytes(of: changed) != base, "an empty value is not an absent one")
        changed = entries[0]
        changed.state.key = "1/INC-00000"
        changed.actor = "1zhang.wei"
        #expect(JournalEncoding.bytes(of: changed) != base)
        #expect(Array(base.prefix(4)) == Array("SDJ1".utf8))
    }

    @Test func aHandoverJournalsItselfThenEachItem() {
        let occurrence = ShiftSchedule.Occurrence(shift: .day, start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 3600))
        let handover = Handover(id: 7, from: occurrence, to: occurrence, preparedBy: "zhang.wei", preparedAt: Date(timeIntervalSince1970: 60),
                                note: "n", items: [HandoverItem(ticket: TicketID(3), note: "a"), HandoverItem(ticket: TicketID(4), note: "b")])
        #expect(handover.journalStates.map(\.key) == ["7", "7/INC-000003", "7/INC-000004"])
        #expect(handover.journalStates[0].fields.first { $0.name == "tickets" }?.value == "3,4")
        #expect(JournalBreak.recordEdited(.handover, key: "7", field: "note").message(.zh) == "交接班记录 7 被绕过 ShiftDesk 修改：其 note 与记录不符")
    }
}
