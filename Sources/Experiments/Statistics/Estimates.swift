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
    /// - Complexity: O(n log n).
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
        let sorted = values.sorted()
        p05 = Stats.quantile(sorted: sorted, 0.05)
        p50 = Stats.quantile(sorted: sorted, 0.5)
        p95 = Stats.quantile(sorted: sorted, 0.95)
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
