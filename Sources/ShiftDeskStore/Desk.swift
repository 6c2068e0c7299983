import Foundation
import Synchronization
import ShiftDeskCore

/// Why the desk could not do what an operator asked. Nothing was written.
public enum DeskError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every role, as `--role` takes it: `desk|l1|l2|…`.
    static let roleList = Role.allCases.map(\.rawValue).joined(separator: "|")

    /// The duty table does not allow it; the refusal names the rule.
    case refused(WorkflowRefusal)
    /// A step in a problem's life the duty table does not allow; the refusal names the rule.
    case problemRefused(ProblemRefusal)
    case store(StoreError)
    case unknownOperator(String)
    /// Disabled by the administrator: may no longer act.
    case disabledOperator(String)
    case invalidOperator(String)
    /// An e-mail address that is not one (``EmailAddress``).
    case invalidEmail(TextViolation)
    /// The action's instant is before the ticket's latest event: history is only ever appended
    /// to, in order, so an action cannot be dated into the past.
    case backdated(ticket: TicketID, latest: Date, attempted: Date)
    /// A controlled document's rules do not allow it; the refusal names the rule.
    case document(DocumentRefusal)
    /// As ``backdated``, for a step in a problem's history.
    case backdatedProblem(problem: ProblemID, latest: Date, attempted: Date)

    public var description: String { message(.en) }

    public func message(_ l: Language, timeZone: TimeZone = .gmt) -> String {
        switch self {
        case let .refused(refusal): return refusal.message(l)
        case let .document(refusal): return refusal.message(l)
        case let .problemRefused(refusal): return refusal.message(l)
        case let .store(error): return error.message(l, timeZone: timeZone)
        case let .unknownOperator(login):
            return l.pick(
                en: "\(login) is not an operator of this desk; add them with `shiftdesk operator add \(login) --name NAME --role \(Self.roleList)`, or pick one with --as",
                zh: "\(login) 不是本服务台的操作员；请用 `shiftdesk operator add \(login) --name 姓名 --role \(Self.roleList)` 添加，或用 --as 指定")
        case let .disabledOperator(login):
            return l.pick(en: "\(login) is disabled on this desk and may no longer act; ask the administrator",
                          zh: "\(login) 已在本服务台停用，不能再操作；请联系管理员")
        case let .invalidOperator(reason):
            return l.pick(en: "cannot add operator: \(reason)", zh: "无法添加操作员：\(reason)")
        case let .invalidEmail(violation):
            return violation.message(l)
        case let .backdatedProblem(problem, latest, attempted):
            let latestText = DisplayTime.format(latest, in: timeZone), attemptedText = DisplayTime.format(attempted, in: timeZone)
            return l.pick(
                en: "refused: \(problem)'s latest event is at \(latestText); a step dated \(attemptedText) would rewrite its history (check --now or the clock)",
                zh: "已拒绝：\(problem) 的最新事件记录时间为 \(latestText)；时间为 \(attemptedText) 的操作会改写其历史（请检查 --now 或系统时钟）")
        case let .backdated(ticket, latest, attempted):
            let latestText = DisplayTime.format(latest, in: timeZone), attemptedText = DisplayTime.format(attempted, in: timeZone)
            return l.pick(
                en: "refused: \(ticket)'s latest event is at \(latestText); an action dated \(attemptedText) would rewrite its history (check --now or the clock)",
                zh: "已拒绝：\(ticket) 的最新事件记录时间为 \(latestText)；时间为 \(attemptedText) 的操作会改写其历史（请检查 --now 或系统时钟）")
        }
    }
}

