import Stochastics

/// A Saltelli design for Sobol indices in the unit hypercube [0, 1)^k: `basePoints` rows of a
/// 2k-dimensional Sobol sequence (``SobolSequence``, GSL), each split into A (its first k
/// coordinates) and B (its last k), laid out per base row as A, AB₁ … AB_k, B, where AB_j is A
/// with its j-th coordinate taken from B — SALib's order (`SALib.sample.sobol`, second-order
/// indices off), so the outputs of the same points can be fed to `SALib.analyze.sobol`.
///
/// Base row i is GSL's point i; GSL's sequence leaves out the origin (its first point is
/// (½, …, ½)), as Sobol designs usually do, so the first row's A and B are not corner points.
public struct SaltelliDesign: Sendable, Equatable {
    /// The most parameters: GSL's Sobol sequence has at most 40 dimensions and the design needs 2k.
    public static let maxParameters = SobolSequence.maxDimensions / 2

    /// N, the base rows (a power of two keeps the Sobol sequence balanced).
    public var basePoints: Int
    /// k, the parameters.
    public var parameters: Int

    public init(basePoints: Int, parameters: Int) {
        self.basePoints = basePoints; self.parameters = parameters
    }

    /// Points per base row: A, AB₁ … AB_k, B.
    public var rowsPerBase: Int { parameters + 2 }
    /// N·(k + 2).
    public var pointCount: Int { basePoints * rowsPerBase }

    /// The design's points in order, each k unit coordinates.
    /// - Precondition: 1 ≤ k ≤ ``maxParameters``.
    public func unitPoints() -> [[Double]] {
        precondition((1...Self.maxParameters).contains(parameters), "a Saltelli design of \(parameters) parameters")
        let k = parameters
        var out: [[Double]] = []
        out.reserveCapacity(pointCount)
        for row in SobolSequence.points(basePoints, dimensions: 2 * k) {
            let a = Array(row[0..<k]), b = Array(row[k..<(2 * k)])
            out.append(a)
            for j in 0..<k {
                var ab = a
                ab[j] = b[j]
                out.append(ab)
            }
            out.append(b)
        }
        return out
    }
}

/// First-order and total Sobol indices from the outputs of a ``SaltelliDesign``, with bootstrap
/// intervals.
///
/// With f_A, f_B and f_AB_j the outputs at the N rows of A, B and AB_j, all centred on their
/// common mean, and V the variance of the 2N outputs of A and B together (divisor 2N):
/// - first order (Saltelli et al. 2010, table 2 (b)): S_j = mean(f_B·(f_AB_j − f_A)) / V;
/// - total (Jansen 1999): ST_j = mean((f_A − f_AB_j)²) / (2V).
///
/// These are `SALib.analyze.sobol`'s estimators, on the same centring, so the same outputs give
/// the same indices. The 95% intervals are percentile bootstrap intervals: the base rows are
/// resampled with replacement (A, B and every AB_j together), the indices recomputed with the
/// resample's own V, and the 2.5% and 97.5% quantiles taken (SALib reports a normal interval
/// from the bootstrap standard deviation instead; the two agree when the bootstrap distribution
/// is near normal).
public enum SobolIndices {
    /// One parameter's indices.
    public struct Index: Sendable, Equatable {
        public var s1: Double
        public var s1Low: Double
        public var s1High: Double
        public var st: Double
        public var stLow: Double
        public var stHigh: Double
    }

    /// The estimators on outputs in a design's order (N·(k + 2) values: A, AB₁ … AB_k, B per base
    /// row); nil when the outputs of A and B do not vary, or there are fewer than two base rows.
    /// - Parameters:
    ///   - resamples: bootstrap resamples (0: the intervals are the point estimate).
    ///   - stream: the bootstrap's random numbers.
    public static func estimate(outputs y: [Double], parameters k: Int, resamples: Int = 1000, level: Double = 0.95,
                                stream: RandomStream) -> [Index]? {
        let rows = k + 2
        precondition(k >= 1 && y.count % rows == 0, "\(y.count) outputs are not N·(k + 2) for k = \(k)")
        let n = y.count / rows
        guard n >= 2 else { return nil }
        let mean = y.reduce(0, +) / Double(y.count)
        let c = y.map { $0 - mean }
        func a(_ i: Int) -> Double { c[i * rows] }
        func b(_ i: Int) -> Double { c[i * rows + k + 1] }
        func ab(_ i: Int, _ j: Int) -> Double { c[i * rows + 1 + j] }
        /// S1 and ST of every parameter over the base rows `index` (nil when V = 0).
        func indices(_ index: [Int]) -> (s1: [Double], st: [Double])? {
            let m = Double(index.count)
            var sum = 0.0, sumSq = 0.0
            for i in index { sum += a(i) + b(i); sumSq += a(i) * a(i) + b(i) * b(i) }
            let mu = sum / (2 * m)
            let v = sumSq / (2 * m) - mu * mu
            guard v > 1e-300, v > 1e-12 * (sumSq / (2 * m)) else { return nil }
            var s1 = [Double](repeating: 0, count: k), st = s1
            for j in 0..<k {
                var first = 0.0, total = 0.0
                for i in index {
                    let d = ab(i, j) - a(i)
                    first += b(i) * d
                    total += d * d
                }
                s1[j] = first / m / v
                st[j] = total / m / (2 * v)
            }
            return (s1, st)
        }
        guard let point = indices(Array(0..<n)) else { return nil }
        var bootS1 = [[Double]](repeating: [], count: k), bootST = bootS1
        var draw = [Int](repeating: 0, count: n)
        for _ in 0..<resamples {
            for i in 0..<n { draw[i] = stream.uniformInt(n) }
            guard let r = indices(draw) else { continue }   // a resample whose A and B are all equal
            for j in 0..<k { bootS1[j].append(r.s1[j]); bootST[j].append(r.st[j]) }
        }
        let lo = (1 - level) / 2, hi = 1 - lo
        return (0..<k).map { j in
            let s1 = bootS1[j].sorted(), st = bootST[j].sorted()
            return Index(s1: point.s1[j], s1Low: Stats.quantile(sorted: s1, lo) ?? point.s1[j],
                         s1High: Stats.quantile(sorted: s1, hi) ?? point.s1[j],
                         st: point.st[j], stLow: Stats.quantile(sorted: st, lo) ?? point.st[j],
                         stHigh: Stats.quantile(sorted: st, hi) ?? point.st[j])
        }
    }

    /// The indices of `function` on [0, 1)^k (its argument: a point's unit coordinates): the
    /// design's points are evaluated in order and passed to
    /// ``estimate(outputs:parameters:resamples:level:stream:)``.
    public static func estimate(design: SaltelliDesign, resamples: Int = 1000, level: Double = 0.95, stream: RandomStream,
                                function: ([Double]) -> Double) -> [Index]? {
        estimate(outputs: design.unitPoints().map(function), parameters: design.parameters, resamples: resamples,
                 level: level, stream: stream)
    }
}
