import Foundation

/// The state machine of the duty table: which role may make which change, and what each change
/// does to a ticket. Pure: the caller supplies the ticket, the operator and the instant.
public enum Workflow {
    /// A ticket after a change, and the event that records it.
    public struct Outcome: Sendable, Hashable {
        public var ticket: Ticket
        public var event: TicketEvent

        public init(ticket: Ticket, event: TicketEvent) {
            self.ticket = ticket
            self.event = event
        }
    }

    /// Logs a new incident. The store assigns the real number; `id` is what to use until then.
    public static func open(_ draft: TicketDraft, id: TicketID, by actor: Operator, at now: Date) throws(WorkflowRefusal) -> Outcome {
        try check(.logIncident, by: actor)
        let title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw WorkflowRefusal(.titleRequired) }
        let callerName = draft.caller.name.trimmingCharacters(in: .whitespacesAndNewlines)
        // Someone on the phone or at the counter has a name; mail and monitoring may not.
        if draft.channel == .phone || draft.channel == .walkIn, callerName.isEmpty {
            throw WorkflowRefusal(.callerRequired)
        }
        if let violation = draft.textViolation() { throw WorkflowRefusal(.text(violation)) }
        let openedAt = draft.openedAt ?? now
        guard openedAt <= now else { throw WorkflowRefusal(.openedInFuture) }

        var caller = draft.caller
        caller.name = callerName
        caller.email = caller.email.nonEmpty
        var ticket = Ticket(
            id: id, title: title, description: draft.description, caller: caller, channel: draft.channel,
            priority: draft.priority, category: draft.category.nonEmpty, affectedService: draft.affectedService.nonEmpty,
            openedAt: openedAt, backfilled: draft.backfilled, bypassedDesk: actor.role != .desk)

