/// A key, normalised from whatever the terminal sent.
public enum Key: Sendable, Hashable, CustomStringConvertible {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete, insert
    case function(Int)
    /// Ctrl plus a letter, lower-cased (`.control("u")` for Ctrl-U).
    case control(Character)
    /// A terminal key code with no name here.
    case unknown(Int)

    /// Short name for help and key bars: `q`, `Enter`, `F1`, `Ctrl-U`, `Up`.
    public var description: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let character): return String(character)
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .backspace: return "Bksp"
        case .delete: return "Del"
        case .insert: return "Ins"
        case .function(let number): return "F\(number)"
        case .control(let letter): return "Ctrl-\(String(letter).uppercased())"
        case .unknown(let code): return "key\(code)"
        }
    }

    /// The typed character, if this key inserts text.
    public var printableCharacter: Character? {
        if case .character(let character) = self { return character }
        return nil
    }
}

/// A key press as delivered to the app.
public struct KeyEvent: Sendable, Hashable {
    public var key: Key

    public init(_ key: Key) { self.key = key }

    /// A movement the key stands for: arrows always, `h`/`j`/`k`/`l` when `allowVim`.
    public func direction(allowVim: Bool = true) -> Direction? {
        switch key {
        case .up: return .up
        case .down: return .down
        case .left: return .left
        case .right: return .right
        case .character("k") where allowVim: return .up
        case .character("j") where allowVim: return .down
        case .character("h") where allowVim: return .left
        case .character("l") where allowVim: return .right
        default: return nil
        }
    }

    /// Normalises a raw character code from the terminal (a character, not a key code).
    public static func fromCharacterCode(_ code: UInt32) -> KeyEvent {
        switch code {
        case 10, 13: return KeyEvent(.enter)
        case 9: return KeyEvent(.tab)
        case 27: return KeyEvent(.escape)
        case 8, 127: return KeyEvent(.backspace)
        case 1...26:
            let letter = Character(Unicode.Scalar(UInt8(96 + code)))
            return KeyEvent(.control(letter))
        default:
            guard let scalar = Unicode.Scalar(code) else { return KeyEvent(.unknown(Int(code))) }
            return KeyEvent(.character(Character(scalar)))
        }
    }
}

public enum Direction: Sendable, Hashable {
    case up, down, left, right
}
