import Foundation

/// The mail of a report delivery (ROLES.md, incident manager 5–8): the report as readable text
/// in the body, the same as HTML, and its CSV and JSON attached; the subject names the desk, the
/// report and the period (and says "correction" for a delivery again).
public enum ReportMail {
    /// The desk's name when `[desk] name` is not set.
    public static let defaultDeskName = "ShiftDesk"

    public static func subject(_ delivery: ReportDelivery, deskName: String, language l: Language) -> String {
        let period = delivery.period
        let what: (en: String, zh: String)
        switch (delivery.report, delivery.kind) {
        case (.workload, _): what = ("Workload report of desk, L1 and L2", "服务台及一二线工作量报告")
        case (.incidents, .quarter): what = ("Incident management quarterly report", "事件管理季度报告")
        case (.incidents, .year): what = ("Incident management annual report", "事件管理年度报告")
        case (.incidents, _): what = ("Incident management monthly report", "事件管理月度报告")
        }
        let desk = TerminalText.sanitize(deskName)
        let correction = delivery.isCorrection ? l.pick(en: "Correction \(delivery.sequence): ", zh: "更正 \(delivery.sequence)：") : ""
        return "[\(desk)] " + correction + l.pick(en: "\(what.en) \(period)", zh: "\(what.zh) \(period)")
    }

    /// The file names of the attachments: `incident-report-2026-11.csv`, `workload-2026-11.json`.
    public static func fileName(_ delivery: ReportDelivery, extension ext: String) -> String {
        let base = delivery.report == .incidents ? "incident-report" : "workload"
        let suffix = delivery.isCorrection ? "-correction-\(delivery.sequence)" : ""
        return "\(base)-\(ResultNotice.idPart(delivery.period))\(suffix).\(ext)"
    }

    /// The outbox message of `delivery` (recorded, with its id and sequence) carrying `report`,
    /// for the role the report goes to, addressed when it is sent.
    public static func compose(_ delivery: ReportDelivery, report: KPIReport, deskName: String, language: Language) -> OutboxMessage {
        let body: String, html: String, csv: String, json: String
        switch delivery.report {
        case .incidents:
            let renderer = ReportRenderer(report: report, language: language)
            (body, html, csv, json) = (renderer.markdown, renderer.html, renderer.csv, renderer.json.serialized(pretty: true) + "\n")
        case .workload:
            let renderer = WorkloadReport(report: report, language: language)
            (body, html, csv, json) = (renderer.markdown, renderer.html, renderer.csv, renderer.json.serialized(pretty: true) + "\n")
        }
        let parts = [
            MailPart(role: .alternative, contentType: "text/html", content: html),
            MailPart(role: .attachment, contentType: "text/csv", fileName: fileName(delivery, extension: "csv"), content: csv),
            MailPart(role: .attachment, contentType: "application/json", fileName: fileName(delivery, extension: "json"), content: json),
        ]
        return OutboxMessage(delivery: delivery.id, kind: delivery.report.messageKind, recipientRole: delivery.role,
                             subject: subject(delivery, deskName: deskName, language: language), body: body, parts: parts,
                             createdAt: delivery.at, messageID: delivery.messageID)
    }
}
