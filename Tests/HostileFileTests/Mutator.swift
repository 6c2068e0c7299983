import Foundation
import ShiftDeskCore

/// Seeded mutations of a real file: the same seed gives the same bytes on every machine, so a
/// failure found once is found again (its seed is printed with it).
struct Mutator {
    enum Kind: CaseIterable {
        case flipBytes, truncate, duplicateLine, removeLine, swapLines, hugeField, insertNUL, invalidUTF8
        case insertBOM, crlf, repeatBlock, deleteBlock, deepNesting, unclosedTag
    }

    /// How a format nests, for the deep-nesting mutation.
    enum Nesting {
        case none
        case json
        case xml
        case toml
    }

    let nesting: Nesting

    /// `seed`'s mutation of `original`: one to three mutations in a row.
    func mutate(_ original: [UInt8], seed: UInt64) -> (bytes: [UInt8], kinds: [Kind]) {
        var random = SeededRandom(seed: seed)
        var bytes = original
        var kinds: [Kind] = []
        let count = Int.random(in: 1...3, using: &random)
        for _ in 0..<count {
            let kind = Kind.allCases.randomElement(using: &random) ?? .flipBytes
            kinds.append(kind)
            apply(kind, to: &bytes, using: &random)
        }
        return (bytes, kinds)
    }

    func apply(_ kind: Kind, to bytes: inout [UInt8], using random: inout SeededRandom) {
        func offset() -> Int { bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random) }
        switch kind {
        case .flipBytes:
            guard !bytes.isEmpty else { return }
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let at = offset()
                bytes[at] = Bool.random(using: &random) ? bytes[at] ^ (1 << UInt8.random(in: 0...7, using: &random))
                                                        : UInt8.random(in: 0...255, using: &random)
            }
        case .truncate:
            bytes = Array(bytes.prefix(offset()))
        case .duplicateLine, .removeLine, .swapLines:
            var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            guard lines.count > 1 else { return }
            let a = Int.random(in: 0..<lines.count, using: &random), b = Int.random(in: 0..<lines.count, using: &random)
            switch kind {
            case .duplicateLine: lines.insert(lines[a], at: b)
            case .removeLine: lines.remove(at: a)
            default: lines.swapAt(a, b)
            }
            bytes = Array(lines.joined(separator: [0x0A]))
        case .hugeField:
            // A field far beyond every limit (70,000 characters), some of it wide.
            let filler = Bool.random(using: &random) ? Array(repeating: UInt8(ascii: "A"), count: 70_000)
                                                     : Array(String(repeating: "中", count: 25_000).utf8)
            bytes.insert(contentsOf: filler, at: offset())
        case .insertNUL:
            for _ in 0..<Int.random(in: 1...4, using: &random) { bytes.insert(0, at: offset()) }
        case .invalidUTF8:
            let broken: [[UInt8]] = [[0xFF], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]]
            bytes.insert(contentsOf: broken.randomElement(using: &random) ?? [0xFF], at: offset())
        case .insertBOM:
            bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: Bool.random(using: &random) ? 0 : offset())
        case .crlf:
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 20)
            for byte in bytes {
                if byte == 0x0A, Bool.random(using: &random) { out.append(0x0D) }
                out.append(byte)
            }
            bytes = out
        case .repeatBlock:
            guard !bytes.isEmpty else { return }
            let start = offset(), length = min(bytes.count - start, Int.random(in: 1...4_000, using: &random))
            let block = Array(bytes[start..<(start + length)])
            for _ in 0..<Int.random(in: 1...5, using: &random) { bytes.insert(contentsOf: block, at: offset()) }
        case .deleteBlock:
            guard !bytes.isEmpty else { return }
            let start = offset(), length = min(bytes.count - start, Int.random(in: 1...2_000, using: &random))
            bytes.removeSubrange(start..<(start + length))
        case .deepNesting:
            let depth = Int.random(in: 200...5_000, using: &random)
            let (open, close): ([UInt8], [UInt8])
            switch nesting {
            case .json: (open, close) = Bool.random(using: &random) ? (Array("[".utf8), Array("]".utf8)) : (Array("{\"a\":".utf8), Array("}".utf8))
            case .xml: (open, close) = (Array("<string key=\"k\" value=\"v\">".utf8), Array("</string>".utf8))
            case .toml: (open, close) = Bool.random(using: &random) ? (Array("[".utf8), Array("]".utf8)) : (Array("{a=".utf8), Array("}".utf8))
            case .none: (open, close) = (Array("\"".utf8), Array("\"".utf8))
            }
            var nest = Array(repeating: open, count: depth).flatMap { $0 }
            if nesting == .toml { nest = Array("x = ".utf8) + nest + [0x31] }
            if Bool.random(using: &random) { nest += Array(repeating: close, count: depth).flatMap { $0 } }
            if nesting == .toml { nest = [0x0A] + nest + [0x0A] }
            bytes.insert(contentsOf: nest, at: offset())
        case .unclosedTag:
            // Drops the first closing tag (or bracket) after a random place.
            let closers: [UInt8] = nesting == .xml ? [UInt8(ascii: "/")] : [UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "\"")]
            let start = offset()
            guard let at = bytes[start...].firstIndex(where: closers.contains) else { return }
            if nesting == .xml, at > 0, bytes[at - 1] == UInt8(ascii: "<"), let end = bytes[at...].firstIndex(of: UInt8(ascii: ">")) {
                bytes.removeSubrange((at - 1)...end)
            } else {
                bytes.remove(at: at)
            }
        }
    }
}

