import Foundation
import Testing

/// Bad scenarios and bad command lines: the right message on standard error, a non-zero exit,
/// nothing on standard output, and no output folder (nor a hidden temporary sibling) left behind.
@Suite("Malformed input to `suanli run`")
struct MalformedInputEndToEndTests {
    /// One malformed scenario: how it is made from erlang-loss.yaml and what the first
    /// diagnostic about it must say.
    struct Case: Sendable, CustomTestStringConvertible {
        enum Input: Sendable {
            /// The shipped erlang-loss.yaml with one piece of text replaced (it must occur once).
            case replacing(String, with: String)
            case bytes([UInt8])
        }
        let name: String
        let input: Input
        /// The diagnostic points at the first occurrence of this text in the file (nil: 1:1).
        var at: String? = nil
        let keyPath: String
        /// Fragments of the message after `key.path: `, the first one at its start.
        let message: [String]

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty file", input: .bytes([]), keyPath: "(top level)",
             message: ["expected a map of scenario keys", "got an empty file"]),
        Case(name: "binary garbage (not UTF-8)", input: .bytes(garbage()), keyPath: "(top level)",
             message: ["not UTF-8 text"]),
        Case(name: "binary garbage (valid UTF-8 with control bytes)",
             input: .bytes([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00]),
             keyPath: "(top level)", message: ["not a text file or not valid YAML", "control characters"]),
        Case(name: "a list where a map belongs",
             input: .replacing("contracts:\n  cancel_hazard: 0                   # no cancellations: every lease runs its drawn term\n  cancel_hazard_slope: 0",
                               with: "contracts:\n  - cancel_hazard: 0\n    cancel_hazard_slope: 0"),
             at: "- cancel_hazard", keyPath: "contracts", message: ["expected a map of cancel_hazard", "got a list"]),
        Case(name: "1e308 for a count", input: .replacing("{tier: gpu, units: 10,", with: "{tier: gpu, units: 1e308,"),
             at: "1e308", keyPath: "providers[lessor].fleet[0].units",
             message: ["expected an integer in [0, 1e7]", "got '1e308'"]),
        Case(name: ".nan for a rate", input: .replacing("rate: 60 ", with: "rate: .nan "),
             at: ".nan", keyPath: "demand.segments[tenants].rate",
             message: ["expected a number in [0, 1e7]", "got '.nan'"]),
        Case(name: "negative units", input: .replacing("{tier: gpu, units: 10,", with: "{tier: gpu, units: -4,"),
             at: "-4", keyPath: "providers[lessor].fleet[0].units",
             message: ["expected an integer in [0, 1e7]", "got '-4'"]),
        Case(name: "duplicate top-level key", input: .replacing("horizon_months: 120\n", with: "horizon_months: 120\nhorizon_months: 60\n"),
             at: "horizon_months: 60", keyPath: "(top level)", message: ["duplicate key 'horizon_months'"]),
        Case(name: "duplicate key in a provider", input: .replacing("    cash: 1e12", with: "    cash: 5\n    cash: 1e12"),
             at: "cash: 1e12", keyPath: "providers[lessor]", message: ["duplicate key 'cash'"]),
        Case(name: "unknown top-level key with a did-you-mean", input: .replacing("horizon_months: 120", with: "horizn_months: 120"),
             at: "horizn_months", keyPath: "(top level)",
             message: ["unknown key 'horizn_months'", "did you mean 'horizon_months'?"]),
        Case(name: "unknown segment key with a did-you-mean", input: .replacing("      rate: 60 ", with: "      rat: 60 "),
             at: "rat: 60", keyPath: "demand.segments[tenants]", message: ["unknown key 'rat'", "did you mean 'rate'?"]),
        Case(name: "a segment's tier that does not exist", input: .replacing("      tier: gpu\n", with: "      tier: gpux\n"),
             at: "gpux", keyPath: "demand.segments[tenants].tier", message: ["unknown tier 'gpux'", "did you mean 'gpu'?"]),
        Case(name: "a fleet's tier that does not exist", input: .replacing("{tier: gpu, units: 10,", with: "{tier: gpx, units: 10,"),
             at: "gpx", keyPath: "providers[lessor].fleet[0].tier", message: ["unknown tier 'gpx'", "did you mean 'gpu'?"]),
        Case(name: "a price for a tier that does not exist", input: .replacing("prices: {gpu: 10}", with: "prices: {gpux: 10}"),
             at: "gpux", keyPath: "providers[lessor].prices.gpux", message: ["unknown tier 'gpux'"]),
    ]

    @Test("a malformed scenario file", arguments: cases)
    func malformedFile(_ c: Case) throws {
        try withTemporaryDirectory { tmp in
            let name = "scenario.yaml"
            let text: String?
            switch c.input {
            case .bytes(let bytes):
                _ = try tmp.write(name, bytes: bytes)
                text = nil
            case .replacing(let old, let new):
                let original = try packageText("Scenarios/validation/erlang-loss.yaml")
                try #require(original.components(separatedBy: old).count == 2, "'\(old)' occurs once in erlang-loss.yaml")
                let mutated = original.replacingOccurrences(of: old, with: new)
                _ = try tmp.write(name, mutated)
                text = mutated
            }
            var line = 1, column = 1
            if let at = c.at, let text { (line, column) = try #require(position(of: at, in: text), "'\(at)' in the file") }

            let withOut = try suanli(["run", name, "--out", "out", "--replications", "2"], in: tmp.url)
            let withoutOut = try suanli(["run", name, "--replications", "2"], in: tmp.url)
            for result in [withOut, withoutOut] {
                #expect(result.status == 1, "\(result)")
                #expect(result.stdout.isEmpty, "\(result)")
                try expectDiagnostic(result.stderr, place: "\(name):\(line):\(column)", keyPath: c.keyPath,
                                     message: c.message, file: name)
                #expect(tmp.contents() == [name], "no output folder, temporary folder or Results/ left behind")
            }
            #expect(withOut.stderr == withoutOut.stderr)
        }
    }

    @Test("a bad --set names `<command line>:--set #k`, the key path and the problem", arguments: [
        (["providers[lessor].fleet[0].units=-3"], 1, "providers[lessor].fleet[0].units",
         ["expected an integer in [0, 1e7]", "got '-3'"]),
        (["horizon_months=24", "demand.segments[tenants].rat=3"], 2, "demand.segments[tenants]",
         ["unknown key 'rat'", "did you mean 'rate'?"]),
        (["providers[lesor].cash=1"], 1, "providers", ["no provider named 'lesor'", "did you mean 'lessor'?"]),
        (["demand.segments[tenants].rate=.nan"], 1, "demand.segments[tenants].rate",
         ["expected a number in [0, 1e7]", "got '.nan'"]),
        (["demand.segments[tenants].tier=gpux"], 1, "demand.segments[tenants].tier",
         ["unknown tier 'gpux'", "did you mean 'gpu'?"]),
    ])
    func badOverride(overrides: [String], number: Int, keyPath: String, message: [String]) throws {
        try withTemporaryDirectory { tmp in
            let scenario = packageFile("Scenarios/validation/erlang-loss.yaml").path
            let result = try suanli(["run", scenario, "--out", "out", "--replications", "2"]
                                    + overrides.flatMap { ["--set", $0] }, in: tmp.url)
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.isEmpty)
            try expectDiagnostic(result.stderr, place: "<command line>:--set #\(number)", keyPath: keyPath,
                                 message: message, file: scenario)
            // the caret line repeats the override
            #expect(result.stderr.contains("\n" + overrides[number - 1] + "\n"), "\(result)")
            #expect(tmp.contents().isEmpty, "no output folder left behind")
        }
    }

    @Test("bad flags are usage errors (exit 64) with their message", arguments: [
        (["--replications", "0"], "--replications must be ≥ 1, got 0"),
        (["--replications=-1"], "--replications must be ≥ 1, got -1"),
        (["--replications", "-1"], "--replications must be ≥ 1, got -1"),
        (["--threads", "-2"], "--threads must be ≥ 1, got -2"),
        (["--seed", "-1"], "The value '-1' is invalid for '--seed"),
        (["--threads", "0"], "--threads must be ≥ 1, got 0"),
        (["--bogus"], "Unknown option '--bogus'"),
        (["--seed", "x"], "The value 'x' is invalid for '--seed"),
        (["--set", "horizon_months"], "horizon_months"),
        (["--out", " "], "--out must name a folder"),
    ])
    func badFlags(flags: [String], message: String) throws {
        try withTemporaryDirectory { tmp in
            _ = try tmp.write("scenario.yaml", packageText("Scenarios/validation/erlang-loss.yaml"))
            let result = try suanli(["run", "scenario.yaml", "--out", "out"] + flags, in: tmp.url)
            #expect(result.status == usageErrorStatus, "\(result)")
            #expect(result.stderr.contains(message), "\(result)")
            #expect(result.stderr.contains("Usage: suanli run"), "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(tmp.contents() == ["scenario.yaml"], "no output folder left behind")
        }
    }

    @Test("a negative number after a space is the flag's value, checked like any other", arguments: [
        (["compare", "Scenarios/baseline.yaml", "Scenarios/export-ban-h20.yaml", "--top", "-1"], "--top must be ≥ 0, got -1"),
        (["compare", "Scenarios/baseline.yaml", "Scenarios/export-ban-h20.yaml", "--replications", "-3"],
         "--replications must be ≥ 1, got -3"),
        (["sweep", "Scenarios/sweeps/smoke.yaml", "--shard", "-1", "--shards", "2"], "--shard must be in 0 ..< 2 (0-based), got -1"),
        (["sweep", "Scenarios/sweeps/smoke.yaml", "--threads", "-1"], "--threads must be ≥ 1, got -1"),
    ])
    func negativeValues(arguments: [String], message: String) throws {
        try withTemporaryDirectory { tmp in
            let absolute = arguments.map { $0.hasSuffix(".yaml") ? packageFile($0).path : $0 }
            let result = try suanli(absolute + ["--out", "out"], in: tmp.url)
            #expect(result.status == usageErrorStatus, "\(result)")
            #expect(result.stderr.contains(message), "\(result)")
            #expect(!result.stderr.contains("Missing value"), "\(result)")
            #expect(tmp.contents().isEmpty, "no output folder left behind")
        }
    }

    @Test("validate and show refuse a --set without '=' as a usage error, like run", arguments: ["validate", "show"])
    func badOverrideShape(command: String) throws {
        try withTemporaryDirectory { tmp in
            _ = try tmp.write("scenario.yaml", packageText("Scenarios/validation/erlang-loss.yaml"))
            let result = try suanli([command, "scenario.yaml", "--set", "horizon_months"], in: tmp.url)
            #expect(result.status == usageErrorStatus, "\(result)")
            #expect(result.stderr.contains("--set expects KEY.PATH=VALUE"), "\(result)")
            #expect(result.stderr.contains("got 'horizon_months'"), "\(result)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("a missing scenario file: reported as validate does (file:1:1, status 1), with the nearest file name",
          arguments: [["run", "scenari.yaml"], ["compare", "scenario.yaml", "scenari.yaml"], ["sweep", "scenari.yaml"],
                      ["validate", "scenari.yaml"]])
    func missingFile(_ command: [String]) throws {
        try withTemporaryDirectory { tmp in
            _ = try tmp.write("scenario.yaml", packageText("Scenarios/validation/erlang-loss.yaml"))
            let result = try suanli(command + (command[0] == "validate" ? [] : ["--out", "out"]), in: tmp.url)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("scenari.yaml:1:1: error: "), "\(result)")
            #expect(result.stderr.contains("'scenari.yaml' not found (did you mean 'scenario.yaml'?)"), "\(result)")
            #expect(tmp.contents() == ["scenario.yaml"])
        }
    }

    @Test("a folder given as the scenario: reported as validate does (file:1:1, status 1)",
          arguments: ["run", "sweep", "validate"])
    func folderAsScenario(_ command: String) throws {
        try withTemporaryDirectory { tmp in
            try FileManager.default.createDirectory(at: tmp.file("dir"), withIntermediateDirectories: false)
            let result = try suanli([command, "dir"] + (command == "validate" ? [] : ["--out", "out"]), in: tmp.url)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("dir:1:1: error: "), "\(result)")
            #expect(tmp.contents() == ["dir"])
        }
    }

    @Test("a run that fails after its folder was made leaves no temporary folder and keeps the previous output")
    func failureMidRun() throws {
        try withTemporaryDirectory { tmp in
            let scenario = packageFile("Scenarios/validation/erlang-loss.yaml").path
            // first, without a previous folder
            let failed = try suanli(["run", scenario, "--out", "out", "--replications", "3", "--quiet",
                                     "--set", "limits.max_events=50"], in: tmp.url)
            #expect(failed.status == 1, "\(failed)")
            #expect(failed.stderr.contains("limits.max_events (50)"), "\(failed)")
            #expect(!failed.stdout.contains("results:"))
            #expect(tmp.contents().isEmpty, "no folder and no hidden temporary sibling")

            // parent folders the run had to make are removed again
            let nested = try suanli(["run", scenario, "--out", "a/b/out", "--replications", "3", "--quiet",
                                     "--set", "limits.max_events=50"], in: tmp.url)
            #expect(nested.status == 1, "\(nested)")
            #expect(tmp.contents().isEmpty, "no a/b/ left behind")

            // then over a complete earlier run: it must survive byte for byte
            try runScenario(scenario, out: tmp.file("out"), replications: 2, seed: 3)
            let before = try snapshot(tmp.file("out"))
            let again = try suanli(["run", scenario, "--out", "out", "--replications", "3", "--quiet",
                                    "--set", "limits.max_events=50"], in: tmp.url)
            #expect(again.status == 1, "\(again)")
            #expect(tmp.contents() == ["out"], "no hidden temporary or set-aside sibling")
            #expect(try snapshot(tmp.file("out")) == before, "the earlier output is untouched")
        }
    }

    @Test("--out naming a folder that is not a results folder is refused and left untouched")
    func foreignOutFolder() throws {
        try withTemporaryDirectory { tmp in
            let foreign = tmp.file("mine")
            try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: false)
            try Data("precious\n".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
            let result = try suanli(["run", packageFile("Scenarios/validation/erlang-loss.yaml").path, "--out", "mine",
                                     "--replications", "2", "--quiet"], in: tmp.url)
            // Checked with the flags, before the scenario is loaded or run: a bad --out value.
            #expect(result.status == usageErrorStatus, "\(result)")
            #expect(result.stderr.contains("not a Suanli results folder"), "\(result)")
            #expect(tmp.contents() == ["mine"])
            #expect(try snapshot(foreign) == ["notes.txt": Data("precious\n".utf8)])
        }
    }

    // MARK: - Helpers

    /// Checks that `stderr` holds a diagnostic `place: error: keyPath: message…`, that every
    /// diagnostic header has the `file:line:col: error: key.path: …` (or `<command line>:--set #k`)
    /// shape, and that it closes with `suanli: N error(s) in FILE; nothing was run.`
    private func expectDiagnostic(_ stderr: String, place: String, keyPath: String, message: [String], file: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let prefix = "\(place): error: \(keyPath): "
        let header = lines.first { $0.hasPrefix(prefix) }
        #expect(header != nil, "no line starts with '\(prefix)' in:\n\(stderr)", sourceLocation: sourceLocation)
        if let header, let first = message.first {
            let rest = header.dropFirst(prefix.count)
            #expect(rest.hasPrefix(first), "'\(header)' should say '\(first)'", sourceLocation: sourceLocation)
            for fragment in message.dropFirst() {
                #expect(rest.contains(fragment), "'\(header)' should say '\(fragment)'", sourceLocation: sourceLocation)
            }
        }
        let shape = try Regex(#"^(\S+:\d+:\d+|<command line>:--set #\d+): error: (\(top level\)|[^ ]+): \S"#)
        let headers = lines.filter { $0.contains(": error: ") }
        #expect(!headers.isEmpty, sourceLocation: sourceLocation)
        for h in headers {
            #expect(h.prefixMatch(of: shape) != nil,
                    "diagnostic header shape: '\(h)'", sourceLocation: sourceLocation)
        }
        let closing = lines.last { !$0.isEmpty } ?? ""
        let closingShape = try Regex(#"^suanli: \d+ errors? in "# + NSRegularExpression.escapedPattern(for: file)
            + #"(?: \(\d+ shown\))?; nothing was run\.$"#)
        #expect(closing.wholeMatch(of: closingShape) != nil, "closing line '\(closing)'", sourceLocation: sourceLocation)
        #expect(stderr.hasSuffix("\n"), "stderr ends with a line break", sourceLocation: sourceLocation)
    }

    /// Every file of a folder (names relative to it) and its bytes.
    private func snapshot(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            out[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return out
    }

    /// 300 bytes that are not UTF-8: a PNG signature, then bytes from a fixed linear congruential generator.
    static func garbage() -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var state: UInt32 = 12345
        for _ in 0..<292 {
            state = state &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        return bytes
    }
}
