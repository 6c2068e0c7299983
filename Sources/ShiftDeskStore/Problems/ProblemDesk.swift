import Foundation
import ShiftDeskCore

/// A problem as the problem manager's screens and `problem show` see it: the problem, its
/// linked incidents and its history.
public struct ProblemRecord: Sendable, Hashable {
    public var problem: Problem
    public var incidents: [Ticket]
    public var events: [ProblemEvent]

    public init(problem: Problem, incidents: [Ticket], events: [ProblemEvent]) {
        self.problem = problem
        self.incidents = incidents
        self.events = events
    }

    public var openIncidents: [Ticket] { incidents.filter(\.state.isOpen) }
}

/// One row of the problem manager's queue.
public struct ProblemQueueRow: Sendable, Hashable {
    public var problem: Problem
    public var openIncidents: Int
    public var allIncidents: Int

    public init(problem: Problem, openIncidents: Int, allIncidents: Int) {
        self.problem = problem
        self.openIncidents = openIncidents
        self.allIncidents = allIncidents
    }

    /// What needs the problem manager first: new and unassigned problems, then open ones by
    /// their open linked incidents (most first), then the oldest; resolved and closed last.
    public static func needsManagerFirst(_ a: ProblemQueueRow, _ b: ProblemQueueRow) -> Bool {
        func rank(_ row: ProblemQueueRow) -> Int {
            if row.problem.state == .new || row.problem.owner == nil && row.problem.state.isOpen { return 0 }
            return row.problem.state.isOpen ? 1 : 2
        }
        if rank(a) != rank(b) { return rank(a) < rank(b) }
        if a.openIncidents != b.openIncidents { return a.openIncidents > b.openIncidents }
        return a.problem.id < b.problem.id
    }
}

/// What a step in a problem's life did beyond the problem itself.
public struct ProblemStepResult: Sendable, Hashable {
    public var outcome: ProblemLife.Outcome
    /// Incidents written because of the step: noted (communicate), moved (duplicate), resolved.
    public var incidents: [TicketID]

    public init(outcome: ProblemLife.Outcome, incidents: [TicketID] = []) {
        self.outcome = outcome
        self.incidents = incidents
    }
}

/// A step asked for by name, its other problems and operators still to be read.
public enum ProblemStep: Sendable, Hashable {
    case assess(owner: String)
    case analyse
    case startFix(cause: String)
    case resolve(ProblemResolution, text: String?, duplicateOf: ProblemID?)
    case close
    case reanalyse(note: String)
    case publishKnownError(symptom: String, workaround: String)
    /// Adds the known error's workaround as a work note to every open linked incident.
    case communicate
    case note(String)
    case link(TicketID)
    case unlink(TicketID)
}

extension Desk {
    /// Raises a problem (问题单) and links the given incidents to it: one `raised` event naming
    /// them, one `problem_linked` event on each incident, and in the same transaction as the
    /// problem, a mail to each problem manager of `recipients` (``ProblemNotice``).
    public func raiseProblem(title: String, reason: String? = nil, linking incidents: [TicketID], as login: String,
                             recipients: RecipientDirectory = RecipientDirectory(),
                             timeZone: TimeZone = .gmt) async throws(DeskError) -> Problem {
        let actor = try await requireOperator(login)
        do { try Workflow.check(.raiseProblem, by: actor) } catch { throw .refused(error) }
        var outcome: ProblemLife.Outcome
        do {
            outcome = try ProblemLife.raise(title: title, reason: reason, id: ProblemID(1), by: actor, at: clock.now())
        } catch {
            throw .problemRefused(error)
        }
        var unique: [TicketID] = []
        var tickets: [Ticket] = []
        for id in incidents where !unique.contains(id) {
            let found: Ticket?
            do { found = try await store.ticket(id) } catch { throw .store(error) }
            guard let found else { throw .store(.ticketNotFound(id)) }
            // Every link is judged before the problem is stored: a refused one leaves nothing behind.
            let history: [TicketEvent]
            do { history = try await store.events(of: id) } catch { throw .store(error) }
            if let latest = history.map(\.at).max(), EventEncoding.millis(outcome.problem.raisedAt) < EventEncoding.millis(latest) {
                throw .backdated(ticket: id, latest: latest, attempted: outcome.problem.raisedAt)
            }
            do { _ = try Workflow.apply(.linkProblem(ProblemID(0)), to: found, by: actor, at: outcome.problem.raisedAt) } catch { throw .refused(error) }
            unique.append(id)
            tickets.append(found)
        }
        outcome.event.incidents = unique
        outcome.event.origin = origin
        let problem: Problem
        let raised = outcome.problem, raiserName = actor.name, linkedTickets = tickets, recipients = roster(or: recipients)
        do {
            problem = try await store.insertProblem(raised, event: outcome.event, messages: { id in
                var numbered = raised
                numbered.id = id
                return ProblemNotice.messages(numbered, raiserName: raiserName, incidents: linkedTickets, recipients: recipients, timeZone: timeZone)
            }).0
        } catch {
            throw .store(error)
        }
        for id in unique {
            try await perform(.linkProblem(problem.id), on: id, as: login)
        }
        return problem
    }

