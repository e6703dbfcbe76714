import Foundation
import Stochastics

/// The steps of ABC-SMC (sequential Monte Carlo approximate Bayesian computation) as plain
/// functions of numbers: no scenario, no market, no files. ``Calibration`` drives them with the
/// market model; the tests drive them with toy models.
///
/// The method (Toni et al. 2009; Beaumont et al. 2009; Del Moral, Doucet & Jasra 2012):
/// generation 0 draws N particles from the prior and accepts them all; generation t ≥ 1 draws a
/// particle of generation t − 1 by weight, moves it with a multivariate normal kernel whose
/// covariance is twice the last population's weighted covariance (Beaumont et al. 2009), redraws
/// the move while the prior's density there is 0, simulates R runs, and accepts it when at least
/// one run lies within tolerance εₜ. Its likelihood is estimated by the share p̂ of its runs within
/// εₜ (pseudo-marginal: unbiased for the ABC likelihood, so the target is the ABC posterior whatever R,
/// not one √R too narrow as accepting the runs' mean distance would give), and its weight is
/// w ∝ p̂ · π(θ) / Σⱼ Wⱼ K(θ | θⱼ). The generation ends with N accepted particles.
public enum ABCSMC {
    /// A fitted key's prior: a continuous distribution truncated to `[lower, upper]`.
    public struct Prior: Sendable {
        public var distribution: Distribution
        public var lower: Double
        public var upper: Double
        public init(_ distribution: Distribution, lower: Double = -.infinity, upper: Double = .infinity) {
            self.distribution = distribution; self.lower = lower; self.upper = upper
        }
    }

    /// One particle: a parameter vector, its normalised weight, and the distances of its runs.
    public struct Particle: Sendable, Equatable {
        public var theta: [Double]
        public var weight: Double
        public var distances: [Double]
        public init(theta: [Double], weight: Double, distances: [Double]) {
            self.theta = theta; self.weight = weight; self.distances = distances
        }
    }

    /// Why a calibration stopped.
    public enum Stop: String, Sendable {
        case tolerance = "tolerance"
        case acceptance = "acceptance rate"
        case generations = "generations"
        case budget = "budget"
        case stalled = "tolerance cannot decrease"
    }

    // MARK: Distance

    /// The distance between simulated and observed values: the Euclidean norm of the residuals
    /// divided by the observations' standard deviations, √Σ ((xᵢ − yᵢ)/σᵢ)². A value the run leaves
    /// empty (nil or not finite) makes the distance infinite: the run does not reproduce what was seen.
    public static func distance(simulated: [Double?], observed: [Double], sd: [Double]) -> Double {
        precondition(simulated.count == observed.count && observed.count == sd.count)
        var s = 0.0
        for i in observed.indices {
            guard let x = simulated[i], x.isFinite else { return .infinity }
            let z = (x - observed[i]) / sd[i]
            s += z * z
        }
        return s.squareRoot()
    }

    /// The share of `distances` within `tolerance` (all of them when `tolerance` is nil: generation 0).
    public static func likelihood(_ distances: [Double], tolerance: Double?) -> Double {
        guard let tolerance else { return 1 }
        guard !distances.isEmpty else { return 0 }
        return Double(distances.reduce(0) { $0 + ($1 <= tolerance ? 1 : 0) }) / Double(distances.count)
    }

    // MARK: Prior

    /// The prior's log density at `theta` (−∞ outside the bounds or the support): the fitted keys are
    /// independent a priori.
    public static func logPrior(_ theta: [Double], _ priors: [Prior]) -> Double {
        var s = 0.0
        for (x, p) in zip(theta, priors) {
            guard x >= p.lower, x <= p.upper else { return -.infinity }
            let d = p.distribution.density(x)
            guard d > 0, d.isFinite else { return -.infinity }
            s += log(d)
        }
        return s
    }

    /// A draw from the truncated prior, by rejection (at most `tries` draws a key); nil when the bounds
    /// hold too little of the prior's mass to be hit.
    public static func samplePrior(_ priors: [Prior], _ stream: RandomStream, tries: Int = 10_000) -> [Double]? {
        var theta: [Double] = []
        for p in priors {
            var x: Double?
            for _ in 0..<tries {
                let v = p.distribution.sample(stream)
                if v >= p.lower, v <= p.upper, p.distribution.density(v) > 0 { x = v; break }
            }
            guard let x else { return nil }
            theta.append(x)
        }
        return theta
    }

    // MARK: Tolerance

