import Stochastics

/// The paired comparison of one figure between a base and a variant run with common random
/// numbers: replication r of both sees the same random streams, so the difference
/// d_r = variant_r − base_r is the effect of the change in that replication, with much of the
/// noise cancelled.
///
/// - `base`, `variant`: the mean of each scenario's values over its replications where the
///   value is defined (the proportion for an indicator).
/// - `diff`: the mean of d_r over the replications where the value is defined in both.
/// - `low`, `high`: diff ∓ t(0.975, n − 1)·s_d/√n, s_d² the sample variance of the d_r
///   (the paired t-interval); nil with fewer than two pairs.
/// - ``signSettled``: the interval excludes 0.
///
/// Means are plain sums in replication order over n (so 0/1 indicators and counts give exact
/// shares: 0.94, not 0.9400000000000001), variances two-pass sums: reproducible to the bit.
public struct PairedDifference: Sendable, Equatable {
    public var base: Double?
    public var variant: Double?
    /// Replications with the value defined in both.
    public var pairs: Int
    public var diff: Double?
    public var low: Double?
    public var high: Double?
    /// The spread of the values across replications, √((s²_base + s²_variant) / 2); the printed
    /// table ranks changes by |diff| / spread. Nil when either side has fewer than two values.
    public var spread: Double?

    /// - Parameters:
    ///   - base: one value per replication (nil: undefined), in replication order; nil when the
    ///     entity is not in the base scenario.
    ///   - variant: the same for the variant. When both are given they must have one value per
    ///     replication each; replication r of one is paired with replication r of the other.
    public init(base: [Double?]?, variant: [Double?]?) {
        func clean(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
        let b = base.map { $0.compactMap(clean) }, v = variant.map { $0.compactMap(clean) }
        self.base = b.flatMap(Self.mean)
        self.variant = v.flatMap(Self.mean)
        if let b, let v, let sb = Self.variance(b), let sv = Self.variance(v) { spread = ((sb + sv) / 2).squareRoot() }
        pairs = 0
        guard let base, let variant else { return }
        precondition(base.count == variant.count, "paired samples of different lengths")
        var d: [Double] = []
        d.reserveCapacity(base.count)
        for r in base.indices {
            if let x = clean(base[r]), let y = clean(variant[r]) { d.append(y - x) }
        }
        pairs = d.count
        guard let mean = Self.mean(d) else { return }
        diff = mean
        if let s2 = Self.variance(d) {
            let h = Stats.tTwoSided(0.95, dof: d.count - 1) * (s2 / Double(d.count)).squareRoot()
            low = mean - h
            high = mean + h
        }
    }

    /// Σx / n, summed in the order given (exact for counts and 0/1 indicators); nil when empty.
    static func mean(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        var sum = 0.0
        for x in xs { sum += x }
        return sum / Double(xs.count)
    }

    /// The sample variance Σ(x − x̄)² / (n − 1), in two passes; nil with fewer than two values.
    static func variance(_ xs: [Double]) -> Double? {
        guard xs.count > 1, let m = mean(xs) else { return nil }
        var ss = 0.0
        for x in xs { ss += (x - m) * (x - m) }
        return ss / Double(xs.count - 1)
    }

    /// Whether the 95% interval excludes 0 (the sign of the change is settled); nil without an interval.
    public var signSettled: Bool? {
        guard let low, let high else { return nil }
        return low > 0 || high < 0
    }

    /// Whether the runs differ at all in this figure: some pair differs (or only one side has it).
    public var changed: Bool {
        guard let diff else { return false }
        return diff != 0 || (low ?? 0) != 0 || (high ?? 0) != 0
    }

    /// |diff| / ``spread``, the size of the change in units of the replication-to-replication
    /// spread; infinite for a change of a figure that does not vary; nil without a diff.
    public var standardizedChange: Double? {
        guard let diff else { return nil }
        guard let spread, spread > 0 else { return diff == 0 ? 0 : .infinity }
        return abs(diff) / spread
    }
}
