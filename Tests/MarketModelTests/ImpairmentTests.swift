import Foundation
import Testing
@testable import MarketModel
import Stochastics

/// Impairment of owned units (IAS 36; CAS 8): the quarterly test per tier, the charge in net income
/// and not in cash, lower depreciation afterwards, and reversal under IFRS only.
@Suite struct ImpairmentTests {
    /// One owner of `units` h100s at a fixed price of 20/hour, soft budget (never exits). The used
    /// market has crashed (used value falls 60% a year). Demand is shut off for the first
    /// `deadMonths` months, then comes back strong.
    static func scenario(jurisdiction: String = "cn", accounting: AccountingStandard? = nil, deadMonths: Int = 12,
                         months: Int = 24, units: Int = 10) -> Scenario {
        var tier = Fixtures.h100
        tier.usedDecline = 0.6
        var p = Fixtures.provider(name: "owner", units: units, price: 20)
        p.jurisdiction = jurisdiction
        p.accounting = accounting
        let start = YearMonth(year: 2024, month: 1)
        var s = Scenario(name: "impairment", start: start, horizonMonths: months, currency: "CNY", tiers: [tier],
                         regions: [Fixtures.region],
                         segments: [Fixtures.segment(rate: 600, units: .constant(value: 1), term: .constant(value: 3))],
                         providers: [p])
        s.contracts.cancelHazard = 0
        s.contracts.cancelHazardSlope = 0
        s.pricing.termDiscounts = []
        if deadMonths > 0 {
            s.shocks = [.demand(segment: 0, from: start, to: start.adding(months: deadMonths), multiplier: 0)]
        }
        return s
    }

    /// A market built, not run: one firm whose single cohort was bought at `peak` per unit.
    static func market(jurisdiction: String, peak: Double) -> Market {
        var tier = Fixtures.h100
        tier.physicalLifeYears = 7
        var p = Fixtures.provider(name: "owner", units: 10, price: 20)
        p.jurisdiction = jurisdiction
        let s = Scenario(name: "unit", start: YearMonth(year: 2024, month: 1), horizonMonths: 12, currency: "CNY",
                         tiers: [tier], regions: [Fixtures.region], segments: [Fixtures.segment(rate: 1)], providers: [p])
        var m = Market(scenario: s, plan: SeedPlan(masterSeed: 1), replication: 0)
        m.providers[0].fleet.cohorts[0].unitCost = peak
        return m
    }

    /// Sets the firm's list price and its trailing utilisation of the tier.
    static func setRents(_ m: inout Market, price: Double, utilisation: Double) {
        m.providers[0].leasing.listPrice[0] = price
        m.providers[0].month.installedArea[0] = 30
        m.providers[0].month.leasedArea[0] = 30 * utilisation
    }

    @Test func aPeakPricedFleetWhoseRentsCollapseIsWrittenDownToItsRecoverableAmount() {
        var m = Self.market(jurisdiction: "cn", peak: 500_000)
        Self.setRents(&m, price: 1, utilisation: 0.1)
        let t = 90.0
        let book = m.carryingAmount(firm: 0, at: t)
        let recoverable = m.recoverableAmount(firm: 0, tier: 0, at: t)
        #expect(recoverable < book)
        // The used value is the floor of the recoverable amount.
        #expect(recoverable >= 10 * m.usedValue(m.providers[0].fleet.cohorts[0], at: t) - 1e-6)
        let charge = m.testImpairment(firm: 0, at: t)
        #expect(abs(charge - (book - recoverable)) < 1e-6 * book)
        #expect(abs(m.carryingAmount(firm: 0, at: t) - recoverable) < 1e-6 * book)
        #expect(m.providers[0].fleet.cohorts[0].unimpairedCost == 500_000)
        // The test again at once finds nothing to charge.
        #expect(abs(m.testImpairment(firm: 0, at: t)) < 1e-6 * book)
    }

    @Test func noImpairmentWhenTheRecoverableAmountCoversTheBookValue() {
        var m = Self.market(jurisdiction: "cn", peak: 250_000)
        Self.setRents(&m, price: 30, utilisation: 0.8)
        let t = 90.0
        #expect(m.recoverableAmount(firm: 0, tier: 0, at: t) >= m.carryingAmount(firm: 0, at: t))
        #expect(m.testImpairment(firm: 0, at: t) == 0)
        #expect(m.providers[0].fleet.cohorts[0].unitCost == 250_000 && m.providers[0].fleet.cohorts[0].unimpairedCost == nil)
    }

