import CGSL
import Foundation
import Testing
@testable import Stochastics

/// Goodness of fit at the 0.1% level: Kolmogorov–Smirnov against `.cdf` for continuous
/// distributions (the only test for the heavy tails, whose variance or fourth moment is
/// infinite), chi-square against the weights / pmf for the discrete ones.
/// Seeds were fixed when the tables were written (0x0C5_0001, … and 0xC41_0001, … in order).
@Suite("Distribution goodness of fit")
struct DistributionFitTests {
    static let ksSampleSize = 20_000
    static let chiSquareSampleSize = 100_000

    static let ksCases: [MomentCase] = [
        // Heavy tails: Pareto with shape ≤ 4 (fourth moment infinite), lognormal with sigma ≥ 1.5.
        MomentCase(.pareto(shape: 1.5, scale: 1), seed: 0x0C5_0001),
        MomentCase(.pareto(shape: 2.5, scale: 3), seed: 0x0C5_0002),
        MomentCase(.pareto(shape: 4, scale: 0.5), seed: 0x0C5_0003),
        MomentCase(.pareto(shape: 0.8, scale: 2), seed: 0x0C5_0004),           // not even a mean
        MomentCase(.lognormal(mu: 0, sigma: 1.5), seed: 0x0C5_0005),
        MomentCase(.lognormal(mu: 2, sigma: 2.5), seed: 0x0C5_0006),
        MomentCase(.lognormal(mu: -1, sigma: 6), seed: 0x0C5_0007),
        // Lighter tails.
        MomentCase(.gamma(shape: 0.1, scale: 1), seed: 0x0C5_0008),
        MomentCase(.gamma(shape: 0.5, scale: 2), seed: 0x0C5_0009),
        MomentCase(.gamma(shape: 2, scale: 30), seed: 0x0C5_000A),
        MomentCase(.weibull(scale: 2, shape: 0.7), seed: 0x0C5_000B),
        MomentCase(.weibull(scale: 10, shape: 3.5), seed: 0x0C5_000C),
        MomentCase(.truncatedNormal(mean: 0, sd: 1, min: -1, max: 2), seed: 0x0C5_000D),
        MomentCase(.truncatedNormal(mean: 5, sd: 2, min: 7, max: 12), seed: 0x0C5_000E),
        MomentCase(.truncatedNormal(mean: 0, sd: 1, min: 6, max: 9), seed: 0x0C5_000F),
        MomentCase(.truncatedNormal(mean: 0, sd: 1, min: -9, max: -6), seed: 0x0C5_0010),
        MomentCase(.truncatedNormal(mean: 100, sd: 5, min: 200, max: 201), seed: 0x0C5_0011),  // 20 sd out
        MomentCase(.empirical(x: [0, 1, 3, 10], cdf: [0, 0.2, 0.7, 1]), seed: 0x0C5_0012),
        MomentCase(.empirical(x: [-1, 0, 1, 2], cdf: [0, 0.5, 0.5, 1]), seed: 0x0C5_0013),
        MomentCase(.exponential(mean: 3), seed: 0x0C5_0014),
        MomentCase(.uniform(min: -2, max: 5), seed: 0x0C5_0015),
        MomentCase(.normal(mean: 10, sd: 2), seed: 0x0C5_0016),
        MomentCase(.beta(a: 0.5, b: 0.5), seed: 0x0C5_0017),
        MomentCase(.beta(a: 2, b: 5), seed: 0x0C5_0018),
    ]

    @Test("Kolmogorov–Smirnov against .cdf at the 0.1% critical value", arguments: ksCases)
    func kolmogorovSmirnov(_ c: MomentCase) throws {
        let d = c.distribution
        let xs = draw(d, n: Self.ksSampleSize, seed: c.seed)
        // The CDF must be a probability everywhere it is evaluated.
        for x in xs.prefix(2_000) {
            let f = try #require(d.cdf(x))
            #expect(f >= 0 && f <= 1, "cdf(\(x)) = \(f)")
            if !(f >= 0 && f <= 1) { return }
        }
        let D = Stats.kolmogorovSmirnov(xs) { d.cdf($0)! }
        let critical = Stats.kolmogorovSmirnovCritical(n: xs.count, alpha: Confidence.alpha)
        let critical95 = Stats.kolmogorovSmirnovCritical(n: xs.count, alpha: 0.05)
        verbose("KS \(c.testDescription): D = \(g(D, 4)), 5% crit \(g(critical95, 4)), 0.1% crit \(g(critical, 4))")
        #expect(D <= critical, "D = \(D) > \(critical) (0.1%); 5% critical value \(critical95)")
    }

