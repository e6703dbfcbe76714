import Foundation
import Stochastics

/// `sensitivity.csv`: which sweep parameters move each outcome most, by standardised regression
/// coefficients (SRC) over all (point, replication) runs of a sweep.
///
/// Computed from the files of a complete sweep folder (`points.csv`, `outcomes.csv` and, when
/// present, `market_monthly.csv`), so an unsharded run and a merge of its shards, whose files
/// have the same bytes, give the same bytes here too. Never written for a single shard.
public enum Sensitivity {
    public static let file = "sensitivity.csv"

    /// One fitted coefficient.
    public struct Coefficient: Sendable, Equatable {
        public var src: Double
        public var low: Double
        public var high: Double
    }

    /// The standardised regression coefficients of `y` on the columns of `x` (one array per
    /// parameter, each as long as `y`), fitted jointly by OLS on z-scores (sample standard
    /// deviations), with 95% Student t intervals from the OLS standard errors (n − k − 1 degrees of
    /// freedom). SRC_j = b_j·sd(x_j)/sd(y). `nil` for a parameter that is constant, and for all when
    /// `y` is constant, the design is singular or there are too few runs.
    public static func src(x: [[Double]], y: [Double]) -> [Coefficient?] {
        let n = y.count
        var out = [Coefficient?](repeating: nil, count: x.count)
        func meanSD(_ v: [Double]) -> (Double, Double) {
            let m = v.reduce(0, +) / Double(v.count)
            let ss = v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
            return (m, (ss / Double(v.count - 1)).squareRoot())
        }
        guard n >= 3 else { return out }
        let (my, sy) = meanSD(y)
        guard sy > 1e-12 * max(1, abs(my)) else { return out }
        var used: [Int] = []
        var z: [[Double]] = []
        for (j, col) in x.enumerated() where col.count == n {
            let (m, s) = meanSD(col)
            guard s > 1e-12 * max(1, abs(m)) else { continue }
            used.append(j)
            z.append(col.map { ($0 - m) / s })
        }
        let k = used.count
        guard k >= 1, n - k - 1 >= 1 else { return out }
        let zy = y.map { ($0 - my) / sy }
        // Normal equations on centred data (the intercept is 0): A = ZᵀZ, rhs = Zᵀy; invert A.
        var a = [[Double]](repeating: [Double](repeating: 0, count: 2 * k), count: k)
        for r in 0..<k {
            for c in 0..<k {
                var s = 0.0
                for i in 0..<n { s += z[r][i] * z[c][i] }
                a[r][c] = s
            }
            a[r][k + r] = 1
        }
        for c in 0..<k {   // Gauss–Jordan with partial pivoting
            var p = c
            for r in c..<k where abs(a[r][c]) > abs(a[p][c]) { p = r }
            guard abs(a[p][c]) > 1e-9 * Double(n) else { return out }
            a.swapAt(c, p)
            let d = a[c][c]
            for j in 0..<(2 * k) { a[c][j] /= d }
            for r in 0..<k where r != c {
                let f = a[r][c]
                if f != 0 { for j in 0..<(2 * k) { a[r][j] -= f * a[c][j] } }
            }
        }
        var zty = [Double](repeating: 0, count: k)
        for r in 0..<k { for i in 0..<n { zty[r] += z[r][i] * zy[i] } }
        var b = [Double](repeating: 0, count: k)
        for r in 0..<k { for c in 0..<k { b[r] += a[r][k + c] * zty[c] } }
        var rss = 0.0
        for i in 0..<n {
            var fit = 0.0
            for r in 0..<k { fit += b[r] * z[r][i] }
            rss += (zy[i] - fit) * (zy[i] - fit)
        }
        let dof = n - k - 1
        let sigma2 = rss / Double(dof)
        let t = Stats.tTwoSided(0.95, dof: dof)
        for r in 0..<k {
            let se = (max(0, sigma2 * a[r][k + r])).squareRoot()
            out[used[r]] = Coefficient(src: b[r], low: b[r] - t * se, high: b[r] + t * se)
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

    /// The bytes of `sensitivity.csv` for the complete sweep folder `folder`.
    /// - Throws: ``SweepError`` when a needed file is missing or malformed.
    public static func csv(folder: String) throws(SweepError) -> String {
        guard let points = table(folder + "/" + OutputSchemas.pointsFile),
              let outcomes = table(folder + "/" + OutputSchemas.outcomes.file) else {
            throw SweepError("\(folder): points.csv or outcomes.csv missing; cannot compute \(file)")
        }
        let parameters = Array(points.header.dropFirst())
        var pointValues: [Int: [Double?]] = [:]
        for r in points.rows {
            guard let p = r.first.flatMap({ Int($0) }) else { continue }
            pointValues[p] = r.dropFirst().map { Double($0) }
        }
        func column(_ h: [String], _ name: String) throws(SweepError) -> Int {
            guard let i = h.firstIndex(of: name) else { throw SweepError("\(folder): no \(name) column") }
            return i
        }
        // The runs, in (point, replication) order as outcomes.csv lists them.
        let oP = try column(outcomes.header, "point"), oR = try column(outcomes.header, "replication")
        let oF = try column(outcomes.header, "firm"), oT = try column(outcomes.header, "template")
        let oS = try column(outcomes.header, "survived")
        struct Run: Hashable { var point: Int; var replication: Int }
        var runs: [Run] = []
        var runIndex: [Run: Int] = [:]
        func index(_ r: [String], _ pc: Int, _ rc: Int) -> Int? {
            guard pc < r.count, rc < r.count, let p = Int(r[pc]), let q = Int(r[rc]) else { return nil }
            let run = Run(point: p, replication: q)
            if let i = runIndex[run] { return i }
            runIndex[run] = runs.count
            runs.append(run)
            return runs.count - 1
        }
        var firmOrder: [String] = []
        var survival: [String: [Int: Double]] = [:]
        var entries: [Int: Double] = [:]
        for r in outcomes.rows {
            guard let i = index(r, oP, oR), oS < r.count else { continue }
            if entries[i] == nil { entries[i] = 0 }
            if r[oT].isEmpty {
                if survival[r[oF]] == nil { firmOrder.append(r[oF]); survival[r[oF]] = [:] }
                survival[r[oF]]![i] = r[oS] == "true" ? 1 : 0
            } else {
                entries[i]! += 1
            }
        }
        var series: [Series] = firmOrder.map { f in
            Series(kind: "firm", entity: f, metric: "survived", values: runs.indices.map { survival[f]![$0] })
        }
        series.append(Series(kind: "market", entity: "all", metric: "entries", values: runs.indices.map { entries[$0] }))
        if let market = table(folder + "/" + OutputSchemas.marketMonthly.file) {
            let mP = try column(market.header, "point"), mR = try column(market.header, "replication")
            let mT = try column(market.header, "tier"), mI = try column(market.header, "price_index")
            let mL = try column(market.header, "units_lost")
            var tiers: [String] = []
            var lastPrice: [String: [Int: Double?]] = [:]
            var lost: [Int: Double] = [:]
            for r in market.rows {
                guard let i = index(r, mP, mR), mL < r.count, mI < r.count else { continue }
                let tier = r[mT]
                if lastPrice[tier] == nil { tiers.append(tier); lastPrice[tier] = [:] }
                lastPrice[tier]![i] = Double(r[mI])   // rows are in month order: the last one stays
                if tier == "all" { lost[i, default: 0] += Double(r[mL]) ?? 0 }
            }
            series.append(Series(kind: "market", entity: "all", metric: "units_lost_total",
                                 values: runs.indices.map { lost[$0] }))
            for tier in tiers {
                series.append(Series(kind: "market", entity: tier, metric: "final_price_index",
                                     values: runs.indices.map { lastPrice[tier]![$0] ?? nil }))
            }
        }
        var text = "entity_kind,entity,metric,parameter,src,src_ci95_low,src_ci95_high,rank,runs\n"
        for s in series {
            var ys: [Double] = []
            var xs = [[Double]](repeating: [], count: parameters.count)
            var numeric = [Bool](repeating: true, count: parameters.count)
            for (i, run) in runs.enumerated() {
                guard let y = s.values[i] ?? nil, let pv = pointValues[run.point] else { continue }
                ys.append(y)
                for j in parameters.indices {
                    if j < pv.count, let v = pv[j] { xs[j].append(v) } else { numeric[j] = false }
                }
            }
            let fit = src(x: parameters.indices.map { numeric[$0] ? xs[$0] : [] }, y: ys)
            let order = parameters.indices.filter { fit[$0] != nil }
                .sorted { abs(fit[$0]!.src) > abs(fit[$1]!.src) || (abs(fit[$0]!.src) == abs(fit[$1]!.src) && $0 < $1) }
            for j in parameters.indices {
                var fields = [s.kind, s.entity, s.metric, parameters[j]].map { CSVValue.text($0) }
                if let c = fit[j] {
                    fields += [.double(c.src), .double(c.low), .double(c.high), .int(order.firstIndex(of: j)! + 1)]
                } else {
                    fields += [.empty, .empty, .empty, .empty]
                }
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
            throw SweepError("cannot write \(folder)/\(file)")
        }
    }
}
