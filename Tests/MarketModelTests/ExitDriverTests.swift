import Foundation
import Testing
@testable import MarketModel
import Stochastics

/// The exit drivers: each contribution measures one part of a firm's cash flow against what it
/// planned when it invested, so a shock to one part moves that contribution and no other.
@Suite struct ExitDriverTests {
    /// The duopoly with fleets that never change (no expansion, no retirement): plans fixed at the start.
    func steady(months: Int = 24) -> Scenario {
        var s = duopoly(priceA: 20, priceB: 20, months: months)
        for k in s.providers.indices { s.providers[k].supply.expands = false }
        return s
    }

    /// Months of the scenario from `ym` on.
    func months(from ym: YearMonth, in s: Scenario) -> Range<Int> { (ym.ordinal - s.start.ordinal)..<s.horizonMonths }

    @Test func withNothingButTheMarketMovingOnlyThePriceContributionMoves() throws {
        let s = steady()
        let m = try simulate(s)
        let u = s.pricing.targetUtilisation
        for j in m.providers.indices {
            let d = m.providers[j].drivers
            #expect(d.chips == 0 && d.datacentre == 0 && d.debt == 0 && d.defaults == 0, "\(d)")
            // Rent revenue less the planned rent (the list price of 20 at which the firm holds its 400
            // units) at the target utilisation on 400 units every hour of every month.
            var rent = 0.0, planned = 0.0
            for r in m.firmRecords[j] {
                rent += r.rentRevenue
                planned += 20 * u * 400 * (m.monthStart[r.month + 1] - m.monthStart[r.month]) * 24
            }
            #expect(abs(d.price - (rent - planned)) <= 1e-9 * planned, "\(d.price) vs \(rent - planned)")
        }
    }

    @Test func dearerPowerIsADataCentreShortfallOfExactlyTheExtraPaid() throws {
        var s = steady()
        let from = YearMonth(year: 2025, month: 1)
        s.policy.siteShocks = [SiteShock(region: 0, from: from, electricityMultiplier: 3)]
        let m = try simulate(s)
        for j in m.providers.indices {
            let d = m.providers[j].drivers
            var extra = 0.0
            for r in m.firmRecords[j] where months(from: from, in: s).contains(r.month) { extra += r.powerCost * (1 - 1.0 / 3) }
            #expect(extra > 0)
            #expect(abs(d.datacentre + extra) <= 1e-9 * extra, "\(d.datacentre) vs −\(extra)")
            #expect(d.chips == 0 && d.debt == 0 && d.defaults == 0)
        }
    }

    @Test func tenantsDefaultsAreTheClaimsNotRecovered() throws {
        var s = steady()
        s.segments[0].takeOrPayShare = 1
        s.segments[0].defaultHazard = 0.5
        s.segments[0].recoveryRate = 0.3
        s.segments[0].termMonths = .constant(value: 12)
        let m = try simulate(s)
        var total = 0.0
        for j in m.providers.indices {
            let lost = m.firmRecords[j].reduce(0) { $0 + $1.claimsBooked - $1.claimsRecovered }
            total += lost
            #expect(abs(m.providers[j].drivers.defaults + lost) <= 1e-9 * Swift.max(1, lost))
            #expect(m.providers[j].drivers.chips == 0 && m.providers[j].drivers.datacentre == 0)
        }
        #expect(total > 0, "defaults must happen")
    }

    @Test func aRiseInTheFloatingRateIsADebtShortfall() throws {
        var s = steady()
        for k in s.providers.indices {
            s.providers[k].debt = 1e6   // well inside the loan-to-value cap: no covenant sweep
            s.providers[k].floatingRate = true
            s.providers[k].interestRate = 0.02
        }
        let calm = try simulate(s)
        let from = YearMonth(year: 2024, month: 7)
        s.shocks = [.baseRate(from: from, rate: 0.09)]
        let dear = try simulate(s)
        for j in calm.providers.indices {
            #expect(calm.providers[j].drivers.debt == 0, "no rate change, no sweep: on plan")
            // The extra interest: paid at base 9% + 2% instead of the planned 4% + 2%.
            var extra = 0.0
            for r in dear.firmRecords[j] where months(from: from, in: s).contains(r.month) { extra += r.interest * (1 - 0.06 / 0.11) }
            #expect(extra > 0)
            #expect(abs(dear.providers[j].drivers.debt + extra) <= 1e-9 * extra, "\(dear.providers[j].drivers.debt) vs −\(extra)")
        }
    }

    @Test func aBanThatCancelsOrdersIsAChipsShortfall() throws {
        let ban = YearMonth(year: 2025, month: 4)
        let free = try simulate(supplyMarket(capacity: 30), seed: 3)
        let banned = try simulate(supplyMarket(capacity: 30, ban: ban), seed: 3)
        // The banned jurisdiction's firms (cn: 0 and 2) lose the orders the ban cancelled for good,
        // some of them expected before the horizon.
        let cn: [ProviderID] = [0, 2]
        let end = banned.monthStart[banned.scenario.horizonMonths]
        #expect(cn.contains { banned.providers[$0].plan.lost.contains { $0.day < end } },
                "the ban must cancel orders expected within the horizon")
        let chips = { (m: Market) in cn.reduce(0.0) { $0 + m.providers[$1].drivers.chips } }
        #expect(chips(banned) < chips(free), "banned \(chips(banned)) vs free \(chips(free))")
        for m in [free, banned] { for p in m.providers { #expect(p.drivers.chips <= 0) } }
    }

    @Test func anExitsDriverIsItsLargestShortfallAndASurvivorHasNone() throws {
        var exits = 0
        for seed in UInt64(1)...12 {
            let m = try simulate(randomScenario(seed: seed), seed: seed)
            for o in m.outcomes() {
                guard !o.survived else {
                    #expect(o.exitDriver == nil)
                    continue
                }
                exits += 1
                let driver = try #require(o.exitDriver)
                #expect(ExitDriver.allCases.allSatisfy { o.drivers[$0] >= o.drivers[driver] })
            }
        }
        #expect(exits > 0, "some random market must see an exit")
    }
}
