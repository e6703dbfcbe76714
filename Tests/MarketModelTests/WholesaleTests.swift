import Foundation
import Testing
@testable import MarketModel
import ScenarioModule
import Stochastics

/// Σ over firms of wholesale_out − Σ over firms of (rented_in − rented_overseas), by month and tier:
/// every rented-in domestic unit is a unit some owner lets.
private func wholesaleGaps(_ m: Market) -> [String] {
    var gaps: [String] = []
    let tiers = m.scenario.tiers.count
    for month in 0..<m.scenario.horizonMonths {
        var out = Array(repeating: 0, count: tiers), domestic = Array(repeating: 0, count: tiers)
        for rows in m.firmRecords {
            guard let r = rows.first(where: { $0.month == month }) else { continue }
            for b in 0..<tiers {
                out[b] += r.unitsWholesaleOut[b]
                domestic[b] += r.unitsRentedIn[b] - r.unitsRentedOverseas[b]
            }
        }
        if out != domestic { gaps.append("month \(month): wholesale out \(out), domestic rented in \(domestic)") }
    }
    return gaps
}

/// Firms whose leased units exceed their capacity (installed + rented in) at some month end.
private func overLeased(_ m: Market) -> [String] {
    var bad: [String] = []
    for rows in m.firmRecords {
        for r in rows {
            for b in r.unitsLeased.indices where r.unitsLeased[b] > r.units[b] + r.unitsRentedIn[b] {
                bad.append("firm \(r.firm) month \(r.month) tier \(b): leased \(r.unitsLeased[b]) > \(r.units[b]) + \(r.unitsRentedIn[b])")
            }
        }
    }
    return bad
}

/// One owner of 100 H100s with few tenants, and a sublessor that wants far more than the owner offers.
private func hungrySublessor(share: Double = 0.5, overseas: [OverseasLine] = [], months: Int = 24) -> Scenario {
    var s = Scenario(name: "wholesale", start: YearMonth(year: 2024, month: 1), horizonMonths: months, currency: "CNY",
                     tiers: [Fixtures.h100], regions: [Fixtures.region],
                     segments: [Fixtures.segment(rate: 400, units: .constant(value: 2), term: .constant(value: 3),
                                                 reservation: .constant(value: 40), outside: true)],
                     providers: [Fixtures.provider(name: "owner", units: 100, price: 30, softBudget: false)])
    s.providers[0].supply.expands = false
    var sub = Fixtures.provider(name: "reseller", units: 0, price: 20)
    sub.model = .sublessor
    sub.fleet = []
    sub.supply.rentIn = [RentInSpec(tier: 0, units: 500, lessor: nil, price: nil, termMonths: 6)]
    s.providers.append(sub)
    s.sublease.wholesaleShare = share
    s.sublease.overseas = overseas
    return s
}

