import Foundation

/// A controlled document's version as the seed's headers write it: `V1.0`, `V1.1`, `V2.0`.
/// A submission takes the next minor number, or the next major one when the submitter says the
/// change is major.
public struct DocumentVersionNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let first = DocumentVersionNumber(major: 1, minor: 0)

    /// `V1.2`, `v1.2` or `1.2`; nil for anything else.
    public init?(_ text: String) {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        if body.first == "V" || body.first == "v" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCII) }),
              let major = Int(parts[0]), let minor = Int(parts[1]), major >= 0, minor >= 0 else { return nil }
        self.init(major: major, minor: minor)
    }

    /// The number after this one: `V1.1` → `V1.2`, or `V2.0` for a major change.
    public func next(major isMajor: Bool) -> DocumentVersionNumber {
        isMajor ? DocumentVersionNumber(major: major + 1, minor: 0) : DocumentVersionNumber(major: major, minor: minor + 1)
    }

    public var description: String { "V\(major).\(minor)" }

    public static func < (a: DocumentVersionNumber, b: DocumentVersionNumber) -> Bool {
        (a.major, a.minor) < (b.major, b.minor)
    }
}
