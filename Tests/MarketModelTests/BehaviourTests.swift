import Foundation
import Testing
@testable import MarketModel
import Stochastics

/// Runs a market and hands back its final state for inspection.
func simulate(_ s: Scenario, seed: UInt64 = 7, replication: Int = 0) throws -> Market {
    var m = Market(scenario: s, plan: SeedPlan(masterSeed: seed), replication: replication)
    _ = try m.simulate()
    return m
}

/// Two identical owners of one tier competing for one segment.
func duopoly(priceA: Double, priceB: Double, months: Int = 24) -> Scenario {
    var s = Scenario(name: "duopoly", start: YearMonth(year: 2024, month: 1), horizonMonths: months, currency: "CNY",
                     tiers: [Fixtures.h100], regions: [Fixtures.region],
                     segments: [Fixtures.segment(rate: 600, term: .constant(value: 1), reservation: .constant(value: 30),
                                                 beta: .constant(value: 4), outside: true)],
                     providers: [Fixtures.provider(name: "a", units: 400, price: priceA, softBudget: false),
                                 Fixtures.provider(name: "b", units: 400, price: priceB, softBudget: false)])
    s.contracts.cancelHazard = 0
    s.contracts.cancelHazardSlope = 0
    return s
}

@Suite struct LeasingTests {
    @Test func longerTermsGetTheDiscount() throws {
        var s = duopoly(priceA: 20, priceB: 20)
        s.segments[0].termMonths = .discrete(try Distribution.make("discrete", ["values": .list([1, 12, 36, 60]), "weights": .list([1, 1, 1, 1])]).asTable)
        s.segments[0].takeOrPayShare = 1
        let m = try simulate(s)
        var byTerm: [Double: Set<Double>] = [:]
        for l in m.leases where l.provider == 0 && l.start < m.monthStart[1] {
            let months = ((l.end - l.start) / daysPerMonth).rounded()
            byTerm[months, default: []].insert(l.price)
        }
        // List prices are fixed at 20; term discounts 0 / 10% / 20% / 25% at 1 / 12 / 36 / 60 months.
        #expect(byTerm[1] == [20])
        #expect(byTerm[12] == [18])
        #expect(byTerm[36] == [16])
        #expect(byTerm[60] == [15])
    }

    @Test func theShortTermPriceIsTheMeanOfContractsOfAtMostThreeMonths() throws {
        var s = duopoly(priceA: 20, priceB: 24)
        s.segments[0].termMonths = .discrete(try Distribution.make("discrete", ["values": .list([1, 2, 3, 12, 36]), "weights": .list([1, 1, 1, 1, 1])]).asTable)
        let m = try simulate(s)
        var checked = 0
        for month in 0..<s.horizonMonths {
            var units = 0, value = 0.0
            for l in m.leases where l.start >= m.monthStart[month] && l.start < m.monthStart[month + 1] {
                guard case .tenant = l.lessee, (l.end - l.start) / daysPerMonth <= 3 + 1e-9 else { continue }
                units += l.units
                value += Double(l.units) * l.price
            }
            let row = try #require(m.marketRecords.first { $0.month == month && $0.tier == 0 })
            let all = try #require(m.marketRecords.first { $0.month == month && $0.tier == nil })
            if units == 0 {
                #expect(row.shortTermPrice == nil)
                continue
            }
            let expected = value / Double(units)
            let short = try #require(row.shortTermPrice)
            #expect(abs(short - expected) <= 1e-9 * expected, "month \(month): \(short) vs \(expected)")
            #expect(all.shortTermPrice == row.shortTermPrice, "one tier: the market's figure is the tier's")
            // Longer contracts sign at their term discounts, below the short-term price.
            let signed = try #require(row.signedPriceIndex)
            #expect(signed < short, "month \(month): signed \(signed) vs short-term \(short)")
            checked += 1
        }
        #expect(checked >= s.horizonMonths - 1)
    }

    @Test func theBookAFirmStartsWithIsNotSignedInTheFirstMonth() throws {
        var s = duopoly(priceA: 20, priceB: 20, months: 3)
        s.segments[0].rate = 1e-6   // no arrivals: only the initial book
        s.segments[0].termMonths = .constant(value: 2)
        s.providers[0].fleet[0].leasedShare = 0.5
        let m = try simulate(s)
        #expect(m.leases.contains { $0.provider == 0 }, "the firm starts with a book")
        let first = try #require(m.marketRecords.first { $0.month == 0 && $0.tier == 0 })
        #expect(first.tenantsSigned == 0)
        #expect(first.signedPriceIndex == nil && first.shortTermPrice == nil)
        #expect(m.firmRecords[0][0].leasesSigned == 0)
    }

