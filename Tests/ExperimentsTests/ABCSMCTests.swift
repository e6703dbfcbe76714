// ABC-SMC as plain functions and a state machine, driven without the market model: the distance, the
// tolerance schedule (strictly decreasing through ties), weights and ESS, and whole calibrations of a
// toy Poisson model whose posterior is a known gamma, with one and with four runs per particle.

import Experiments
import Foundation
import Stochastics
import Testing

/// The weighted mean, sd and quantiles of a population, and its ESS.
struct PosteriorSummary {
    var mean: Double
    var sd: Double
    var ess: Double
    var quantiles: [Double: Double]

    init(_ xs: [Double], weights: [Double]) {
        let total = weights.reduce(0, +)
        mean = zip(xs, weights).reduce(0) { $0 + $1.0 * $1.1 } / total
        let m = mean
        sd = (zip(xs, weights).reduce(0) { $0 + ($1.0 - m) * ($1.0 - m) * $1.1 } / total).squareRoot()
        ess = ABCSMC.effectiveSampleSize(weights)
        quantiles = [:]
        for q in [0.05, 0.5, 0.95] { quantiles[q] = ABCSMC.weightedQuantile(xs, weights: weights, q) }
    }
}

/// The gamma posterior of a Poisson rate and the tolerances an ABC estimate of it must meet.
struct GammaPosterior {
    var shape: Double
    var scale: Double
    var distribution: Distribution { .gamma(shape: shape, scale: scale) }
    var mean: Double { shape * scale }
    var sd: Double { shape.squareRoot() * scale }

