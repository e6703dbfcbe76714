import Experiments
import MarketModel
import Stochastics

/// What the page draws of a comparison, gathered from the results as they stream past (a
/// ``ResultSink`` beside the files): each tier's price index, each named firm's month-end cash
/// and every exit's reason and driver, per point.
final class RunDigest: ResultSink {
    private var months = 0
    private var start = YearMonth(year: 2024, month: 1)
    private var tiers: [String] = []
    private var firms: [String] = []
    private var replications = [0, 0]
    /// [point][tier][month]: the price index of each replication that has one.
    private var prices: [[[[Double]]]] = []
    /// [point][firm][month]: the month-end cash of each replication in which the firm is active.
    private var cash: [[[[Double]]]] = []
    private var reasons: [[String: Int]] = [[:], [:]]
    private var drivers: [[String: Int]] = [[:], [:]]

    func begin(points: [ExperimentPoint], configuration: RunConfiguration) throws {
        guard let base = points.first else { return }
        months = base.horizonMonths
        start = base.start
        tiers = base.tierNames
        firms = base.firmNames
        prices = points.map { _ in tiers.map { _ in Array(repeating: [], count: months) } }
        cash = points.map { _ in firms.map { _ in Array(repeating: [], count: months) } }
    }

    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int) throws {
        let p = point.index
        replications[p] += 1
        for r in result.marketMonths {
            guard let t = r.tier, let v = r.priceIndex, v.isFinite, t < tiers.count, r.month < months else { continue }
            prices[p][t][r.month].append(v)
        }
        // Firms present at the start, not members of a population, in the point's order.
        var column: [Int: Int] = [:]
        for (i, f) in result.firms.enumerated() where f.template == nil && f.population == nil {
            if let k = firms.firstIndex(of: f.name) { column[i] = k }
        }
        for r in result.firmMonthsByFirm.joined() where r.status == .active && r.month < months {
            guard let k = column[r.firm] else { continue }
            cash[p][k][r.month].append(r.cashEnd)
        }
        for o in result.outcomes where !o.survived {
            if let reason = o.exitReason { reasons[p][reason.rawValue, default: 0] += 1 }
            if let driver = o.exitDriver { drivers[p][driver.rawValue, default: 0] += 1 }
        }
    }

    /// The `result` object of docs/explorer.md.
    func json(rows: [ComparisonRow]) -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .double($0) : .null } ?? .null }
        func fan(_ samples: [[Double]], extra: [(String, JSONValue)] = []) -> JSONValue {
            let sorted = samples.map { $0.sorted() }
            var members: [(String, JSONValue)] = []
            for (label, f) in [("p5", 0.05), ("p50", 0.5), ("p95", 0.95)] {
                members.append((label, .array(sorted.map { number(Stats.quantile(sorted: $0, f)) })))
            }
            return .object(members + extra)
        }
        func perPoint(_ make: (Int) -> JSONValue) -> [(String, JSONValue)] {
            [("base", make(0)), ("variant", make(1))]
        }
        let survival = rows.filter { $0.metric == "p_survive" && ($0.entityKind == "firm" || $0.entityKind == "population") }
        func row(_ r: ComparisonRow, metric: Bool) -> JSONValue {
            var members: [(String, JSONValue)] = [("entity_kind", .string(r.entityKind)), ("entity", .string(r.entity))]
            if metric { members.append(("metric", .string(r.metric))) }
            members += [("base", number(r.paired.base)), ("variant", number(r.paired.variant)), ("diff", number(r.paired.diff)),
                        ("low", number(r.paired.low)), ("high", number(r.paired.high)),
                        ("sign_settled", r.paired.signSettled.map { .bool($0) } ?? .null)]
            return .object(members)
        }
        let reasonNames = ExitReason.allCases.map(\.rawValue), driverNames = ExitDriver.allCases.map(\.rawValue)
        func perReplication(_ counts: [String: Int], _ names: [String], _ p: Int) -> JSONValue {
            .object(names.map { ($0, .double(Double(counts[$0] ?? 0) / Double(Swift.max(1, replications[p])))) })
        }
        return .object([
            ("months", .array((0..<months).map { .string(start.adding(months: $0).description) })),
            ("survival", .array(survival.map { row($0, metric: false) })),
            ("compare", .array(rows.map { row($0, metric: true) })),
            ("prices", .object([("tiers", .array(tiers.map { .string($0) }))] + perPoint { p in
                .object(tiers.enumerated().map { t, name in (name, fan(prices[p][t])) })
            })),
            ("exits", .object([("reasons", .array(reasonNames.map { .string($0) })),
                               ("drivers", .array(driverNames.map { .string($0) }))] + perPoint { p in
                .object([("by_reason", perReplication(reasons[p], reasonNames, p)),
                         ("by_driver", perReplication(drivers[p], driverNames, p))])
            })),
            ("cash", .object([("firms", .array(firms.map { .string($0) }))] + perPoint { p in
                .object(firms.enumerated().map { k, name in
                    let active = cash[p][k].map { JSONValue.double(Double($0.count) / Double(Swift.max(1, replications[p]))) }
                    return (name, fan(cash[p][k], extra: [("active", .array(active))]))
                })
            })),
        ])
    }
}
