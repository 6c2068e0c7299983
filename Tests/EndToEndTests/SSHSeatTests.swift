import Foundation
import ShiftDeskLaunch
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Seats over SSH, end to end: a private `sshd` on a loopback port (its own host key and config,
/// stopped afterwards) lets two operators in with their own keys, each forced to
/// `shiftdesk serve LOGIN`. Where sshd cannot start, `SSHServeRefusalTests` still covers every
/// refusal by running `serve` directly with `SSH_ORIGINAL_COMMAND`.
final class SSHSeatTests: XCTestCase {
    func testTwoOperatorsActAsThemselvesThroughARealSSHServer() throws {
        let folder = try Self.folder()
        var cli = try CLI.staffedDesk()
        cli.environment["SHIFTDESK_AUTHORIZED_KEYS"] = folder + "/authorized_keys"
        try Data("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIForeignLineKeptAsIs foreign\n".utf8).write(to: URL(fileURLWithPath: folder + "/authorized_keys"))
        let sshd = try PrivateSSHD(folder: folder)
        defer { sshd.stop() }
        let desk = try SSHKey(folder: folder, name: "desk1")
        let line1 = try SSHKey(folder: folder, name: "l1a")
        try cli.expectSuccess("operator", "key", "add", "desk1", desk.publicKey)
        try cli.expectSuccess("operator", "key", "add", "l1a", line1.publicKey)
        let keys = try String(contentsOfFile: folder + "/authorized_keys", encoding: .utf8)
        XCTAssertTrue(keys.hasPrefix("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIForeignLineKeptAsIs foreign\n"))

        // Each runs commands as themselves.
        let new = try sshd.run(desk, "ticket new --title 'VPN 断线' --caller '王 伟' --priority minor --json")
        XCTAssertEqual(new.status, 0, new.stderr)
        let id = try XCTUnwrap((new.json as? [String: Any])?["id"] as? String)
        XCTAssertEqual(try sshd.run(desk, "ticket escalate \(id) --to l1 --note '需要现场'").status, 0)
        let take = try sshd.run(line1, "ticket take \(id)")
        XCTAssertEqual(take.status, 0, take.stderr)

        // Forged identity, time, database and the administrator's commands are refused, each with a reason.
        for forged in ["ticket resolve \(id) --note x --as im1", "ticket note \(id) x --now 2026-01-01T00:00:00Z",
                       "ticket list --db /tmp/other.sqlite", "init", "operator add x --name X --role im", "migrate"] {
            let refused = try sshd.run(line1, forged)
            XCTAssertEqual(refused.status, 1, "ran: \(forged)")
            XCTAssertTrue(refused.stderr.contains("shiftdesk:"), "no reason for \(forged): \(refused.stderr)")
        }
        // No shell ever sees the command: this is a note's text.
        let marker = folder + "/pwned"
        XCTAssertEqual(try sshd.run(line1, "ticket note \(id) \"$(touch \(marker))\"").status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))

        // Each lands in their own console queue, in the SSH session's terminal, zh and en.
        try Tmux.requireInstalled()
        let deskConsole = try Tmux(command: sshd.client(desk, terminal: true, command: nil), columns: 80, rows: 24,
                                   environment: ["LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"])
        let deskScreen = try deskConsole.wait(for: "F10退出", timeout: 20)
        XCTAssertTrue(deskScreen.contains("服务台"), deskScreen)
        let lineConsole = try Tmux(command: sshd.client(line1, terminal: true, command: nil), columns: 200, rows: 60,
                                   environment: ["LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8"])
        let lineScreen = try lineConsole.wait(for: "F10Quit", timeout: 20)
        XCTAssertTrue(lineScreen.contains(id), lineScreen)
        // Resizes follow through the SSH session.
        try lineConsole.resize(columns: 100, rows: 30)
        _ = try lineConsole.wait(timeout: 10, description: "a 100-column frame") { screen in
            screen.split(separator: "\n").contains { $0.contains("F10Quit") } && !screen.split(separator: "\n").contains { $0.count > 100 }
        }
        try deskConsole.sendKeys("F10")
        try lineConsole.sendKeys("F10")
        try deskConsole.wait(for: "[exited 0]")
        try lineConsole.wait(for: "[exited 0]")

        // A disabled operator's next login is refused; the other still gets in.
        try cli.expectSuccess("operator", "disable", "desk1")
        XCTAssertNotEqual(try sshd.run(desk, "ticket list").status, 0)
        XCTAssertEqual(try sshd.run(line1, "ticket list").status, 0)

        // The actor of every event is the key's operator.
        let show = try cli.expectSuccess("ticket", "show", id, "--json")
        let events = try XCTUnwrap((show.json as? [String: Any])?["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["actor"] as? String }, ["desk1", "desk1", "l1a", "l1a"])
        // Every one of them came through serve; the administrator's disable is the local shell's.
        XCTAssertEqual(Set(events.map { $0["origin"] as? String }), ["serve"])
        XCTAssertTrue(events.contains { ($0["note"] as? String)?.contains("$(touch") == true })
    }

    static func folder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shiftdesk-ssh-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }
}

/// `serve` run directly with SSH_ORIGINAL_COMMAND, as sshd runs it: the same refusals, on every machine.
final class SSHServeRefusalTests: XCTestCase {
    func testServeActsAsItsLoginOnlyAndRefusesTheAdministratorsOptions() throws {
        let cli = try CLI.staffedDesk()
        func serve(_ login: String, _ command: String?) throws -> CLI.Result {
            var seat = cli
            seat.environment["SHIFTDESK_DB"] = cli.database
            seat.environment["SHIFTDESK_OPERATOR"] = "im1"  // ignored over SSH: the key decides
            if let command { seat.environment["SSH_ORIGINAL_COMMAND"] = command }
            return try seat.run(["serve", login], withDatabase: false)
        }
        let new = try serve("desk1", "ticket new --title 'Outlook 不同步' --caller 'Emily Wong' --json")
        XCTAssertEqual(new.status, 0, new.stderr)
        let id = try XCTUnwrap((new.json as? [String: Any])?["id"] as? String)
        let refusals: [(String, String)] = [
            ("ticket take \(id) --as im1", "--as"), ("ticket take \(id) --as=im1", "--as"),
            ("ticket note \(id) x --now 2026-01-01T00:00:00Z", "--now"), ("ticket list --db /tmp/x.sqlite", "--db"),
            ("ticket list --policy /tmp/p.toml", "--policy"), ("ticket list --config /tmp/c.toml", "--config"),
            ("report month -o /root/.ssh/authorized_keys", "-o"), ("init", "init"), ("migrate", "migrate"),
            ("operator add x --name X --role im", "operator"), ("import --format csv /etc/passwd", "import"),
            ("restore /tmp/x", "restore"), ("console --theme /etc/passwd", "--theme"), ("ticket note \(id) 'open", "quote"),
        ]
        for (command, named) in refusals {
            let result = try serve("desk1", command)
            XCTAssertEqual(result.status, 1, "ran: \(command)")
            XCTAssertTrue(result.stderr.contains(named), "\(command): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line: \(result.stderr)")
        }
        // Unknown and disabled logins are refused before anything opens.
        XCTAssertTrue(try serve("nobody", "ticket list").stderr.contains("nobody is not an operator"))
        // Without a terminal, the console says how to get one.
        XCTAssertTrue(try serve("desk1", nil).stderr.contains("ssh -t"))
        try cli.expectSuccess("operator", "disable", "desk1")
        let disabled = try serve("desk1", "ticket list")
        XCTAssertEqual(disabled.status, 1)
        XCTAssertTrue(disabled.stderr.contains("disabled"), disabled.stderr)

        // The call desk1 logged and held went back to the queue when they were disabled, by the administrator.
        let show = try cli.expectSuccess("ticket", "show", id, "--json")
        let events = try XCTUnwrap((show.json as? [String: Any])?["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["kind"] as? String }, ["opened", "released"])
        XCTAssertEqual(events.first?["actor"] as? String, "desk1")
        XCTAssertEqual(events.map { $0["origin"] as? String }, ["serve", "local"])
    }

    func testKeysAreCheckedAndTheBlockKeepsForeignLines() throws {
        var cli = try CLI.staffedDesk()
        let folder = try SSHSeatTests.folder()
        cli.environment["SHIFTDESK_AUTHORIZED_KEYS"] = folder + "/authorized_keys"
        let foreign = "no-pty ssh-rsa AAAAB3NzaC1yc2E backup@host\r\n# hand-written\n\n"
        try Data(foreign.utf8).write(to: URL(fileURLWithPath: folder + "/authorized_keys"))
        let key = try SSHKey(folder: folder, name: "k")
        try cli.expectSuccess("operator", "key", "add", "desk1", key.publicKey)
        let refusedTwice = try cli.run("operator", "key", "add", "l1a", key.publicKey)
        XCTAssertEqual(refusedTwice.status, 1)
        XCTAssertTrue(refusedTwice.stderr.contains("already given to desk1"), refusedTwice.stderr)
        try Data("ssh-dss AAAAB3NzaC1kc3MAAACBAP x\n".utf8).write(to: URL(fileURLWithPath: folder + "/dsa.pub"))
        XCTAssertTrue(try cli.run("operator", "key", "add", "l1a", folder + "/dsa.pub").stderr.contains("not supported"))
        try Data("hello world\n".utf8).write(to: URL(fileURLWithPath: folder + "/junk.pub"))
        XCTAssertEqual(try cli.run("operator", "key", "add", "l1a", folder + "/junk.pub").status, 1)

        let list = try cli.expectSuccess("operator", "key", "list", "--json")
        let keys = try XCTUnwrap(list.json as? [[String: Any]])
        XCTAssertEqual(keys.count, 1)
        let fingerprint = try XCTUnwrap(keys.first?["fingerprint"] as? String)
        XCTAssertEqual(fingerprint, try key.fingerprint())
        var text = try String(contentsOfFile: folder + "/authorized_keys", encoding: .utf8)
        XCTAssertTrue(text.hasPrefix(foreign))
        XCTAssertTrue(text.contains("serve desk1 --db \(cli.database)\",restrict,pty ssh-ed25519"), text)

        try cli.expectSuccess("operator", "key", "remove", "desk1", fingerprint)
        text = try String(contentsOfFile: folder + "/authorized_keys", encoding: .utf8)
        XCTAssertTrue(text.hasPrefix(foreign))
        XCTAssertFalse(text.contains("serve desk1"))
        XCTAssertEqual(try cli.run("operator", "key", "remove", "desk1", fingerprint).status, 1)
    }
}

/// A key pair made by ssh-keygen.
struct SSHKey {
    let privateKey: String
    var publicKey: String { privateKey + ".pub" }

    init(folder: String, name: String) throws {
        privateKey = folder + "/" + name
        let result = try Launched.capture(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", privateKey],
                                          mergingErrors: true, upTo: CLI.patience)
        guard result.status == 0 else { throw XCTSkip("ssh-keygen failed: \(result.text)") }
    }

    /// As `ssh-keygen -lf` prints it.
    func fingerprint() throws -> String {
        let output = try Launched.capture(["/usr/bin/ssh-keygen", "-lf", publicKey], upTo: CLI.patience).text
        return output.split(separator: " ").dropFirst().first.map(String.init) ?? ""
    }
}

/// Debian's sshd on a loopback port with its own host key and configuration, in the foreground
/// of a child process; the operators' keys are the file ShiftDesk maintains.
final class PrivateSSHD {
    let folder: String
    let port: Int
    let user: String
    private let sshd: Launched

    init(folder: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"), FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh") else {
            throw XCTSkip("sshd cannot start here (openssh-server is not installed); SSHServeRefusalTests covers serve directly")
        }
        self.folder = folder
        user = ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
        let hostKey = folder + "/host_ed25519"
        _ = try Launched.capture(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey], upTo: CLI.patience)
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        var started: (Launched, Int)?
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<32_700)  // below the ephemeral ports (32768–60999)
            let config = """
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(hostKey)
                PidFile \(folder)/sshd.pid
                AuthorizedKeysFile \(folder)/authorized_keys
                StrictModes no
                PermitRootLogin prohibit-password
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                AcceptEnv LANG LC_*
                LogLevel ERROR
                """
            try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/sshd_config"))
            // Its log in a file, not a pipe: the sessions it forks live as long as it does.
            let sshd = try Launched.start(["/usr/sbin/sshd", "-D", "-e", "-f", folder + "/sshd_config"], output: .file(folder + "/sshd.log"))
            if Self.waitForPort(port, while: sshd) {
                started = (sshd, port)
                break
            }
            sshd.stop()
        }
        guard let started else { throw XCTSkip("sshd cannot start here (no loopback port accepted); SSHServeRefusalTests covers serve directly") }
        (sshd, port) = started
    }

    deinit { stop() }

    func stop() { sshd.stop() }

    static func waitForPort(_ port: Int, while sshd: Launched) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, sshd.isRunning {
            let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(socketFD)
            if connected == 0 { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// The ssh client's arguments for `key`, asking for `command` (or none: the console).
    func client(_ key: SSHKey, terminal: Bool, command: String?) -> [String] {
        ["/usr/bin/ssh", "-F", "/dev/null", "-i", key.privateKey, "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "SendEnv=LANG LC_ALL",
         "-p", "\(port)", terminal ? "-tt" : "-T", "\(user)@127.0.0.1"] + (command.map { [$0] } ?? [])
    }

    func run(_ key: SSHKey, _ command: String) throws -> CLI.Result {
        let result = try Launched.capture(client(key, terminal: false, command: command), upTo: CLI.patience)
        return CLI.Result(status: result.status, stdout: result.text, stderr: result.errorText)
    }
}
