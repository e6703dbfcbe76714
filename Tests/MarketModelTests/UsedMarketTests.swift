import Foundation
import Testing
@testable import MarketModel
import ScenarioModule
import Stochastics

/// The used market's call auction, its prices and the units identity it keeps.
@Suite struct UsedMarketTests {
    // MARK: The clearing rule

    static func lot(_ units: Int, seller: Int = 0) -> UsedLot {
        UsedLot(units: units, purchaseDay: 0, unitCost: 1, seller: seller, booked: false)
    }

    @Test func excessSupplyClearsAtTheAskAndFillsEveryBidAboveIt() {
        let r = UsedClearing.clear(lots: [Self.lot(5), Self.lot(10)],
                                   bids: [UsedBid(firm: 0, units: 4, limit: 90), UsedBid(firm: 1, units: 3, limit: 120),
                                          UsedBid(firm: 2, units: 50, limit: 40)],
                                   ask: 50)
        #expect(r.price == 50)
        #expect(r.unitsSold == 7)
        // The highest bid is served first, from the oldest lot.
        #expect(r.fills.first == UsedFill(bid: 1, lot: 0, units: 3))
        #expect(!r.fills.contains { $0.bid == 2 }, "a bid below the ask gets nothing")
    }

    @Test func excessDemandClearsAtTheHighestUnservedBidAndNoBuyerPaysAboveItsLimit() {
        let bids = [UsedBid(firm: 0, units: 6, limit: 80), UsedBid(firm: 1, units: 6, limit: 100),
                    UsedBid(firm: 2, units: 6, limit: 70)]
        let r = UsedClearing.clear(lots: [Self.lot(8)], bids: bids, ask: 10)
        #expect(r.unitsSold == 8)
        #expect(r.price == 80, "bid 0 is served in part: its limit is the price at which demand stops exceeding supply")
        for f in r.fills { #expect(bids[f.bid].limit >= r.price!) }
        #expect(r.fills.reduce(0) { $0 + $1.units } == 8)
    }

    @Test func nothingTradesWithoutLotsOrWithoutBidsAtTheAsk() {
        #expect(UsedClearing.clear(lots: [], bids: [UsedBid(firm: 0, units: 1, limit: 100)], ask: 1).price == nil)
        #expect(UsedClearing.clear(lots: [Self.lot(3)], bids: [UsedBid(firm: 0, units: 1, limit: 5)], ask: 6).unitsSold == 0)
    }

    @Test func aUnitsValueFallsWithAgeToNothingAtTheEndOfItsLife() {
        let life = RemainingLife(discountRate: 0.15, decline: 0.2, life: 7, reference: 1)
        #expect(abs(life.factor(age: 1) - 1) < 1e-12)
        #expect(life.factor(age: 0) > 1)
        #expect(life.factor(age: 3) > life.factor(age: 4))
        #expect(life.factor(age: 7) == 0)
        // Without discounting or decline the annuity is the months left.
        #expect(abs(RemainingLife.annuity(q: 1, years: 2.5) - 30) < 1e-9)
    }

    // MARK: Units are conserved

    /// Owners with debt and thin margins, so some exit and their units pass through the used
    /// market; expanding firms buy.
    static func stressed(seed: UInt64, months: Int = 48) -> Scenario {
        let g = RandomStream(seed: seed)
        var s = supplyMarket(capacity: 20 + 40 * g.uniform(), months: months, growth: 0.5 + g.uniform())
        for j in s.providers.indices {
            s.providers[j].cash = 2e6 + 3e7 * g.uniform()
            s.providers[j].debt = 2e7 * g.uniform()
            s.providers[j].fixedOpexMonthly = 2e5 * g.uniform()
            s.providers[j].fleet[0].ageMonths = Int(60 * g.uniform())
            s.providers[j].parentSupport = 0
        }
        s.shocks = [.demand(segment: nil, from: YearMonth(year: 2025, month: 1), to: nil, multiplier: 0.2 + 0.6 * g.uniform())]
        s.tiers[0].physicalLifeYears = 6 + 2 * g.uniform()
        return s
    }

    @Test("no unit is created or destroyed but by shipment, grey import and retirement", arguments: UInt64(1)...8)
    func unitsAreConserved(seed: UInt64) throws {
        let s = Self.stressed(seed: seed)
        let r = try MarketReplication.run(s, plan: SeedPlan(masterSeed: seed), replication: 0)
        #expect(r.fleetMonths.count == s.horizonMonths * s.tiers.count)
        var previous = s.providers.reduce(0) { $0 + $1.fleet.reduce(0) { $0 + $1.units } }
        for row in r.fleetMonths {
            #expect(row.stockStart == previous)
            #expect(row.stockEnd == row.stockStart + row.shipped + row.greyImported - row.retired - row.soldToUsers)
            #expect(row.stockEnd == row.inTransit + row.atFirms + row.usedInventory)
            for x in [row.inTransit, row.atFirms, row.usedInventory, row.usedSold, row.retired, row.backlog] { #expect(x >= 0) }
            let firms = r.firmMonths.filter { $0.month == row.month }
            #expect(row.atFirms == firms.reduce(0) { $0 + $1.units[row.tier] + $1.unitsUnpowered[row.tier] })
            previous = row.stockEnd
        }
    }

    @Test func exitedFirmsUnitsGoToTheUsedMarketAndArePaidForOnlyWhenSold() throws {
        var exits = 0, offered = 0, sold = 0
        for seed in UInt64(1)...8 {
            let r = try MarketReplication.run(Self.stressed(seed: seed), plan: SeedPlan(masterSeed: seed), replication: 0)
            exits += r.outcomes.filter { !$0.survived }.count
            offered += r.marketMonths.filter { $0.tier != nil }.reduce(0) { $0 + $1.usedOffered }
            sold += r.fleetMonths.reduce(0) { $0 + $1.usedSold }
            // Asset sales are paid for units sold: none in a month nobody bought.
            for row in r.fleetMonths where row.usedSold == 0 {
                let month = row.month
                let proceeds = r.firmMonths.filter { $0.month == month }.reduce(0) { $0 + $1.assetSales }
                #expect(proceeds == 0, "asset sales in \(month) with no unit sold")
            }
        }
        #expect(exits > 0, "the stressed market must see exits for this test to mean anything")
        #expect(offered > 0)
        #expect(sold <= offered)
    }

    // MARK: Prices that move with scarcity and glut

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Scenarios/validation/used-market.yaml` with `overrides`.
    static func usedMarket(_ overrides: [String] = []) throws -> ScenarioDocument {
        try ScenarioLoader.load(path: root.appendingPathComponent("Scenarios/validation/used-market.yaml").path, overrides: overrides)
    }

    static let ban = "shocks=[{kind: export_ban, tier: h800, jurisdiction: cn, from: 2025-01}]"
    static let glut = "shocks=[{kind: demand, from: 2025-01, multiplier: 0.3}]"

    /// Per replication (same seed and replication in both runs: common random numbers), the ratio
    /// variant/base of the tier's mean used price over months 18–35 (2025-07 on). Each run also checks
    /// that collateral is marked to the used price: at the horizon every active firm's collateral is
    /// Σ cohorts units × max(scrap, P·A(L − age)/A(L − a_ref)), P the tier's used price then.
    static func pairedRatios(variant: String, replications: Int = 15) throws -> [Double] {
        let base = try usedMarket(), other = try usedMarket([variant])
        let plan = SeedPlan(masterSeed: 3)
        var price: [Double] = []
        for rep in 0..<replications {
            func measure(_ d: ScenarioDocument) throws -> Double {
                let s = d.instantiate(replication: rep, plan: plan).scenario
                var market = Market(scenario: s, plan: plan, replication: rep)
                _ = try market.simulate()
                let p = market.marketRecords.filter { $0.tier == 0 && (18..<36).contains($0.month) }.compactMap(\.usedPrice)
                let t = market.monthStart[s.horizonMonths]
                for j in market.providers.indices where market.providers[j].active {
                    var marked = 0.0
                    for c in market.providers[j].fleet.cohorts {
                        let age = market.ageYears(c, at: t)
                        marked += Double(c.units) * Swift.max(market.scrapValue(c.tier),
                                                              market.usedPrice[c.tier] * market.remainingLife[c.tier].factor(age: age))
                    }
                    #expect(abs(market.collateral(j, at: t) - marked) <= 1e-9 * Swift.max(1, marked))
                }
                return p.reduce(0, +) / Double(Swift.max(1, p.count))
            }
            price.append(try measure(other) / measure(base))
        }
        return price
    }

    /// Whether the median of `xs` lies above (`above` true) or below 1 with 95% confidence: the
    /// distribution-free interval of the median by order statistics (binomial, p = ½).
    static func medianExcludesOne(_ xs: [Double], above: Bool) -> Bool {
        let v = xs.sorted(), n = v.count
        // The largest k with P(Binomial(n, ½) < k) ≤ 2.5%: [v[k-1], v[n-k]] covers the median with ≥ 95%.
        var k = 0, cumulative = 0.0, term = pow(0.5, Double(n))
        while k < n {
            if cumulative + term > 0.025 { break }
            cumulative += term
            k += 1
            term *= Double(n - k + 1) / Double(k)
        }
        guard k >= 1 else { return false }
        return above ? v[k - 1] > 1 : v[n - k] < 1
    }

    /// A ban raises the used price of the units that exist, and so (collateral being marked to it)
    /// what they secure.
    @Test func aBanOnNewSupplyOfAScarceTierRaisesItsUsedPriceAndCollateral() throws {
        let r = try Self.pairedRatios(variant: Self.ban)
        #expect(Self.medianExcludesOne(r, above: true), "used price ratios \(r.sorted())")
    }

    /// A glut lowers them.
    @Test func aGlutLowersTheUsedPriceAndTheCollateralMarkedToIt() throws {
        let r = try Self.pairedRatios(variant: Self.glut)
        #expect(Self.medianExcludesOne(r, above: false), "used price ratios \(r.sorted())")
    }
}