/// The desk's actions as every front end performs them: read, apply the workflow, write with
/// optimistic concurrency. The CLI and the console both go through here.
public struct Desk: Sendable {
    public let store: any Store
    public let clock: any Clock
    /// The SLA policy in force now: the version of ``policies`` at the clock's instant.
    public var policy: SLAPolicy { inForce.current.policies.policy(at: clock.now()) }
    /// Every approved policy version with the instant it took force, as known when this desk was
    /// made or adopted since by a long-running seat (``adopt(_:)-(PolicyTimeline)``): SLA clocks and
    /// ladders judge each instant under the version in force then.
    public var policies: PolicyTimeline { inForce.current.policies }
    /// `policies.fingerprint`, which every KPI summary and the escalation index name.
    public var policyFingerprint: String { inForce.current.fingerprint }
    /// Shared by every copy of this desk (a console's services, its sweep): an approval seen by
    /// one is in force for all.
    private let inForce: PolicyInForce
    /// Where this desk's actions come from, stamped on every event it writes: `.local` for the
    /// administrator's shell, `.serve` for commands that came through `shiftdesk serve`.
    public let origin: EventOrigin
    /// The language customer updates are written in (`[desk] language` of config.toml; the
    /// desk keeps no language per caller).
    public var customerLanguage: Language = .zh
    /// How often the customer of an incident being worked is to be told of its progress, per
    /// priority (`[desk.customer_updates]`); a queue row warns when an update is overdue.
    public var customerUpdateEvery: [Priority: TimeInterval] = [:]
    /// `[desk] reports_within`: a report first delivered within this long after its period's end
    /// is on time (``KPI/imReportsOnTime``).
    public var reportsWithin: TimeInterval = ReportDelivery.defaultWithin
    /// `[desk] name`: the desk's name in the subject of the reports it mails.
    public var name: String = ReportMail.defaultDeskName

    public init(store: any Store, clock: any Clock, policy: SLAPolicy = .dutyTable, origin: EventOrigin = .local) {
        self.init(store: store, clock: clock, policies: PolicyTimeline(policy), origin: origin)
    }

    /// A desk planning with every policy version of the desk's record (``PolicyTimeline``).
    public init(store: any Store, clock: any Clock, policies: PolicyTimeline, origin: EventOrigin = .local) {
        self.store = store
        self.clock = clock
        self.origin = origin
        inForce = PolicyInForce(policies)
    }

    /// Plans with `policy` from now on, in this desk and every copy of it. False when it was
    /// already in force.
    @discardableResult
    public func adopt(_ policy: SLAPolicy) -> Bool {
        inForce.adopt(PolicyTimeline(policy))
    }

    /// The notification roster in force now: the approved policy's `[roster]`, or `machine`
    /// (a seat's `[notify.roles]`) where the policy in force has none.
    public func roster(or machine: RecipientDirectory) -> RecipientDirectory {
        policy.roster ?? machine
    }

    /// Plans with the policy versions of `policies` from now on, in this desk and every copy of it
    /// (a running console that saw a newly approved version). False when nothing changed.
    @discardableResult
    public func adopt(_ policies: PolicyTimeline) -> Bool {
        inForce.adopt(policies)
    }

    /// A ticket's SLA now: both clocks, its ladder and what already fired.
    public func sla(of ticket: Ticket) async throws(DeskError) -> TicketSLA {
        do {
            let events = try await store.events(of: ticket.id)
            let fired = try await store.firedSteps(of: ticket.id)
            return TicketSLA(ticket: ticket, events: events, policies: policies, fired: fired, now: clock.now())
        } catch {
            throw .store(error)
        }
    }

    /// The ticket as it is stored with `event`: the event recorded in its clock (the clock as the
    /// store holds it, `base`), and its next step and deadlines planned from that clock. Its
    /// history is not read: the KPI summary it needs is made afterwards, by the sweep
    /// (``summariseAwaiting(batch:limit:)``); reports replay the incident meanwhile.
    func planned(_ ticket: Ticket, recording event: TicketEvent, on base: TicketClock, fired: [FiredStep]) -> Ticket {
        var planned = ticket
        planned.clock = base.recording(Self.asStored(event))
        planned.plan = TicketSLA(ticket: planned, clock: planned.clock, policies: policies, fired: fired, now: clock.now()).ticketPlan
        return planned
    }

    /// The clock of a whole history about to be stored, its instants as the store keeps them.
    static func storedClock(of events: [TicketEvent]) -> TicketClock {
        TicketClock(events: events.map(asStored))
    }

    /// An event with its instant as the store keeps it (milliseconds): the clock recorded at a
    /// write is then the one its stored history folds to.
    static func asStored(_ event: TicketEvent) -> TicketEvent {
        var stored = event
        stored.at = Millis.stored(event.at)
        return stored
    }

