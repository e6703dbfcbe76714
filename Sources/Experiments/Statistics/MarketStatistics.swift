import Dispatch
import MarketModel

/// A market figure summarised per month in `summary.csv`.
public struct MarketMetric: Sendable {
    /// Which `market_monthly.csv` rows a figure is defined on.
    public enum Scope: Sendable {
        case allAndTiers
        /// Only the market-wide (`all`) rows.
        case allOnly
        /// Only the tier rows.
        case tiersOnly
    }

    public let name: String
    public let unit: String
    public let doc: String
    public let scope: Scope
    /// The figure in one record; nil where undefined (those replications are left out).
    public let value: @Sendable (MarketMonthRecord) -> Double?

    public init(name: String, unit: String, doc: String, scope: Scope = .allAndTiers,
                value: @escaping @Sendable (MarketMonthRecord) -> Double?) {
        self.name = name; self.unit = unit; self.doc = doc; self.scope = scope; self.value = value
    }

    /// Whether the figure is summarised for entity `e` (0 = `all`, 1… = tiers).
    public func applies(toEntity e: Int) -> Bool {
        switch scope {
        case .allAndTiers: true
        case .allOnly: e == 0
        case .tiersOnly: e > 0
        }
    }

    /// The figures summarised, in the order they appear in `summary.csv`.
    public static let all: [MarketMetric] = [
        MarketMetric(name: "price_index", unit: "currency per accelerator-hour", doc: "`price_index`.") { $0.priceIndex },
        MarketMetric(name: "signed_price_index", unit: "currency per accelerator-hour", doc: "`signed_price_index`.") {
            $0.signedPriceIndex
        },
        MarketMetric(name: "short_term_price", unit: "currency per accelerator-hour",
                     doc: "`short_term_price`; months without short contracts left out.") { $0.shortTermPrice },
        MarketMetric(name: "used_price", unit: "currency", doc: "`used_price`.") { $0.usedPrice },
        MarketMetric(name: "chip_price", unit: "currency per unit", doc: "`chip_price`; tiers only.", scope: .tiersOnly) {
            $0.chipPrice
        },
        MarketMetric(name: "backlog_units", unit: "units", doc: "`backlog_units`.") { Double($0.backlogUnits) },
        MarketMetric(name: "lead_time_days", unit: "days",
                     doc: "`lead_time_days`; months without deliveries left out.") { $0.leadTimeDays },
        MarketMetric(name: "units_installed", unit: "units", doc: "`units_installed`.") { Double($0.unitsInstalled) },
        MarketMetric(name: "units_leased", unit: "units", doc: "`units_leased`.") { Double($0.unitsLeased) },
        MarketMetric(name: "utilisation", unit: "share",
                     doc: "`units_leased` / `units_installed` at month end; replications without units left out.") {
            $0.unitsInstalled > 0 ? Double($0.unitsLeased) / Double($0.unitsInstalled) : nil
        },
        MarketMetric(name: "tenants_lost", unit: "count", doc: "`tenants_lost`.") { Double($0.tenantsLost) },
        MarketMetric(name: "units_lost", unit: "units", doc: "`units_lost`.") { Double($0.unitsLost) },
        MarketMetric(name: "eflops_fp16", unit: "EFLOPS", doc: "`eflops_fp16`.") { $0.eflopsFP16 },
        MarketMetric(name: "national_target_share", unit: "share", doc: "`national_target_share`; `all` only.",
                     scope: .allOnly) { $0.nationalTargetShare },
        MarketMetric(name: "active_firms", unit: "count", doc: "`active_firms`.") { Double($0.activeFirms) },
        MarketMetric(name: "entries", unit: "count", doc: "`entries`; `all` only.", scope: .allOnly) {
            Double($0.entries)
        },
        MarketMetric(name: "exits", unit: "count", doc: "`exits`.") { Double($0.exits) },
    ]
}

