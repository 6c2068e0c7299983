import Foundation

/// Tickets as an IEEE XES 1.0 event log (what pm4py, ProM, Disco, Celonis read): one trace per
/// ticket (`concept:name` = its ID), one event per ticket event with the standard attributes
/// `concept:name` (the event kind), `lifecycle:transition` (`complete`), `time:timestamp`,
/// `org:resource` (the actor) and `org:group` (the tier after it), plus `shiftdesk:` attributes
/// holding the ticket's fields, so that `import --format xes` brings the same traces back.
public enum XESWriter {
    public static func opening(logName: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" ?>
        <log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
        \t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
        \t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
        \t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
        \t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
        \t<global scope="trace">
        \t\t<string key="concept:name" value="__INVALID__"/>
        \t</global>
        \t<global scope="event">
        \t\t<string key="concept:name" value="__INVALID__"/>
        \t\t<string key="lifecycle:transition" value="complete"/>
        \t</global>
        \t<classifier name="Activity" keys="concept:name"/>
        \t<classifier name="Resource" keys="org:resource"/>
        \t<string key="concept:name" value="\(escape(logName))"/>

        """
    }

    public static let closing = "</log>\n"

    public static func trace(_ history: TicketHistory, desk: String) -> String {
        let t = history.ticket
        var out = "\t<trace>\n"
        func attribute(_ key: String, _ value: String?, indent: String = "\t\t") {
            guard let value else { return }
            out += "\(indent)<string key=\"\(key)\" value=\"\(escape(value))\"/>\n"
        }
        attribute("concept:name", t.id.description)
        attribute("shiftdesk:source", DeskExport.origin(of: t, desk: desk))
        attribute("shiftdesk:title", t.title)
        attribute("shiftdesk:description", t.description.isEmpty ? nil : t.description)
        attribute("shiftdesk:caller", t.caller.name)
        attribute("shiftdesk:phone", t.caller.phone)
        attribute("shiftdesk:department", t.caller.department)
        attribute("shiftdesk:channel", t.channel.rawValue)
        attribute("shiftdesk:category", t.category)
        out += "\t\t<date key=\"shiftdesk:opened_at\" value=\"\(timestamp(t.openedAt))\"/>\n"
        // Replay the ticket through its events so that each event carries the state after it.
        var state = t.state, tier = t.tier, priority = t.priority
        var assignee: String? = t.assignee
        let replay = history.events.map { event -> (TicketState, Tier, Priority, String?) in
            func after(_ field: String) -> String?? { event.change(of: field).map { $0.after } }
            if let value = after("state") { state = value.flatMap(TicketState.init(rawValue:)) ?? state }
            if let value = after("tier") { tier = value.flatMap(Tier.init(rawValue:)) ?? tier }
            if let value = after("priority") { priority = value.flatMap(Priority.init(rawValue:)) ?? priority }
            if let value = after("assignee") { assignee = value }
            return (state, tier, priority, assignee)
        }
        for (event, (state, tier, priority, assignee)) in zip(history.events, replay) {
            out += "\t\t<event>\n"
            attribute("concept:name", event.kind.rawValue, indent: "\t\t\t")
            attribute("lifecycle:transition", "complete", indent: "\t\t\t")
            out += "\t\t\t<date key=\"time:timestamp\" value=\"\(timestamp(event.at))\"/>\n"
            attribute("org:resource", event.actor, indent: "\t\t\t")
            attribute("org:group", tier.rawValue, indent: "\t\t\t")
            attribute("shiftdesk:state", state.rawValue, indent: "\t\t\t")
            attribute("shiftdesk:tier", tier.rawValue, indent: "\t\t\t")
            attribute("shiftdesk:priority", priority.rawValue, indent: "\t\t\t")
            attribute("shiftdesk:assignee", assignee, indent: "\t\t\t")
            attribute("shiftdesk:changes", DeskExport.changesJSON(event.changes), indent: "\t\t\t")
            attribute("shiftdesk:note", event.note, indent: "\t\t\t")
            out += "\t\t</event>\n"
        }
        out += "\t</trace>\n"
        return out
    }

    /// `2026-11-29T04:00:00.000+00:00`: XES dates carry milliseconds and an offset.
    public static func timestamp(_ date: Date) -> String {
        let precise = ISO8601.formatPrecise(date)
        let base = precise.hasSuffix("Z") ? String(precise.dropLast()) : precise
        return (base.contains(".") ? base : base + ".000") + "+00:00"
    }

    /// Text fit for an XML attribute: markup characters as entities, line breaks and tabs as
    /// character references (so they survive attribute normalisation), other controls (not
    /// allowed in XML 1.0) as U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "\n": out.append(contentsOf: "&#10;".unicodeScalars)
            case "\r": out.append(contentsOf: "&#13;".unicodeScalars)
            case "\t": out.append(contentsOf: "&#9;".unicodeScalars)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
