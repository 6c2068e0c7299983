import Foundation

/// What a drill ends with: the duty table's own assessment of the trainees, over the drill's
/// simulated hours (the KPI definitions of `KPI.swift`, nothing drill-specific).
public struct DrillAssessment: Sendable {
    public var report: KPIReport
    public var arrived: Int

    public init(report: KPIReport, arrived: Int) {
        self.report = report
        self.arrived = arrived
    }

    /// The figures that assess the trainees, in the order they are printed.
    public static let figures: [(KPI, String)] = [
        (.firstContactResolutionRate, "desk"), (.deskEscalatedAsRules, "desk"), (.deskClosedWithSurvey, "desk"),
        (.deskClosed, "desk"), (.responseCompliance, "all"), (.resolutionCompliance, "all"), (.backlog, "all"),
    ]

    /// The trainees: desk operators who did something, the drill's own intake and engineers left out.
    public var trainees: [Workload] {
        report.workload.filter { $0.role == .desk && !$0.login.hasPrefix("drill.") && $0.total > 0 }
    }

    public func text(_ l: Language) -> String {
        let renderer = ReportRenderer(report: report, language: l)
        var lines = [l.pick(en: "Drill assessment: \(arrived) incidents arrived", zh: "演练评估：共到达 \(arrived) 个事件")]
        for (kpi, scope) in Self.figures {
            lines.append("  \(kpi.name(l)): \(renderer.format(report.figure(kpi, scope)))")
        }
        if trainees.isEmpty {
            lines.append(l.pick(en: "  no trainee acted at the desk", zh: "  没有学员在服务台操作"))
        } else {
            lines.append(l.pick(en: "  trainee      taken  resolved  escalated  closed", zh: "  学员         受理  解决  升级  关闭"))
            for person in trainees {
                lines.append("  " + person.login.padding(toLength: 12, withPad: " ", startingAt: 0)
                             + " \(person.taken)  \(person.resolved)  \(person.escalated)  \(person.closed)")
            }
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        .object([
            ("arrived", .int(Int64(arrived))),
            ("figures", .array(Self.figures.map { kpi, scope in
                let figure = report.figure(kpi, scope)
                return .object([("kpi", .string(kpi.rawValue)), ("scope", .string(scope)), ("value", figure?.value.map { .double($0) } ?? .null),
                                ("numerator", figure?.numerator.map { .int(Int64($0)) } ?? .null),
                                ("denominator", figure?.denominator.map { .int(Int64($0)) } ?? .null)])
            })),
            ("trainees", .array(trainees.map { person in
                .object([("login", .string(person.login)), ("taken", .int(Int64(person.taken))), ("resolved", .int(Int64(person.resolved))),
                         ("escalated", .int(Int64(person.escalated))), ("closed", .int(Int64(person.closed)))])
            })),
        ])
    }
}
