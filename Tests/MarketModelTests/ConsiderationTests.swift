import Foundation
@testable import MarketModel
import SimKernel
import Stochastics
import Testing

/// Tenants who consider at most `pricing.consideration_max` providers (issue 15): the choice is
/// the logit over the considered set and the outside option, and a bound no tighter than the
/// market is today's model.
@Suite struct ConsiderationTests {
    /// Six owners of one tier at prices 10…20, seen with probability about 0.88 each, and tenants
    /// of one unit for one month with reservation 30, β = 4 and an outside option.
    static func market(considering k: Int?) -> Scenario {
        let prices = [10.0, 12, 14, 16, 18, 20]
        var s = Scenario(name: "consideration", start: YearMonth(year: 2024, month: 1), horizonMonths: 12, currency: "CNY",
                         tiers: [Fixtures.h100], regions: [Fixtures.region],
                         segments: [Fixtures.segment(rate: 600, term: .constant(value: 1), reservation: .constant(value: 30),
                                                     beta: .constant(value: 4), outside: true)],
                         providers: prices.enumerated().map { i, p in
                             Fixtures.provider(name: "firm\(i)", units: 100, price: p, softBudget: false, visibility: 0.8)
                         })
        s.pricing.considerationMax = k
        s.contracts.cancelHazard = 0
        s.contracts.cancelHazardSlope = 0
        return s
    }

    /// One tenant asks 3,000 times (one round each, from the same market): the firm it signs with,
    /// or its walking away, against the logit over the set it considered that round,
    /// P(j) = e^{V_j}/(1 + Σ_{k in set} e^{V_k}), V_j = β(r − p_j)/r, the outside option's V_0 = 0.
    /// Expected counts sum each round's probabilities; with probabilities that vary by round the
    /// statistic Σ(O − E)²/E is stochastically at most χ²(6), so the 0.1% critical value 22.46 is
    /// conservative. Fixed seed. The set never exceeds the bound, and the firm signed is in it.
    @Test func theChoiceIsTheLogitOverTheConsideredSet() throws {
        let k = 3
        let s = Self.market(considering: k)
        var m = Market(scenario: s, plan: SeedPlan(masterSeed: 21), replication: 0)
        m.beginMonth(0)
        let i = m.newTenant(segment: 0, at: 1)
        let r = m.tenants[i].reservation, beta = m.tenants[i].beta
        let trials = 3000
        var observed = [Double](repeating: 0, count: 7), expected = [Double](repeating: 0, count: 7)
        var sizes = Set<Int>()
        for n in 0..<trials {
            var trial = m
            trial.tenants[i].round = UInt64(n)
            var h = trial.choiceBase
            h.mix(index: trial.tenants[i].key)
            h.mix(index: UInt64(n))
            trial.consideration(h, max: k)
            let set = trial.considered.map(\.firm)
            sizes.insert(set.count)
            #expect(set.count <= k)
            for j in set { trial.isConsidered[j] = false }
            var calendar = EventCalendar<MarketEvent>(startTime: 1)
            let leases = trial.leases.count
            let result = trial.chooseAndSign(i, at: 1, countRefused: true, calendar: &calendar)
            if result == .signed {
                let j = try #require(trial.leases.last?.provider)
                #expect(trial.leases.count == leases + 1 && set.contains(j), "signed with \(j) outside the set \(set)")
                observed[j.index] += 1
            } else {
                observed[6] += 1
            }
            let weights = set.map { exp(beta * (r - m.providers[$0].leasing.listPrice[0]) / r) }
            let total = 1 + weights.reduce(0, +)
            for (j, w) in zip(set, weights) { expected[j.index] += w / total }
            expected[6] += 1 / total
        }
        #expect(sizes.contains(k), "the bound should bind in some rounds: sizes \(sizes)")
        let chi2 = zip(observed, expected).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) / $1.1 }
        #expect(chi2 < 22.46, "χ² = \(chi2): observed \(observed), expected \(expected.map { ($0 * 10).rounded() / 10 })")
    }

    /// A bound at least the number of firms keeps every firm a tenant sees: the run is today's, lease by lease.
    @Test func aBoundNoTighterThanTheMarketIsTodaysModel() throws {
        let free = try simulate(Self.market(considering: nil), seed: 4)
        let bounded = try simulate(Self.market(considering: 6), seed: 4)
        #expect(free.leases.count > 100)
        #expect(free.leases.map(\.provider) == bounded.leases.map(\.provider))
        #expect(free.leases.map(\.start) == bounded.leases.map(\.start))
        // A bound that binds changes who signs.
        let tight = try simulate(Self.market(considering: 1), seed: 4)
        #expect(free.leases.map(\.provider) != tight.leases.map(\.provider))
    }
}
