import Foundation

/// The three incident priorities of the duty table (重大 / 一般 / 轻微).
public enum Priority: String, Codable, CaseIterable, Sendable, Comparable {
    case major, general, minor

    /// 0 is the most urgent.
    public var rank: Int {
        switch self {
        case .major: 0
        case .general: 1
        case .minor: 2
        }
    }

    public static func < (a: Priority, b: Priority) -> Bool { a.rank < b.rank }
}

/// How the call reached the desk.
public enum Channel: String, Codable, CaseIterable, Sendable {
    case phone, email, walkIn = "walk-in", monitoring
    /// Another way in (a self-service portal), or none recorded: only imported tickets have it.
    case other
}

/// The support line that currently works the ticket.
public enum Tier: String, Codable, CaseIterable, Sendable {
    case desk, l1, l2, vendor
}

/// An operator's duty in the duty table.
public enum Role: String, Codable, CaseIterable, Sendable {
    case desk, l1, l2, im, supervisor
    /// 问题经理: receives the problems L2 and the incident manager raise, and follows them.
    case problemManager = "problem_manager"
    /// 管理体系负责人, the management-system owner: approves documents and policies, receives
    /// the workload reports.
    case owner
    /// 内审员, the internal auditor: reads everything, changes nothing.
    case auditor

    /// The queue this role works, if it works one.
    public var tier: Tier? {
        switch self {
        case .desk: .desk
        case .l1: .l1
        case .l2: .l2
        case .im, .supervisor, .problemManager, .owner, .auditor: nil
        }
    }

    /// True for the role that may read everything and change nothing (the internal auditor).
    public var isReadOnly: Bool { self == .auditor }
}

/// Day shift (白天坐席) and night duty (夜间值班员).
public enum ShiftName: String, Codable, CaseIterable, Sendable {
    case day, night
}

/// Where a ticket is in its life.
public enum TicketState: String, Codable, CaseIterable, Sendable {
    /// Waiting in its tier's queue for someone to accept it.
    case new
    /// Accepted by its assignee and being worked.
    case inProgress = "in_progress"
    /// Waiting on the customer: the SLA clocks pause.
    case pendingCustomer = "pending_customer"
    /// Waiting on a vendor: the clocks keep running.
    case pendingVendor = "pending_vendor"
    /// Waiting on its problem (``Ticket/problem``): the clocks keep running, as for a vendor.
    /// Resolved "by problem" when the problem is resolved with its fix applied.
    case pendingProblem = "pending_problem"
    case resolved
    case closed

    /// Not yet resolved or closed.
    public var isOpen: Bool { self != .resolved && self != .closed }
}

/// Why a ticket waits.
public enum PendingReason: String, Codable, CaseIterable, Sendable {
    case customer, vendor, problem

    public var state: TicketState {
        switch self {
        case .customer: .pendingCustomer
        case .vendor: .pendingVendor
        case .problem: .pendingProblem
        }
    }
}
