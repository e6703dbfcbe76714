import MarketModel
import ScenarioModule
import Tables

/// A targets file's observations resolved against its base scenario and the output schemas: which
/// rows and column each observed value is read from, ready to be read from any replication's records
/// without writing a file.
///
/// The values are those the run would write in `market_monthly.csv` or `firms_monthly.csv`: each
/// column is read through its ``CSVColumn`` of ``OutputSchemas``, so an observation means exactly what
/// the data dictionary says of its column.
public struct ObservationPlan: Sendable {
    /// One observed value.
    public struct Value: Sendable {
        /// The observation's name.
        public var observation: String
        /// The month of a series value; nil for an aggregate.
        public var month: Int?
        public var observed: Double
        public var sd: Double
        /// Whether the value enters the distance.
        public var fit: Bool
    }

    /// How one observation reads a run.
    struct Reader: Sendable {
        enum Rows: Sendable {
            /// market_monthly rows of a tier (nil: `all`).
            case market(tier: Int?, column: CSVColumn<MarketMonthRow>, tierArgument: Int)
            /// firms_monthly rows of the firm with this name.
            case firm(name: String, column: CSVColumn<FirmMonthRow>, tierArgument: Int)
        }
        var rows: Rows
        var aggregate: TargetsFile.Aggregate?
        var months: [Int]
    }

    /// Every observed value, observation by observation, in file order (series by month).
    public let values: [Value]
    let readers: [Reader]
    /// The last month (index from the start) of a fitted value: where a truncated run may stop.
    public let lastFittedMonth: Int

    /// Resolves `targets`' observations against `document` (its base scenario).
    /// - Throws: ``ScenarioDiagnostics`` placed in the targets file: an unknown tier, firm or column, a
    ///   column that is not a number, a month outside the horizon.
    public init(targets: TargetsFile, document: ScenarioDocument) throws(ScenarioDiagnostics) {
        var problems: [Diagnostic] = []
        var values: [Value] = []
        var readers: [Reader] = []
        let start = document.start, horizon = document.horizonMonths
        func monthIndex(_ m: YearMonth, _ mark: TargetsFile.Mark?, _ key: String) -> Int? {
            let k = m.ordinal - start.ordinal
            if k >= 0 && k < horizon { return k }
            problems.append(targets.diagnostic(mark ?? TargetsFile.Mark(line: 1, column: 1, text: ""), key,
                                               "month \(m) is outside the scenario's horizon \(start) … \(start.adding(months: horizon - 1))"))
            return nil
        }
        for (i, o) in targets.observations.enumerated() {
            let key = "observations[\(i)]"
            let numeric: (String) -> Bool = { $0 != "" && $0 != "YYYY-MM" }
            var rows: Reader.Rows?
            if o.file == "market_monthly" {
                let (column, t) = Self.column(o.column, in: OutputSchemas.marketMonthly.columns, tiers: document.tierNames)
                var tier: Int?? = nil
                if o.tier == "all" { tier = .some(nil) } else if let k = document.tierNames.firstIndex(of: o.tier ?? "") { tier = .some(k) } else {
                    problems.append(targets.diagnostic(o.marks["tier"] ?? o.marks[""]!, key + ".tier",
                                                       "no tier '\(o.tier ?? "")' in \(document.path); expected all or one of "
                                                       + document.tierNames.joined(separator: ", ")))
                }
                if let column, numeric(column.unit), let tier { rows = .market(tier: tier, column: column, tierArgument: t) }
                if column == nil || !numeric(column!.unit) {
                    problems.append(Self.columnProblem(targets, o, key, OutputSchemas.marketMonthly.columns.filter { numeric($0.unit) }.map(\.name)))
                }
            } else {
                let (column, t) = Self.column(o.column, in: OutputSchemas.firmsMonthly.columns, tiers: document.tierNames)
                let firm = o.firm ?? ""
                let known = document.providerNames.contains(firm)
                if !known {
                    problems.append(targets.diagnostic(o.marks["firm"] ?? o.marks[""]!, key + ".firm",
                                                       "no provider '\(firm)' in \(document.path); expected one of "
                                                       + document.providerNames.joined(separator: ", ")))
                }
                if let column, numeric(column.unit), known { rows = .firm(name: firm, column: column, tierArgument: t) }
                if column == nil || !numeric(column!.unit) {
                    problems.append(Self.columnProblem(targets, o, key, OutputSchemas.firmsMonthly.columns.filter { numeric($0.unit) }.map(\.name)))
                }
            }
            var months: [Int] = []
            if o.aggregate != nil {
                let from = o.from.map { monthIndex($0, o.marks["from"], key + ".from") } ?? 0
                let to = o.to.map { monthIndex($0, o.marks["to"], key + ".to") } ?? horizon - 1
                if let from, let to { months = Array(from...to) }
                values.append(Value(observation: o.name, month: nil, observed: o.values[0].value, sd: o.sds[0], fit: o.fit))
            } else {
                for (v, sd) in zip(o.values, o.sds) {
                    guard let m = monthIndex(v.month!, o.marks["values"], key + ".values") else { continue }
                    months.append(m)
                    values.append(Value(observation: o.name, month: m, observed: v.value, sd: sd, fit: o.fit))
                }
            }
            if let rows { readers.append(Reader(rows: rows, aggregate: o.aggregate, months: months)) }
        }
        guard problems.isEmpty else { throw ScenarioDiagnostics(diagnostics: problems, file: targets.path) }
        self.values = values
        self.readers = readers
        var last = 0
        for (o, r) in zip(targets.observations, readers) where o.fit { last = max(last, r.months.max() ?? 0) }
        lastFittedMonth = last
    }