    @Test func anIFRSFirmReversesUpToTheUnimpairedBookValueAndACASFirmNever() {
        for (jurisdiction, standard) in [("intl", AccountingStandard.ifrs), ("cn", .cas)] {
            var m = Self.market(jurisdiction: jurisdiction, peak: 500_000)
            #expect(m.providers[0].spec.accountingStandard == standard)
            Self.setRents(&m, price: 1, utilisation: 0.1)
            let charge = m.testImpairment(firm: 0, at: 90)
            #expect(charge > 0)
            // A partial recovery: the recoverable amount lies between the impaired and the unimpaired book.
            let t = 180.0
            let unimpairedBook = 10 * 500_000 * (1 - t / daysPerYear / 5)
            let impaired = m.carryingAmount(firm: 0, at: t)
            var u = 0.1
            while u < 1 && m.recoverableAmount(firm: 0, tier: 0, at: t) < impaired + 0.4 * (unimpairedBook - impaired) {
                u += 0.02
                Self.setRents(&m, price: 20, utilisation: u)
            }
            let before = m.carryingAmount(firm: 0, at: t)
            let recoverable = m.recoverableAmount(firm: 0, tier: 0, at: t)
            #expect(recoverable > before && recoverable < unimpairedBook, "u \(u): \(before) \(recoverable) \(unimpairedBook)")
            let partial = m.testImpairment(firm: 0, at: t)
            if standard == .cas {
                #expect(partial == 0 && m.carryingAmount(firm: 0, at: t) == before)
            } else {
                #expect(abs(-partial - (recoverable - before)) < 1e-6 * before)
                #expect(abs(m.carryingAmount(firm: 0, at: t) - recoverable) < 1e-6 * before)
            }
            // A full recovery: reversed only up to the book value had no impairment been recognised.
            Self.setRents(&m, price: 200, utilisation: 1)
            #expect(m.recoverableAmount(firm: 0, tier: 0, at: t) > unimpairedBook)
            let full = m.testImpairment(firm: 0, at: t)
            if standard == .cas {
                #expect(full == 0 && m.carryingAmount(firm: 0, at: t) == before)
            } else {
                #expect(full < 0)
                #expect(abs(m.carryingAmount(firm: 0, at: t) - unimpairedBook) < 1e-6 * unimpairedBook)
                #expect(m.providers[0].fleet.cohorts[0].unitCost == 500_000 && m.providers[0].fleet.cohorts[0].unimpairedCost == nil)
                // Nothing more to reverse.
                #expect(m.testImpairment(firm: 0, at: t) == 0)
            }
        }
    }

    @Test func valueInUseIsTheDiscountedNetRentOverTheRemainingLife() {
        var m = Self.market(jurisdiction: "cn", peak: 250_000)
        Self.setRents(&m, price: 20, utilisation: 1)
        #expect(m.valueInUse(firm: 0, tier: 0, remainingMonths: 0) == 0)
        let one = m.valueInUse(firm: 0, tier: 0, remainingMonths: 1)
        let p1 = m.expectedPrice(now: 20, longRun: m.longRunPrice(firm: 0, tier: 0, chip: nil), years: 1.0 / 12)
        let expected = (p1 - m.powerPerHour(firm: 0, tier: 0)) * daysPerMonth * hoursPerDay / pow(1.1, 1.0 / 12)
        #expect(abs(one - expected) < 1e-9 * abs(expected))
        // Longer lives are worth more while rent beats power; an idle unit is worth less than nothing.
        #expect(m.valueInUse(firm: 0, tier: 0, remainingMonths: 24) > one)
        #expect(m.valueInUse(firm: 0, tier: 0, remainingMonths: 24, utilisation: 0) < 0)
    }

