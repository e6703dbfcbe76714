import Foundation
import Testing

@Suite("`suanli validate` and `suanli explain`")
struct ValidateExplainTests {
    // MARK: validate

    @Test("every shipped scenario validates: exit 0, one ok line each, nothing on stderr")
    func shippedScenariosValidate() throws {
        let files = shippedScenarios()
        try #require(files.count >= 4, "found \(files)")
        let result = try suanli(["validate"] + files, in: packageRoot)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == files.count, "\(result)")
        for (file, line) in zip(files, lines) {
            #expect(line.hasPrefix("\(file): ok ("), "\(line)")
            #expect(line.contains("; hash "), "\(line)")
        }
    }

    @Test("a broken file among good ones: exit 1, the good ones ok, the broken one's diagnostics")
    func brokenFile() throws {
        try withTemporaryDirectory { tmp in
            let original = try packageText("Scenarios/validation/erlang-loss.yaml")
            let broken = original
                .replacingOccurrences(of: "{tier: gpu, units: 10,", with: "{tier: gpu, units: -4,")
                .replacingOccurrences(of: "horizon_months: 120", with: "horizn_months: 120")
            _ = try tmp.write("broken.yaml", broken)
            _ = try tmp.write("good.yaml", original)
            let result = try suanli(["validate", "good.yaml", "broken.yaml"], in: tmp.url)
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.hasPrefix("good.yaml: ok (erlang-loss: "), "\(result)")
            #expect(!result.stdout.contains("broken.yaml"), "\(result)")
            let headers = result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
            let key = try #require(position(of: "horizn_months", in: broken))
            let units = try #require(position(of: "-4, age_months", in: broken))
            #expect(headers.count == 2, "\(result)")
            #expect(headers.first?.hasPrefix(
                "broken.yaml:\(key.line):\(key.column): error: (top level): unknown key 'horizn_months'") == true, "\(result)")
            #expect(headers.last?.hasPrefix(
                "broken.yaml:\(units.line):\(units.column): error: providers[lessor].fleet[0].units: expected an integer")
                == true, "\(result)")
            #expect(result.stderr.contains("suanli: 2 errors in broken.yaml"), "\(result)")
            #expect(tmp.contents() == ["broken.yaml", "good.yaml"], "validate writes nothing")
        }
    }

    @Test("validate --set: a bad override is reported at `<command line>:--set #k`")
    func badOverride() throws {
        let file = "Scenarios/validation/erlang-loss.yaml"
        let result = try suanli(["validate", file, "--set", "demand.segments[tenants].rate=-1"], in: packageRoot)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasPrefix(
            "<command line>:--set #1: error: demand.segments[tenants].rate: expected a number in [0, 1e7], got '-1'"),
            "\(result)")
    }

    @Test("validate --resolved prints a scenario that validates to the same hash")
    func resolvedRoundTrip() throws {
        try withTemporaryDirectory { tmp in
            let first = try suanli(["validate", "--resolved", packageFile("Scenarios/baseline.yaml").path])
            #expect(first.status == 0, "\(first)")
            var lines = first.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let okLine = lines.removeFirst()
            let resolved = try tmp.write("resolved.yaml", lines.joined(separator: "\n"))
            let second = try suanli(["validate", resolved.path])
            #expect(second.status == 0, "\(second)")
            let hash = { (line: String) in line.components(separatedBy: "; hash ").last }
            #expect(hash(okLine) != nil && hash(okLine) == hash(second.stdout.trimmingCharacters(in: .newlines)),
                    "\(okLine) vs \(second.stdout)")
        }
    }

    @Test("validate without files is a usage error")
    func noFiles() throws {
        let result = try suanli(["validate"])
        #expect(result.status == usageErrorStatus, "\(result)")
    }

    // MARK: explain

    @Test("explain prints meaning, unit, default and range; indices and names address the same key",
          arguments: ["demand.segments.rate", "demand.segments[0].rate", "demand.segments[llm-training].rate"])
    func explainKey(_ path: String) throws {
        let result = try suanli(["explain", path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "demand.segments[].rate", "\(result)")
        #expect(lines.contains("unit:    tenants per year"), "\(result)")
        #expect(lines.contains("default: required"), "\(result)")
        #expect(lines.contains("valid:   [0, 1e7]"), "\(result)")
        let reference = try suanli(["explain", "demand.segments.rate"])
        #expect(result.stdout == reference.stdout)
    }

    @Test("explain shows a key's default")
    func explainDefault() throws {
        let result = try suanli(["explain", "limits.max_events"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("default: 100000000"), "\(result)")
        #expect(result.stdout.contains("unit:    events"), "\(result)")
    }

    @Test("explain of an unknown key: non-zero exit and a did-you-mean", arguments: [
        ("demand.segments.rat", "Did you mean 'demand.segments[].rate'?"),
        ("demand.segmnts", "Did you mean 'demand.segments'?"),
        ("horizon_month", "Did you mean 'horizon_months'?"),
    ])
    func explainUnknown(path: String, hint: String) throws {
        let result = try suanli(["explain", path])
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("Unknown scenario key '\(path)'"), "\(result)")
        #expect(result.stderr.contains(hint), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test("explain without a path lists the top-level keys; --markdown prints the key table")
    func explainOverview() throws {
        let top = try suanli(["explain"])
        #expect(top.status == 0, "\(top)")
        for key in ["name", "start", "horizon_months", "tiers", "demand", "providers", "limits"] {
            #expect(top.stdout.contains("\n    \(key) "), "\(key) in\n\(top.stdout)")
        }
        let markdown = try suanli(["explain", "--markdown"])
        #expect(markdown.status == 0, "\(markdown)")
        // (ScenarioModuleTests compares it with docs/scenario-format.md; here only the command)
        #expect(markdown.stdout.contains("| `demand.segments[].rate` | number | tenants per year |"), "\(markdown)")
    }
}
