import Foundation

/// Every step an operator can ask for on an existing problem.
public enum ProblemAction: Sendable, Hashable {
    /// The problem manager accepts it and names its owner (again, to hand it to another owner):
    /// second-line support, the incident manager or a problem manager, who work with incidents'
    /// links and notes.
    case assess(owner: Operator)
    case analyse
    /// The root cause is known: the fix starts.
    case startFix(cause: String)
    /// Resolves with a code: fix applied (`text`: fix notes), risk accepted and cancelled
    /// (`text`: the reason), duplicate (`duplicateOf`: the open problem it duplicates, `text`
    /// optional).
    case resolve(ProblemResolution, text: String?, duplicateOf: Problem?)
    case close
    /// Back to root-cause analysis from resolved or closed, with the reason.
    case reanalyse(note: String)
    /// Publishes (or edits) its known error.
    case publishKnownError(symptom: String, workaround: String)
    /// Records that the workaround was added as a note to these incidents.
    case communicated(to: [TicketID])
    case note(String)
    case link(TicketID)
    case unlink(TicketID)

    public var kind: ProblemEventKind {
        switch self {
        case .assess: .assessed
        case .analyse: .analysisStarted
        case .startFix: .fixStarted
        case .resolve: .resolved
        case .close: .closed
        case .reanalyse: .reanalysed
        case .publishKnownError: .knownErrorPublished
        case .communicated: .communicated
        case .note: .noted
        case .link: .incidentLinked
        case .unlink: .incidentUnlinked
        }
    }
}

/// A problem's life (问题管理): who may take which step from which state, and what the step
/// does. Pure, like ``Workflow``: the caller supplies the problem, the operator and the instant.
public enum ProblemLife {
    public struct Outcome: Sendable, Hashable {
        public var problem: Problem
        public var event: ProblemEvent

        public init(problem: Problem, event: ProblemEvent) {
            self.problem = problem
            self.event = event
        }
    }

    /// Whether the role has the Problems queue in the console: the problem manager works it; the
    /// incident manager, second line, the supervisors, the owner and the auditor read it (the
    /// steps each may take are still this type's rules). The desk and first line meet problems
    /// as known errors when they log a call.
    public static func mayOpenQueue(_ role: Role) -> Bool {
        switch role {
        case .problemManager, .im, .l2, .supervisor, .owner, .auditor: true
        case .desk, .l1: false
        }
    }

    /// Whether the role raises problems, comments on them and links incidents to them.
    public static func mayComment(_ role: Role) -> Bool { Workflow.mayRaiseProblems(role) }

    /// Whether `actor` moves `problem` through its life: the problem manager, and its owner.
    public static func mayMove(_ problem: Problem, by actor: Operator) -> Bool {
        !actor.role.isReadOnly && (actor.role == .problemManager || problem.owner == actor.login)
    }

