import Foundation
import ShiftDeskLaunch
import ShiftDeskCore
import Testing

/// What real machines do to a desk database, through the real binary: a full disk, a
/// file-size limit, a lock held too long, a file the account may not write, a damaged file, a
/// file that is not a desk, a desk from a newer ShiftDesk. Each gives one clear line on stderr
/// and exit 1, writes nothing, and never crashes; what was committed before is still there.
@Suite("Faults: the database under a broken machine", .serialized)
struct FaultTests {
    static let isRoot = getuid() == 0

    /// A command's result, with how it ended (a signal is a crash).
    struct Ended {
        let result: CLI.Result
        let signalled: Bool
    }

    /// Runs the binary through `wrapper` (setpriv, prlimit …), as `cli.run` otherwise would.
    static func run(_ cli: CLI, through wrapper: [String], _ arguments: [String], environment: [String: String] = [:]) throws -> Ended {
        var copy = cli
        for (key, value) in environment { copy.environment[key] = value }
        let (command, env) = copy.invocation(arguments)
        let ended = try Capturing(wrapper + command, environment: env).finish(upTo: CLI.patience)
        // Exit statuses past 128 are deaths by a signal (the binary's own are 0, 1 and 2).
        return Ended(result: CLI.Result(ended, arguments), signalled: ended.status > 128)
    }

    /// Refused the way every refusal must be: exit 1, one line on stderr naming `cause`, no crash.
    static func expectRefused(_ ended: Ended, naming cause: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let stderr = ended.result.stderr
        #expect(!ended.signalled, "crashed: \(stderr)", sourceLocation: sourceLocation)
        #expect(ended.result.status == 1, "\(stderr)", sourceLocation: sourceLocation)
        #expect(stderr.hasPrefix("shiftdesk: ") && stderr.split(separator: "\n").count == 1, "\(stderr)", sourceLocation: sourceLocation)
        #expect(stderr.contains(cause), "expected \(cause): \(stderr)", sourceLocation: sourceLocation)
        #expect(!stderr.contains("Fatal error") && !stderr.contains("disk I/O error\n"), "\(stderr)", sourceLocation: sourceLocation)
    }

    /// The file's bytes, to show a refused command left it as it was.
    static func contents(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func notes(_ cli: CLI, like prefix: String) throws -> [String] {
        try AuditCommandTests.sqlite(cli.database, "SELECT note FROM events WHERE note LIKE '\(prefix)%' ORDER BY id")
            .split(separator: "\n").map(String.init)
    }

    /// After a fault: the file is sound, the chain verifies, and exactly the acknowledged notes are there.
    static func expectWhole(_ cli: CLI, acknowledged: [String], prefix: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try AuditCommandTests.sqlite(cli.database, "PRAGMA integrity_check") == "ok", sourceLocation: sourceLocation)
        #expect(try notes(cli, like: prefix) == acknowledged, sourceLocation: sourceLocation)
        let verified = try cli.run("audit", "verify")
        #expect(verified.status == 0, "\(verified.stderr)", sourceLocation: sourceLocation)
    }

