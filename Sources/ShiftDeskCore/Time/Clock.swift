import Foundation

/// Where "now" comes from. The core never reads the system clock itself.
public protocol Clock: Sendable {
    func now() -> Date
}

/// A clock that always answers the same instant: `--now` and tests.
public struct FixedClock: Clock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}
