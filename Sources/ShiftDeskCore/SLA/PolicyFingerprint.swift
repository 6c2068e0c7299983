import Foundation

extension SLAPolicy {
    /// A canonical text of everything that moves a deadline or a step. Stored beside the
    /// escalation index: when the policy in force differs, every open ticket is planned afresh.
    public var fingerprint: String {
        var parts: [String] = []
        for priority in Priority.allCases {
            let rules = policy(for: priority)
            var line = "\(priority.rawValue):\(rules.calendar):\(Int(rules.respondWithin)):\(Int(rules.resolveWithin))"
            for step in rules.escalation {
                line += "|\(step.level),\(Int(step.after)),\(step.notify.map(\.rawValue).joined(separator: "+")),\(step.via.map(\.rawValue).joined(separator: "+"))"
            }
            parts.append(line)
            let calendar = self.calendar(for: priority)
            if let hours = calendar.hours {
                parts.append("  \(rules.calendar)@\(hours.timeZone.identifier)"
                    + " spans=\(hours.spans.map(\.description).joined(separator: ","))"
                    + " days=\(hours.weekdays.map(\.rawValue).sorted().joined(separator: ","))"
                    + " holidays=\(hours.holidays.sorted().map(\.description).joined(separator: ","))"
                    + " workdays=\(hours.workdays.sorted().map(\.description).joined(separator: ","))")
            } else {
                parts.append("  \(rules.calendar)@24x7")
            }
        }
        // Only a policy that pauses on problems says so: fingerprints made before the setting existed stay the same.
        if problemPausesClocks { parts.append("clocks:problem_pauses") }
        return parts.joined(separator: "\n")
    }
}
