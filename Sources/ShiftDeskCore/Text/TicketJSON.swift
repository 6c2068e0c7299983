import Foundation

/// The JSON shapes of `ticket list --json` and `ticket show --json` (documented in README.md).
extension Ticket {
    public var json: [(String, JSONValue)] {
        let satisfactionJSON: JSONValue
        switch satisfaction {
        case let .rated(score, comment)?:
            satisfactionJSON = .object([("score", .int(Int64(score))), ("comment", .string(comment)), ("unreachable", false)])
        case .unreachable?:
            satisfactionJSON = .object([("score", .null), ("comment", .null), ("unreachable", true)])
        case nil:
            satisfactionJSON = .null
        }
        return [
            ("id", .string(id.description)),
            ("title", .string(title)),
            ("description", .string(description)),
            ("caller", .object([("name", .string(caller.name)), ("phone", .string(caller.phone)),
                                ("department", .string(caller.department)), ("email", .string(caller.email))])),
            ("channel", .string(channel.rawValue)),
            ("priority", .string(priority.rawValue)),
            ("category", .string(category)),
            ("affected_service", .string(affectedService)),
            ("state", .string(state.rawValue)),
            ("tier", .string(tier.rawValue)),
            ("assignee", .string(assignee)),
            ("owner", .string(owner)),
            ("opened_at", .instant(openedAt)),
            ("first_response_at", .instant(firstResponseAt)),
            ("resolved_at", .instant(resolvedAt)),
            ("closed_at", .instant(closedAt)),
            ("resolution_note", .string(resolutionNote)),
            ("satisfaction", satisfactionJSON),
            ("on_site_sheet", .object([("printed_at", .instant(onSiteSheet.printedAt)),
                                       ("signed_at", .instant(onSiteSheet.signedAt))])),
            ("problem", .string(problem?.description)),
            ("flags", .object([("backfilled", .bool(backfilled)), ("bypassed_desk", .bool(bypassedDesk))])),
            ("reopen_count", .int(Int64(reopenCount))),
            ("source", .string(source)),
            ("source_made_sla", sourceMadeSLA.map(JSONValue.bool) ?? .null),
            ("customer_told_at", .instant(customerToldAt)),
            ("version", .int(Int64(version))),
        ]
    }
}

extension TicketEvent {
    public var json: JSONValue {
        .object([
            ("id", .int(id)),
            ("ticket", .string(ticket.description)),
            ("actor", .string(actor)),
            ("at", .instant(at)),
            ("kind", .string(kind.rawValue)),
            ("changes", .array(changes.map { change in
                .object([("field", .string(change.field)), ("before", .string(change.before)), ("after", .string(change.after))])
            })),
            ("note", .string(note)),
            ("origin", .string(origin.rawValue)),
        ])
    }
}

extension Operator {
    public var json: JSONValue {
        .object([("login", .string(login)), ("name", .string(name)), ("role", .string(role.rawValue)),
                 ("shift", .string(shift?.rawValue)), ("disabled", .bool(disabled)), ("email", .string(email))])
    }
}

extension OperatorKey {
    public var json: JSONValue {
        .object([("login", .string(login)), ("type", .string(type)), ("fingerprint", .string(fingerprint)),
                 ("comment", .string(comment)), ("added_at", .string(ISO8601.format(addedAt)))])
    }
}