    /// The KPI summary of a ticket with its whole history (events in the order they are stored,
    /// ids assigned or not), as a report will read them back: instants to the millisecond.
    func kpiSummary(_ ticket: Ticket, events: [TicketEvent], roles: [String: Role]) -> KPISummary {
        var stored = ticket
        stored.openedAt = Millis.stored(ticket.openedAt)
        stored.firstResponseAt = Millis.stored(ticket.firstResponseAt)
        stored.resolvedAt = Millis.stored(ticket.resolvedAt)
        stored.closedAt = Millis.stored(ticket.closedAt)
        let history = events.enumerated().map { index, event in
            var copy = event
            copy.at = Millis.stored(event.at)
            copy.ticket = ticket.id
            // Ids follow the order events are stored in; unstored ones get theirs from it.
            if copy.id == 0 { copy.id = Int64(index + 1) }
            return copy
        }
        let current = inForce.current
        return KPISummary.make(ReportTicket(ticket: stored, events: history), roles: roles, policies: current.policies,
                               fingerprint: current.fingerprint)
    }

    /// Every operator's role as the roster holds it now: what a KPI summary is judged with.
    func rolesNow() async throws(StoreError) -> [String: Role] {
        Dictionary(try await store.operators().map { ($0.login, $0.role) }, uniquingKeysWith: { a, _ in a })
    }

    /// The summaries of incidents read back whole, each to be written only if its ticket is still
    /// at the version read.
    func summaryWrites(_ items: [ReportTicket], roles: [String: Role]) -> [KPISummaryWrite] {
        items.map { item in
            KPISummaryWrite(ticket: item.ticket.id, version: item.ticket.version,
                            summary: kpiSummary(item.ticket, events: item.events, roles: roles))
        }
    }

    /// The KPI summaries of whole histories about to be stored, judged with the roles the store
    /// holds now.
    func kpiSummaries(_ histories: [TicketHistory]) async throws(StoreError) -> [KPISummary?] {
        let roles = try await rolesNow()
        return histories.map { history in
            var unstored = history.events
            for index in unstored.indices { unstored[index].id = 0 }
            return kpiSummary(history.ticket, events: unstored, roles: roles)
        }
    }

