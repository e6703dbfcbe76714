import CKeyedDraws
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

    /// The firm's visibility draw u_j in the round keyed `h`, one firm at a time.
    static func draw(_ h: KeyHasher, _ providerKey: UInt64) -> Double {
        Double(Market.considerationWord(seed: Market.considerationSeed(h), key: Market.considerationKey(providerKey))) * 0x1p-24
    }

    /// The set is drawn eight firms at a time, against thresholds that only let through firms that
    /// may enter: it must be exactly the set a scan of every firm, one at a time, keeps — the `max`
    /// smallest u_j/v_j among the firms with u_j < v_j. 150 firms (19 vectors, the last one part
    /// full) of visibilities from 0 to 1, bounds 1, 3, 8 and 200, 2,000 rounds each; some firms
    /// leave between rounds (the lanes are rebuilt without them).
    @Test func theVectorDrawKeepsWhatAScanOfEveryFirmKeeps() throws {
        var s = Self.market(considering: 8)
        s.providers = (0..<150).map { i in
            Fixtures.provider(name: "f\(i)", units: 10, price: 10, visibility: i % 10 == 0 ? 0 : Double(i % 7 + 1) / 7)
        }
        var m = Market(scenario: s, plan: SeedPlan(masterSeed: 9), replication: 0)
        m.beginMonth(0)
        var kept = 0
        for k in [1, 3, 8, 200] {
            for n in 0..<2000 {
                if n == 1000 {
                    // Some firms leave: the lanes follow the active firms.
                    m.activeIDs.removeAll { $0.index % 9 == 4 }
                    m.refreshConsiderationLanes()
                }
                var h = m.choiceBase
                h.mix(index: UInt64(k))
                h.mix(index: UInt64(n))
                m.consideration(h, max: k)
                let scan = m.activeIDs.compactMap { j -> (key: Double, firm: ProviderID)? in
                    let u = Self.draw(h, m.providerKey[j]), v = m.visibility[j]
                    return u < v ? (u / v, j) : nil
                }.sorted { ($0.key, $0.firm.index) < ($1.key, $1.firm.index) }.prefix(k)   // (ties: the earlier firm)
                #expect(m.considered.map(\.firm) == scan.map(\.firm), "bound \(k), round \(n)")
                #expect(m.considered.map(\.key) == scan.map(\.key), "bound \(k), round \(n)")
                kept += m.considered.count
            }
            m = Market(scenario: s, plan: SeedPlan(masterSeed: 9), replication: 0)
            m.beginMonth(0)
        }
        #expect(kept > 20_000)
    }

    /// The C scan behind the draw (`suanli_consideration_scan`) against a scalar scan of every
    /// position, on both instruction paths (AVX2 where this machine has it, and the baseline's),
    /// for any τ: τ = 2k/Σv as the market passes it, τ so small that the fall-back scan runs, τ
    /// of 0 and above 1. Positions nobody sees (v = 0), v = 1, bounds above the seen count, and
    /// lists that are not a multiple of eight are among the cases.
    @Test func theScanKeepsTheSameFirmsOnEveryPathWhateverTau() {
        var g = SplitMix64(seed: 21)
        func uniform() -> Double { Double(g.next() >> 11) * 0x1p-53 }
        var checked = 0
        for round in 0..<4000 {
            let n = [1, 5, 8, 9, 77, 264, 1003][round % 7]
            let k = 1 + round % 24
            let padded = (n + 7) / 8 * 8
            var keys = [UInt32](repeating: 0, count: padded), thresholds = [Float](repeating: 0, count: padded)
            var visibility = [Double](repeating: 0, count: n)
            for i in 0..<n {
                keys[i] = UInt32(truncatingIfNeeded: g.next())
                let v = i % 37 == 5 ? 0 : i % 41 == 7 ? 1 : 0.05 + 0.9 * uniform()
                visibility[i] = v
                thresholds[i] = Float(v * 0x1p24 * (1 + 0x1p-20))
            }
            let sum = visibility.reduce(0, +)
            let tau = [2 * Double(k) / sum, 0.01 * uniform(), 0, 1.5][round % 4]
            let seed = UInt32(truncatingIfNeeded: g.next())
            let reference = (0..<n).compactMap { i -> (key: Double, position: Int)? in
                let u = Double(Market.considerationWord(seed: seed, key: keys[i])) * 0x1p-24
                return u < visibility[i] ? (u / visibility[i], i) : nil
            }.sorted { ($0.key, $0.position) < ($1.key, $1.position) }.prefix(k)
            var scratch = [suanli_considered_t](repeating: suanli_considered_t(), count: n)
            for path in 0..<2 {
                var out = [suanli_considered_t](repeating: suanli_considered_t(), count: k)
                let count = Int(path == 0
                    ? suanli_consideration_scan(keys, thresholds, visibility, Int32(n), seed, Int32(k), tau, &scratch, &out)
                    : suanli_consideration_scan_baseline(keys, thresholds, visibility, Int32(n), seed, Int32(k), tau,
                                                         &scratch, &out))
                let kept = out.prefix(count).map { (key: $0.key, position: Int($0.position)) }
                #expect(kept.map(\.position) == reference.map(\.position), "round \(round), path \(path), τ \(tau)")
                #expect(kept.map(\.key) == reference.map(\.key), "round \(round), path \(path)")
                checked += count
            }
        }
        #expect(checked > 50_000)
    }

    /// A bound at least the number of firms keeps every firm a tenant sees (u_j < v_j, the keyed
    /// uniform of the round and the firm): each firm is in the set in a share v_j of the rounds, the
    /// arrival's law without a bound. Each share is checked against v_j with its 99.9% binomial
    /// interval (z = 3.29) over 4,000 rounds; a tight bound keeps at most its number.
    @Test func aBoundNoTighterThanTheMarketKeepsEveryFirmSeen() throws {
        var m = Market(scenario: Self.market(considering: 6), plan: SeedPlan(masterSeed: 4), replication: 0)
        m.beginMonth(0)
        let rounds = 4000
        var counts = [Double](repeating: 0, count: m.providers.count)
        for n in 0..<rounds {
            var h = m.choiceBase
            h.mix(index: 7)
            h.mix(index: UInt64(n))
            m.consideration(h, max: 6)
            let seen = m.activeIDs.filter { Self.draw(h, m.providerKey[$0]) < m.visibility[$0] }
            #expect(Set(m.considered.map(\.firm)) == Set(seen), "round \(n): kept \(m.considered.map(\.firm)), seen \(seen)")
            for c in m.considered { counts[c.firm.index] += 1 }
            m.consideration(h, max: 1)
            #expect(m.considered.count <= 1)
        }
        for j in m.providers.indices {
            let v = m.visibility[j], share = counts[j.index] / Double(rounds)
            let half = 3.29 * (v * (1 - v) / Double(rounds)).squareRoot()
            #expect(abs(share - v) <= half, "firm \(j): considered in \(share) of rounds, v = \(v)")
        }
        // A bound that binds changes who signs.
        let free = try simulate(Self.market(considering: 6), seed: 4)
        let tight = try simulate(Self.market(considering: 1), seed: 4)
        #expect(free.leases.count > 100)
        #expect(free.leases.map(\.provider) != tight.leases.map(\.provider))
    }

    /// A waiting tenant keeps the set it began to wait with and retries only when a firm in it
    /// frees units: units freed elsewhere leave it waiting; units freed at a firm of its set sign it
    /// (no outside option, so a quote within its reservation price signs).
    @Test func aWaitingTenantRetriesOnlyWhenAFirmInItsSetFreesUnits() throws {
        var s = Self.market(considering: 2)
        s.segments[0] = Fixtures.segment(rate: 600, term: .constant(value: 1), reservation: .constant(value: 30),
                                         beta: .constant(value: 4), wait: .constant(value: 30), outside: false)
        var checked = 0
        for seed in UInt64(1)...20 {
            var m = Market(scenario: s, plan: SeedPlan(masterSeed: seed), replication: 0)
            m.beginMonth(0)
            var calendar = EventCalendar<MarketEvent>(startTime: 1)
            for j in m.providers.indices { m.providers[j].changeLeased(tier: 0, by: m.providers[j].capacity(0), at: 1) }
            let i = m.newTenant(segment: 0, at: 1)
            m.tenantEnters(i, at: 1, calendar: &calendar)
            let set = try #require(m.waitSets[i], "the tenant waits with its set")
            #expect(m.tenants[i].waitHandle != nil)
            #expect(set.count <= 2)
            guard let outside = m.providers.indices.first(where: { !set.contains($0) }), let inside = set.first else { continue }
            let leases = m.leases.count
            m.providers[outside].changeLeased(tier: 0, by: -1, at: 2)
            m.retryWaiting(freedBy: outside, at: 2, calendar: &calendar)
            #expect(m.leases.count == leases, "units freed outside its set: no retry")
            #expect(m.tenants[i].waitHandle != nil)
            m.providers[inside].changeLeased(tier: 0, by: -1, at: 3)
            m.retryWaiting(freedBy: inside, at: 3, calendar: &calendar)
            #expect(m.leases.count == leases + 1, "units freed in its set: it signs")
            #expect(m.leases.last?.provider == inside)
            #expect(m.tenants[i].waitHandle == nil && m.waitSets[i] == nil)
            checked += 1
        }
        #expect(checked >= 10, "tenants that saw some firm: \(checked)")
    }
}
