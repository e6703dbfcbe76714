import Foundation
import Testing
@testable import MarketModel
import Stochastics

/// One owner with a fixed price, so its losses are certain: `losing` when it has cash enough,
/// `insolvent` when it has not.
func lossMaker(cash: Double, debt: Double = 0, lossQuarters: Int = 4, months: Int = 36) -> Scenario {
    var s = Scenario(name: "loss", start: YearMonth(year: 2024, month: 1), horizonMonths: months, currency: "CNY",
                     tiers: [Fixtures.h100], regions: [Fixtures.region],
                     segments: [Fixtures.segment(rate: 120, term: .constant(value: 1), reservation: .constant(value: 30))],
                     providers: [Fixtures.provider(name: "loser", units: 200, price: 0.5, cash: cash, debt: debt,
                                                   softBudget: false, fixedOpex: 2_000_000, ltv: 0)])
    s.exit.lossQuarters = lossQuarters
    return s
}

@Suite struct ExitTests {
    @Test func insolventPath() throws {
        let m = try simulate(lossMaker(cash: 5_000_000))
        let p = m.providers[0]
        #expect(p.exit?.reason == .insolvent)
        let row = m.firmRecords[0][p.exit!.month]
        // Before the exit settled, the close left cash below zero.
        #expect(row.cashStart + row.revenue + row.debtDrawn + row.equityRaised - row.powerCost - row.fixedOpex
                - row.interest < 0)
    }

    @Test func losingPath() throws {
        let m = try simulate(lossMaker(cash: 1e10))
        let p = m.providers[0]
        #expect(p.exit?.reason == .losing)
        // Four losing quarters: the first review is in month 2, so the fourth is month 11.
        #expect(p.exit?.month == 11)
        #expect(m.firmRecords[0][p.exit!.month].cashEnd > 0)
    }

    @Test func insolvencyTakesPrecedenceOverLosing() throws {
        // With one losing quarter required, the first review (month 2) finds the firm losing;
        // with cash for only about two months it is also insolvent at that close.
        let rich = try simulate(lossMaker(cash: 1e10, lossQuarters: 1))
        #expect(rich.providers[0].exit?.reason == .losing && rich.providers[0].exit?.month == 2)
        let poor = try simulate(lossMaker(cash: 5_000_000, lossQuarters: 1))
        #expect(poor.providers[0].exit?.month == 2)
        #expect(poor.providers[0].exit?.reason == .insolvent)
    }

    @Test func softBudgetFirmsNeverExit() throws {
        var s = lossMaker(cash: 1_000)
        s.providers[0].softBudget = true
        let m = try simulate(s)
        #expect(m.providers[0].active)
        #expect(m.firmRecords[0].contains { $0.equityRaised > 0 })
    }

    /// An exit puts the whole fleet up for sale: the inventory discount δ = δ_max·D/(D + D_½),
    /// D the units for sale and D_½ a share of the units installed at active firms, lowers the
    /// sellers' ask — the used price of everyone's units that month. With no buyer the units stay
    /// in inventory: the exiting firm writes them off its books and is paid nothing for them.
    @Test func aFireSaleLowersTheUsedPriceForEveryoneThatMonth() throws {
        var s = lossMaker(cash: 5_000_000)
        s.segments[0].rate = 6000    // tenants a year (500 a month on one-month terms): enough to keep both fleets busy: the units are worth more than scrap
        var survivor = Fixtures.provider(name: "survivor", units: 300, price: 20, softBudget: false)
        survivor.supply.expands = false
        s.providers.append(survivor)
        let m = try simulate(s)
        let exit = m.providers[0].exit!.month
        let used = m.marketRecords.filter { $0.tier == 0 }
        #expect(used[exit].usedPrice! < used[exit - 1].usedPrice! * 0.9)
        #expect(used[exit].usedOffered == 200 && used[exit].usedSold == 0 && used[exit].usedInventory == 200)
        let half = s.exit.marketDepthShare * 300
        #expect(abs(used[exit].fireSaleDiscount - s.exit.fireSaleMaxDiscount * 200 / (200 + half)) < 1e-12)
        let row = m.firmRecords[0][exit]
        #expect(row.bookValueDisposed > 0 && row.assetSales == 0)
        // Nobody buys later either: no proceeds, and the units stay in the used market's inventory.
        #expect(m.firmRecords[0][(exit + 1)...].allSatisfy { $0.assetSales == 0 })
        #expect(used[exit + 1].usedInventory == 200)
    }

    @Test func tenantsOfAnExitedFirmReEnterTheMarket() throws {
        var s = lossMaker(cash: 3_000_000)
        s.segments[0].termMonths = .constant(value: 24)
        s.providers.append(Fixtures.provider(name: "survivor", units: 300, price: 20, softBudget: false))
        s.providers[0].initialPrices = [0: 1]
        let m = try simulate(s)
        let exit = m.providers[0].exit!.month
        let arrivals = m.marketRecords.filter { $0.tier == nil }.map(\.tenantsArrived)
        let leasedAtExit = m.firmRecords[0][exit - 1].unitsLeased[0]
        #expect(leasedAtExit > 0)
        // The next month's arrivals include every tenant the exiting firm had.
        #expect(arrivals[exit + 1] >= leasedAtExit)
    }
}

@Suite struct LittleLawTests {
    @Test func meanUnitsLeasedIsLoadTimesOneMinusBlocking() throws {
        let (c, a) = (10, 5.0)
        let scenario = Fixtures.erlang(units: c, load: a, months: 240)
        var t = Tally()
        for r in 0..<20 {
            let res = try MarketReplication.run(scenario, plan: SeedPlan(masterSeed: 12), replication: r)
            let rows = res.firmMonths.filter { $0.month >= 12 }
            t.add(rows.reduce(0) { $0 + $1.utilisation! } / Double(rows.count) * Double(c))
        }
        let b = ErlangLossTests.erlangB(servers: c, load: a)
        let half = Stats.tTwoSided(0.999, dof: t.count - 1) * (t.variance / Double(t.count)).squareRoot()
        #expect(abs(t.mean - a * (1 - b)) <= half, "mean busy \(t.mean) vs \(a * (1 - b)) ± \(half)")
    }
}
