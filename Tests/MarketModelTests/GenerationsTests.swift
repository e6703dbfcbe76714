import Foundation
import Testing
@testable import MarketModel
import ScenarioModule
import Stochastics

/// Chip generations (`tiers[].release`, `successor`, `price_decline`) and the validation
/// scenario `Scenarios/validation/generations.yaml`.
@Suite struct GenerationsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func generations(_ overrides: [String] = []) throws -> ScenarioDocument {
        try ScenarioLoader.load(path: Self.root.appendingPathComponent("Scenarios/validation/generations.yaml").path, overrides: overrides)
    }

    /// The old tier's price index per effective TFLOP-hour, month by month (nil where unset).
    func rentPerEffectiveTFLOP(_ r: ReplicationResult, tier: Int, effective: Double) -> [Double?] {
        r.marketMonths.filter { $0.tier == tier }.sorted { $0.month < $1.month }.map { $0.priceIndex.map { $0 / effective } }
    }

    func mean(_ xs: [Double?], _ months: Range<Int>) -> Double {
        let v = months.compactMap { xs[$0] }
        return v.reduce(0, +) / Double(Swift.max(1, v.count))
    }

    /// Paired replications (same seed and replication: common random numbers) with the new tier
    /// released in 2025-01 and with its release moved beyond the horizon. The change of the old
    /// tier's rent per effective TFLOP-hour from the year before the release (months 0–11) to the
    /// last year (24–35): with the release its 95% interval lies below zero, and below the change without it;
    /// without it the interval does not lie below zero.
    @Test func theOlderTiersRentPerEffectiveTFLOPFallsAfterTheNewerTiersRelease() throws {
        let with = try generations(), without = try generations(["tiers[new].release=2030-01"])
        let plan = SeedPlan(masterSeed: 13)
        let replications = 20
        var changeWith = Tally(), changeWithout = Tally(), paired = Tally()
        for rep in 0..<replications {
            let a = with.instantiate(replication: rep, plan: plan).scenario
            let b = without.instantiate(replication: rep, plan: plan).scenario
            let e = a.tiers[0].effective
            let ra = rentPerEffectiveTFLOP(try MarketReplication.run(a, plan: plan, replication: rep), tier: 0, effective: e)
            let rb = rentPerEffectiveTFLOP(try MarketReplication.run(b, plan: plan, replication: rep), tier: 0, effective: e)
            let before = 0..<12, after = 24..<36
            let dWith = mean(ra, after) - mean(ra, before), dWithout = mean(rb, after) - mean(rb, before)
            changeWith.add(dWith)
            changeWithout.add(dWithout)
            paired.add(dWith - dWithout)
        }
        let hw = try #require(changeWith.halfWidth()), hwo = try #require(changeWithout.halfWidth()), hp = try #require(paired.halfWidth())
        #expect(changeWith.mean + hw < 0, "with the release: change \(changeWith.mean) ± \(hw) per TFLOP-hour")
        #expect(changeWithout.mean + hwo >= 0, "without it: change \(changeWithout.mean) ± \(hwo)")
        #expect(paired.mean + hp < 0, "paired difference \(paired.mean) ± \(hp)")
    }

    /// Nothing of a tier ships, and no order is taken, before its release month; its
    /// predecessor's vendor price declines from then.
    @Test func aTierShipsNothingBeforeItsReleaseAndItsPredecessorsPriceDeclinesAfter() throws {
        let s = try generations().instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        let r = try MarketReplication.run(s, plan: SeedPlan(masterSeed: 1), replication: 0)
        let newSupply = r.supplyMonths.filter { $0.tier == 1 }
        #expect(newSupply.filter { $0.month < 12 }.allSatisfy { $0.orderedUnits == 0 && $0.shippedUnits == 0 && $0.capacityUnits == 0 })
        #expect(newSupply.filter { $0.month >= 12 }.contains { $0.orderedUnits > 0 }, "firms order the new tier once released")
        let market = Market(scenario: s, plan: SeedPlan(masterSeed: 1), replication: 0)
        #expect(market.vendorPrice(tier: 0, month: 12) == s.tiers[0].purchaseCost)
        #expect(abs(market.vendorPrice(tier: 0, month: 24) - s.tiers[0].purchaseCost * 0.7) < 1e-6)
        #expect(market.vendorPrice(tier: 1, month: 30) == s.tiers[1].purchaseCost)
    }
}
