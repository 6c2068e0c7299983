import Foundation
import Testing
@testable import ShiftDeskCore

@Suite struct RemoteCommandLineTests {
    @Test func splitsOnBlanksLikeAShell() throws {
        #expect(try RemoteCommandLine.split("ticket  list\t--queue l1\n--json") == ["ticket", "list", "--queue", "l1", "--json"])
        #expect(try RemoteCommandLine.split("") == [])
        #expect(try RemoteCommandLine.split("   ") == [])
    }

    @Test func keepsQuotedTextWhole() throws {
        #expect(try RemoteCommandLine.split("ticket new --title 'VPN 断线' --caller \"王 伟\"") ==
                ["ticket", "new", "--title", "VPN 断线", "--caller", "王 伟"])
        #expect(try RemoteCommandLine.split(#"note "say \"hi\" \\ \$HOME \q""#) == ["note", #"say "hi" \ $HOME \q"#])
        #expect(try RemoteCommandLine.split(#"a\ b c\'d"#) == ["a b", "c'd"])
        #expect(try RemoteCommandLine.split("it''s") == ["its"])
    }

    @Test func emptyQuotesGiveAnEmptyArgument() throws {
        #expect(try RemoteCommandLine.split("note INC-1 ''") == ["note", "INC-1", ""])
        #expect(try RemoteCommandLine.split(#""""#) == [""])
    }

    @Test func shellMetacharactersAreData() throws {
        #expect(try RemoteCommandLine.split("ticket note INC-1 $(touch /tmp/x); rm -rf / | cat > f && `id`") ==
                ["ticket", "note", "INC-1", "$(touch", "/tmp/x);", "rm", "-rf", "/", "|", "cat", ">", "f", "&&", "`id`"])
        #expect(try RemoteCommandLine.split("note '*' ~ ${HOME}") == ["note", "*", "~", "${HOME}"])
    }

    @Test func chineseAndWideTextPassThrough() throws {
        #expect(try RemoteCommandLine.split("ticket note INC-000001 客户已确认，打印机恢复正常") ==
                ["ticket", "note", "INC-000001", "客户已确认，打印机恢复正常"])
        #expect(try RemoteCommandLine.split("note 'ＶＰＮ　断线'") == ["note", "ＶＰＮ　断线"])
    }

    @Test func refusesWhatCannotBeSplit() {
        #expect(throws: AccessRefusal.unterminatedQuote) { try RemoteCommandLine.split("note 'open") }
        #expect(throws: AccessRefusal.unterminatedQuote) { try RemoteCommandLine.split("note \"open") }
        #expect(throws: AccessRefusal.danglingBackslash) { try RemoteCommandLine.split("note x\\") }
        #expect(throws: AccessRefusal.controlCharacter) { try RemoteCommandLine.split("note \u{1B}[2J") }
        #expect(throws: AccessRefusal.controlCharacter) { try RemoteCommandLine.split("note a\u{0}b") }
    }

    @Test func refusesTheOverLong() throws {
        let long = String(repeating: "界", count: RemoteCommandLine.maxBytes / 3 + 1)
        #expect(throws: AccessRefusal.tooLong(limit: RemoteCommandLine.maxBytes)) { try RemoteCommandLine.split(long) }
        let many = Array(repeating: "a", count: RemoteCommandLine.maxArguments + 1).joined(separator: " ")
        #expect(throws: AccessRefusal.tooManyArguments(limit: RemoteCommandLine.maxArguments)) { try RemoteCommandLine.split(many) }
        #expect(try RemoteCommandLine.split(Array(repeating: "a", count: RemoteCommandLine.maxArguments).joined(separator: " ")).count == 64)
    }
}

@Suite struct RemoteCommandPolicyTests {
    @Test(arguments: [
        ["ticket", "list"], ["ticket", "take", "INC-000001"], ["ticket", "new", "--title", "x", "--backfilled", "--opened", "2026-11-01T00:00:00Z"],
        ["console", "--role", "im"], ["--lang", "zh"], ["report", "month", "--period", "2026-11", "--format", "csv"],
        ["handover", "ack", "3", "--all"], ["notify", "calls"], ["sla", "explain", "INC-1"], ["audit", "verify"],
        ["console", "--theme", "high-contrast"], ["ticket", "note", "INC-1", "--", "--as", "sun.li"],
        ["export", "--format", "json"], ["problem", "new", "--title", "x"],
    ])
    func allowsTheSeatsCommands(_ arguments: [String]) throws {
        try RemoteCommandPolicy.check(arguments)
    }

