import Testing
@testable import MarketModel
import Stochastics

/// Effective performance by workload: training tenants match tiers by effective TFLOPS,
/// inference tenants by memory bandwidth and by memory to hold their model.
@Suite struct WorkloadTests {
    /// H100-class, H20 and a domestic tier with the vendors' memory and bandwidth figures.
    static let tiers: [HardwareTier] = {
        var h100 = Fixtures.h100
        h100.memoryGB = 80
        h100.bandwidthTBs = 3.35
        var h20 = HardwareTier(name: "h20", tflops: 148, eta: 1, portingPenalty: 0, powerKW: 0.6, purchaseCost: 110_000,
                               lifeYears: 5, physicalLifeYears: 7, usedDecline: 0.2, referencePrice: 9)
        h20.memoryGB = 96
        h20.bandwidthTBs = 4.0
        var domestic = Fixtures.domestic
        domestic.memoryGB = 64
        domestic.bandwidthTBs = 1.6
        return [h100, h20, domestic]
    }()

    @Test func trainingMatchesByEffectiveFlopsAndInferenceByBandwidthAndMemory() {
        let t = Self.tiers
        // Training: an H100 is worth 989/148 ≈ 6.7 H20s, as before.
        #expect(Market.substitutionRatio(t[0], t[1], for: .training) == 989.0 / 148)
        // Inference: an H20 is worth 4.0/3.35 ≈ 1.19 H100s by bandwidth and 96/80 = 1.2 by memory: the larger.
        #expect(Market.substitutionRatio(t[1], t[0], for: .inference) == 96.0 / 80)
        // The domestic tier's η lowers its training worth, not its bandwidth: 4.0/1.6 = 2.5 (memory 1.5).
        #expect(Market.substitutionRatio(t[1], t[2], for: .inference) == 2.5)
        #expect(Market.substitutionRatio(t[1], t[2], for: .training) == 148.0 / (376 * 0.6))
    }

    /// A segment that wants H20s and accepts H100s, served by one firm that holds only H100s.
    func market(_ workload: Workload) -> Scenario {
        var s = Scenario(name: "workload", start: YearMonth(year: 2024, month: 1), horizonMonths: 6, currency: "CNY",
                         tiers: Self.tiers, regions: [Fixtures.region],
                         segments: [Fixtures.segment(rate: 120, tier: 1, substitutes: [0], units: .constant(value: 8),
                                                     term: .constant(value: 1))],
                         providers: [Fixtures.provider(name: "h100-cloud", units: 2000, tier: 0, price: 20)])
        s.segments[0].workload = workload
        return s
    }

    @Test func anInferenceTenantLeasesTheH100sThatMatchItsH20s() throws {
        for (workload, units) in [(Workload.inference, 10), (.training, 2)] {
            let m = try simulate(market(workload))
            let leased = m.leases.filter { if case .tenant = $0.lessee { true } else { false } }
            #expect(!leased.isEmpty)
            // 8 H20s: ⌈8·1.2⌉ = 10 H100s for inference, ⌈8·148/989⌉ = 2 for training.
            #expect(leased.allSatisfy { $0.units == units && $0.tier == 0 }, "\(workload)")
        }
    }
}
