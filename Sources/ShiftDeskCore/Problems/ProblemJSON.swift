import Foundation

extension Problem {
    public var json: JSONValue { .object(jsonFields) }

    /// The fields of ``json``, for a command to add its own.
    public var jsonFields: [(String, JSONValue)] {
        [("id", .string(id.description)), ("title", .string(title)), ("owner", .string(owner)),
                 ("state", .string(state.rawValue)), ("raised_by", .string(raisedBy)), ("raised_at", .instant(raisedAt)),
                 ("reason", .string(reason)), ("cause", .string(cause)), ("root_cause_at", .instant(rootCauseAt)),
                 ("resolution", .string(resolution?.rawValue)), ("resolution_note", .string(resolutionNote)),
                 ("duplicate_of", .string(duplicateOf?.description)), ("resolved_at", .instant(resolvedAt)),
                 ("closed_at", .instant(closedAt)), ("known_error", knownError?.json ?? .null),
                 ("version", .int(Int64(version)))]
    }
}

extension KnownError {
    public var json: JSONValue {
        .object([("symptom", .string(symptom)), ("workaround", .string(workaround)), ("version", .int(Int64(version))),
                 ("published_by", .string(publishedBy)), ("published_at", .instant(publishedAt))])
    }
}

extension ProblemEvent {
    public var json: JSONValue {
        .object([
            ("id", .int(id)),
            ("problem", .string(problem.description)),
            ("actor", .string(actor)),
            ("at", .instant(at)),
            ("kind", .string(kind.rawValue)),
            ("changes", .array(changes.map { change in
                .object([("field", .string(change.field)), ("before", .string(change.before)), ("after", .string(change.after))])
            })),
            ("note", .string(note)),
            ("incidents", .array(incidents.map { .string($0.description) })),
            ("origin", .string(origin.rawValue)),
        ])
    }
}
