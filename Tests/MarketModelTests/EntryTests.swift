import Foundation
@testable import MarketModel
import SimKernel
import Stochastics
import Testing

/// How entrants start trading.
@Suite struct EntryTests {
    /// A sublessor entrant rents its first_order in at entry (from the owner's offer, then from abroad),
    /// and sublets it: before, it started with no capacity, was asked for nothing and never rented any in.
    @Test func aSublessorEntrantRentsItsFirstOrderInAtEntryAndSublets() throws {
        // An owner turning tenants away (offered load 30 on 20 units) earns a margin that brings entrants.
        var s = Fixtures.erlang(units: 20, load: 30, months: 24)
        var tpl = Fixtures.provider(name: "entrant", units: 0, price: 9, cash: 1e7, softBudget: false)
        tpl.model = .sublessor
        tpl.fleet = []
        s.entrants = [EntrantTemplate(name: "reseller", provider: tpl, firstOrder: [(0, 8)])]
        // The owner is nearly full, so it offers little: an ample line abroad makes up the rest.
        s.sublease.overseas = [OverseasLine(name: "abroad", tier: 0, units: 100_000, price: 7, jurisdiction: "intl")]
        s.entry.maxRate = 12
        s.entry.medianReturn = -10   // every potential entrant enters
        var entrants = 0, established = 0, sublet = 0
        for seed in UInt64(1)...5 {
            let result = try MarketReplication.run(s, plan: SeedPlan(masterSeed: seed), replication: 0)
            for f in result.firms.indices where result.firms[f].template == "reseller" {
                entrants += 1
                let rows = result.firmMonths.filter { $0.firm == f }
                let first = try #require(rows.first)
                #expect(first.unitsRentedIn == [8], "seed \(seed) \(result.firms[f].name): rented in \(first.unitsRentedIn)")
                // Billed for the whole first month at the line's 7 or the owner's wholesale quote, which lies
                // between its price floor (at least its power per hour) and the price index (at most the
                // owner's fixed 10).
                let power = s.tiers[0].powerKW * s.regions[0].pue * s.regions[0].electricityPrice
                let perDay = (low: 8.0 * Swift.min(7, power) * 24, high: 8.0 * 10 * 24)
                #expect(first.rentInCost >= perDay.low * 28 - 1e-6 && first.rentInCost <= perDay.high * 31 + 1e-6,
                        "seed \(seed): first month's rent-in \(first.rentInCost), \(perDay) a day")
                guard rows.count >= 3 else { continue }   // a quarter in the market at least
                established += 1
                if rows.contains(where: { $0.revenue > 0 }) { sublet += 1 }
            }
        }
        try #require(entrants >= 3, "the fixture should bring sublessor entrants; got \(entrants)")
        try #require(established >= 2, "too few entrants with a quarter in the market: \(established)")
        #expect(sublet == established, "every sublessor entrant sublets some of what it rented in: \(sublet) of \(established)")
    }

    /// π_k is the first order's NPV over its outlay: the closed form of `ExpectedRents` against a
    /// month-by-month sum of the same flows (rent from the month's signed rent toward the entrant's
    /// long-run cost at κ and the technology decline, times the market's utilisation, less power (the
    /// idle share on idle hours),
    /// opex, fixed opex per unit and colocation, discounted from the lead time on, plus the used
    /// value at the end of life).
    @Test func theExpectedReturnIsTheFirstOrdersNPVOverItsOutlay() throws {
        var s = supplyMarket(capacity: 100)
        var tpl = Fixtures.provider(name: "entrant", units: 0, softBudget: false, fixedOpex: 50_000)
        tpl.fleet = []
        tpl.jurisdiction = "cn"
        tpl.opexPerUnitMonthly = 300
        tpl.supply.colocationKW = 40
        s.entrants = [EntrantTemplate(name: "cloud", provider: tpl, firstOrder: [(0, 16)])]
        var m = Market(scenario: s, plan: SeedPlan(masterSeed: 3), replication: 0)
        m.beginMonth(0)
        for (rent, u) in [(20.0, 0.7), (45.0, 0.9), (6.0, 0.3)] {
            m.signedRent[0] = rent
            m.closedUtilisation[0] = u
            let pi = try #require(m.entryReturn(template: 0, month: 0, at: 0))
            // The same flows, summed month by month.
            let tier = s.tiers[0], e = s.expansion, rho = tpl.costOfCapital
            let k = try #require(m.supplyIndex(tier: 0, jurisdiction: "cn"))
            let price = m.chipPrice(k, month: 0)
            let lead = m.expectedLeadTimeDays(k, units: 16, month: 0) / daysPerYear
            let hours = daysPerMonth * hoursPerDay
            let region = s.regions[tpl.region]
            let power = tier.powerKW * region.pue * region.electricityPrice
            let perMonth = 300 + 50_000 / 16 + tier.powerKW * region.pue * m.colocationPrice(tpl.region, addingKW: 40)
            let crf = rho / (1 - pow(1 + rho, -tier.lifeYears))
            let longRun = (price * crf / hoursPerYear + perMonth / hours) / s.pricing.targetUtilisation + power
            var value = 0.0
            for month in 1...Int((tier.lifeYears * 12).rounded()) {
                let tau = lead + Double(month) / 12
                let expected = longRun * pow(1 - e.techDecline, tau) + (rent - longRun) * exp(-e.kappa * tau)
                value += ((expected * u - power * (u + s.pricing.idlePowerShare * (1 - u))) * hours - perMonth) / pow(1 + rho, tau)
            }
            value += price * pow(1 - tier.usedDecline, tier.lifeYears) / pow(1 + rho, lead + tier.lifeYears)
            let expected = (value - price) / price
            #expect(abs(pi - expected) < 1e-9 * Swift.max(1, abs(expected)), "rent \(rent), u \(u): π \(pi), month by month \(expected)")
        }
        // Higher signed rents, higher returns; a tier the entrant cannot buy new gives none.
        m.signedRent[0] = 10
        let low = try #require(m.entryReturn(template: 0, month: 0, at: 0))
        m.signedRent[0] = 40
        let high = try #require(m.entryReturn(template: 0, month: 0, at: 0))
        #expect(high > low)
        var banned = s
        banned.supplyShocks = [SupplyShock(tier: 0, jurisdiction: "cn", from: YearMonth(year: 2023, month: 10), capacityFactor: 0)]
        var mb = Market(scenario: banned, plan: SeedPlan(masterSeed: 3), replication: 0)
        mb.beginMonth(0)
        #expect(mb.entryReturn(template: 0, month: 0, at: 0) == nil)
    }

    /// A capital-market premium brings entrants that the project's own return would not: at a rent
    /// at which a new unit does not pay, entry with a premium of twice the outlay (dated before the
    /// start) against none, the same seeds; and none once a later step sets it back to 0 and the
    /// return is far below the median hurdle.
    @Test func aCapitalMarketPremiumBringsEntrantsTheProjectWouldNot() throws {
        func entries(premium: [(from: YearMonth, share: Double)]) throws -> (total: Int, late: Int) {
            var s = supplyMarket(capacity: 100, months: 24, growth: 0.5)
            for j in s.providers.indices {
                s.providers[j].pricing = .fixed
                s.providers[j].initialPrices = [0: 8]
            }
            var tpl = Fixtures.provider(name: "cloud", units: 0, price: 8, softBudget: false)
            tpl.fleet = []
            tpl.cash = 5e7
            s.entrants = [EntrantTemplate(name: "small-cloud", provider: tpl, firstOrder: [(0, 16)])]
            s.entry.maxRate = 24
            s.entry.premium = premium
            var total = 0, late = 0
            for rep in 0..<4 {
                let r = try MarketReplication.run(s, plan: SeedPlan(masterSeed: 9), replication: rep)
                let entrants = r.firms.dropFirst(s.providers.count)
                total += entrants.count
                late += entrants.filter { $0.entryMonth > 12 }.count
            }
            return (total, late)
        }
        let none = try entries(premium: [])
        let always = try entries(premium: [(YearMonth(year: 2023, month: 1), 2)])
        let firstYear = try entries(premium: [(YearMonth(year: 2023, month: 1), 2), (YearMonth(year: 2024, month: 12), 0)])
        // λ_max is 24 a year: 192 entrants in 4 replications of 2 years at most.
        #expect(always.total >= 150, "with the premium, entry near λ_max: \(always.total) in 4 replications of 2 years")
        #expect(10 * none.total < always.total, "a rent of 8 does not pay a new unit back: \(none.total) entrants without the premium")
        #expect(4 * firstYear.late < always.late,
                "after the premium ends, entry falls back: \(firstYear.late) entrants in the second year against \(always.late) with it")
    }

    /// A contract in force at the start (`lease_price`, `lease_months_left`): the cohort's leased
    /// units are let at the contract's price and all stay let until its end, then come back.
    @Test func aContractInForceAtTheStartHoldsItsPriceAndEnd() throws {
        var s = duopoly(priceA: 30, priceB: 30, months: 24)
        s.providers[0].fleet[0].leasedShare = 0.9
        s.providers[0].fleet[0].leasePrice = 12.4
        s.providers[0].fleet[0].leaseMonthsLeft = 15
        s.segments[0].defaultHazard = 0
        let m = try simulate(s, seed: 5)
        let firm = try #require(m.firmRecords.first)
        let units = s.providers[0].fleet[0].units
        let contracted = Int((Double(units) * 0.9).rounded())
        // Months 0…13 lie wholly inside the contract: at least the contracted units let, and the
        // rent from them at 12.4 an hour (a cancellation could end a lease early; the fixture's
        // take-or-pay share and cancellation hazard say how often: none here).
        for r in firm.prefix(14) {
            #expect(r.unitsLeased[0] >= contracted, "month \(r.month): \(r.unitsLeased[0]) leased")
        }
        let starting = m.leases.indices.filter { m.leases[$0].start <= 0 && m.leases[$0].provider == 0 }
        #expect(!starting.isEmpty)
        for l in starting {
            #expect(m.leases[l].price == 12.4)
            #expect(abs(m.leases[l].end - 15 * daysPerMonth) < 1e-9)
        }
    }

    /// An owner entrant arriving while the used market holds units bids for its first order there
    /// (at most what is offered) and orders the rest new at once; at the next clearing it takes the
    /// used units it won, pays for those only, and orders new what it did not get: used units won
    /// plus new units ordered make its first order, and its capex is what those cost.
    @Test func anEntrantBuysItsFirstOrderUsedWhereUnitsAreOfferedAndTheRestNew() throws {
        var s = supplyMarket(capacity: 100)
        var tpl = Fixtures.provider(name: "entrant", units: 0, softBudget: false)
        tpl.fleet = []
        tpl.jurisdiction = "cn"
        s.entrants = [EntrantTemplate(name: "cloud", provider: tpl, firstOrder: [(0, 16)])]
        for (lotUnits, ageMonths) in [(6, 12.0), (400, 6.0)] {
            var m = Market(scenario: s, plan: SeedPlan(masterSeed: 5), replication: 0)
            var calendar = EventCalendar<MarketEvent>(startTime: 0)
            m.beginMonth(0)
            for b in m.tierIDs { m.usedPrice[b] = m.fundamentalUsedValue(b) }
            let t = m.monthStart[1]
            m.beginMonth(1)
            // A firm's units for sale, on its books.
            m.offer([Cohort(tier: 0, units: lotUnits, purchaseDay: t - ageMonths * daysPerMonth, unitCost: 1)],
                    seller: 0, booked: false)
            let j = ProviderID(m.providers.count)
            m.addEntrant(template: 0, month: 1, at: t, calendar: &calendar)
            let bid = try #require(m.usedBids[0].first { $0.firm == j.index }, "no bid with \(lotUnits) units offered")
            #expect(bid.units == Swift.min(16, lotUnits))
            #expect(m.providers[j].fleet.onOrder[0] == 16 - bid.units, "new units ordered at entry")
            // The next close's clearing, then the rest of the order new.
            let orderedAtEntry = m.providers[j].fleet.onOrder[0]
            m.providers[j].month.capex = 0
            let close = m.monthStart[2]
            var records = ProviderTable<FirmMonthRecord?>(repeating: nil, count: m.providers.count)
            var liquidation = ProviderTable<Double>(repeating: 0, count: m.providers.count)
            let price = m.chipPrice(try #require(m.supplyIndex(tier: 0, jurisdiction: "cn")), month: m.currentMonth)
            let filled = m.clearUsedMarket(month: 1, at: close, records: &records, liquidation: &liquidation)
            let won = filled[0].reduce(0, +)
            m.finishExpansions(filled: filled, at: close, calendar: &calendar)
            let used = m.providers[j].fleet.unpowered.filter { $0.tier == 0 }.reduce(0) { $0 + $1.units }
                + m.providers[j].fleet.installed[0]
            let orderedAfter = m.providers[j].fleet.onOrder[0] - orderedAtEntry
            #expect(used == won, "units installed or waiting for power are the used units won")
            #expect(won + orderedAtEntry + orderedAfter == 16, "used \(won) + new \(orderedAtEntry) + \(orderedAfter)")
            // It pays the seller's proceeds for the used units and the chip price for the new ones ordered now.
            let expected = liquidation[ProviderID(0)] + Double(orderedAfter) * price
            #expect(abs(m.providers[j].month.capex - expected) <= 1e-6 * Swift.max(1, expected),
                    "capex \(m.providers[j].month.capex) against \(expected)")
            // With a glut for sale the sellers' ask falls (the fire-sale discount) below the entrant's limit.
            if lotUnits >= 40 { #expect(won > 0, "the entrant's bid (\(bid.limit)) should win units at the ask (used price \(m.usedPrice[0]))") }
        }
    }

}