    /// Chi-square statistic and its 0.1% critical value over bins with expected counts `expected`.
    static func chiSquare(observed: [Int], expected: [Double]) -> (statistic: Double, critical: Double, critical95: Double) {
        precondition(observed.count == expected.count && expected.count >= 2)
        var x2 = 0.0
        for (o, e) in zip(observed, expected) { x2 += (Double(o) - e) * (Double(o) - e) / e }
        let dof = Double(expected.count - 1)
        return (x2, gsl_cdf_chisq_Qinv(Confidence.alpha, dof), gsl_cdf_chisq_Qinv(0.05, dof))
    }

    struct DiscreteCase: Sendable, CustomTestStringConvertible {
        let values: [Double]
        let weights: [Double]
        let seed: UInt64
        var testDescription: String { "values \(values) weights \(weights)" }
    }

    static let discreteCases: [DiscreteCase] = [
        DiscreteCase(values: [1, 2, 3, 5, 8], weights: [1, 2, 3, 2.5, 1.5], seed: 0xC41_0001),
        DiscreteCase(values: [10, 20, 30, 40], weights: [0, 5, 0, 1], seed: 0xC41_0002),       // zero weights
        DiscreteCase(values: (0..<50).map(Double.init), weights: (0..<50).map { Double(($0 + 5) * ($0 + 5)) },
                     seed: 0xC41_0003),
        DiscreteCase(values: [-0.5, 0.25], weights: [1e-3, 1], seed: 0xC41_0004),             // a rare value
        DiscreteCase(values: [42], weights: [3], seed: 0xC41_0005),                           // a single value
    ]

    @Test("discrete frequencies match the weights (chi-square at 0.1%)", arguments: discreteCases)
    func discreteFrequencies(_ c: DiscreteCase) throws {
        let d = try Distribution.make("discrete", ["values": .list(c.values), "weights": .list(c.weights)])
        let index = Dictionary(uniqueKeysWithValues: c.values.enumerated().map { ($1, $0) })
        var counts = [Int](repeating: 0, count: c.values.count)
        let s = RandomStream(seed: c.seed)
        let n = Self.chiSquareSampleSize
        for _ in 0..<n {
            let v = d.sample(s)
            let i = try #require(index[v], "drew \(v), not one of the values")
            counts[i] += 1
        }
        let total = c.weights.reduce(0, +)
        // Zero weights are never drawn; the other bins enter the chi-square test.
        var observed = [Int](), expected = [Double]()
        for (i, w) in c.weights.enumerated() {
            if w == 0 {
                #expect(counts[i] == 0, "value \(c.values[i]) has weight 0 but was drawn \(counts[i]) times")
            } else {
                observed.append(counts[i])
                expected.append(Double(n) * w / total)
            }
        }
        guard observed.count >= 2 else {
            #expect(observed == [n])
            return
        }
        #expect(expected.allSatisfy { $0 >= 5 }, "every bin needs an expected count ≥ 5")
        let r = Self.chiSquare(observed: observed, expected: expected)
        verbose("chi2 discrete \(c.values.count) values: X² = \(g(r.statistic, 4)), 5% crit \(g(r.critical95, 4)), 0.1% crit \(g(r.critical, 4))")
        #expect(r.statistic <= r.critical, "X² = \(r.statistic) > \(r.critical) (0.1%); 5% critical value \(r.critical95)")
    }

    static let countingCases: [MomentCase] = [
        MomentCase(.poisson(mean: 4), seed: 0xC41_0006),
        MomentCase(.poisson(mean: 250), seed: 0xC41_0007),
        MomentCase(.binomial(n: 20, p: 0.3), seed: 0xC41_0008),
        MomentCase(.negativeBinomial(n: 2.5, p: 0.4), seed: 0xC41_0009),
    ]

