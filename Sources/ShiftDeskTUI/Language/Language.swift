import ShiftDeskCore

/// A text in both languages.
public struct LocalizedText: Sendable, Hashable {
    public var en: String
    public var zh: String

    public init(en: String, zh: String) {
        self.en = en
        self.zh = zh
    }

    public func text(in language: Language) -> String {
        switch language {
        case .en: return en
        case .zh: return zh
        }
    }
}
