import Foundation
import Testing
@testable import MarketModel
import Stochastics

/// Two jurisdictions buying one tier from vendors with limited capacity; demand grows so
/// firms order at their reviews.
func supplyMarket(allocation: AllocationPolicy = .inOrder, capacity: Double = 40, months: Int = 36,
                  ban: YearMonth? = nil, growth: Double = 1.0, theta: Double = 0.5) -> Scenario {
    var intl = Fixtures.region
    intl.name = "abroad"
    intl.jurisdiction = "intl"
    var s = Scenario(name: "supply", start: YearMonth(year: 2024, month: 1), horizonMonths: months, currency: "CNY",
                     tiers: [Fixtures.h100], regions: [Fixtures.region, intl],
                     segments: [Fixtures.segment(rate: 400, units: .constant(value: 4), term: .constant(value: 12),
                                                 reservation: .constant(value: 40), wait: .constant(value: 30),
                                                 growth: .exponential(rate: growth))],
                     providers: [])
    for (k, region) in ([0, 1, 0, 1] as [RegionID]).enumerated() {
        var p = Fixtures.provider(name: "firm\(k)", units: 100, price: 20, pricing: .adaptive, cash: 5e9,
                                  softBudget: false)
        p.region = region
        p.jurisdiction = region == 0 ? "cn" : "intl"
        p.fleet[0].leasedShare = 0.8
        s.providers.append(p)
    }
    s.chipSupply = [ChipSupply(tier: 0, jurisdiction: "cn", monthlyCapacity: capacity, allocation: allocation,
                               premium: 0.2, transitDays: .uniform(min: 20, max: 60)),
                    ChipSupply(tier: 0, jurisdiction: "intl", monthlyCapacity: capacity, allocation: allocation,
                               premium: 0.2, transitDays: .uniform(min: 20, max: 60))]
    if let ban { s.supplyShocks = [SupplyShock(tier: 0, jurisdiction: "cn", from: ban, capacityFactor: 0)] }
    s.expansion.supplyLineWeight = theta
    s.expansion.hurdle = 1
    return s
}


@Suite struct SupplyTests {
    @Test(arguments: AllocationPolicy.allCases)
    func unitsAreConservedEveryMonthTierAndJurisdiction(_ policy: AllocationPolicy) throws {
        for seed in UInt64(1)...4 {
            let r = try MarketReplication.run(supplyMarket(allocation: policy), plan: SeedPlan(masterSeed: seed), replication: 0)
            #expect(r.supplyMonths.reduce(0) { $0 + $1.orderedUnits } > 0, "firms must order for the test to mean anything")
            for k in 0..<2 {
                let rows = r.supplyMonths.filter { $0.jurisdiction == (k == 0 ? "cn" : "intl") }
                var transit = 0, backlog = 0
                for row in rows {
                    #expect(row.inTransitUnits == transit + row.shippedUnits - row.deliveredUnits, "\(policy) seed \(seed) \(row.month)")
                    #expect(row.backlogUnits == backlog + row.orderedUnits - row.shippedUnits - row.cancelledUnits)
                    #expect(Double(row.shippedUnits) <= row.capacityUnits + 1)
                    transit = row.inTransitUnits
                    backlog = row.backlogUnits
                }
            }
        }
    }

