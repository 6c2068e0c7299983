import Foundation

/// How long an operator of a line holds an incident while working it (see `DeskHistory.Hold`),
/// per line and priority: the median and the spread (the middle half, quartile to quartile),
/// and the mean the seat count uses.
///
/// A hold longer than `longestWork` is not work: nobody works one incident for a whole shift
/// without a pause; it is an incident left taken overnight or waiting unrecorded. Such holds
/// are counted (`overlong`) but kept out of the figures.
public struct WorkTime: Sendable, Hashable {
    public static let longestWork: TimeInterval = 8 * 3600

    public struct Figures: Sendable, Hashable {
        public var count: Int
        public var overlong: Int
        public var median: TimeInterval
        public var lowerQuartile: TimeInterval
        public var upperQuartile: TimeInterval
        public var mean: TimeInterval

        /// nil when there is no hold of `longestWork` or less.
        public init?(_ seconds: [TimeInterval]) {
            let kept = seconds.filter { $0 <= WorkTime.longestWork }.sorted()
            guard !kept.isEmpty else { return nil }
            count = kept.count
            overlong = seconds.count - kept.count
            median = Self.quantile(kept, 0.5)
            lowerQuartile = Self.quantile(kept, 0.25)
            upperQuartile = Self.quantile(kept, 0.75)
            mean = kept.reduce(0, +) / Double(kept.count)
        }

        /// Linear interpolation between order statistics (type 7, as R and NumPy by default).
        static func quantile(_ sorted: [TimeInterval], _ q: Double) -> TimeInterval {
            let position = q * Double(sorted.count - 1)
            let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
            return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
        }
    }

    /// Per line, every priority together.
    public private(set) var lines: [Tier: Figures]
    public private(set) var byPriority: [Tier: [Priority: Figures]]

    public init(holds: [DeskHistory.Hold]) {
        var perLine: [Tier: [TimeInterval]] = [:]
        var perPriority: [Tier: [Priority: [TimeInterval]]] = [:]
        for hold in holds {
            perLine[hold.line, default: []].append(hold.seconds)
            perPriority[hold.line, default: [:]][hold.priority, default: []].append(hold.seconds)
        }
        lines = perLine.compactMapValues(Figures.init)
        byPriority = perPriority.mapValues { $0.compactMapValues(Figures.init) }
    }
}
