import Foundation
import ShiftDeskCore
import ShiftDeskStore

/// A long form that was open when the console's terminal went away (SSH dropped, SIGHUP, the
/// pane killed): what was typed in it is kept with the desk, for that operator, and offered when
/// they open the console next. Nothing of it was saved to the incident: forms land whole or not.
public struct KeptForm: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case call, note, handoverNote = "handover_note", handoverGeneralNote = "handover_general_note"
    }

    public var kind: Kind
    /// The incident the form was about (a note), if any.
    public var ticket: Int64?
    /// Field id → text typed (choices as their position).
    public var fields: [String: String]
    public var savedAt: Date

    public init(kind: Kind, ticket: Int64?, fields: [String: String], savedAt: Date) {
        self.kind = kind
        self.ticket = ticket
        self.fields = fields
        self.savedAt = savedAt
    }

    /// Where the desk keeps `login`'s form (one per operator: the last one open).
    public static func settingKey(_ login: String) -> String { "console.kept_form.\(login)" }

    static func kind(of purpose: ConsoleState.FormPurpose) -> (Kind, Int64?)? {
        switch purpose {
        case .newCall: (.call, nil)
        case let .note(ticket): (.note, ticket.id.number)
        case let .handoverNote(ticket): (.handoverNote, ticket.number)
        case .handoverGeneralNote: (.handoverGeneralNote, nil)
        default: nil
        }
    }

    /// The open form of `state`, if it is one worth keeping and anything was typed in it.
    public static func capture(_ state: ConsoleState, at instant: Date) -> KeptForm? {
        guard case let .form(form, purpose) = state.mode, let (kind, ticket) = kind(of: purpose) else { return nil }
        var fields: [String: String] = [:]
        var typed = false
        for field in form.fields {
            switch field.kind {
            case let .text(text):
                fields[field.id] = text.text
                if !text.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { typed = true }
            case let .choice(_, selected):
                fields[field.id] = String(selected)
            }
        }
        return typed ? KeptForm(kind: kind, ticket: ticket, fields: fields, savedAt: instant) : nil
    }

    /// Fills `form` with what was kept, when it is the same form (and the same incident).
    func fill(_ form: inout FormDialogState, for purpose: ConsoleState.FormPurpose) -> Bool {
        guard let (kind, ticket) = Self.kind(of: purpose), kind == self.kind, ticket == self.ticket else { return false }
        for index in form.fields.indices {
            guard let value = fields[form.fields[index].id] else { continue }
            switch form.fields[index].kind {
            case var .text(text):
                text.setText(value)
                form.fields[index].kind = .text(text)
            case let .choice(options, _):
                if let selected = Int(value), options.indices.contains(selected) {
                    form.fields[index].kind = .choice(options: options, selected: selected)
                }
            }
        }
        return true
    }

    /// What the console says when it opens with a kept form.
    func offer(_ l: Language, timeZone: TimeZone) -> String {
        let when = DisplayTime.format(savedAt, in: timeZone).dropFirst(11).prefix(5)
        let what: String = switch kind {
        case .call: l.pick(en: "your unfinished call, F2 continues it", zh: "未登记完的来电，按 F2 继续")
        case .note: l.pick(en: "your note on INC-\(String(format: "%06lld", ticket ?? 0)) (n on it continues it)",
                           zh: "对 INC-\(String(format: "%06lld", ticket ?? 0)) 的备注（在该事件上按 n 继续）")
        case .handoverNote, .handoverGeneralNote: l.pick(en: "your handover note (H, then the note, continues it)",
                                                         zh: "交接说明（按 H 后编辑说明继续）")
        }
        return l.pick(en: "Kept from \(when): \(what)", zh: "\(when) 关闭时保留：\(what)")
    }

    static func load(_ store: any Store, login: String) -> KeptForm? {
        guard let text = try? Blocking.run({ try await store.setting(settingKey(login)) }), !text.isEmpty else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(KeptForm.self, from: Data(text.utf8))
    }

    static func save(_ kept: KeptForm?, _ store: any Store, login: String) {
        var text = ""
        if let kept {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = .sortedKeys
            guard let data = try? encoder.encode(kept) else { return }
            text = String(decoding: data, as: UTF8.self)
        }
        let value = text
        _ = try? Blocking.run { try await store.setSetting(settingKey(login), to: value) }
    }
}
