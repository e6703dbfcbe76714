import Foundation
import Stochastics
import Tables

/// `sensitivity.csv`: which parameters move each outcome most, by standardised regression
/// coefficients (SRC) and partial rank correlation coefficients (PRCC) over all (point, replication)
/// runs of a sweep, or over the replications of a single run whose scenario draws parameters per
/// replication (`per: replication`).
///
/// The parameters are the sweep's (`points.csv`, one value per point) followed by the draws per
/// replication (`params.csv`, one value per run, keys in order of first appearance). Computed
/// from the files of a complete folder (those two, `outcomes.csv` and, when present,
/// `market_monthly.csv`), so an unsharded sweep and a merge of its shards, whose files have the
/// same bytes, give the same bytes here too. Never written for a single shard.
public enum Sensitivity {
    public static let file = "sensitivity.csv"

    /// One fitted coefficient.
    public struct Coefficient: Sendable, Equatable {
        public var src: Double
        public var low: Double
        public var high: Double
    }

    /// One partial rank correlation coefficient with its 95% interval.
    public struct RankCorrelation: Sendable, Equatable {
        public var prcc: Double
        public var low: Double
        public var high: Double
    }

    /// Mean and sample standard deviation (n − 1).
    private static func meanSD(_ v: [Double]) -> (mean: Double, sd: Double) {
        let m = v.reduce(0, +) / Double(v.count)
        let ss = v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (m, (ss / Double(v.count - 1)).squareRoot())
    }

    /// Whether `v` (at least two values) varies by more than rounding: sd > 10⁻¹²·max(1, |mean|).
    private static func varies(_ v: [Double]) -> Bool {
        let (m, s) = meanSD(v)
        return s > 1e-12 * max(1, abs(m))
    }

    /// The columns of `x` both fits use: as long as `y` (`n` values), varying, and not (nearly) a
    /// linear combination of earlier used columns (``independent(_:)``).
    private static func usedColumns(_ x: [[Double]], n: Int) -> [Int] {
        let candidates = x.indices.filter { x[$0].count == n && varies(x[$0]) }
        return independent(candidates.map { x[$0] }).map { candidates[$0] }
    }

    /// The indices of `columns` kept, in order, when each column that is (nearly) a linear
    /// combination of the constant and the columns kept before it is left out: modified
    /// Gram–Schmidt on the centred columns, keeping a column whose remainder keeps more than
    /// 10⁻¹⁰ of its sum of squares. A sweep's parameters come first, so they are kept before the
    /// draws per replication; draws are collinear when there are no more replications than
    /// draws under common random numbers (each draw is then a function of the replication alone).
    public static func independent(_ columns: [[Double]]) -> [Int] {
        var basis: [[Double]] = []
        var kept: [Int] = []
        for (j, column) in columns.enumerated() {
            let m = column.reduce(0, +) / Double(column.count)
            var v = column.map { $0 - m }
            let norm = v.reduce(0) { $0 + $1 * $1 }
            guard norm > 0 else { continue }
            for q in basis {
                var dot = 0.0
                for i in v.indices { dot += v[i] * q[i] }
                for i in v.indices { v[i] -= dot * q[i] }
            }
            let left = v.reduce(0) { $0 + $1 * $1 }
            guard left > 1e-10 * norm else { continue }
            let scale = 1 / left.squareRoot()
            basis.append(v.map { $0 * scale })
            kept.append(j)
        }
        return kept
    }