    @Test func collapsedRentsChargeNetIncomeNotCashAndLowerDepreciation() throws {
        let s = Self.scenario(deadMonths: 12)
        let result = try MarketReplication.run(s, plan: SeedPlan(masterSeed: 7), replication: 0)
        let rows = result.firmMonths
        #expect(rows.count == 24)
        for r in rows {
            #expect(cashIdentityError(r) < 1e-9, "month \(r.month)")
            let costOfRevenue = r.powerCost + r.colocationCost + r.rentInCost + r.depreciation + r.bookValueSold
            let net = r.revenue - costOfRevenue - r.fixedOpex - r.interest - r.impairment - (r.bookValueDisposed - r.assetSales)
            #expect(abs(r.netIncome - net) < 1e-6 * Swift.max(1, abs(net)), "month \(r.month)")
            if r.revenue > 0 {
                // The charge is below gross profit.
                #expect(abs(r.grossMargin! - (r.revenue - costOfRevenue) / r.revenue) < 1e-12)
            }
            // Charged only at the quarterly review (firm 0: months 2, 5, 8, …), and CAS never reverses.
            if r.month % 3 != 2 { #expect(r.impairment == 0) }
            #expect(r.impairment >= 0)
        }
        let first = try #require(rows.first { $0.impairment > 0 })
        #expect(first.month == 2)
        // The book value falls by the charge (and the month's depreciation) and depreciation afterwards is lower.
        let before = rows[first.month - 1]
        #expect(first.bookValue < before.bookValue - first.impairment + 1)
        #expect(rows[first.month + 1].depreciation < before.depreciation - 1)
        #expect(rows[0].depreciation == before.depreciation)
    }

    @Test func theStandardChangesTheAccountsButNotTheCash() throws {
        let cas = try MarketReplication.run(Self.scenario(jurisdiction: "cn"), plan: SeedPlan(masterSeed: 3), replication: 0)
        let ifrs = try MarketReplication.run(Self.scenario(jurisdiction: "cn", accounting: .ifrs), plan: SeedPlan(masterSeed: 3),
                                             replication: 0)
        #expect(cas.firmMonths.map(\.cashEnd) == ifrs.firmMonths.map(\.cashEnd))
        #expect(cas.firmMonths.map(\.revenue) == ifrs.firmMonths.map(\.revenue))
        // Demand returns after month 12: the IFRS firm reverses, the CAS firm does not.
        #expect(cas.firmMonths.allSatisfy { $0.impairment >= 0 })
        let reversals = ifrs.firmMonths.filter { $0.impairment < 0 }
        #expect(!reversals.isEmpty)
        #expect(ifrs.firmMonths.last!.bookValue > cas.firmMonths.last!.bookValue)
        // Never above the book value had no impairment been recognised: that of a firm whose used
        // market and rents never collapsed enough to impair (the same fleet, the same straight line).
        var healthy = Self.scenario(jurisdiction: "cn", accounting: .ifrs, deadMonths: 0)
        healthy.tiers[0].usedDecline = 0
        let unimpaired = try MarketReplication.run(healthy, plan: SeedPlan(masterSeed: 3), replication: 0)
        #expect(unimpaired.firmMonths.allSatisfy { $0.impairment == 0 })
        for (a, b) in zip(ifrs.firmMonths, unimpaired.firmMonths) {
            #expect(a.bookValue <= b.bookValue * (1 + 1e-9), "month \(a.month)")
        }
    }

    @Test func theCashIdentityHoldsRowByRowWithImpairmentsInRandomMarkets() throws {
        var charged = 0
        for seed in UInt64(1)...20 {
            var s = randomFullScenario(seed: seed)
            for k in s.tiers.indices { s.tiers[k].usedDecline = 0.5 }
            let result = try MarketReplication.run(s, plan: SeedPlan(masterSeed: seed), replication: 0)
            for r in result.firmMonths {
                #expect(cashIdentityError(r) < 1e-9, "seed \(seed): firm \(r.firm) month \(r.month)")
                if r.impairment != 0 { charged += 1 }
                #expect(r.bookValue >= 0)
                if r.status == .exited { #expect(r.bookValue == 0) }
            }
        }
        #expect(charged > 0)
    }

    @Test func theDefaultStandardIsCASInChinaAndIFRSElsewhere() {
        var p = Fixtures.provider(name: "a", units: 1)
        #expect(p.accountingStandard == .cas)
        p.jurisdiction = "intl"
        #expect(p.accountingStandard == .ifrs)
        p.accounting = .cas
        #expect(p.accountingStandard == .cas)
    }
}

/// The outcome `banned_tier_revenue_share`: the trailing year's rent from tiers the firm's
/// jurisdiction can no longer buy.
@Suite struct BannedTierRevenueShareTests {
    static func scenario(ban: Bool) -> Scenario {
        var p = Fixtures.provider(name: "owner", units: 20, price: 15)
        p.fleet.append(FleetCohort(tier: 1, units: 20, ageMonths: 0))
        p.initialPrices[1] = 8
        p.supply.expands = false
        let start = YearMonth(year: 2024, month: 1)
        var s = Scenario(name: "ban", start: start, horizonMonths: 18, currency: "CNY",
                         tiers: [Fixtures.h100, Fixtures.domestic], regions: [Fixtures.region],
                         segments: [Fixtures.segment(name: "a", rate: 200, tier: 0, term: .constant(value: 2)),
                                    Fixtures.segment(name: "b", rate: 200, tier: 1, term: .constant(value: 2))],
                         providers: [p])
        s.chipSupply = [ChipSupply(tier: 0, jurisdiction: "cn", monthlyCapacity: 10),
                        ChipSupply(tier: 1, jurisdiction: "cn", monthlyCapacity: 10)]
        if ban { s.supplyShocks = [SupplyShock(tier: 0, jurisdiction: "cn", from: start.adding(months: 3), capacityFactor: 0)] }
        return s
    }

    @Test func theShareOfRentFromBannedTiersIsComputed() throws {
        let banned = try MarketReplication.run(Self.scenario(ban: true), plan: SeedPlan(masterSeed: 5), replication: 0)
        let share = try #require(banned.outcomes[0].bannedTierRevenueShare)
        #expect(share > 0.05 && share < 0.95, "share \(share)")
        let free = try MarketReplication.run(Self.scenario(ban: false), plan: SeedPlan(masterSeed: 5), replication: 0)
        #expect(free.outcomes[0].bannedTierRevenueShare == 0)
    }
}