    /// Raises a new problem. The store assigns the real number; `id` is what to use until then.
    public static func raise(title: String, reason: String?, id: ProblemID, by actor: Operator,
                             at now: Date) throws(ProblemRefusal) -> Outcome {
        if actor.role.isReadOnly { throw ProblemRefusal(.readOnly) }
        guard mayComment(actor.role) else { throw ProblemRefusal(.commentRole(actor.role)) }
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ProblemRefusal(.textRequired(.problemTitle)) }
        if let violation = TextField.problemTitle.check(trimmed) { throw ProblemRefusal(.text(violation)) }
        let why = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
        if let why, let violation = TextField.note.check(why) { throw ProblemRefusal(.text(violation)) }
        let problem = Problem(id: id, title: trimmed, raisedBy: actor.login, raisedAt: now, reason: why)
        let event = ProblemEvent(problem: id, actor: actor.login, at: now, kind: .raised,
                                 changes: [FieldChange(field: "title", before: nil, after: trimmed),
                                           FieldChange(field: "state", before: nil, after: ProblemState.new.rawValue)],
                                 note: why)
        return Outcome(problem: problem, event: event)
    }

    /// Applies one step. `linked` is the incidents linked to the problem now (for link and
    /// unlink).
    public static func apply(_ action: ProblemAction, to problem: Problem, by actor: Operator, at now: Date,
                             linked: [TicketID] = []) throws(ProblemRefusal) -> Outcome {
        let before = problem
        var after = problem
        var note: String?
        var incidents: [TicketID] = []
        func refuse(_ rule: ProblemRefusal.Rule) -> ProblemRefusal { ProblemRefusal(rule, problem: problem.id) }
        func requireText(_ text: String?, _ field: TextField) throws(ProblemRefusal) -> String {
            let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw refuse(.textRequired(field)) }
            if let violation = field.check(trimmed) { throw refuse(.text(violation)) }
            return trimmed
        }
        func requireMover() throws(ProblemRefusal) {
            guard mayMove(problem, by: actor) else { throw refuse(.moveRole(actor.role)) }
        }
        func requireState(_ allowed: Set<ProblemState>) throws(ProblemRefusal) {
            guard allowed.contains(problem.state) else { throw refuse(.state(problem.state, step: action.kind)) }
        }
        if actor.role.isReadOnly { throw refuse(.readOnly) }

        switch action {
        case let .assess(owner):
            guard actor.role == .problemManager else { throw refuse(.assessRole(actor.role)) }
            try requireState([.new, .assessed, .analysis, .fixInProgress])
            guard Workflow.mayRaiseProblems(owner.role), !owner.disabled else { throw refuse(.ownerRole(login: owner.login, role: owner.role)) }
            guard owner.login != problem.owner else { throw refuse(.ownerUnchanged(owner.login)) }
            after.owner = owner.login
            if problem.state == .new { after.state = .assessed }

        case .analyse:
            try requireMover()
            try requireState([.assessed])
            after.state = .analysis

        case let .startFix(cause):
            try requireMover()
            try requireState([.analysis])
            after.cause = try requireText(cause, .rootCause)
            after.rootCauseAt = now
            after.state = .fixInProgress

        case let .resolve(code, text, duplicateOf):
            try requireMover()
            try requireState([.new, .assessed, .analysis, .fixInProgress])
            switch code {
            case .fixApplied:
                guard problem.state == .fixInProgress else { throw refuse(.fixNeedsCause) }
                after.resolutionNote = try requireText(text, .resolution)
            case .riskAccepted, .cancelled:
                after.resolutionNote = try requireText(text, .note)
            case .duplicate:
                guard let target = duplicateOf else { throw refuse(.duplicateNeeded) }
                guard target.id != problem.id else { throw refuse(.duplicateOfItself) }
                guard target.state.isOpen else { throw refuse(.duplicateTargetNotOpen(target.id, target.state)) }
                let reason = text?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty
                if let reason, let violation = TextField.note.check(reason) { throw refuse(.text(violation)) }
                after.resolutionNote = reason
                after.duplicateOf = target.id
            }
            after.resolution = code
            after.state = .resolved
            after.resolvedAt = now
            note = after.resolutionNote

        case .close:
            try requireMover()
            guard problem.state == .resolved else { throw refuse(.closeNeedsResolved(problem.state)) }
            after.state = .closed
            after.closedAt = now

        case let .reanalyse(reason):
            try requireMover()
            try requireState([.resolved, .closed])
            note = try requireText(reason, .note)
            after.state = .analysis
            after.resolution = nil
            after.resolutionNote = nil
            after.duplicateOf = nil
            after.resolvedAt = nil
            after.closedAt = nil

        case let .publishKnownError(symptom, workaround):
            try requireMover()
            try requireState([.analysis, .fixInProgress, .resolved])
            let symptomText = try requireText(symptom, .symptom)
            let workaroundText = try requireText(workaround, .workaround)
            if let known = problem.knownError {
                guard known.symptom != symptomText || known.workaround != workaroundText else { throw refuse(.knownErrorUnchanged) }
                after.knownError = KnownError(symptom: symptomText, workaround: workaroundText, version: known.version + 1,
                                              publishedBy: actor.login, publishedAt: now)
            } else {
                after.knownError = KnownError(symptom: symptomText, workaround: workaroundText, publishedBy: actor.login, publishedAt: now)
            }

        case let .communicated(told):
            try requireMover()
            guard let known = problem.knownError else { throw refuse(.noKnownError) }
            incidents = told
            note = known.workaround

        case let .note(text):
            guard mayComment(actor.role) || problem.owner == actor.login else { throw refuse(.commentRole(actor.role)) }
            note = try requireText(text, .note)

        case let .link(ticket):
            guard mayComment(actor.role) || problem.owner == actor.login else { throw refuse(.commentRole(actor.role)) }
            guard !linked.contains(ticket) else { throw refuse(.alreadyLinked(ticket)) }
            incidents = [ticket]

        case let .unlink(ticket):
            try requireMover()
            guard linked.contains(ticket) else { throw refuse(.notLinked(ticket)) }
            incidents = [ticket]
        }

        let event = ProblemEvent(problem: problem.id, actor: actor.login, at: now, kind: action.kind,
                                 changes: after.changes(since: before), note: note, incidents: incidents)
        return Outcome(problem: after, event: event)
    }
}