    @Test(arguments: [
        (["ticket", "take", "INC-1", "--as", "sun.li"], "--as"), (["ticket", "take", "INC-1", "--as=sun.li"], "--as"),
        (["ticket", "take", "INC-1", "--now", "2026-01-01T00:00:00Z"], "--now"), (["ticket", "list", "--db", "/tmp/x"], "--db"),
        (["ticket", "list", "--policy", "p.toml"], "--policy"), (["report", "month", "--config=c.toml"], "--config"),
        (["report", "month", "-o", "/home/desk/.ssh/authorized_keys"], "-o"), (["export", "--format", "csv", "--output", "x"], "--output"),
        (["report", "month", "-o/tmp/x"], "-o"), (["console", "--demo"], "--demo"),
    ])
    func refusesTheAdministratorsOptions(_ arguments: [String], _ option: String) {
        #expect(throws: AccessRefusal.forbiddenOption(option)) { try RemoteCommandPolicy.check(arguments) }
    }

    @Test(arguments: [["init"], ["migrate"], ["operator", "add", "x"], ["operator", "list"], ["import", "--format", "csv", "f"],
                      ["restore", "f"], ["backup", "f"], ["serve", "sun.li"], ["escalator"], ["escalate-due"]])
    func refusesTheAdministratorsCommands(_ arguments: [String]) {
        #expect(throws: AccessRefusal.administratorCommand(arguments[0])) { try RemoteCommandPolicy.check(arguments) }
    }

    @Test func refusesAdministratorsSubcommandsAndUnknownCommands() {
        #expect(throws: AccessRefusal.administratorCommand("notify flush")) { try RemoteCommandPolicy.check(["notify", "flush"]) }
        #expect(throws: AccessRefusal.unknownCommand("rm")) { try RemoteCommandPolicy.check(["rm", "-rf", "/"]) }
    }

    @Test func anEarlierOpeningIsABackFill() throws {
        #expect(throws: AccessRefusal.self) { try RemoteCommandPolicy.check(["ticket", "new", "--title", "x", "--opened", "2026-11-01T00:00:00Z"]) }
        try RemoteCommandPolicy.check(["ticket", "new", "--title", "x", "--backfilled", "--opened=2026-11-01T00:00:00Z"])
    }

    @Test func themesByNameOnly() {
        #expect(throws: AccessRefusal.self) { try RemoteCommandPolicy.check(["console", "--theme", "/etc/passwd"]) }
        #expect(throws: AccessRefusal.self) { try RemoteCommandPolicy.check(["console", "--theme=../x"]) }
        #expect(throws: AccessRefusal.self) { try RemoteCommandPolicy.check(["console", "--theme"]) }
    }

    @Test func knowsWhichArgumentsOpenTheConsole() {
        #expect(RemoteCommandPolicy.opensConsole([]))
        #expect(RemoteCommandPolicy.opensConsole(["--lang", "en"]))
        #expect(RemoteCommandPolicy.opensConsole(["console"]))
        #expect(!RemoteCommandPolicy.opensConsole(["console", "--help"]))
        #expect(!RemoteCommandPolicy.opensConsole(["ticket", "list"]))
    }

    @Test func refusalsSpeakBothLanguages() {
        let refusal = AccessRefusal.forbiddenOption("--as")
        #expect(refusal.message(.en).contains("--as"))
        #expect(refusal.message(.zh).contains("不允许"))
    }
}

@Suite struct SSHPublicKeyTests {
    /// From `ssh-keygen -t ed25519` (its fingerprint is checked in the store's tests, which have SHA-256).
    static let ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILVqjLRGVjmsDkhrEs8iocKjWcW7XnIZEjzpv1/Hef5k alice@laptop"

