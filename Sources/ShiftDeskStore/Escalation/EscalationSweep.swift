import Foundation
import ShiftDeskCore

/// Fires the management-escalation steps that are due, exactly once however many consoles
/// and escalators run it at the same moment, and queues their notifications. Its cost grows
/// with the steps due: it reads only tickets whose planned step has come.
public struct EscalationSweep: Sendable {
    public struct Report: Sendable {
        public var fired: [FiredStep] = []
        public var messages = 0
        /// Reports delivered by this sweep (a period just ended).
        public var deliveries: [ReportDelivery] = []
        /// The earliest step still ahead, for a service that sleeps until then.
        public var nextDue: Date?
        /// Incidents whose KPI summary this sweep made (writes leave it to the sweep).
        public var summarised = 0
    }

    public static let policyKey = "escalation.policy"

    public let desk: Desk
    public let directory: RecipientDirectory
    /// Recorded on every step this sweep fires: `escalator@host:pid`, a console's login.
    public let firedBy: String
    public let timeZone: TimeZone
    /// Delivers the reports owed at period ends after the steps (``ReportDeliverer/deliverOwed(by:)``).
    public var reports: ReportDeliverer

    public init(desk: Desk, directory: RecipientDirectory, firedBy: String, timeZone: TimeZone) {
        self.desk = desk
        self.directory = directory
        self.firedBy = firedBy
        self.timeZone = timeZone
        reports = ReportDeliverer(desk: desk, directory: directory, timeZone: timeZone)
    }

    var store: any Store { desk.store }

    /// Plans every ticket not yet closed afresh when the policy differs from the one the index
    /// was planned with (a new policy file, or a migration that needs the plan stored again).
    /// Returns how many tickets were planned.
    @discardableResult
    public func replanIfPolicyChanged() async throws(StoreError) -> Int {
        let fingerprint = desk.policyFingerprint
        guard try await store.setting(Self.policyKey) != fingerprint else { return 0 }
        let open = try await store.tickets(.notClosed)
        for ticket in open {
            let sla = try await plan(ticket)
            try await store.setPlan(sla.ticketPlan, of: ticket)
        }
        try await store.setSetting(Self.policyKey, to: fingerprint)
        return open.count
    }

    private func plan(_ ticket: Ticket) async throws(StoreError) -> TicketSLA {
        TicketSLA(ticket: ticket, clock: ticket.clock, policies: desk.policies,
                  fired: try await store.firedSteps(of: ticket.id), now: desk.clock.now())
    }

    public func run(batch: Int = 500) async throws(StoreError) -> Report {
        var report = Report()
        let now = desk.clock.now()
        var callees: [String]?
        // Each pass moves every ticket it reads past `now` (or off the index), so passes end;
        // the bound only guards against a store that will not record what it is told.
        for _ in 0..<100 {
            let due = try await store.ticketsDueForEscalation(at: now, limit: batch)
            if due.isEmpty { break }
            for ticket in due {
                let sla = try await plan(ticket)
                var fired = sla.fired
                for step in sla.plan.dueSteps(now: now, alreadyRecorded: sla.fired) {
                    if callees == nil { callees = try await incidentManagers() }
                    let messages = compose(ticket: ticket, step: step, sla: sla, incidentManagers: callees ?? [], now: now)
                    let record = FiredStep(ticket: ticket.id, priority: ticket.priority, level: step.level,
                                           dueAt: step.at ?? now, firedAt: now, firedBy: firedBy)
                    if try await store.recordStep(record, messages: messages) {
                        report.fired.append(record)
                        report.messages += messages.count
                    }
                    fired.insert(step.level)
                }
                var plan = sla.ticketPlan
                plan.escalationDueAt = sla.plan.nextDueInstant(after: now, alreadyRecorded: fired)
                try await store.setPlan(plan, of: ticket)
            }
            if due.count < batch { break }
        }
        report.deliveries = try await reports.deliverOwed(by: firedBy)
        report.summarised = try await desk.summariseAwaiting()
        report.nextDue = try await store.nextEscalationDue()
        return report
    }

    private func incidentManagers() async throws(StoreError) -> [String] {
        try await store.operators().filter { $0.role == .im }.map { "\($0.name) (\($0.login))" }
    }

    /// One e-mail per configured address and role, and one phone call per role, for the step.
    func compose(ticket: Ticket, step: PlannedStep, sla: TicketSLA, incidentManagers: [String], now: Date) -> [OutboxMessage] {
        let subject = EscalationNotice.subject(ticket: ticket, step: step)
        let body = EscalationNotice.body(ticket: ticket, step: step, sla: sla, timeZone: timeZone)
        var messages: [OutboxMessage] = []
        let roster = desk.roster(or: directory)
        for role in step.notify {
            for method in step.via {
                switch method {
                case .email:
                    // A role without an address still gets a row: it shows up as undeliverable, not silently dropped.
                    for address in roster.addresses[role].flatMap({ $0.isEmpty ? nil : $0 }) ?? [""] {
                        messages.append(OutboxMessage(ticket: ticket.id, priority: ticket.priority, level: step.level,
                                                      recipientRole: role, address: address, via: .email,
                                                      subject: subject, body: body, createdAt: now))
                    }
                case .phone:
                    let callee = role == .incidentManager && !incidentManagers.isEmpty
                        ? incidentManagers.joined(separator: " / ") : role.rawValue
                    messages.append(OutboxMessage(ticket: ticket.id, priority: ticket.priority, level: step.level,
                                                  recipientRole: role, address: callee, via: .phone,
                                                  subject: subject, body: body, createdAt: now))
                case .console:
                    // Policies name phone and email only (PolicyFile refuses the rest).
                    continue
                }
            }
        }
        return messages
    }
}
