import Foundation
import Testing
@testable import ScenarioModule

/// Each class of bad input, with the exact header of every diagnostic it must produce.
@Suite struct MalformedInputTests {
    /// The line of `providers[cloud].cash` in `minimal`, for the cases that write that key twice.
    static let cash = minimal.line(of: "providers[cloud].cash")

    static let cases: [(label: String, yaml: String, expected: [String])] = [
        ("empty file", "",
         ["t.yaml:1:1: error: (top level): expected a map of scenario keys (name, start, horizon_months, currency, tiers, …), got an empty file"]),
        ("only a comment", "# nothing here\n",
         ["t.yaml:1:1: error: (top level): expected a map of scenario keys (name, start, horizon_months, currency, tiers, …), got an empty file"]),
        ("binary garbage", "\u{0}\u{1}\u{2}garbage\u{7F}\u{FFFD}",
         ["t.yaml:1:1: error: (top level): not a text file or not valid YAML: control characters are not allowed (byte 0x00)"]),
        ("a list at the top", "- a\n- b\n",
         ["t.yaml:1:1: error: (top level): expected a map of scenario keys (name, description, start, horizon_months, currency, …), got a list"]),
        malformedCase("a list where a map belongs", minimal.inserting("pricing: [1, 2]", after: "demand")) { at in
            ["t.yaml:\(at("pricing")):10: error: pricing: expected a map of k_u, k_x, index_weight, target_utilisation, cap_multiple, cost_plus_markup, …, got a list"]
        },
        malformedCase("a map where a list belongs", minimal.replacingValue(at: "demand.segments", with: "{name: x}")) { at in
            ["t.yaml:\(at("demand.segments")):13: error: demand.segments: expected a list of maps, each with a unique name (name, rate, growth, tier, substitutes, units, …), got a map"]
        },
        malformedCase("a scalar where a map belongs", minimal.replacingValue(at: "demand.segments", with: "3")) { at in
            ["t.yaml:\(at("demand.segments")):13: error: demand.segments: expected a list of maps, each with a unique name (name, rate, growth, tier, substitutes, units, …), got '3'"]
        },
        malformedCase("1e308", minimal.replacingValue(at: "providers[cloud].cash", with: "1e308")) { at in
            ["t.yaml:\(at("providers[cloud].cash")):11: error: providers[cloud].cash: expected a number in [0, 1e15], got '1e308'"]
        },
        malformedCase("beyond Double", minimal.replacingValue(at: "providers[cloud].cash", with: "1e400")) { at in
            ["t.yaml:\(at("providers[cloud].cash")):11: error: providers[cloud].cash: expected a number in [0, 1e15], got '1e400' (not a finite number)"]
        },
        malformedCase(".nan", minimal.replacingValue(at: "providers[cloud].cash", with: ".nan")) { at in
            ["t.yaml:\(at("providers[cloud].cash")):11: error: providers[cloud].cash: expected a number in [0, 1e15], got '.nan' (not a finite number)"]
        },
        malformedCase("-.inf", minimal.replacingValue(at: "demand.segments[training].rate", with: "-.inf")) { at in
            ["t.yaml:\(at("demand.segments[training].rate")):13: error: demand.segments[training].rate: expected a number in [0, 1e7], got '-.inf' (not a finite number)"]
        },
        malformedCase("negative count", minimal.replacingValue(at: "providers[cloud].fleet[0].units", with: "-4")) { at in
            ["t.yaml:\(at("providers[cloud].fleet[0]")):29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got '-4'"]
        },
        malformedCase("huge count", minimal.replacingValue(at: "providers[cloud].fleet[0].units", with: "100000000000")) { at in
            ["t.yaml:\(at("providers[cloud].fleet[0]")):29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got '100000000000'"]
        },
        malformedCase("fractional count", minimal.replacingValue(at: "providers[cloud].fleet[0].units", with: "2.5")) { at in
            ["t.yaml:\(at("providers[cloud].fleet[0]")):29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got '2.5' (not a whole number)"]
        },
        malformedCase("quoted number", minimal.replacingValue(at: "providers[cloud].fleet[0].units", with: "\"64\"")) { at in
            ["t.yaml:\(at("providers[cloud].fleet[0]")):29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got the string \"64\""]
        },
        malformedCase("a word for a number", minimal.replacingValue(at: "tiers[h800].tflops", with: "lots")) { at in
            ["t.yaml:\(at("tiers[h800].tflops")):13: error: tiers[h800].tflops: expected a number in (0, 1000000], got 'lots'"]
        },
        malformedCase("horizon too long", minimal.replacingValue(at: "horizon_months", with: "601")) { at in
            ["t.yaml:\(at("horizon_months")):17: error: horizon_months: expected an integer in [1, 600], got '601'"]
        },
        malformedCase("bad month", minimal.replacingValue(at: "start", with: "2024-13")) { at in
            ["t.yaml:\(at("start")):8: error: start: expected a month YYYY-MM, got '2024-13'"]
        },
        malformedCase("bad bool", minimal.inserting("soft_budget: yes", after: "providers[cloud].cash")) { at in
            ["t.yaml:\(at("providers[cloud].soft_budget")):18: error: providers[cloud].soft_budget: expected true or false, got 'yes'"]
        },
        malformedCase("bad choice", minimal.inserting("model: ownr", after: "providers[cloud].region")) { at in
            ["t.yaml:\(at("providers[cloud].model")):12: error: providers[cloud].model: expected one of owner, sublessor, broker, hybrid, got 'ownr' (did you mean 'owner'?)"]
        },
        malformedCase("unknown key, transposed letters", minimal.inserting("grwoth: {kind: exponential}", after: "demand.segments[training].rate")) { at in
            ["t.yaml:\(at("demand.segments[training].grwoth")):7: error: demand.segments[training]: unknown key 'grwoth' (did you mean 'growth'?)"]
        },
        malformedCase("a misspelt required key is not also missing", minimal.replacingEntry(at: "tiers[h800].tflops", with: "tflpos: 989")) { at in
            ["t.yaml:\(at("tiers[h800].tflpos")):5: error: tiers[h800]: unknown key 'tflpos' (did you mean 'tflops'?)"]
        },
        malformedCase("a retired key names what replaced it", minimal.inserting("entry: {max_rate: 0, hype: []}", after: "currency")) { at in
            ["t.yaml:\(at("entry")):22: error: entry: unknown key 'hype' (removed in issue 14: entry follows the expected return on new capacity; a dated capital-market premium is entry.premium (from, share))"]
        },
        malformedCase("unknown key, nothing close", minimal.inserting("colour: blue", after: "currency")) { at in
            ["t.yaml:\(at("colour")):1: error: (top level): unknown key 'colour'"]
        },
        malformedCase("key of another kind", minimal.inserting("growth: {kind: exponential, rate: 0.1, ceiling: 5}", after: "demand.segments[training].rate")) { at in
            ["t.yaml:\(at("demand.segments[training].growth")):46: error: demand.segments[training].growth: 'ceiling' applies only when kind is logistic, not 'exponential'"]
        },
        malformedCase("logistic without its ceiling", minimal.inserting("growth: {kind: logistic, rate: 0.1}", after: "demand.segments[training].rate")) { at in
            ["t.yaml:\(at("demand.segments[training].growth")):15: error: demand.segments[training].growth: missing required key 'ceiling'; expected a number in (0, 1e7]"]
        },
        // The key is written twice, so its lines are counted from its line in `minimal`.
        ("duplicate key, both lines", minimal.inserting("cash: 2e8", after: "providers[cloud].cash"),
         ["t.yaml:\(cash + 1):5: error: providers[cloud]: duplicate key 'cash' at lines \(cash) and \(cash + 1) (write each key once)"]),
        ("a key three times", minimal.inserting("cash: 2e8\ncash: 3e8", after: "providers[cloud].cash"),
         ["t.yaml:\(cash + 1):5: error: providers[cloud]: duplicate key 'cash' at lines \(cash) and \(cash + 1) (write each key once)",
          "t.yaml:\(cash + 2):5: error: providers[cloud]: duplicate key 'cash' at lines \(cash) and \(cash + 2) (write each key once)"]),
        ("duplicate top-level key", minimal + "name: again\n",
         ["t.yaml:\(minimal.lineCount + 1):1: error: (top level): duplicate key 'name' at lines \(minimal.line(of: "name")) and \(minimal.lineCount + 1) (write each key once)"]),
        malformedCase("duplicate key in a flow map", minimal.replacingEntry(at: "providers[cloud].fleet[0]", with: "- {tier: h800, units: 64, units: 8}")) { at in
            let f = at("providers[cloud].fleet[0]")
            return ["t.yaml:\(f):33: error: providers[cloud].fleet[0]: duplicate key 'units' at lines \(f) and \(f) (write each key once)"]
        },
        malformedCase("duplicate names", minimal.replacingValue(at: "tiers[a800].name", with: "h800")) { at in
            ["t.yaml:\(at("tiers[1]")):11: error: tiers[1].name: duplicate tier name 'h800' at lines \(at("tiers[0]")) and \(at("tiers[1]"))"]
        },
        ("missing required keys", "name: x\nstart: 2024-01\n",
         ["t.yaml:1:1: error: (top level): missing required key 'horizon_months'; expected an integer in [1, 600]",
          "t.yaml:1:1: error: (top level): missing required key 'currency'; expected a name (a letter, then letters, digits, '-' or '_'; at most 64)",
          "t.yaml:1:1: error: (top level): missing required key 'tiers'; expected a list of maps, each with a unique name",
          "t.yaml:1:1: error: (top level): missing required key 'regions'; expected a list of maps, each with a unique name",
          "t.yaml:1:1: error: (top level): missing required key 'demand'; expected a map",
          "t.yaml:1:1: error: (top level): missing required key 'providers'; expected a list of maps, each with a unique name"]),
        malformedCase("null for a required key", minimal.replacingValue(at: "providers[cloud].cash", with: "~")) { at in
            ["t.yaml:\(at("providers[cloud].cash")):11: error: providers[cloud].cash: expected a number in [0, 1e15], got null"]
        },
        malformedCase("unknown tier", minimal.replacingValue(at: "demand.segments[training].tier", with: "h900")) { at in
            ["t.yaml:\(at("demand.segments[training].tier")):13: error: demand.segments[training].tier: unknown tier 'h900' (did you mean 'h800'?); the tiers are h800, a800"]
        },
        malformedCase("unknown region", minimal.replacingValue(at: "providers[cloud].region", with: "west")) { at in
            ["t.yaml:\(at("providers[cloud].region")):13: error: providers[cloud].region: unknown region 'west' (did you mean 'east'?); the regions are east"]
        },
        malformedCase("unknown tier in prices", minimal.inserting("prices: {h8000: 20}", after: "providers[cloud].cash")) { at in
            ["t.yaml:\(at("providers[cloud].prices")):14: error: providers[cloud].prices.h8000: unknown tier 'h8000' (did you mean 'h800'?); the tiers are h800, a800"]
        },
        malformedCase("bad substitutes", minimal.inserting("substitutes: [h800, a800, a800, b200]", after: "demand.segments[training].tier")) { at in
            let s = at("demand.segments[training].substitutes")
            return ["t.yaml:\(s):21: error: demand.segments[training].substitutes[0]: a substitute must differ from the segment's own tier 'h800'",
                    "t.yaml:\(s):33: error: demand.segments[training].substitutes[2]: tier 'a800' is listed twice",
                    "t.yaml:\(s):39: error: demand.segments[training].substitutes[3]: unknown tier 'b200' (did you mean 'h800'?); the tiers are h800, a800"]
        },
        malformedCase("an inference segment's tiers without memory or bandwidth", minimal.inserting("workload: inference", after: "demand.segments[training].tier")) { at in
            ["t.yaml:\(at("demand.segments[training].tier")):13: error: demand.segments[training].tier: an inference segment matches tiers by memory and bandwidth, but tier 'h800' has no memory_gb or bandwidth_tbs; give the tier memory_gb and bandwidth_tbs or make the segment's workload training"]
        },
        malformedCase("shock dates", minimal + "shocks:\n  - {kind: demand, from: 2030-01, to: 2023-01, multiplier: 2}\n  - {kind: default, segment: trianing, from: 2024-03, to: 2026-02, multiplier: 2}\n  - {kind: base_rate, from: 2024-05, rate: 0.05, to: 2025-01}\n") { at in
            ["t.yaml:\(at("shocks[0]")):26: error: shocks[0].from: expected a month from 2024-01 to 2025-12 (inside the horizon), got '2030-01'",
             "t.yaml:\(at("shocks[0]")):39: error: shocks[0].to: expected a month after from (2030-01), got '2023-01'",
             "t.yaml:\(at("shocks[1]")):30: error: shocks[1].segment: unknown segment 'trianing' (did you mean 'training'?); the segments are training",
             "t.yaml:\(at("shocks[1]")):59: error: shocks[1].to: expected a month no later than 2026-01 (the end of the horizon), got '2026-02'",
             "t.yaml:\(at("shocks[2]")):50: error: shocks[2]: 'to' applies only when kind is demand or default, not 'base_rate'"]
        },
        malformedCase("term discounts out of order", minimal + "pricing:\n  term_discounts: [{months: 36, discount: 0.2}, {months: 12, discount: 0.1}]\n") { at in
            ["t.yaml:\(at("pricing.term_discounts[1]")):58: error: pricing.term_discounts[1].months: expected months greater than 36 (line \(at("pricing.term_discounts[0]"))): they increase down the list, got '12'"]
        },
        malformedCase("physical life below depreciation life", minimal.inserting("physical_life_years: 3", after: "tiers[h800].reference_price")) { at in
            ["t.yaml:\(at("tiers[h800].physical_life_years")):26: error: tiers[h800].physical_life_years: expected at least life_years (5), got '3'"]
        },
        malformedCase("unknown distribution", minimal.replacingValue(at: "demand.segments[training].reservation_price", with: "{dist: paretto, shape: 1}")) { at in
            ["t.yaml:\(at("demand.segments[training].reservation_price")):33: error: demand.segments[training].reservation_price.dist: unknown distribution 'paretto' (did you mean 'pareto'?); expected one of constant, uniform, exponential, gamma, lognormal, normal, truncnormal, weibull, pareto, beta, poisson, binomial, negbinomial, discrete, empirical"]
        },
        malformedCase("unknown distribution parameter", minimal.replacingValue(at: "demand.segments[training].reservation_price", with: "{dist: pareto, shap: 1, scale: 3}")) { at in
            ["t.yaml:\(at("demand.segments[training].reservation_price")):41: error: demand.segments[training].reservation_price: unknown parameter 'shap' of pareto (did you mean 'shape'?); expected shape, scale"]
        },
        malformedCase("invalid distribution parameter", minimal.replacingValue(at: "demand.segments[training].reservation_price", with: "{dist: pareto, shape: -1, scale: 3}")) { at in
            ["t.yaml:\(at("demand.segments[training].reservation_price")):48: error: demand.segments[training].reservation_price.shape: pareto: shape must be > 0, got -1"]
        },
        malformedCase("missing distribution parameter", minimal.replacingValue(at: "demand.segments[training].reservation_price", with: "{dist: gamma, shape: 2}")) { at in
            ["t.yaml:\(at("demand.segments[training].reservation_price")):26: error: demand.segments[training].reservation_price.scale: gamma: missing parameter 'scale'"]
        },
        malformedCase("distribution mean outside the range", minimal.replacingValue(at: "demand.segments[training].reservation_price", with: "{dist: normal, mean: -5, sd: 1}")) { at in
            ["t.yaml:\(at("demand.segments[training].reservation_price")):26: error: demand.segments[training].reservation_price: the distribution's mean -5 lies outside the valid range (0, 1000000]"]
        },
        malformedCase("a map without dist", minimal.replacingValue(at: "demand.segments[training].reservation_price", with: "{dsit: normal, mean: 5, sd: 1}")) { at in
            ["t.yaml:\(at("demand.segments[training].reservation_price")):26: error: demand.segments[training].reservation_price: expected a number in (0, 1000000] or a distribution {dist: NAME, …}, got a map without 'dist' (did you mean 'dist'?)"]
        },
        malformedCase("number key drawn without per", minimal.replacingValue(at: "providers[cloud].cash", with: "{dist: uniform, min: 1, max: 2}")) { at in
            ["t.yaml:\(at("providers[cloud].cash")):11: error: providers[cloud].cash: a distribution here needs 'per: replication' (a number key is drawn once per replication) or 'per: firm' (drawn for each firm of the provider's population)"]
        },
        malformedCase("per with a wrong value", minimal.replacingValue(at: "providers[cloud].cash", with: "{dist: uniform, min: 1, max: 2, per: tenant}")) { at in
            ["t.yaml:\(at("providers[cloud].cash")):48: error: providers[cloud].cash.per: expected 'replication' (drawn once per replication) or 'firm' (drawn for each firm of the provider's population), got 'tenant'"]
        },
        malformedCase("a key that cannot be drawn", minimal.replacingValue(at: "horizon_months", with: "{dist: uniform, min: 1, max: 2, per: replication}")) { at in
            ["t.yaml:\(at("horizon_months")):17: error: horizon_months: expected an integer in [1, 600], got a distribution (this key shapes the run and cannot be drawn per replication)"]
        },
        malformedCase("a scalar where a list of vouchers belongs", minimal + "policy: {vouchers: 1}\n") { at in
            ["t.yaml:\(at("policy.vouchers")):20: error: policy.vouchers: expected a list of maps, each with a unique name (name, region, segments, share, from, to, …), got '1'"]
        },
        ("two documents", minimal + "---\nname: b\n",
         ["t.yaml:\(minimal.lineCount + 1):1: error: (top level): not valid YAML: but found another document (expected a single document in the stream at line 1, column 1)"]),
        // The flow list left open is reported on the line after it, under the key that holds it.
        ("syntax error names the nearest key", minimal.replacingValue(at: "tiers[a800].power_kw", with: "[0.8"),
         ["t.yaml:\(minimal.line(of: "tiers[a800].purchase_cost")):18: error: tiers[a800].power_kw: not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line \(minimal.line(of: "tiers[a800].power_kw")), column 15)"]),
        ("a tab for indentation", minimal + "\tfoo: 1\n",
         ["t.yaml:\(minimal.lineCount + 1):1: error: (top level): not valid YAML: found character that cannot start any token (while scanning for the next token)"]),
        malformedCase("anchor and alias", minimal + "x: &a [1, 2]\ny: *a\n") { at in
            ["t.yaml:\(at("x")):4: error: x: anchors and aliases ('&…') are not supported in scenario files; write the value out",
             "t.yaml:\(at("y")):4: error: y: anchors and aliases ('*…') are not supported in scenario files; write the value out"]
        },
        ("deep flow nesting", "name: " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
         ["t.yaml:1:39: error: (top level): nested deeper than 32 levels"]),
        ("deep block nesting", (0..<150).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n"),
         ["t.yaml:122:122: error: (top level): indented more than 120 columns; nesting this deep is not a scenario"]),
        ("many compact dashes", String(repeating: "- ", count: 50) + "x",
         ["t.yaml:1:17: error: (top level): nested deeper than 8 compact '- ' levels on one line"]),
        malformedCase("too many entries", minimal.inserting(String(repeating: "- {tier: h800, units: 1}\n", count: 1000), after: "providers[cloud].fleet[0]")) { at in
            ["t.yaml:\(at("providers[cloud].fleet[0]")):7: error: providers[cloud].fleet: expected at most 1000 entries, got 1001"]
        },
    ]

