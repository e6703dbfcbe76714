import CGSL

extension Distribution {
    /// The theoretical mean, or `nil` where it is infinite or undefined.
    public var mean: Double? {
        switch self {
        case .constant(let v): return v
        case .uniform(let a, let b): return (a + b) / 2
        case .exponential(let m): return m
        case .gamma(let k, let t): return k * t
        case .lognormal(let mu, let s): return exp(mu + s * s / 2)
        case .normal(let m, _): return m
        case .truncatedNormal(let m, let s, let lo, let hi):
            let a = (lo - m) / s, b = (hi - m) / s
            let z = truncMass(a, b)
            return m + s * (gsl_ran_ugaussian_pdf(a) - gsl_ran_ugaussian_pdf(b)) / z
        case .weibull(let l, let k): return l * gsl_sf_gamma(1 + 1 / k)
        case .pareto(let a, let xm): return a > 1 ? a * xm / (a - 1) : nil
        case .beta(let a, let b): return a / (a + b)
        case .poisson(let m): return m
        case .binomial(let n, let p): return Double(n) * p
        case .negativeBinomial(let n, let p): return n * (1 - p) / p
        case .discrete(let t):
            let w = t.weights.reduce(0, +)
            return zip(t.values, t.weights).reduce(0) { $0 + $1.0 * $1.1 } / w
        case .empirical(let x, let c):
            var m = 0.0
            for i in 1..<x.count { m += (c[i] - c[i - 1]) * (x[i] + x[i - 1]) / 2 }
            return m
        }
    }

    /// The theoretical variance, or `nil` where it is infinite or undefined.
    public var variance: Double? {
        switch self {
        case .constant: return 0
        case .uniform(let a, let b): return (b - a) * (b - a) / 12
        case .exponential(let m): return m * m
        case .gamma(let k, let t): return k * t * t
        case .lognormal(let mu, let s): return (exp(s * s) - 1) * exp(2 * mu + s * s)
        case .normal(_, let s): return s * s
        case .truncatedNormal(let m, let s, let lo, let hi):
            let a = (lo - m) / s, b = (hi - m) / s
            let z = truncMass(a, b)
            let pa = gsl_ran_ugaussian_pdf(a), pb = gsl_ran_ugaussian_pdf(b)
            let aa = a.isFinite ? a * pa : 0, bb = b.isFinite ? b * pb : 0
            let r = (pa - pb) / z
            return s * s * (1 + (aa - bb) / z - r * r)
        case .weibull(let l, let k):
            let g1 = gsl_sf_gamma(1 + 1 / k), g2 = gsl_sf_gamma(1 + 2 / k)
            return l * l * (g2 - g1 * g1)
        case .pareto(let a, let xm): return a > 2 ? xm * xm * a / ((a - 1) * (a - 1) * (a - 2)) : nil
        case .beta(let a, let b): return a * b / ((a + b) * (a + b) * (a + b + 1))
        case .poisson(let m): return m
        case .binomial(let n, let p): return Double(n) * p * (1 - p)
        case .negativeBinomial(let n, let p): return n * (1 - p) / (p * p)
        case .discrete(let t):
            guard let mu = mean else { return nil }
            let w = t.weights.reduce(0, +)
            return zip(t.values, t.weights).reduce(0) { $0 + ($1.0 - mu) * ($1.0 - mu) * $1.1 } / w
        case .empirical(let x, let c):
            guard let mu = mean else { return nil }
            var m2 = 0.0
            for i in 1..<x.count {
                let a = x[i - 1], b = x[i]
                m2 += (c[i] - c[i - 1]) * (a * a + a * b + b * b) / 3
            }
            return m2 - mu * mu
        }
    }