    @Test func anExportBanStopsDeliveriesAndRefundsTheBacklogToTheCent() throws {
        let ban = YearMonth(year: 2025, month: 4)
        let scenario = supplyMarket(capacity: 10, ban: ban)
        let m = try simulate(scenario, seed: 3)
        let banMonth = ban.ordinal - scenario.start.ordinal
        let cn = m.supplies[0].records, intl = m.supplies[1].records
        #expect(cn[banMonth].cancelledUnits > 0, "the ban must find a backlog")
        // Refunds equal what was paid for the cancelled orders.
        var paid = 0.0
        for j in m.providers.indices { for r in m.firmRecords[j] where r.month == banMonth { paid += r.refunds } }
        #expect(abs(paid - cn[banMonth].refunded) < 1e-6)
        // No shipment to cn after the ban; deliveries after it only for units already shipped.
        for row in cn[banMonth...] { #expect(row.shippedUnits == 0 && row.orderedUnits == 0 && row.backlogUnits == 0) }
        let lastShip = m.shipments.filter { $0.supply == 0 }.map(\.orderDay).max() ?? 0
        #expect(lastShip < m.monthStart[banMonth])
        #expect(intl[banMonth...].reduce(0) { $0 + $1.deliveredUnits } > 0)
        // The cash identity holds through the refund (negative capex).
        for rows in m.firmRecords { for r in rows { #expect(cashIdentityError(r) < 1e-9) } }
    }

    @Test func leadTimesLengthenWhenOrdersExceedCapacityAndShortenAsSupplyCatchesUp() throws {
        var s = supplyMarket(capacity: 15, months: 48, growth: 2.0)
        s.segments[0].growth = .logistic(rate: 3, ceiling: 1200)
        s.chipSupply[0].capacityGrowth = 3
        s.chipSupply[1].capacityGrowth = 3
        var early = Tally(), peak = 0.0, late = Tally()
        for rep in 0..<6 {
            let r = try MarketReplication.run(s, plan: SeedPlan(masterSeed: 8), replication: rep)
            let lead = r.marketMonths.filter { $0.tier == nil }.map { $0.leadTimeDays ?? .nan }
            for m in 0..<6 where lead[m].isFinite { early.add(lead[m]) }
            for m in 40..<48 where lead[m].isFinite { late.add(lead[m]) }
            peak = Swift.max(peak, lead.filter(\.isFinite).max() ?? 0)
        }
        #expect(peak > early.mean * 1.5, "lead time peak \(peak) vs early \(early.mean)")
        #expect(late.mean < peak * 0.7, "late \(late.mean) vs peak \(peak)")
    }

    @Test func ignoringTheSupplyLineMakesCapacityOvershootDemand() throws {
        func overshoot(_ theta: Double) throws -> Double {
            var s = supplyMarket(capacity: 200, months: 48, growth: 0, theta: theta)
            s.segments[0].growth = .logistic(rate: 4, ceiling: 1500)
            // Tenants who pay up to the price cap: the test is about orders, and adaptive prices that
            // overshoot the tenants' reservation price make the demand firms see swing by quarters,
            // which hides θ_s.
            s.segments[0].reservationPrice = .constant(value: s.pricing.capMultiple * s.tiers[0].referencePrice + 1)
            s.chipSupply[0].transitDays = .constant(value: 150)
            s.chipSupply[1].transitDays = .constant(value: 150)
            var t = Tally()
            for rep in 0..<6 {
                let r = try MarketReplication.run(s, plan: SeedPlan(masterSeed: 5), replication: rep)
                let all = r.marketMonths.filter { $0.tier == nil }
                // Peak units held by firms (installed, or delivered and waiting for power) over peak
                // units leased.
                let cap = Double(r.fleetMonths.map(\.atFirms).max()!), leased = Double(all.map(\.unitsLeased).max()!)
                t.add(cap / leased)
            }
            return t.mean
        }
        let ignoring = try overshoot(0), counting = try overshoot(1)
        #expect(ignoring > counting * 1.1, "θ_s = 0: \(ignoring), θ_s = 1: \(counting)")
    }

    @Test func deliveredUnitsWithoutPowerWaitAndEarnNothing() throws {
        var s = supplyMarket(capacity: 50, months: 24, growth: 2)
        s.expansion.preferColocation = false
        s.dataCentres.buildMonths = .constant(value: 18)
        let m = try simulate(s, seed: 2)
        let unpowered = m.firmRecords.flatMap { $0 }.map { $0.unitsUnpowered.reduce(0, +) }.max() ?? 0
        #expect(unpowered > 0)
        for rows in m.firmRecords { for r in rows { #expect(cashIdentityError(r) < 1e-9) } }
    }
}

@Suite struct BusinessModelTests {
    /// One owner, one sublessor renting from the market, one broker reselling the owner, one hybrid.
    func fourModels(demand: Double = 300, months: Int = 24) -> Scenario {
        var s = Scenario(name: "models", start: YearMonth(year: 2024, month: 1), horizonMonths: months, currency: "CNY",
                         tiers: [Fixtures.h100], regions: [Fixtures.region],
                         segments: [Fixtures.segment(rate: demand, units: .constant(value: 2), term: .constant(value: 6),
                                                     reservation: .constant(value: 40), outside: true)],
                         providers: [Fixtures.provider(name: "owner", units: 200, price: 20, softBudget: false)])
        s.segments[0].buyShare = 0.3
        var sub = Fixtures.provider(name: "sublessor", units: 0, price: 20, softBudget: false)
        sub.model = .sublessor
        sub.fleet = []
        sub.supply.rentIn = [RentInSpec(tier: 0, units: 100, lessor: nil, price: 15, termMonths: 24)]
        sub.supply.expands = false
        s.providers.append(sub)
        var broker = Fixtures.provider(name: "broker", units: 0, softBudget: false, fixedOpex: 10_000)
        broker.model = .broker
        broker.fleet = []
        broker.supply.affiliates = [0]
        s.providers.append(broker)
        var hybrid = Fixtures.provider(name: "hybrid", units: 200, price: 20, softBudget: false)
        hybrid.model = .hybrid
        s.providers.append(hybrid)
        s.chipSupply = [ChipSupply(tier: 0, jurisdiction: "cn", monthlyCapacity: 100)]
        return s
    }

    @Test func aSublessorLosesMoneyWhenItsTenantsLeaveWhileItsRentInContinues() throws {
        // The owner backing the rent-in never exits here (its exit would end the backing, §5.7).
        var busyScenario = fourModels(demand: 600)
        busyScenario.providers[0].softBudget = true
        let busy = try simulate(busyScenario, seed: 4)
        var quiet = busyScenario
        quiet.shocks = [.demand(segment: 0, from: YearMonth(year: 2024, month: 7), to: nil, multiplier: 0)]
        let idle = try simulate(quiet, seed: 4)
        // Months 14…22: the 24-month rent-in ends half a day before the horizon, and its renewal
        // (for what is still sublet) differs between the two runs.
        let late = { (m: Market) in m.firmRecords[1].filter { (14...22).contains($0.month) } }
        // Rent-in is paid whether or not it sublets …
        let rentBusy = late(busy).reduce(0) { $0 + $1.rentInCost }, rentIdle = late(idle).reduce(0) { $0 + $1.rentInCost }
        #expect(rentIdle > 0 && abs(rentBusy - rentIdle) < 1e-6 * rentBusy)
        // … so once its tenants have left it loses money.
        #expect(late(idle).reduce(0) { $0 + $1.revenue } == 0)
        #expect(late(idle).reduce(0) { $0 + $1.netIncome } < 0)
        #expect(late(busy).reduce(0) { $0 + $1.revenue } > 0)
    }

    @Test func aBrokerNeverHoldsUnitsOrPaysPowerAndBooksItsCommission() throws {
        let m = try simulate(fourModels(), seed: 6)
        let rows = m.firmRecords[2]
        #expect(rows.allSatisfy { $0.units.reduce(0, +) == 0 && $0.powerCost == 0 && $0.capex == 0 })
        let brokered = m.leases.filter { $0.broker == 2 }
        #expect(!brokered.isEmpty)
        #expect(brokered.allSatisfy { $0.provider == 0 })
        let commission = rows.reduce(0) { $0 + $1.commissionRevenue }
        // c/(1+c) of what brokered tenants paid.
        let c = 0.08
        var paid = 0.0
        for l in brokered { paid += Double(l.units) * l.price * (Swift.min(l.end, l.billedUntil) - l.start) * 24 }
        #expect(commission > 0 && abs(commission - paid * c / (1 + c)) < 1e-6 * commission)
    }

    @Test func aHybridsSaleRaisesRevenueAndCostOfRevenueAndLowersItsFleet() throws {
        let m = try simulate(fourModels(), seed: 7)
        let rows = m.firmRecords[3]
        let sales = rows.filter { $0.serverSales > 0 }
        #expect(!sales.isEmpty)
        for r in sales {
            #expect(r.revenue >= r.serverSales && r.bookValueSold > 0)
            #expect(r.grossMargin! < 1)
        }
        #expect(rows.last!.units[0] < 200)
        for r in rows { #expect(cashIdentityError(r) < 1e-9) }
    }
}

@Suite struct StarvationAndEntryTests {
    /// A cn firm whose tenants want far more of a banned tier than its 32 units: it turns most of them away.
    func starving(banned: Bool, cash: Double = 5e9, ltv: Double = 0.65, opex: Double = 400_000) -> Scenario {
        var s = supplyMarket(capacity: 10, months: 24, ban: banned ? YearMonth(year: 2023, month: 10) : nil, growth: 0)
        s.providers = [Fixtures.provider(name: "dependent", units: 32, price: 20, pricing: .adaptive, cash: cash,
                                         softBudget: false, fixedOpex: opex, ltv: ltv)]
        s.providers[0].fleet[0].leasedShare = 0.5
        return s
    }

    @Test func theStarvedPathIsReachedAloneAndOnlyWhenTheTierIsBanned() throws {
        let m = try simulate(starving(banned: true), seed: 1)
        #expect(m.providers[0].exit?.reason == .starved)
        let free = try simulate(starving(banned: false), seed: 1)
        #expect(free.providers[0].exit?.reason != .starved)
    }

    @Test func insolvencyTakesPrecedenceOverStarvation() throws {
        // Starved at its first review (month 2) when rich …
        let rich = try simulate(starving(banned: true, opex: 4_000_000), seed: 1)
        #expect(rich.providers[0].exit?.reason == .starved && rich.providers[0].exit?.month == 2)
        // … and with cash for about two and a half months and nothing to borrow, also insolvent
        // at that close (fixed costs dwarf revenue, so the burn is nearly constant).
        let rows = rich.firmRecords[0]
        let burn = (rows[0].cashStart - rows[1].cashEnd) / 2
        let poor = try simulate(starving(banned: true, cash: 2.5 * burn, ltv: 0, opex: 4_000_000), seed: 1)
        #expect(poor.providers[0].exit?.month == 2)
        #expect(poor.providers[0].exit?.reason == .insolvent)
    }

    /// Entry follows the expected return on new capacity: at a rent of 80 a new unit pays back
    /// within months, at 8 it never does.
    @Test func entryHappensMoreUnderHighRentsThanLow() throws {
        func entries(price: Double) throws -> Int {
            var s = supplyMarket(capacity: 100, months: 36, growth: 0.5)
            for j in s.providers.indices {
                s.providers[j].pricing = .fixed
                s.providers[j].initialPrices = [0: price]
            }
            s.segments[0].reservationPrice = .constant(value: 200)
            var tpl = Fixtures.provider(name: "cloud", units: 0, softBudget: false)
            tpl.fleet = []
            tpl.cash = 5e7
            s.entrants = [EntrantTemplate(name: "small-cloud", provider: tpl, firstOrder: [(0, 16)])]
            s.entry.maxRate = 24
            var n = 0
            for rep in 0..<4 {
                let r = try MarketReplication.run(s, plan: SeedPlan(masterSeed: 9), replication: rep)
                n += r.firms.count - s.providers.count
                #expect(r.firms.dropFirst(s.providers.count).allSatisfy { $0.template == "small-cloud" && $0.name.hasPrefix("small-cloud-") })
            }
            return n
        }
        let rich = try entries(price: 80), poor = try entries(price: 8)
        #expect(rich > poor + 5, "entries at high rents \(rich), low \(poor)")
    }
}
