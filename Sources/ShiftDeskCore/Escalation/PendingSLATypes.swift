// Temporary: these arrive with the SLA module; remove when it lands.
public enum RecipientRole: String, Codable, CaseIterable, Sendable {
    case incidentManager = "incident_manager"
    case operationsManager = "operations_manager"
    case operationsDirector = "operations_director"
    case managementOwner = "management_owner"
}

public enum ContactMethod: String, Codable, CaseIterable, Sendable {
    case phone, email
}
