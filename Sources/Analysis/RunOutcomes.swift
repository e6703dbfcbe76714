import Foundation
import Tables

/// The outcomes of every run of a complete result folder (a sweep, a merge of its shards, or a
/// run whose scenario draws parameters per replication), read from its files: one value per
/// (point, replication) run and outcome series, and each run's parameter values.
///
/// The parameters are the sweep's (`points.csv`, one value per point) followed by the draws per
/// replication (`params.csv`, one value per run, keys in order of first appearance). The outcome
/// series: per firm present at the start, `survived` (1 if active at the horizon, else 0); for
/// the market, `entries` (entrants in the run); and, when the folder has `market_monthly.csv`,
/// `units_lost_total` (`all` row, summed over months) and `final_price_index` per tier (last
/// month). The files are read a record at a time, keeping one value per run and series, so
/// memory grows with the number of runs, not with the files' size.
public struct RunOutcomes: Sendable {
    /// One run of the folder.
    public struct Run: Hashable, Sendable { public var point: Int; public var replication: Int }

    /// Parameter names: the sweep's, then the drawn keys.
    public var parameters: [String]
    /// How many of ``parameters`` are the sweep's (one value per point).
    public var sweepParameterCount: Int
    /// The runs, in (point, replication) order as `outcomes.csv` lists them.
    public var runs: [Run]
    public var series: [Series]
    /// The sweep parameters' values by point.
    var pointValues: [Int: [Double?]]
    /// The drawn values by run, keyed by parameter index.
    var drawValues: [Run: [Int: Double]]

    /// The parameters' values in `run` (nil where it has none); nil when the run's point has no
    /// row in `points.csv`.
    public func parameterValues(of run: Run) -> [Double?]? {
        let pv = pointValues[run.point]
        if sweepParameterCount > 0 && pv == nil { return nil }
        let draws = drawValues[run]
        return parameters.indices.map { j in
            j < sweepParameterCount ? (j < pv!.count ? pv![j] : nil) : draws?[j]
        }
    }

    /// Each series' mean over the replications of each point `0 ..< points` (nil for a point
    /// with no value), with the replication noise: the mean over points of the within-point
    /// sample variance (points with at least two values; nil when there are none).
    public func pointMeans(points: Int) -> [(means: [Double?], withinVariance: Double?, replications: Int)] {
        series.map { s in
            var sum = [Double](repeating: 0, count: points), sumSq = sum
            var count = [Int](repeating: 0, count: points)
            for (i, run) in runs.enumerated() where run.point >= 0 && run.point < points {
                guard let v = s.values[i] else { continue }
                sum[run.point] += v; sumSq[run.point] += v * v; count[run.point] += 1
            }
            var within = 0.0, withinPoints = 0
            let means: [Double?] = (0..<points).map { p in
                guard count[p] > 0 else { return nil }
                let m = sum[p] / Double(count[p])
                if count[p] > 1 {
                    within += max(0, sumSq[p] - Double(count[p]) * m * m) / Double(count[p] - 1)
                    withinPoints += 1
                }
                return m
            }
            return (means, withinPoints > 0 ? within / Double(withinPoints) : nil, count.max() ?? 0)
        }
    }

    /// One outcome series: its identity and a value per run (`nil` where it does not exist).
    public struct Series: Sendable {
        /// `firm` or `market`.
        public var kind: String
        /// A firm's name, a tier name or `all`.
        public var entity: String
        public var metric: String
        /// One value per run of ``RunOutcomes/runs``.
        public var values: [Double?]
    }

    /// Reads a CSV file into header and rows of fields.
    static func table(_ path: String) -> (header: [String], rows: [[String]])? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        let records = CSVRecords.records(bytes)
        guard let h = records.first else { return nil }
        return (CSVRecords.fields(bytes[h]), records.dropFirst().map { CSVRecords.fields(bytes[$0]) })
    }

    /// The runs of a sweep by (point, replication), numbered in order of first appearance.
    /// The files list their runs in the same canonical order, so a run is usually the last one
    /// seen or the next one of the list; the dictionary is only built for files that break this.
    struct RunIndex {
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


    /// Reads the runs of the complete result folder `folder`.
    /// - Throws: ``AnalysisError`` when a needed file is missing or malformed.
    public static func read(folder: String) throws(AnalysisError) -> RunOutcomes {
        // The sweep's parameters, by point (none for a single run).
        var parameters: [String] = []
        var pointValues: [Int: [Double?]] = [:]
        if let points = table(folder + "/" + FolderFiles.points) {
            parameters = Array(points.header.dropFirst())
            for r in points.rows {
                guard let p = r.first.flatMap({ Int($0) }) else { continue }
                pointValues[p] = r.dropFirst().map { Double($0) }
            }
        }
        let sweepParameters = parameters.count
        // Draws per replication, by run.
        var drawValues: [Run: [Int: Double]] = [:]
        // params.csv: point, replication, key, value (streamed; header only when nothing is drawn).
        var drawColumns: (point: Int, replication: Int, key: Int, value: Int)?
        var drawKeySlot: [String: Int] = [:]
        var badParams = false
        _ = CSVRecordReader.forEachRecord(path: folder + "/" + FolderFiles.params) { record in
            let r = CSVRecords.fields(record)
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
            drawValues[Run(point: p, replication: q), default: [:]][k] = Double(r[c.value])
        }
        if badParams { throw AnalysisError(file: folder + "/params.csv", reason: "expected the columns point, replication, key and value") }
        guard !parameters.isEmpty else {
            throw AnalysisError(file: folder, reason: "no parameters (neither points.csv nor draws in params.csv) to analyse")
        }
        func column(_ h: [String], _ name: String) throws(AnalysisError) -> Int {
            guard let i = h.firstIndex(of: name) else { throw AnalysisError(file: folder, reason: "no \(name) column") }
            return i
        }
        /// Streams the rows of `name` (after its header) as fields; false when the file is missing.
        func scan(_ name: String, header: (_ columns: [String]) throws(AnalysisError) -> Void,
                  row: (_ fields: [String]) -> Void) throws(AnalysisError) -> Bool {
            var columns: [String]?
            var failure: AnalysisError?
            let found = CSVRecordReader.forEachRecord(path: folder + "/" + name) { record in
                guard failure == nil else { return }
                if columns == nil {
                    columns = CSVRecords.fields(record)
                    do throws(AnalysisError) { try header(columns!) } catch { failure = error }
                } else {
                    row(CSVRecords.fields(record))
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
        let haveOutcomes = try scan(FolderFiles.outcomes, header: { h throws(AnalysisError) in
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
            throw AnalysisError(file: folder, reason: "outcomes.csv missing; nothing to analyse")
        }
        var mP = 0, mR = 0, mT = 0, mI = 0, mL = 0
        var tiers: [String] = []
        var tierSlot: [String: Int] = [:]
        var lastPrice: [RunValues] = []
        var lost = RunValues()
        runs.restart()
        let haveMarket = try scan(FolderFiles.marketMonthly, header: { h throws(AnalysisError) in
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
        return RunOutcomes(parameters: parameters, sweepParameterCount: sweepParameters, runs: runs.runs, series: series,
                           pointValues: pointValues, drawValues: drawValues)
    }
}

/// The names of the result files the analyses read.
public enum FolderFiles {
    public static let points = "points.csv"
    public static let params = "params.csv"
    public static let outcomes = "outcomes.csv"
    public static let marketMonthly = "market_monthly.csv"
}