    /// The `q`-quantile, by bisection on GSL's CDF.
    func quantile(_ q: Double) -> Double {
        var lo = 0.0, hi = mean + 50 * sd
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if distribution.cdf(mid)! < q { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// z standard errors of the mean estimated from a weighted sample of effective size `ess`.
    func meanTolerance(ess: Double, z: Double) -> Double { z * sd / ess.squareRoot() }

    /// z standard errors of the `q`-quantile estimated from a weighted sample of effective size `ess`:
    /// √(q(1 − q)/ESS) / f(x_q).
    func quantileTolerance(_ q: Double, ess: Double, z: Double) -> Double {
        z * (q * (1 - q) / ess).squareRoot() / distribution.density(quantile(q))
    }

    /// z standard errors of the sd estimated from a weighted sample: sd / √(2 ESS) (normal approximation).
    func sdTolerance(ess: Double, z: Double) -> Double { z * sd / (2 * ess).squareRoot() }
}

/// A whole ABC-SMC calibration of the rate λ of Poisson counts over T = 1: observed count 20, distance
/// |count − 20|, to tolerance 0; each run's count drawn from its own keyed stream. With the flat prior
/// (the default) the posterior is gamma(21, 1) (truncated at 60, which holds all but 10⁻¹³ of it).
func toyPoissonCalibration(replications: Int, particles: Int, seed: UInt64,
                           prior: ABCSMC.Prior = ABCSMC.Prior(.uniform(min: 0, max: 60), lower: 0, upper: 60)) throws -> CalibrationEngine {
    let settings = CalibrationEngine.Settings(
        priors: [prior], particles: particles,
        replications: replications, budget: 5_000_000, minTolerance: 0, minAcceptance: 0, maxGenerations: 60,
        quantile: 0.5, seed: seed)
    var engine = CalibrationEngine(settings)
    let plan = SeedPlan(masterSeed: seed ^ 0xABC)
    while let batch = try engine.nextBatch() {
        let distances = batch.thetas.enumerated().map { j, theta in
            (0..<replications).map { r -> Double in
                let s = plan.stream(replication: r, kind: "toy", entity: "\(batch.generation) \(batch.first + j)")
                return abs(Double(s.poisson(mean: theta[0])) - 20)
            }
        }
        engine.apply(batch, distances: distances)
    }
    return engine
}

@Suite("ABC-SMC without the market model")
struct ABCSMCTests {
    @Test("The distance scales residuals by the observations' sd; a missing simulated value is infinitely far")
    func distance() {
        #expect(ABCSMC.distance(simulated: [3, 14], observed: [0, 10], sd: [1, 2]) == (9.0 + 4.0).squareRoot())
        #expect(ABCSMC.distance(simulated: [3, nil], observed: [3, 10], sd: [1, 2]) == .infinity)
        #expect(ABCSMC.distance(simulated: [.nan], observed: [3], sd: [1]) == .infinity)
        #expect(ABCSMC.likelihood([0, 1, 2, 3], tolerance: 1.5) == 0.5)
        #expect(ABCSMC.likelihood([7], tolerance: nil) == 1)
    }

    @Test("The next tolerance is the quantile, but strictly below the last one even when ties hold it there")
    func toleranceThroughTies() {
        func particle(_ d: [Double]) -> ABCSMC.Particle { ABCSMC.Particle(theta: [0], weight: 0.25, distances: d) }
        // Three of four particles sit exactly at the last tolerance: the median is 3, which would stall.
        let tied = [particle([3]), particle([3]), particle([3]), particle([1])]
        #expect(ABCSMC.nextTolerance(tied, previous: 3, quantile: 0.5) == 1)
        // A quantile below the last tolerance is taken as it is.
        let spread = [particle([0]), particle([1]), particle([2]), particle([3])]
        #expect(ABCSMC.nextTolerance(spread, previous: 3, quantile: 0.5) == 1)
        // Nothing below the last tolerance: it cannot decrease.
        #expect(ABCSMC.nextTolerance([particle([2]), particle([2])], previous: 2, quantile: 0.5) == nil)
        // With R runs a particle's runs within the last tolerance share its weight; those beyond it do not count.
        let runs = [ABCSMC.Particle(theta: [0], weight: 0.5, distances: [0, 9]), ABCSMC.Particle(theta: [0], weight: 0.5, distances: [2, 2])]
        #expect(ABCSMC.nextTolerance(runs, previous: 5, quantile: 0.5) == 0)
        // Generation 0 (no last tolerance): infinite distances do not make an infinite tolerance.
        let prior = [particle([.infinity]), particle([.infinity]), particle([.infinity]), particle([4])]
        #expect(ABCSMC.nextTolerance(prior, previous: nil, quantile: 0.5) == 4)
    }

    @Test("Weighted quantiles, normalised weights and Kish's effective sample size")
    func weightsAndESS() {
        #expect(ABCSMC.weightedQuantile([3, 1, 2], weights: [1, 1, 2], 0.5) == 2)
        #expect(ABCSMC.weightedQuantile([3, 1, 2], weights: [1, 1, 2], 0.2) == 1)
        let w = ABCSMC.normalise(logWeights: [0, log(3.0)])
        #expect(abs(w[0] - 0.25) < 1e-15 && abs(w[1] - 0.75) < 1e-15)
        #expect(ABCSMC.effectiveSampleSize([0.25, 0.25, 0.25, 0.25]) == 4)
        #expect(abs(ABCSMC.effectiveSampleSize([0.9, 0.1]) - 1 / 0.82) < 1e-12)
    }

    @Test("The prior's density is 0 outside its bounds, and draws respect them")
    func truncatedPrior() {
        let prior = [ABCSMC.Prior(.normal(mean: 0, sd: 1), lower: 0.5, upper: 2)]
        #expect(ABCSMC.logPrior([0.2], prior) == -.infinity)
        #expect(abs(ABCSMC.logPrior([1], prior) - log(Distribution.normal(mean: 0, sd: 1).density(1))) < 1e-12)
        let s = RandomStream(seed: 3)
        for _ in 0..<200 {
            let x = ABCSMC.samplePrior(prior, s)![0]
            #expect(x >= 0.5 && x <= 2)
        }
        #expect(ABCSMC.samplePrior([ABCSMC.Prior(.normal(mean: 0, sd: 1), lower: 40, upper: 41)], s, tries: 100) == nil)
    }

    @Test("The multivariate normal kernel: draws with the covariance given, and its density integrates as GSL's normal")
    func kernel() {
        let mvn = MultivariateNormal(covariance: [4, 1.2, 1.2, 1], dimension: 2, floor: [1e-12, 1e-12])
        let s = RandomStream(seed: 11)
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        let n = 40_000
        for _ in 0..<n {
            let x = mvn.sample(mean: [0, 0], s)
            sxx += x[0] * x[0]; syy += x[1] * x[1]; sxy += x[0] * x[1]
        }
        // Sample variances within 4 standard errors (Var of s² ≈ 2σ⁴/n; of the covariance ≈ (σx²σy² + σxy²)/n).
        #expect(abs(sxx / Double(n) - 4) < 4 * (2 * 16 / Double(n)).squareRoot())
        #expect(abs(syy / Double(n) - 1) < 4 * (2 / Double(n)).squareRoot())
        #expect(abs(sxy / Double(n) - 1.2) < 4 * ((4 + 1.44) / Double(n)).squareRoot())
        // Independent coordinates: the density is the product of the univariate normals.
        let diag = MultivariateNormal(covariance: [4, 0, 0, 1], dimension: 2, floor: [1e-12, 1e-12])
        let expected = log(Distribution.normal(mean: 0, sd: 2).density(1.3)) + log(Distribution.normal(mean: 0, sd: 1).density(-0.4))
        #expect(abs(diag.logDensity([1.3, -0.4], mean: [0, 0]) - expected) < 1e-12)
        // A singular covariance falls back to its diagonal with the floor.
        let flat = MultivariateNormal(covariance: [0, 0, 0, 1], dimension: 2, floor: [0.01, 0.01])
        #expect(flat.cholesky == [0.1, 0, 0, 1])
    }

    // A flat prior keeps the importance weights tame (ESS ≈ 0.9 N), so the ESS-derived standard errors
    // hold; with a steep prior they are heavy-tailed (see CalibrationRunTests and docs/MODEL.md).
    @Test("A toy Poisson calibration at tolerance 0 recovers the gamma posterior, with one run per particle and with four",
          arguments: [1, 4])
    func knownPosterior(replications: Int) throws {
        let engine = try toyPoissonCalibration(replications: replications, particles: 1000, seed: 7)
        #expect(engine.stop == .tolerance)
        let tolerances = engine.rows.compactMap(\.tolerance)
        #expect(tolerances.last == 0)
        #expect(zip(tolerances, tolerances.dropFirst()).allSatisfy { $0 > $1 }, "tolerances \(tolerances) are not strictly decreasing")
        let post = PosteriorSummary(engine.population.map { $0.theta[0] }, weights: engine.population.map(\.weight))
        let exact = GammaPosterior(shape: 21, scale: 1)
        let z = 3.29      // two-sided 99.9%
        #expect(abs(post.mean - exact.mean) <= exact.meanTolerance(ess: post.ess, z: z),
                "mean \(post.mean) vs \(exact.mean) (ESS \(post.ess))")
        // Accepting by the mean of R runs' distances would target the posterior of R observations, about
        // √R narrower; the pseudo-marginal share keeps the width of one.
        #expect(abs(post.sd - exact.sd) <= exact.sdTolerance(ess: post.ess, z: z), "sd \(post.sd) vs \(exact.sd)")
        for q in [0.05, 0.95] {
            #expect(abs(post.quantiles[q]! - exact.quantile(q)) <= exact.quantileTolerance(q, ess: post.ess, z: z),
                    "q\(q): \(post.quantiles[q]!) vs \(exact.quantile(q))")
        }
    }

