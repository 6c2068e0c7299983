import Foundation

/// An incident's number, shown as `INC-000123`.
public struct TicketID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let number: Int64

    public init(_ number: Int64) { self.number = number }

    /// Accepts `INC-000123`, `inc-123` and `123`.
    public init?(parsing text: String) {
        guard let number = parseNumber(text, prefix: "INC-") else { return nil }
        self.number = number
    }

    public var description: String { formatID(prefix: "INC-", number) }

    public static func < (a: TicketID, b: TicketID) -> Bool { a.number < b.number }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = TicketID(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an incident ID: \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A problem's number, shown as `PRB-000045`.
public struct ProblemID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let number: Int64

    public init(_ number: Int64) { self.number = number }

    public init?(parsing text: String) {
        guard let number = parseNumber(text, prefix: "PRB-") else { return nil }
        self.number = number
    }

    public var description: String { formatID(prefix: "PRB-", number) }

    public static func < (a: ProblemID, b: ProblemID) -> Bool { a.number < b.number }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = ProblemID(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a problem ID: \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

private func parseNumber(_ text: String, prefix: String) -> Int64? {
    var digits = Substring(text.trimmingCharacters(in: .whitespaces))
    if digits.uppercased().hasPrefix(prefix) { digits = digits.dropFirst(prefix.count) }
    guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
          let number = Int64(digits), number > 0 else { return nil }
    return number
}

private func formatID(prefix: String, _ number: Int64) -> String {
    let digits = String(number)
    return prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}
