import Foundation

/// The month's workload of the desk, first and second line (ROLES.md, incident manager 5: "the
/// workload of the desk, L1 and L2: incidents resolved, resolution efficiency, customer
/// satisfaction", for the management-system owner): per line and per operator, from the same
/// figures as the incident-management report (``KPIReport``), as text, HTML, CSV and JSON.
public struct WorkloadReport: Sendable {
    public let report: KPIReport
    public let language: Language

    public init(report: KPIReport, language: Language) {
        self.report = report
        self.language = language
    }

    /// The lines' own figures the workload report shows beside the counts.
    public static let lineKPIs: [KPI] = [
        .deskRequestsTaken, .deskResolvedAtFirstContact, .firstContactResolutionRate, .deskClosed, .deskClosedWithSurvey,
        .lineTaken, .lineResolvedDirectly, .linePastSLA, .lineEscalatedOnward, .lineSatisfactionPassRate,
        .meanTimeToResolve, .medianTimeToResolve, .satisfactionAverage,
    ]

    /// The three lines the duty table names, in order.
    static let lines: [Role] = [.desk, .l1, .l2]

    var renderer: ReportRenderer { ReportRenderer(report: report, language: language) }

    public var title: String {
        language.pick(en: "Workload of desk, L1 and L2 \(report.period.label)", zh: "服务台、一线、二线工作量 \(report.period.label)")
    }

    /// Per line: (label, [(figure name, value)]).
    var lineFigures: [(String, [(String, String)])] {
        let l = language
        let r = renderer
        func f(_ kpi: KPI, _ scope: String) -> (String, String) { (kpi.name(l), r.format(report.figure(kpi, scope))) }
        return [
            (Role.desk.label(l), [f(.deskRequestsTaken, "desk"), f(.deskResolvedAtFirstContact, "desk"), f(.firstContactResolutionRate, "desk"),
                                  f(.deskClosed, "desk"), f(.deskClosedWithSurvey, "desk")]),
            (Role.l1.label(l), [f(.lineTaken, "l1"), f(.lineResolvedDirectly, "l1"), f(.linePastSLA, "l1"), f(.lineEscalatedOnward, "l1"),
                                f(.lineSatisfactionPassRate, "l1")]),
            (Role.l2.label(l), [f(.lineTaken, "l2"), f(.lineResolvedDirectly, "l2"), f(.linePastSLA, "l2"), f(.lineEscalatedOnward, "l2"),
                                f(.lineSatisfactionPassRate, "l2")]),
        ]
    }

    var lineWorkload: [Workload] { report.tierWorkload.filter { $0.role.map(Self.lines.contains) ?? false } }
    var operatorWorkload: [Workload] { report.workload.filter { $0.role.map(Self.lines.contains) ?? false } }

    private var headings: [String] {
        let l = language
        return [l.pick(en: "taken", zh: "受理"), l.pick(en: "resolved", zh: "解决"), l.pick(en: "escalated", zh: "升级"),
                l.pick(en: "closed", zh: "关闭"), l.pick(en: "notes", zh: "备注")]
    }

    private func counts(_ w: Workload) -> [String] { [w.taken, w.resolved, w.escalated, w.closed, w.notes].map(String.init) }

    /// Plain text (Markdown), the mail's readable body.
    public var markdown: String {
        let l = language
        let r = renderer
        var out = ["# \(title)", "", r.periodLine, ""]
        if let chain = r.chainLine { out += [chain, ""] }
        if let delivery = r.deliveryLines { out += delivery.map { "- " + $0 } + [""] }
        out += ["## \(l.pick(en: "Per line", zh: "各层级"))", "",
                "| \(l.pick(en: "line", zh: "层级")) | " + headings.joined(separator: " | ") + " |", "|---|---|---|---|---|---|"]
        for w in lineWorkload { out.append("| \(w.role?.label(l) ?? w.login) | " + counts(w).joined(separator: " | ") + " |") }
        for (line, figures) in lineFigures {
            out += ["", "### \(line)", ""]
            out += figures.map { "- \($0.0): \($0.1)" }
        }
        out += ["", "## \(l.pick(en: "Resolution efficiency", zh: "解决效率"))", ""]
        for priority in Priority.allCases {
            let scope = "priority:\(priority.rawValue)"
            out.append("- \(priority.label(l)): \(l.pick(en: "mean", zh: "平均")) \(r.format(report.figure(.meanTimeToResolve, scope))), "
                       + "\(l.pick(en: "median", zh: "中位数")) \(r.format(report.figure(.medianTimeToResolve, scope)))")
        }
        out.append("- \(KPI.satisfactionAverage.name(l)): \(r.format(report.figure(.satisfactionAverage, "all")))")
        out += ["", "## \(l.pick(en: "Per operator", zh: "人员"))", "",
                "| \(l.pick(en: "operator", zh: "人员")) | \(l.pick(en: "line", zh: "层级")) | " + headings.joined(separator: " | ") + " |",
                "|---|---|---|---|---|---|---|"]
        for w in operatorWorkload {
            let name = TerminalText.sanitize(w.name).replacingOccurrences(of: "|", with: "\\|")
            out.append("| \(name) (\(w.login)) | \(w.role?.label(l) ?? "—") | " + counts(w).joined(separator: " | ") + " |")
        }
        out += ["", "## \(l.pick(en: "Definitions", zh: "指标定义"))", ""]
        for kpi in Self.lineKPIs { out.append("- **\(kpi.name(l))** (`\(kpi.rawValue)`): \(kpi.definition)") }
        return out.joined(separator: "\n") + "\n"
    }