    public func addOperator(_ person: Operator) async throws(DeskError) {
        guard Operator.validateLogin(person.login) else {
            throw .invalidOperator("login \"\(person.login)\" may hold letters, digits and . _ - @ only")
        }
        guard !person.name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidOperator("a name is needed") }
        if let violation = TextField.operatorName.check(person.name) { throw .invalidOperator(violation.message(.en)) }
        var person = person
        switch EmailAddress.parse(person.email) {
        case let .success(email): person.email = email
        case let .failure(violation): throw .invalidEmail(violation)
        }
        do { try await store.addOperator(person) } catch { throw .store(error) }
    }

    /// Records an operator's e-mail address (nil or blank removes it); returns the operator as stored.
    @discardableResult
    public func setOperatorEmail(_ login: String, to email: String?) async throws(DeskError) -> Operator {
        let address: String?
        switch EmailAddress.parse(email) {
        case let .success(parsed): address = parsed
        case let .failure(violation): throw .invalidEmail(violation)
        }
        let found: Bool
        do { found = try await store.setOperatorEmail(login, address) } catch { throw .store(error) }
        guard found else { throw .unknownOperator(login) }
        let person: Operator?
        do { person = try await store.findOperator(login: login) } catch { throw .store(error) }
        guard let person else { throw .unknownOperator(login) }
        return person
    }

    public func requireOperator(_ login: String) async throws(DeskError) -> Operator {
        let found: Operator?
        do { found = try await store.findOperator(login: login) } catch { throw .store(error) }
        guard let found else { throw .unknownOperator(login) }
        guard !found.disabled else { throw .disabledOperator(login) }
        return found
    }

    /// Logs a new incident as `login`.
    public func open(_ draft: TicketDraft, as login: String) async throws(DeskError) -> Ticket {
        let actor = try await requireOperator(login)
        var outcome: Workflow.Outcome
        do { outcome = try Workflow.open(draft, id: TicketID(1), by: actor, at: clock.now()) } catch { throw .refused(error) }
        outcome.event.origin = origin
        do {
            let ticket = planned(outcome.ticket, recording: outcome.event, on: TicketClock(), fired: [])
            return try await store.insertTicket(ticket, event: outcome.event).0
        } catch {
            throw .store(error)
        }
    }

    /// Applies `action` to ticket `id` as `login`. When someone else changed the ticket since it
    /// was read, nothing is written and the error names who changed it.
    @discardableResult
    public func perform(_ action: TicketAction, on id: TicketID, as login: String) async throws(DeskError) -> Workflow.Outcome {
        let (actor, current, context) = try await writeContext(of: id, as: login)
        return try await apply(action, on: current, by: actor, context: context)
    }

    /// Applies `action` to the ticket as the operator last saw it (`seen.version`).
    public func perform(_ action: TicketAction, on seen: Ticket, by actor: Operator) async throws(DeskError) -> Workflow.Outcome {
        // A console keeps its operator for the session: one who was disabled since stops here.
        let (actor, _, context) = try await writeContext(of: seen.id, as: actor.login)
        return try await apply(action, on: seen, by: actor, context: context)
    }

    /// Applies `action` to ticket `id` as the operator last saw it: at `seenVersion` (a queue
    /// row's). The ticket is read whole here; when someone changed it since that version, nothing
    /// is written and the error names who changed it, with the ticket as it is now.
    @discardableResult
    public func perform(_ action: TicketAction, on id: TicketID, seenVersion: Int, by actor: Operator) async throws(DeskError) -> Workflow.Outcome {
        let (actor, current, context) = try await writeContext(of: id, as: actor.login)
        guard current.version == seenVersion else { throw await staleVersion(current) }
        return try await apply(action, on: current, by: actor, context: context)
    }

    /// The operator (who must exist and not be disabled), the ticket (which must exist) and
    /// the rest a write reads, in one read.
    private func writeContext(of id: TicketID, as login: String) async throws(DeskError) -> (Operator, Ticket, TicketWriteContext) {
        let context: TicketWriteContext
        do { context = try await store.writeContext(of: id, actor: login) } catch { throw .store(error) }
        guard let actor = context.actor else { throw .unknownOperator(login) }
        guard !actor.disabled else { throw .disabledOperator(login) }
        guard let ticket = context.ticket else { throw .store(.ticketNotFound(id)) }
        return (actor, ticket, context)
    }

    /// The refusal of a write based on an older version of `current`: who wrote it last, when, what.
    private func staleVersion(_ current: Ticket) async -> DeskError {
        let last = (try? await store.events(of: current.id))?.max { $0.id < $1.id }
        let changedBy = last?.actor ?? "?"
        let name = await displayName(of: changedBy)
        return .store(.conflict(ticket: current.id, changedBy: name.map { "\($0) (\(changedBy))" } ?? changedBy,
                                at: last?.at ?? current.openedAt, kind: last?.kind ?? .opened, current: current))
    }

    private func apply(_ action: TicketAction, on seen: Ticket, by actor: Operator, context: TicketWriteContext) async throws(DeskError) -> Workflow.Outcome {
        // The workflow names only the holder (a refusal, a take-over note).
        let holder = seen.assignee
        let holderName = holder == context.ticket?.assignee ? context.holderName : await displayName(of: holder)
        // The ticket's clock as stored: the history's latest instant, the stops and the last
        // change of priority, read with the ticket.
        let base = context.ticket?.clock ?? seen.clock
        // The instant is read after the ticket: a write another seat committed meanwhile is
        // then never later than this one (it is a conflict on the version, not a backdating).
        let now = clock.now()
        // Events are appended in order: an action before the latest one would date history backwards.
        if let latest = base.latestEventAt, EventEncoding.millis(now) < EventEncoding.millis(latest) {
            throw .backdated(ticket: seen.id, latest: latest, attempted: now)
        }
        var outcome: Workflow.Outcome
        do {
            outcome = try Workflow.apply(action, to: seen, by: actor, at: now, nameOf: { $0 == holder ? holderName ?? $0 : $0 })
        } catch {
            throw .refused(error)
        }
        outcome.event.origin = origin
        do {
            let written = planned(outcome.ticket, recording: outcome.event, on: base, fired: context.fired)
            let (ticket, event) = try await store.updateTicket(written, event: outcome.event, summary: nil,
                                                               messages: messages(for: action, after: outcome.ticket, by: actor, at: now))
            return Workflow.Outcome(ticket: ticket, event: event)
        } catch let .conflict(ticket, changedBy, at, kind, fresh) {
            let name = await displayName(of: changedBy)
            throw .store(.conflict(ticket: ticket, changedBy: name.map { "\($0) (\(changedBy))" } ?? changedBy,
                                   at: at, kind: kind, current: fresh))
        } catch {
            throw .store(error)
        }
    }

    /// What an action tells people besides the record, queued with it (issue 16): the result of a
    /// line's resolution told to the desk, a customer update mailed to the caller.
    func messages(for action: TicketAction, after ticket: Ticket, by actor: Operator, at now: Date) -> [OutboxMessage] {
        switch action {
        case .resolve, .resolveWithWorkaround, .resolveWithKnownError:
            return ResultNotice.compose(ticket: ticket, resolver: actor, toldDesk: action.toldDesk, timeZone: policy.timeZone, now: now)
        case let .note(text, true):
            return CustomerUpdate.compose(ticket: ticket, text: text, language: customerLanguage, timeZone: policy.timeZone, now: now)
                .map { [$0] } ?? []
        default:
            return []
        }
    }

    /// Stores whole histories (demo data, imports) with their escalation and deadlines planned.
    public func insert(_ histories: [TicketHistory]) async throws(DeskError) -> [TicketID] {
        let now = clock.now()
        let planned = histories.map { history -> TicketHistory in
            var copy = history
            for index in copy.events.indices { copy.events[index].origin = origin }
            copy.ticket.clock = Self.storedClock(of: history.events)
            copy.ticket.plan = TicketSLA(ticket: copy.ticket, clock: copy.ticket.clock, policies: policies, fired: [], now: now).ticketPlan
            return copy
        }
        do { return try await store.insertHistories(planned, summaries: try await kpiSummaries(planned)) } catch { throw .store(error) }
    }

    /// Imports whole histories from another system (or another desk's export) in one transaction:
    /// each ticket is stamped as imported now, so that escalation steps due before now stay the
    /// source's history, and its next step is planned; a ticket whose `source` is already stored
    /// is left as it is (`isNew == false`).
    public func importHistories(_ histories: [TicketHistory]) async throws(DeskError) -> [ImportedHistory] {
        let now = clock.now()
        let planned = histories.map { history -> TicketHistory in
            var copy = history
            for index in copy.events.indices { copy.events[index].origin = origin }
            copy.ticket.importedAt = now
            copy.ticket.clock = Self.storedClock(of: copy.events)
            copy.ticket.plan = TicketSLA(ticket: copy.ticket, clock: copy.ticket.clock, policies: policies, fired: [], now: now).ticketPlan
            return copy
        }
        do { return try await store.importHistories(planned, summaries: try await kpiSummaries(planned)) } catch { throw .store(error) }
    }

    /// Confirms, as `login`, that the management-escalation phone call `id` was made. False when
    /// it is not waiting (unknown, or someone already confirmed it).
    public func confirmCall(_ id: Int64, as login: String) async throws(DeskError) -> Bool {
        let actor = try await requireOperator(login)
        do { try Workflow.check(.confirmCall, by: actor) } catch { throw .refused(error) }
        do { return try await store.confirmCall(id, by: login, at: clock.now()) } catch { throw .store(error) }
    }

    /// Records, as `login`, that they saw the console notice `id` (the result of an incident told
    /// to the desk). False when it is not waiting (unknown, or someone already saw it).
    public func confirmNotice(_ id: Int64, as login: String) async throws(DeskError) -> Bool {
        let actor = try await requireOperator(login)
        do { try Workflow.check(.seeResult, by: actor) } catch { throw .refused(error) }
        do { return try await store.confirmNotice(id, by: login, at: clock.now()) } catch { throw .store(error) }
    }

    /// An operator's name for messages; nil when unknown (or the store cannot say).
    func displayName(of login: String?) async -> String? {
        guard let login, let person = try? await store.findOperator(login: login) else { return nil }
        return person.name
    }
}

/// The policy versions a desk and its copies plan with, and their fingerprint.
final class PolicyInForce: Sendable {
    struct Current: Sendable {
        var policies: PolicyTimeline
        var fingerprint: String
    }

    private let state: Mutex<Current>

    init(_ policies: PolicyTimeline) { state = Mutex(Current(policies: policies, fingerprint: policies.fingerprint)) }

    var current: Current { state.withLock { $0 } }

    func adopt(_ policies: PolicyTimeline) -> Bool {
        let fingerprint = policies.fingerprint
        return state.withLock { current in
            // A new version may change only the roster, which plans nothing: it is adopted too.
            guard current.fingerprint != fingerprint
                    || current.policies.entries.map(\.version) != policies.entries.map(\.version) else { return false }
            current = Current(policies: policies, fingerprint: fingerprint)
            return true
        }
    }
}
