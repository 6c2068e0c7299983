import Foundation

public enum ProblemState: String, Codable, CaseIterable, Sendable {
    case open, investigating, resolved, closed
}

/// A problem ticket (问题单) raised from one or more incidents, for the problem manager.
public struct Problem: Codable, Hashable, Sendable {
    public var id: ProblemID
    public var title: String
    /// The problem manager who owns it, if assigned.
    public var owner: String?
    public var state: ProblemState
    public var raisedBy: String
    public var raisedAt: Date
    public var version: Int

    public init(id: ProblemID, title: String, owner: String? = nil, state: ProblemState = .open,
                raisedBy: String, raisedAt: Date, version: Int = 1) {
        self.id = id
        self.title = title
        self.owner = owner
        self.state = state
        self.raisedBy = raisedBy
        self.raisedAt = raisedAt
        self.version = version
    }
}
