import Foundation

/// A KPI report as Markdown, CSV (UTF-8 with BOM, for spreadsheets with Chinese text), JSON or
/// printable HTML with inline SVG charts. The figures are the report's; nothing is recomputed.
public struct ReportRenderer: Sendable {
    public let report: KPIReport
    public let language: Language

    public init(report: KPIReport, language: Language) {
        self.report = report
        self.language = language
    }

    /// A table of the report: its KPIs for one scope.
    public struct Section: Sendable {
        public let title: String
        public let scope: String
        public let kpis: [KPI]
    }

    /// The report's tables in order; the console shows the same.
    public var sections: [Section] {
        let l = language
        let line: [KPI] = [.lineTaken, .lineResolvedDirectly, .linePastSLA, .lineEscalatedOnward, .lineSheetsPrinted, .lineSheetsSigned, .lineSatisfactionPassRate]
        return [
            Section(title: l.pick(en: "Service desk", zh: "服务台坐席"), scope: "desk",
                    kpis: [.deskRequestsTaken, .deskResolvedAtFirstContact, .firstContactResolutionRate, .deskEscalatedAsRules,
                           .deskPhoneCallsConfirmed, .deskClosed, .deskClosedWithSurvey, .deskClosedOnTime, .deskHandovers, .deskHandoversAsRules]),
            Section(title: l.pick(en: "First-line support", zh: "一线支持"), scope: "l1", kpis: line),
            Section(title: l.pick(en: "Second-line support", zh: "二线支持"), scope: "l2", kpis: line),
            Section(title: l.pick(en: "Incident manager", zh: "事件经理"), scope: "im",
                    kpis: [.imMajorAndBreachedHandled, .imTurnedIntoProblems, .imBackfilled, .imBypassedDesk, .imReportsOnTime, .imReportCorrections]),
            Section(title: l.pick(en: "Service", zh: "服务指标"), scope: "all",
                    kpis: [.responseCompliance, .resolutionCompliance, .reopenRate, .backlog, .satisfactionAverage, .satisfactionRated]),
            Section(title: l.pick(en: "Problem management", zh: "问题管理"), scope: "problems",
                    kpis: [.problemsRaised, .problemsByStateAtEnd, .problemMedianHoursToRootCause, .problemMedianHoursToResolution,
                           .knownErrorResolutions, .knownErrorShareOfFirstContact, .problemFixRecurred]),
        ]
    }

    /// `87.5 %`, `12`, `3.4 h`, `4.20`, `—`.
    public func format(_ figure: KPIFigure?) -> String {
        guard let figure, let value = figure.value else { return "—" }
        switch figure.kpi.unit {
        case .count: return String(Int(value.rounded()))
        case .percent:
            let counts = figure.numerator.flatMap { n in figure.denominator.map { " (\(n)/\($0))" } } ?? ""
            return String(format: "%.1f %%", value) + counts
        case .hours: return String(format: "%.1f h", value)
        case .score: return String(format: "%.2f", value)
        }
    }

    var title: String {
        language.pick(en: "Incident management report \(report.period.label)", zh: "事件管理报告 \(report.period.label)")
    }

    var periodLine: String {
        let start = DisplayTime.format(report.period.interval.start, in: report.period.timeZone)
        let end = DisplayTime.format(report.period.interval.end, in: report.period.timeZone)
        return "\(start) – \(end) (\(report.period.timeZone.identifier))"
    }

    /// The event chain's head the report was made from: with it an auditor can later show that
    /// the history behind the report was not changed (`shiftdesk audit verify`).
    var chainLine: String? {
        guard let head = report.chainHead else { return nil }
        return language.pick(en: "Record: chain head event \(head.lastID) of \(head.count), SHA-256 \(head.hex)",
                             zh: "记录：哈希链头为事件记录 \(head.lastID)（共 \(head.count) 条），SHA-256 \(head.hex)")
    }

