import Foundation

/// Where a problem (问题单) is in its life (README, "Problems and known errors"):
/// new → assessed (owner named) → analysis → fix in progress (cause noted) → resolved → closed;
/// re-analysis takes a resolved or closed problem back to analysis.
public enum ProblemState: String, Codable, CaseIterable, Sendable {
    case new
    /// Accepted by the problem manager, an owner named.
    case assessed
    /// Root-cause analysis under way.
    case analysis
    /// The cause is known and noted; the fix is being made.
    case fixInProgress = "fix_in_progress"
    case resolved
    case closed

    /// Not yet resolved or closed.
    public var isOpen: Bool { self != .resolved && self != .closed }

    /// Reads a stored state, including those written before problems had a life
    /// (`open` is new, `investigating` is analysis).
    public init?(stored text: String) {
        switch text {
        case "open": self = .new
        case "investigating": self = .analysis
        default: self.init(rawValue: text)
        }
    }

    public func label(_ l: Language) -> String {
        switch self {
        case .new: l.pick(en: "new", zh: "新建")
        case .assessed: l.pick(en: "assessed", zh: "已评估")
        case .analysis: l.pick(en: "analysis", zh: "根因分析")
        case .fixInProgress: l.pick(en: "fix in progress", zh: "修复中")
        case .resolved: l.pick(en: "resolved", zh: "已解决")
        case .closed: l.pick(en: "closed", zh: "已关闭")
        }
    }
}

/// How a problem was resolved.
public enum ProblemResolution: String, Codable, CaseIterable, Sendable {
    /// The root cause was fixed (fix notes required).
    case fixApplied = "fix-applied"
    /// The cause stays; living with it was judged acceptable (reason required).
    case riskAccepted = "risk-accepted"
    /// Another problem tracks the same cause; the incidents move to it.
    case duplicate
    /// Not a problem after all (reason required).
    case cancelled

    public func label(_ l: Language) -> String {
        switch self {
        case .fixApplied: l.pick(en: "fix applied", zh: "已修复")
        case .riskAccepted: l.pick(en: "risk accepted", zh: "接受风险")
        case .duplicate: l.pick(en: "duplicate", zh: "重复")
        case .cancelled: l.pick(en: "cancelled", zh: "已取消")
        }
    }
}

/// A problem published as a known error (已知错误): what the caller sees and how to get round it.
public struct KnownError: Codable, Hashable, Sendable {
    public var symptom: String
    public var workaround: String
    /// 1 when first published, bumped by every edit (the problem's history keeps each text).
    public var version: Int
    public var publishedBy: String
    public var publishedAt: Date

    public init(symptom: String, workaround: String, version: Int = 1, publishedBy: String, publishedAt: Date) {
        self.symptom = symptom
        self.workaround = workaround
        self.version = version
        self.publishedBy = publishedBy
        self.publishedAt = publishedAt
    }
}

/// A problem ticket (问题单) raised from one or more incidents, for the problem manager.
public struct Problem: Codable, Hashable, Sendable {
    public var id: ProblemID
    public var title: String
    /// Who owns it once assessed (named by the problem manager).
    public var owner: String?
    public var state: ProblemState
    public var raisedBy: String
    public var raisedAt: Date
    /// Why it was raised (the raiser's words), if given.
    public var reason: String?
    /// The root cause, noted when the fix starts.
    public var cause: String?
    /// When the root cause was noted (the problem entered fix in progress).
    public var rootCauseAt: Date?
    public var resolution: ProblemResolution?
    /// The fix notes (fix applied), or the reason (risk accepted, cancelled, duplicate).
    public var resolutionNote: String?
    /// The problem a duplicate was merged into.
    public var duplicateOf: ProblemID?
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var knownError: KnownError?
    /// Where an imported problem came from (another desk's `shiftdesk:DESK:PRB-000001`); nil for
    /// one raised here. Imports are keyed by it.
    public var source: String?
    /// Bumped by every write; a write that expects another version is refused.
    public var version: Int

    public init(id: ProblemID, title: String, owner: String? = nil, state: ProblemState = .new,
                raisedBy: String, raisedAt: Date, reason: String? = nil, cause: String? = nil, rootCauseAt: Date? = nil,
                resolution: ProblemResolution? = nil, resolutionNote: String? = nil, duplicateOf: ProblemID? = nil,
                resolvedAt: Date? = nil, closedAt: Date? = nil, knownError: KnownError? = nil, source: String? = nil, version: Int = 1) {
        self.id = id
        self.title = title
        self.owner = owner
        self.state = state
        self.raisedBy = raisedBy
        self.raisedAt = raisedAt
        self.reason = reason
        self.cause = cause
        self.rootCauseAt = rootCauseAt
        self.resolution = resolution
        self.resolutionNote = resolutionNote
        self.duplicateOf = duplicateOf
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
        self.knownError = knownError
        self.source = source
        self.version = version
    }

    /// The audited fields as text, for the before/after of a problem event.
    var auditFields: [(String, String?)] {
        [("title", title), ("owner", owner), ("state", state.rawValue), ("cause", cause),
         ("resolution", resolution?.rawValue), ("resolution_note", resolutionNote), ("duplicate_of", duplicateOf?.description),
         ("known_error_symptom", knownError?.symptom), ("known_error_workaround", knownError?.workaround),
         ("known_error_version", knownError.map { String($0.version) })]
    }

    /// The fields that differ from `before`, in a fixed order.
    public func changes(since before: Problem) -> [FieldChange] {
        zip(before.auditFields, auditFields).compactMap { old, new in
            old.1 == new.1 ? nil : FieldChange(field: new.0, before: old.1, after: new.1)
        }
    }
}