    /// The problems, what needs the problem manager first (``ProblemQueueRow/needsManagerFirst``),
    /// optionally only those in `state` or owned by `owner`.
    public func problemQueue(state: ProblemState? = nil, owner: String? = nil) async throws(DeskError) -> [ProblemQueueRow] {
        do {
            var rows: [ProblemQueueRow] = []
            for problem in try await store.problems() {
                if let state, problem.state != state { continue }
                if let owner, problem.owner != owner { continue }
                let tickets = try await store.tickets(linkedTo: problem.id)
                rows.append(ProblemQueueRow(problem: problem, openIncidents: tickets.count { $0.state.isOpen }, allIncidents: tickets.count))
            }
            return rows.sorted(by: ProblemQueueRow.needsManagerFirst)
        } catch {
            throw .store(error)
        }
    }

    /// The problem with its incidents and history.
    public func problemRecord(_ id: ProblemID) async throws(DeskError) -> ProblemRecord {
        do throws(StoreError) {
            guard let problem = try await store.problem(id) else { throw StoreError.problemNotFound(id) }
            return ProblemRecord(problem: problem, incidents: try await store.tickets(linkedTo: id),
                                 events: try await store.problemEvents(of: id))
        } catch {
            throw .store(error)
        }
    }

    /// Takes one step in a problem's life as `login`, with what the step does to incidents:
    /// communicate notes every open linked incident, a duplicate moves its incidents to the
    /// problem it duplicates. `seenVersion`: the version the operator last saw (nil: as stored).
    @discardableResult
    public func step(_ step: ProblemStep, on id: ProblemID, as login: String,
                     seenVersion: Int? = nil) async throws(DeskError) -> ProblemStepResult {
        let actor = try await requireOperator(login)
        var record = try await problemRecord(id)
        if let seenVersion, seenVersion != record.problem.version {
            let last = record.events.last
            throw .store(.problemConflict(problem: id, changedBy: last?.actor ?? "?", at: last?.at ?? record.problem.raisedAt,
                                          kind: last?.kind ?? .raised))
        }
        let now = clock.now()
        if let latest = record.events.map(\.at).max(), EventEncoding.millis(now) < EventEncoding.millis(latest) {
            throw .backdatedProblem(problem: id, latest: latest, attempted: now)
        }
        let linked = record.incidents.map(\.id)
        let action: ProblemAction
        switch step {
        case let .assess(ownerLogin):
            let owner: Operator?
            do { owner = try await store.findOperator(login: ownerLogin) } catch { throw .store(error) }
            guard let owner else { throw .unknownOperator(ownerLogin) }
            action = .assess(owner: owner)
        case .analyse: action = .analyse
        case let .startFix(cause): action = .startFix(cause: cause)
        case let .resolve(code, text, duplicateOf):
            var target: Problem?
            if let duplicateOf, duplicateOf != id {
                do { target = try await store.problem(duplicateOf) } catch { throw .store(error) }
                guard target != nil else { throw .store(.problemNotFound(duplicateOf)) }
            } else if duplicateOf == id {
                target = record.problem
            }
            action = .resolve(code, text: text, duplicateOf: target)
        case .close: action = .close
        case let .reanalyse(note): action = .reanalyse(note: note)
        case let .publishKnownError(symptom, workaround): action = .publishKnownError(symptom: symptom, workaround: workaround)
        case .communicate: action = .communicated(to: [])
        case let .note(text): action = .note(text)
        case let .link(ticket): action = .link(ticket)
        case let .unlink(ticket): action = .unlink(ticket)
        }
        // The whole step is judged before anything is written.
        var outcome: ProblemLife.Outcome
        do { outcome = try ProblemLife.apply(action, to: record.problem, by: actor, at: now, linked: linked) } catch {
            throw .problemRefused(error)
        }
        var touched: [TicketID] = []
        switch step {
        case .communicate:
            guard let known = record.problem.knownError else { throw .problemRefused(ProblemRefusal(.noKnownError, problem: id)) }
            let text = Self.workaroundNote(id, known)
            for ticket in record.openIncidents {
                try await perform(.note(text), on: ticket.id, as: login)
                touched.append(ticket.id)
            }
            do {
                outcome = try ProblemLife.apply(.communicated(to: touched), to: record.problem, by: actor, at: now, linked: linked)
            } catch {
                throw .problemRefused(error)
            }
        case let .link(ticket):
            let found: Ticket?
            do { found = try await store.ticket(ticket) } catch { throw .store(error) }
            guard found != nil else { throw .store(.ticketNotFound(ticket)) }
            try await perform(.linkProblem(id), on: ticket, as: login)
            touched = [ticket]
        default:
            break
        }
        outcome.event.origin = origin
        let stored: (Problem, ProblemEvent)
        do { stored = try await store.updateProblem(outcome.problem, event: outcome.event) } catch { throw .store(error) }
        record.problem = stored.0
        let result = ProblemLife.Outcome(problem: stored.0, event: stored.1)
        if case .resolve(.fixApplied, _, _) = step, let fix = stored.0.resolutionNote {
            // Every incident waiting on the problem is resolved "by problem", and no other.
            for ticket in record.incidents where ticket.state == .pendingProblem && ticket.problem == id {
                try await perform(.resolveByProblem(id, fix: String(fix.prefix(TextField.resolution.limit))), on: ticket.id, as: login)
                touched.append(ticket.id)
            }
        }
        if case .resolve(.duplicate, _, let target?) = step, target != id {
            // The duplicate's incidents move to the problem it duplicates, each with its event.
            for ticket in record.incidents {
                try await perform(.linkProblem(target), on: ticket.id, as: login)
                touched.append(ticket.id)
            }
            if !touched.isEmpty {
                try await recordLinks(touched, to: target, note: "moved from \(id) (duplicate)", by: actor)
            }
        }
        return ProblemStepResult(outcome: result, incidents: touched)
    }

