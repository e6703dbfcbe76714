import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// `supplied` with every policy key and every kind of site shock and mass default set
/// (the site shocks and mass defaults are `shocks[4]` to `shocks[7]`).
let policied = supplied
    .inserting("""
    - {kind: electricity, region: east, from: 2024-07, multiplier: 1.5}
    - {kind: pue, region: abroad, from: 2025-01, multiplier: 1.2}
    - {kind: mass_default, segment: training, from: 2025-09, share: 0.3}
    - {kind: mass_default, from: 2025-10, share: 0.1}
    """, after: "shocks[3]") + """
policy:
  vouchers:
    - {name: shanghai, region: east, segments: [training], share: 0.8, from: 2024-03, to: 2025-03, budget: 6e8, lag_months: 3}
    - {name: anywhere, region: abroad, share: 0.25, from: 2024-06, budget: 1e6}
  price_caps:
    - {tier: h800, from: 2024-06, to: 2025-01, cap: 25}
    - {from: 2025-01, cap: 40}

"""

/// Compute vouchers, price caps, site shocks (electricity, PUE) and mass defaults: decoding into
/// `Scenario.policy`, defaults, every validation rule with its exact message, overrides, draws, explain.
@Suite struct PolicyKeysTests {
    func scenario(_ yaml: String = policied, overrides: [String] = []) throws -> Scenario {
        try ScenarioLoader.load(yaml: yaml, path: "t.yaml", overrides: overrides)
            .instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
    }

    func ym(_ y: Int, _ m: Int) -> YearMonth { YearMonth(year: y, month: m) }

    @Test func noPolicyByDefault() throws {
        let s = try scenario(minimal)
        #expect(s.policy.vouchers.isEmpty && s.policy.priceCaps.isEmpty && s.policy.siteShocks.isEmpty && s.policy.massDefaults.isEmpty)
        let doc = try ScenarioLoader.load(yaml: minimal, path: "t.yaml")
        #expect(doc.resolvedYAML.contains("\npolicy:\n  vouchers: []\n  price_caps: []\npricing:\n"))
    }

    @Test func vouchers() throws {
        let v = try scenario().policy.vouchers
        #expect(v.map(\.name) == ["shanghai", "anywhere"])
        #expect(v[0].region == 0 && v[0].segments == [0] && v[0].share == 0.8 && v[0].from == ym(2024, 3) && v[0].to == ym(2025, 3))
        #expect(v[0].budget == 6e8 && v[0].lagMonths == 3)
        // Defaults: every segment, to the end, paid at the same month's close.
        #expect(v[1].region == 1 && v[1].segments.isEmpty && v[1].share == 0.25 && v[1].from == ym(2024, 6) && v[1].to == nil)
        #expect(v[1].budget == 1e6 && v[1].lagMonths == 0)
    }

    @Test func priceCaps() throws {
        let c = try scenario().policy.priceCaps
        #expect(c.map(\.tier) == [0, nil] && c.map(\.cap) == [25, 40])
        #expect(c.map(\.from) == [ym(2024, 6), ym(2025, 1)] && c.map(\.to) == [ym(2025, 1), nil])
    }

    @Test func siteShocksAndMassDefaults() throws {
        let s = try scenario()
        let site = s.policy.siteShocks
        #expect(site.map(\.region) == [0, 1] && site.map(\.from) == [ym(2024, 7), ym(2025, 1)])
        // An electricity shock leaves the PUE alone, and the other way round.
        #expect(site.map(\.electricityMultiplier) == [1.5, nil] && site.map(\.pueMultiplier) == [nil, 1.2])
        let md = s.policy.massDefaults
        #expect(md.map(\.segment) == [0, nil] && md.map(\.at) == [ym(2025, 9), ym(2025, 10)] && md.map(\.share) == [0.3, 0.1])
        // None of them is a demand, default or rate shock, nor a supply shock.
        #expect(s.shocks.count == 1 && s.supplyShocks.count == 3)
    }