    /// The column named `name`, or the per-tier column `<prefix><tier>` with the tier's index.
    static func column<Row>(_ name: String, in columns: [CSVColumn<Row>], tiers: [String]) -> (CSVColumn<Row>?, Int) {
        for c in columns {
            switch c.expansion {
            case .single where c.name == name: return (c, 0)
            case .perTier(let prefix) where name.hasPrefix(prefix):
                if let t = tiers.firstIndex(of: String(name.dropFirst(prefix.count))) { return (c, t) }
            default: continue
            }
        }
        return (nil, 0)
    }

    static func columnProblem(_ targets: TargetsFile, _ o: TargetsFile.Observation, _ key: String, _ names: [String]) -> Diagnostic {
        let near = Suggest.closest(o.column, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        return targets.diagnostic(o.marks["column"] ?? o.marks[""]!, key + ".column",
                                  "no numeric column '\(o.column)' in \(o.file).csv\(near); see Results/README.md")
    }

    /// The values a run gives for every observed value, in ``values`` order: nil where the run leaves
    /// the column empty (a firm that has exited, a price with no contract) or has no row.
    public func read(_ result: ReplicationResult) -> [Double?] {
        var out: [Double?] = []
        out.reserveCapacity(values.count)
        for r in readers {
            var byMonth: [Int: Double?] = [:]
            let wanted = Set(r.months)
            switch r.rows {
            case .market(let tier, let column, let t):
                for rec in result.marketMonths where rec.tier == tier && wanted.contains(rec.month) {
                    let row = MarketMonthRow(scenario: "", point: 0, replication: 0, month: "", tier: "", record: rec)
                    byMonth[rec.month] = Self.number(column.value(row, t))
                }
            case .firm(let name, let column, let t):
                guard let f = result.firms.firstIndex(where: { $0.name == name }) else { break }
                for rec in result.firmMonthsByFirm.joined() where rec.firm == f && wanted.contains(rec.month) {
                    let row = FirmMonthRow(scenario: "", point: 0, replication: 0, month: "", firm: name, businessModel: "",
                                           template: nil, record: rec)
                    byMonth[rec.month] = Self.number(column.value(row, t))
                }
            }
            let series = r.months.map { byMonth[$0] ?? nil }
            switch r.aggregate {
            case nil: out.append(contentsOf: series)
            case .sum?: out.append(series.contains { $0 == nil } ? nil : series.reduce(0) { $0 + $1! })
            case .last?: out.append(series.last ?? nil)
            case .mean?:
                let present = series.compactMap { $0 }
                out.append(present.isEmpty ? nil : present.reduce(0, +) / Double(present.count))
            }
        }
        return out
    }

    /// The distance of a run's values from the fitted observations (``ABCSMC/distance(simulated:observed:sd:)``).
    public func distance(_ simulated: [Double?]) -> Double {
        var x: [Double?] = [], y: [Double] = [], s: [Double] = []
        for (v, value) in zip(simulated, values) where value.fit { x.append(v); y.append(value.observed); s.append(value.sd) }
        return ABCSMC.distance(simulated: x, observed: y, sd: s)
    }

    static func number(_ v: CSVValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d.isFinite ? d : nil
        case .text, .empty: return nil
        }
    }
}
