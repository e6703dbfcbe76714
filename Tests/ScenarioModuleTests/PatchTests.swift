import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// A sweep point's overrides patched onto the decoded base give the document the base's tree with
/// the overrides, decoded again, gives: the same typed scenario for every replication, the same
/// draws, resolved text and content hash; and the same diagnostics when a point is wrong.
@Suite struct PatchTests {
    static let path = packageRoot.appendingPathComponent("Scenarios/baseline.yaml").path
    let base = ScenarioBase(path: PatchTests.path)

    /// The typed scenario as text: `Scenario` is not `Equatable`, and its dump shows every field
    /// (a firm's initial prices, a dictionary whose dump order may differ, sorted by tier apart).
    func text(_ s: Scenario) -> String {
        var s = s
        var prices = ""
        for i in s.providers.indices {
            prices += "\(s.providers[i].initialPrices.sorted { $0.key < $1.key })\n"
            s.providers[i].initialPrices = [:]
        }
        for i in s.entrants.indices {
            prices += "\(s.entrants[i].provider.initialPrices.sorted { $0.key < $1.key })\n"
            s.entrants[i].provider.initialPrices = [:]
        }
        var out = ""
        dump(s, to: &out)
        // A distribution's sampling table is dumped as its address.
        let lines = out.split(separator: "\n").filter { !$0.contains("pointerValue:") && !$0.contains(": 0x") }
        return lines.joined(separator: "\n") + "\n" + prices
    }

    func expectSame(_ overrides: [String], patched: Bool = true) throws {
        #expect(base.patches(overrides) == patched, "\(overrides)")
        let p = try base.document(overrides: overrides)
        let f = try base.fullDocument(overrides: overrides)
        #expect(p.resolvedYAML == f.resolvedYAML, "\(overrides)")
        #expect(p.contentHash == f.contentHash, "\(overrides)")
        #expect(p.perReplicationKeys == f.perReplicationKeys, "\(overrides)")
        #expect(p.files == f.files && p.name == f.name && p.summary == f.summary, "\(overrides)")
        let plan = SeedPlan(masterSeed: 7)
        for r in 0..<2 {
            let a = p.instantiate(replication: r, plan: plan), b = f.instantiate(replication: r, plan: plan)
            #expect(text(a.scenario) == text(b.scenario), "\(overrides) replication \(r)")
            #expect(a.parameters.map(\.key) == b.parameters.map(\.key) && a.parameters.map(\.value) == b.parameters.map(\.value))
        }
    }

    @Test(arguments: [
        ["horizon_months=48"],                                            // integer
        ["pricing.k_u=0.3"],                                              // nested, absent from the file
        ["providers[idc-operator].cash=2.5e8"],                           // list entry by name, as written
        ["providers[0].fleet[1].units=600"],                              // by index, a list in a list
        ["start=2024-03"],                                                // date
        ["providers[state-telecom-cloud].pricing=undercut"],              // enum
        ["providers[idc-operator].region=west-hub"],                      // reference
        ["demand.segments[inference].rate={dist: uniform, min: 40, max: 80, per: replication}"],   // drawn per replication
        ["tiers[h20].life_years=6"],                                      // a computed default follows
        ["sublease.rent_in_term_months=18"],                              // a computed default follows
        ["shocks[3].to=2026-06", "policy.price_caps=[]"],                 // a whole list: the full way
        ["providers[listed-integrator].prices.h800=25"],                  // a keyed map's value
        ["description=swept", "pricing.k_u=0.25", "providers[1].cash=3e8", "providers[1].cash=4e8"],
        ["entrants[crossover].name=newcomer"],                            // a name: the full way
        ["providers[compute-platform].affiliates=[idc-operator]"],        // a list of names: the full way
    ])
    func patchedEqualsDecoded(_ overrides: [String]) throws {
        let structural = overrides.contains { $0.contains("=[") || $0.contains(".name=") }
        try expectSame(overrides, patched: !structural)
    }

    @Test func drawnBackToFixed() throws {
        let drawn = "demand.segments[inference].rate={dist: uniform, min: 40, max: 80, per: replication}"
        try expectSame([drawn, "demand.segments[inference].rate=60"])
        try expectSame(["datacentres.build_months=12"])
    }

    /// A point that breaks a rule between keys is reported as `suanli run --set` reports it.
    @Test(arguments: [
        ["shocks[3].from=2031-01"],                           // a date beyond the horizon
        ["horizon_months=12"],                                // the horizon moves before dated entries
        ["providers[idc-operator].region=nowhere"],           // an unknown region
        ["providers[compute-reseller].rent_in[0].lessor=compute-platform"],   // a lessor that is a broker
        ["tiers[h20].physical_life_years=1"],                 // below life_years
        ["providers[idc-operator].cash=-1"],                  // out of range
    ])
    func samePointDiagnostics(_ overrides: [String]) throws {
        #expect(!base.patches(overrides))
        var patched = "", full = ""
        do { _ = try base.document(overrides: overrides) } catch { patched = error.description }
        do { _ = try ScenarioLoader.load(path: PatchTests.path, overrides: overrides) } catch { full = error.description }
        #expect(!patched.isEmpty)
        #expect(patched == full)
    }

    @Test func locatedDiagnosticOfAPoint() throws {
        do {
            _ = try base.document(overrides: ["shocks[3].from=2031-01"])
            Issue.record("expected diagnostics")
        } catch {
            let h = error.diagnostics.map(\.header)
            #expect(h.contains { $0.hasPrefix("<command line>:--set #1: error: shocks[3].from: expected a month from 2024-01 to") }, "\(h)")
        }
    }
}
