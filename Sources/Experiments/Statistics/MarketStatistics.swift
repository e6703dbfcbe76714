import MarketModel

/// A market figure summarised per month in `summary.csv`.
public struct MarketMetric: Sendable {
    public let name: String
    public let unit: String
    public let doc: String
    /// The figure in one record; nil where undefined (those replications are left out).
    public let value: @Sendable (MarketMonthRecord) -> Double?

    /// The figures summarised, in the order they appear in `summary.csv`.
    public static let all: [MarketMetric] = [
        MarketMetric(name: "price_index", unit: "currency per accelerator-hour", doc: "`price_index`.") { $0.priceIndex },
        MarketMetric(name: "signed_price_index", unit: "currency per accelerator-hour", doc: "`signed_price_index`.") {
            $0.signedPriceIndex
        },
        MarketMetric(name: "used_price", unit: "currency", doc: "`used_price`.") { $0.usedPrice },
        MarketMetric(name: "units_installed", unit: "units", doc: "`units_installed`.") { Double($0.unitsInstalled) },
        MarketMetric(name: "units_leased", unit: "units", doc: "`units_leased`.") { Double($0.unitsLeased) },
        MarketMetric(name: "utilisation", unit: "share",
                     doc: "`units_leased` / `units_installed` at month end; replications without units left out.") {
            $0.unitsInstalled > 0 ? Double($0.unitsLeased) / Double($0.unitsInstalled) : nil
        },
        MarketMetric(name: "tenants_lost", unit: "count", doc: "`tenants_lost`.") { Double($0.tenantsLost) },
        MarketMetric(name: "units_lost", unit: "units", doc: "`units_lost`.") { Double($0.unitsLost) },
        MarketMetric(name: "eflops_fp16", unit: "EFLOPS", doc: "`eflops_fp16`.") { $0.eflopsFP16 },
        MarketMetric(name: "active_firms", unit: "count", doc: "`active_firms`.") { Double($0.activeFirms) },
        MarketMetric(name: "exits", unit: "count", doc: "`exits`.") { Double($0.exits) },
    ]
}

/// Per-replication values of every market metric, entity (`all`, then tiers) and month, for
/// one point; the summary needs all of them for its percentiles.
///
/// Stored flat, one block of (1 + tiers) × metrics × months doubles per replication (NaN
/// marks a missing value), so adding a replication is one append.
public struct MarketTracker: Sendable {
    public let tierNames: [String]
    public let horizonMonths: Int
    let metrics: [MarketMetric]
    /// Values of one replication: index (entity × metrics + metric) × months + month.
    let blockSize: Int
    private(set) var values: [Double] = []
    private(set) var replications = 0

    public init(tierNames: [String], horizonMonths: Int, metrics: [MarketMetric] = MarketMetric.all) {
        self.tierNames = tierNames
        self.horizonMonths = max(horizonMonths, 0)
        self.metrics = metrics
        blockSize = (1 + tierNames.count) * metrics.count * self.horizonMonths
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
                    if let v = metrics[k].value(rec), v.isFinite {
                        block[base + (entity * m + k) * h + rec.month] = v
                    }
                }
            }
        }
    }

    /// The estimate for an entity (0 = all), metric and month, over the replications where
    /// the figure is defined, in replication order.
    /// - Complexity: O(replications · log replications).
    public func estimate(entity: Int, metric: Int, month: Int) -> SampleEstimate {
        let offset = (entity * metrics.count + metric) * horizonMonths + month
        var sample: [Double] = []
        sample.reserveCapacity(replications)
        for r in 0..<replications {
            let v = values[r * blockSize + offset]
            if !v.isNaN { sample.append(v) }
        }
        return SampleEstimate(sample)
    }
}