    /// The weighted `q`-quantile of `values`: the smallest value whose cumulative normalised weight
    /// (in ascending order of value; ties by position) reaches `q`.
    public static func weightedQuantile(_ values: [Double], weights: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] < values[$1] : $0 < $1 }
        let total = weights.reduce(0, +)
        guard total > 0 else { return nil }
        var c = 0.0
        for i in order {
            c += weights[i] / total
            if c >= q - 1e-12 { return values[i] }
        }
        return values[order.last!]
    }

    /// The next tolerance: the `q`-quantile of the accepted runs' distances (each particle's runs within
    /// the last tolerance, sharing its weight), but strictly below `previous`. On discrete data the
    /// quantile often equals the last tolerance (ties); the schedule then takes the largest distance
    /// seen below it, so it never stalls. nil when no distance lies below `previous`: it cannot decrease.
    public static func nextTolerance(_ population: [Particle], previous: Double?, quantile q: Double) -> Double? {
        var values: [Double] = [], weights: [Double] = []
        for p in population {
            let within = p.distances.filter { previous == nil || $0 <= previous! }
            for d in within { values.append(d); weights.append(p.weight / Double(within.count)) }
        }
        guard let quant = weightedQuantile(values, weights: weights, q) else { return nil }
        if let previous {
            if quant < previous { return quant }
            return values.filter { $0 < previous }.max()
        }
        return quant.isFinite ? quant : values.filter(\.isFinite).max()
    }

    // MARK: Kernel and weights

    /// The perturbation kernel: a multivariate normal with twice the population's weighted covariance
    /// (Beaumont et al. 2009). A degenerate covariance falls back to a diagonal with each variance at
    /// least (10⁻⁶ of the prior's width, or of 1 + |mean| when unbounded)².
    public static func kernel(_ population: [Particle], priors: [Prior]) -> MultivariateNormal {
        let d = priors.count
        var mean = [Double](repeating: 0, count: d)
        let total = population.reduce(0) { $0 + $1.weight }
        for p in population { for i in 0..<d { mean[i] += p.weight / total * p.theta[i] } }
        var cov = [Double](repeating: 0, count: d * d)
        for p in population {
            let w = p.weight / total
            for i in 0..<d { for j in 0..<d { cov[i * d + j] += w * (p.theta[i] - mean[i]) * (p.theta[j] - mean[j]) } }
        }
        let sumW2 = population.reduce(0) { $0 + ($1.weight / total) * ($1.weight / total) }
        let unbias = sumW2 < 1 ? 1 / (1 - sumW2) : 1
        for k in cov.indices { cov[k] *= 2 * unbias }
        let floor = (0..<d).map { i -> Double in
            let width = priors[i].upper - priors[i].lower
            let s = width.isFinite ? width * 1e-6 : (1 + abs(mean[i])) * 1e-6
            return s * s
        }
        return MultivariateNormal(covariance: cov, dimension: d, floor: floor)
    }

    /// A proposal for generation t ≥ 1: a particle of the last population drawn by weight, moved by the
    /// kernel, the move redrawn while the prior's density there is 0 (at most `tries` times).
    public static func propose(_ population: [Particle], kernel: MultivariateNormal, priors: [Prior],
                               _ stream: RandomStream, tries: Int = 10_000) -> [Double]? {
        let cumulative = population.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1.weight) }
        for _ in 0..<tries {
            let u = stream.uniform() * cumulative.last!
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            let theta = kernel.sample(mean: population[lo].theta, stream)
            if logPrior(theta, priors) > -.infinity { return theta }
        }
        return nil
    }

    /// The unnormalised log weight of an accepted proposal of generation t ≥ 1:
    /// log p̂ + log π(θ) − log Σⱼ Wⱼ K(θ | θⱼ), the sum taken in log space.
    public static func logWeight(_ theta: [Double], likelihood: Double, priors: [Prior], previous: [Particle],
                                 kernel: MultivariateNormal) -> Double {
        let terms = previous.map { log($0.weight) + kernel.logDensity(theta, mean: $0.theta) }
        let m = terms.max() ?? -.infinity
        guard m > -.infinity else { return -.infinity }
        let lse = m + log(terms.reduce(0) { $0 + exp($1 - m) })
        return log(likelihood) + logPrior(theta, priors) - lse
    }

    /// Log weights made into weights that sum to 1.
    public static func normalise(logWeights: [Double]) -> [Double] {
        let m = logWeights.max() ?? 0
        let w = logWeights.map { exp($0 - m) }
        let s = w.reduce(0, +)
        return w.map { $0 / s }
    }

    /// Kish's effective sample size (Σw)² / Σw².
    public static func effectiveSampleSize(_ weights: [Double]) -> Double {
        let s = weights.reduce(0, +), s2 = weights.reduce(0) { $0 + $1 * $1 }
        return s2 > 0 ? s * s / s2 : 0
    }

    /// An index drawn with probability proportional to `weights`, from one uniform draw.
    public static func drawIndex(_ weights: [Double], _ stream: RandomStream) -> Int {
        let total = weights.reduce(0, +)
        var u = stream.uniform() * total
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.count - 1
    }
}