    static let cases = makeCases(from: policied)

    /// The malformed cases, as edits of `base` (`policied`, or `policied` with lines added).
    static func makeCases(from base: String) -> [(label: String, yaml: String, expected: [String])] { [
        malformedCase("voucher references", base.replacingEntry(at: "policy.vouchers[shanghai]", with: "- {name: shanghai, region: west, segments: [trainning, training, training], share: 0.8, from: 2024-03, budget: 6e8}")) { at in
            let v = at("policy.vouchers[shanghai]")
            return ["t.yaml:\(v):32: error: policy.vouchers[shanghai].region: unknown region 'west' (did you mean 'east'?); the regions are east, abroad",
                    "t.yaml:\(v):49: error: policy.vouchers[shanghai].segments[0]: unknown segment 'trainning' (did you mean 'training'?); the segments are training",
                    "t.yaml:\(v):70: error: policy.vouchers[shanghai].segments[2]: segment 'training' is listed twice"]
        },
        malformedCase("voucher ranges", base.replacingEntry(at: "policy.vouchers[shanghai]", with: "- {name: shanghai, region: east, share: 1.5, from: 2024-03, budget: -1, lag_months: 25}")
            .replacingEntry(at: "policy.vouchers[anywhere]", with: "- {name: anywhere, region: abroad, share: 0.25, from: 2024-06, lag_months: 2.5}")) { at in
            let v0 = at("policy.vouchers[shanghai]"), v1 = at("policy.vouchers[anywhere]")
            return ["t.yaml:\(v0):45: error: policy.vouchers[shanghai].share: expected a number in [0, 1], got '1.5'",
                    "t.yaml:\(v0):73: error: policy.vouchers[shanghai].budget: expected a number in [0, 1e15], got '-1'",
                    "t.yaml:\(v0):89: error: policy.vouchers[shanghai].lag_months: expected an integer in [0, 24], got '25'",
                    "t.yaml:\(v1):7: error: policy.vouchers[anywhere]: missing required key 'budget'; expected a number in [0, 1e15]",
                    "t.yaml:\(v1):80: error: policy.vouchers[anywhere].lag_months: expected an integer in [0, 24], got '2.5' (not a whole number)"]
        },
        malformedCase("voucher dates and names", base.replacingEntry(at: "policy.vouchers[0]", with: "- {name: anywhere, region: east, share: 0.8, from: 2023-07, to: 2026-02, budget: 6e8}")
            .replacingEntry(at: "policy.vouchers[1]", with: "- {name: anywhere, region: abroad, share: 0.25, from: 2024-06, to: 2024-06, budget: 1e6}")) { at in
            let v0 = at("policy.vouchers[0]"), v1 = at("policy.vouchers[1]")
            return ["t.yaml:\(v0):56: error: policy.vouchers[0].from: expected a month from 2024-01 to 2025-12 (inside the horizon), got '2023-07'",
                    "t.yaml:\(v0):69: error: policy.vouchers[0].to: expected a month no later than 2026-01 (the end of the horizon), got '2026-02'",
                    "t.yaml:\(v1):14: error: policy.vouchers[1].name: duplicate voucher name 'anywhere' at lines \(v0) and \(v1)",
                    "t.yaml:\(v1):72: error: policy.vouchers[1].to: expected a month after from (2024-06), got '2024-06'"]
        },
        malformedCase("price caps", base.replacingEntry(at: "policy.price_caps[0]", with: "- {tier: h8OO, from: 2024-06, to: 2026-03, cap: 0}")
            .replacingEntry(at: "policy.price_caps[1]", with: "- {from: 2026-01, cap: 40, segment: training}")) { at in
            let c0 = at("policy.price_caps[0]"), c1 = at("policy.price_caps[1]")
            return ["t.yaml:\(c0):14: error: policy.price_caps[0].tier: unknown tier 'h8OO' (did you mean 'h800'?); the tiers are h800, h20",
                    "t.yaml:\(c0):39: error: policy.price_caps[0].to: expected a month no later than 2026-01 (the end of the horizon), got '2026-03'",
                    "t.yaml:\(c0):53: error: policy.price_caps[0].cap: expected a number in (0, 1000000], got '0'",
                    "t.yaml:\(c1):14: error: policy.price_caps[1].from: expected a month from 2024-01 to 2025-12 (inside the horizon), got '2026-01'",
                    "t.yaml:\(c1):32: error: policy.price_caps[1]: unknown key 'segment'"]
        },
        malformedCase("site shocks", base.replacingEntry(at: "shocks[4]", with: "- {kind: electricity, region: east, from: 2023-12, multiplier: 1.5, segment: training, to: 2025-01}")
            .replacingEntry(at: "shocks[5]", with: "- {kind: pue, region: abroad, from: 2025-01, multiplier: 0.5}")
            .replacingEntry(at: "shocks[6]", with: "- {kind: electricity, regoin: east, from: 2025-01, multiplier: 2}")) { at in
            let s4 = at("shocks[4]"), s5 = at("shocks[5]"), s6 = at("shocks[6]")
            return ["t.yaml:\(s4):45: error: shocks[4].from: expected a month from 2024-01 to 2025-12 (inside the horizon), got '2023-12'",
                    "t.yaml:\(s4):71: error: shocks[4]: 'segment' applies only when kind is demand, default or mass_default, not 'electricity'",
                    "t.yaml:\(s4):90: error: shocks[4]: 'to' applies only when kind is demand or default, not 'electricity'",
                    "t.yaml:\(s5):60: error: shocks[5].multiplier: the PUE of abroad would be 1.5 × 0.5 = 0.75, below 1 (a site cannot draw less power than its IT load)",
                    "t.yaml:\(s6):25: error: shocks[6]: unknown key 'regoin' (did you mean 'region'?)"]
        },
        malformedCase("site shock regions", base.replacingEntry(at: "shocks[4]", with: "- {kind: electricity, region: est, from: 2024-07, multiplier: 1001}")) { at in
            ["t.yaml:\(at("shocks[4]")):33: error: shocks[4].region: unknown region 'est' (did you mean 'east'?); the regions are east, abroad",
             "t.yaml:\(at("shocks[4]")):65: error: shocks[4].multiplier: expected a number in [0, 1000], got '1001'"]
        },
        malformedCase("mass defaults", base.replacingEntry(at: "shocks[6]", with: "- {kind: mass_default, segment: inference, from: 2025-09, share: 1.5, multiplier: 2}")
            .replacingEntry(at: "shocks[7]", with: "- {kind: mass_default, from: 2026-01}")) { at in
            let s6 = at("shocks[6]"), s7 = at("shocks[7]")
            return ["t.yaml:\(s6):35: error: shocks[6].segment: unknown segment 'inference'; the segments are training",
                    "t.yaml:\(s6):68: error: shocks[6].share: expected a number in [0, 1], got '1.5'",
                    "t.yaml:\(s6):73: error: shocks[6]: 'multiplier' applies only when kind is demand, default, electricity or pue, not 'mass_default'",
                    "t.yaml:\(s7):5: error: shocks[7]: missing required key 'share'; expected a number in [0, 1]",
                    "t.yaml:\(s7):32: error: shocks[7].from: expected a month from 2024-01 to 2025-12 (inside the horizon), got '2026-01'"]
        },
        malformedCase("an unknown kind", base.replacingEntry(at: "shocks[4]", with: "- {kind: electricty, region: east, from: 2024-07, multiplier: 1.5}")) { at in
            ["t.yaml:\(at("shocks[4]")):12: error: shocks[4].kind: expected one of demand, default, base_rate, supply, export_ban, electricity, pue, mass_default, got 'electricty' (did you mean 'electricity'?)"]
        },
    ] }

