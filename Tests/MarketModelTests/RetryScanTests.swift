import Foundation
import Testing
@testable import MarketModel
import Stochastics

/// The retries' bounds on free units and prices (``Market/scanFreeUnits()``) are kept between lease
/// ends by updating them with the firms whose free units may have grown, not rescanned at each one.
/// Looser bounds may only change the work, never the market: the same run with a full scan before
/// every pass of retries must give the same records, lease for lease.
@Suite struct RetryScanTests {
    /// Four owners at different fixed or adaptive prices, short leases and tenants who wait: units
    /// free up all month, and many waiting tenants are priced out by some firms and not others.
    static func busyMarket(pricing: PricingPolicy) -> Scenario {
        var s = Scenario(name: "retries", start: YearMonth(year: 2024, month: 1), horizonMonths: 12, currency: "CNY",
                         tiers: [Fixtures.h100], regions: [Fixtures.region],
                         segments: [Fixtures.segment(rate: 900, units: .uniform(min: 1, max: 12), term: .exponential(mean: 1.5),
                                                     reservation: .uniform(min: 10, max: 40), beta: .constant(value: 4),
                                                     wait: .uniform(min: 0, max: 25), renew: 0, outside: true)],
                         providers: [Fixtures.provider(name: "a", units: 120, price: 14, pricing: pricing),
                                     Fixtures.provider(name: "b", units: 90, price: 21, pricing: pricing),
                                     Fixtures.provider(name: "c", units: 150, price: 27, pricing: pricing),
                                     Fixtures.provider(name: "d", units: 60, price: 36, pricing: pricing)])
        s.contracts.cancelHazard = 0.2
        return s
    }

    static func run(_ s: Scenario, seed: UInt64, rescanEveryRetry: Bool) throws -> Market {
        var m = Market(scenario: s, plan: SeedPlan(masterSeed: seed), replication: 0)
        m.rescanEveryRetry = rescanEveryRetry
        _ = try m.simulate()
        return m
    }

    @Test(arguments: [PricingPolicy.fixed, .adaptive])
    func keptBoundsGiveTheMarketOfAFullScan(pricing: PricingPolicy) throws {
        let s = Self.busyMarket(pricing: pricing)
        for seed: UInt64 in [3, 11] {
            let kept = try Self.run(s, seed: seed, rescanEveryRetry: false)
            let full = try Self.run(s, seed: seed, rescanEveryRetry: true)
            // The test is only worth something if tenants waited and signed on a retry (no renewals
            // and no exits here: a lease that starts after its tenant arrived was signed on one).
            let signedLate = kept.leases.filter { lease in
                guard case .tenant(let i) = lease.lessee else { return false }
                return lease.start > kept.tenants[i].arrivalDay + 1e-9 && kept.tenants[i].maxWaitDays > 0
            }.count
            #expect(signedLate > 50)
            // (Compared as flags, so that a failure names what differs without printing every record.)
            let sameFirmMonths = kept.firmRecords.values == full.firmRecords.values
            let sameMarketMonths = kept.marketRecords == full.marketRecords
            let sameLeases = kept.leases.count == full.leases.count && zip(kept.leases, full.leases).allSatisfy {
                $0.provider == $1.provider && $0.tier == $1.tier && $0.start == $1.start && $0.units == $1.units && $0.price == $1.price
            }
            let sameRounds = kept.tenants.map(\.round) == full.tenants.map(\.round)
            #expect(sameFirmMonths, "seed \(seed)")
            #expect(sameMarketMonths, "seed \(seed)")
            #expect(sameLeases, "seed \(seed): \(kept.leases.count) and \(full.leases.count) leases")
            #expect(sameRounds, "seed \(seed)")
        }
    }
}
