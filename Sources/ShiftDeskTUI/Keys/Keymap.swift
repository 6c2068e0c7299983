import ShiftDeskCore
/// Identifies what a key does; screens define their own with `ActionID("…")`.
public struct ActionID: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let quit: ActionID = "quit"
    public static let help: ActionID = "help"
    public static let filter: ActionID = "filter"
    public static let command: ActionID = "command"
    public static let moveUp: ActionID = "moveUp"
    public static let moveDown: ActionID = "moveDown"
    public static let moveLeft: ActionID = "moveLeft"
    public static let moveRight: ActionID = "moveRight"
    public static let pageUp: ActionID = "pageUp"
    public static let pageDown: ActionID = "pageDown"
    public static let first: ActionID = "first"
    public static let last: ActionID = "last"
    public static let open: ActionID = "open"
    public static let back: ActionID = "back"
    public static let nextPane: ActionID = "nextPane"
    public static let sort: ActionID = "sort"
}

/// A screen (or mode) in which a binding applies; ``global`` applies everywhere.
public struct ScreenContext: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let global: ScreenContext = "global"
}

/// One binding: keys, the action, labels in both languages, an optional F-key
/// slot in the bottom bar, and the contexts it applies to.
public struct KeyBinding: Sendable, Hashable {
    public var keys: [Key]
    public var action: ActionID
    public var label: LocalizedText
    /// 1–12: shown in the bottom key bar at this slot.
    public var functionKeySlot: Int?
    public var contexts: Set<ScreenContext>

    public init(_ keys: [Key], _ action: ActionID, label: LocalizedText, slot: Int? = nil, contexts: Set<ScreenContext> = [.global]) {
        self.keys = keys
        self.action = action
        self.label = label
        self.functionKeySlot = slot
        self.contexts = contexts
    }

    /// How the keys are written in help: `Up/k`.
    public var keysDescription: String { keys.map(\.description).joined(separator: "/") }
}

/// All key bindings, as data in one place. Help and the key bar are generated from it.
public struct Keymap: Sendable {
    public private(set) var bindings: [KeyBinding]

    public init(_ bindings: [KeyBinding]) { self.bindings = bindings }

    public mutating func add(_ binding: KeyBinding) { bindings.append(binding) }

    /// Bindings that apply in `context` (its own first, then global ones).
    public func bindings(in context: ScreenContext) -> [KeyBinding] {
        let own = bindings.filter { $0.contexts.contains(context) && context != .global }
        let global = bindings.filter { $0.contexts.contains(.global) }
        return own + global.filter { binding in !own.contains { $0.action == binding.action } }
    }

    /// The action bound to `key` in `context` (a context binding wins over a global one).
    /// An F-key shown in the key bar does what the bar says (F1 help, F3 filter, F10 quit) even
    /// where the binding lists only its letter.
    public func action(for key: Key, in context: ScreenContext) -> ActionID? {
        let bound = bindings(in: context)
        if let action = bound.first(where: { $0.keys.contains(key) })?.action { return action }
        guard case let .function(number) = key else { return nil }
        return bound.first { $0.functionKeySlot == number }?.action
    }

    /// Items for the bottom bar: bindings with an F-key slot, ordered by slot.
    public func keyBarItems(in context: ScreenContext, language: Language) -> [KeyBarItem] {
        var bySlot: [Int: KeyBinding] = [:]
        for binding in bindings(in: context) {
            guard let slot = binding.functionKeySlot, bySlot[slot] == nil else { continue }
            bySlot[slot] = binding
        }
        return bySlot.keys.sorted().compactMap { slot in
            bySlot[slot].map { KeyBarItem(key: "F\(slot)", label: $0.label.text(in: language)) }
        }
    }

    /// Help lines for `context`: one per binding, keys then label.
    public func helpEntries(in context: ScreenContext, language: Language) -> [HelpEntry] {
        bindings(in: context).map { binding in
            var keys = binding.keys
            if let slot = binding.functionKeySlot, !keys.contains(.function(slot)) { keys.insert(.function(slot), at: 0) }
            return HelpEntry(keys: keys.map(\.description).joined(separator: " "), label: binding.label.text(in: language))
        }
    }

    /// Navigation and the console's own keys, shared by all screens.
    public static let foundation = Keymap([
        KeyBinding([.up, .character("k")], .moveUp, label: LocalizedText(en: "Move up", zh: "上移")),
        KeyBinding([.down, .character("j")], .moveDown, label: LocalizedText(en: "Move down", zh: "下移")),
        KeyBinding([.pageUp], .pageUp, label: LocalizedText(en: "Page up", zh: "上一页")),
        KeyBinding([.pageDown], .pageDown, label: LocalizedText(en: "Page down", zh: "下一页")),
        KeyBinding([.home, .character("g")], .first, label: LocalizedText(en: "First row", zh: "第一行")),
        KeyBinding([.end, .character("G")], .last, label: LocalizedText(en: "Last row", zh: "最后一行")),
        KeyBinding([.character("?")], .help, label: Labels.foundation[.help], slot: 1),
        KeyBinding([.character("/")], .filter, label: Labels.foundation[.filter], slot: 3),
        KeyBinding([.character(":")], .command, label: Labels.foundation[.command]),
        KeyBinding([.tab], .nextPane, label: LocalizedText(en: "Next pane", zh: "切换窗格")),
        KeyBinding([.escape], .back, label: LocalizedText(en: "Back / cancel", zh: "返回/取消")),
        KeyBinding([.character("q")], .quit, label: Labels.foundation[.quit], slot: 10),
    ])
}

/// A line of the generated help screen.
public struct HelpEntry: Sendable, Hashable {
    public var keys: String
    public var label: String
}
