import MarketModel

/// The summary of one firm for one point, as the run table shows it.
public struct FirmSummary: Sendable {
    public var entityKind: String
    public var name: String
    public var businessModel: String
    public var replications: Int
    public var survival: ProportionEstimate
    public var profitableFinalYear: ProportionEstimate
    public var mainExitReason: ExitReason?
    /// `YYYY-MM` of the median exit month, nil when S(t) stays above 0.5 ("> horizon").
    public var medianExitMonth: String?

    public init(entityKind: String, name: String, businessModel: String, replications: Int,
                survival: ProportionEstimate, profitableFinalYear: ProportionEstimate, mainExitReason: ExitReason?,
                medianExitMonth: String?) {
        self.entityKind = entityKind; self.name = name; self.businessModel = businessModel
        self.replications = replications; self.survival = survival; self.profitableFinalYear = profitableFinalYear
        self.mainExitReason = mainExitReason; self.medianExitMonth = medianExitMonth
    }
}

/// The summary of one point.
public struct PointSummary: Sendable {
    public var point: Int
    public var scenario: String
    public var intervalKind: String
    public var firms: [FirmSummary]

    public init(point: Int, scenario: String, intervalKind: String, firms: [FirmSummary]) {
        self.point = point; self.scenario = scenario; self.intervalKind = intervalKind; self.firms = firms
    }
}

/// Accumulates one point's replications and turns them into `survival.csv` and
/// `summary.csv` rows.
public struct PointStatistics: Sendable {
    public let point: ExperimentPoint
    public private(set) var firms: [FirmTracker]
    public private(set) var market: MarketTracker
    public private(set) var replications = 0

    public init(point: ExperimentPoint) {
        self.point = point
        firms = point.firmNames.indices.map {
            FirmTracker(name: point.firmNames[$0],
                        businessModel: $0 < point.firmModels.count ? point.firmModels[$0] : "",
                        horizonMonths: point.horizonMonths)
        }
        market = MarketTracker(tierNames: point.tierNames, horizonMonths: point.horizonMonths)
    }

    /// Adds one replication (in replication order).
    /// - Throws: ``OutputError`` when an outcome breaks the records' contract.
    public mutating func add(_ result: ReplicationResult) throws {
        replications += 1
        for o in result.outcomes where o.firm >= 0 && o.firm < firms.count {
            do { try firms[o.firm].add(o) } catch let e as OutputError {
                throw OutputError(message: "scenario '\(point.scenario)', point \(point.index), "
                    + "replication \(result.replication): \(e.message)")
            }
        }
        market.add(result.marketMonths)
    }

    /// `survival.csv` rows: firms in order, months ascending.
    public func survivalRows() -> [SurvivalRow] {
        var rows: [SurvivalRow] = []
        for f in firms {
            for s in f.survivalCurve {
                rows.append(SurvivalRow(scenario: point.scenario, point: point.index, entityKind: f.entityKind,
                                        entity: f.name, month: point.monthLabel(s.month), atRisk: s.atRisk,
                                        exits: s.exits, survival: s.survival.estimate, survivalLow: s.survival.low,
                                        survivalHigh: s.survival.high, hazard: s.hazard))
            }
        }
        return rows
    }

    /// The firm metrics of `summary.csv`, in order, with their documentation.
    public static let firmMetrics: [(name: String, unit: String, doc: String)] = firmMetricsBeforeShares
        + ExitReason.allCases.map {
            ("exit_share_" + $0.rawValue, "share",
             "Share of exits whose reason is `\($0.rawValue)`; Wilson interval; empty without exits.")
        } + firmMetricsAfterShares

