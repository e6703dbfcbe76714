import Foundation
import Testing
@testable import MarketModel
import ScenarioModule
import Stochastics

/// Prices emerge from capacity: the adaptive rule's Bertrand–Edgeworth step (docs/MODEL.md 5.8) and
/// `Scenarios/overbuild-price-war.yaml`, whose rent collapse must come from the capacity it adds,
/// with every firm pricing by the adaptive rule.
@Suite struct PriceWarTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func load(_ file: String, _ overrides: [String] = []) throws -> ScenarioDocument {
        try ScenarioLoader.load(path: root.appendingPathComponent("Scenarios/" + file).path, overrides: overrides)
    }

    /// The price index of every named tier in month `month` of one replication.
    static func index(_ r: ReplicationResult, tiers: [Int], month: Int) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for row in r.marketMonths where row.month == month { if let t = row.tier, tiers.contains(t) { out[t] = row.priceIndex } }
        return out
    }

    /// The distribution-free confidence interval of a median: with x_(1) ≤ … ≤ x_(n), the interval
    /// [x_(k), x_(n−k+1)] covers the median with probability 1 − 2·P(Bin(n, ½) < k); k is the largest
    /// rank that keeps the coverage at least `level`. Returns the median, the interval and its coverage.
    static func medianInterval(_ xs: [Double], level: Double = 0.95) -> (median: Double, low: Double, high: Double, coverage: Double) {
        let s = xs.sorted(), n = s.count
        let median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
        // P(Bin(n, ½) = i) by the recurrence C(n, i + 1) = C(n, i)·(n − i)/(i + 1), in logs to stay finite.
        var below = 0.0, k = 0, logTerm = -Double(n) * log(2.0)
        for i in 0..<n {
            let p = exp(logTerm)
            if 2 * (below + p) > 1 - level { break }
            below += p
            k = i + 1
            logTerm += log(Double(n - i)) - log(Double(i + 1))
        }
        guard k >= 1 else { return (median, s[0], s[n - 1], 1) }
        return (median, s[k - 1], s[n - k], 1 - 2 * below)
    }

    /// The order-statistic interval itself: for n = 60 it is [x_(22), x_(39)] with coverage 0.973
    /// (tables of the sign test), and it always holds the median.
    @Test func theMediansIntervalIsTheSignTestsOrderStatistics() {
        let xs = (1...60).map(Double.init)
        let ci = Self.medianInterval(xs)
        #expect(ci.low == 22 && ci.high == 39 && abs(ci.coverage - 0.9727) < 1e-3, "\(ci)")
        let small = Self.medianInterval([3, 1, 2, 5, 4])
        #expect(small.median == 3 && small.low == 1 && small.high == 5)
    }

    /// `overbuild-price-war` against `baseline`, replication by replication at the same seed (common
    /// random numbers): in 2025-06 the price war's rent index over the baseline's, for the tiers the
    /// price war overbuilds (the H800s ordered at the 2023 peak and grey imports; the domestic 910B
    /// the newcomers buy). For at least one of them the median ratio is at most 0.7 — and so is the
    /// upper end of its 95% distribution-free interval, so a median near 0.7 by chance cannot pass.
    /// Measured (seed 1, 100 pairs, after the baseline took in the 2023 peak's 256 H800s and the price war
    /// doubled them, with entry on expected returns): h800 median 0.638, 95% interval [0.624, 0.663];
    /// ascend-910b 0.81 [0.80, 0.82]. Before those changes (issue 14's bans, data centres and
    /// substitutes): h800 0.654 [0.621, 0.687] at seed 1, 0.667 [0.627, 0.701] at seed 2 and 0.699
    /// [0.665, 0.729] at seed 3.
    /// It fails without the adaptive rule's Bertrand–Edgeworth step (`pricing.rival_weight=0`: h800
    /// 0.74 [0.73, 0.76], from the added capacity alone), and failed before issue 13 (every
    /// `undercut` removed, the ratio was ≈ 1.0). About 5 s in release.
    @Test func theOverbuildCollapsesRentsWithAdaptivePricing() throws {
        let war = try Self.load("overbuild-price-war.yaml"), base = try Self.load("baseline.yaml")
        // No firm and no entrant template of the price war is told to undercut: the collapse must emerge.
        let s0 = war.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s0.providers.allSatisfy { $0.pricing != .undercut } && s0.entrants.allSatisfy { $0.provider.pricing != .undercut })
        let tiers = try ["h800", "ascend-910b"].map { name in try #require(war.tierNames.firstIndex(of: name)) }
        #expect(tiers.allSatisfy { base.tierNames.firstIndex(of: war.tierNames[$0]) == $0 })
        let month = YearMonth(year: 2025, month: 6).ordinal - s0.start.ordinal
        let plan = SeedPlan(masterSeed: 1)
        let replications = 100
        var ratios: [Int: [Double]] = [:]
        var baseH800: [Double] = [], baseH800Start: [Double] = []
        for rep in 0..<replications {
            let a = base.instantiate(replication: rep, plan: plan).scenario
            let b = war.instantiate(replication: rep, plan: plan).scenario
            let ra = try MarketReplication.run(a, plan: plan, replication: rep)
            let rb = try MarketReplication.run(b, plan: plan, replication: rep)
            let ia = Self.index(ra, tiers: tiers, month: month), ib = Self.index(rb, tiers: tiers, month: month)
            for t in tiers {
                let x = try #require(ia[t]), y = try #require(ib[t])
                ratios[t, default: []].append(y / x)
            }
            baseH800.append(ia[tiers[0]]!)
            baseH800Start.append(try #require(Self.index(ra, tiers: tiers, month: 0)[tiers[0]]))
        }
        var report: [String] = []
        var collapsed = false
        for t in tiers {
            let ci = Self.medianInterval(ratios[t]!)
            report.append("\(war.tierNames[t]): median \(ci.median), 95% interval [\(ci.low), \(ci.high)] (coverage \(ci.coverage))")
            if ci.median <= 0.7 && ci.high <= 0.7 { collapsed = true }
        }
        #expect(collapsed, "price war / baseline rent index in 2025-06, paired by replication: \(report.joined(separator: "; "))")
        // The baseline keeps its H800 rents without an overbuild: the median index in 2025-06 is above
        // half its 2024-01 value (measured: 0.64 of it; 0.81 with `rival_weight` 0).
        let keep = Self.medianInterval(zip(baseH800, baseH800Start).map { $0 / $1 }).median
        #expect(keep > 0.5, "baseline H800 index 2025-06 / 2024-01: median \(keep)")
    }

    /// Two idle owners of one tier (no tenants at all): the dearer one moves to (1 − ε) × the cheaper
    /// one's price, whose spare units cover its whole target book (θ = 1); the cheaper one, with no
    /// cheaper rival, only follows its own utilisation and the index. With `rival_weight` 0 both follow
    /// the old rule alone.
    @Test func anIdleFirmMovesBelowACheaperRivalWithSpareUnits() throws {
        func run(rivalWeight: Double) throws -> (dear: Double, cheap: Double) {
            var s = Scenario(name: "edgeworth", start: YearMonth(year: 2024, month: 1), horizonMonths: 3, currency: "CNY",
                             tiers: [Fixtures.h100], regions: [Fixtures.region],
                             segments: [Fixtures.segment(rate: 1e-6)],
                             providers: [Fixtures.provider(name: "dear", units: 100, price: 40, pricing: .adaptive, softBudget: false),
                                         Fixtures.provider(name: "cheap", units: 100, price: 30, pricing: .adaptive, softBudget: false)])
            s.pricing.rivalWeight = rivalWeight
            let r = try MarketReplication.run(s, plan: SeedPlan(masterSeed: 1), replication: 0)
            // Month 1's row carries the prices set at month 0's close.
            let price = { (firm: Int) in r.firmMonths.first { $0.firm == firm && $0.month == 1 }?.listPrice[0] ?? nil }
            return (try #require(price(0)), try #require(price(1)))
        }
        let pr = PricingParameters()
        let index = 35.0   // capacity-weighted: (100·40 + 100·30)/200
        let step = exp(pr.kU * (0 - pr.targetUtilisation))
        let plain = (dear: (1 - pr.indexWeight) * 40 * step + pr.indexWeight * index,
                     cheap: (1 - pr.indexWeight) * 30 * step + pr.indexWeight * index)
        let on = try run(rivalWeight: 1), off = try run(rivalWeight: 0)
        #expect(abs(off.dear - plain.dear) < 1e-9 && abs(off.cheap - plain.cheap) < 1e-9, "\(off) against \(plain)")
        #expect(abs(on.dear - (1 - pr.rivalDiscount) * 30) < 1e-9, "\(on)")
        #expect(abs(on.cheap - plain.cheap) < 1e-9, "\(on)")
    }
}
