import Foundation

/// Where an event came from: the administrator's own shell on the desk's host, or an operator
/// reaching the desk through `shiftdesk serve` (the forced command of their SSH key). Part of
/// every event's canonical encoding, so it cannot be changed afterwards unnoticed.
public enum EventOrigin: String, Codable, CaseIterable, Sendable {
    /// The administrator's shell (any command run directly against the database).
    case local
    /// An operator's command that came through `shiftdesk serve` over SSH.
    case serve
}
