import MarketModel
import Tables

/// The per-replication values of every comparison metric for one point: what the paired
/// differences need (a few numbers per replication and entity, not the monthly rows).
///
/// Fed one ``ReplicationResult`` per replication, in replication order.
public struct ComparisonTracker: Sendable {
    public let point: ExperimentPoint
    let calendar: MonthCalendar
    public private(set) var replications = 0
    /// Firms present at the start, in scenario order.
    public let firmNames: [String]
    /// Templates: the point's, in scenario order, then others met in the results in order of first appearance.
    public private(set) var templateNames: [String]
    /// `all`, then the tiers.
    public var marketEntities: [String] { ["all"] + point.tierNames }
    /// `firmValues[f][k][r]`: firm f, metric k (``ComparisonMetrics/firm``), replication r.
    private(set) var firmValues: [[[Double?]]]
    private(set) var templateValues: [[[Double?]]]
    /// `marketValues[e][k][r]`, entity e of ``marketEntities``; empty lists for metrics that do not apply.
    private(set) var marketValues: [[[Double?]]]

    public init(point: ExperimentPoint) {
        self.point = point
        calendar = MonthCalendar(start: point.start, months: point.horizonMonths)
        firmNames = point.firmNames
        templateNames = point.templateNames
        firmValues = Array(repeating: Array(repeating: [], count: ComparisonMetrics.firm.count), count: firmNames.count)
        templateValues = Array(repeating: Array(repeating: [], count: ComparisonMetrics.template.count),
                               count: templateNames.count)
        marketValues = Array(repeating: Array(repeating: [], count: ComparisonMetrics.market.count),
                             count: 1 + point.tierNames.count)
    }

    /// Adds one replication (in replication order).
    /// - Complexity: O(outcomes + market records + entities × metrics).
    public mutating func add(_ result: ReplicationResult) {
        replications += 1
        let roster = FirmRoster(result, point: point)
        let h = point.horizonMonths
        var starting: [Int: FirmOutcome] = [:]
        var entrants: [String: [FirmOutcome]] = [:]
        for o in ResultFiles.canonical(result.outcomes, by: { ($0.firm, 0) }) {
            if let template = roster[o.firm].group {
                entrants[template, default: []].append(o)
                if !templateNames.contains(template) {
                    templateNames.append(template)
                    // earlier replications had none of its entrants
                    templateValues.append(ComparisonMetrics.template.map { m in
                        Array(repeating: m.value([]), count: replications - 1)
                    })
                }
            } else if o.firm >= 0 && o.firm < firmNames.count, starting[o.firm] == nil {
                starting[o.firm] = o
            }
        }
        for f in firmNames.indices {
            let rep = starting[f].map { FirmReplication(outcome: $0, calendar: calendar) }
            for (k, m) in ComparisonMetrics.firm.enumerated() { firmValues[f][k].append(rep.flatMap(m.value)) }
        }
        for (t, name) in templateNames.enumerated() {
            let outcomes = entrants[name] ?? []
            for (k, m) in ComparisonMetrics.template.enumerated() { templateValues[t][k].append(m.value(outcomes)) }
        }
        var series = Array(repeating: [MarketMonthRecord?](repeating: nil, count: max(h, 0)),
                           count: 1 + point.tierNames.count)
        for rec in result.marketMonths {
            let e = rec.tier.map { $0 + 1 } ?? 0
            guard rec.month >= 0, rec.month < h, e >= 0, e < series.count else { continue }
            series[e][rec.month] = rec
        }
        for e in series.indices {
            let s = MarketSeries(months: series[e])
            for (k, m) in ComparisonMetrics.market.enumerated() where m.applies(toEntity: e) {
                marketValues[e][k].append(m.value(s))
            }
        }
    }