    @Test(arguments: cases.indices)
    func malformed(_ i: Int) {
        let c = Self.cases[i]
        #expect(headers(c.yaml) == c.expected, "\(c.label)")
    }

    @Test func overrides() throws {
        let s = try scenario(overrides: ["policy.vouchers[shanghai].share=0.5", "policy.vouchers[anywhere].segments=[training]",
                                         "policy.price_caps[1].tier=h20", "shocks[4].multiplier=2", "shocks[6].share=0.05"])
        #expect(s.policy.vouchers[0].share == 0.5 && s.policy.vouchers[1].segments == [0])
        #expect(s.policy.priceCaps[1].tier == 1 && s.policy.siteShocks[0].electricityMultiplier == 2 && s.policy.massDefaults[0].share == 0.05)
        // A policy section absent from the file is created.
        let m = try scenario(minimal, overrides: ["policy.price_caps=[{from: 2024-06, cap: 20}]"])
        #expect(m.policy.priceCaps.map(\.cap) == [20] && m.policy.priceCaps[0].tier == nil)
        #expect(headers(policied, overrides: ["policy.vouchers[pudong].share=0.5"])
                == ["<command line>:--set #1: error: policy.vouchers: no voucher named 'pudong'; the vouchers are shanghai, anywhere"])
    }

    @Test func drawnPerReplication() throws {
        let doc = try ScenarioLoader.load(yaml: policied, path: "t.yaml", overrides: [
            "policy.vouchers[shanghai].budget={dist: uniform, min: 1e8, max: 6e8, per: replication}",
            "shocks[4].multiplier={dist: uniform, min: 1, max: 2, per: replication}"])
        #expect(doc.perReplicationKeys == ["shocks[4].multiplier", "policy.vouchers[shanghai].budget"])
        let (s, params) = doc.instantiate(replication: 2, plan: SeedPlan(masterSeed: 3))
        #expect(s.policy.siteShocks[0].electricityMultiplier == params[0].value && s.policy.vouchers[0].budget == params[1].value)
    }

    @Test func resolvedYAMLRoundTrips() throws {
        let doc = try ScenarioLoader.load(yaml: policied, path: "t.yaml")
        let again = try ScenarioLoader.load(yaml: doc.resolvedYAML, path: "r.yaml")
        #expect(again.resolvedYAML == doc.resolvedYAML)
        #expect(doc.resolvedYAML.contains("""
            policy:
              vouchers:
                - name: shanghai
                  region: east
                  segments: [training]
                  share: 0.8
                  from: 2024-03
                  to: 2025-03
                  budget: 6e8
                  lag_months: 3
                - name: anywhere
                  region: abroad
                  segments: []
                  share: 0.25
                  from: 2024-06
                  to: null
                  budget: 1000000
                  lag_months: 0
              price_caps:
                - tier: h800
            """))
        #expect(doc.resolvedYAML.contains("  - kind: pue\n    region: abroad\n    from: 2025-01\n    multiplier: 1.2\n"))
        #expect(doc.resolvedYAML.contains("  - kind: mass_default\n    segment: null\n    from: 2025-10\n    share: 0.1\n"))
    }

    @Test func explain() throws {
        let v = try #require(ScenarioSchema.explain("policy.vouchers"))
        for k in ["name", "region", "segments", "share", "from", "to", "budget", "lag_months"] { #expect(v.contains("\n    \(k) "), "\(k)") }
        #expect(ScenarioSchema.explain("policy.vouchers[shanghai].lag_months")?.contains("  valid:   integer in [0, 24]\n") == true)
        #expect(ScenarioSchema.explain("shocks[].region")?.contains("Only for kind electricity, pue.") == true)
        #expect(ScenarioSchema.explain("shocks[].share")?.contains("Only for kind mass_default.") == true)
        #expect(ScenarioSchema.explain("policy.price_caps[0].tier")?.contains("  default: none\n") == true)
    }
}