    /// The largest file this process may write: `prlimit` sets it on the command alone. The
    /// binary ignores SIGXFSZ itself (the wrapper does not), so the write fails with EFBIG and
    /// is reported instead of killing the process.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"), "needs prlimit (util-linux)"))
    func aFileSizeLimitDuringWritesFailsNamingItAndKeepsEverythingCommitted() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("ticket", "new", "--title", "磁盘", "--caller", "王小明", "--as", "desk1")
        var acknowledged: [String] = []
        for index in 1...3 {
            try cli.expectSuccess("ticket", "note", "1", "before-\(index)", "--as", "desk1")
            acknowledged.append("before-\(index)")
        }
        // Above the 32 KiB shared-memory file SQLite keeps beside the desk, far below the desk:
        // the write-ahead log fills within a few notes.
        let limit = ["/usr/bin/prlimit", "--fsize=\(32_768 + 6 * 4_120)"]
        var failure: Ended?
        for index in 1...40 {
            let note = "limited-\(index) " + String(repeating: "满", count: 1_200)
            let ended = try Self.run(cli, through: limit, ["ticket", "note", "1", note, "--as", "desk1"])
            #expect(!ended.signalled, "killed: \(ended.result.stderr)")
            if ended.result.status == 0 {
                #expect(ended.result.stderr.isEmpty, "\(ended.result.stderr)")
                acknowledged.append(note)
                continue
            }
            failure = ended
            break
        }
        let refused = try #require(failure, "40 notes fitted under the limit")
        Self.expectRefused(refused, naming: "file-size limit")
        #expect(refused.result.stderr.contains("nothing was written"))
        // Without the limit the desk opens with everything committed before, and works.
        #expect(try AuditCommandTests.sqlite(cli.database, "PRAGMA integrity_check") == "ok")
        #expect(try Self.notes(cli, like: "before-") + Self.notes(cli, like: "limited-") == acknowledged)
        #expect(try cli.run("audit", "verify").status == 0)
        try cli.expectSuccess("ticket", "note", "1", "after", "--as", "desk1")
    }

    /// A tiny tmpfs (root only, where mounting works): the disk fills during a run of writes.
    @Test(.enabled(if: FaultTests.canMountTmpfs, "needs root and a kernel that lets it mount a tmpfs here"))
    func aFullDiskDuringWritesFailsNamingItAndKeepsEverythingCommitted() throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-full-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        guard Self.shell("/bin/mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mount]) == 0 else {
            Issue.record("mount failed")
            return
        }
        defer {
            _ = Self.shell("/bin/umount", [mount])
            try? FileManager.default.removeItem(atPath: mount)
        }
        let cli = try CLI.staffedDesk(on: CLI(database: mount + "/desk.sqlite"))
        try cli.expectSuccess("ticket", "new", "--title", "磁盘满", "--caller", "王小明", "--as", "desk1")
        // Fill the disk, leaving room for SQLite's shared memory and a little more.
        let filler = mount + "/filler"
        let free = try #require((try FileManager.default.attributesOfFileSystem(forPath: mount)[.systemFreeSize] as? NSNumber)?.intValue)
        try Data(count: max(0, free - 96 * 1024)).write(to: URL(fileURLWithPath: filler))
        var acknowledged: [String] = []
        var failure: Ended?
        for index in 1...60 {
            let note = "full-\(index) " + String(repeating: "盘", count: 1_300)
            let ended = try Self.run(cli, through: [], ["ticket", "note", "1", note, "--as", "desk1"])
            if ended.result.status == 0 { acknowledged.append(note); continue }
            failure = ended
            break
        }
        let refused = try #require(failure, "60 notes fitted on the disk")
        Self.expectRefused(refused, naming: "is full")
        try FileManager.default.removeItem(atPath: filler)
        #expect(try AuditCommandTests.sqlite(cli.database, "PRAGMA integrity_check") == "ok")
        #expect(try Self.notes(cli, like: "full-") == acknowledged)
        #expect(try cli.run("audit", "verify").status == 0)
        try cli.expectSuccess("ticket", "note", "1", "after", "--as", "desk1")
    }

    /// The same on PostgreSQL: the desk's database lives in a tablespace on a tiny tmpfs (the
    /// write-ahead log stays on the cluster's disk, as a real server keeps it apart). The write
    /// that no longer fits is refused naming the full disk; the server stays up; once space is
    /// freed every acknowledged note is there, the record verifies and the desk takes writes again.
    @Test(.enabled(if: FaultTests.canMountTmpfs, "needs root and a kernel that lets it mount a tmpfs here"),
          .enabled(if: CLI.postgresServer != nil, "SHIFTDESK_TEST_POSTGRES is not set"))
    func aFullDiskUnderPostgreSQLFailsNamingItAndKeepsEverythingCommitted() throws {
        let server = try PrivatePostgres()
        defer { server.destroy() }
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-pgfull-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        guard Self.shell("/bin/mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", mount]) == 0 else {
            Issue.record("mount failed")
            return
        }
        defer {
            _ = Self.shell("/bin/umount", [mount])
            try? FileManager.default.removeItem(atPath: mount)
        }
        let space = mount + "/space"
        try FileManager.default.createDirectory(atPath: space, withIntermediateDirectories: true)
        _ = Self.shell("/bin/chown", ["postgres:postgres", space])
        try server.sql("CREATE TABLESPACE small LOCATION '\(space)'")
        try server.sql("CREATE DATABASE shiftdesk TABLESPACE small")
        let cli = try CLI.staffedDesk(on: CLI(database: server.url))
        try cli.expectSuccess("ticket", "new", "--title", "磁盘满", "--caller", "王小明", "--as", "desk1")
        let filler = mount + "/filler"
        let free = try #require((try FileManager.default.attributesOfFileSystem(forPath: mount)[.systemFreeSize] as? NSNumber)?.intValue)
        try Data(count: max(0, free - 160 * 1024)).write(to: URL(fileURLWithPath: filler))
        var acknowledged: [Int] = []
        var failure: Ended?
        for index in 1...200 {
            // Text that does not compress (TOAST would shrink a repeated character to nothing, and
            // autovacuum reuses the space of the rows each note replaces).
            let text = String(String.UnicodeScalarView((0..<1_300).compactMap { UnicodeScalar(0x4E00 + (index * 7_919 + $0 * 104_729) % 20_000) }))
            let ended = try Self.run(cli, through: [], ["ticket", "note", "1", "full-\(index) " + text, "--as", "desk1"])
            if ended.result.status == 0 { acknowledged.append(index); continue }
            failure = ended
            break
        }
        let refused = try #require(failure, "200 notes fitted in the tablespace")
        Self.expectRefused(refused, naming: "is full")
        try FileManager.default.removeItem(atPath: filler)
        let shown = try cli.expectSuccess("ticket", "show", "1", "--json").stdout
        for index in acknowledged { #expect(shown.contains("full-\(index) "), "acknowledged note \(index) is missing") }
        #expect(!shown.contains("full-\((acknowledged.last ?? 0) + 1) "), "the refused note was written")
        #expect(try cli.run("audit", "verify").status == 0)
        try cli.expectSuccess("ticket", "note", "1", "after", "--as", "desk1")
    }

    static let canMountTmpfs: Bool = {
        guard isRoot else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-probe-\(UUID().uuidString)").path
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard shell("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]) == 0 else { return false }
        return shell("/bin/umount", [probe]) == 0
    }()

    /// The exit status of a system tool (-1 when it cannot start).
    static func shell(_ executable: String, _ arguments: [String]) -> Int32 {
        (try? Launched.run([executable] + arguments)) ?? -1
    }

    /// Another process (the `sqlite3` shell) holds the write lock with BEGIN IMMEDIATE past the
    /// busy timeout: a write gives up naming it, a read goes on, nothing is lost.
    @Test func aDatabaseLockedByALongWriterIsNamedAndNothingIsWritten() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("ticket", "new", "--title", "锁", "--caller", "王小明", "--as", "desk1")
        // The desk at work, as on a real host: its escalator keeps it open.
        let escalator = try cli.start(["escalator", "--no-deliver"])
        defer { escalator.stop() }
        usleep(800_000)
        let input = try LaunchPipe(), output = try LaunchPipe()
        let holder = try Launched.start(["/usr/bin/sqlite3", cli.database], input: .descriptor(input.reading),
                                        output: .descriptor(output.writing), errors: .null)
        input.closeReading()
        output.closeWriting()
        defer {
            holder.stop()
            output.closeReading()
        }
        input.write(Data("BEGIN IMMEDIATE;\nSELECT 'held';\n".utf8))
        var seen = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: seen, as: UTF8.self).contains("held") {
            let count = read(output.reading, &buffer, buffer.count)
            if count <= 0 { break }
            seen.append(contentsOf: buffer[0..<count])
        }
        #expect(String(decoding: seen, as: UTF8.self).contains("held"))
        let started = Date()
        let blocked = try Self.run(cli, through: [], ["ticket", "note", "1", "while-locked", "--as", "desk1"],
                                   environment: ["SHIFTDESK_BUSY_TIMEOUT": "2"])
        #expect(Date().timeIntervalSince(started) >= 2)
        Self.expectRefused(blocked, naming: "busy: another process has held its write lock for more than 2 s")
        #expect(blocked.result.stderr.contains("nothing was written"))
        // Readers are not held up by a writer.
        #expect(try Self.run(cli, through: [], ["ticket", "show", "1"]).result.status == 0)
        input.write(Data("ROLLBACK;\n.quit\n".utf8))
        input.closeWriting()
        #expect(holder.wait(upTo: 30) == 0)
        #expect(try Self.notes(cli, like: "while-locked") == [])
        try cli.expectSuccess("ticket", "note", "1", "after-the-lock", "--as", "desk1")
        try Self.expectWhole(cli, acknowledged: ["after-the-lock"], prefix: "after-the-lock")
    }

    /// Permissions, with another account where the tests run as root (root ignores them).
    static var asAnotherAccount: [String] {
        isRoot ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
    }

    @Test(.enabled(if: !FaultTests.isRoot || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv to drop root"))
    func aReadOnlyDeskAFileWithoutPermissionAndAMissingFolderAreNamed() throws {
        let cli = try CLI.staffedDesk()
        try cli.expectSuccess("ticket", "new", "--title", "权限", "--caller", "王小明", "--as", "desk1")
        let folder = (cli.database as NSString).deletingLastPathComponent
        let files = FileManager.default
        let before = try Self.contents(cli.database)
        let who = Self.isRoot ? "nobody" : (ProcessInfo.processInfo.environment["USER"] ?? "")

        // Not readable at all (the desk is 0600 and belongs to another account).
        try files.setAttributes([.posixPermissions: Self.isRoot ? 0o600 : 0o000], ofItemAtPath: cli.database)
        let unreadable = try Self.run(cli, through: Self.asAnotherAccount, ["ticket", "list"])
        Self.expectRefused(unreadable, naming: "permission denied: \(who) may not open \(cli.database)")

        // Readable, but the file is read-only for the account (the folder lets it keep SQLite's
        // files beside the desk): reads work, a write is refused naming the cause.
        try files.setAttributes([.posixPermissions: 0o444], ofItemAtPath: cli.database)
        try files.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
        let read = try Self.run(cli, through: Self.asAnotherAccount, ["ticket", "show", "1"])
        #expect(read.result.status == 0, "\(read.result.stderr)")
        let write = try Self.run(cli, through: Self.asAnotherAccount, ["ticket", "note", "1", "read-only", "--as", "desk1"])
        Self.expectRefused(write, naming: "is read-only for \(who)")

        // Readable, but the folder does not let the account create SQLite's files beside it.
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        for name in try files.contentsOfDirectory(atPath: folder) where name.hasSuffix("-wal") || name.hasSuffix("-shm") {
            try files.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
        if Self.isRoot {
            let beside = try Self.run(cli, through: Self.asAnotherAccount, ["ticket", "note", "1", "no-folder", "--as", "desk1"])
            Self.expectRefused(beside, naming: "nobody")
        }
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: cli.database)
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
        #expect(try Self.contents(cli.database) == before)
        #expect(try Self.notes(cli, like: "read-only") == [] && Self.notes(cli, like: "no-folder") == [])

        // A missing folder: nothing is made for a command that is not `init`; `init` where the
        // folder cannot be made says why.
        let missing = CLI(database: folder + "/no/such/folder/desk.sqlite")
        Self.expectRefused(try Self.run(missing, through: [], ["ticket", "list"]), naming: "shiftdesk init")
        #expect(!files.fileExists(atPath: folder + "/no"))
        try Data("a file".utf8).write(to: URL(fileURLWithPath: folder + "/plain"))
        let underAFile = CLI(database: folder + "/plain/desk.sqlite")
        Self.expectRefused(try Self.run(underAFile, through: [], ["init"]), naming: "cannot create its folder: \(folder)/plain is a file")
    }

    /// Garbage over some of the desk's pages (seeded): every command either works on what is
    /// sound or names the damage; none crashes, and a refused write leaves the file as it was.
    @Test(arguments: [UInt64(1), 2, 3])
    func aDamagedDeskIsNamedAndNothingIsWritten(_ seed: UInt64) throws {
        let cli = try CLI.withFreshDatabase()
        try cli.expectSuccess("init", "--demo", "--now", AuditCommandTests.now)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: cli.database))
        let pageSize = 4_096
        let pages = bytes.count / pageSize
        var random = SeededRandom(seed: seed)
        // Keep page 1 (the header and the start of the schema); overwrite three runs of pages.
        for _ in 0..<3 {
            let first = Int.random(in: 1..<max(2, pages - 4), using: &random)
            let count = Int.random(in: 1...3, using: &random)
            for page in first..<min(pages, first + count) {
                for offset in (page * pageSize)..<((page + 1) * pageSize) { bytes[offset] = UInt8.random(in: 0...255, using: &random) }
            }
        }
        // (The sqlite3 shell itself crashed on some of these files: it is not asked.)
        try bytes.write(to: URL(fileURLWithPath: cli.database))
        var damageNamed = false
        let commands: [[String]] = [
            ["ticket", "list", "--all"], ["ticket", "show", "5"], ["audit", "verify"],
            ["report", "month", "--period", "2026-11", "--now", AuditCommandTests.now],
            ["ticket", "note", "INC-000005", "note-on-a-damaged-desk", "--as", "zhang.wei"],
            ["ticket", "new", "--title", "title-on-a-damaged-desk", "--caller", "x", "--as", "zhang.wei"],
        ]
        for command in commands {
            let ended = try Self.run(cli, through: [], command)
            #expect(!ended.signalled, "seed \(seed) \(command): crashed: \(ended.result.stderr)")
            #expect(ended.result.status == 0 || ended.result.status == 1, "seed \(seed) \(command): \(ended.result.stderr)")
            guard ended.result.status == 1 else { continue }
            #expect(ended.result.stderr.split(separator: "\n").count == 1, "seed \(seed) \(command): \(ended.result.stderr)")
            if ended.result.stderr.contains("is damaged") || ended.result.stderr.contains("does not hold") { damageNamed = true }
            if command[1] == "note" || command[1] == "new" {
                // Refused: its text is nowhere in the desk or its log. (The file's header may
                // change all the same: opening a pool, GRDB makes sure the WAL holds a frame.)
                let marker = Data(command[3].utf8)
                for file in [cli.database, cli.database + "-wal"] where FileManager.default.fileExists(atPath: file) {
                    #expect(try Self.contents(file).range(of: marker) == nil, "seed \(seed) \(command): refused, yet written")
                }
            }
        }
        #expect(damageNamed, "seed \(seed): no command named the damage")
    }

    /// A cut-short desk, another program's SQLite database, a desk from a newer ShiftDesk:
    /// refused, named, left byte for byte as they were.
    @Test func filesThatAreNotThisDeskAreRefusedAndLeftAsTheyWere() throws {
        let folder = try CLI.withFreshDatabase()
        let base = (folder.database as NSString).deletingLastPathComponent

        let foreign = CLI(database: base + "/customers.sqlite")
        try AuditCommandTests.sqlite(foreign.database, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('王小明')")
        let foreignBefore = try Self.contents(foreign.database)
        for command in [["ticket", "list"], ["init"], ["migrate"]] {
            Self.expectRefused(try Self.run(foreign, through: [], command), naming: "another program")
        }
        #expect(try Self.contents(foreign.database) == foreignBefore)
        #expect(!FileManager.default.fileExists(atPath: foreign.database + "-wal"))

        let newer = try CLI.staffedDesk()
        try AuditCommandTests.sqlite(newer.database, "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        let newerBefore = try Self.contents(newer.database)
        for command in [["ticket", "list"], ["ticket", "new", "--title", "x", "--caller", "y", "--as", "desk1"], ["init"], ["migrate"]] {
            Self.expectRefused(try Self.run(newer, through: [], command), naming: "newer ShiftDesk")
        }
        #expect(try Self.contents(newer.database) == newerBefore)

        let cut = try CLI.withFreshDatabase()
        try cut.expectSuccess("init", "--demo", "--now", AuditCommandTests.now)
        let whole = try Data(contentsOf: URL(fileURLWithPath: cut.database))
        try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: cut.database))
        let cutBefore = try Self.contents(cut.database)
        for command in [["ticket", "list", "--all"], ["audit", "verify"], ["ticket", "note", "INC-000050", "x", "--as", "zhang.wei"]] {
            let ended = try Self.run(cut, through: [], command)
            #expect(!ended.signalled, "\(command): \(ended.result.stderr)")
            Self.expectRefused(ended, naming: "damaged")
        }
        #expect(try Self.contents(cut.database) == cutBefore)
    }
}
