import Foundation
import ShiftDeskLaunch
import ShiftDeskCore

/// Runs the nightly backup for the escalator: `shiftdesk backup` in a process of its own (the
/// same verified copy an administrator takes by hand), then drops the copies beyond `keep`.
struct NightlyBackupRunner {
    let plan: NightlyBackup
    let databasePath: String
    let zone: TimeZone
    let language: Language

    /// Takes today's copy when due; returns what happened, for the log (nil: nothing to do).
    func runIfDue(now: Date) -> String? {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: plan.folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return language.pick(en: "nightly backup: cannot create \(plan.folder): \(error.localizedDescription)",
                                 zh: "每日备份：无法创建 \(plan.folder)：\(error.localizedDescription)")
        }
        let existing = (try? fileManager.contentsOfDirectory(atPath: plan.folder)) ?? []
        guard let name = plan.due(now: now, in: zone, existing: existing) else { return nil }
        let target = (plan.folder as NSString).appendingPathComponent(name)
        let status = Self.run([KeyBlock.executablePath(), "backup", target, "--db", databasePath])
        guard status == 0 else {
            return language.pick(en: "nightly backup to \(target) failed (exit \(status)); the escalator retries in a minute",
                                 zh: "每日备份到 \(target) 失败（退出码 \(status)）；一分钟后重试")
        }
        var removed: [String] = []
        for old in plan.expired(existing + [name]) where unlink((plan.folder as NSString).appendingPathComponent(old)) == 0 {
            removed.append(old)
        }
        return language.pick(en: "nightly backup written and verified: \(target)" + (removed.isEmpty ? "" : "; removed \(removed.joined(separator: ", "))"),
                             zh: "每日备份已写入并通过核验：\(target)" + (removed.isEmpty ? "" : "；已删除 \(removed.joined(separator: "、"))"))
    }

    /// The backup as a process of its own (ShiftDeskLaunch: not Foundation's Process).
    static func run(_ arguments: [String]) -> Int32 {
        (try? Launched.run(arguments)) ?? 127
    }
}
