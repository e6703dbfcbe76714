import Stochastics

/// A mean with its 95% t-interval and the 5/50/95 percentiles of a sample.
public struct SampleEstimate: Sendable, Equatable {
    public var count: Int
    /// Mean; nil for an empty sample.
    public var mean: Double?
    /// Mean ∓ t(0.975, n − 1)·s/√n; nil with fewer than two values.
    public var low: Double?
    public var high: Double?
    /// Percentiles by GSL's rule (linear interpolation between order statistics); nil when empty.
    public var p05: Double?
    public var p50: Double?
    public var p95: Double?

    /// Estimates from `values` taken in the order given (replication order), so the sums
    /// behind the mean and variance are reproducible to the bit.
    /// - Complexity: O(n).
    public init(_ values: [Double]) {
        var tally = Tally()
        for v in values { tally.add(v) }
        count = values.count
        guard !values.isEmpty else { return }
        mean = tally.mean
        if let h = tally.halfWidth(level: 0.95) {
            low = tally.mean - h
            high = tally.mean + h
        }
        let q = Stats.quantiles(values, [0.05, 0.5, 0.95])!
        p05 = q[0]
        p50 = q[1]
        p95 = q[2]
    }
}

/// A proportion with its 95% Wilson interval.
public struct ProportionEstimate: Sendable, Equatable {
    public var successes: Int
    public var trials: Int
    /// successes / trials; nil when trials = 0.
    public var estimate: Double? { trials > 0 ? Double(successes) / Double(trials) : nil }
    public var low: Double?
    public var high: Double?

    /// The pooled share Σs_r/Σn_r of units grouped by replication (s_r of n_r in replication r),
    /// with the 95% interval of a ratio estimator over clusters: p ∓ t(0.975, R − 1)·√v,
    /// v = Σ_r (s_r − p·n_r)² / (R(R − 1)·n̄²), n̄ the mean n_r, clamped to [0, 1]. For units that
    /// share a replication's market (a population's firms), whose outcomes are not independent:
    /// the Wilson interval over the pooled units would be too narrow. Fewer than two replications
    /// with units: no interval.
    public init(clustered groups: [(successes: Int, trials: Int)]) {
        successes = groups.reduce(0) { $0 + $1.successes }
        trials = groups.reduce(0) { $0 + $1.trials }
        let r = groups.count
        guard trials > 0, r >= 2 else { return }
        let p = Double(successes) / Double(trials)
        let mean = Double(trials) / Double(r)
        var sum = 0.0
        for g in groups {
            let e = Double(g.successes) - p * Double(g.trials)
            sum += e * e
        }
        let h = Stats.tTwoSided(0.95, dof: r - 1) * (sum / (Double(r * (r - 1)) * mean * mean)).squareRoot()
        low = Swift.max(0, p - h)
        high = Swift.min(1, p + h)
    }

    public init(successes: Int, trials: Int) {
        self.successes = successes
        self.trials = trials
        if trials > 0 {
            let w = Stats.wilson(successes: successes, n: trials, level: 0.95)
            // The score interval's ends are exactly 0 at p̂ = 0 and 1 at p̂ = 1; the formula
            // leaves rounding noise (1e-17) there.
            low = successes == 0 ? 0 : w.low
            high = successes == trials ? 1 : w.high
        }
    }
}
