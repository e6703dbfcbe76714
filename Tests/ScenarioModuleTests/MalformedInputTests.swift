import Foundation
import Testing
@testable import ScenarioModule

/// Each class of bad input, with the exact header of every diagnostic it must produce.
@Suite struct MalformedInputTests {
    static let cases: [(label: String, yaml: String, expected: [String])] = [
        ("empty file", "",
         ["t.yaml:1:1: error: (top level): expected a map of scenario keys (name, start, horizon_months, currency, tiers, …), got an empty file"]),
        ("only a comment", "# nothing here\n",
         ["t.yaml:1:1: error: (top level): expected a map of scenario keys (name, start, horizon_months, currency, tiers, …), got an empty file"]),
        ("binary garbage", "\u{0}\u{1}\u{2}garbage\u{7F}\u{FFFD}",
         ["t.yaml:1:1: error: (top level): not a text file or not valid YAML: control characters are not allowed (byte 0x00)"]),
        ("a list at the top", "- a\n- b\n",
         ["t.yaml:1:1: error: (top level): expected a map of scenario keys (name, description, start, horizon_months, currency, …), got a list"]),
        ("a list where a map belongs", minimal.insertingLine(after: 25, "pricing: [1, 2]"),
         ["t.yaml:26:10: error: pricing: expected a map of k_u, k_x, index_weight, target_utilisation, cap_multiple, cost_plus_markup, …, got a list"]),
        ("a map where a list belongs", minimal.replacingLine(21, "  segments: {name: x}").replacingLine(22, "  #").replacingLine(23, "  #").replacingLine(24, "  #").replacingLine(25, "  #"),
         ["t.yaml:21:13: error: demand.segments: expected a list of maps, each with a unique name (name, rate, growth, tier, substitutes, units, …), got a map"]),
        ("a scalar where a map belongs", minimal.replacingLine(21, "  segments: 3").replacingLine(22, "  # gone").replacingLine(23, "  #").replacingLine(24, "  #").replacingLine(25, "  #"),
         ["t.yaml:21:13: error: demand.segments: expected a list of maps, each with a unique name (name, rate, growth, tier, substitutes, units, …), got '3'"]),
        ("1e308", minimal.replacingLine(29, "    cash: 1e308"),
         ["t.yaml:29:11: error: providers[cloud].cash: expected a number in [0, 1e15], got '1e308'"]),
        ("beyond Double", minimal.replacingLine(29, "    cash: 1e400"),
         ["t.yaml:29:11: error: providers[cloud].cash: expected a number in [0, 1e15], got '1e400' (not a finite number)"]),
        (".nan", minimal.replacingLine(29, "    cash: .nan"),
         ["t.yaml:29:11: error: providers[cloud].cash: expected a number in [0, 1e15], got '.nan' (not a finite number)"]),
        ("-.inf", minimal.replacingLine(23, "      rate: -.inf"),
         ["t.yaml:23:13: error: demand.segments[training].rate: expected a number in [0, 1e7], got '-.inf' (not a finite number)"]),
        ("negative count", minimal.replacingLine(31, "      - {tier: h800, units: -4}"),
         ["t.yaml:31:29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got '-4'"]),
        ("huge count", minimal.replacingLine(31, "      - {tier: h800, units: 100000000000}"),
         ["t.yaml:31:29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got '100000000000'"]),
        ("fractional count", minimal.replacingLine(31, "      - {tier: h800, units: 2.5}"),
         ["t.yaml:31:29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got '2.5' (not a whole number)"]),
        ("quoted number", minimal.replacingLine(31, "      - {tier: h800, units: \"64\"}"),
         ["t.yaml:31:29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got the string \"64\""]),
        ("a word for a number", minimal.replacingLine(7, "    tflops: lots"),
         ["t.yaml:7:13: error: tiers[h800].tflops: expected a number in (0, 1000000], got 'lots'"]),
        ("horizon too long", minimal.replacingLine(3, "horizon_months: 601"),
         ["t.yaml:3:17: error: horizon_months: expected an integer in [1, 600], got '601'"]),
        ("bad month", minimal.replacingLine(2, "start: 2024-13"),
         ["t.yaml:2:8: error: start: expected a month YYYY-MM, got '2024-13'"]),
        ("bad bool", minimal.insertingLine(after: 29, "    soft_budget: yes"),
         ["t.yaml:30:18: error: providers[cloud].soft_budget: expected true or false, got 'yes'"]),
        ("bad choice", minimal.insertingLine(after: 28, "    model: ownr"),
         ["t.yaml:29:12: error: providers[cloud].model: expected one of owner, sublessor, broker, hybrid, got 'ownr' (did you mean 'owner'?)"]),
        ("unknown key, transposed letters", minimal.insertingLine(after: 23, "      grwoth: {kind: exponential}"),
         ["t.yaml:24:7: error: demand.segments[training]: unknown key 'grwoth' (did you mean 'growth'?)"]),
        ("a misspelt required key is not also missing", minimal.replacingLine(7, "    tflpos: 989"),
         ["t.yaml:7:5: error: tiers[h800]: unknown key 'tflpos' (did you mean 'tflops'?)"]),
        ("unknown key, nothing close", minimal.insertingLine(after: 4, "colour: blue"),
         ["t.yaml:5:1: error: (top level): unknown key 'colour'"]),
        ("key of another kind", minimal.insertingLine(after: 23, "      growth: {kind: exponential, rate: 0.1, ceiling: 5}"),
         ["t.yaml:24:46: error: demand.segments[training].growth: 'ceiling' applies only when kind is logistic, not 'exponential'"]),
        ("logistic without its ceiling", minimal.insertingLine(after: 23, "      growth: {kind: logistic, rate: 0.1}"),
         ["t.yaml:24:15: error: demand.segments[training].growth: missing required key 'ceiling'; expected a number in (0, 1e7]"]),
        ("duplicate key, both lines", minimal.insertingLine(after: 29, "    cash: 2e8"),
         ["t.yaml:30:5: error: providers[cloud]: duplicate key 'cash' at lines 29 and 30 (write each key once)"]),
        ("a key three times", minimal.insertingLine(after: 29, "    cash: 2e8").insertingLine(after: 30, "    cash: 3e8"),
         ["t.yaml:30:5: error: providers[cloud]: duplicate key 'cash' at lines 29 and 30 (write each key once)",
          "t.yaml:31:5: error: providers[cloud]: duplicate key 'cash' at lines 29 and 31 (write each key once)"]),
        ("duplicate top-level key", minimal + "name: again\n",
         ["t.yaml:32:1: error: (top level): duplicate key 'name' at lines 1 and 32 (write each key once)"]),
        ("duplicate key in a flow map", minimal.replacingLine(31, "      - {tier: h800, units: 64, units: 8}"),
         ["t.yaml:31:33: error: providers[cloud].fleet[0]: duplicate key 'units' at lines 31 and 31 (write each key once)"]),
        ("duplicate names", minimal.replacingLine(11, "  - name: h800"),
         ["t.yaml:11:11: error: tiers[1].name: duplicate tier name 'h800' at lines 6 and 11"]),
        ("missing required keys", "name: x\nstart: 2024-01\n",
         ["t.yaml:1:1: error: (top level): missing required key 'horizon_months'; expected an integer in [1, 600]",
          "t.yaml:1:1: error: (top level): missing required key 'currency'; expected a name (a letter, then letters, digits, '-' or '_'; at most 64)",
          "t.yaml:1:1: error: (top level): missing required key 'tiers'; expected a list of maps, each with a unique name",
          "t.yaml:1:1: error: (top level): missing required key 'regions'; expected a list of maps, each with a unique name",
          "t.yaml:1:1: error: (top level): missing required key 'demand'; expected a map",
          "t.yaml:1:1: error: (top level): missing required key 'providers'; expected a list of maps, each with a unique name"]),
        ("null for a required key", minimal.replacingLine(29, "    cash: ~"),
         ["t.yaml:29:11: error: providers[cloud].cash: expected a number in [0, 1e15], got null"]),
        ("unknown tier", minimal.replacingLine(24, "      tier: h900"),
         ["t.yaml:24:13: error: demand.segments[training].tier: unknown tier 'h900' (did you mean 'h800'?); the tiers are h800, a800"]),
        ("unknown region", minimal.replacingLine(28, "    region: west"),
         ["t.yaml:28:13: error: providers[cloud].region: unknown region 'west' (did you mean 'east'?); the regions are east"]),
        ("unknown tier in prices", minimal.insertingLine(after: 29, "    prices: {h8000: 20}"),
         ["t.yaml:30:14: error: providers[cloud].prices.h8000: unknown tier 'h8000' (did you mean 'h800'?); the tiers are h800, a800"]),
        ("bad substitutes", minimal.insertingLine(after: 24, "      substitutes: [h800, a800, a800, b200]"),
         ["t.yaml:25:21: error: demand.segments[training].substitutes[0]: a substitute must differ from the segment's own tier 'h800'",
          "t.yaml:25:33: error: demand.segments[training].substitutes[2]: tier 'a800' is listed twice",
          "t.yaml:25:39: error: demand.segments[training].substitutes[3]: unknown tier 'b200' (did you mean 'h800'?); the tiers are h800, a800"]),
        ("shock dates", minimal + "shocks:\n  - {kind: demand, from: 2030-01, to: 2023-01, multiplier: 2}\n  - {kind: default, segment: trianing, from: 2024-03, to: 2026-02, multiplier: 2}\n  - {kind: base_rate, from: 2024-05, rate: 0.05, to: 2025-01}\n",
         ["t.yaml:33:26: error: shocks[0].from: expected a month from 2024-01 to 2025-12 (inside the horizon), got '2030-01'",
          "t.yaml:33:39: error: shocks[0].to: expected a month after from (2030-01), got '2023-01'",
          "t.yaml:34:30: error: shocks[1].segment: unknown segment 'trianing' (did you mean 'training'?); the segments are training",
          "t.yaml:34:59: error: shocks[1].to: expected a month no later than 2026-01 (the end of the horizon), got '2026-02'",
          "t.yaml:35:50: error: shocks[2]: 'to' applies only when kind is demand or default, not 'base_rate'"]),
        ("term discounts out of order", minimal + "pricing:\n  term_discounts: [{months: 36, discount: 0.2}, {months: 12, discount: 0.1}]\n",
         ["t.yaml:33:58: error: pricing.term_discounts[1].months: expected months greater than 36 (line 33): they increase down the list, got '12'"]),
        ("physical life below depreciation life", minimal.insertingLine(after: 10, "    physical_life_years: 3"),
         ["t.yaml:11:26: error: tiers[h800].physical_life_years: expected at least life_years (5), got '3'"]),
        ("unknown distribution", minimal.replacingLine(25, "      reservation_price: {dist: paretto, shape: 1}"),
         ["t.yaml:25:33: error: demand.segments[training].reservation_price.dist: unknown distribution 'paretto' (did you mean 'pareto'?); expected one of constant, uniform, exponential, gamma, lognormal, normal, truncnormal, weibull, pareto, beta, poisson, binomial, negbinomial, discrete, empirical"]),
        ("unknown distribution parameter", minimal.replacingLine(25, "      reservation_price: {dist: pareto, shap: 1, scale: 3}"),
         ["t.yaml:25:41: error: demand.segments[training].reservation_price: unknown parameter 'shap' of pareto (did you mean 'shape'?); expected shape, scale"]),
        ("invalid distribution parameter", minimal.replacingLine(25, "      reservation_price: {dist: pareto, shape: -1, scale: 3}"),
         ["t.yaml:25:48: error: demand.segments[training].reservation_price.shape: pareto: shape must be > 0, got -1"]),
        ("missing distribution parameter", minimal.replacingLine(25, "      reservation_price: {dist: gamma, shape: 2}"),
         ["t.yaml:25:26: error: demand.segments[training].reservation_price.scale: gamma: missing parameter 'scale'"]),
        ("distribution mean outside the range", minimal.replacingLine(25, "      reservation_price: {dist: normal, mean: -5, sd: 1}"),
         ["t.yaml:25:26: error: demand.segments[training].reservation_price: the distribution's mean -5 lies outside the valid range (0, 1000000]"]),
        ("a map without dist", minimal.replacingLine(25, "      reservation_price: {dsit: normal, mean: 5, sd: 1}"),
         ["t.yaml:25:26: error: demand.segments[training].reservation_price: expected a number in (0, 1000000] or a distribution {dist: NAME, …}, got a map without 'dist' (did you mean 'dist'?)"]),
        ("number key drawn without per", minimal.replacingLine(29, "    cash: {dist: uniform, min: 1, max: 2}"),
         ["t.yaml:29:11: error: providers[cloud].cash: a distribution here needs 'per: replication' (a number key is drawn once per replication)"]),
        ("per with a wrong value", minimal.replacingLine(29, "    cash: {dist: uniform, min: 1, max: 2, per: tenant}"),
         ["t.yaml:29:48: error: providers[cloud].cash.per: expected 'replication' (drawn once per replication), got 'tenant'"]),
        ("a key that cannot be drawn", minimal.replacingLine(3, "horizon_months: {dist: uniform, min: 1, max: 2, per: replication}"),
         ["t.yaml:3:17: error: horizon_months: expected an integer in [1, 600], got a distribution (this key shapes the run and cannot be drawn per replication)"]),
        ("a scalar where a list of vouchers belongs", minimal + "policy: {vouchers: 1}\n",
         ["t.yaml:32:20: error: policy.vouchers: expected a list of maps, each with a unique name (name, region, segments, share, from, to, …), got '1'"]),
        ("two documents", minimal + "---\nname: b\n",
         ["t.yaml:32:1: error: providers[cloud].fleet[0].units: not valid YAML: but found another document (expected a single document in the stream at line 1, column 1)"]),
        ("syntax error names the nearest key", minimal.replacingLine(13, "    power_kw: [0.8"),
         ["t.yaml:14:18: error: tiers[a800].tflops: not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 13, column 15)"]),
        ("a tab for indentation", minimal + "\tfoo: 1\n",
         ["t.yaml:32:1: error: providers[cloud].fleet[0].units: not valid YAML: found character that cannot start any token (while scanning for the next token)"]),
        ("anchor and alias", minimal + "x: &a [1, 2]\ny: *a\n",
         ["t.yaml:32:4: error: x: anchors and aliases ('&…') are not supported in scenario files; write the value out",
          "t.yaml:33:4: error: y: anchors and aliases ('*…') are not supported in scenario files; write the value out"]),
        ("deep flow nesting", "name: " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
         ["t.yaml:1:39: error: (top level): nested deeper than 32 levels"]),
        ("deep block nesting", (0..<150).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n"),
         ["t.yaml:122:122: error: (top level): indented more than 120 columns; nesting this deep is not a scenario"]),
        ("many compact dashes", String(repeating: "- ", count: 50) + "x",
         ["t.yaml:1:17: error: (top level): nested deeper than 8 compact '- ' levels on one line"]),
        ("too many entries", minimal.replacingLine(31, "      - {tier: h800, units: 64}\n" + String(repeating: "      - {tier: h800, units: 1}\n", count: 1000)),
         ["t.yaml:31:7: error: providers[cloud].fleet: expected at most 1000 entries, got 1001"]),
    ]

