import Foundation

/// The Erlang C model of a queue (M/M/c): Poisson arrivals at rate λ, exponential work times
/// of mean s, c identical seats, one first-come-first-served queue, nobody hangs up. With the
/// offered load A = λ·s (in erlangs) and c > A:
///
///     P(wait > 0) = C(c, A) = c·B(c, A) / (c − A·(1 − B(c, A)))
///     P(wait > t) = C(c, A) · exp(−(c − A)·t / s)
///
/// where B is Erlang B, computed by its recurrence B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)):
/// no factorial and no power of A is ever formed, so it holds for thousands of seats and
/// loads (the textbook form Aᶜ/c! overflows a Double from c = 171).
public enum ErlangC {
    /// Erlang B: the share of arrivals a loss system of `servers` seats would turn away.
    public static func blocking(servers: Int, load: Double) -> Double {
        guard load > 0 else { return 0 }
        var b = 1.0
        var k = 1
        while k <= servers {
            b = load * b / (Double(k) + load * b)
            k += 1
        }
        return b
    }

    /// C(c, A): the probability that an arrival waits at all; 1 when the seats cannot keep up (c ≤ A).
    public static func probabilityOfWaiting(servers: Int, load: Double) -> Double {
        guard load > 0 else { return 0 }
        guard servers > 0, Double(servers) > load else { return 1 }
        let b = blocking(servers: servers, load: load)
        let c = Double(servers)
        return min(1, max(0, c * b / (c - load * (1 - b))))
    }

    /// P(wait > t) for an arrival, `wait` and `serviceTime` in the same unit.
    public static func probabilityOfWaitingLonger(than wait: Double, servers: Int, load: Double, serviceTime: Double) -> Double {
        let waiting = probabilityOfWaiting(servers: servers, load: load)
        guard waiting < 1, serviceTime > 0 else { return waiting }
        return waiting * exp(-(Double(servers) - load) * max(0, wait) / serviceTime)
    }

    /// The mean wait of all arrivals (those served at once count 0): C(c, A)·s / (c − A).
    public static func meanWait(servers: Int, load: Double, serviceTime: Double) -> Double {
        guard load > 0 else { return 0 }
        guard Double(servers) > load else { return .infinity }
        return probabilityOfWaiting(servers: servers, load: load) * serviceTime / (Double(servers) - load)
    }

    /// One class of arrivals in a mix: its share of the arrivals and the wait it may have.
    public struct Target: Sendable, Hashable {
        public var share: Double
        public var wait: TimeInterval
        public init(share: Double, wait: TimeInterval) {
            self.share = share
            self.wait = wait
        }
    }

    /// The most seats ever searched for one hour; a load needing more is reported as beyond reach.
    public static let seatLimit = 5_000

    /// The smallest c with occupancy A/c ≤ `occupancyCap` and the share of arrivals waiting
    /// longer than their own target, Σ shareᵢ·P(wait > tᵢ), at most 1 − `serviceLevel`.
    /// `arrivalsPerHour` and `serviceTime` (seconds) give A; 0 seats for no arrivals; nil
    /// beyond `seatLimit`.
    public static func seatsNeeded(arrivalsPerHour: Double, serviceTime: TimeInterval, targets: [Target],
                                   serviceLevel: Double, occupancyCap: Double) -> Int? {
        guard arrivalsPerHour > 0, serviceTime > 0 else { return 0 }
        let load = arrivalsPerHour * serviceTime / 3600
        let totalShare = targets.reduce(0) { $0 + $1.share }
        let allowedLate = 1 - serviceLevel
        var seats = max(1, Int((load / occupancyCap).rounded(.up)))
        if Double(seats) <= load { seats = Int(load.rounded(.down)) + 1 }
        while seats <= seatLimit {
            let late = totalShare > 0
                ? targets.reduce(0) { $0 + $1.share / totalShare * probabilityOfWaitingLonger(than: $1.wait, servers: seats, load: load, serviceTime: serviceTime) }
                : probabilityOfWaiting(servers: seats, load: load)
            if late <= allowedLate + 1e-12 { return seats }
            seats += 1
        }
        return nil
    }
}
