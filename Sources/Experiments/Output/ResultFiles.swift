import Analysis
import MarketModel
import Tables

/// The standard CSV files of a run, as one sink: `firms_monthly.csv`, `market_monthly.csv`,
/// `supply_monthly.csv`, `fleet_monthly.csv`, `outcomes.csv`, `params.csv` (written per replication) and
/// `survival.csv`, `summary.csv` (written at the end of each point).
///
/// Rows within a replication follow the canonical entity-then-month order whatever order the
/// model produced them in. Firms are named from ``ReplicationResult/firms`` (the point's
/// providers when the model leaves it empty); an entrant's monthly rows start at its entry month.
public final class ResultFiles: ResultSink {
    /// The file names, in the order the data dictionary lists them.
    public static let fileNames = OutputSchemas.documentation.map(\.file)

    private let directory: String?
    private var writers: [String: CSVWriter] = [:]
    private var tiers = TierLayout(tiersByPoint: [])
    private var pointSlot: [Int: Int] = [:]
    private var monthLabels: [Int: [String]] = [:]
    private var statistics: PointStatistics?
    /// The firm summaries of every finished point, in order.
    public private(set) var summaries: [PointSummary] = []

    /// The per-month files, which a sweep writes only when asked (`--monthly`).
    public static let monthlyFileNames = [OutputSchemas.firmsMonthly.file, OutputSchemas.marketMonthly.file,
                                          OutputSchemas.supplyMonthly.file, OutputSchemas.fleetMonthly.file]

    /// Whether the per-month files are written.
    public let monthly: Bool
    /// Whether the firms of populations get rows of their own (``RunConfiguration/members``), set by `begin`.
    private var members = false
    /// Threads the summary's estimates may use at the end of a point (``RunConfiguration/threads``), set by `begin`.
    private var threads = 1

    /// The files this sink writes, in data-dictionary order.
    public var writtenFileNames: [String] {
        monthly ? Self.fileNames : Self.fileNames.filter { !Self.monthlyFileNames.contains($0) }
    }

    /// What the analyses read from `params.csv`, `outcomes.csv` and `market_monthly.csv`, gathered
    /// as their rows are written (``runOutcomes``); nil unless asked for.
    private var collector: RunOutcomes.Collector?

    /// - Parameters:
    ///   - directory: an existing folder to write into; nil keeps the files in memory.
    ///   - monthly: false skips ``monthlyFileNames`` (neither created nor written).
    ///   - collectsOutcomes: also gather ``runOutcomes`` as the rows are written.
    public init(directory: String?, monthly: Bool = true, collectsOutcomes: Bool = false) {
        self.directory = directory
        self.monthly = monthly
        if collectsOutcomes { collector = RunOutcomes.Collector() }
    }

    /// The runs written, as `RunOutcomes.read(folder:)` reads them back from the files — the same
    /// values, since every number is written in a form that reads back to itself — without
    /// reading them. nil unless the sink was made with `collectsOutcomes`, when there are no
    /// parameters, or when a replication wrote no row of `params.csv` (the files would then number
    /// the runs otherwise): read the folder in those cases.
    public var runOutcomes: RunOutcomes? {
        guard let collector, collector.exact, collector.parameterCount > 0 else { return nil }
        return collector.outcomes(market: monthly)
    }

    /// A number as it reads back from its field: nil for an empty one (nil, NaN, ±infinity),
    /// 0 for −0 (written `0`), itself otherwise (written in a form that reads back exactly).
    static func readBack(_ x: Double?) -> Double? {
        guard let x, x.isFinite else { return nil }
        return x == 0 ? 0 : x
    }

