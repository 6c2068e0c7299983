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

    /// The outgoing shift's handover, proposed: every unfinished incident the shift touched or
    /// owns, plus those whose SLA breaches during the next shift, each with a status line in
    /// the operator's language.
    public func draft(for login: String, language: Language) async throws(DeskError) -> HandoverDraft {
        let person = try await desk.requireOperator(login)
        let now = desk.clock.now()
        let from = shift(of: person, at: now)
        let to = schedule.next(after: from)
        do {
            let people = try await desk.store.operators()
            let members = Set(people.filter { $0.shift == from.shift }.map(\.login) + [login])
            let candidates = try await desk.store.tickets(.notClosed)
            let events = try await desk.store.events(from: from.start, to: min(from.end, now.addingTimeInterval(1)))
            let items = HandoverProposal.make(from: from, next: to, tickets: candidates, eventsDuringShift: events,
                                              shiftMembers: members, deadline: { $0.plan.countdownTarget(for: $0) })
            return HandoverDraft(from: from, to: to, proposed: items, note: { Self.statusLine($0, language, timeZone: schedule.timeZone) })
        } catch {
            throw .store(error)
        }
    }

    /// Records the handover as `login` submits it now.
    public func submit(_ draft: HandoverDraft, as login: String) async throws(DeskError) -> Handover {
        let person = try await desk.requireOperator(login)
        do { try Workflow.check(.submitHandover, by: person) } catch { throw .refused(error) }
        if let violation = draft.textViolation() { throw .refused(WorkflowRefusal(.text(violation))) }
        do { return try await desk.store.insertHandover(draft.handover(preparedBy: login, at: desk.clock.now()), origin: desk.origin) } catch { throw .store(error) }
    }

    /// A one-line status an agent can accept as is: state, line, holder, deadline.
    public static func statusLine(_ item: HandoverProposalItem, _ l: Language, timeZone: TimeZone) -> String {
        let t = item.ticket
        var parts = [t.state.label(l), t.tier.label(l), t.assignee ?? l.pick(en: "unassigned", zh: "未分派")]
        if item.reasons.contains(.breachesNextShift), let due = item.deadline {
            parts.append(l.pick(en: "due \(DisplayTime.format(due, in: timeZone).dropFirst(5).prefix(11))",
                                zh: "\(DisplayTime.format(due, in: timeZone).dropFirst(5).prefix(11)) 到期"))
        }
        return parts.joined(separator: l.pick(en: ", ", zh: "，"))
    }

    /// The incoming shift acknowledges items (all when `tickets` is nil), optionally taking them
    /// over; a take the workflow refuses (another line's ticket) is returned, the acknowledgement stands.
    public func acknowledge(_ id: Int64, tickets: [TicketID]?, note: String?, take: Bool,
                            as login: String) async throws(DeskError) -> (handover: Handover, refusedTakes: [DeskError]) {
        let person = try await desk.requireOperator(login)
        do { try Workflow.check(.acknowledgeHandover, by: person) } catch { throw .refused(error) }
        if let note, let violation = TextField.handoverNote.check(note) { throw .refused(WorkflowRefusal(.text(violation))) }
        let stored: Handover
        do {
            stored = try await desk.store.acknowledge(handover: id, tickets: tickets, by: login, at: desk.clock.now(),
                                                      note: note?.trimmingCharacters(in: .whitespacesAndNewlines), origin: desk.origin)
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

    /// Where the handovers stand for `person` (or for the desk as a whole when nil) now: what
    /// their shift must review, which incidents wait for acknowledgement, and the lapses.
    public func overview(for person: Operator?) async throws(DeskError) -> HandoverOverview {
        let now = desk.clock.now()
        let current = schedule.occurrence(at: now)
        let ended = schedule.previous(before: current)
        let recent: [Handover]
        do {
            recent = try await desk.store.handovers(from: ended.start.addingTimeInterval(-HandoverOverview.horizon), to: nil, limit: 200)
        } catch {
            throw .store(error)
        }
        return HandoverOverview(shift: person.map { shift(of: $0, at: now) } ?? current, ended: ended, recent: recent, now: now)
    }
}

/// The handovers of the last days as one operator's console needs them.
public struct HandoverOverview: Sendable {
    /// How far back handovers stay relevant: a weekend's worth of shifts.
    public static let horizon: TimeInterval = 3 * 86_400

    /// The operator's shift: on duty now, else their last one.
    public var shift: ShiftSchedule.Occurrence
    /// Handovers whose outgoing shift started within the horizon, newest first.
    public var recent: [Handover]
    /// What the incident manager and supervisors must chase: the last ended shift without a
    /// handover, and handovers not acknowledged within the incoming shift's half hour.
    public var lapses: [HandoverLapse]

    public init(shift: ShiftSchedule.Occurrence, ended: ShiftSchedule.Occurrence, recent: [Handover], now: Date) {
        self.shift = shift
        self.recent = recent
        var lapses: [HandoverLapse] = []
        if !recent.contains(where: { $0.from.start == ended.start }) { lapses.append(.notPrepared(ended)) }
        for handover in recent where handover.to.reviewWindow.end < now && !handover.unacknowledged.isEmpty {
            lapses.append(.notAcknowledged(handover, pending: handover.unacknowledged.count))
        }
        self.lapses = lapses
    }

    /// What the operator's shift reviews: handovers addressed to it, and older ones with items
    /// nobody acknowledged (the previous day's unhandled incidents), oldest first.
    public var incoming: [Handover] {
        recent.filter { $0.to.start == shift.start || ($0.to.start < shift.start && !$0.unacknowledged.isEmpty) }.reversed()
    }

    /// Handed-over incidents not yet acknowledged, with the handover that lists them.
    public var pending: [TicketID: Int64] {
        var pending: [TicketID: Int64] = [:]
        for handover in recent.reversed() {
            for item in handover.unacknowledged { pending[item.ticket] = handover.id }
        }
        return pending
    }

    /// Items the operator's shift still has to acknowledge.
    public var pendingForShift: Int { incoming.reduce(0) { $0 + $1.unacknowledged.count } }

    /// Handovers the operator's shift already submitted.
    public var submittedByShift: [Handover] { recent.filter { $0.from.start == shift.start } }
}