    static let firmMetricsBeforeShares: [(name: String, unit: String, doc: String)] = [
        ("p_survive", "share", "Share of replications in which the firm is active at the horizon; Wilson interval."),
        ("p_profitable_final_year", "share",
         "Share of all replications in which the firm survived and its net income over the final 12 months was "
            + "positive (exits count as not profitable); Wilson interval."),
        ("time_to_exit_months", "months",
         "Among replications with an exit: months from the start to the exit (`exit_day` / (365.25/12)); mean with "
            + "t-interval, percentiles. Empty without exits."),
        ("median_exit_month", "months",
         "First month with `survival` ≤ 0.5: `month` holds it and `estimate` the months elapsed at its end; the "
            + "interval takes the first months where the Wilson band's lower (ci95_low) and upper (ci95_high) ends "
            + "reach 0.5. All empty when survival stays above 0.5 to the horizon (\"> horizon\")."),
    ]

    static let firmMetricsAfterShares: [(name: String, unit: String, doc: String)] = [
        ("final_cash", "currency", "`final_cash` over all replications: mean with t-interval, percentiles."),
        ("cumulative_profit", "currency", "`cumulative_profit` over all replications: mean with t-interval, percentiles."),
        ("irr", "per year", "`irr` over the replications where it exists: mean with t-interval, percentiles."),
    ]

    /// `summary.csv` rows: firms (metrics in ``firmMetrics`` order), then market figures
    /// (entity `all` then tiers, metric in ``MarketMetric/all`` order, month ascending).
    public func summaryRows() -> [SummaryRow] {
        var rows: [SummaryRow] = []
        let sc = point.scenario, pt = point.index
        for f in firms {
            func prop(_ metric: String, _ p: ProportionEstimate) {
                rows.append(SummaryRow(scenario: sc, point: pt, kind: f.entityKind, entity: f.name, metric: metric,
                                       estimate: p.estimate, low: p.estimate == nil ? nil : p.low,
                                       high: p.estimate == nil ? nil : p.high))
            }
            func sample(_ metric: String, _ e: SampleEstimate) {
                rows.append(SummaryRow(scenario: sc, point: pt, kind: f.entityKind, entity: f.name, metric: metric,
                                       estimate: e.mean, low: e.low, high: e.high, p05: e.p05, p50: e.p50, p95: e.p95))
            }
            prop("p_survive", f.survival)
            prop("p_profitable_final_year", f.profitableFinalYear)
            sample("time_to_exit_months", f.timeToExit)
            let median = f.medianExitMonth
            rows.append(SummaryRow(scenario: sc, point: pt, kind: f.entityKind, entity: f.name,
                                   metric: "median_exit_month", month: median.month.map(point.monthLabel),
                                   estimate: median.month.map { Double($0 + 1) },
                                   low: median.low.map { Double($0 + 1) }, high: median.high.map { Double($0 + 1) }))
            for r in ExitReason.allCases { prop("exit_share_" + r.rawValue, f.exitShare(r)) }
            sample("final_cash", f.finalCashEstimate)
            sample("cumulative_profit", f.cumulativeProfitEstimate)
            sample("irr", f.irrEstimate)
        }
        let months = point.monthLabels
        for (e, entity) in market.entities.enumerated() {
            for (k, metric) in market.metrics.enumerated() {
                for m in 0..<market.horizonMonths {
                    let est = market.estimate(entity: e, metric: k, month: m)
                    rows.append(SummaryRow(scenario: sc, point: pt, kind: "market", entity: entity, metric: metric.name,
                                           month: months[m], estimate: est.mean, low: est.low, high: est.high,
                                           p05: est.p05, p50: est.p50, p95: est.p95))
                }
            }
        }
        return rows
    }

    /// The firm-level summary for the run table.
    public func summary() -> PointSummary {
        PointSummary(point: point.index, scenario: point.scenario, intervalKind: point.intervalKind,
                     firms: firms.map { f in
                         FirmSummary(entityKind: f.entityKind, name: f.name, businessModel: f.businessModel,
                                     replications: f.replications, survival: f.survival,
                                     profitableFinalYear: f.profitableFinalYear, mainExitReason: f.mainExitReason,
                                     medianExitMonth: f.medianExitMonth.month.map(point.monthLabel))
                     })
    }
}