    var policyLine: String? {
        guard let versions = report.policyVersions else { return nil }
        let l = language
        let zone = report.period.timeZone
        let list = versions.inForce.map { entry in
            entry.from.map { "\(entry.version) (\(l.pick(en: "from", zh: "自")) \(DisplayTime.format($0, in: zone)))" } ?? entry.version
        }.joined(separator: ", ")
        // Several versions: each deadline was judged under the one in force when it was reached.
        let several = versions.computedWith.contains(",")
        return l.pick(en: "SLA policy in force during the period: \(list); figures computed with \(versions.computedWith)"
                          + (several ? ", each deadline under the version in force when it was reached" : ""),
                      zh: "本期现行 SLA 策略：\(list)；指标按 \(versions.computedWith) 计算" + (several ? "（各时限按到达时的现行版本判定）" : ""))
    }

    /// The delivery of this period's report, and what changed since (nil: never delivered).
    public var deliveryLines: [String]? {
        guard let comparison = report.sinceDelivery else { return nil }
        let l = language
        let d = comparison.delivery
        let zone = report.period.timeZone
        let to = d.recipients.isEmpty ? d.role.rawValue : d.recipients.joined(separator: ", ")
        let what = d.isCorrection ? l.pick(en: "correction \(d.sequence)", zh: "第 \(d.sequence) 次更正") : l.pick(en: "delivered", zh: "已报送")
        var lines = [l.pick(en: "Delivery: \(what) \(DisplayTime.format(d.at, in: zone)) to \(to), figures SHA-256 \(d.digest)",
                            zh: "报送：\(what) \(DisplayTime.format(d.at, in: zone))，收件人 \(to)，指标 SHA-256 \(d.digest)")]
        if comparison.changes.isEmpty {
            lines.append(l.pick(en: "No figure changed since delivery.", zh: "报送后指标未变。"))
        } else {
            lines.append(l.pick(en: "Changed since delivery (\(comparison.changes.count) figures; send a correction: report deliver \(report.period.kind.rawValue) --period \(report.period.label)):",
                                zh: "报送后有变化（\(comparison.changes.count) 项；请发送更正：report deliver \(report.period.kind.rawValue) --period \(report.period.label)）："))
            for change in comparison.changes {
                lines.append("\(change.name(l)) [\(change.scope)]: \(change.before ?? "—") → \(change.after ?? "—")")
            }
        }
        return lines
    }

    // MARK: Markdown