    /// Gives one replication's rows of `params.csv`, `outcomes.csv` and `market_monthly.csv` to the
    /// collector, with the values and in the order they are written.
    private func collect(_ result: ReplicationResult, point: ExperimentPoint, replication: Int, roster: FirmRoster) {
        guard collector != nil else { return }
        for (key, value) in result.parameters {
            collector!.draw(point: point.index, replication: replication, key: key, value: Self.readBack(value))
        }
        for o in Self.canonical(result.outcomes, by: { ($0.firm, 0) }) {
            let firm = roster[o.firm]
            guard members || firm.population == nil else { continue }
            collector!.outcome(point: point.index, replication: replication, firm: firm.name,
                               template: firm.group ?? "", entered: firm.template != nil, survived: o.survived)
        }
        guard monthly else { return }
        // The collector keeps, of a run's market rows, each tier's last price index and the units
        // lost summed over the `all` rows: one row per tier (its last, with the `all` rows' units
        // lost summed in file order, as the collector would sum them) gives it the same values.
        let rows = Self.byEntity(result.marketMonths, entities: 1 + point.tierNames.count,
                                 entity: { $0.tier.map { $0 + 1 } ?? 0 }, month: \.month)
        var k = 0
        while k < rows.count {
            let tier = rows[k].tier
            var lost = 0.0, end = k
            while end < rows.count && rows[end].tier == tier {
                lost += Double(rows[end].unitsLost)
                end += 1
            }
            collector!.market(point: point.index, replication: replication,
                              tier: tier.map { Self.tierName($0, point: point) } ?? "all",
                              priceIndex: Self.readBack(rows[end - 1].priceIndex), unitsLost: lost)
            k = end
        }
    }

    /// A tier's name in the files.
    static func tierName(_ t: Int, point: ExperimentPoint) -> String {
        t >= 0 && t < point.tierNames.count ? point.tierNames[t] : "tier-\(t)"
    }

    /// The text of a file written in memory (empty for unknown names or a folder destination).
    public func text(of file: String) -> String { writers[file]?.text ?? "" }

    /// The bytes of a file written in memory.
    public func bytes(of file: String) -> [UInt8] { writers[file]?.bytes ?? [] }

    private func writer(_ file: String) -> CSVWriter { writers[file]! }

    public func begin(points: [ExperimentPoint], configuration: RunConfiguration) throws {
        tiers = TierLayout(tiersByPoint: points.map(\.tierNames))
        members = configuration.members
        threads = configuration.threads
        for (i, p) in points.enumerated() {
            pointSlot[p.index] = i
            monthLabels[p.index] = p.monthLabels
        }
        for file in writtenFileNames {
            let w = try CSVWriter(directory.map { .file($0 + "/" + file) } ?? .memory)
            writers[file] = w
        }
        if monthly {
            try OutputSchemas.firmsMonthly.writeHeader(tiers: tiers.names, to: writer(OutputSchemas.firmsMonthly.file))
            try OutputSchemas.marketMonthly.writeHeader(tiers: [], to: writer(OutputSchemas.marketMonthly.file))
            try OutputSchemas.supplyMonthly.writeHeader(tiers: [], to: writer(OutputSchemas.supplyMonthly.file))
            try OutputSchemas.fleetMonthly.writeHeader(tiers: [], to: writer(OutputSchemas.fleetMonthly.file))
        }
        try OutputSchemas.outcomes.writeHeader(tiers: [], to: writer(OutputSchemas.outcomes.file))
        try OutputSchemas.params.writeHeader(tiers: [], to: writer(OutputSchemas.params.file))
        try OutputSchemas.survival.writeHeader(tiers: [], to: writer(OutputSchemas.survival.file))
        try OutputSchemas.summary.writeHeader(tiers: [], to: writer(OutputSchemas.summary.file))
    }

    /// The monthly files' rows of one replication, formatted on a worker thread.
    struct MonthlyRows: Sendable {
        var firms: [UInt8], firmRows: Int
        var market: [UInt8], marketRows: Int
        var supply: [UInt8], supplyRows: Int
        var fleet: [UInt8], fleetRows: Int
    }