/// Per-replication values of every market metric, entity (`all`, then tiers) and month, for
/// one point; the summary needs all of them for its percentiles.
///
/// Stored flat, one block per replication of months doubles for each (entity, metric) pair the
/// metric applies to (NaN marks a missing value), so adding a replication is one append.
public struct MarketTracker: Sendable {
    public let tierNames: [String]
    public let horizonMonths: Int
    let metrics: [MarketMetric]
    /// The slot of (entity × metrics + metric) in a block, or −1 when the metric does not apply.
    let slot: [Int]
    /// Values of one replication: index slot × months + month.
    let blockSize: Int
    private(set) var values: [Double] = []
    private(set) var replications = 0

    public init(tierNames: [String], horizonMonths: Int, metrics: [MarketMetric] = MarketMetric.all) {
        self.tierNames = tierNames
        self.horizonMonths = max(horizonMonths, 0)
        self.metrics = metrics
        var slot: [Int] = []
        var used = 0
        for e in 0...tierNames.count {
            for m in metrics {
                slot.append(m.applies(toEntity: e) ? used : -1)
                if m.applies(toEntity: e) { used += 1 }
            }
        }
        self.slot = slot
        blockSize = used * self.horizonMonths
    }

    /// Entity labels: `all`, then the tiers.
    public var entities: [String] { ["all"] + tierNames }

    /// Adds one replication's market rows (records outside the horizon or of unknown tiers are ignored).
    /// - Complexity: O(records × metrics) plus the block.
    public mutating func add(_ records: [MarketMonthRecord]) {
        let base = values.count
        values.append(contentsOf: repeatElement(.nan, count: blockSize))
        replications += 1
        let m = metrics.count, h = horizonMonths
        values.withUnsafeMutableBufferPointer { block in
            for rec in records {
                let entity = rec.tier.map { $0 + 1 } ?? 0
                guard rec.month >= 0, rec.month < h, entity <= tierNames.count else { continue }
                for k in 0..<m {
                    let s = slot[entity * m + k]
                    if s >= 0, let v = metrics[k].value(rec), v.isFinite { block[base + s * h + rec.month] = v }
                }
            }
        }
    }

    /// Every estimate, indexed slot × months + month (see ``estimate(entity:metric:month:)``).
    ///
    /// The replications' values are read a block of 64 figures at a time, so each replication's
    /// block is read in order (one figure at a time, every read was a replication's block apart:
    /// a cache miss each). With `threads` > 1, that many threads share the blocks; the estimates
    /// are the same whatever their number.
    public func allEstimates(threads: Int = 1) -> [SampleEstimate] {
        let width = 64
        let blocks = (blockSize + width - 1) / width
        var out = [SampleEstimate](repeating: SampleEstimate([]), count: blockSize)
        let replications = replications, blockSize = blockSize
        values.withUnsafeBufferPointer { values in
            out.withUnsafeMutableBufferPointer { out in
                // Each block writes its own figures' estimates, and only reads the values.
                nonisolated(unsafe) let out = out, values = values
                @Sendable func fill(_ b: Int) {
                    let start = b * width, end = Swift.min(start + width, blockSize)
                    var samples = [[Double]](repeating: [], count: end - start)
                    for i in samples.indices { samples[i].reserveCapacity(replications) }
                    for r in 0..<replications {
                        let row = r * blockSize
                        for o in start..<end {
                            let v = values[row + o]
                            if !v.isNaN { samples[o - start].append(v) }
                        }
                    }
                    for o in start..<end { out[o] = SampleEstimate(samples[o - start]) }
                }
                let workers = Swift.max(1, Swift.min(threads, blocks))
                if workers == 1 {
                    for b in 0..<blocks { fill(b) }
                } else {
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        for b in stride(from: w, to: blocks, by: workers) { fill(b) }
                    }
                }
            }
        }
        return out
    }

    /// The estimate for an entity (0 = all), metric and month, over the replications where
    /// the figure is defined, in replication order (empty when the metric does not apply to the entity).
    /// - Complexity: O(replications).
    public func estimate(entity: Int, metric: Int, month: Int) -> SampleEstimate {
        let s = slot[entity * metrics.count + metric]
        guard s >= 0 else { return SampleEstimate([]) }
        let offset = s * horizonMonths + month
        var sample: [Double] = []
        sample.reserveCapacity(replications)
        for r in 0..<replications {
            let v = values[r * blockSize + offset]
            if !v.isNaN { sample.append(v) }
        }
        return SampleEstimate(sample)
    }
}