    public var markdown: String {
        let l = language
        var out = ["# \(title)", "", periodLine, ""]
        if let chainLine { out += [chainLine, ""] }
        if let policyLine { out += [policyLine, ""] }
        if let deliveryLines {
            out += ["## \(l.pick(en: "Delivery", zh: "报送"))", "", deliveryLines[0], ""]
            if deliveryLines.count > 1 { out += [deliveryLines[1], ""] + deliveryLines.dropFirst(2).map { "- " + markdownSafe($0) } + [""] }
        }
        for section in sections {
            out += ["## \(section.title)", "", "| \(l.pick(en: "KPI", zh: "指标")) | \(l.pick(en: "value", zh: "数值")) |", "|---|---|"]
            for kpi in section.kpis { out.append("| \(kpi.name(l)) | \(format(report.figure(kpi, section.scope))) |") }
            out.append("")
        }
        out += ["## \(l.pick(en: "Time to resolve by priority", zh: "按优先级的解决时长"))", "",
                "| \(l.pick(en: "priority", zh: "优先级")) | \(l.pick(en: "mean", zh: "平均")) | \(l.pick(en: "median", zh: "中位数")) | n |", "|---|---|---|---|"]
        for priority in Priority.allCases {
            let scope = "priority:\(priority.rawValue)"
            out.append("| \(priority.label(l)) | \(format(report.figure(.meanTimeToResolve, scope))) | \(format(report.figure(.medianTimeToResolve, scope))) | \(report.figure(.meanTimeToResolve, scope)?.denominator ?? 0) |")
        }
        out += ["", "## \(l.pick(en: "Problems raised, by state at period end", zh: "本期提交的问题单（按期末状态）"))", "",
                "| " + ProblemState.allCases.map { $0.label(l) }.joined(separator: " | ") + " |",
                "|" + String(repeating: "---|", count: ProblemState.allCases.count),
                "| " + ProblemState.allCases.map { format(report.figure(.problemsByStateAtEnd, "state:\($0.rawValue)")) }.joined(separator: " | ") + " |"]
        out += ["", "## \(l.pick(en: "Satisfaction", zh: "满意度"))", "",
                "| 1 | 2 | 3 | 4 | 5 | \(l.pick(en: "unreachable", zh: "无法联系")) |", "|---|---|---|---|---|---|",
                "| " + (1...5).map { String(report.satisfactionDistribution[$0]) }.joined(separator: " | ") + " | \(report.satisfactionDistribution[0]) |",
                "", "## \(l.pick(en: "Backlog aging at period end", zh: "期末积压账龄"))", "",
                "| < 1 d | 1–3 d | 3–7 d | ≥ 7 d |", "|---|---|---|---|",
                "| " + report.backlogAging.map(String.init).joined(separator: " | ") + " |",
                "", "## \(l.pick(en: "Workload per line", zh: "各层级工作量"))", "",
                "| \(l.pick(en: "line", zh: "层级")) | \(l.pick(en: "taken", zh: "受理")) | \(l.pick(en: "resolved", zh: "解决")) | \(l.pick(en: "escalated", zh: "升级")) | \(l.pick(en: "closed", zh: "关闭")) | \(l.pick(en: "notes", zh: "备注")) |",
                "|---|---|---|---|---|---|"]
        for w in report.tierWorkload {
            out.append("| \(w.role?.label(l) ?? w.login) | \(w.taken) | \(w.resolved) | \(w.escalated) | \(w.closed) | \(w.notes) |")
        }
        out += ["", "## \(l.pick(en: "Workload per operator", zh: "人员工作量"))", "",
                "| \(l.pick(en: "operator", zh: "人员")) | \(l.pick(en: "role", zh: "角色")) | \(l.pick(en: "taken", zh: "受理")) | \(l.pick(en: "resolved", zh: "解决")) | \(l.pick(en: "escalated", zh: "升级")) | \(l.pick(en: "closed", zh: "关闭")) | \(l.pick(en: "notes", zh: "备注")) |",
                "|---|---|---|---|---|---|---|"]
        for w in report.workload {
            out.append("| \(markdownSafe(w.name)) (\(w.login)) | \(w.role?.label(l) ?? "—") | \(w.taken) | \(w.resolved) | \(w.escalated) | \(w.closed) | \(w.notes) |")
        }
        out += ["", "## \(l.pick(en: "Definitions", zh: "指标定义"))", ""]
        for kpi in KPI.allCases { out.append("- **\(kpi.name(l))** (`\(kpi.rawValue)`): \(kpi.definition)") }
        return out.joined(separator: "\n") + "\n"
    }

    private func markdownSafe(_ text: String) -> String {
        TerminalText.sanitize(text).replacingOccurrences(of: "|", with: "\\|")
    }

    // MARK: CSV