    /// Formats the four monthly files of a replication in memory; a pure function of its
    /// inputs, so workers can run it in parallel and the writer only appends the bytes.
    static func formatMonthly(_ result: ReplicationResult, point: ExperimentPoint, replication: Int,
                              months: [String], tierMap: [Int?], members: Bool) throws -> MonthlyRows {
        func month(_ m: Int) -> String { m >= 0 && m < months.count ? months[m] : point.monthLabel(m) }
        func tierName(_ t: Int) -> String { Self.tierName(t, point: point) }
        let roster = FirmRoster(result, point: point)
        let fw = try CSVWriter(.memory), mw = try CSVWriter(.memory), sw = try CSVWriter(.memory)
        let uw = try CSVWriter(.memory)
        for rec in firmMonthsInOrder(result) {
            let firm = roster[rec.firm]
            guard rec.month >= firm.entryMonth else { continue }   // an entrant has no rows before it enters
            guard members || firm.population == nil else { continue }
            try OutputSchemas.firmsMonthly.write(
                FirmMonthRow(scenario: point.scenario, point: point.index, replication: replication,
                             month: month(rec.month), firm: firm.name, businessModel: firm.businessModel,
                             template: firm.group, record: rec),
                tierMap: tierMap, to: fw)
        }
        for rec in byEntity(result.marketMonths, entities: 1 + point.tierNames.count,
                            entity: { $0.tier.map { $0 + 1 } ?? 0 }, month: \.month) {
            try OutputSchemas.marketMonthly.write(
                MarketMonthRow(scenario: point.scenario, point: point.index, replication: replication,
                               month: month(rec.month), tier: rec.tier.map(tierName) ?? "all", record: rec), to: mw)
        }
        for rec in supplyOrder(result.supplyMonths) {
            try OutputSchemas.supplyMonthly.write(
                SupplyMonthRow(scenario: point.scenario, point: point.index, replication: replication,
                               month: month(rec.month), tier: tierName(rec.tier), record: rec), to: sw)
        }
        for rec in canonical(result.fleetMonths, by: { ($0.tier, $0.month) }) {
            try OutputSchemas.fleetMonthly.write(
                FleetMonthRow(scenario: point.scenario, point: point.index, replication: replication,
                              month: month(rec.month), tier: tierName(rec.tier), record: rec), to: uw)
        }
        try fw.close()
        try mw.close()
        try sw.close()
        try uw.close()
        return MonthlyRows(firms: fw.bytes, firmRows: fw.rowCount, market: mw.bytes, marketRows: mw.rowCount,
                           supply: sw.bytes, supplyRows: sw.rowCount, fleet: uw.bytes, fleetRows: uw.rowCount)
    }

    public func preparer() -> (@Sendable (ReplicationResult, ExperimentPoint, Int) throws -> any Sendable)? {
        guard monthly else { return nil }
        let labels = monthLabels, slots = pointSlot, pointTier = tiers.pointTier, members = members
        return { result, point, replication in
            try Self.formatMonthly(result, point: point, replication: replication,
                                   months: labels[point.index] ?? point.monthLabels,
                                   tierMap: pointTier[slots[point.index] ?? 0], members: members)
        }
    }

