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
    public struct Run: Hashable, Sendable {
        // 32 bits each: a run takes 8 bytes, and a sweep has fewer than 2³¹ points and replications.
        private var p: Int32, r: Int32
        public var point: Int { get { Int(p) } set { p = Int32(truncatingIfNeeded: newValue) } }
        public var replication: Int { get { Int(r) } set { r = Int32(truncatingIfNeeded: newValue) } }
        public init(point: Int, replication: Int) {
            p = Int32(truncatingIfNeeded: point); r = Int32(truncatingIfNeeded: replication)
        }
    }

    /// Parameter names: the sweep's, then the drawn keys.
    public var parameters: [String]
    /// How many of ``parameters`` are the sweep's (one value per point).
    public var sweepParameterCount: Int
    /// The runs, in (point, replication) order as `outcomes.csv` lists them.
    public var runs: [Run]
    public var series: [Series]
    /// The sweep parameters' values by point.
    var pointValues: [Int: [Double?]]
    /// The drawn values, one column per drawn key (parameter index − ``sweepParameterCount``).
    var drawValues: [DrawColumn]

    /// The values of one key drawn per replication. Under common random numbers a replication
    /// draws the same values at every point, so the column is kept as a value per replication
    /// (memory that does not grow with the points); it becomes a value per run (8 bytes each) as
    /// soon as a run's value differs from its replication's, or a run has none.
    struct DrawColumn: Sendable {
        /// A value per replication (NaN: none), used while ``byRun`` is nil.
        var byReplication: [Double] = []
        /// A value per run (NaN: none), once the values are not a function of the replication.
        var byRun: [Double]?
        /// The run of the last value set; values come in run order, one per run, from run 0.
        var lastRun = -1

        func value(run i: Int, replication q: Int) -> Double {
            if let byRun { return i < byRun.count ? byRun[i] : .nan }
            return i <= lastRun && q < byReplication.count ? byReplication[q] : .nan
        }

        /// Sets the value of run `i` (of replication `q`, `runs` the runs so far).
        mutating func set(_ v: Double, run i: Int, replication q: Int, runs: [Run]) {
            if byRun == nil {
                let known = q < byReplication.count && !byReplication[q].isNaN
                if i == lastRun + 1, !v.isNaN, !known || byReplication[q] == v {
                    if q >= byReplication.count {
                        byReplication.append(contentsOf: repeatElement(.nan, count: q + 1 - byReplication.count))
                    }
                    byReplication[q] = v
                    lastRun = i
                    return
                }
                spread(runs: runs)
            }
            if i >= byRun!.count { byRun!.append(contentsOf: repeatElement(.nan, count: i + 1 - byRun!.count)) }
            byRun![i] = v
        }

        /// Turns the column into a value per run, for `runs`' runs.
        mutating func spread(runs: [Run]) {
            guard byRun == nil else { return }
            byRun = runs.indices.map { value(run: $0, replication: runs[$0].replication) }
        }
    }

    /// Outcomes given directly (the sweep's parameters only, no draws); ``read(folder:templates:)``
    /// reads them from a folder.
    public init(parameters: [String], pointValues: [Int: [Double?]], runs: [Run], series: [Series]) {
        self.init(parameters: parameters, sweepParameterCount: parameters.count, runs: runs, series: series,
                  pointValues: pointValues, drawValues: [])
    }

    init(parameters: [String], sweepParameterCount: Int, runs: [Run], series: [Series], pointValues: [Int: [Double?]],
         drawValues: [DrawColumn]) {
        self.parameters = parameters; self.sweepParameterCount = sweepParameterCount; self.runs = runs
        self.series = series; self.pointValues = pointValues; self.drawValues = drawValues
    }

    /// The parameters' values in run `i` of ``runs`` (nil where it has none); nil when the run's
    /// point has no row in `points.csv`.
    public func parameterValues(at i: Int) -> [Double?]? {
        let pv = pointValues[runs[i].point]
        if sweepParameterCount > 0 && pv == nil { return nil }
        return parameters.indices.map { j in
            if j < sweepParameterCount { return j < pv!.count ? pv![j] : nil }
            let v = drawValues[j - sweepParameterCount].value(run: i, replication: runs[i].replication)
            return v.isNaN ? nil : v
        }
    }

    /// How parameter `j`'s value in a run is found: by the run's point (a sweep parameter), its
    /// replication (a draw under common random numbers) or the run itself; `values[g]` is the
    /// value of group g (NaN: none).
    enum Grouping { case point, replication, run }
    func column(_ j: Int, points: Int) -> (grouping: Grouping, values: [Double]) {
        if j < sweepParameterCount {
            return (.point, (0..<points).map { p in
                guard let pv = pointValues[p], j < pv.count, let v = pv[j] else { return .nan }
                return v
            })
        }
        let d = drawValues[j - sweepParameterCount]
        if let byRun = d.byRun { return (.run, byRun) }
        return (.replication, d.byReplication)
    }

    /// Each series' mean over the replications of each point `0 ..< points` (nil for a point
    /// with no value), with the variance of the noise those means keep.
    ///
    /// A run's outcome is taken as y_pr = μ_p + ρ_r + ε_pr: the point's effect, the replication's
    /// and their interaction. Under common random numbers ρ_r (the same tenants and shocks in
    /// replication r of every point) moves every point's mean alike, so it adds nothing to the
    /// differences between points that sensitivity measures; only ε does. `noiseVariance` is
    /// σ²_ε, estimated from the two-way residuals y_pr − ȳ_p· − ȳ_·r + ȳ_·· with (P − 1)(R − 1)
    /// degrees of freedom. Without common random numbers the replications of different points are
    /// independent, and the same residual mean square estimates the within-point variance. nil
    /// unless every point has a value in the same R ≥ 2 replications, P ≥ 2.
    public func pointMeans(points: Int) -> [(means: [Double?], noiseVariance: Double?, replications: Int)] {
        let replicationCount = (runs.map(\.replication).max() ?? -1) + 1
        return series.map { s in
            var sum = [Double](repeating: 0, count: points)
            var count = [Int](repeating: 0, count: points)
            var repSum = [Double](repeating: 0, count: max(0, replicationCount)), repCount = [Int](repeating: 0, count: max(0, replicationCount))
            for (i, run) in runs.enumerated() where run.point >= 0 && run.point < points {
                guard let v = s[i] else { continue }
                sum[run.point] += v; count[run.point] += 1
                repSum[run.replication] += v; repCount[run.replication] += 1
            }
            let means: [Double?] = (0..<points).map { count[$0] > 0 ? sum[$0] / Double(count[$0]) : nil }
            let r = count.max() ?? 0
            guard points >= 2, r >= 2, count.allSatisfy({ $0 == r }), repCount.filter({ $0 > 0 }).count == r,
                  repCount.allSatisfy({ $0 == 0 || $0 == points }) else { return (means, nil, r) }
            let grand = sum.reduce(0, +) / Double(points * r)
            let repMean = zip(repSum, repCount).map { $1 > 0 ? $0 / Double($1) : 0 }
            var ss = 0.0
            for (i, run) in runs.enumerated() where run.point >= 0 && run.point < points {
                guard let v = s[i] else { continue }
                let e = v - means[run.point]! - repMean[run.replication] + grand
                ss += e * e
            }
            return (means, ss / Double((points - 1) * (r - 1)), r)
        }
    }

    /// The metrics of the outcome series an entity of `kind` (`firm`, `template` or `market`) has,
    /// as ``read(folder:templates:)`` makes them: a market's `entity` is `all` or a tier.
    /// `units_lost_total` and `final_price_index` exist only when the folder has
    /// `market_monthly.csv`.
    public static func metrics(kind: String, entity: String) -> [String] {
        switch kind {
        case "firm": ["survived"]
        case "template": ["entries", "survivors"]
        default: entity == "all" ? ["entries", "units_lost_total", "final_price_index"] : ["final_price_index"]
        }
    }

    /// One outcome series: its identity and a value per run (`nil` where it does not exist).
    public struct Series: Sendable {
        public init(kind: String, entity: String, metric: String, values: [Double?]) {
            self.init(kind: kind, entity: entity, metric: metric, stored: values.map { $0 ?? .nan })
        }
        init(kind: String, entity: String, metric: String, stored: [Double]) {
            self.kind = kind; self.entity = entity; self.metric = metric; self.stored = stored
        }
        /// `firm`, `market` or `template`.
        public var kind: String
        /// A firm's name, a tier name or `all`.
        public var entity: String
        public var metric: String
        /// One value per run of ``RunOutcomes/runs``, NaN where there is none (8 bytes a run; an
        /// outcome that is not a number counts as none).
        var stored: [Double]
        /// The value in run `i` of ``RunOutcomes/runs`` (nil where it does not exist).
        public subscript(i: Int) -> Double? { i < stored.count && !stored[i].isNaN ? stored[i] : nil }
        /// The values of every run (an array made on each call; ``subscript(_:)`` reads one).
        public var values: [Double?] { stored.map { $0.isNaN ? nil : $0 } }
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

    /// A per-run value array that grows as runs appear (`nil` for runs without a value; stored
    /// as NaN, 8 bytes a run).
    struct RunValues {
        var values: [Double] = []
        subscript(i: Int) -> Double? {
            get { i < values.count && !values[i].isNaN ? values[i] : nil }
            set {
                if i >= values.count { values.append(contentsOf: repeatElement(.nan, count: i + 1 - values.count)) }
                values[i] = newValue ?? .nan
            }
        }
        /// The values of runs 0 ..< n (NaN past the last one set), without spare capacity.
        func padded(to n: Int) -> [Double] {
            var out = [Double](); out.reserveCapacity(n)
            out.append(contentsOf: values.prefix(n))
            out.append(contentsOf: repeatElement(.nan, count: n - out.count))
            return out
        }
    }


    /// The rows of a result folder's files as values, turned into ``RunOutcomes`` by the rules
    /// ``read(folder:templates:)`` applies to the files: `params.csv`'s rows (``draw(point:replication:key:value:)``),
    /// `outcomes.csv`'s (``outcome(point:replication:firm:template:entered:survived:)``) and
    /// `market_monthly.csv`'s (``market(point:replication:tier:priceIndex:unitsLost:)``), each file's
    /// in its order. A run that writes those files can give its rows here as it writes them, a
    /// replication's three groups in turn, and need not read the files back: the runs are
    /// numbered as the files list them as long as each replication has a row of `params.csv`
    /// (``exact`` says whether it had).
    public struct Collector: Sendable {
        let templates: Bool
        var parameters: [String]
        let sweepParameterCount: Int
        let pointValues: [Int: [Double?]]
        var runs = RunIndex()
        var drawValues: [DrawColumn] = []
        var drawKeySlot: [String: Int] = [:]
        var firmOrder: [String] = []
        var firmSlot: [String: Int] = [:]
        var survival: [RunValues] = []
        var entries = RunValues()
        var templateOrder: [String] = []
        var templateSlot: [String: Int] = [:]
        var templateEntries: [RunValues] = [], templateSurvivors: [RunValues] = []
        var tiers: [String] = []
        var tierSlot: [String: Int] = [:]
        var lastPrice: [RunValues] = []
        var lost = RunValues()
        /// How many parameters the rows named so far (the sweep's and the drawn keys).
        public var parameterCount: Int { parameters.count }
        /// False once an outcome or market row named a run `params.csv` had not: runs given
        /// replication by replication are then not numbered as the files would number them.
        public private(set) var exact = true

        /// - Parameters:
        ///   - templates: also the series of every entrant template (``read(folder:templates:)``).
        ///   - parameters, pointValues: a sweep's parameters and their values by point (`points.csv`).
        public init(templates: Bool = false, parameters: [String] = [], pointValues: [Int: [Double?]] = [:]) {
            self.templates = templates; self.parameters = parameters; self.pointValues = pointValues
            sweepParameterCount = parameters.count
        }

        /// Before the rows of another file: the files list the runs in the same order, so each
        /// is read from its first run.
        mutating func restart() { runs.restart() }

        /// The run `(point, replication)`, numbered on first sight.
        mutating func run(point: Int, replication: Int) -> Int { runs.index(point: point, replication: replication) }

        /// A row of `params.csv`: `value` nil when the field is empty or not a number.
        public mutating func draw(point: Int, replication: Int, key: String, value: Double?) {
            let k: Int
            if let slot = drawKeySlot[key] { k = slot } else {
                k = drawValues.count; drawKeySlot[key] = k; parameters.append(key); drawValues.append(DrawColumn())
            }
            let i = run(point: point, replication: replication)
            drawValues[k].set(value ?? .nan, run: i, replication: replication, runs: runs.runs)
        }

        /// A row of `outcomes.csv`: `template` empty for a firm declared by itself; `entered`
        /// whether its `entry_month` is set.
        public mutating func outcome(point: Int, replication: Int, firm: String, template: String, entered: Bool,
                                     survived: Bool) {
            outcome(run: noteRun(point: point, replication: replication), firm: firm, template: template,
                    entered: entered, survived: survived)
        }

        mutating func outcome(run i: Int, firm: String, template: String, entered: Bool, survived: Bool) {
            if entries[i] == nil { entries[i] = 0 }
            if template.isEmpty {
                let f: Int
                if let s = firmSlot[firm] { f = s } else {
                    f = firmOrder.count; firmSlot[firm] = f; firmOrder.append(firm); survival.append(RunValues())
                }
                survival[f][i] = survived ? 1 : 0
            } else if entered {
                entries[i]! += 1
                if templates {
                    let t: Int
                    if let s = templateSlot[template] { t = s } else {
                        t = templateOrder.count; templateSlot[template] = t; templateOrder.append(template)
                        templateEntries.append(RunValues()); templateSurvivors.append(RunValues())
                    }
                    templateEntries[t][i] = (templateEntries[t][i] ?? 0) + 1
                    templateSurvivors[t][i] = (templateSurvivors[t][i] ?? 0) + (survived ? 1 : 0)
                }
            }   // a population's firm (`--members`): neither a firm of its own nor an entrant
        }

        /// A row of `market_monthly.csv`: `tier` a tier's name or `all`; `priceIndex` nil when empty.
        public mutating func market(point: Int, replication: Int, tier: String, priceIndex: Double?, unitsLost: Double?) {
            market(run: noteRun(point: point, replication: replication), tier: tier, priceIndex: priceIndex,
                   unitsLost: unitsLost)
        }

        mutating func market(run i: Int, tier: String, priceIndex: Double?, unitsLost: Double?) {
            let t: Int
            if let s = tierSlot[tier] { t = s } else { t = tiers.count; tierSlot[tier] = t; tiers.append(tier); lastPrice.append(RunValues()) }
            lastPrice[t][i] = priceIndex   // rows are in month order: the last one stays
            if tier == "all" { lost[i] = (lost[i] ?? 0) + (unitsLost ?? 0) }
        }

        /// The run of a row given replication by replication, which `params.csv` should have named.
        private mutating func noteRun(point: Int, replication: Int) -> Int {
            let known = runs.runs.count
            let i = run(point: point, replication: replication)
            if i >= known { exact = false }
            return i
        }

        /// The outcomes of the rows given.
        /// - Parameter market: whether `market_monthly.csv` was given (its series exist only then).
        public func outcomes(market haveMarket: Bool) -> RunOutcomes {
            let n = runs.runs.count
            var series: [Series] = firmOrder.indices.map { f in
                Series(kind: "firm", entity: firmOrder[f], metric: "survived", stored: survival[f].padded(to: n))
            }
            series.append(Series(kind: "market", entity: "all", metric: "entries", stored: entries.padded(to: n)))
            if haveMarket {
                series.append(Series(kind: "market", entity: "all", metric: "units_lost_total", stored: lost.padded(to: n)))
                for t in tiers.indices {
                    series.append(Series(kind: "market", entity: tiers[t], metric: "final_price_index",
                                         stored: lastPrice[t].padded(to: n)))
                }
            }
            for t in templateOrder.indices {
                for (metric, counts) in [("entries", templateEntries[t]), ("survivors", templateSurvivors[t])] {
                    series.append(Series(kind: "template", entity: templateOrder[t], metric: metric,
                                         stored: counts.padded(to: n).map { $0.isNaN ? 0 : $0 }))
                }
            }
            // A drawn key with no value in the runs after its last one is not a function of the replication.
            var drawValues = drawValues
            for k in drawValues.indices where drawValues[k].byRun == nil && drawValues[k].lastRun < n - 1 {
                drawValues[k].spread(runs: runs.runs)
            }
            return RunOutcomes(parameters: parameters, sweepParameterCount: sweepParameterCount, runs: runs.runs,
                               series: series, pointValues: pointValues, drawValues: drawValues)
        }
    }

    /// Reads the runs of the complete result folder `folder`.
    /// - Parameter templates: also the series of every entrant template T, after the others:
    ///   `template/T/entries` (entrants of T in the run) and `template/T/survivors` (those of them
    ///   active at the horizon), 0 in a run where T made no entrant.
    /// - Throws: ``AnalysisError`` when a needed file is missing or malformed.
    public static func read(folder: String, templates: Bool = false) throws(AnalysisError) -> RunOutcomes {
        // The sweep's parameters, by point (none for a single run).
        var sweepParameters: [String] = []
        var pointValues: [Int: [Double?]] = [:]
        if let points = table(folder + "/" + FolderFiles.points) {
            sweepParameters = Array(points.header.dropFirst())
            for r in points.rows {
                guard let p = r.first.flatMap({ Int($0) }) else { continue }
                pointValues[p] = r.dropFirst().map { Double($0) }
            }
        }
        var collector = Collector(templates: templates, parameters: sweepParameters, pointValues: pointValues)
        // Draws per replication, by run (the runs numbered as params.csv lists them, the canonical
        // order outcomes.csv and market_monthly.csv follow too).
        // params.csv: point, replication, key, value (streamed; header only when nothing is drawn).
        var drawColumns: (point: Int, replication: Int, key: Int, value: Int)?
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
            collector.draw(point: p, replication: q, key: r[c.key], value: Double(r[c.value]))
        }
        if badParams { throw AnalysisError(file: folder + "/params.csv", reason: "expected the columns point, replication, key and value") }
        guard !collector.parameters.isEmpty else {
            throw AnalysisError(file: folder, reason: "no parameters (neither points.csv nor draws in params.csv) to analyse")
        }
        func column(_ h: [String], _ name: String) throws(AnalysisError) -> Int {
            guard let i = h.firstIndex(of: name) else { throw AnalysisError(file: folder, reason: "no \(name) column") }
            return i
        }
        /// Streams the rows of `name` (after its header) as fields, the first `limit()` of them
        /// (asked once the header is read: the columns the rows need); false when the file is missing.
        func scan(_ name: String, header: (_ columns: [String]) throws(AnalysisError) -> Void, limit: () -> Int,
                  row: (_ fields: [String]) -> Void) throws(AnalysisError) -> Bool {
            var columns: [String]?
            var failure: AnalysisError?
            var needed = Int.max
            let found = CSVRecordReader.forEachRecord(path: folder + "/" + name) { record in
                guard failure == nil else { return }
                if columns == nil {
                    columns = CSVRecords.fields(record)
                    do throws(AnalysisError) { try header(columns!) } catch { failure = error }
                    needed = limit()
                } else {
                    row(CSVRecords.fields(record, limit: needed))
                }
            }
            if let failure { throw failure }
            if found && columns == nil { return false }
            return found
        }
        // The runs, in (point, replication) order as outcomes.csv lists them.
        collector.restart()
        var oP = 0, oR = 0, oF = 0, oT = 0, oS = 0, oE = 0
        let haveOutcomes = try scan(FolderFiles.outcomes, header: { h throws(AnalysisError) in
            oP = try column(h, "point"); oR = try column(h, "replication")
            oF = try column(h, "firm"); oT = try column(h, "template"); oS = try column(h, "survived")
            oE = try column(h, "entry_month")
        }, limit: { max(oP, oR, oF, oT, oS, oE) + 1 }, row: { r in
            guard oP < r.count, oR < r.count, let p = Int(r[oP]), let q = Int(r[oR]) else { return }
            let i = collector.run(point: p, replication: q)
            guard oS < r.count, oE < r.count else { return }
            collector.outcome(run: i, firm: r[oF], template: r[oT], entered: !r[oE].isEmpty, survived: r[oS] == "true")
        })
        guard haveOutcomes else {
            throw AnalysisError(file: folder, reason: "outcomes.csv missing; nothing to analyse")
        }
        var mP = 0, mR = 0, mT = 0, mI = 0, mL = 0
        collector.restart()
        let haveMarket = try scan(FolderFiles.marketMonthly, header: { h throws(AnalysisError) in
            mP = try column(h, "point"); mR = try column(h, "replication")
            mT = try column(h, "tier"); mI = try column(h, "price_index"); mL = try column(h, "units_lost")
        }, limit: { max(mP, mR, mT, mI, mL) + 1 }, row: { r in
            guard mP < r.count, mR < r.count, let p = Int(r[mP]), let q = Int(r[mR]) else { return }
            let i = collector.run(point: p, replication: q)
            guard mL < r.count, mI < r.count else { return }
            collector.market(run: i, tier: r[mT], priceIndex: Double(r[mI]), unitsLost: Double(r[mL]))
        })
        return collector.outcomes(market: haveMarket)
    }
}

/// The names of the result files the analyses read.
public enum FolderFiles {
    public static let points = "points.csv"
    public static let params = "params.csv"
    public static let outcomes = "outcomes.csv"
    public static let marketMonthly = "market_monthly.csv"

    /// Writes an analysis's `text` as `folder/file` (the folder is a temporary one its writer commits).
    static func write(_ text: String, file: String, folder: String) throws(AnalysisError) {
        guard FileManager.default.createFile(atPath: folder + "/" + file, contents: Data(text.utf8)) else {
            throw AnalysisError(file: folder + "/" + file, reason: "cannot write the file")
        }
    }
}