    /// One row per figure: period, kpi, scope, name, value, numerator, denominator, definition.
    public var csv: String {
        var rows = [["period", "kpi", "scope", "name", "value", "numerator", "denominator", "definition"]]
        for figure in report.figures {
            rows.append([report.period.label, figure.kpi.rawValue, figure.scope, figure.kpi.name(language),
                         figure.value.map { String(format: "%.4f", $0) } ?? "", figure.numerator.map(String.init) ?? "",
                         figure.denominator.map(String.init) ?? "", figure.kpi.definition])
        }
        for w in report.tierWorkload {
            for (name, value) in [("taken", w.taken), ("resolved", w.resolved), ("escalated", w.escalated), ("closed", w.closed), ("notes", w.notes)] {
                rows.append([report.period.label, "workload.\(name)", "tier:\(w.login)", w.role?.label(language) ?? w.login, String(value), "", "", ""])
            }
        }
        for w in report.workload {
            for (name, value) in [("taken", w.taken), ("resolved", w.resolved), ("escalated", w.escalated), ("closed", w.closed), ("notes", w.notes)] {
                rows.append([report.period.label, "workload.\(name)", "operator:\(w.login)", w.name, String(value), "", "", ""])
            }
        }
        // The BOM makes spreadsheet programs read the Chinese text as UTF-8; CRLF as RFC 4180 says.
        if let head = report.chainHead {
            rows.append([report.period.label, "audit.chain_head", "event:\(head.lastID)", language.pick(en: "chain head", zh: "哈希链头"),
                         head.hex, String(head.count), "", "SHA-256 of the newest event in the chain (shiftdesk audit verify)"])
        }
        if let versions = report.policyVersions {
            for entry in versions.inForce {
                rows.append([report.period.label, "sla.policy_in_force", "version:\(entry.version)", language.pick(en: "SLA policy in force", zh: "现行 SLA 策略"),
                             entry.from.map(ISO8601.format) ?? "", "", "", ""])
            }
            rows.append([report.period.label, "sla.policy_computed_with", "version:\(versions.computedWith)",
                         language.pick(en: "figures computed with", zh: "指标计算所用策略"), "", "", "", ""])
        }
        if let comparison = report.sinceDelivery {
            let d = comparison.delivery
            rows.append([report.period.label, "delivery", "sequence:\(d.sequence)", language.pick(en: "delivered", zh: "已报送"),
                         ISO8601.format(d.at), "", "", "figures SHA-256 \(d.digest)"])
            for change in comparison.changes {
                rows.append([report.period.label, "changed_since_delivery", "\(change.key) \(change.scope)", change.name(language),
                             change.after ?? "", "", "", "delivered: \(change.before ?? "")"])
            }
        }
        return "\u{FEFF}" + rows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    private func csvField(_ text: String) -> String {
        var safe = text
        // A leading = + - @ would be read as a formula by spreadsheets.
        if let first = safe.first, "=+-@".contains(first), Double(safe) == nil { safe = "'" + safe }
        guard safe.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: JSON

    public var json: JSONValue {
        var fields = jsonFields
        if let versions = report.policyVersions {
            fields.insert(("sla_policy", .object([
                ("in_force", .array(versions.inForce.map { .object([("version", .string($0.version)), ("from", .instant($0.from))]) })),
                ("computed_with", .string(versions.computedWith)),
            ])), at: 1)
        }
        if let comparison = report.sinceDelivery {
            let d = comparison.delivery
            fields.insert(("delivery", .object([
                ("sequence", .int(Int64(d.sequence))), ("at", .instant(d.at)), ("by", .string(d.by)),
                ("recipients", .array(d.recipients.map { .string($0) })), ("digest", .string(d.digest)),
                ("changed", .bool(comparison.changed)),
                ("changes", .array(comparison.changes.map { .object([("key", .string($0.key)), ("scope", .string($0.scope)),
                                                                     ("delivered", .string($0.before)), ("now", .string($0.after))]) })),
            ])), at: 1)
        }
        if let head = report.chainHead {
            fields.insert(("chain_head", .object([("event", .int(head.lastID)), ("events", .int(head.count)), ("sha256", .string(head.hex))])),
                          at: 1)
        }
        return .object(fields)
    }

    private var jsonFields: [(String, JSONValue)] {
        [
            ("period", .object([("kind", .string(report.period.kind.rawValue)), ("label", .string(report.period.label)),
                                ("start", .instant(report.period.interval.start)), ("end", .instant(report.period.interval.end)),
                                ("timezone", .string(report.period.timeZone.identifier))])),
            ("figures", .array(report.figures.map { figure in
                .object([("kpi", .string(figure.kpi.rawValue)), ("scope", .string(figure.scope)),
                         ("value", figure.value.map { .double(($0 * 10_000).rounded() / 10_000) } ?? .null),
                         ("numerator", .int(figure.numerator)), ("denominator", .int(figure.denominator))])
            })),
            ("satisfaction_distribution", .object([("unreachable", .int(report.satisfactionDistribution[0]))]
                + (1...5).map { (String($0), .int(report.satisfactionDistribution[$0])) })),
            ("backlog_aging", .object(zip(["lt_1d", "1d_3d", "3d_7d", "ge_7d"], report.backlogAging).map { ($0, .int($1)) })),
            ("opened_by_priority", .object(Priority.allCases.map { ($0.rawValue, .int(report.openedByPriority[$0] ?? 0)) })),
            ("workload", .array(report.workload.map { w in
                .object([("login", .string(w.login)), ("name", .string(w.name)), ("role", .string(w.role?.rawValue)),
                         ("taken", .int(w.taken)), ("resolved", .int(w.resolved)), ("escalated", .int(w.escalated)),
                         ("closed", .int(w.closed)), ("notes", .int(w.notes))])
            })),
            ("tier_workload", .array(report.tierWorkload.map { w in
                .object([("tier", .string(w.login)), ("taken", .int(w.taken)), ("resolved", .int(w.resolved)),
                         ("escalated", .int(w.escalated)), ("closed", .int(w.closed)), ("notes", .int(w.notes))])
            })),
            ("definitions", .object(KPI.allCases.map { ($0.rawValue, .string($0.definition)) })),
        ]
    }

    // MARK: HTML

    public var html: String {
        let l = language
        var body = "<h1>\(escape(title))</h1>\n<p class=\"period\">\(escape(periodLine))</p>\n"
        if let chainLine { body += "<p class=\"chain\">\(escape(chainLine))</p>\n" }
        if let policyLine { body += "<p class=\"policy\">\(escape(policyLine))</p>\n" }
        if let deliveryLines {
            body += "<section class=\"delivery\"><p>\(escape(deliveryLines[0]))</p>"
            if deliveryLines.count > 1 {
                body += "<p>\(escape(deliveryLines[1]))</p>"
                if deliveryLines.count > 2 { body += "<ul>" + deliveryLines.dropFirst(2).map { "<li>\(escape($0))</li>" }.joined() + "</ul>" }
            }
            body += "</section>\n"
        }
        body += "<section class=\"charts\">"
        body += chart(title: l.pick(en: "Satisfaction", zh: "满意度"),
                      bars: (1...5).map { ("\($0)", report.satisfactionDistribution[$0]) } + [(l.pick(en: "n/a", zh: "无法联系"), report.satisfactionDistribution[0])])
        body += chart(title: l.pick(en: "Backlog aging", zh: "积压账龄"), bars: zip(["<1d", "1–3d", "3–7d", "≥7d"], report.backlogAging).map { ($0, $1) })
        body += chart(title: l.pick(en: "Opened by priority", zh: "按优先级开单"), bars: Priority.allCases.map { ($0.label(l), report.openedByPriority[$0] ?? 0) })
        body += chart(title: l.pick(en: "Workload per line", zh: "各层级工作量"), bars: report.tierWorkload.map { ($0.role?.label(l) ?? $0.login, $0.total) })
        body += chart(title: l.pick(en: "Workload per operator", zh: "人员工作量"), bars: report.workload.prefix(12).map { ($0.name, $0.total) })
        body += "</section>\n"
        for section in sections {
            body += "<h2>\(escape(section.title))</h2>\n<table>"
            for kpi in section.kpis {
                let figure = report.figure(kpi, section.scope)
                body += "<tr><th title=\"\(escape(kpi.definition))\">\(escape(kpi.name(l)))</th><td>\(escape(format(figure)))</td></tr>"
            }
            body += "</table>\n"
        }
        body += "<h2>\(escape(l.pick(en: "Time to resolve by priority", zh: "按优先级的解决时长")))</h2>\n<table class=\"grid\"><tr><th></th><th>\(l.pick(en: "mean", zh: "平均"))</th><th>\(l.pick(en: "median", zh: "中位数"))</th><th>n</th></tr>"
        for priority in Priority.allCases {
            let scope = "priority:\(priority.rawValue)"
            body += "<tr><th>\(escape(priority.label(l)))</th><td>\(format(report.figure(.meanTimeToResolve, scope)))</td><td>\(format(report.figure(.medianTimeToResolve, scope)))</td><td>\(report.figure(.meanTimeToResolve, scope)?.denominator ?? 0)</td></tr>"
        }
        body += "</table>\n"
        let headings = [l.pick(en: "taken", zh: "受理"), l.pick(en: "resolved", zh: "解决"), l.pick(en: "escalated", zh: "升级"),
                        l.pick(en: "closed", zh: "关闭"), l.pick(en: "notes", zh: "备注")].map { "<th>\(escape($0))</th>" }.joined()
        func workloadRow(_ name: String, _ w: Workload) -> String {
            "<tr><th>\(escape(name))</th>" + [w.taken, w.resolved, w.escalated, w.closed, w.notes].map { "<td>\($0)</td>" }.joined() + "</tr>"
        }
        body += "<h2>\(escape(l.pick(en: "Workload per line", zh: "各层级工作量")))</h2>\n<table class=\"grid\"><tr><th></th>\(headings)</tr>"
        for w in report.tierWorkload { body += workloadRow(w.role?.label(l) ?? w.login, w) }
        body += "</table>\n<h2>\(escape(l.pick(en: "Workload per operator", zh: "人员工作量")))</h2>\n<table class=\"grid\"><tr><th></th>\(headings)</tr>"
        for w in report.workload { body += workloadRow("\(w.name) · \(w.role?.label(l) ?? "—")", w) }
        body += "</table>\n<h2>\(escape(l.pick(en: "Definitions", zh: "指标定义")))</h2>\n<dl>"
        for kpi in KPI.allCases { body += "<dt>\(escape(kpi.name(l)))</dt><dd>\(escape(kpi.definition))</dd>" }
        body += "</dl>\n"
        return """
            <!DOCTYPE html>
            <html lang="\(l == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>
            body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:2em;color:#222;max-width:60em}
            h1{font-size:1.5em;margin-bottom:0}.period{color:#666;margin-top:.2em}
            h2{font-size:1.1em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.5em;break-after:avoid}
            table{border-collapse:collapse;width:36em;table-layout:fixed}th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}
            table th:first-child{width:60%}table.grid{width:auto;min-width:36em;table-layout:auto}table.grid th:first-child{width:auto}
            td{text-align:right;font-variant-numeric:tabular-nums}th{font-weight:normal;background:#f7f7f7}
            .charts{display:flex;flex-wrap:wrap;gap:1.5em}.chart{break-inside:avoid}.chart h3{font-size:.95em;margin:.3em 0}
            dt{font-weight:bold;margin-top:.4em}dd{margin-left:1em;color:#444}
            *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
            @page{size:A4;margin:14mm}
            @media print{body{margin:0;max-width:none;font-size:10pt}a{color:inherit}.charts{gap:.8em}table,tr,.chart,dt,dd{break-inside:avoid}h2{break-after:avoid;margin-top:1em}}
            </style></head><body>
            \(body)</body></html>
            """
    }

    private func chart(title: String, bars: [(String, Int)]) -> String {
        let width = 300, rowHeight = 20, labelWidth = 110
        let height = max(1, bars.count) * rowHeight + 4
        let top = max(1, bars.map(\.1).max() ?? 1)
        var svg = "<div class=\"chart\"><h3>\(escape(title))</h3><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(escape(title))\">"
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 2
            let length = Int(Double(width - labelWidth - 40) * Double(bar.1) / Double(top))
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 14)\" text-anchor=\"end\" font-size=\"12\">\(escape(String(bar.0.prefix(14))))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(max(length, bar.1 > 0 ? 2 : 0))\" height=\"14\" fill=\"#4a7ab5\"/>"
            svg += "<text x=\"\(labelWidth + length + 4)\" y=\"\(y + 14)\" font-size=\"12\">\(bar.1)</text>"
        }
        return svg + "</svg></div>"
    }

    private func escape(_ text: String) -> String {
        TerminalText.sanitize(text).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
