import Foundation
import ShiftDeskCore

/// A handover step that did not happen as the duty table says.
public enum HandoverLapse: Sendable, Hashable {
    /// The shift ended without anyone submitting its handover.
    case notPrepared(ShiftSchedule.Occurrence)
    /// Items still unacknowledged after the incoming shift's first half hour.
    case notAcknowledged(Handover, pending: Int)
}

/// Shift handover (交接班) as the desk runs it: the proposal for the outgoing shift, the
/// record, the incoming shift's acknowledgements, and the lapses supervisors must see.
public struct HandoverDesk: Sendable {
    public let desk: Desk
    public let schedule: ShiftSchedule

    public init(desk: Desk, schedule: ShiftSchedule) {
        self.desk = desk
        self.schedule = schedule
    }

    /// The shift `person` works that is on duty at `now`, else their last one before it.
    public func shift(of person: Operator, at now: Date) -> ShiftSchedule.Occurrence {
        let current = schedule.occurrence(at: now)
        guard let name = person.shift, name != current.shift else { return current }
        return schedule.previous(before: current)
    }

    public struct Proposal: Sendable {
        public var from: ShiftSchedule.Occurrence
        public var to: ShiftSchedule.Occurrence
        public var items: [HandoverProposalItem]
    }

    /// Every unfinished incident the shift touched or owns, plus those whose SLA breaches during
    /// the next shift.
    public func proposal(for login: String) async throws(DeskError) -> Proposal {
        let person = try await desk.requireOperator(login)
        let now = desk.clock.now()
        let from = shift(of: person, at: now)
        let to = schedule.next(after: from)
        do {
            let people = try await desk.store.operators()
            let members = Set(people.filter { $0.shift == from.shift }.map(\.login) + [login])
            let candidates = try await desk.store.tickets(TicketQuery(states: Set(TicketState.allCases.filter { $0 != .closed })))
            let events = try await desk.store.events(from: from.start, to: min(from.end, now.addingTimeInterval(1)))
            var deadlines: [TicketID: Date] = [:]
            for ticket in candidates where ticket.state.isOpen {
                let sla = TicketSLA(ticket: ticket, events: try await desk.store.events(of: ticket.id), policy: desk.policy,
                                    fired: try await desk.store.firedSteps(of: ticket.id), now: now)
                if let target = sla.countdownTarget { deadlines[ticket.id] = target }
            }
            let items = HandoverProposal.make(from: from, next: to, tickets: candidates, eventsDuringShift: events,
                                              shiftMembers: members, deadline: { deadlines[$0.id] })
            return Proposal(from: from, to: to, items: items)
        } catch {
            throw .store(error)
        }
    }

    /// Records the handover as submitted by `login` now.
    public func submit(_ proposal: Proposal, notes: [TicketID: String], note: String, as login: String) async throws(DeskError) -> Handover {
        _ = try await desk.requireOperator(login)
        let items = proposal.items.map { item in
            HandoverItem(ticket: item.ticket.id, note: notes[item.ticket.id] ?? Self.statusLine(item))
        }
        let handover = Handover(from: proposal.from, to: proposal.to, preparedBy: login, preparedAt: desk.clock.now(),
                                note: note.trimmingCharacters(in: .whitespacesAndNewlines), items: items)
        do { return try await desk.store.insertHandover(handover) } catch { throw .store(error) }
    }

    /// A one-line status an agent can accept as is: state, line, holder, deadline.
    public static func statusLine(_ item: HandoverProposalItem) -> String {
        let t = item.ticket
        var parts = ["\(t.state.rawValue)", "\(t.tier.rawValue)", t.assignee ?? "unassigned"]
        if item.reasons.contains(.breachesNextShift), let due = item.deadline { parts.append("due \(ISO8601.format(due))") }
        return parts.joined(separator: ", ")
    }

    /// The incoming shift acknowledges items (all when `tickets` is nil), optionally taking them
    /// over; a take the workflow refuses (another line's ticket) is returned, the acknowledgement stands.
    public func acknowledge(_ id: Int64, tickets: [TicketID]?, note: String?, take: Bool,
                            as login: String) async throws(DeskError) -> (handover: Handover, refusedTakes: [DeskError]) {
        _ = try await desk.requireOperator(login)
        let stored: Handover
        do {
            stored = try await desk.store.acknowledge(handover: id, tickets: tickets, by: login, at: desk.clock.now(),
                                                      note: note?.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw .store(error)
        }
        var refused: [DeskError] = []
        if take {
            for ticket in tickets ?? stored.items.map(\.ticket) {
                do { try await desk.perform(.takeOver, on: ticket, as: login) } catch { refused.append(error) }
            }
        }
        return (stored, refused)
    }

    /// What the incident manager and supervisors must chase at `now`: the last ended shift
    /// without a handover, and handovers not acknowledged within the half hour.
    public func lapses() async throws(DeskError) -> [HandoverLapse] {
        let now = desk.clock.now()
        let current = schedule.occurrence(at: now)
        let ended = schedule.previous(before: current)
        do {
            let recent = try await desk.store.handovers(from: ended.start.addingTimeInterval(-86_400 * 2), to: nil, limit: 50)
            var lapses: [HandoverLapse] = []
            if !recent.contains(where: { $0.from.start == ended.start }) { lapses.append(.notPrepared(ended)) }
            for handover in recent where handover.to.reviewWindow.end < now && !handover.unacknowledged.isEmpty {
                lapses.append(.notAcknowledged(handover, pending: handover.unacknowledged.count))
            }
            return lapses
        } catch {
            throw .store(error)
        }
    }
}
