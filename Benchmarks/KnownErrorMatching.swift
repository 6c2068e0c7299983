import Foundation
import ShiftDeskCore

/// Known-error matching as a desk agent types a call's title (issue 14): 10,000 known errors,
/// every prefix of a few bilingual titles matched as one keystroke each. Budget: the filter's,
/// p99 ≤ 16 ms per key.
func knownErrorBenchmark() async throws {
    var random = SeededRandom(seed: 14)
    let devices = ["打印机", "扫描仪", "笔记本", "显示器", "交换机", "VPN", "Outlook", "SAP", "OA 系统", "邮件服务器", "Wi-Fi", "Teams",
                   "printer", "scanner", "laptop", "monitor", "switch", "mailbox", "database", "badge reader"]
    let faults = ["卡纸", "无法打印", "蓝屏", "频繁断线", "无法登录", "很慢", "黑屏", "无法同步", "报错 500", "证书过期",
                  "jams", "cannot print", "blue screen", "drops every few minutes", "login fails", "very slow", "no signal",
                  "does not sync", "certificate expired", "times out"]
    let places = ["三楼", "财务部", "会议室", "销售部", "仓库", "floor 3", "finance", "meeting room", "sales", "warehouse"]
    func pick(_ list: [String]) -> String { list[Int(random.next() % UInt64(list.count))] }
    var entries: [KnownErrorIndex.Entry] = []
    for number in 1...10_000 {
        let symptom = "\(pick(places)) \(pick(devices)) \(pick(faults)) \(number % 97)"
        let known = KnownError(symptom: symptom, workaround: "workaround \(number)", publishedBy: "he.jun", publishedAt: t0)
        let problem = Problem(id: ProblemID(Int64(number)), title: "\(pick(devices)) \(pick(faults))", state: .analysis,
                              raisedBy: "chen.jing", raisedAt: t0, knownError: known)
        entries.append(KnownErrorIndex.Entry(problem: problem, knownError: known, services: [pick(devices)]))
    }
    let build = await measure(3) { _ = KnownErrorIndex(entries) }
    line("known errors: index 10,000 (tokens of every symptom and title)", build)
    let index = KnownErrorIndex(entries)
    var found = 0
    var keys: [Double] = []
    for title in ["财务部打印机又卡纸了，无法打印", "my laptop shows a blue screen after the update", "三楼会议室 Wi-Fi 频繁断线",
                  "Outlook does not sync the shared mailbox"] {
        var typed = ""
        for character in title {
            typed.append(character)
            let prefix = typed
            keys += await measure(1) { found += index.matches(title: prefix, service: "打印机").count }
        }
    }
    line("known errors: match per keystroke, 10,000 known errors (budget p99 16 ms)", keys.sorted())
    print("  \(found) matches offered over \(keys.count) keystrokes")
}
