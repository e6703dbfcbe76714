import Foundation
import Stochastics

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

    /// The columns of `x` both fits use: as long as `y` (`n` values) and varying.
    private static func usedColumns(_ x: [[Double]], n: Int) -> [Int] {
        x.indices.filter { x[$0].count == n && varies(x[$0]) }
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
    /// an effect that rises and then falls. `nil` for a parameter that is constant or whose residuals
    /// (or those of y) do not vary, and for all when `y` is constant or n − 3 − (k − 1) < 1.
    public static func prcc(x: [[Double]], y: [Double]) -> [RankCorrelation?] {
        let n = y.count
        var out = [RankCorrelation?](repeating: nil, count: x.count)
        guard n >= 3, varies(y) else { return out }
        let used = usedColumns(x, n: n)
        let k = used.count
        guard k >= 1, n - 3 - (k - 1) >= 1 else { return out }
        // Centred ranks (average ranks always have mean (n + 1)/2): a fit without intercept on
        // them is the fit with intercept on the ranks.
        let centre = Double(n + 1) / 2
        func centredRanks(_ v: [Double]) -> [Double] { Stats.averageRanks(v).map { $0 - centre } }
        let rx = used.map { centredRanks(x[$0]) }
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

    /// One outcome series: its identity and a value per run (`nil` where it does not exist).
    struct Series {
        var kind: String
        var entity: String
        var metric: String
        var values: [Double?]
    }

    /// Reads a CSV file into header and rows of fields.
    static func table(_ path: String) -> (header: [String], rows: [[String]])? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        let records = SweepMerge.records(bytes)
        guard let h = records.first else { return nil }
        return (SweepMerge.fields(bytes[h]), records.dropFirst().map { SweepMerge.fields(bytes[$0]) })
    }

    /// The runs of a sweep by (point, replication), numbered in order of first appearance.
    /// The files list their runs in the same canonical order, so a run is usually the last one
    /// seen or the next one of the list; the dictionary is only built for files that break this.
    struct RunIndex {
        struct Run: Hashable { var point: Int; var replication: Int }
        private(set) var runs: [Run] = []
        private var cursor = -1
        private var lookup: [Run: Int]?

        mutating func restart() { cursor = -1 }

        mutating func index(point: Int, replication: Int) -> Int {
            let run = Run(point: point, replication: replication)
            if cursor >= 0, cursor < runs.count, runs[cursor] == run { return cursor }
            if cursor + 1 < runs.count, runs[cursor + 1] == run { cursor += 1; return cursor }
            // Past every run so far (the canonical order): new.
            if lookup == nil, runs.last.map({ ($0.point, $0.replication) < (point, replication) }) ?? true {
                runs.append(run)
                cursor = runs.count - 1
                return cursor
            }
            if lookup == nil {
                var d: [Run: Int] = [:]
                for (i, r) in runs.enumerated() where d[r] == nil { d[r] = i }
                lookup = d
            }
            if let i = lookup![run] { cursor = i; return i }
            runs.append(run)
            lookup![run] = runs.count - 1
            cursor = runs.count - 1
            return cursor
        }
    }

    /// A per-run value array that grows as runs appear (`nil` for runs without a value).
    struct RunValues {
        var values: [Double?] = []
        subscript(i: Int) -> Double? {
            get { i < values.count ? values[i] : nil }
            set {
                if i >= values.count { values.append(contentsOf: repeatElement(nil, count: i + 1 - values.count)) }
                values[i] = newValue
            }
        }
        func padded(to n: Int) -> [Double?] { values.count >= n ? values : values + repeatElement(nil, count: n - values.count) }
    }

    /// The bytes of `sensitivity.csv` for the complete sweep folder `folder`.
    ///
    /// Reads `outcomes.csv` and `market_monthly.csv` a record at a time, keeping only one value
    /// per run and series, so memory grows with the number of runs, not with the files' size.
    /// - Throws: ``SweepError`` when a needed file is missing or malformed.
    public static func csv(folder: String) throws(SweepError) -> String {
        // The sweep's parameters, by point (none for a single run).
        var parameters: [String] = []
        var pointValues: [Int: [Double?]] = [:]
        if let points = table(folder + "/" + OutputSchemas.pointsFile) {
            parameters = Array(points.header.dropFirst())
            for r in points.rows {
                guard let p = r.first.flatMap({ Int($0) }) else { continue }
                pointValues[p] = r.dropFirst().map { Double($0) }
            }
        }
        let sweepParameters = parameters.count
        // Draws per replication, by run.
        var drawValues: [RunIndex.Run: [Int: Double]] = [:]
        // params.csv: point, replication, key, value (streamed; header only when nothing is drawn).
        var drawColumns: (point: Int, replication: Int, key: Int, value: Int)?
        var drawKeySlot: [String: Int] = [:]
        var badParams = false
        _ = CSVRecordReader.forEachRecord(path: folder + "/" + OutputSchemas.params.file) { record in
            let r = SweepMerge.fields(record)
            guard let c = drawColumns else {
                if let cP = r.firstIndex(of: "point"), let cR = r.firstIndex(of: "replication"),
                   let cK = r.firstIndex(of: "key"), let cV = r.firstIndex(of: "value") {
                    drawColumns = (cP, cR, cK, cV)
                } else {
                    badParams = true
                }
                return
            }
            guard !badParams, max(c.point, c.replication, c.key, c.value) < r.count,
                  let p = Int(r[c.point]), let q = Int(r[c.replication]) else { return }
            let k: Int
            if let slot = drawKeySlot[r[c.key]] { k = slot } else {
                k = parameters.count; drawKeySlot[r[c.key]] = k; parameters.append(r[c.key])
            }
            drawValues[RunIndex.Run(point: p, replication: q), default: [:]][k] = Double(r[c.value])
        }
        if badParams { throw SweepError(.sensitivityInput(reason: "expected the columns point, replication, key and value"), file: folder + "/params.csv") }
        guard !parameters.isEmpty else {
            throw SweepError(.sensitivityInput(reason: "no parameters (neither points.csv nor draws in params.csv); cannot compute \(file)"), file: folder)
        }
        /// The parameters' values in run `run`: nil where it has none.
        func values(of run: RunIndex.Run) -> [Double?]? {
            let pv = pointValues[run.point]
            if sweepParameters > 0 && pv == nil { return nil }
            let draws = drawValues[run]
            return parameters.indices.map { j in
                j < sweepParameters ? (j < pv!.count ? pv![j] : nil) : draws?[j]
            }
        }
        func column(_ h: [String], _ name: String) throws(SweepError) -> Int {
            guard let i = h.firstIndex(of: name) else { throw SweepError(.sensitivityInput(reason: "no \(name) column"), file: folder) }
            return i
        }
        /// Streams the rows of `name` (after its header) as fields; false when the file is missing.
        func scan(_ name: String, header: (_ columns: [String]) throws(SweepError) -> Void,
                  row: (_ fields: [String]) -> Void) throws(SweepError) -> Bool {
            var columns: [String]?
            var failure: SweepError?
            let found = CSVRecordReader.forEachRecord(path: folder + "/" + name) { record in
                guard failure == nil else { return }
                if columns == nil {
                    columns = SweepMerge.fields(record)
                    do throws(SweepError) { try header(columns!) } catch { failure = error }
                } else {
                    row(SweepMerge.fields(record))
                }
            }
            if let failure { throw failure }
            if found && columns == nil { return false }
            return found
        }
        // The runs, in (point, replication) order as outcomes.csv lists them.
        var runs = RunIndex()
        var oP = 0, oR = 0, oF = 0, oT = 0, oS = 0, oE = 0
        var firmOrder: [String] = []
        var firmSlot: [String: Int] = [:]
        var survival: [RunValues] = []
        var entries = RunValues()
        let haveOutcomes = try scan(OutputSchemas.outcomes.file, header: { h throws(SweepError) in
            oP = try column(h, "point"); oR = try column(h, "replication")
            oF = try column(h, "firm"); oT = try column(h, "template"); oS = try column(h, "survived")
            oE = try column(h, "entry_month")
        }, row: { r in
            guard oP < r.count, oR < r.count, let p = Int(r[oP]), let q = Int(r[oR]) else { return }
            let i = runs.index(point: p, replication: q)
            guard oS < r.count, oE < r.count else { return }
            if entries[i] == nil { entries[i] = 0 }
            if r[oT].isEmpty {
                let f: Int
                if let s = firmSlot[r[oF]] { f = s } else {
                    f = firmOrder.count; firmSlot[r[oF]] = f; firmOrder.append(r[oF]); survival.append(RunValues())
                }
                survival[f][i] = r[oS] == "true" ? 1 : 0
            } else if !r[oE].isEmpty {
                entries[i]! += 1
            }   // a population's firm (`--members`): neither a firm of its own nor an entrant
        })
        guard haveOutcomes else {
            throw SweepError(.sensitivityInput(reason: "outcomes.csv missing; cannot compute \(file)"), file: folder)
        }
        var mP = 0, mR = 0, mT = 0, mI = 0, mL = 0
        var tiers: [String] = []
        var tierSlot: [String: Int] = [:]
        var lastPrice: [RunValues] = []
        var lost = RunValues()
        runs.restart()
        let haveMarket = try scan(OutputSchemas.marketMonthly.file, header: { h throws(SweepError) in
            mP = try column(h, "point"); mR = try column(h, "replication")
            mT = try column(h, "tier"); mI = try column(h, "price_index"); mL = try column(h, "units_lost")
        }, row: { r in
            guard mP < r.count, mR < r.count, let p = Int(r[mP]), let q = Int(r[mR]) else { return }
            let i = runs.index(point: p, replication: q)
            guard mL < r.count, mI < r.count else { return }
            let tier = r[mT]
            let t: Int
            if let s = tierSlot[tier] { t = s } else { t = tiers.count; tierSlot[tier] = t; tiers.append(tier); lastPrice.append(RunValues()) }
            lastPrice[t][i] = Double(r[mI])   // rows are in month order: the last one stays
            if tier == "all" { lost[i] = (lost[i] ?? 0) + (Double(r[mL]) ?? 0) }
        })
        let n = runs.runs.count
        var series: [Series] = firmOrder.indices.map { f in
            Series(kind: "firm", entity: firmOrder[f], metric: "survived", values: survival[f].padded(to: n))
        }
        series.append(Series(kind: "market", entity: "all", metric: "entries", values: entries.padded(to: n)))
        if haveMarket {
            series.append(Series(kind: "market", entity: "all", metric: "units_lost_total", values: lost.padded(to: n)))
            for t in tiers.indices {
                series.append(Series(kind: "market", entity: tiers[t], metric: "final_price_index",
                                     values: lastPrice[t].padded(to: n)))
            }
        }
        let runList = runs.runs
        var text = OutputSchemas.sensitivity.columns.map(\.name).joined(separator: ",") + "\n"
        for s in series {
            var ys: [Double] = []
            var xs = [[Double]](repeating: [], count: parameters.count)
            var numeric = [Bool](repeating: true, count: parameters.count)
            for (i, run) in runList.enumerated() {
                guard let y = s.values[i], let pv = values(of: run) else { continue }
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
    public static func write(folder: String) throws(SweepError) {
        let text = try csv(folder: folder)
        guard FileManager.default.createFile(atPath: folder + "/" + file, contents: Data(text.utf8)) else {
            throw SweepError.io("write", folder + "/" + file)
        }
    }
}