    /// The cumulative distribution function P(X ≤ x), for the continuous distributions
    /// (and the counting ones through GSL's CDFs); `nil` for `discrete`.
    public func cdf(_ x: Double) -> Double? {
        if case .discrete = self { return nil }
        // The counting cases convert x to UInt32, which would trap on NaN.
        if x.isNaN { return .nan }
        switch self {
        case .constant(let v): return x >= v ? 1 : 0
        case .uniform(let a, let b): return gsl_cdf_flat_P(x, a, b)
        case .exponential(let m): return gsl_cdf_exponential_P(x, m)
        case .gamma(let k, let t): return gsl_cdf_gamma_P(x, k, t)
        case .lognormal(let mu, let s): return gsl_cdf_lognormal_P(x, mu, s)
        case .normal(let m, let s): return gsl_cdf_gaussian_P(x - m, s)
        case .truncatedNormal(let m, let s, let lo, let hi):
            if x <= lo { return 0 }
            if x >= hi { return 1 }
            let a = (lo - m) / s, b = (hi - m) / s, z = (x - m) / s
            // Like the sampler, work on the side of the mean away from the interval: above
            // the mean, P(a) and P(b) both round to 1 (from a ≈ 8.3 on), giving 0/0.
            if a >= 0 {
                let qa = gsl_cdf_ugaussian_Q(a)
                return (qa - gsl_cdf_ugaussian_Q(z)) / (qa - gsl_cdf_ugaussian_Q(b))
            }
            let pa = gsl_cdf_ugaussian_P(a)
            return (gsl_cdf_ugaussian_P(z) - pa) / (gsl_cdf_ugaussian_P(b) - pa)
        case .weibull(let l, let k): return gsl_cdf_weibull_P(x, l, k)
        case .pareto(let a, let xm): return x < xm ? 0 : gsl_cdf_pareto_P(x, a, xm)
        case .beta(let a, let b): return gsl_cdf_beta_P(x, a, b)
        case .poisson(let m): return x < 0 ? 0 : gsl_cdf_poisson_P(UInt32(min(x, 4e9)), m)
        case .binomial(let n, let p): return x < 0 ? 0 : gsl_cdf_binomial_P(UInt32(min(x, 4e9)), p, UInt32(n))
        case .negativeBinomial(let n, let p): return x < 0 ? 0 : gsl_cdf_negative_binomial_P(UInt32(min(x, 4e9)), p, n)
        case .discrete: return nil
        case .empirical(let xs, let c):
            if x <= xs[0] { return 0 }
            if x >= xs[xs.count - 1] { return 1 }
            var i = 1
            while xs[i] < x { i += 1 }
            return c[i - 1] + (c[i] - c[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1])
        }
    }
}

private func truncMass(_ a: Double, _ b: Double) -> Double {
    a >= 0 ? gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b) : gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a)
}

extension Distribution {
    /// The probability density at `x` of a continuous distribution (GSL's `gsl_ran_*_pdf`); for the
    /// counting and `discrete` cases the probability of the value (0 off their support); for
    /// `constant` 1 at the value and 0 elsewhere; for `empirical` the slope of its CDF.
    ///
    /// ABC-SMC weighs particles by their prior's density (see `Experiments/Calibration`).
    public func density(_ x: Double) -> Double {
        if x.isNaN { return 0 }
        func count(_ x: Double) -> UInt32? { x >= 0 && x <= 4e9 && x == x.rounded() ? UInt32(x) : nil }
        switch self {
        case .constant(let v): return x == v ? 1 : 0
        case .uniform(let a, let b): return gsl_ran_flat_pdf(x, a, b)
        case .exponential(let m): return gsl_ran_exponential_pdf(x, m)
        case .gamma(let k, let t): return gsl_ran_gamma_pdf(x, k, t)
        case .lognormal(let mu, let s): return gsl_ran_lognormal_pdf(x, mu, s)
        case .normal(let m, let s): return gsl_ran_gaussian_pdf(x - m, s)
        case .truncatedNormal(let m, let s, let lo, let hi):
            guard x >= lo, x <= hi else { return 0 }
            return gsl_ran_gaussian_pdf(x - m, s) / truncMass((lo - m) / s, (hi - m) / s)
        case .weibull(let l, let k): return gsl_ran_weibull_pdf(x, l, k)
        case .pareto(let a, let xm): return gsl_ran_pareto_pdf(x, a, xm)
        case .beta(let a, let b): return gsl_ran_beta_pdf(x, a, b)
        case .poisson(let m): return count(x).map { gsl_ran_poisson_pdf($0, m) } ?? 0
        case .binomial(let n, let p): return count(x).map { gsl_ran_binomial_pdf($0, p, UInt32(n)) } ?? 0
        case .negativeBinomial(let n, let p): return count(x).map { gsl_ran_negative_binomial_pdf($0, p, n) } ?? 0
        case .discrete(let t):
            let w = t.weights.reduce(0, +)
            return zip(t.values, t.weights).reduce(0) { $0 + ($1.0 == x ? $1.1 : 0) } / w
        case .empirical(let xs, let c):
            guard x >= xs[0], x <= xs[xs.count - 1] else { return 0 }
            var i = 1
            while i < xs.count - 1, xs[i] < x { i += 1 }
            return (c[i] - c[i - 1]) / (xs[i] - xs[i - 1])
        }
    }

    /// Whether the distribution has a density (is continuous): the cases a calibration's prior may use.
    public var isContinuous: Bool {
        switch self {
        case .uniform, .exponential, .gamma, .lognormal, .normal, .truncatedNormal, .weibull, .pareto, .beta, .empirical:
            return true
        case .constant, .poisson, .binomial, .negativeBinomial, .discrete:
            return false
        }
    }
}