    @Test(arguments: cases.indices)
    func malformed(_ i: Int) {
        let c = Self.cases[i]
        let got = headers(c.yaml)
        #expect(got == c.expected, "\(c.label)")
    }

    @Test func everyProblemAtOnceSortedByLine() throws {
        let yaml = minimal
            .replacingEntry(at: "providers[cloud].fleet[0]", with: "- {tier: h900, units: -4}")
            .replacingValue(at: "tiers[h800].tflops", with: "-1")
            .replacingValue(at: "demand.segments[training].rate", with: "many")
            .inserting("horizon: 24", after: "start")
        let d = try #require(diagnostics(yaml))
        let fleet = yaml.line(of: "providers[cloud].fleet[0]")
        #expect(d.diagnostics.map(\.line) == [yaml.line(of: "horizon"), yaml.line(of: "tiers[h800].tflops"),
                                              yaml.line(of: "demand.segments[training].rate"), fleet, fleet])
        #expect(d.diagnostics.map(\.keyPath) == ["(top level)", "tiers[h800].tflops", "demand.segments[training].rate",
                                                 "providers[cloud].fleet[0].tier", "providers[cloud].fleet[0].units"])
        #expect(d.summary == "suanli: 5 errors in t.yaml; nothing was run.")
        #expect(d.diagnostics[0].message == "unknown key 'horizon' (did you mean 'horizon_months'?)")
    }

    @Test func renderedLikeACompiler() throws {
        let yaml = minimal.replacingValue(at: "providers[cloud].fleet[0].units", with: "-4")
            .inserting("grwoth: {kind: exponential}", after: "demand.segments[training].rate")
        let d = try #require(diagnostics(yaml, path: "Scenarios/baseline.yaml"))
        #expect(d.description == """
            Scenarios/baseline.yaml:\(yaml.line(of: "demand.segments[training].grwoth")):7: error: demand.segments[training]: unknown key 'grwoth' (did you mean 'growth'?)
                  grwoth: {kind: exponential}
                  ^
            Scenarios/baseline.yaml:\(yaml.line(of: "providers[cloud].fleet[0]")):29: error: providers[cloud].fleet[0].units: expected an integer in [0, 1e7], got '-4'
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
