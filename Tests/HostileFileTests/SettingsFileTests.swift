import Foundation
import Testing
import ShiftDeskConfig
import ShiftDeskCore
import ShiftDeskTUI

/// The policy, configuration and theme parsers fed seeded mutations of the files people write:
/// the README's policy and configuration examples and the built-in themes. Every case ends in
/// time with the file taken or refused, and a refusal names its file and line.
@Suite("Hostile files: policy, configuration, themes", .timeLimit(.minutes(10)))
struct SettingsFileTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    /// Runs `count` mutations of `original` through `parse`, which answers nil when the file was
    /// taken or the refusal's text.
    static func fuzz(_ original: String, seed base: UInt64, count: Int, file: String,
                     parse: (Data) -> String?) {
        let mutator = Mutator(nesting: .toml)
        let watch = Stopwatch()
        var refused = 0
        for seed in seeds(base, count: count) {
            let (bytes, kinds) = mutator.mutate(Array(original.utf8), seed: seed)
            Trace.note("\(file) seed \(seed) \(kinds)", bytes: bytes)
            let started = ContinuousClock.now
            let refusal = parse(Data(bytes))
            let took = ContinuousClock.now - started
            #expect(took < .seconds(5), "seed \(seed) \(kinds): \(took)")
            guard let refusal else { continue }
            refused += 1
            #expect(namesAPlace(refusal, file: file), "seed \(seed) \(kinds): \(refusal)")
            #expect(!refusal.contains("\n"), "seed \(seed) \(kinds): one line: \(refusal)")
        }
        // The mutations do bite: most mutated files are refused, and none is taken silently
        // cut short at a NUL (that is checked by the NUL cases being refused, below).
        #expect(refused > count / 4, "\(refused) of \(count) refused")
        Trace.note("\(file): \(count) cases in \(watch.elapsed)")
    }

    @Test func mutatedPolicyFilesAreTakenOrRefusedWithFileAndLine() throws {
        let policy = try Repository.readmeTOML(after: "Policy file:")
        // The example itself is a good policy.
        _ = try PolicyFile.load(contents: policy, path: "sla.toml", defaultTimeZone: Self.zone)
        Self.fuzz(policy, seed: 18_101, count: 1_000, file: "sla.toml") { data in
            do {
                _ = try PolicyFile.load(data: data, path: "sla.toml", defaultTimeZone: Self.zone)
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    @Test func mutatedConfigurationFilesAreTakenOrRefusedWithFileAndLine() throws {
        let config = try Repository.readmeTOML(after: "## Configuration")
        _ = try ConfigFile.load(contents: config, path: "config.toml")
        Self.fuzz(config, seed: 18_102, count: 1_000, file: "config.toml") { data in
            do {
                _ = try ConfigFile.load(data: data, path: "config.toml")
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    @Test(arguments: ["default", "ascii", "high-contrast", "mono"])
    func mutatedThemesAreTakenOrRefusedWithFileAndLine(_ name: String) throws {
        let theme = String(decoding: try Repository.bytes("themes/\(name).toml"), as: UTF8.self)
        let file = "\(name).toml"
        guard case .success = ThemeParser.parse(source: theme, origin: file, base: Theme.builtinDefault) else {
            Issue.record("the built-in theme \(name) does not parse")
            return
        }
        Self.fuzz(theme, seed: 18_103 &+ UInt64(name.utf8.count), count: 250, file: file) { data in
            switch ThemeParser.parse(data: data, origin: file, base: Theme.builtinDefault) {
            case .success: return nil
            case let .failure(error): return error.description
            }
        }
    }

    /// A NUL used to end a file silently for the TOML parser (a C string): everything after it
    /// was ignored. Invalid UTF-8 was "cannot read" without a place.
    @Test func aNULOrInvalidUTF8IsRefusedWithItsLineAndByte() throws {
        let policy = try Repository.readmeTOML(after: "Policy file:")
        let cut = policy.replacingOccurrences(of: "[priorities.minor]", with: "\u{0}[priorities.minor]")
        #expect(throws: PolicyError.self) { _ = try PolicyFile.load(contents: cut, path: "sla.toml", defaultTimeZone: Self.zone) }
        do {
            _ = try PolicyFile.load(contents: cut, path: "sla.toml", defaultTimeZone: Self.zone)
        } catch {
            let line = policy.prefix(upTo: policy.range(of: "[priorities.minor]")?.lowerBound ?? policy.endIndex)
                .filter { $0 == "\n" }.count + 1
            #expect(error.line == line)
            #expect(error.description.contains("a NUL byte at byte"), "\(error)")
        }
        var bytes = Array("[desk]\ntimezone = \"Asia/Shanghai\"\n".utf8)
        bytes.insert(0xFF, at: 20)
        do {
            _ = try ConfigFile.load(data: Data(bytes), path: "config.toml")
            Issue.record("invalid UTF-8 was taken")
        } catch {
            #expect(error.description == "config.toml:2: not UTF-8 text at byte 21; the file must be UTF-8 text")
        }
        let theme = ThemeParser.parse(data: Data("name = \"x\"\n\u{0}".utf8), origin: "x.toml", base: Theme.builtinDefault)
        guard case let .failure(error) = theme else { Issue.record("a NUL in a theme was taken"); return }
        #expect(error.line == 2)
    }

    /// `[中]`, `[[é]]`, `[ \u{1}]`: toml++ asserts a table name starts with a bare-key character
    /// or a quote, so such a header aborted the whole process (a release build: undefined
    /// behaviour). Found by the mutations above; now refused with its line and column.
    @Test func aTableNameTheParserCannotStartIsRefusedNotAborted() throws {
        for header in ["[中]", "[ 中.x]", "[[é]]", "[\u{1}]", "[\u{7F}]", "[ä.b]", "[", "[[ ", "[\r"] {
            let text = "timezone = \"Asia/Shanghai\"\n\n" + header + "\nx = 1\n"
            #expect(throws: PolicyError.self) { _ = try PolicyFile.load(contents: text, path: "sla.toml", defaultTimeZone: Self.zone) }
            do {
                _ = try PolicyFile.load(contents: text, path: "sla.toml", defaultTimeZone: Self.zone)
            } catch {
                #expect(error.line == 3 && error.description.contains("a table name must be quoted"), "\(header): \(error)")
            }
            #expect(throws: PolicyError.self) { _ = try ConfigFile.load(contents: text, path: "config.toml") }
            guard case let .failure(themeError) = ThemeParser.parse(source: text, origin: "t.toml", base: Theme.builtinDefault) else {
                Issue.record("\(header) was taken as a theme")
                continue
            }
            #expect(themeError.line == 3)
        }
        // What looks like a header inside a value or a string is not one.
        let valid = "a = [\n  { x = 1 },\n  [ \"中\" ],\n]\nb = \"\"\"\n[中]\n\"\"\"\nc = '''\n[é]'''\n[\"中\"]\n"
        #expect(TOMLGuard.firstBadHeader(in: valid) == nil)
        #expect(TOMLGuard.firstBadHeader(in: "# [中]\n[a] # [中]\n") == nil)
    }
}
