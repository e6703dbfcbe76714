import CGSL
import Synchronization

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
        let t = Stats.tTwoSided(level, dof: count - 1)
        return t * (variance / Double(count)).squareRoot()
    }
}

public enum Stats {
    /// The standard normal quantile z such that P(|Z| ≤ z) = level.
    public static func zTwoSided(_ level: Double) -> Double { gsl_cdf_ugaussian_Pinv(1 - (1 - level) / 2) }

    /// The Student t quantile for a two-sided interval at `level` with `dof` degrees of freedom.
    ///
    /// Remembered by (level, dof): GSL inverts the t CDF iteratively, and a run's statistics ask
    /// for the same few quantiles thousands of times (every interval of every point of a sweep).
    /// The cached value is GSL's own, so results are unchanged to the bit.
    public static func tTwoSided(_ level: Double, dof: Int) -> Double {
        let key = TQuantileKey(level: level.bitPattern, dof: dof)
        if let t = tQuantiles.withLock({ $0[key] }) { return t }
        let t = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, Double(dof))
        tQuantiles.withLock { table in
            if table.count >= 4096 { table.removeAll() }   // bounded: a long sweep of many sizes
            table[key] = t
        }
        return t
    }

    private struct TQuantileKey: Hashable {
        var level: UInt64
        var dof: Int
    }
    private static let tQuantiles = Mutex<[TQuantileKey: Double]>([:])

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

    /// An ordinary least-squares fit y ≈ X·b without intercept, by GSL's truncated SVD
    /// (`gsl_multifit_linear_tsvd`), which stays accurate on nearly collinear columns.
    /// - Parameters:
    ///   - columns: the k columns of X, each as long as `y`.
    ///   - rankTolerance: singular values below this share of the largest count as zero.
    /// - Returns: the coefficients b, the diagonal of (XᵀX)⁻¹ (all 0 when the fit is exact, which is
    ///   all a standard error needs), the residual sum of squares and the residuals y − X·b
    ///   (`gsl_multifit_linear_residuals`);
    ///   nil when there are no columns, fewer rows than columns, columns of other lengths, or X
    ///   is rank-deficient (some combination of the columns is, to `rankTolerance`, constant 0).
    public static func leastSquares(columns: [[Double]], y: [Double], rankTolerance: Double = 1e-10)
        -> (coefficients: [Double], inverseGramDiagonal: [Double], residualSumOfSquares: Double, residuals: [Double])? {
        let n = y.count, k = columns.count
        guard k >= 1, n > k, columns.allSatisfy({ $0.count == n }) else { return nil }
        disableGSLAbort()
        guard let x = gsl_matrix_alloc(n, k), let yv = gsl_vector_alloc(n), let c = gsl_vector_alloc(k),
              let cov = gsl_matrix_alloc(k, k), let r = gsl_vector_alloc(n),
              let work = gsl_multifit_linear_alloc(n, k) else { return nil }
        defer {
            gsl_matrix_free(x); gsl_vector_free(yv); gsl_vector_free(c); gsl_matrix_free(cov); gsl_vector_free(r)
            gsl_multifit_linear_free(work)
        }
        for i in 0..<n {
            gsl_vector_set(yv, i, y[i])
            for j in 0..<k { gsl_matrix_set(x, i, j, columns[j][i]) }
        }
        var chisq = 0.0
        var rank = 0
        guard gsl_multifit_linear_tsvd(x, yv, rankTolerance, c, cov, &chisq, &rank, work) == GSL_SUCCESS,
              rank == k, gsl_multifit_linear_residuals(x, yv, c, r) == GSL_SUCCESS else { return nil }
        // GSL scales the covariance by chisq/(n − k); undo it for (XᵀX)⁻¹ (when chisq is 0 it is
        // 0 too, and so is every standard error built on it).
        let scale = chisq > 0 ? Double(n - k) / chisq : 0
        return ((0..<k).map { gsl_vector_get(c, $0) }, (0..<k).map { gsl_matrix_get(cov, $0, $0) * scale }, chisq,
                (0..<n).map { gsl_vector_get(r, $0) })
    }

    /// Solves A·x = b for each right-hand side b of `rhs`, A a symmetric positive definite
    /// `order` × `order` matrix given row-major (a Gram matrix XᵀX, say), by GSL's Cholesky
    /// decomposition (`gsl_linalg_cholesky_decomp1`, `gsl_linalg_cholesky_solve`); with
    /// `inverseDiagonal`, also the diagonal of A⁻¹ (`gsl_linalg_cholesky_invert`).
    /// - Returns: nil when A is not positive definite (some combination of X's columns is 0), a
    ///   right-hand side has another length, or a result is not finite.
    public static func choleskySolve(_ a: [Double], order k: Int, rhs: [[Double]], inverseDiagonal: Bool = false)
        -> (solutions: [[Double]], inverseDiagonal: [Double])? {
        guard k >= 1, a.count == k * k, rhs.allSatisfy({ $0.count == k }) else { return nil }
        disableGSLAbort()
        guard let m = gsl_matrix_alloc(k, k), let b = gsl_vector_alloc(k), let x = gsl_vector_alloc(k) else { return nil }
        defer { gsl_matrix_free(m); gsl_vector_free(b); gsl_vector_free(x) }
        for i in 0..<k { for j in 0..<k { gsl_matrix_set(m, i, j, a[i * k + j]) } }
        guard gsl_linalg_cholesky_decomp1(m) == GSL_SUCCESS else { return nil }
        var solutions: [[Double]] = []
        for r in rhs {
            for i in 0..<k { gsl_vector_set(b, i, r[i]) }
            guard gsl_linalg_cholesky_solve(m, b, x) == GSL_SUCCESS else { return nil }
            solutions.append((0..<k).map { gsl_vector_get(x, $0) })
        }
        var diagonal: [Double] = []
        if inverseDiagonal {
            guard gsl_linalg_cholesky_invert(m) == GSL_SUCCESS else { return nil }
            diagonal = (0..<k).map { gsl_matrix_get(m, $0, $0) }
        }
        guard solutions.allSatisfy({ $0.allSatisfy(\.isFinite) }), diagonal.allSatisfy(\.isFinite) else { return nil }
        return (solutions, diagonal)
    }

    /// The inverse of the symmetric positive-definite `k` × `k` matrix `a` (row-major), by GSL's
    /// Cholesky decomposition and `gsl_linalg_cholesky_invert`; nil when `a` is not positive
    /// definite (to working precision) or the inverse is not finite.
    public static func choleskyInverse(_ a: [Double], order k: Int) -> [Double]? {
        guard k >= 1, a.count == k * k else { return nil }
        disableGSLAbort()
        guard let m = gsl_matrix_alloc(k, k) else { return nil }
        defer { gsl_matrix_free(m) }
        for i in 0..<k { for j in 0..<k { gsl_matrix_set(m, i, j, a[i * k + j]) } }
        guard gsl_linalg_cholesky_decomp1(m) == GSL_SUCCESS, gsl_linalg_cholesky_invert(m) == GSL_SUCCESS else { return nil }
        var inverse = [Double](repeating: 0, count: k * k)
        for i in 0..<k { for j in 0..<k { inverse[i * k + j] = gsl_matrix_get(m, i, j) } }
        return inverse.allSatisfy(\.isFinite) ? inverse : nil
    }

    /// The ranks of `values`, 1 for the smallest, ties sharing the average of the ranks they span
    /// (`[5, 1, 5, 3]` → `[3.5, 1, 3.5, 2]`), so the ranks always sum to n(n + 1)/2. The order comes
    /// from GSL's `gsl_sort_index`; values tie when they are equal.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let n = values.count
        guard n > 0 else { return [] }
        var order = [Int](repeating: 0, count: n)
        order.withUnsafeMutableBufferPointer { p in
            values.withUnsafeBufferPointer { v in gsl_sort_index(p.baseAddress!, v.baseAddress!, 1, n) }
        }
        var ranks = [Double](repeating: 0, count: n)
        var start = 0
        while start < n {
            var end = start + 1
            while end < n, values[order[end]] == values[order[start]] { end += 1 }
            let rank = Double(start + 1 + end) / 2   // the mean of ranks start + 1 … end
            for i in start..<end { ranks[order[i]] = rank }
            start = end
        }
        return ranks
    }

    /// The average ranks of `values` when value i occurs `weights[i]` times: value i's rank is
    /// the mean of the ranks its occurrences would take among all occurrences (ties, equal values,
    /// share the ranks they span), so `averageRanks(v, weights: [1, 1, …])` is `averageRanks(v)`;
    /// NaN for a value of weight 0. The ranks of n runs whose value is their point's, say, from
    /// one value per point. The order comes from GSL's `gsl_sort_index`.
    public static func averageRanks(_ values: [Double], weights: [Int]) -> [Double] {
        precondition(values.count == weights.count, "a weight per value")
        let present = values.indices.filter { weights[$0] > 0 }
        let kept = present.map { values[$0] }
        var order = [Int](repeating: 0, count: kept.count)
        if !kept.isEmpty {
            order.withUnsafeMutableBufferPointer { o in
                kept.withUnsafeBufferPointer { v in gsl_sort_index(o.baseAddress!, v.baseAddress!, 1, kept.count) }
            }
        }
        var ranks = [Double](repeating: .nan, count: values.count)
        var start = 0, before = 0
        while start < order.count {
            var end = start + 1, tied = weights[present[order[start]]]
            while end < order.count, kept[order[end]] == kept[order[start]] {
                tied += weights[present[order[end]]]; end += 1
            }
            let rank = Double(2 * before + tied + 1) / 2   // the mean of ranks before + 1 … before + tied
            for s in start..<end { ranks[present[order[s]]] = rank }
            before += tied
            start = end
        }
        return ranks
    }

    /// Pearson's correlation of `a` and `b` (`gsl_stats_correlation`).
    /// - Returns: nil when the lengths differ, there are fewer than two values, or either varies by
    ///   nothing (GSL would return NaN); otherwise clamped to [−1, 1] against rounding.
    public static func correlation(_ a: [Double], _ b: [Double]) -> Double? {
        guard a.count == b.count, a.count >= 2 else { return nil }
        let r = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in gsl_stats_correlation(pa.baseAddress!, 1, pb.baseAddress!, 1, a.count) }
        }
        guard r.isFinite else { return nil }
        return min(1, max(-1, r))
    }

    /// The Fisher z interval of a (partial) correlation `r` estimated from `n` observations with
    /// `controlled` other variables held fixed: tanh(atanh(r) ± z·se), se = 1/√(n − 3 − controlled),
    /// z the normal quantile of `level` (1.959964 at 95%).
    /// - Returns: nil when n − 3 − controlled < 1 or `r` is not in [−1, 1]; (1, 1) or (−1, −1) when |r| = 1.
    public static func fisherInterval(r: Double, n: Int, controlled: Int = 0, level: Double = 0.95)
        -> (low: Double, high: Double)? {
        let dof = n - 3 - controlled
        guard dof >= 1, r >= -1, r <= 1 else { return nil }
        let z = atanh(r), half = zTwoSided(level) / Double(dof).squareRoot()
        return (tanh(z - half), tanh(z + half))
    }

    /// P(X ≥ k) for X ~ Binomial(n, p) (GSL's upper tail, an incomplete beta function, accurate far
    /// into the tail): 1 for k ≤ 0, 0 for k > n.
    public static func binomialUpperTail(atLeast k: Int, trials n: Int, p: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n else { return 0 }
        if p <= 0 { return 0 }
        if p >= 1 { return 1 }
        return gsl_cdf_binomial_Q(UInt32(k - 1), p, UInt32(n))
    }

    /// Quantile of already sorted data by GSL's definition (linear interpolation between
    /// order statistics, `gsl_stats_quantile_from_sorted_data`).
    public static func quantile(sorted: [Double], _ f: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        return sorted.withUnsafeBufferPointer { gsl_stats_quantile_from_sorted_data($0.baseAddress!, 1, $0.count, f) }
    }

    /// The quantiles of unsorted `values` at `fractions` (ascending), each equal to
    /// ``quantile(sorted:_:)`` of the sorted values, found by selection (`gsl_stats_select`) in
    /// O(n) a fraction rather than by a sort: a summary of a thousand replications asks for three
    /// quantiles of each of thousands of figures.
    ///
    /// Each fraction f needs the order statistics ⌊f(n − 1)⌋ and the one after; selection leaves
    /// the values partitioned about the first, so the next is the smallest of those above it, and
    /// the next fraction's search starts there. Values holding a NaN (which has no place in an
    /// order) take the sorted path.
    /// - Returns: nil for no values.
    /// - Precondition: `fractions` ascending, each in [0, 1].
    public static func quantiles(_ values: [Double], _ fractions: [Double]) -> [Double]? {
        guard !values.isEmpty else { return nil }
        if values.contains(where: \.isNaN) {
            let sorted = values.sorted()
            return fractions.map { quantile(sorted: sorted, $0)! }
        }
        var data = values
        let n = data.count
        var out: [Double] = []
        out.reserveCapacity(fractions.count)
        var known = -1, low = 0.0, high = 0.0      // order statistics `known` and `known + 1`
        var start = 0                              // data[start...] holds order statistics start...
        data.withUnsafeMutableBufferPointer { d in
            for f in fractions {
                precondition(f >= 0 && f <= 1, "a quantile at \(f)")
                // gsl_stats_quantile_from_sorted_data's arithmetic, on the same two values.
                let index = f * Double(n - 1)
                let lhs = Int(index)
                let delta = index - Double(lhs)
                if lhs != known {
                    precondition(lhs > known, "fractions out of order")
                    low = gsl_stats_select(d.baseAddress! + start, 1, n - start, lhs - start)
                    if lhs + 1 < n {
                        high = d[lhs + 1]
                        for i in (lhs + 2)..<n where d[i] < high { high = d[i] }
                    }
                    known = lhs
                    start = lhs + 1
                }
                out.append(lhs == n - 1 ? low : (1 - delta) * low + delta * high)
            }
        }
        return out
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