    @Test func readsAnEd25519Key() throws {
        let key = try SSHPublicKey.parse(Self.ed25519 + "\n")
        #expect(key.type == "ssh-ed25519")
        #expect(key.blob.count == 51)
        #expect(key.comment == "alice@laptop")
        #expect(key.line(comment: "shiftdesk:alice") == "ssh-ed25519 \(key.base64) shiftdesk:alice")
    }

    @Test func refusesWhatIsNotAKey() {
        #expect(throws: SSHPublicKey.Problem.empty) { try SSHPublicKey.parse("\n# nothing\n") }
        #expect(throws: SSHPublicKey.Problem.self) { try SSHPublicKey.parse("ssh-ed25519") }
        #expect(throws: SSHPublicKey.Problem.self) { try SSHPublicKey.parse("ssh-ed25519 not*base64") }
        // The blob names another type than the line.
        #expect(throws: SSHPublicKey.Problem.self) {
            try SSHPublicKey.parse("ecdsa-sha2-nistp256 AAAAC3NzaC1lZDI1NTE5AAAAILVqjLRGVjmsDkhrEs8iocKjWcW7XnIZEjzpv1/Hef5k")
        }
        // Truncated ed25519 key.
        #expect(throws: SSHPublicKey.Problem.self) { try SSHPublicKey.parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILVqjLRGVjmsDkhr") }
        #expect(throws: SSHPublicKey.Problem.severalKeys) { try SSHPublicKey.parse(Self.ed25519 + "\n" + Self.ed25519) }
        #expect(throws: SSHPublicKey.Problem.self) { try SSHPublicKey.parse("command=\"sh\" " + Self.ed25519) }
    }

    @Test func refusesUnsupportedTypes() {
        #expect(throws: SSHPublicKey.Problem.unsupportedType("ssh-dss")) { try SSHPublicKey.parse("ssh-dss AAAAB3NzaC1kc3MAAACBAP") }
    }

    @Test func refusesWeakRSA() throws {
        // A 1024-bit RSA blob: "ssh-rsa", e = 65537, n = 1024 bits.
        func string(_ bytes: [UInt8]) -> [UInt8] {
            let n = bytes.count
            return [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + bytes
        }
        let modulus: (Int) -> [UInt8] = { bits in [0] + [0xC1] + Array(repeating: 0x5A, count: bits / 8 - 1) }
        let weak = string(Array("ssh-rsa".utf8)) + string([1, 0, 1]) + string(modulus(1024))
        #expect(throws: SSHPublicKey.Problem.weakRSA(bits: 1024)) { try SSHPublicKey.parse("ssh-rsa " + Data(weak).base64EncodedString()) }
        let strong = string(Array("ssh-rsa".utf8)) + string([1, 0, 1]) + string(modulus(3072))
        #expect(try SSHPublicKey.parse("ssh-rsa " + Data(strong).base64EncodedString()).type == "ssh-rsa")
    }

    @Test func fingerprintsAsSSHKeygen() {
        #expect(SSHPublicKey.fingerprint(sha256: Array(repeating: 0, count: 32)) == "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    }
}

@Suite struct AuthorizedKeysBlockTests {
    static let key = OperatorKey(login: "zhang.wei", type: "ssh-ed25519", base64: "AAAAC3NzaC1lZDI1NTE5AAAAIMxB",
                                 fingerprint: "SHA256:abc", comment: "", addedAt: Date(timeIntervalSince1970: 0))
    static var block: [String] { AuthorizedKeysBlock.render([key]) { "/usr/local/bin/shiftdesk serve \($0)" } }

    @Test func forcesEachKeyToServeItsOperator() {
        #expect(Self.block == [
            AuthorizedKeysBlock.begin,
            "command=\"/usr/local/bin/shiftdesk serve zhang.wei\",restrict,pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMxB shiftdesk:zhang.wei",
            AuthorizedKeysBlock.end,
        ])
    }

    @Test func keepsForeignLinesByteForByte() throws {
        let foreign = "ssh-rsa AAAAB3Nza root@host\r\n# a comment\n\nno-pty ssh-ed25519 AAAAC3 backup"
        let first = try AuthorizedKeysBlock.replace(in: foreign, with: Self.block)
        #expect(first.hasPrefix(foreign + "\n"))
        // Rewriting replaces only the block, wherever it sits.
        let withTail = first + "ssh-ed25519 AAAAtail tail\n"
        let second = try AuthorizedKeysBlock.replace(in: withTail, with: AuthorizedKeysBlock.render([]) { $0 })
        #expect(second == foreign + "\n" + AuthorizedKeysBlock.begin + "\n" + AuthorizedKeysBlock.end + "\nssh-ed25519 AAAAtail tail\n")
        #expect(try AuthorizedKeysBlock.replace(in: second, with: Self.block) == first + "ssh-ed25519 AAAAtail tail\n")
    }

    @Test func startsAFileThatHasNone() throws {
        #expect(try AuthorizedKeysBlock.replace(in: "", with: Self.block) == Self.block.joined(separator: "\n") + "\n")
    }

    @Test func refusesDamagedMarkers() {
        let damaged = "x\n" + AuthorizedKeysBlock.begin + "\nkey\n"
        #expect(throws: AuthorizedKeysBlock.Problem.damagedMarkers(line: 2)) { try AuthorizedKeysBlock.replace(in: damaged, with: Self.block) }
        let twice = AuthorizedKeysBlock.begin + "\n" + AuthorizedKeysBlock.end + "\n" + AuthorizedKeysBlock.begin + "\n"
        #expect(throws: AuthorizedKeysBlock.Problem.self) { try AuthorizedKeysBlock.replace(in: twice, with: Self.block) }
        #expect(throws: AuthorizedKeysBlock.Problem.self) { try AuthorizedKeysBlock.replace(in: AuthorizedKeysBlock.end + "\n", with: Self.block) }
    }

    @Test func quotesTheForcedCommandForTheShell() throws {
        #expect(try AuthorizedKeysBlock.forcedCommand(executable: "/usr/local/bin/shiftdesk", login: "li.na", database: "/srv/desk/desk.sqlite", config: nil)
                == "/usr/local/bin/shiftdesk serve li.na --db /srv/desk/desk.sqlite")
        #expect(try AuthorizedKeysBlock.forcedCommand(executable: "/opt/my desk/shiftdesk", login: "a", database: "/srv/it's.sqlite", config: "/etc/sd.toml")
                == "'/opt/my desk/shiftdesk' serve a --db '/srv/it'\\''s.sqlite' --config /etc/sd.toml")
        #expect(throws: AuthorizedKeysBlock.Problem.self) {
            try AuthorizedKeysBlock.forcedCommand(executable: "/x\"; sh", login: "a", database: nil, config: nil)
        }
    }
}

