import Foundation
@testable import MarketModel
import Stochastics
import Testing

/// The rent an investment is valued from: the firm's list price blended with the market's signed
/// rent, carried along the signed rent's trend over the lead time (`expansion.signed_weight`,
/// `trend_weight`, `trend_months`).
@Suite struct ExpectationTests {
    /// A market in month 0 whose signed rents of tier 0 over the closes so far were `path`.
    func market(signedWeight: Double, trendWeight: Double, trendMonths: Double = 6, path: [Double]) -> Market {
        var s = supplyMarket(capacity: 100)
        s.expansion.signedWeight = signedWeight
        s.expansion.trendWeight = trendWeight
        s.expansion.trendMonths = trendMonths
        var m = Market(scenario: s, plan: SeedPlan(masterSeed: 5), replication: 0)
        m.beginMonth(0)
        m.signedRentPath = path.map { TierTable([$0]) }
        m.signedRent[0] = path.last ?? 0
        return m
    }

    @Test func withNeitherWeightTheFirmsOwnRentIsTheStart() {
        let m = market(signedWeight: 0, trendWeight: 0, path: [30, 25, 20, 15])
        #expect(m.anticipatedRent(start: 22, tier: 0, leadYears: 0.4) == 22)
        #expect(m.signedTrend(tier: 0) != nil, "the trend exists; its weight is 0")
    }

    @Test func theStartBlendsTheSignedRentWithTheListPrice() {
        let m = market(signedWeight: 0.25, trendWeight: 0, path: [12])
        #expect(abs(m.anticipatedRent(start: 20, tier: 0, leadYears: 0.5) - (0.25 * 12 + 0.75 * 20)) < 1e-12)
        // No signed rent (0): the list price alone.
        var empty = market(signedWeight: 0.25, trendWeight: 0, path: [0])
        empty.signedRent[0] = 0
        #expect(empty.anticipatedRent(start: 20, tier: 0, leadYears: 0.5) == 20)
    }

    /// ĝ is the annualised change over the window (fewer closes early on), clamped to −75%…+100%.
    @Test func theTrendIsTheAnnualisedChangeOverTheWindowClamped() throws {
        // Eight points: the window of 6 closes spans 20 → 15 over half a year, (0.75)^2 − 1 = −43.75% a
        // year; the first point (99) lies outside it.
        let falling = market(signedWeight: 0, trendWeight: 0.5, path: [99, 20, 19, 18, 17, 16, 15.5, 15])
        let g = try #require(falling.signedTrend(tier: 0))
        #expect(abs(g - (pow(15.0 / 20, 2) - 1)) < 1e-12)
        let lead = 0.3
        #expect(abs(falling.anticipatedRent(start: 15, tier: 0, leadYears: lead) - 15 * pow(1 + 0.5 * g, lead)) < 1e-12)
        // Two closes only: the trend over one month, clamped at +100% a year.
        let early = market(signedWeight: 0, trendWeight: 1, path: [10, 12])
        #expect(early.signedTrend(tier: 0) == 1)
        // A collapse is clamped at −75% a year.
        let collapse = market(signedWeight: 0, trendWeight: 1, trendMonths: 3, path: [40, 20, 10, 5])
        #expect(collapse.signedTrend(tier: 0) == -0.75)
        // Before the first close there is no trend.
        #expect(market(signedWeight: 0, trendWeight: 1, path: [10]).signedTrend(tier: 0) == nil)
    }

    /// The expansion rule's NPV uses the anticipated rent: a falling signed rent lowers the value of
    /// a unit bought now, and a rising one raises it, against the same flat market.
    @Test func aFallingSignedRentLowersAUnitsNPVAndARisingOneRaisesIt() throws {
        func npv(_ path: [Double]) throws -> Double {
            let m = market(signedWeight: 0.5, trendWeight: 0.5, path: path)
            let k = try #require(m.supplyIndex(tier: 0, jurisdiction: "cn"))
            let price = m.chipPrice(k, month: 0)
            return m.unitNPV(firm: ProviderID(0), tier: 0, price: price, leadYears: 0.5, utilisation: 0.8)
        }
        let flat = try npv([20, 20, 20, 20, 20, 20, 20])
        let falling = try npv([26, 25, 24, 23, 22, 21, 20])
        let rising = try npv([14, 15, 16, 17, 18, 19, 20])
        #expect(falling < flat && flat < rising, "falling \(falling), flat \(flat), rising \(rising)")
    }
}