    @Test func aPriceCutWinsShareThroughTheLogit() throws {
        func shareA(_ pa: Double) throws -> Double {
            let m = try simulate(duopoly(priceA: pa, priceB: 20))
            let a = m.leases.filter { $0.provider == 0 }.count, b = m.leases.filter { $0.provider == 1 }.count
            return Double(a) / Double(a + b)
        }
        let even = try shareA(20), cut = try shareA(16)
        #expect(abs(even - 0.5) < 0.05, "equal prices split the market: \(even)")
        // β(r−c)/r rises by 4·4/30 ≈ 0.53 for the cheaper firm: logit share e^0.53/(1+e^0.53) ≈ 0.63.
        #expect(cut > even + 0.08, "cut \(cut) vs even \(even)")
    }

    @Test func quotesAboveTheReservationPriceAreNeverSigned() throws {
        for seed in UInt64(1)...15 {
            let s = randomScenario(seed: seed)
            let m = try simulate(s, seed: seed)
            for l in m.leases {
                guard let i = l.tenant else { continue }
                let t = m.tenants[i]
                let cost = Double(l.units) * l.price / Double(t.units)
                #expect(cost <= t.reservation * (1 + 1e-12), "seed \(seed): paid \(cost) > r \(t.reservation)")
            }
        }
    }

    @Test func takeOrPayContractsPayForEveryContractHourAndNeverCancel() throws {
        var s = duopoly(priceA: 20, priceB: 20, months: 12)
        s.segments[0].takeOrPayShare = 1
        s.segments[0].termMonths = .constant(value: 3)
        s.contracts.cancelHazard = 50   // would cancel nearly every non-take-or-pay contract each month
        let m = try simulate(s)
        var billed = 0.0
        for l in m.leases where l.provider == 0 {
            let end = min(l.end, m.monthStart[12])
            billed += Double(l.units) * l.price * (end - l.start) * 24
            if l.end < m.monthStart[12] { #expect(!l.active) }
        }
        let revenue = m.firmRecords[0].reduce(0) { $0 + $1.revenue }
        let fees = m.firmRecords[0].reduce(0) { $0 + $1.cancelFees }
        #expect(fees == 0)
        #expect(abs(revenue - billed) <= 1e-6 * billed)
    }

    @Test func aDefaultStopsPaymentsAndBooksTheClaim() throws {
        var s = duopoly(priceA: 20, priceB: 20, months: 12)
        s.segments[0].takeOrPayShare = 1
        s.segments[0].termMonths = .constant(value: 24)
        s.segments[0].defaultHazard = 0.3
        s.segments[0].recoveryRate = 0.4
        let m = try simulate(s)
        let defaulted = m.leases.filter { !$0.active && $0.end > m.monthStart[12] }
        #expect(defaulted.count > 10)
        for l in defaulted {
            // billed only until the close at which it defaulted
            #expect(l.billedUntil < l.end)
            #expect(m.monthStart.contains(l.billedUntil))
        }
        var claims = 0.0, recovered = 0.0
        for rows in m.firmRecords { for r in rows { claims += r.claimsBooked; recovered += r.claimsRecovered } }
        var expected = 0.0
        for l in defaulted { expected += Double(l.units) * l.price * (l.end - l.billedUntil) * 24 }
        #expect(abs(claims - expected) <= 1e-6 * expected)
        #expect(abs(recovered - 0.4 * claims) <= 1e-6 * claims)
    }
}

@Suite struct CommonRandomNumberTests {
    @Test func changingOneFirmsPriceKeepsArrivalsAndTenantsInStep() throws {
        var base = randomScenario(seed: 3)
        base.providers[0].pricing = .fixed
        var variant = base
        variant.providers[0].initialPrices = [base.providers[0].fleet[0].tier: 1.0]
        let a = try simulate(base, seed: 99), b = try simulate(variant, seed: 99)
        for s in base.segments.ids {
            let ta = a.tenants.filter { $0.segment == s }, tb = b.tenants.filter { $0.segment == s }
            #expect(ta.count == tb.count && ta.count > 10)
            for (x, y) in zip(ta, tb) {
                #expect(x.arrivalDay == y.arrivalDay && x.key == y.key && x.units == y.units && x.termMonths == y.termMonths
                        && x.reservation == y.reservation && x.beta == y.beta && x.takeOrPay == y.takeOrPay)
            }
        }
        // …while the choices did change.
        #expect(a.leases.map(\.provider) != b.leases.map(\.provider))
    }

    @Test func addingAFirmShiftsNoTenant() throws {
        let base = randomScenario(seed: 5)
        var variant = base
        variant.providers.append(Fixtures.provider(name: "newcomer", units: 50, tier: 0, price: 5, visibility: 0.5))
        let a = try simulate(base, seed: 4), b = try simulate(variant, seed: 4)
        let n = min(a.tenants.count, b.tenants.count)
        #expect(n > 10)
        for k in 0..<n { #expect(a.tenants[k].key == b.tenants[k].key && a.tenants[k].arrivalDay == b.tenants[k].arrivalDay) }
    }
}

extension Distribution {
    var asTable: DiscreteTable {
        if case .discrete(let t) = self { return t }
        fatalError("not discrete")
    }
}
