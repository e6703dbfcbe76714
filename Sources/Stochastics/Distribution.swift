import CGSL

/// A probability distribution that scenario files name as `{dist: gamma, shape: 2, scale: 30}`.
///
/// Every case draws through a `gsl_ran_*` function (or GSL's inverse CDFs). Parameters are
/// checked when the distribution is built by ``Distribution/make(_:_:)``, which explains
/// what is wrong ("gamma: shape must be > 0, got -2"); a value built that way never makes
/// GSL fail. ``Distribution/catalogue`` is the one table of names and parameters that the
/// decoder, the docs and `suanli explain` use.
public enum Distribution: Sendable, Equatable {
    case constant(value: Double)
    case uniform(min: Double, max: Double)
    case exponential(mean: Double)
    case gamma(shape: Double, scale: Double)
    case lognormal(mu: Double, sigma: Double)
    case normal(mean: Double, sd: Double)
    case truncatedNormal(mean: Double, sd: Double, min: Double, max: Double)
    case weibull(scale: Double, shape: Double)
    case pareto(shape: Double, scale: Double)
    case beta(a: Double, b: Double)
    case poisson(mean: Double)
    case binomial(n: Int, p: Double)
    case negativeBinomial(n: Double, p: Double)
    case discrete(DiscreteTable)
    case empirical(x: [Double], cdf: [Double])

    /// Draws one value.
    /// - Complexity: O(1), except `empirical` (O(log k) for k points).
    @inlinable
    public func sample(_ stream: RandomStream) -> Double {
        let r = stream.rng
        switch self {
        case .constant(let v): return v
        case .uniform(let a, let b): return gsl_ran_flat(r, a, b)
        case .exponential(let m): return gsl_ran_exponential(r, m)
        case .gamma(let k, let theta): return gsl_ran_gamma(r, k, theta)
        case .lognormal(let mu, let s): return gsl_ran_lognormal(r, mu, s)
        case .normal(let m, let s): return m + gsl_ran_gaussian_ziggurat(r, s)
        case .truncatedNormal(let m, let s, let lo, let hi):
            return Distribution.truncatedNormalSample(stream, m, s, lo, hi)
        case .weibull(let a, let b): return gsl_ran_weibull(r, a, b)
        case .pareto(let a, let b): return gsl_ran_pareto(r, a, b)
        case .beta(let a, let b): return gsl_ran_beta(r, a, b)
        case .poisson(let m): return Double(gsl_ran_poisson(r, m))
        case .binomial(let n, let p): return Double(gsl_ran_binomial(r, p, UInt32(n)))
        case .negativeBinomial(let n, let p): return Double(gsl_ran_negative_binomial(r, p, n))
        case .discrete(let t): return t.values[Int(gsl_ran_discrete(r, t.table))]
        case .empirical(let x, let c): return Distribution.empiricalQuantile(x, c, gsl_rng_uniform(r))
        }
    }

    @usableFromInline
    static func truncatedNormalSample(_ s: RandomStream, _ m: Double, _ sd: Double, _ lo: Double, _ hi: Double) -> Double {
        // Inverse CDF on the side of the mean away from the interval, so tails keep precision.
        let a = (lo - m) / sd, b = (hi - m) / sd
        let u = gsl_rng_uniform_pos(s.rng)
        let z: Double
        if a >= 0 {
            let qa = gsl_cdf_ugaussian_Q(a), qb = gsl_cdf_ugaussian_Q(b)
            z = gsl_cdf_ugaussian_Qinv(qa - u * (qa - qb))
        } else {
            let pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b)
            z = gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa))
        }
        return Swift.min(hi, Swift.max(lo, m + sd * z))
    }

    @usableFromInline
    static func empiricalQuantile(_ x: [Double], _ c: [Double], _ u: Double) -> Double {
        // First index with cdf > u (binary search), then linear interpolation in that bin.
        var lo = 1, hi = c.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if c[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        let c0 = c[lo - 1], c1 = c[lo]
        let f = c1 > c0 ? (u - c0) / (c1 - c0) : 0
        return x[lo - 1] + f * (x[lo] - x[lo - 1])
    }
}

/// A preprocessed table for `gsl_ran_discrete`, with the values it returns.
///
/// Immutable after creation and only read by `gsl_ran_discrete`, so it is safe to share
/// between threads.
public final class DiscreteTable: @unchecked Sendable, Equatable {
    public let values: [Double]
    public let weights: [Double]
    @usableFromInline let table: UnsafeMutablePointer<gsl_ran_discrete_t>

    init(values: [Double], weights: [Double]) {
        self.values = values
        self.weights = weights
        table = weights.withUnsafeBufferPointer { gsl_ran_discrete_preproc($0.count, $0.baseAddress!) }
    }

    deinit { gsl_ran_discrete_free(table) }

    public static func == (l: DiscreteTable, r: DiscreteTable) -> Bool {
        l.values == r.values && l.weights == r.weights
    }
}

/// A parameter value as written in a scenario: a number or a list of numbers.
public enum DistributionParameter: Sendable, Equatable {
    case number(Double)
    case list([Double])
}

/// What is wrong with a distribution as written.
public struct DistributionError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The parameter at fault (`nil` when the name of the distribution is at fault).
    public let parameter: String?
    public let message: String
    public var description: String { message }
}

/// The common kinds of ``Distribution`` with their parameters held flat (no reference in them), for
/// draws in a hot loop: copying a `Distribution` (an enum some of whose cases hold arrays) costs a
/// call and a retain, copying this costs neither. ``sample(_:)`` draws exactly what the
/// distribution's own `sample` would (the same GSL call, the same parameters) and returns nil for
/// the kinds not held, which the caller draws from the distribution itself.
public struct FlatDistribution: Sendable {
    @usableFromInline enum Kind: UInt8, Sendable { case constant, uniform, exponential, gamma, lognormal, normal, other }
    @usableFromInline let kind: Kind
    @usableFromInline let a: Double
    @usableFromInline let b: Double

    public init(_ d: Distribution) {
        switch d {
        case .constant(let v): (kind, a, b) = (.constant, v, 0)
        case .uniform(let lo, let hi): (kind, a, b) = (.uniform, lo, hi)
        case .exponential(let m): (kind, a, b) = (.exponential, m, 0)
        case .gamma(let k, let theta): (kind, a, b) = (.gamma, k, theta)
        case .lognormal(let mu, let s): (kind, a, b) = (.lognormal, mu, s)
        case .normal(let m, let s): (kind, a, b) = (.normal, m, s)
        default: (kind, a, b) = (.other, 0, 0)
        }
    }

    /// One draw, as ``Distribution/sample(_:)`` draws it; nil for a kind not held flat.
    @inlinable
    public func sample(_ stream: RandomStream) -> Double? {
        let r = stream.rng
        switch kind {
        case .constant: return a
        case .uniform: return gsl_ran_flat(r, a, b)
        case .exponential: return gsl_ran_exponential(r, a)
        case .gamma: return gsl_ran_gamma(r, a, b)
        case .lognormal: return gsl_ran_lognormal(r, a, b)
        case .normal: return a + gsl_ran_gaussian_ziggurat(r, b)
        case .other: return nil
        }
    }
}