    public func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int) throws {
        try consume(result, point: point, replication: replication, prepared: nil)
    }

    public func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int,
                        prepared: (any Sendable)?) throws {
        if statistics?.point.index != point.index { statistics = PointStatistics(point: point) }
        let months = monthLabels[point.index] ?? point.monthLabels
        func month(_ m: Int) -> String { m >= 0 && m < months.count ? months[m] : point.monthLabel(m) }
        let roster = FirmRoster(result, point: point)

        if monthly {
            let rows = try (prepared as? MonthlyRows)
                ?? Self.formatMonthly(result, point: point, replication: replication, months: months,
                                      tierMap: tiers.pointTier[pointSlot[point.index] ?? 0], members: members)
            try writer(OutputSchemas.firmsMonthly.file).appendFormatted(rows.firms, rows: rows.firmRows)
            try writer(OutputSchemas.marketMonthly.file).appendFormatted(rows.market, rows: rows.marketRows)
            try writer(OutputSchemas.supplyMonthly.file).appendFormatted(rows.supply, rows: rows.supplyRows)
            try writer(OutputSchemas.fleetMonthly.file).appendFormatted(rows.fleet, rows: rows.fleetRows)
        }
        let ow = writer(OutputSchemas.outcomes.file)
        for o in Self.canonical(result.outcomes, by: { ($0.firm, 0) }) {
            let firm = roster[o.firm]
            guard members || firm.population == nil else { continue }
            try OutputSchemas.outcomes.write(
                OutcomeRow(scenario: point.scenario, point: point.index, replication: replication,
                           firm: firm.name, businessModel: firm.businessModel, template: firm.group,
                           entryMonth: firm.template == nil ? nil : month(firm.entryMonth),
                           exitMonth: o.exitMonth.map(month), outcome: o), to: ow)
        }
        let pw = writer(OutputSchemas.params.file)
        for (key, value) in result.parameters {
            try OutputSchemas.params.write(
                ParameterRow(scenario: point.scenario, point: point.index, replication: replication, key: key,
                             value: value), to: pw)
        }
        collect(result, point: point, replication: replication, roster: roster)
        try statistics!.add(result)
    }

    /// The summary of the point being consumed, over its replications so far (nil between points).
    public var currentSummary: PointSummary? { statistics?.summary() }

    public func endPoint(_ point: ExperimentPoint) throws {
        guard let stats = statistics, stats.point.index == point.index else { return }
        let sw = writer(OutputSchemas.survival.file)
        for row in stats.survivalRows() { try OutputSchemas.survival.write(row, to: sw) }
        let uw = writer(OutputSchemas.summary.file)
        for row in stats.summaryRows(threads: threads) { try OutputSchemas.summary.write(row, to: uw) }
        summaries.append(stats.summary())
        statistics = nil
    }

    public func finish() throws {
        for file in Self.fileNames { try writers[file]?.close() }
    }

    /// A result's firm rows in (firm, month) order: its groups as they are when they follow each
    /// other in that order (as the model's do), else all of them sorted.
    static func firmMonthsInOrder(_ result: ReplicationResult) -> FlattenSequence<[[FirmMonthRecord]]> {
        var last: (Int, Int)? = nil
        for group in result.firmMonthsByFirm {
            for rec in group {
                if let l = last, l > (rec.firm, rec.month) {
                    return [canonical(result.firmMonths, by: { ($0.firm, $0.month) })].joined()
                }
                last = (rec.firm, rec.month)
            }
        }
        return result.firmMonthsByFirm.joined()
    }

    /// `items` in ascending key order, stable; returned as is when already ordered.
    /// - Complexity: O(n) when ordered, O(n log n) otherwise.
    static func canonical<T>(_ items: [T], by key: (T) -> (Int, Int)) -> [T] {
        var i = 1
        while i < items.count {
            if key(items[i - 1]) > key(items[i]) { return stableSorted(items, by: key) }
            i += 1
        }
        return items
    }

    /// `items` grouped by entity (0..<entities; others last), months ascending within each,
    /// stable: the market records arrive month-major and are written entity-major.
    /// - Complexity: O(n) when each entity's months arrive in order, O(n log n) otherwise.
    static func byEntity<T>(_ items: [T], entities: Int, entity: (T) -> Int, month: (T) -> Int) -> [T] {
        var buckets = Array(repeating: [T](), count: entities + 1)
        for item in items {
            let e = entity(item)
            buckets[e >= 0 && e < entities ? e : entities].append(item)
        }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for b in buckets { out.append(contentsOf: canonical(b, by: { (entity($0), month($0)) })) }
        return out
    }

    /// Supply records in canonical order: tier, then supply line (tier, jurisdiction) in order of
    /// first appearance (the scenario order of the supply entries, as the model lists them), then month.
    /// - Complexity: O(n) when already ordered, O(n log n) otherwise.
    static func supplyOrder(_ items: [SupplyMonthRecord]) -> [SupplyMonthRecord] {
        struct Line: Hashable { var tier: Int, jurisdiction: String }
        var rank: [Line: Int] = [:]
        for r in items {
            let line = Line(tier: r.tier, jurisdiction: r.jurisdiction)
            if rank[line] == nil { rank[line] = rank.count }
        }
        let n = max(rank.count, 1)
        return canonical(items) { ($0.tier * n + rank[Line(tier: $0.tier, jurisdiction: $0.jurisdiction)]!, $0.month) }
    }

    static func stableSorted<T>(_ items: [T], by key: (T) -> (Int, Int)) -> [T] {
        items.enumerated().sorted { a, b in
            let ka = key(a.element), kb = key(b.element)
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }
}
