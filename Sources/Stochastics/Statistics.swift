import CGSL

/// Running mean and variance by Welford's method; adding in a fixed order gives fixed bits.
public struct Tally: Sendable, Equatable {
    public private(set) var count = 0
    public private(set) var mean = 0.0
    private var m2 = 0.0

    public init() {}

    /// Adds one observation. - Complexity: O(1).
    @inlinable
    public mutating func add(_ x: Double) { _add(x) }

    @usableFromInline
    mutating func _add(_ x: Double) {
        count += 1
        let d = x - mean
        mean += d / Double(count)
        m2 += d * (x - mean)
    }

    /// Sample variance (n − 1 denominator); 0 with fewer than two observations.
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
    public var standardDeviation: Double { variance.squareRoot() }

    /// Half-width of the two-sided confidence interval for the mean, by Student's t.
    /// - Returns: `nil` with fewer than two observations.
    public func halfWidth(level: Double = 0.95) -> Double? {
        guard count > 1 else { return nil }
        let t = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, Double(count - 1))
        return t * (variance / Double(count)).squareRoot()
    }
}

public enum Stats {
    /// The standard normal quantile z such that P(|Z| ≤ z) = level.
    public static func zTwoSided(_ level: Double) -> Double { gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2) }

    /// The Student t quantile for a two-sided interval at `level` with `dof` degrees of freedom.
    public static func tTwoSided(_ level: Double, dof: Int) -> Double { gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, Double(dof)) }

    /// Wilson score interval for a proportion of `successes` in `n` trials.
    /// - Returns: (low, high); (0, 1) when n = 0.
    public static func wilson(successes: Int, n: Int, level: Double = 0.95) -> (low: Double, high: Double) {
        guard n > 0 else { return (0, 1) }
        let z = zTwoSided(level), nn = Double(n), p = Double(successes) / nn
        let denom = 1 + z * z / nn
        let centre = (p + z * z / (2 * nn)) / denom
        let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / denom
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Quantile of already sorted data by GSL's definition (linear interpolation between
    /// order statistics, `gsl_stats_quantile_from_sorted_data`).
    public static func quantile(sorted: [Double], _ f: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        return sorted.withUnsafeBufferPointer { gsl_stats_quantile_from_sorted_data($0.baseAddress!, 1, $0.count, f) }
    }

    /// Kolmogorov–Smirnov statistic D = sup |F_n(x) − F(x)| of a sample against a CDF.
    /// - Returns: NaN if the CDF returns NaN anywhere (so that `D <= critical` fails).
    public static func kolmogorovSmirnov(_ sample: [Double], cdf: (Double) -> Double) -> Double {
        let xs = sample.sorted()
        let n = Double(xs.count)
        var d = 0.0
        for (i, x) in xs.enumerated() {
            let f = cdf(x)
            // Swift's max drops a NaN argument, which would report a perfect fit.
            if f.isNaN { return .nan }
            d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
        }
        return d
    }

    /// Asymptotic critical value of the KS statistic at level α for n observations:
    /// c(α)/√n with c(α) = √(−ln(α/2)/2) (1.358 at 5%, 1.949 at 0.1%).
    public static func kolmogorovSmirnovCritical(n: Int, alpha: Double) -> Double {
        (-(alpha / 2).logarithm / 2).squareRoot() / Double(n).squareRoot()
    }
}

extension Double {
    @usableFromInline var logarithm: Double { log(self) }
}