@Suite struct WholesaleTests {
    @Test(arguments: [0.5, 0.3])
    func aSublessorNeverHoldsMoreRentedInUnitsThanOwnersOffer(share: Double) throws {
        let m = try simulate(hungrySublessor(share: share))
        let owner = m.firmRecords[0], sub = m.firmRecords[1]
        // It asked for 500 at the start and expands every quarter: it wants more than the owner offers.
        #expect(sub[0].unitsRentedIn[0] > 0 && sub[0].unitsRentedIn[0] < 500)
        for (o, r) in zip(owner, sub) {
            // The owner offers a share of its units not leased to tenants: at most share·100.
            let offered = Int((share * Double(o.units[0])).rounded(.down))
            #expect(r.unitsRentedIn[0] <= offered, "month \(r.month): rented in \(r.unitsRentedIn[0]) > offered \(offered)")
            #expect(r.unitsRentedIn[0] == o.unitsWholesaleOut[0] && r.unitsRentedOverseas[0] == 0)
            #expect(o.unitsWholesaleOut[0] <= o.unitsLeased[0])
        }
        #expect(wholesaleGaps(m).isEmpty, "\(wholesaleGaps(m).prefix(3))")
        #expect(overLeased(m).isEmpty, "\(overLeased(m).prefix(3))")
        for rows in m.firmRecords { for r in rows { #expect(cashIdentityError(r) < 1e-9) } }
    }

    @Test func overseasSupplyIsFiniteAndUsedOnlyAfterDomesticOffers() throws {
        let lines = [OverseasLine(name: "abroad-a", tier: 0, units: 40, price: 12, jurisdiction: "intl"),
                     OverseasLine(name: "abroad-b", tier: 0, units: 25, price: 14, jurisdiction: "intl")]
        var s = hungrySublessor(overseas: lines)
        // A second sublessor competing for the same lines.
        var other = s.providers[1]
        other.name = "reseller-2"
        s.providers.append(other)
        let m = try simulate(s)
        let first = m.firmRecords.map { $0[0] }
        // Domestic offers go first: the owner lets its whole offer before anything is rented from abroad.
        #expect(first[0].unitsWholesaleOut[0] == 50)
        #expect(first[1].unitsRentedOverseas[0] + first[2].unitsRentedOverseas[0] == 65)
        for month in 0..<s.horizonMonths {
            let abroad = m.firmRecords.reduce(0) { $0 + $1[month].unitsRentedOverseas[0] }
            #expect(abroad <= 65, "month \(month): \(abroad) rented from abroad")
        }
        for k in lines.indices { #expect(m.overseasRented[k] <= lines[k].units) }
        #expect(m.providers.allSatisfy { p in p.fleet.rentIns.allSatisfy { r in
            if case .overseas(let k) = r.backing { return r.price == lines[k].price } else { return true } } })
        #expect(wholesaleGaps(m).isEmpty, "\(wholesaleGaps(m).prefix(3))")
        #expect(overLeased(m).isEmpty, "\(overLeased(m).prefix(3))")
        for rows in m.firmRecords { for r in rows { #expect(cashIdentityError(r) < 1e-9) } }
    }

    @Test func theOwnersExitEndsTheWholesaleItBacksAndTheSublessorsExcessSublets() throws {
        // The loss maker (fixed price 0.5, heavy fixed opex) exits by losses; a sublessor rents half its
        // units and sublets them at the same price.
        var s = lossMaker(cash: 1e10)
        s.segments[0].termMonths = .constant(value: 24)
        var sub = Fixtures.provider(name: "reseller", units: 0, price: 0.5)
        sub.model = .sublessor
        sub.fleet = []
        sub.supply.expands = false
        sub.supply.rentIn = [RentInSpec(tier: 0, units: 100, lessor: nil, price: nil, termMonths: 48)]
        s.providers.append(sub)
        let m = try simulate(s)
        let exit = try #require(m.providers[0].exit?.month)
        let before = m.firmRecords[1][exit - 1]
        #expect(before.unitsRentedIn[0] == 100 && m.firmRecords[0][exit - 1].unitsWholesaleOut[0] == 100)
        #expect(before.unitsLeased[0] > 0)
        // The owner's exit ends the contract; no other owner or line offers, so capacity and sublets go.
        for r in m.firmRecords[1].filter({ $0.month >= exit }) {
            #expect(r.unitsRentedIn[0] == 0 && r.unitsLeased[0] == 0, "month \(r.month)")
        }
        #expect(m.leases.allSatisfy { !$0.active || $0.provider != 0 })
        // The sublessor's tenants re-enter (with the owner's own): next month's arrivals include them all.
        let arrivals = m.marketRecords.filter { $0.tier == nil }.map(\.tenantsArrived)
        let owner = m.firmRecords[0][exit - 1]
        #expect(arrivals[exit + 1] >= before.unitsLeased[0] + owner.unitsLeased[0] - owner.unitsWholesaleOut[0])
        #expect(overLeased(m).isEmpty, "\(overLeased(m).prefix(3))")
        #expect(wholesaleGaps(m).isEmpty, "\(wholesaleGaps(m).prefix(3))")
        for rows in m.firmRecords { for r in rows { #expect(cashIdentityError(r) < 1e-9) } }
    }

    @Test func whenATermEndsTheSublessorRenewsOrEndsItsNewestSublets() throws {
        // Six-month rent-in, long sublets: at the end the owner's offer has shrunk (its own tenants),
        // so the sublessor renews what it can and returns the rest of its tenants.
        var s = hungrySublessor(months: 18)
        s.segments[0].termMonths = .constant(value: 12)
        let m = try simulate(s)
        #expect(overLeased(m).isEmpty, "\(overLeased(m).prefix(3))")
        #expect(wholesaleGaps(m).isEmpty, "\(wholesaleGaps(m).prefix(3))")
        // Every wholesale lease names a sublessor and its rent-in names the lease while active.
        for (id, l) in zip(m.leases.indices, m.leases) where l.active {
            guard case .sublessor(let j) = l.lessee else { continue }
            #expect(m.providers[j].fleet.rentIns.contains { $0.backing == .lease(LeaseID(id)) && $0.units == l.units })
        }
    }

    @Test func theIdentityHoldsInRandomFullScenarios() throws {
        for seed in UInt64(1)...12 {
            let m = try simulate(randomFullScenario(seed: seed), seed: seed)
            #expect(wholesaleGaps(m).isEmpty, "seed \(seed): \(wholesaleGaps(m).prefix(3))")
            #expect(overLeased(m).isEmpty, "seed \(seed): \(overLeased(m).prefix(3))")
        }
    }

    @Test func theIdentityHoldsOnTheShippedBaseline() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scenarios/baseline.yaml").path
        let doc = try ScenarioLoader.load(path: path)
        for r in 0..<2 {
            let plan = SeedPlan(masterSeed: 2024)
            let m = try simulate(doc.instantiate(replication: r, plan: plan).scenario, seed: 2024, replication: r)
            #expect(wholesaleGaps(m).isEmpty, "replication \(r): \(wholesaleGaps(m).prefix(3))")
            #expect(overLeased(m).isEmpty, "replication \(r): \(overLeased(m).prefix(3))")
            // Every domestic rent-in is backed by an owner's lease.
            for p in m.providers where p.active {
                for x in p.fleet.rentIns {
                    if case .lease(let l) = x.backing { #expect(m.leases[l].active && m.leases[l].units == x.units) }
                }
            }
        }
    }
}