/// The seeds of a run: `count` cases from `base`, so each test's cases are its own and fixed.
func seeds(_ base: UInt64, count: Int) -> [UInt64] {
    (0..<UInt64(count)).map { base &* 1_000_003 &+ $0 }
}

/// The repository's fixtures (`Tests/Fixtures`) and files (`themes/`, the README).
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    /// The fenced ```toml block of the README that follows `heading`.
    static func readmeTOML(after heading: String) throws -> String {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let section = readme.range(of: heading),
              let start = readme.range(of: "```toml\n", range: section.upperBound..<readme.endIndex),
              let end = readme.range(of: "```", range: start.upperBound..<readme.endIndex) else {
            throw FixtureMissing(what: "a ```toml block after \(heading) in README.md")
        }
        return String(readme[start.upperBound..<end.lowerBound])
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    let what: String
    var description: String { "missing fixture: \(what)" }
}

/// True when `message` names a place: `FILE:LINE:` or a byte offset.
func namesAPlace(_ message: String, file: String) -> Bool {
    if message.hasPrefix(file + ":"), let rest = message.dropFirst(file.count + 1).split(separator: ":").first, Int(rest) != nil {
        return true
    }
    return message.contains("byte ")
}

/// A clock for the whole run of one test (shown with `SHIFTDESK_FUZZ_TRACE=1`). Each case is
/// bounded on its own (5 s; they take milliseconds) and each suite by its time limit, so a hang
/// fails the test instead of stalling the run.
struct Stopwatch {
    let started = ContinuousClock.now
    var elapsed: Duration { ContinuousClock.now - started }
}

/// With `SHIFTDESK_FUZZ_TRACE=1`, each case is named on stderr before it runs: a crash kills
/// the test process, and the last line names the case that did it.
enum Trace {
    static let on = ProcessInfo.processInfo.environment["SHIFTDESK_FUZZ_TRACE"] == "1"

    static func note(_ text: @autoclosure () -> String, bytes: [UInt8] = []) {
        guard on else { return }
        FileHandle.standardError.write(Data((text() + "\n").utf8))
        // The case itself, to reproduce it outside the test.
        if let path = ProcessInfo.processInfo.environment["SHIFTDESK_FUZZ_CASE"] { try? Data(bytes).write(to: URL(fileURLWithPath: path)) }
    }
}