@Suite struct ReleaseTests {
    @Test func releasesWhatTheDisabledOperatorHeld() throws {
        var ticket = Ticket(id: TicketID(7), title: "VPN", description: "", caller: Caller(name: "王伟"), channel: .phone, priority: .general,
                            openedAt: Date(timeIntervalSince1970: 1_000))
        ticket.assignee = "wang.fang"
        ticket.tier = .l1
        ticket.state = .inProgress
        let now = Date(timeIntervalSince1970: 2_000)
        let outcome = try #require(Workflow.release(ticket, heldBy: "wang.fang", by: "admin", at: now))
        #expect(outcome.ticket.assignee == nil)
        #expect(outcome.ticket.state == .new)
        #expect(outcome.ticket.tier == .l1)
        #expect(outcome.event.kind == .released)
        #expect(outcome.event.actor == "admin")
        #expect(outcome.event.change(of: "assignee")?.before == "wang.fang")

        ticket.state = .pendingCustomer
        #expect(Workflow.release(ticket, heldBy: "wang.fang", by: "admin", at: now)?.ticket.state == .pendingCustomer)
        #expect(Workflow.release(ticket, heldBy: "someone.else", by: "admin", at: now) == nil)
        ticket.state = .resolved
        #expect(Workflow.release(ticket, heldBy: "wang.fang", by: "admin", at: now) == nil)
    }
}