    func firm(_ name: String) -> [[Double?]]? { firmNames.firstIndex(of: name).map { firmValues[$0] } }
    func template(_ name: String) -> [[Double?]]? { templateNames.firstIndex(of: name).map { templateValues[$0] } }
    func market(_ name: String) -> [[Double?]]? { marketEntities.firstIndex(of: name).map { marketValues[$0] } }
}

/// The paired comparison of a base and a variant point: `compare.csv`'s rows.
public enum PairedComparison {
    /// Rows for every entity and metric (see ``OutputSchemas/compare`` for the order and meaning).
    /// - Precondition: both trackers hold the same number of replications.
    public static func rows(base: ComparisonTracker, variant: ComparisonTracker) -> [ComparisonRow] {
        precondition(base.replications == variant.replications, "the base and the variant ran different replications")
        var rows: [ComparisonRow] = []
        func union(_ a: [String], _ b: [String]) -> [String] { a + b.filter { !a.contains($0) } }
        func add<I>(_ kind: String, _ names: [String], _ metrics: [ComparisonMetric<I>], entityIndex: (String) -> Int?,
                    _ values: (ComparisonTracker, String) -> [[Double?]]?) {
            for name in names {
                let b = values(base, name), v = values(variant, name)
                for (k, m) in metrics.enumerated() {
                    if let e = entityIndex(name), !m.applies(toEntity: e) { continue }
                    rows.append(ComparisonRow(entityKind: kind, entity: name, metric: m.name, label: m.label, unit: m.unit,
                                              paired: PairedDifference(base: b?[k], variant: v?[k])))
                }
            }
        }
        add("firm", union(base.firmNames, variant.firmNames), ComparisonMetrics.firm, entityIndex: { _ in nil }) {
            $0.firm($1)
        }
        let populations = union(base.point.populationNames, variant.point.populationNames)
        let groups = union(base.templateNames, variant.templateNames)
        add("template", groups.filter { !populations.contains($0) }, ComparisonMetrics.template,
            entityIndex: { _ in nil }) { $0.template($1) }
        add("population", groups.filter { populations.contains($0) }, ComparisonMetrics.population,
            entityIndex: { _ in nil }) { $0.template($1) }
        add("market", union(base.marketEntities, variant.marketEntities), ComparisonMetrics.market,
            entityIndex: { $0 == "all" ? 0 : 1 }) { $0.market($1) }
        return rows
    }
}

/// The sink behind `suanli compare`: tracks point 0 (the base) and point 1 (the variant) and,
/// after the last replication, computes ``rows`` and writes `compare.csv` (into the folder
/// given by ``open(directory:)``, or in memory).
public final class ComparisonSink: FolderResultSink {
    public let fileNames = [OutputSchemas.compare.file]
    private var directory: String?
    private var trackers: [Int: ComparisonTracker] = [:]
    private var order: [Int] = []
    private var writer: CSVWriter?
    /// The rows, once the run has finished.
    public private(set) var rows: [ComparisonRow] = []

    public init() {}

    public func open(directory: String) throws { self.directory = directory }

    /// The bytes of `compare.csv` when written in memory (no folder).
    public var bytes: [UInt8] { writer?.bytes ?? [] }

    public func begin(points: [ExperimentPoint], configuration: RunConfiguration) throws {
        guard points.count == 2 else {
            throw OutputError(message: "a comparison needs two points (base and variant), got \(points.count)")
        }
        order = points.map(\.index)
        for p in points { trackers[p.index] = ComparisonTracker(point: p) }
        writer = try CSVWriter(directory.map { .file($0 + "/" + OutputSchemas.compare.file) } ?? .memory)
    }

    public func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int) throws {
        trackers[point.index]?.add(result)
    }

    public func finish() throws {
        guard let writer, let base = trackers[order[0]], let variant = trackers[order[1]] else { return }
        rows = PairedComparison.rows(base: base, variant: variant)
        try OutputSchemas.compare.writeHeader(tiers: [], to: writer)
        for row in rows { try OutputSchemas.compare.write(row, to: writer) }
        try writer.close()
    }
}