    public var html: String {
        let l = language
        let r = renderer
        var body = "<h1>\(escape(title))</h1>\n<p class=\"period\">\(escape(r.periodLine))</p>\n"
        if let chain = r.chainLine { body += "<p class=\"chain\">\(escape(chain))</p>\n" }
        if let delivery = r.deliveryLines { body += "<ul class=\"delivery\">" + delivery.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n" }
        let head = headings.map { "<th>\(escape($0))</th>" }.joined()
        body += "<h2>\(escape(l.pick(en: "Per line", zh: "各层级")))</h2>\n<table><tr><th></th>\(head)</tr>"
        for w in lineWorkload { body += "<tr><th>\(escape(w.role?.label(l) ?? w.login))</th>" + counts(w).map { "<td>\($0)</td>" }.joined() + "</tr>" }
        body += "</table>\n"
        for (line, figures) in lineFigures {
            body += "<h3>\(escape(line))</h3><table>" + figures.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined() + "</table>\n"
        }
        body += "<h2>\(escape(l.pick(en: "Resolution efficiency", zh: "解决效率")))</h2>\n<table>"
        for priority in Priority.allCases {
            let scope = "priority:\(priority.rawValue)"
            body += "<tr><th>\(escape(priority.label(l)))</th><td>\(escape(r.format(report.figure(.meanTimeToResolve, scope))))</td>"
                + "<td>\(escape(r.format(report.figure(.medianTimeToResolve, scope))))</td></tr>"
        }
        body += "</table>\n<h2>\(escape(l.pick(en: "Per operator", zh: "人员")))</h2>\n<table><tr><th></th><th></th>\(head)</tr>"
        for w in operatorWorkload {
            body += "<tr><th>\(escape(w.name))</th><td>\(escape(w.role?.label(l) ?? "—"))</td>" + counts(w).map { "<td>\($0)</td>" }.joined() + "</tr>"
        }
        body += "</table>\n<h2>\(escape(l.pick(en: "Definitions", zh: "指标定义")))</h2>\n<dl>"
        for kpi in Self.lineKPIs { body += "<dt>\(escape(kpi.name(l)))</dt><dd>\(escape(kpi.definition))</dd>" }
        body += "</dl>\n"
        return """
            <!DOCTYPE html>
            <html lang="\(l == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:2em;color:#222;max-width:60em}
            table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}td{text-align:right}
            th{font-weight:normal;background:#f7f7f7}</style></head><body>
            \(body)</body></html>
            """
    }

    /// One row per figure: period, key, scope, name, value.
    public var csv: String {
        var rows = [["period", "key", "scope", "name", "value"]]
        for kpi in Self.lineKPIs {
            for figure in report.figures where figure.kpi == kpi {
                rows.append([report.period.label, kpi.rawValue, figure.scope, kpi.name(language), figure.value.map { String(format: "%.4f", $0) } ?? ""])
            }
        }
        for (scope, list) in [("tier", lineWorkload), ("operator", operatorWorkload)] {
            for w in list {
                for (name, value) in zip(["taken", "resolved", "escalated", "closed", "notes"], counts(w)) {
                    rows.append([report.period.label, "workload.\(name)", "\(scope):\(w.login)", scope == "tier" ? (w.role?.label(language) ?? w.login) : w.name, value])
                }
            }
        }
        return "\u{FEFF}" + rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    public var json: JSONValue {
        func workload(_ w: Workload) -> JSONValue {
            .object([("login", .string(w.login)), ("name", .string(w.name)), ("line", .string(w.role?.rawValue)),
                     ("taken", .int(w.taken)), ("resolved", .int(w.resolved)), ("escalated", .int(w.escalated)),
                     ("closed", .int(w.closed)), ("notes", .int(w.notes))])
        }
        var fields: [(String, JSONValue)] = [
            ("period", .object([("kind", .string(report.period.kind.rawValue)), ("label", .string(report.period.label)),
                                ("start", .instant(report.period.interval.start)), ("end", .instant(report.period.interval.end))])),
            ("lines", .array(lineWorkload.map(workload))),
            ("operators", .array(operatorWorkload.map(workload))),
            ("figures", .array(Self.lineKPIs.flatMap { kpi in report.figures.filter { $0.kpi == kpi } }.map { figure in
                .object([("kpi", .string(figure.kpi.rawValue)), ("scope", .string(figure.scope)),
                         ("value", figure.value.map { .double(($0 * 10_000).rounded() / 10_000) } ?? .null),
                         ("numerator", .int(figure.numerator)), ("denominator", .int(figure.denominator))])
            })),
        ]
        if let head = report.chainHead {
            fields.append(("chain_head", .object([("event", .int(head.lastID)), ("events", .int(head.count)), ("sha256", .string(head.hex))])))
        }
        return .object(fields)
    }

    static func csvField(_ text: String) -> String {
        var safe = text
        if let first = safe.first, "=+-@".contains(first), Double(safe) == nil { safe = "'" + safe }
        guard safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func escape(_ text: String) -> String {
        TerminalText.sanitize(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