    @Test("The same seed gives the same particles; another seed other ones")
    func deterministic() throws {
        let a = try toyPoissonCalibration(replications: 1, particles: 100, seed: 3)
        let b = try toyPoissonCalibration(replications: 1, particles: 100, seed: 3)
        let c = try toyPoissonCalibration(replications: 1, particles: 100, seed: 4)
        #expect(a.population == b.population && a.rows == b.rows)
        #expect(a.population != c.population)
    }

    @Test("The budget stops the engine between batches and keeps the last finished generation")
    func budget() throws {
        var engine = CalibrationEngine(CalibrationEngine.Settings(
            priors: [ABCSMC.Prior(.uniform(min: 0, max: 1))], particles: 10, replications: 2, budget: 50, minTolerance: 0,
            minAcceptance: 0, maxGenerations: 10, quantile: 0.5, seed: 1))
        var runs = 0
        while let batch = try engine.nextBatch() {
            runs += batch.thetas.count * 2
            engine.apply(batch, distances: batch.thetas.map { [abs($0[0] - 0.3), abs($0[0] - 0.3) + 0.01] })
        }
        #expect(engine.stop == .budget)
        #expect(runs <= 50 && engine.simulations == runs)
        #expect(engine.rows.count >= 1 && engine.population.count == 10)
        #expect(engine.rows.last!.cumulativeSimulations <= 50)
    }
}
