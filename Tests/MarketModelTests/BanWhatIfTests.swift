import Foundation
import Testing
@testable import MarketModel
import ScenarioModule
import Stochastics

/// `Scenarios/export-ban-h20.yaml` against `baseline.yaml`, replication by replication at the same
/// seed (common random numbers): the H20 licence rule of 2025-04 must bite as it did — it cancels
/// orders the inference squeeze put in the backlog, loses demand, raises the H20's used price, and
/// makes more firms `starved`.
@Suite struct BanWhatIfTests {
    /// Mean and 95% t-interval of paired differences (n − 1 degrees of freedom; t ≈ 1.984 at 99).
    static func meanInterval(_ xs: [Double]) -> (mean: Double, low: Double, high: Double) {
        let n = Double(xs.count), mean = xs.reduce(0, +) / n
        let sd = (xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let t = 1.984, half = t * sd / n.squareRoot()
        return (mean, mean - half, mean + half)
    }

    /// Measured (seed 1, 100 pairs, the model of 2026-12-06, before entry on expected returns, the
    /// peak's H800s in the baseline and its per-replication assumptions; not re-measured since): the ban cancels H20 orders in 68 of 100
    /// replications, 99 units on average [76, 121]; lost units from 2025-04 on rise by 427 [340, 514];
    /// the H20 used price at 2025-12 is 1.47 times the baseline's (median; 95% interval [1.41, 1.52]);
    /// starved exits rise by 0.08 a replication [0.02, 0.14] (11 against 3: server-maker-cloud,
    /// which holds H20s and turns away the inference demand it can no longer meet, most often).
    /// Before the inference squeeze and the starvation rule of issue 14 every difference was 0.
    /// Session 10 (investment on signed rents and their trend; a unit's NPV charging opex and idle
    /// power as the accounts do): the ban cancels H20 orders in 42 of 100 replications, 81 units on
    /// average — it was 58 of 100 before the NPV charged opex (fewer H20 orders pass the hurdle at the
    /// squeeze). The issue asks for a cancelled backlog whose paired interval excludes 0; the test
    /// also asks that it happens in at least a third of the replications.
    /// About 4 s in release.
    @Test func theH20BanBitesAsItDid() throws {
        let base = try PriceWarTests.load("baseline.yaml"), ban = try PriceWarTests.load("export-ban-h20.yaml")
        let plan = SeedPlan(masterSeed: 1)
        let s0 = base.instantiate(replication: 0, plan: plan).scenario
        let h20 = try #require(base.tierNames.firstIndex(of: "h20"))
        let banMonth = YearMonth(year: 2025, month: 4).ordinal - s0.start.ordinal
        let december = YearMonth(year: 2025, month: 12).ordinal - s0.start.ordinal
        let replications = 100
        var cancelled: [Double] = [], lost: [Double] = [], usedRatio: [Double] = [], starved: [Double] = []
        for rep in 0..<replications {
            let a = try MarketReplication.run(base.instantiate(replication: rep, plan: plan).scenario, plan: plan, replication: rep)
            let b = try MarketReplication.run(ban.instantiate(replication: rep, plan: plan).scenario, plan: plan, replication: rep)
            // What the ban cancels: the H20 backlog at 2025-04, beyond the orders of firms that exit (both runs).
            func h20Cancelled(_ r: ReplicationResult) -> Double {
                Double(r.supplyMonths.filter { $0.tier == h20 && $0.month == banMonth }.reduce(0) { $0 + $1.cancelledUnits })
            }
            cancelled.append(h20Cancelled(b) - h20Cancelled(a))
            func unitsLost(_ r: ReplicationResult) -> Double {
                Double(r.marketMonths.filter { $0.tier == nil && $0.month >= banMonth }.reduce(0) { $0 + $1.unitsLost })
            }
            lost.append(unitsLost(b) - unitsLost(a))
            func used(_ r: ReplicationResult) throws -> Double {
                try #require(r.marketMonths.first { $0.tier == h20 && $0.month == december }?.usedPrice)
            }
            usedRatio.append(try used(b) / used(a))
            func starvedExits(_ r: ReplicationResult) -> Double { Double(r.outcomes.filter { $0.exitReason == .starved }.count) }
            starved.append(starvedExits(b) - starvedExits(a))
        }
        let c = Self.meanInterval(cancelled)
        #expect(c.low > 0 && cancelled.filter { $0 > 0 }.count >= replications / 3,
                "cancelled \(c) in \(cancelled.filter { $0 > 0 }.count) replications")
        let l = Self.meanInterval(lost)
        #expect(l.low > 0, "lost units \(l)")
        let u = PriceWarTests.medianInterval(usedRatio)
        #expect(u.low > 1, "H20 used price ratio \(u)")
        let s = Self.meanInterval(starved)
        #expect(s.low > 0, "starved exits \(s)")
    }
}
