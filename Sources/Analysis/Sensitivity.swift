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

    /// The data of one fit: n rows of k parameter columns and an outcome y. A column's value in
    /// row i is `values[group[i]]` — a value per point, per replication or per run, so that a
    /// sweep parameter is kept once per point however many runs the point has — or `values[i]`
    /// when it has no groups.
    struct Data {
        struct Column {
            var values: [Double]
            var group: [Int32]?
            @inline(__always) func callAsFunction(_ i: Int) -> Double { group.map { values[Int($0[i])] } ?? values[i] }
        }
        var columns: [Column]
        var y: [Double]
        var n: Int { y.count }

        init(columns: [Column], y: [Double]) { self.columns = columns; self.y = y }

        /// Columns given in full, each as long as `y`.
        init(x: [[Double]], y: [Double]) { self.init(columns: x.map { Column(values: $0, group: nil) }, y: y) }

        /// The means of `cols` and y, and their centred cross products (row-major, y last):
        /// two passes over the rows, with no row kept. With `reusing`, the result of the same
        /// call on data with the same columns and rows and another y: only y's mean and sums are
        /// computed (O(n·k) instead of O(n·k²)), each the same sum in the same order as in full.
        func crossProducts(_ cols: [Int], reusing shared: (mean: [Double], cross: [Double])? = nil)
            -> (mean: [Double], cross: [Double]) {
            let w = cols.count + 1
            if let shared, shared.mean.count == w {
                var mean = shared.mean, cross = shared.cross
                var my = 0.0
                for i in 0..<n { my += y[i] }
                my /= Double(n)
                mean[w - 1] = my
                for a in 0..<w { cross[a * w + w - 1] = 0 }
                cross.withUnsafeMutableBufferPointer { g in
                    for i in 0..<n {
                        let ry = y[i] - my
                        for (a, j) in cols.enumerated() { g[a * w + w - 1] += (columns[j](i) - mean[a]) * ry }
                        g[(w - 1) * w + w - 1] += ry * ry
                    }
                }
                for a in 0..<(w - 1) { cross[(w - 1) * w + a] = cross[a * w + w - 1] }
                return (mean, cross)
            }
            var mean = [Double](repeating: 0, count: w)
            for i in 0..<n {
                for (a, j) in cols.enumerated() { mean[a] += columns[j](i) }
                mean[w - 1] += y[i]
            }
            for a in 0..<w { mean[a] /= Double(n) }
            var cross = [Double](repeating: 0, count: w * w)
            var row = [Double](repeating: 0, count: w)
            cross.withUnsafeMutableBufferPointer { g in
                row.withUnsafeMutableBufferPointer { r in
                    for i in 0..<n {
                        for (a, j) in cols.enumerated() { r[a] = columns[j](i) - mean[a] }
                        r[w - 1] = y[i] - mean[w - 1]
                        for a in 0..<w {
                            let ra = r[a]
                            for b in a..<w { g[a * w + b] += ra * r[b] }
                        }
                    }
                }
            }
            for a in 0..<w { for b in 0..<a { cross[a * w + b] = cross[b * w + a] } }
            return (mean, cross)
        }

        /// Column j replaced by its average ranks over the n rows (ties share the mean of the
        /// ranks they span, as ``Stats/averageRanks(_:)``), kept per group: each group's value
        /// counts as often as it has rows.
        func ranked(_ j: Int) -> Column {
            let c = columns[j]
            guard let group = c.group else { return Column(values: Stats.averageRanks(c.values), group: nil) }
            var weight = [Int](repeating: 0, count: c.values.count)
            for i in 0..<n { weight[Int(group[i])] += 1 }
            let ranks = Stats.averageRanks(c.values, weights: weight)
            return Column(values: ranks, group: group)
        }
    }

    /// What the fits of one run set share whatever the outcome: the parameters' sums (by the
    /// columns summed) and their ranks (by the columns ranked). ``csv(_:)`` keeps one while
    /// consecutive series are fitted over the same runs, so every series after the first costs
    /// O(n·k) rather than O(n·k²) — the same numbers, summed in the same order.
    final class SharedSums {
        var values: [[Int]: (mean: [Double], cross: [Double])] = [:]
        var ranks: [[Int]: (columns: [Data.Column], mean: [Double], cross: [Double])] = [:]
    }

    /// Whether a column of n values with this mean and centred sum of squares varies by more than
    /// rounding: sd > 10⁻¹²·max(1, |mean|).
    private static func varies(mean: Double, sumOfSquares: Double, n: Int) -> Bool {
        (sumOfSquares / Double(n - 1)).squareRoot() > 1e-12 * max(1, abs(mean))
    }

    /// The columns a fit uses, among `numeric` ones (a value in every row): varying, and not
    /// (nearly) a linear combination of earlier used columns (``independent(gram:width:among:)``);
    /// with the means and centred cross products of those columns and y (y last).
    private static func usedColumns(_ data: Data, numeric: [Int], shared: SharedSums? = nil)
        -> (used: [Int], mean: [Double], cross: [Double]) {
        let (mean, cross) = data.crossProducts(numeric, reusing: shared?.values[numeric])
        if let shared, shared.values[numeric] == nil { shared.values[numeric] = (mean, cross) }
        let w = numeric.count + 1
        let candidates = numeric.indices.filter { varies(mean: mean[$0], sumOfSquares: cross[$0 * w + $0], n: data.n) }
        let kept = independent(gram: cross, width: w, among: candidates)
        // Narrow the sums to the kept columns and y.
        let keep = kept + [w - 1]
        return (kept.map { numeric[$0] }, keep.map { mean[$0] }, keep.flatMap { a in keep.map { cross[a * w + $0] } })
    }

    /// The indices of `columns` kept, in order, when each column that is (nearly) a linear
    /// combination of the constant and the columns kept before it is left out
    /// (``independent(gram:width:among:)`` on the centred columns). A sweep's parameters come
    /// first, so they are kept before the draws per replication; draws are collinear when there
    /// are no more replications than draws under common random numbers (each draw is then a
    /// function of the replication alone).
    public static func independent(_ columns: [[Double]]) -> [Int] {
        guard let n = columns.first?.count, n > 0 else { return [] }
        let data = Data(x: columns, y: [Double](repeating: 0, count: n))
        let (_, cross) = data.crossProducts(Array(columns.indices))
        return independent(gram: cross, width: columns.count + 1, among: Array(columns.indices))
    }

    /// Of the columns `among` (in order) whose centred Gram matrix is `gram` (`width` × `width`,
    /// row-major), those kept when each is projected on the columns kept before it and kept only
    /// if what remains keeps more than 10⁻¹⁰ of its sum of squares: Gram–Schmidt done on the Gram
    /// matrix (a Cholesky factorisation that skips dependent columns), so no column is held.
    static func independent(gram g: [Double], width w: Int, among candidates: [Int]) -> [Int] {
        var kept: [Int] = []
        var factor: [[Double]] = []   // row p: the kept column p's coordinates on the orthonormal basis
        for j in candidates {
            let norm = g[j * w + j]
            guard norm > 0 else { continue }
            var coordinates: [Double] = []
            var left = norm
            for (p, kp) in kept.enumerated() {
                var v = g[j * w + kp]
                for q in 0..<p { v -= coordinates[q] * factor[p][q] }
                v /= factor[p][p]
                coordinates.append(v)
                left -= v * v
            }
            guard left > 1e-10 * norm else { continue }
            coordinates.append(left.squareRoot())
            factor.append(coordinates)
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
        src(Data(x: x, y: y), numeric: x.indices.filter { x[$0].count == y.count })
    }

    /// ``src(x:y:)`` on `data`, over the columns `numeric`. The fit is solved from the sums of
    /// squares and cross products (GSL's Cholesky decomposition of the correlation matrix), and the
    /// residuals summed in a last pass, so the runs' rows are never held.
    static func src(_ data: Data, numeric: [Int]) -> [Coefficient?] {
        guard let u = prepared(data, numeric: numeric) else { return [Coefficient?](repeating: nil, count: data.columns.count) }
        return src(data, using: u)
    }

    /// The columns both fits use, with their sums (``usedColumns(_:numeric:)``), once per outcome;
    /// nil when there are fewer than 3 runs or y does not vary (both fits are then empty).
    private static func prepared(_ data: Data, numeric: [Int], shared: SharedSums? = nil)
        -> (used: [Int], mean: [Double], cross: [Double])? {
        let n = data.n
        guard n >= 3 else { return nil }
        let my = data.y.reduce(0, +) / Double(n)
        guard varies(mean: my, sumOfSquares: data.y.reduce(0) { $0 + ($1 - my) * ($1 - my) }, n: n) else { return nil }
        return usedColumns(data, numeric: numeric, shared: shared)
    }

    private static func src(_ data: Data, using u: (used: [Int], mean: [Double], cross: [Double])) -> [Coefficient?] {
        let n = data.n
        var out = [Coefficient?](repeating: nil, count: data.columns.count)
        let (used, mean, cross) = u
        let k = used.count, w = k + 1
        guard k >= 1, n - k - 1 >= 1 else { return out }
        // On z-scores the normal equations are R·b = r_y, R the parameters' correlation matrix
        // and r_y their correlations with y; (ZᵀZ)⁻¹ = R⁻¹/(n − 1).
        let sd = (0..<w).map { cross[$0 * w + $0].squareRoot() }
        var r = [Double](repeating: 0, count: k * k)
        for a in 0..<k { for b in 0..<k { r[a * k + b] = cross[a * w + b] / (sd[a] * sd[b]) } }
        let ry = (0..<k).map { cross[$0 * w + k] / (sd[$0] * sd[k]) }
        guard let fit = Stats.choleskySolve(r, order: k, rhs: [ry], inverseDiagonal: true) else { return out }
        let coefficients = fit.solutions[0]
        // The residual sum of squares on z-scores (z = (v − mean)/sample sd), summed over the rows.
        let scale = (Double(n - 1)).squareRoot()
        var rss = 0.0
        for i in 0..<n {
            var e = (data.y[i] - mean[k]) * scale / sd[k]
            for a in 0..<k { e -= coefficients[a] * (data.columns[used[a]](i) - mean[a]) * scale / sd[a] }
            rss += e * e
        }
        let dof = n - k - 1   // the centring spent one more degree of freedom
        let sigma2 = rss / Double(dof)
        let t = Stats.tTwoSided(0.95, dof: dof)
        for a in 0..<k {
            // On z-scores a coefficient below 10⁻¹⁰ is rounding, not an effect; in an exact fit its
            // standard error is 0 too, and its zero-width interval would seem to exclude 0.
            let b = abs(coefficients[a]) < 1e-10 ? 0 : coefficients[a]
            let se = (max(0, sigma2 * fit.inverseDiagonal[a] / Double(n - 1))).squareRoot()
            out[used[a]] = Coefficient(src: b, low: b - t * se, high: b + t * se)
        }
        return out
    }

    /// The partial rank correlation coefficients of `y` with the columns of `x` (Marino et al. 2008),
    /// over the same runs and parameters as ``src(x:y:)``: every used parameter and `y` are replaced by
    /// their ranks (ties share the average rank, ``Stats/averageRanks(_:)``); PRCC_j is the correlation
    /// of the residuals of rank(x_j) and rank(y), each regressed with an intercept on the ranks of the
    /// other k − 1 parameters — with one parameter, Spearman's rho. The 95% interval is Fisher's z with
    /// se = 1/√(n − 3 − (k − 1)) (``Stats/fisherInterval(r:n:controlled:level:)``).
    ///
    /// Where SRC sees straight-line effects, PRCC sees any monotone one (y = x³ gives 1); neither sees
    /// an effect that rises and then falls. `nil` for a parameter that is constant, whose ranks are (nearly)
    /// a linear combination of earlier parameters' (``independent(_:)``) or whose residuals (or those of
    /// y) keep no more than 10⁻¹² of their sum of squares, and for all when `y` is constant or
    /// n − 3 − (k − 1) < 1.
    public static func prcc(x: [[Double]], y: [Double]) -> [RankCorrelation?] {
        prcc(Data(x: x, y: y), numeric: x.indices.filter { x[$0].count == y.count })
    }

    /// ``prcc(x:y:)`` on `data`, over the columns `numeric`. The regressions are not run: with M the
    /// Gram matrix of the centred ranks, the residual sums of squares and products of rank(x_j) and
    /// rank(y) given the others O are the Schur complement M_jy − M_jO·M_OO⁻¹·M_Oy (and likewise for
    /// jj and yy), so only (k + 1)² sums are kept, whatever the number of runs; and those of every j
    /// at once are the inverses of the 2 × 2 blocks (j, y) of M⁻¹, one inversion for all k.
    static func prcc(_ data: Data, numeric: [Int]) -> [RankCorrelation?] {
        guard let u = prepared(data, numeric: numeric) else { return [RankCorrelation?](repeating: nil, count: data.columns.count) }
        return prcc(data, candidates: u.used)
    }

    /// PRCC over `candidates`, the columns SRC uses (varying, independent in value).
    private static func prcc(_ data: Data, candidates: [Int], shared: SharedSums? = nil) -> [RankCorrelation?] {
        let n = data.n
        var out = [RankCorrelation?](repeating: nil, count: data.columns.count)
        // Ranks can be collinear where values are not: those are left out of the ranks' fit too.
        let known = shared?.ranks[candidates]
        let ranks = Data(columns: known?.columns ?? candidates.map { data.ranked($0) }, y: Stats.averageRanks(data.y))
        let (mean, m) = ranks.crossProducts(Array(candidates.indices), reusing: known.map { ($0.mean, $0.cross) })
        if let shared, known == nil { shared.ranks[candidates] = (ranks.columns, mean, m) }
        let w = candidates.count + 1, yi = w - 1
        let kept = independent(gram: m, width: w, among: Array(candidates.indices))
        let k = kept.count
        guard k >= 1, n - 3 - (k - 1) >= 1 else { return out }
        // All parameters at once: with P the inverse of the Gram matrix of the kept ranks and y's,
        // the residual sums of squares and products of r and y given the other kept parameters
        // form the inverse of P's 2 × 2 block at (r, y) — one inversion instead of a solve of
        // order k − 1 for each parameter (O(k³) rather than O(k⁴)).
        let order = kept + [yi]
        if let p = Stats.choleskyInverse(order.flatMap { a in order.map { m[a * w + $0] } }, order: k + 1) {
            let pyy = p[k * (k + 1) + k]
            for (q, r) in kept.enumerated() {
                let prr = p[q * (k + 1) + q], pry = p[q * (k + 1) + k]
                let det = prr * pyy - pry * pry
                guard det > 0 else { continue }
                let err = pyy / det, eyy = prr / det, ery = -pry / det
                if let c = rankCorrelation(err: err, eyy: eyy, ery: ery, r: r, m: m, w: w, yi: yi, n: n, k: k) {
                    out[candidates[r]] = c
                }
            }
            return out
        }
        // Not positive definite with y (y constant, or explained exactly): parameter by parameter.
        for r in kept {
            let others = kept.filter { $0 != r }
            var err = m[r * w + r], eyy = m[yi * w + yi], ery = m[r * w + yi]
            if !others.isEmpty {
                let o = others.count
                let a = others.flatMap { p in others.map { m[p * w + $0] } }
                let toR = others.map { m[$0 * w + r] }, toY = others.map { m[$0 * w + yi] }
                guard let s = Stats.choleskySolve(a, order: o, rhs: [toR, toY]) else { continue }
                for q in 0..<o {
                    err -= toR[q] * s.solutions[0][q]
                    eyy -= toY[q] * s.solutions[1][q]
                    ery -= toR[q] * s.solutions[1][q]
                }
            }
            if let c = rankCorrelation(err: err, eyy: eyy, ery: ery, r: r, m: m, w: w, yi: yi, n: n, k: k) {
                out[candidates[r]] = c
            }
        }
        return out
    }

    /// The partial rank correlation of column `r` and y from the residual sums of squares (`err`,
    /// `eyy`) and products (`ery`) given the other kept columns; nil when a residual is (nearly) 0
    /// — the parameter or y explained away by the others — or the interval does not exist.
    private static func rankCorrelation(err: Double, eyy: Double, ery: Double, r: Int, m: [Double], w: Int, yi: Int,
                                        n: Int, k: Int) -> RankCorrelation? {
        guard err > 1e-12 * m[r * w + r], eyy > 1e-12 * m[yi * w + yi] else { return nil }
        let rho = Swift.max(-1, Swift.min(1, ery / (err * eyy).squareRoot()))
        guard let ci = Stats.fisherInterval(r: rho, n: n, controlled: k - 1) else { return nil }
        return RankCorrelation(prcc: rho, low: ci.low, high: ci.high)
    }

    /// The bytes of `sensitivity.csv` for the complete result folder `folder`.
    /// - Throws: ``AnalysisError`` when a needed file is missing or malformed.
    public static func csv(folder: String) throws(AnalysisError) -> String {
        csv(try RunOutcomes.read(folder: folder))
    }

    /// The bytes of `sensitivity.csv` for the runs of `outcomes`. A series' fit reads the runs
    /// where it has a value (and whose point has a row in `points.csv`), over the parameters with a
    /// value in every one of them.
    public static func csv(_ outcomes: RunOutcomes) -> String {
        let parameters = outcomes.parameters
        let points = (outcomes.pointValues.keys.max() ?? -1) + 1
        let sourceColumns = parameters.indices.map { outcomes.column($0, points: points) }
        let hasPoint = (0..<points).map { outcomes.pointValues[$0] != nil }
        var text = AnalysisSchemas.sensitivity.columns.map(\.name).joined(separator: ",") + "\n"
        // The sums the fits of consecutive series over the same runs share.
        var shared = SharedSums(), sharedRuns: [Int32]? = nil
        for s in outcomes.series {
            // The runs of the fit, by point, replication and run.
            var byPoint: [Int32] = [], byReplication: [Int32] = [], byRun: [Int32] = []
            var ys: [Double] = []
            for (i, run) in outcomes.runs.enumerated() {
                guard let y = s[i] else { continue }
                if outcomes.sweepParameterCount > 0 && !(run.point >= 0 && run.point < points && hasPoint[run.point]) { continue }
                ys.append(y)
                byPoint.append(Int32(run.point)); byReplication.append(Int32(run.replication)); byRun.append(Int32(i))
            }
            let columns = sourceColumns.map { c in
                Data.Column(values: c.values, group: c.grouping == .point ? byPoint : c.grouping == .replication ? byReplication : byRun)
            }
            let data = Data(columns: columns, y: ys)
            let numeric = parameters.indices.filter { j in
                let c = columns[j]
                return (0..<data.n).allSatisfy { i in
                    let g = Int(c.group![i])
                    return g < c.values.count && !c.values[g].isNaN
                }
            }
            if sharedRuns != byRun { shared = SharedSums(); sharedRuns = byRun }
            let u = prepared(data, numeric: numeric, shared: shared)
            let fit = u.map { src(data, using: $0) } ?? [Coefficient?](repeating: nil, count: parameters.count)
            let ranked = u.map { prcc(data, candidates: $0.used, shared: shared) }
                ?? [RankCorrelation?](repeating: nil, count: parameters.count)
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
        try write(csv(folder: folder), folder: folder)
    }

    /// Writes `text` (from ``csv(_:)``) as `folder`'s `sensitivity.csv`.
    public static func write(_ text: String, folder: String) throws(AnalysisError) {
        try FolderFiles.write(text, file: file, folder: folder)
    }
}
