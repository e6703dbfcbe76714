import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// `--set KEY.PATH=VALUE`: applied before checking, by index or by name, errors at `<command line>:--set #k`.
@Suite struct OverrideTests {
    func load(_ overrides: [String]) throws -> ScenarioDocument {
        try ScenarioLoader.load(yaml: minimal, path: "t.yaml", overrides: overrides)
    }

    @Test func numbersByNameAndByIndex() throws {
        let doc = try load(["providers[cloud].cash=5e8", "demand.segments[0].rate=30", "tiers[a800].eta=0.6"])
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.providers[0].cash == 5e8)
        #expect(s.segments[0].rate == 30)
        #expect(s.tiers[1].eta == 0.6)
    }

    @Test func flowValues() throws {
        let doc = try load(["demand.segments[0].units={dist: pareto, shape: 1.5, scale: 8}",
                            "demand.segments[training].substitutes=[a800]",
                            "providers[0].fleet=[{tier: a800, units: 5}, {tier: h800, units: 7, age_months: 3}]"])
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.segments[0].units == .pareto(shape: 1.5, scale: 8))
        #expect(s.segments[0].substitutes == [1])
        #expect(s.providers[0].fleet.map(\.units) == [5, 7])
        #expect(s.providers[0].fleet.map(\.ageMonths) == [0, 3])
    }

    @Test func keysAbsentFromTheFile() throws {
        let doc = try load(["pricing.k_u=0.3", "providers[cloud].prices.h800=25", "exit.loss_quarters=6",
                            "demand.segments[training].growth.kind=logistic", "demand.segments[training].growth.ceiling=50"])
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.pricing.kU == 0.3)
        #expect(s.providers[0].initialPrices == [0: 25])
        #expect(s.exit.lossQuarters == 6)
        guard case .logistic(let r, let k) = s.segments[0].growth else { Issue.record("growth not logistic"); return }
        #expect(r == 0 && k == 50)
    }

    @Test func aParameterInsideADistribution() throws {
        let doc = try load(["demand.segments[0].units={dist: pareto, shape: 1.5, scale: 8}", "demand.segments[0].units.shape=2.5"])
        #expect(doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario.segments[0].units == .pareto(shape: 2.5, scale: 8))
    }

    @Test func drawnPerReplication() throws {
        let doc = try load(["demand.segments[training].rate={dist: uniform, min: 10, max: 14, per: replication}"])
        #expect(doc.perReplicationKeys == ["demand.segments[training].rate"])
    }

    @Test func laterOverridesWin() throws {
        let doc = try load(["pricing.k_u=0.3", "pricing.k_u=0.4"])
        #expect(doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario.pricing.kU == 0.4)
    }

    static let bad: [(overrides: [String], expected: [String])] = [
        (["pricing.k_u=0.3", "pricing.k_u=-1"],
         ["<command line>:--set #2: error: pricing.k_u: expected a number in [0, 10], got '-1'"]),
        (["pricing.k_u=0.3", "pricing.kU=1"],
         ["<command line>:--set #2: error: pricing: unknown key 'kU' (did you mean 'k_u'?)"]),
        (["demand.segmnts[0].rate=3"],
         ["<command line>:--set #1: error: demand: unknown key 'segmnts' (did you mean 'segments'?)"]),
        (["providers[3].cash=1"],
         ["<command line>:--set #1: error: providers: index 3 is out of range: 'providers' has 1 entry"]),
        (["providers[clod].cash=1"],
         ["<command line>:--set #1: error: providers: no provider named 'clod' (did you mean 'cloud'?); the providers are cloud"]),
        (["providers.cash=1"],
         ["<command line>:--set #1: error: providers: 'providers' is a list: address an entry as providers[0] or providers[NAME], then .cash"]),
        (["pricing[0].k_u=1"],
         ["<command line>:--set #1: error: pricing: 'pricing' is not a list; remove the […]"]),
        (["pricing.k_u"],
         ["<command line>:--set #1: error: (top level): expected KEY.PATH=VALUE, got 'pricing.k_u'"]),
        (["pricing..k_u=1"],
         ["<command line>:--set #1: error: (top level): malformed key path 'pricing..k_u'; expected a.b.c, a.b[2].c or a.b[name].c"]),
        (["providers[0].cash={dist: uniform, min: 1"],
         ["<command line>:--set #1: error: providers[0].cash: not valid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 1, column 19)"]),
        (["demand.segments[0].units={dist: pareto, shape: -1.5, scale: 8}"],
         ["<command line>:--set #1: error: demand.segments[training].units.shape: pareto: shape must be > 0, got -1.5"]),
        (["demand.segments[0].tier=h900"],
         ["<command line>:--set #1: error: demand.segments[training].tier: unknown tier 'h900' (did you mean 'h800'?); the tiers are h800, a800"]),
        (["providers[cloud].cash.mean=3"],
         ["<command line>:--set #1: error: providers[cloud].cash: 'providers[cloud].cash' is a number in the file; set it whole, as providers[cloud].cash={dist: NAME, …}"]),
    ]

    @Test(arguments: bad.indices)
    func badOverrides(_ i: Int) {
        let c = Self.bad[i]
        #expect(headers(minimal, overrides: c.overrides) == c.expected)
    }

    @Test func fileErrorsComeFirstThenOverridesInOrder() throws {
        let d = try #require(diagnostics(minimal.replacingValue(at: "providers[cloud].cash", with: "-1"), overrides: ["pricing.k_x=-1", "pricing.k_u=-1"]))
        #expect(d.diagnostics.map(\.file) == ["t.yaml", "<command line>:--set #1", "<command line>:--set #2"])
        #expect(d.summary == "suanli: 3 errors in t.yaml; nothing was run.")
        // The caret points into the override's text.
        #expect(d.diagnostics[2].description == """
            <command line>:--set #2: error: pricing.k_u: expected a number in [0, 10], got '-1'
            pricing.k_u=-1
                        ^
            """)
    }

    @Test func overridingAValueFixesTheFile() throws {
        let doc = try ScenarioLoader.load(yaml: minimal.replacingValue(at: "providers[cloud].cash", with: "-1"), path: "t.yaml",
                                          overrides: ["providers[cloud].cash=7"])
        #expect(doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario.providers[0].cash == 7)
    }
}