    /// The counting distributions against their pmfs (differences of `.cdf`), with sparse bins
    /// pooled so that every bin expects at least 5 draws; this ties the sampler to `.cdf`.
    @Test("counting distributions match their pmf (chi-square at 0.1%)", arguments: countingCases)
    func countingFrequencies(_ c: MomentCase) throws {
        let d = c.distribution
        let n = Self.chiSquareSampleSize
        let xs = draw(d, n: n, seed: c.seed)
        #expect(xs.allSatisfy { $0 >= 0 && $0.rounded() == $0 })
        // Bins (upper[i-1], upper[i]] and a last open bin (upper.last, ∞): k joins the current
        // bin until it expects ≥ 5 draws, as long as the tail beyond still expects ≥ 5.
        var upper = [Int](), expected = [Double]()
        var prev = 0.0, k = 0
        while true {
            let f = try #require(d.cdf(Double(k)))
            if Double(n) * (1 - f) < 5 { break }
            if Double(n) * (f - prev) >= 5 {
                upper.append(k)
                expected.append(Double(n) * (f - prev))
                prev = f
            }
            k += 1
        }
        expected.append(Double(n) * (1 - prev))
        var observed = [Int](repeating: 0, count: expected.count)
        for x in xs {
            var b = 0
            while b < upper.count && x > Double(upper[b]) { b += 1 }
            observed[b] += 1
        }
        #expect(expected.allSatisfy { $0 >= 5 })
        let r = Self.chiSquare(observed: observed, expected: expected)
        verbose("chi2 \(c.testDescription): \(expected.count) bins, X² = \(g(r.statistic, 4)), 5% crit \(g(r.critical95, 4)), 0.1% crit \(g(r.critical, 4))")
        #expect(r.statistic <= r.critical, "X² = \(r.statistic) > \(r.critical) (0.1%); 5% critical value \(r.critical95)")
    }

    @Test("discrete has no cdf; cdf is total on NaN and far beyond the support")
    func cdfEdges() throws {
        let d = try Distribution.make("discrete", ["values": .list([1, 2]), "weights": .list([1, 1])])
        #expect(d.cdf(1.5) == nil)
        // Counting CDFs convert x to UInt32: huge x must clamp, not trap.
        #expect(Distribution.poisson(mean: 4).cdf(1e10) == 1)
        #expect(Distribution.binomial(n: 10, p: 0.5).cdf(1e12) == 1)
        #expect(Distribution.negativeBinomial(n: 2, p: 0.5).cdf(1e12) == 1)
        #expect(Distribution.poisson(mean: 4).cdf(-1) == 0)
        #expect(Distribution.poisson(mean: 4).cdf(2.7) == Distribution.poisson(mean: 4).cdf(2))
        for dist in [Distribution.poisson(mean: 4), .binomial(n: 10, p: 0.5), .negativeBinomial(n: 2, p: 0.5),
                     .gamma(shape: 2, scale: 1), .empirical(x: [0, 1], cdf: [0, 1]), .truncatedNormal(mean: 0, sd: 1, min: -1, max: 1)] {
            #expect(try #require(dist.cdf(.nan)).isNaN, "\(dist.name).cdf(nan)")
        }
    }

    @Test("truncated normal cdf keeps precision in the far tails (quadrature reference)")
    func truncatedNormalTailCDF() throws {
        for (m, s, lo, hi) in [(0.0, 1.0, 6.0, 9.0), (0.0, 1.0, -9.0, -6.0), (100.0, 5.0, 200.0, 201.0), (0.0, 1.0, -1.0, 2.0)] {
            let d = Distribution.truncatedNormal(mean: m, sd: s, min: lo, max: hi)
            let anchor = Swift.min(Swift.max(m, lo), hi), za = (anchor - m) / s
            let f: (Double) -> Double = { x in let z = (x - m) / s; return exp(-(z * z - za * za) / 2) }
            let mass = simpson(lo, hi, f)
            for t in [0.1, 0.3, 0.5, 0.9] {
                let x = lo + t * (hi - lo)
                let ref = simpson(lo, x, f) / mass
                let got = try #require(d.cdf(x))
                #expect(abs(got - ref) < 1e-9, "truncnormal(\(m), \(s), [\(lo), \(hi)]).cdf(\(x)) = \(got), quadrature \(ref)")
            }
        }
    }

    @Test("KS statistic is NaN, not 0, when the CDF returns NaN")
    func ksNaN() {
        #expect(Stats.kolmogorovSmirnov([0.1, 0.5, 0.9]) { _ in .nan }.isNaN)
    }
}
