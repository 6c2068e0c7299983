// Identical in shape and raw values to the main repo's
// Sources/ShiftDeskCore/Escalation/PendingSLATypes.swift: keep one of the two when merging.

/// Who receives a management escalation (the duty table's four roles), or a problem raised
/// (the problem managers).
public enum RecipientRole: String, Codable, CaseIterable, Sendable {
    case incidentManager = "incident_manager"
    case operationsManager = "operations_manager"
    case operationsDirector = "operations_director"
    case managementOwner = "management_owner"
    /// Told of every problem raised (`[notify.roles] problem_manager`); not a rung of the ladder.
    case problemManager = "problem_manager"
    /// Receives the incident-management monthly, quarterly and annual reports
    /// (`[notify.roles] service_report_manager`, ROLES.md IM 6–8); not a rung of the ladder.
    case serviceReportManager = "service_report_manager"

    /// The roles an escalation step may notify (the duty table's four).
    public static let escalation: [RecipientRole] = [.incidentManager, .operationsManager, .operationsDirector, .managementOwner]
}

/// How a step reaches its recipients. Phone steps become a confirm-you-called checklist item.
public enum ContactMethod: String, Codable, CaseIterable, Sendable {
    case phone, email
    /// A notice shown on an operator's console until they have seen it (the result of an
    /// incident told to the desk). Not a way an escalation step reaches anyone: a policy file
    /// may name only phone and email.
    case console

    /// The ways a policy's escalation steps may notify.
    public static let escalationMethods: [ContactMethod] = [.phone, .email]
}