@Suite struct FieldLimitTests {
    @Test func everyFieldHasALimitAndTextWithinItPasses() {
        for field in TextField.allCases {
            #expect(field.limit > 0)
            // An e-mail address is checked as one too: the longest one it takes.
            let text = field == .email ? String(repeating: "界", count: field.limit - 4) + "@x.c"
                : String(repeating: "界", count: field == .phone ? 0 : field.limit)
            #expect(field.check(text) == nil || field == .phone)
        }
        #expect(TextField.phone.check("+86 138-0013-8000 ext. 12") == nil)
    }

    @Test func refusesTheOverLongCountingWhatAReaderSees() {
        #expect(TextField.title.check(String(repeating: "👍🏽", count: 200)) == nil)
        #expect(TextField.title.check(String(repeating: "a", count: 201)) == TextViolation(field: .title, kind: .tooLong(limit: 200)))
        #expect(TextField.title.check(String(repeating: "a", count: 201))?.message(.en) == "the title takes at most 200 characters")
        #expect(TextField.title.check(String(repeating: "a", count: 201))?.message(.zh) == "标题最多 200 个字符")
    }

    @Test func refusesControlsAndLineBreaksWhereTheyDoNotBelong() {
        #expect(TextField.title.check("VPN\ndown") == TextViolation(field: .title, kind: .lineBreak))
        #expect(TextField.description.check("VPN\r\ndown\tagain") == nil)
        #expect(TextField.note.check("clear \u{1B}[2J") == TextViolation(field: .note, kind: .character(0x1B)))
        #expect(TextField.caller.check("evil\u{202E}txt") != nil)
        #expect(TextField.phone.check("call me") != nil)
    }

    @Test func theWorkflowRefusesWithTheFieldAndItsLimit() throws {
        let desk = Operator(login: "zhang.wei", name: "张伟", role: .desk)
        let draft = TicketDraft(title: String(repeating: "x", count: 201), caller: Caller(name: "王伟"))
        #expect(throws: WorkflowRefusal(.text(TextViolation(field: .title, kind: .tooLong(limit: 200))))) {
            try Workflow.open(draft, id: TicketID(1), by: desk, at: Date(timeIntervalSince1970: 0))
        }
        let ticket = try Workflow.open(TicketDraft(title: "ok", caller: Caller(name: "王伟")), id: TicketID(1), by: desk,
                                       at: Date(timeIntervalSince1970: 0)).ticket
        #expect(throws: WorkflowRefusal.self) {
            try Workflow.apply(.note(String(repeating: "备", count: 4001)), to: ticket, by: desk, at: Date(timeIntervalSince1970: 60))
        }
        let refusal = WorkflowRefusal(.text(TextViolation(field: .note, kind: .tooLong(limit: 4000))), ticket: TicketID(1))
        #expect(refusal.message(.en) == "INC-000001: the note takes at most 4000 characters [text.limit]")
    }
}

@Suite struct NightlyBackupTests {
    let plan = NightlyBackup(folder: "/var/lib/shiftdesk/backups", at: LocalTime(hour: 3, minute: 0) ?? NightlyBackup.defaultTime, keep: 2)
    let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    @Test func dueOncePerLocalDayFromItsTime() throws {
        let before = try #require(ISO8601.parse("2026-12-02T18:59:00Z"))  // 02:59 in Shanghai
        let after = try #require(ISO8601.parse("2026-12-02T19:01:00Z"))   // 03:01 on the 3rd
        #expect(plan.due(now: before, in: shanghai, existing: []) == nil)
        #expect(plan.due(now: after, in: shanghai, existing: ["desk-2026-12-02.sqlite"]) == "desk-2026-12-03.sqlite")
        #expect(plan.due(now: after, in: shanghai, existing: ["desk-2026-12-03.sqlite"]) == nil)
    }

    @Test func keepsTheNewestAndTouchesNothingElse() {
        let existing = ["desk-2026-12-01.sqlite", "notes.txt", "desk-2026-11-30.sqlite", "desk-2026-12-03.sqlite", "desk-2026-12-02.sqlite"]
        #expect(plan.expired(existing) == ["desk-2026-11-30.sqlite", "desk-2026-12-01.sqlite"])
        #expect(NightlyBackup(folder: "/b", at: plan.at, keep: 0).expired(["desk-2026-12-03.sqlite"]) == [])
    }
}
