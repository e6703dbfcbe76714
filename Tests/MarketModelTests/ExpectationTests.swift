import Foundation
@testable import MarketModel
import Stochastics
import Testing

/// The rent an investment is valued from: the firm's list price blended with the market's signed
/// rent, carried along the signed rent's trend over the lead time (`expansion.signed_weight`,
/// `trend_weight`, `trend_months`).
@Suite struct ExpectationTests {
    /// A market in month 0 whose signed rents of tier 0 over the closes so far were `path`.
    func market(signedWeight: Double, trendWeight: Double, trendMonths: Double = 6, path: [Double],
                opex: Double = 0) -> Market {
        var s = supplyMarket(capacity: 100)
        for k in s.providers.indices { s.providers[k].opexPerUnitMonthly = opex }
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

    /// A unit's NPV in the expansion rule is the month-by-month sum of the flows the accounts would
    /// book for it (rent at the expected price times utilisation, power on the busy hours and the idle
    /// share on the rest, opex per unit), discounted from the lead time on, plus the used value at
    /// the end of its life, less its price: the closed form against the sum.
    @Test func aUnitsNPVIsTheSumOfTheFlowsTheAccountsWouldBook() throws {
        var m = market(signedWeight: 0.4, trendWeight: 0.3, path: [24, 23, 22, 21, 20, 19, 18], opex: 350)
        m.providers[ProviderID(0)].leasing.listPrice[0] = 22
        let j = ProviderID(0), s = m.scenario, tier = s.tiers[0], e = s.expansion
        let k = try #require(m.supplyIndex(tier: 0, jurisdiction: "cn"))
        let price = m.chipPrice(k, month: 0), lead = 0.35, u = 0.6
        let rho = m.providers[j].spec.costOfCapital, opex = m.providers[j].spec.opexPerUnitMonthly
        try #require(opex > 0 && s.pricing.idlePowerShare > 0, "the fixture should charge opex and idle power")
        let power = m.powerPerHour(firm: j, tier: 0) * (u + s.pricing.idlePowerShare * (1 - u))
        let longRun = m.longRunPrice(firm: j, tier: 0, chip: price)
        let start = m.anticipatedRent(start: 22, tier: 0, leadYears: lead)
        let hours = daysPerMonth * hoursPerDay
        var value = -price
        for month in 1...Int((tier.lifeYears * 12).rounded()) {
            let tau = lead + Double(month) / 12
            let expected = longRun * pow(1 - e.techDecline, tau) + (start - longRun) * exp(-e.kappa * tau)
            value += ((expected * u - power) * hours - opex) / pow(1 + rho, tau)
        }
        value += price * pow(1 - tier.usedDecline, tier.lifeYears) / pow(1 + rho, lead + tier.lifeYears)
        let npv = m.unitNPV(firm: j, tier: 0, price: price, leadYears: lead, utilisation: u)
        #expect(abs(npv - value) <= 1e-9 * abs(value) + 1e-6, "closed form \(npv), month by month \(value)")
    }

    /// An entrant's first order starts from the same anticipated rent: with the trend weighted, a
    /// signed rent that has been falling lowers its expected return against one that has been flat at
    /// today's level, and one that has been rising raises it; with θ = 0 the path does not matter.
    @Test func anEntrantsReturnFollowsTheSignedRentsTrendOverItsLeadTime() throws {
        func entryReturn(_ path: [Double], trendWeight: Double) throws -> Double {
            var s = supplyMarket(capacity: 100)
            s.expansion.trendWeight = trendWeight
            var tpl = Fixtures.provider(name: "entrant", units: 0, softBudget: false, fixedOpex: 50_000)
            tpl.fleet = []
            tpl.jurisdiction = "cn"
            s.entrants = [EntrantTemplate(name: "cloud", provider: tpl, firstOrder: [(0, 16)])]
            var m = Market(scenario: s, plan: SeedPlan(masterSeed: 3), replication: 0)
            m.beginMonth(0)
            m.signedRentPath = path.map { TierTable([$0]) }
            m.signedRent[0] = path.last ?? 0
            m.closedUtilisation[0] = 0.7
            return try #require(m.entryReturn(template: 0, month: 0, at: 0))
        }
        let falling = [30.0, 28, 26, 24, 22, 21, 20], flat = [20.0, 20, 20, 20, 20, 20, 20], rising = [12.0, 13, 15, 16, 18, 19, 20]
        let f = try entryReturn(falling, trendWeight: 0.5), n = try entryReturn(flat, trendWeight: 0.5)
        let r = try entryReturn(rising, trendWeight: 0.5)
        #expect(f < n && n < r, "falling \(f), flat \(n), rising \(r)")
        #expect(try entryReturn(falling, trendWeight: 0) == entryReturn(flat, trendWeight: 0))
    }
}