        switch actor.role {
        case .desk where draft.unattended:
            break
        case .desk:
            ticket.owner = actor.login
            // On the phone or face to face, logging the call is the desk's response.
            if draft.channel == .phone || draft.channel == .walkIn {
                ticket.assignee = actor.login
                ticket.state = .inProgress
                ticket.firstResponseAt = openedAt
            }
        case .l1, .l2:
            // Called directly, bypassing the desk: the engineer works it in their own line.
            ticket.tier = actor.role.tier ?? .desk
            ticket.assignee = actor.login
            ticket.state = .inProgress
            ticket.firstResponseAt = openedAt
        case .im, .supervisor, .problemManager, .owner, .auditor:
            break
        }
        let event = TicketEvent(ticket: id, actor: actor.login, at: now, kind: .opened,
                                changes: ticket.changes(since: nil), note: draft.backfilled ? "back-filled" : nil)
        return Outcome(ticket: ticket, event: event)
    }

    /// Applies one action. `nameOf` turns a login into the name shown in refusals.
    public static func apply(_ action: TicketAction, to ticket: Ticket, by actor: Operator, at now: Date,
                             nameOf: (String) -> String = { $0 }) throws(WorkflowRefusal) -> Outcome {
        let before = ticket
        var after = ticket
        var note: String?
        func refuse(_ rule: WorkflowRefusal.Rule) -> WorkflowRefusal { WorkflowRefusal(rule, ticket: ticket.id) }
        // The roles that work no queue are refused first, whatever the ticket says.
        if case .resolveByProblem = action {
            try check(.resolveByProblem, by: actor, ticket: ticket.id)
        } else {
            try check(.ticket(action.kind), by: actor, ticket: ticket.id)
        }
        if let violation = action.textViolation() { throw refuse(.text(violation)) }

        func requireOpen() throws(WorkflowRefusal) {
            guard ticket.state.isOpen else { throw refuse(.notOpen(ticket.state)) }
        }
        /// The actor must work in the ticket's line and nobody else may hold it.
        func requireWorker() throws(WorkflowRefusal) {
            let worksLine = Self.worksLine(actor.role, ticket.tier)
            if let holder = ticket.assignee, holder != actor.login {
                guard worksLine || actor.role.tier == nil else { throw refuse(.wrongTier(tier: ticket.tier, role: actor.role)) }
                throw refuse(.heldByOther(holder: nameOf(holder)))
            }
            guard worksLine else { throw refuse(.wrongTier(tier: ticket.tier, role: actor.role)) }
        }
        /// Acting on a ticket from your line's queue accepts it.
        func accept() {
            after.assignee = actor.login
            if after.state == .new { after.state = .inProgress }
            if after.firstResponseAt == nil { after.firstResponseAt = now }
            if after.owner == nil, actor.role == .desk, !after.bypassedDesk { after.owner = actor.login }
        }
        func requireText(_ text: String, _ what: String) throws(WorkflowRefusal) -> String {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw refuse(.textRequired(what: what)) }
            return trimmed
        }

        switch action {
        case .take:
            try requireOpen()
            if ticket.assignee == actor.login { throw refuse(.alreadyYours) }
            try requireWorker()
            accept()

        case .takeOver:
            try requireOpen()
            if ticket.assignee == actor.login { throw refuse(.alreadyYours) }
            guard Self.worksLine(actor.role, ticket.tier) else { throw refuse(.wrongTier(tier: ticket.tier, role: actor.role)) }
            note = ticket.assignee.map { "handed over by \(nameOf($0))" }
            accept()

        case let .escalate(target, escalationNote):
            try requireOpen()
            let allowed: Bool
            switch (actor.role, ticket.tier, target) {
            case (.desk, .desk, .l1): allowed = true
            case (.l1, .l1, .l2), (.l1, .l1, .vendor), (.l1, .vendor, .l2): allowed = true
            case (.l2, .l2, .vendor), (.l2, .vendor, .l2): allowed = true
            default: allowed = false
            }
            guard allowed else { throw refuse(.escalationPath(from: ticket.tier, to: target, role: actor.role)) }
            try requireWorker()
            if after.firstResponseAt == nil { after.firstResponseAt = now }
            after.tier = target
            if target == .vendor {
                // The engineer who involves the vendor keeps coordinating it.
                after.assignee = actor.login
                after.state = .inProgress
            } else {
                after.assignee = nil
                after.state = .new
            }
            note = escalationNote?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty

        case let .pend(reason):
            try requireOpen()
            if reason == .problem, ticket.problem == nil { throw refuse(.problemNeeded) }
            if ticket.state == reason.state { throw refuse(.alreadyPending(reason)) }
            try requireWorker()
            accept()
            after.state = reason.state

        case let .pendOnProblem(problem):
            try requireOpen()
            if ticket.state == .pendingProblem, ticket.problem == problem { throw refuse(.alreadyPending(.problem)) }
            try requireWorker()
            accept()
            after.state = .pendingProblem
            after.problem = problem

        case .resume:
            guard [.pendingCustomer, .pendingVendor, .pendingProblem].contains(ticket.state) else { throw refuse(.notPending) }
            // The customer may call the desk back: the desk resumes what waits on them.
            if actor.role != .desk { try requireWorker() }
            after.state = .inProgress

        case .resolve, .resolveWithWorkaround, .resolveWithKnownError:
            let resolution: String, toldDesk: Bool
            switch action {
            case let .resolve(note, told), let .resolveWithWorkaround(note, told): (resolution, toldDesk) = (note, told)
            case let .resolveWithKnownError(_, note): (resolution, toldDesk) = (note, false)
            default: preconditionFailure("not a resolution: \(action)")
            }
            let text = try requireText(resolution, "the resolution note")
            try requireOpen()
            switch (actor.role, ticket.tier) {
            case (.desk, .desk), (.l1, .l1), (.l1, .vendor), (.l2, .l2), (.l2, .vendor): break
            default: throw refuse(.resolveRole(role: actor.role, tier: ticket.tier))
            }
            // Telling the desk is the lines' duty; the desk resolving its own incident has nobody to tell.
            if toldDesk, !ResultNotice.concernsDesk(resolver: actor.role) { throw refuse(.toldDeskRole(actor.role)) }
            try requireWorker()
            accept()
            after.state = .resolved
            after.resolvedAt = now
            after.resolutionNote = text
            note = text
            if case let .resolveWithKnownError(problem, _) = action { after.problem = problem }

        case let .resolveByProblem(problem, fix):
            let text = try requireText(fix, "the fix notes")
            guard ticket.state == .pendingProblem, ticket.problem == problem else { throw refuse(.notWaitingOnProblem(problem)) }
            after.state = .resolved
            after.resolvedAt = now
            after.resolutionNote = text
            note = text

        case let .close(survey):
            guard actor.role == .desk else { throw refuse(.onlyDeskCloses) }
            guard ticket.state == .resolved else { throw refuse(.closeNeedsResolved(ticket.state)) }
            guard let survey else { throw refuse(.surveyRequired) }
            if case let .rated(score, comment) = survey {
                guard Satisfaction.scores.contains(score) else { throw refuse(.surveyScore(score)) }
                after.satisfaction = .rated(score: score, comment: comment?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty)
            } else {
                after.satisfaction = .unreachable
            }
            after.state = .closed
            after.closedAt = now

        case let .reopen(reason):
            let text = try requireText(reason, "the reason for reopening")
            guard actor.role == .desk || actor.role == .im else { throw refuse(.reopenRole(actor.role)) }
            guard ticket.state == .resolved || ticket.state == .closed else { throw refuse(.reopenState(ticket.state)) }
            after.state = ticket.assignee == nil ? .new : .inProgress
            after.resolvedAt = nil
            after.closedAt = nil
            after.resolutionNote = nil
            after.satisfaction = nil
            after.reopenCount += 1
            note = text

        case let .note(text, customerUpdate):
            note = try requireText(text, "a work note")
            if customerUpdate {
                // Told of the progress of an incident still being worked (closed ones are told by the survey).
                guard ticket.state != .closed else { throw refuse(.notOpen(ticket.state)) }
                after.customerToldAt = now
            }

        case let .changePriority(priority):
            try requireOpen()
            guard priority != ticket.priority else { throw refuse(.priorityUnchanged(priority)) }
            switch actor.role {
            case .im: break
            case .desk where priority < ticket.priority: break
            default: throw refuse(.priorityRole(role: actor.role))
            }
            after.priority = priority

        case let .linkProblem(problem):
            guard mayRaiseProblems(actor.role) else { throw refuse(.problemRole(actor.role)) }
            guard ticket.problem != problem else { throw refuse(.alreadyLinked(problem)) }
            after.problem = problem

        case .printSheet:
            guard actor.role == .l1 else { throw refuse(.sheetRole(actor.role)) }
            try requireOpen()
            try requireWorker()
            accept()
            after.onSiteSheet.printedAt = now

        case .signSheet:
            guard actor.role == .l1 || actor.role == .desk else { throw refuse(.sheetRole(actor.role)) }
            guard ticket.onSiteSheet.printedAt != nil else { throw refuse(.sheetNotPrinted) }
            guard ticket.onSiteSheet.signedAt == nil else { throw refuse(.sheetAlreadySigned) }
            after.onSiteSheet.signedAt = now
        }

        var changes = after.changes(since: before)
        switch action {
        case .resolveWithWorkaround:
            changes.append(FieldChange(field: TicketEvent.resolutionKindField, before: nil, after: TicketEvent.ResolutionKind.workaround.rawValue))
        case .resolveWithKnownError:
            changes.append(FieldChange(field: TicketEvent.resolutionKindField, before: nil, after: TicketEvent.ResolutionKind.knownError.rawValue))
        case .resolveByProblem:
            changes.append(FieldChange(field: TicketEvent.resolutionKindField, before: nil, after: TicketEvent.ResolutionKind.problem.rawValue))
        default:
            break
        }
        switch action {
        case .resolve(_, true), .resolveWithWorkaround(_, true):
            changes.append(FieldChange(field: ResultNotice.toldDeskField, before: nil, after: "phone"))
        case .note(_, true):
            changes.append(FieldChange(field: CustomerUpdate.toldByField, before: nil, after: CustomerUpdate.channel(for: after).rawValue))
        default: break
        }
        let event = TicketEvent(ticket: ticket.id, actor: actor.login, at: now, kind: action.kind, changes: changes, note: note)
        return Outcome(ticket: after, event: event)
    }
}

extension Workflow {
    /// Whether `role` works tickets in `tier` (L1 and L2 also coordinate vendor-held ones).
    static func worksLine(_ role: Role, _ tier: Tier) -> Bool {
        switch (role, tier) {
        case (.desk, .desk), (.l1, .l1), (.l2, .l2), (.l1, .vendor), (.l2, .vendor): true
        default: false
        }
    }
}

extension Optional where Wrapped == String {
    /// nil for nil, empty or blank text.
    var nonEmpty: String? {
        guard let self else { return nil }
        let trimmed = self.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension String {
    var nonEmpty: String? { Optional(self).nonEmpty }
}