    @Test(arguments: cases.indices)
    func malformed(_ i: Int) {
        let c = Self.cases[i]
        let got = headers(c.yaml)
        #expect(got == c.expected, "\(c.label)")
    }

    @Test func everyProblemAtOnceSortedByLine() throws {
        let yaml = minimal
            .replacingLine(31, "      - {tier: h900, units: -4}")
            .replacingLine(7, "    tflops: -1")
            .replacingLine(23, "      rate: many")
            .insertingLine(after: 2, "horizon: 24")
        let d = try #require(diagnostics(yaml))
        #expect(d.diagnostics.map(\.line) == [3, 8, 24, 32, 32])
        #expect(d.diagnostics.map(\.keyPath) == ["(top level)", "tiers[h800].tflops", "demand.segments[training].rate",
                                                 "providers[cloud].fleet[0].tier", "providers[cloud].fleet[0].units"])
        #expect(d.summary == "suanli: 5 errors in t.yaml; nothing was run.")
        #expect(d.diagnostics[0].message == "unknown key 'horizon' (did you mean 'horizon_months'?)")
    }

    @Test func renderedLikeACompiler() throws {
        let d = try #require(diagnostics(minimal.replacingLine(31, "      - {tier: h800, units: -4}").insertingLine(after: 23, "      grwoth: {kind: exponential}"),
                                         path: "Scenarios/baseline.yaml"))
        #expect(d.description == """
            Scenarios/baseline.yaml:24:7: error: demand.segments[training]: unknown key 'grwoth' (did you mean 'growth'?)
                  grwoth: {kind: exponential}
                  ^
            Scenarios/baseline.yaml:32:29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got '-4'
                  - {tier: h800, units: -4}
                                        ^
            suanli: 2 errors in Scenarios/baseline.yaml; nothing was run.
            """)
    }

    @Test func aliasBombIsRejectedQuickly() {
        var lines = ["a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
        for i in 1..<10 {
            lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]")
        }
        lines.append("? *a9\n: 1")
        let clock = ContinuousClock()
        let start = clock.now
        let d = diagnostics(lines.joined(separator: "\n"))
        #expect(d != nil, "the alias bomb ends with a diagnostic (took \(clock.now - start); timings are in Benchmarks/README.md)")
        #expect(d?.diagnostics.first?.message.contains("anchors and aliases") == true)
    }

    @Test func invalidUTF8File() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("suanli-bad-\(UUID().uuidString).yaml")
        try Data("name: x\nstart: 20\u{24}".utf8 + [0xFF, 0xFE, 0x41]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try ScenarioLoader.load(path: url.path)
            Issue.record("loaded a file that is not UTF-8")
        } catch {
            #expect(error.diagnostics.map(\.header) == ["\(url.path):2:11: error: (top level): not UTF-8 text (a scenario is a YAML text file)"])
        }
    }

    @Test func missingFileAndDirectory() {
        for p in ["/nonexistent/scenario.yaml", FileManager.default.temporaryDirectory.path] {
            do {
                _ = try ScenarioLoader.load(path: p)
                Issue.record("loaded \(p)")
            } catch {
                #expect(error.diagnostics.count == 1)
                #expect(error.diagnostics[0].header.hasPrefix("\(p):1:1: error: (top level): cannot read the file"))
            }
        }
    }

    @Test func bigFileIsRefused() {
        let yaml = "description: \"" + String(repeating: "x", count: YAMLReader.maxBytes) + "\"\n"
        #expect(headers(yaml) == ["t.yaml:1:1: error: (top level): the file is larger than 1024 KiB; expected a scenario of a few hundred lines"])
    }
}