    /// Appends an `incident_linked` event to a problem for incidents linked from elsewhere (a
    /// duplicate's incidents, a call resolved with its known error), retrying when a step of
    /// the problem lands meanwhile: linking does not depend on the problem's state.
    func recordLinks(_ tickets: [TicketID], to id: ProblemID, note: String?, by actor: Operator) async throws(DeskError) {
        for _ in 0..<5 {
            let problem: Problem?
            do { problem = try await store.problem(id) } catch { throw .store(error) }
            guard let problem else { throw .store(.problemNotFound(id)) }
            let event = ProblemEvent(problem: id, actor: actor.login, at: clock.now(), kind: .incidentLinked, note: note,
                                     incidents: tickets, origin: origin)
            do {
                _ = try await store.updateProblem(problem, event: event)
                return
            } catch .problemConflict {
                continue
            } catch {
                throw .store(error)
            }
        }
        throw .store(.failure("\(id) kept changing; the link was recorded on the incidents only"))
    }

    /// Puts an incident to wait on a problem (`ticket pend ID --reason problem --problem PRB-…`),
    /// linking it when it was not; the problem's history records the link.
    @discardableResult
    public func waitOnProblem(_ ticket: TicketID, problem id: ProblemID, as login: String) async throws(DeskError) -> Workflow.Outcome {
        let actor = try await requireOperator(login)
        let problem: Problem?
        do { problem = try await store.problem(id) } catch { throw .store(error) }
        guard let problem else { throw .store(.problemNotFound(id)) }
        guard problem.state.isOpen else {
            throw .problemRefused(ProblemRefusal(.state(problem.state, step: .incidentLinked), problem: id))
        }
        let current: Ticket?
        do { current = try await store.ticket(ticket) } catch { throw .store(error) }
        guard let current else { throw .store(.ticketNotFound(ticket)) }
        let outcome = try await perform(.pendOnProblem(id), on: current, by: actor)
        if current.problem != id {
            try await recordLinks([ticket], to: id, note: "waits on it", by: actor)
        }
        return outcome
    }

    /// The work note communicate adds to an incident, named as coming from the problem.
    public static func workaroundNote(_ id: ProblemID, _ known: KnownError) -> String {
        let text = "[\(id) known error v\(known.version)] \(known.workaround)"
        return String(text.prefix(TextField.note.limit))
    }

    /// Resolves an open incident with the workaround of a problem's known error
    /// (`resolution_kind: known_error`), linking it to the problem.
    @discardableResult
    public func resolveWithKnownError(_ ticket: TicketID, problem id: ProblemID, as login: String) async throws(DeskError) -> Workflow.Outcome {
        let actor = try await requireOperator(login)
        let problem: Problem?
        do { problem = try await store.problem(id) } catch { throw .store(error) }
        guard let problem else { throw .store(.problemNotFound(id)) }
        guard let known = problem.knownError, KnownErrorIndex.offered(problem) else {
            throw .problemRefused(ProblemRefusal(.noKnownError, problem: id))
        }
        let current: Ticket?
        do { current = try await store.ticket(ticket) } catch { throw .store(error) }
        guard let current else { throw .store(.ticketNotFound(ticket)) }
        let wasLinked = current.problem == id
        let outcome = try await perform(.resolveWithKnownError(id, note: String(known.workaround.prefix(TextField.resolution.limit))),
                                        on: current, by: actor)
        if !wasLinked {
            try await recordLinks([ticket], to: id, note: "resolved with its known error", by: actor)
        }
        return outcome
    }

    /// The known errors a call may match: every problem with one, with the services and
    /// categories of its incidents.
    public func knownErrorIndex() async throws(DeskError) -> KnownErrorIndex {
        do {
            var entries: [KnownErrorIndex.Entry] = []
            for problem in try await store.problems() {
                guard let known = problem.knownError, KnownErrorIndex.offered(problem) else { continue }
                let tickets = try await store.tickets(linkedTo: problem.id)
                entries.append(KnownErrorIndex.Entry(problem: problem, knownError: known,
                                                     services: Set(tickets.compactMap(\.affectedService)),
                                                     categories: Set(tickets.compactMap(\.category))))
            }
            return KnownErrorIndex(entries)
        } catch {
            throw .store(error)
        }
    }
}