    /// The standardised regression coefficients of `y` on the columns of `x` (one array per
    /// parameter, each as long as `y`), fitted jointly by OLS on z-scores (sample standard
    /// deviations), with 95% Student t intervals from the OLS standard errors (n − k − 1 degrees of
    /// freedom). SRC_j = b_j·sd(x_j)/sd(y). `nil` for a parameter that is constant, and for all when
    /// `y` is constant, the design is singular or there are too few runs.
    public static func src(x: [[Double]], y: [Double]) -> [Coefficient?] {
        let n = y.count
        var out = [Coefficient?](repeating: nil, count: x.count)
        guard n >= 3 else { return out }
        let (my, sy) = meanSD(y)
        guard varies(y) else { return out }
        let used = usedColumns(x, n: n)
        let z = used.map { j in
            let (m, s) = meanSD(x[j])
            return x[j].map { ($0 - m) / s }
        }
        let k = used.count
        guard k >= 1, n - k - 1 >= 1 else { return out }
        let zy = y.map { ($0 - my) / sy }
        // On centred data the intercept is 0: least squares of zy on the z columns (GSL, by SVD).
        guard let fit = Stats.leastSquares(columns: z, y: zy) else { return out }
        let dof = n - k - 1   // the centring spent one more degree of freedom
        let sigma2 = fit.residualSumOfSquares / Double(dof)
        let t = Stats.tTwoSided(0.95, dof: dof)
        for r in 0..<k {
            // On z-scores a coefficient below 10⁻¹⁰ is the rounding of the SVD, not an effect; in an exact
            // fit its standard error is 0 too, and its zero-width interval would seem to exclude 0.
            let b = abs(fit.coefficients[r]) < 1e-10 ? 0 : fit.coefficients[r]
            let se = (max(0, sigma2 * fit.inverseGramDiagonal[r])).squareRoot()
            out[used[r]] = Coefficient(src: b, low: b - t * se, high: b + t * se)
        }
        return out
    }

