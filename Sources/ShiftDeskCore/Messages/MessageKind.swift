/// What a message of the outbox is about. Escalation steps were the first; the duty table names
/// more (ROLES.md: the result told to the desk, the customer kept informed, reports delivered).
public enum MessageKind: String, Codable, CaseIterable, Sendable {
    /// A management-escalation step (the ladder of the SLA policy).
    case escalation
    /// The result of an incident resolved by first or second line, mailed to its desk owner.
    case result
    /// The same result as a notice on the desk's console, until the owner (or, when the owner is
    /// off shift, a desk agent on shift) has seen it.
    case resultNotice = "result_notice"
    /// A work note marked customer update, mailed to the caller.
    case customerUpdate = "customer_update"
    /// An e-mail about a problem (one raised), for the problem managers: no incident, priority or rung.
    case problem
    /// The incident-management report of a month, quarter or year, for the service-report
    /// managers (ROLES.md IM 6–8): HTML body, CSV and JSON attached.
    case report
    /// The month's workload of desk, L1 and L2, for the management-system owners (IM 5).
    case workloadReport = "workload_report"
}
