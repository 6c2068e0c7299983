import Foundation
import ShiftDeskConfig
import ShiftDeskCore
import ShiftDeskStore

/// The SLA policy every seat runs on: the version of the desk's controlled policy record in
/// force at the command's instant (DESIGN.md, "Growing the shape"). A `--policy FILE` never
/// decides it; it is what `policy propose` submits and what `sla due` tries out.
extension Context {
    /// Reads policy texts as the desk's zone makes them: `file:line: reason` when they do not read.
    var policyParser: PolicyParser {
        let zone = timeZone
        return { text, name in
            do throws(PolicyError) {
                return .success(try PolicyFile.load(contents: text, path: name, defaultTimeZone: zone))
            } catch {
                return .failure(PolicyTextProblem(error.description))
            }
        }
    }

    /// The built-in duty table in this desk's zone: what a desk without a policy record runs on.
    var builtInPolicy: SLAPolicy { SLAPolicy.dutyTable(timeZone: timeZone) }

    func documents(_ desk: Desk) -> DocumentDesk {
        DocumentDesk(desk: desk, parsePolicy: policyParser, recipients: config.recipients)
    }

    /// Every policy version approved by the command's instant, with the instant it came into force.
    func policyTimeline(_ store: any Store) async throws(CLIFailure) -> PolicyTimeline {
        do throws(DeskError) {
            return try await documents(Desk(store: store, clock: clock, policy: builtInPolicy)).policyTimeline(fallback: builtInPolicy)
                .known(at: clock.now())
        } catch {
            throw CLIFailure(error, self)
        }
    }

    /// The desk planning with every policy version (each instant under the one in force then),
    /// and that timeline.
    func deskInForce(on opened: (any Store)? = nil, create: Bool = false) async throws(CLIFailure) -> (desk: Desk, timeline: PolicyTimeline) {
        let store: any Store
        if let opened { store = opened } else { store = try openStore(create: create) }
        do {
            try await (clock as? DeskClock)?.follow(opened: store)
        } catch {
            throw CLIFailure(error, self)
        }
        let timeline = try await policyTimeline(store)
        warnAboutPolicyFile(timeline)
        var desk = Desk(store: store, clock: clock, policies: timeline, origin: seat == nil ? .local : .serve)
        desk.customerLanguage = config.customerLanguage
        desk.customerUpdateEvery = config.customerUpdateEvery
        desk.reportsWithin = config.reportsWithin
        desk.name = config.deskName
        return (desk, timeline)
    }

    /// A `--policy FILE` that differs from the policy in force is not used: say so once, and how
    /// to propose it.
    func warnAboutPolicyFile(_ timeline: PolicyTimeline) {
        guard let file = options.policy, let proposed = policy, !json else { return }
        guard proposed.fingerprint != timeline.policy(at: clock.now()).fingerprint else { return }
        let version = timeline.entry(at: clock.now())?.version.description ?? "built-in"
        Output.error(language.pick(
            en: "\(file) is not the policy in force (\(version)); it is not used: propose it with `shiftdesk policy propose \(file) --reason …`",
            zh: "\(file) 不是现行策略（\(version)），本次不使用；如需生效请用 `shiftdesk policy propose \(file) --reason …` 提交审批"))
    }

    /// `text` with this machine's `[notify.roles]` as its `[roster]` when it has none: the first
    /// approved version of a desk (`init`, `migrate`) carries the roster its machine mailed to,
    /// and from then on every seat shares it.
    func withMachineRoster(_ text: String) -> String {
        let machine = config.recipients
        guard !machine.addresses.isEmpty,
              (try? PolicyFile.load(contents: text, path: "policy", defaultTimeZone: timeZone))?.roster == nil else { return text }
        func quoted(_ value: String) -> String {
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let lines = RecipientRole.allCases.compactMap { role -> String? in
            guard let addresses = machine.addresses[role] else { return nil }
            return "\(role.rawValue) = [\(addresses.map(quoted).joined(separator: ", "))]"
        }
        return text + (text.hasSuffix("\n") ? "" : "\n")
            + "\n# The notification roster, from [notify.roles] of the machine that installed this version.\n[roster]\n"
            + lines.joined(separator: "\n") + "\n"
    }

    /// Where role mail is addressed from, when it is not simply the policy in force: a machine
    /// roster that the policy's `[roster]` overrides, or a desk still on machine rosters.
    func rosterNote(_ desk: Desk) -> String? {
        let machine = config.recipients
        guard desk.policy.roster != nil else {
            guard !machine.addresses.isEmpty else { return nil }
            return language.pick(
                en: "role mail is addressed from this machine's [notify.roles]: other seats may differ; put the addresses under [roster] of the SLA policy (shiftdesk policy propose)",
                zh: "角色邮件按本机 [notify.roles] 发送，其他座席可能不同；请把地址写入 SLA 策略的 [roster] 并提交审批（shiftdesk policy propose）")
        }
        guard !machine.addresses.isEmpty, machine != desk.policy.roster else { return nil }
        return language.pick(en: "[notify.roles] of config.toml is not used: role mail follows the [roster] of the SLA policy in force",
                             zh: "config.toml 的 [notify.roles] 不再使用：角色邮件按现行 SLA 策略的 [roster] 发送")
    }

    /// `V1.0`, or `built-in` before the desk has a policy record.
    static func versionName(_ entry: PolicyTimeline.Entry?) -> String { entry?.version.description ?? "built-in" }
}

extension PolicyFile {
    /// The built-in duty table (ROLES.md) as a policy file: what `init` installs as V1.0.
    static let dutyTableText = """
        # SLA policy and notification roster: the duty table (值班表), as installed by `shiftdesk init`.
        # Durations as "30m", "2h", "1h30m"; recipients: incident_manager, operations_manager,
        # operations_director, management_owner; via: phone, email.
        # An incident waiting on a problem (ticket pend --reason problem) keeps its clocks running,
        # as for a vendor; to pause them as for the customer, propose a version with
        #   [clocks]
        #   problem_pauses = true
        # Who each role's mail goes to is the [roster] (incident_manager = ["im@desk.example"], …),
        # the same for every seat once approved.

        [priorities.major]
        respond_within = "15m"
        resolve_within = "4h"
        [[priorities.major.escalate]]
        after = "0m"
        notify = ["incident_manager", "operations_manager", "operations_director", "management_owner"]
        via = ["phone", "email"]

        [priorities.general]
        respond_within = "30m"
        resolve_within = "4h"
        [[priorities.general.escalate]]
        after = "2h"
        notify = ["incident_manager"]
        via = ["email"]
        [[priorities.general.escalate]]
        after = "4h"
        notify = ["operations_manager", "operations_director", "management_owner"]
        via = ["email"]

        [priorities.minor]
        respond_within = "1h"
        resolve_within = "8h"
        [[priorities.minor.escalate]]
        after = "4h"
        notify = ["incident_manager"]
        via = ["email"]
        [[priorities.minor.escalate]]
        after = "8h"
        notify = ["operations_manager", "operations_director", "management_owner"]
        via = ["email"]

        """
}