    /// The partial rank correlation coefficients of `y` with the columns of `x` (Marino et al. 2008),
    /// over the same runs and parameters as ``src(x:y:)``: every used parameter and `y` are replaced by
    /// their ranks (ties share the average rank, ``Stats/averageRanks(_:)``); for parameter j, rank(x_j)
    /// and rank(y) are each regressed with an intercept on the ranks of the other k − 1 parameters
    /// (``Stats/leastSquares(columns:y:rankTolerance:)``), and PRCC_j is the Pearson correlation of the
    /// two residual vectors — with one parameter, Spearman's rho. The 95% interval is Fisher's z with
    /// se = 1/√(n − 3 − (k − 1)) (``Stats/fisherInterval(r:n:controlled:level:)``).
    ///
    /// Where SRC sees straight-line effects, PRCC sees any monotone one (y = x³ gives 1); neither sees
    /// an effect that rises and then falls. `nil` for a parameter that is constant, whose ranks are (nearly)
    /// a linear combination of earlier parameters' (``independent(_:)``) or whose residuals (or those of
    /// y) do not vary, and for all when `y` is constant or n − 3 − (k − 1) < 1.
    public static func prcc(x: [[Double]], y: [Double]) -> [RankCorrelation?] {
        let n = y.count
        var out = [RankCorrelation?](repeating: nil, count: x.count)
        guard n >= 3, varies(y) else { return out }
        // Centred ranks (average ranks always have mean (n + 1)/2): a fit without intercept on
        // them is the fit with intercept on the ranks.
        let centre = Double(n + 1) / 2
        func centredRanks(_ v: [Double]) -> [Double] { Stats.averageRanks(v).map { $0 - centre } }
        // Ranks can be collinear where values are not: those are left out of the ranks' fit too.
        let candidates = usedColumns(x, n: n)
        let ranked = candidates.map { centredRanks(x[$0]) }
        let kept = independent(ranked)
        let used = kept.map { candidates[$0] }, rx = kept.map { ranked[$0] }
        let k = used.count
        guard k >= 1, n - 3 - (k - 1) >= 1 else { return out }
        let ry = centredRanks(y)
        func sumOfSquares(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 } }
        /// The residuals of `v` on the ranks of every used parameter but `skip`: `v` itself when there are none.
        func residuals(_ v: [Double], without skip: Int) -> [Double]? {
            let others = rx.indices.filter { $0 != skip }.map { rx[$0] }
            guard !others.isEmpty else { return v }
            guard let e = Stats.leastSquares(columns: others, y: v)?.residuals,
                  sumOfSquares(e) > 1e-12 * sumOfSquares(v) else { return nil }   // v is (nearly) explained away
            return e
        }
        // With many parameters, the 2k regressions cost O(k³n); the same partial correlations come
        // from one inverse P of the Gram matrix of the centred ranks (x's and y's):
        // PRCC_j = −P_jy/√(P_jj·P_yy) (``Stats/inverseGram(columns:)``). Used from 8 parameters on,
        // and for a parameter only when neither residual is nearly 0 (1/P_jj and 1/P_yy, the residual
        // sums of squares given every other column, are lower bounds of the regressions' residuals);
        // otherwise, and for fewer parameters, the regressions decide as before.
        let p = k >= 8 ? Stats.inverseGram(columns: rx + [ry]) : nil
        let w = k + 1
        for r in 0..<k {
            let rho: Double
            if let p, 1 / (p[r * w + r] * sumOfSquares(rx[r])) > 1e-12, 1 / (p[k * w + k] * sumOfSquares(ry)) > 1e-12 {
                rho = Swift.max(-1, Swift.min(1, -p[r * w + k] / (p[r * w + r] * p[k * w + k]).squareRoot()))
            } else {
                guard let ex = residuals(rx[r], without: r), let ey = residuals(ry, without: r),
                      let c = Stats.correlation(ex, ey) else { continue }
                rho = c
            }
            guard let ci = Stats.fisherInterval(r: rho, n: n, controlled: k - 1) else { continue }
            out[used[r]] = RankCorrelation(prcc: rho, low: ci.low, high: ci.high)
        }
        return out
    }

    /// The bytes of `sensitivity.csv` for the complete result folder `folder`.
    /// - Throws: ``AnalysisError`` when a needed file is missing or malformed.
    public static func csv(folder: String) throws(AnalysisError) -> String {
        csv(try RunOutcomes.read(folder: folder))
    }

    /// The bytes of `sensitivity.csv` for the runs of `outcomes`.
    public static func csv(_ outcomes: RunOutcomes) -> String {
        let parameters = outcomes.parameters
        var text = AnalysisSchemas.sensitivity.columns.map(\.name).joined(separator: ",") + "\n"
        for s in outcomes.series {
            var ys: [Double] = []
            var xs = [[Double]](repeating: [], count: parameters.count)
            var numeric = [Bool](repeating: true, count: parameters.count)
            for i in outcomes.runs.indices {
                guard let y = s.values[i], let pv = outcomes.parameterValues(at: i) else { continue }
                ys.append(y)
                for j in parameters.indices {
                    if j < pv.count, let v = pv[j] { xs[j].append(v) } else { numeric[j] = false }
                }
            }
            let columns = parameters.indices.map { numeric[$0] ? xs[$0] : [] }
            let fit = src(x: columns, y: ys)
            let ranked = prcc(x: columns, y: ys)
            let order = parameters.indices.filter { fit[$0] != nil }
                .sorted { abs(fit[$0]!.src) > abs(fit[$1]!.src) || (abs(fit[$0]!.src) == abs(fit[$1]!.src) && $0 < $1) }
            for j in parameters.indices {
                var fields = [s.kind, s.entity, s.metric, parameters[j]].map { CSVValue.text($0) }
                if let c = fit[j] {
                    fields += [.double(c.src), .double(c.low), .double(c.high)]
                } else {
                    fields += [.empty, .empty, .empty]
                }
                if let c = ranked[j] {
                    fields += [.double(c.prcc), .double(c.low), .double(c.high)]
                } else {
                    fields += [.empty, .empty, .empty]
                }
                fields.append(fit[j] == nil ? .empty : .int(order.firstIndex(of: j)! + 1))
                fields.append(.int(ys.count))
                text += fields.map(\.formatted).joined(separator: ",") + "\n"
            }
        }
        return text
    }

    /// Writes `sensitivity.csv` into `folder` from the folder's other files.
    public static func write(folder: String) throws(AnalysisError) {
        try FolderFiles.write(csv(folder: folder), file: file, folder: folder)
    }
}
