import Foundation
import Testing
@testable import MarketModel
import Stochastics

/// Bans that bite (docs/MODEL.md 5.4, 5.6): a ban's terms (partial refunds, penalties to pre-let
/// tenants), the chance it is relaxed, and firms that turn to a substitute tier they can buy.
@Suite struct BanTests {
    static let ban = YearMonth(year: 2025, month: 4)

    /// The supply market of SupplyTests with a cn ban in 2025-04 on the given terms, ending with the
    /// ban's month (so that two runs differing only in the terms are identical up to it).
    func banned(refund: Double, penalty: Double, months: Int? = nil) -> Scenario {
        var s = supplyMarket(capacity: 10, ban: Self.ban)
        s.supplyShocks[0].refundShare = refund
        s.supplyShocks[0].penaltyMonths = penalty
        if let months { s.horizonMonths = months }
        return s
    }

    @Test func aBansTermsSplitThePrepaymentAndChargeThePenalties() throws {
        let start = YearMonth(year: 2024, month: 1)
        let month = Self.ban.ordinal - start.ordinal
        let terms = try simulate(banned(refund: 0.6, penalty: 2, months: month + 1), seed: 3)
        let plain = try simulate(banned(refund: 1, penalty: 0, months: month + 1), seed: 3)
        let row = terms.supplies[0].records[month]
        #expect(row.cancelledUnits > 0, "the ban must find a backlog")
        // The order value splits into what the vendor refunds (60%) and what it keeps.
        let value = row.refunded + row.writtenOff
        #expect(value > 0 && abs(row.refunded - 0.6 * value) < 1e-6 * value)
        #expect(abs(plain.supplies[0].records[month].refunded - value) < 1e-6 * value, "without terms everything is refunded")
        var writtenOff = 0.0, penalties = 0.0
        for j in terms.providers.indices {
            let r = terms.firmRecords[j][month]
            writtenOff += r.ordersWrittenOff
            // Penalty: 2 months of the firm's list rent (in force in the ban's month) per cancelled unit.
            let lost = terms.providers[j].plan.lost.reduce(0) { $0 + $1.units }
            let expected = Double(lost) * 2 * (r.listPrice[0] ?? 0) * daysPerMonth * hoursPerDay
            #expect(abs(r.cancellationPenalties - expected) <= 1e-9 * Swift.max(1, expected), "firm \(j)")
            penalties += r.cancellationPenalties
            // Penalties reduce revenue; the prepayment kept is a charge in net income; the cash identity holds.
            let gross = r.rentRevenue + r.cancelFees + r.claimsRecovered + r.commissionRevenue + r.serverSales + r.voucherIncome
            #expect(abs(r.revenue - (gross - r.cancellationPenalties)) < 1e-6)
            let costOfRevenue = r.powerCost + r.colocationCost + r.rentInCost + r.depreciation + r.bookValueSold
            let net = r.revenue - costOfRevenue - r.fixedOpex - r.interest - r.impairment - r.ordersWrittenOff
                - (r.bookValueDisposed - r.assetSales)
            #expect(abs(r.netIncome - net) < 1e-6 * Swift.max(1, abs(net)))
            // The chips driver carries both, on top of what the same run without terms accrued.
            let extra = plain.providers[j].drivers.chips - terms.providers[j].drivers.chips
            #expect(abs(extra - (r.ordersWrittenOff + r.cancellationPenalties)) < 1e-6 * Swift.max(1, extra), "firm \(j)")
        }
        #expect(abs(writtenOff - row.writtenOff) < 1e-6 * value && penalties > 0)
        for rows in terms.firmRecords { for r in rows { #expect(cashIdentityError(r) < 1e-9) } }
    }

    @Test func aRelaxationIsDrawnOncePerReplicationAndUndoesTheBan() throws {
        let relaxAt = YearMonth(year: 2025, month: 8)
        func relaxing(_ p: Double, markup: Double = 0.15) -> Scenario {
            var s = supplyMarket(capacity: 10, ban: Self.ban)
            s.supplyShocks[0].relaxation = .init(probability: p, from: relaxAt, priceMarkup: markup)
            return s
        }
        // Per replication, relaxed with probability p: 400 replications at p = 0.5 give 200 ± 3.29·10 (99.9%).
        let plan = SeedPlan(masterSeed: 11)
        let half = relaxing(0.5)
        let relaxed = (0..<400).filter { Market.drawSupplyShocks(half, plan: plan, replication: $0).count == 2 }.count
        #expect(abs(relaxed - 200) <= 33, "\(relaxed)")
        // Relaxed for sure: no capacity between the ban and the relaxation, the unshocked capacity
        // after it, at the vendor's price times 1.15 (no backlog yet at the month's start).
        let month = relaxAt.ordinal - YearMonth(year: 2024, month: 1).ordinal
        var m = Market(scenario: relaxing(1), plan: plan, replication: 0)
        #expect(m.supplyShocks.count == 2 && m.supplyShocks[1].capacityFactor == 1 && m.supplyShocks[1].from == relaxAt)
        m.beginMonth(month - 1)
        #expect(m.supplyCapacity(0, month: month - 1) == 0)
        m.beginMonth(month)
        #expect(m.supplyCapacity(0, month: month) == 10)
        #expect(abs(m.chipPrice(0, month: month) - 1.15 * Fixtures.h100.purchaseCost) < 1e-6)
        // Over a whole run, cn orders resume after the relaxation.
        let run = try simulate(relaxing(1), seed: 3)
        #expect(run.supplies[0].records[month...].reduce(0) { $0 + $1.orderedUnits } > 0)
        #expect(run.supplies[0].records[(Self.ban.ordinal - YearMonth(year: 2024, month: 1).ordinal)..<month]
                    .allSatisfy { $0.orderedUnits == 0 && $0.capacityUnits == 0 })
        // Drawing a relaxation that does not happen moves no other stream (common random numbers).
        let never = try simulate(relaxing(1e-12), seed: 3), without = try simulate(supplyMarket(capacity: 10, ban: Self.ban), seed: 3)
        #expect(never.firmRecords.values == without.firmRecords.values)
    }

    /// Investment across tiers (issue 14 item 1): of the tier its tenants want and the substitutes they
    /// accept, a firm buys the one whose unit returns most on its price (NPV over price), even when it
    /// could buy its usual tier; a dear substitute, or one its tenants do not accept, is not chosen; a
    /// firm with no supply line for the substitute keeps its tier.
    @Test func aFirmBuysTheTierWithTheHighestExpectedReturn() throws {
        func choice(domesticPrice: Double, substitutes: [TierID], firm: Int) -> TierID? {
            var s = supplyMarket(capacity: 100, months: 24)
            var domestic = Fixtures.domestic
            domestic.purchaseCost = domesticPrice
            s.tiers.append(domestic)
            s.segments[0].substitutes = substitutes
            s.chipSupply.append(ChipSupply(tier: 1, jurisdiction: "cn", monthlyCapacity: 200, transitDays: .constant(value: 30)))
            var m = Market(scenario: s, plan: SeedPlan(masterSeed: 5), replication: 0)
            m.beginMonth(0)
            let j = ProviderID(firm)
            let picked = m.orderChoice(firm: j, for: 0, month: 0, utilisation: 0.8)
            // The choice's return is the best of the candidates' NPV over price.
            if let picked {
                let price = m.chipPrice(picked.supply, month: 0)
                let lead = m.expectedLeadTimeDays(picked.supply, units: 0, month: 0) / daysPerYear
                let start: Double? = picked.tier == 0 ? nil : Swift.max(m.priceIndex[picked.tier], m.providers[j].leasing.listPrice[0] / picked.ratio)
                let u = picked.tier == 0 ? 0.8 : m.substituteUtilisation(firm: j, tier: picked.tier, fallback: 0.8)
                let npv = m.unitNPV(firm: j, tier: picked.tier, price: price, leadYears: lead, utilisation: u, now: start)
                #expect(abs(picked.expectedReturn - npv / price) < 1e-12)
            }
            return picked?.tier
        }
        // Firm 0 is cn (both tiers on sale), firm 1 intl (no domestic line).
        #expect(choice(domesticPrice: 10_000, substitutes: [1], firm: 0) == 1, "a cheap substitute returns more")
        #expect(choice(domesticPrice: 5_000_000, substitutes: [1], firm: 0) == 0, "a dear one does not")
        #expect(choice(domesticPrice: 10_000, substitutes: [], firm: 0) == 0, "tenants who accept no substitute")
        #expect(choice(domesticPrice: 10_000, substitutes: [1], firm: 1) == 0, "no supply line for the substitute")
    }

    /// Patience (`expansion.patience_months`): a tier whose expected lead time is longer than the
    /// firm's patience counts as one it cannot buy — it orders the substitute its tenants accept
    /// instead, and a refusal for the tier counts toward starvation (`canBuyNew`); without patience,
    /// or with enough, it waits for its tier.
    @Test func aFirmOutOfPatienceWithABacklogTurnsToTheSubstitute() throws {
        func market(patience: Double?) -> Market {
            var s = supplyMarket(capacity: 100, months: 24)
            s.chipSupply[0].transitDays = .constant(value: 270)   // nine months from order to delivery, cn and intl
            s.chipSupply[1].transitDays = .constant(value: 270)
            var domestic = Fixtures.domestic
            domestic.purchaseCost = 2_000_000   // a poor return: chosen only when the tier is out of reach
            s.tiers.append(domestic)
            s.segments[0].substitutes = [1]
            s.chipSupply.append(ChipSupply(tier: 1, jurisdiction: "cn", monthlyCapacity: 200, transitDays: .constant(value: 30)))
            s.expansion.patienceMonths = patience
            var m = Market(scenario: s, plan: SeedPlan(masterSeed: 5), replication: 0)
            m.beginMonth(0)
            return m
        }
        let waits = market(patience: nil), patient = market(patience: 12), impatient = market(patience: 3)
        #expect(waits.orderChoice(firm: 0, for: 0, month: 0, utilisation: 0.8)?.tier == 0)
        #expect(patient.orderChoice(firm: 0, for: 0, month: 0, utilisation: 0.8)?.tier == 0)
        #expect(impatient.orderChoice(firm: 0, for: 0, month: 0, utilisation: 0.8)?.tier == 1)
        #expect(waits.canBuyNew(firm: 0, tier: 0) && patient.canBuyNew(firm: 0, tier: 0))
        #expect(!impatient.canBuyNew(firm: 0, tier: 0) && impatient.canBuyNew(firm: 0, tier: 1))
        // An intl firm (no domestic line) out of patience has nothing to buy new.
        #expect(impatient.orderChoice(firm: 1, for: 0, month: 0, utilisation: 0.8) == nil)
    }

    /// A firm whose tenants want a tier it cannot buy (banned) but accept another orders that one,
    /// in the units that match; it does not when they accept no other.
    @Test func aFirmThatCannotBuyItsTierTurnsToTheSubstitute() throws {
        func market(substitutes: [TierID]) -> Scenario {
            var s = supplyMarket(capacity: 10, months: 24, ban: YearMonth(year: 2023, month: 10), growth: 0.5)
            var domestic = Fixtures.domestic
            domestic.purchaseCost = 60_000   // cheap enough that a unit pays at the rent the firm's tenants pay
            s.tiers.append(domestic)
            s.segments[0].substitutes = substitutes
            s.chipSupply.append(ChipSupply(tier: 1, jurisdiction: "cn", monthlyCapacity: 200, transitDays: .constant(value: 30)))
            // Full and turning tenants away for a tier they cannot buy, the cn firms would be starved
            // at their first review (§5.11); the test is of the expansion, so starvation is off.
            s.starvation.refusedShare = 1
            return s
        }
        let turns = try simulate(market(substitutes: [1]), seed: 5)
        let stays = try simulate(market(substitutes: []), seed: 5)
        #expect(turns.supplies[0].records.allSatisfy { $0.orderedUnits == 0 }, "the banned tier is never ordered")
        let domestic = turns.supplies[2].records.reduce(0) { $0 + $1.orderedUnits }
        #expect(domestic > 0)
        #expect(stays.supplies[2].records.allSatisfy { $0.orderedUnits == 0 })
        // The cn firms hold domestic units at the end; the intl firms (who can buy the tier) never order them.
        let cn = turns.providers.indices.filter { turns.providers[$0].spec.jurisdiction == "cn" }
        #expect(cn.contains { turns.providers[$0].fleet.installed[1] + turns.providers[$0].fleet.onOrder[1] > 0 })
        for j in turns.providers.indices where turns.providers[j].spec.jurisdiction == "intl" {
            #expect(turns.providers[j].fleet.installed[1] == 0 && turns.providers[j].fleet.onOrder[1] == 0)
        }
    }
}
