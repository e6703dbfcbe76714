import Foundation
@testable import Experiments
import MarketModel
import ScenarioModule
import Stochastics
import Testing

/// The yardstick market of `suanli bench market`.
@Suite struct SyntheticMarketTests {
    /// It loads without a diagnostic, holds its N firms and their units, keeps them all (no exit, no
    /// expansion), and draws tenants in proportion to the units installed: arrivals per unit are the
    /// same for 3 and 12 firms within 15% (3 replications of 48 months: about 940 and 3,770
    /// arrivals, so the ratio's standard deviation is about 4%).
    @Test func aFixedDemandPerFirm() throws {
        var perUnit: [Double] = []
        for n in [3, 12] {
            let document = try ScenarioLoader.load(yaml: SyntheticMarket.yaml(firms: n), path: "synthetic.yaml")
            let plan = SeedPlan(masterSeed: 9)
            let units = (0..<n).reduce(0) { $0 + SyntheticMarket.units(firm: $1) }
            var arrived = 0
            for rep in 0..<3 {
                let scenario = document.instantiate(replication: rep, plan: plan).scenario
                #expect(scenario.providers.count == n)
                let r = try MarketReplication.run(scenario, plan: plan, replication: rep)
                #expect(r.firms.count == n, "no entrant")
                #expect(r.outcomes.filter { !$0.survived }.isEmpty, "no exit")
                let last = r.firmMonths.filter { $0.month == scenario.horizonMonths - 1 }
                #expect(last.reduce(0) { $0 + $1.units.reduce(0, +) } == units, "the fleet neither grows nor shrinks")
                arrived += r.marketMonths.filter { $0.tier == nil }.reduce(0) { $0 + $1.tenantsArrived }
            }
            perUnit.append(Double(arrived) / Double(units))
        }
        #expect(abs(perUnit[1] / perUnit[0] - 1) < 0.15, "arrivals per unit installed \(perUnit)")
    }
}
