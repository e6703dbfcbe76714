import MarketModel
import Tables

/// The summary of one firm for one point, as the run table shows it.
public struct FirmSummary: Sendable {
    public var entityKind: String
    public var name: String
    public var businessModel: String
    public var replications: Int
    public var survival: ProportionEstimate
    public var profitableFinalYear: ProportionEstimate
    public var mainExitReason: ExitReason?
    /// The most frequent driver of the firm's exits.
    public var mainExitDriver: ExitDriver? = nil
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

/// The summary of one entrant template for one point, as the run table shows it.
public struct TemplateSummary: Sendable {
    public var name: String
    public var businessModel: String
    /// Entrants per replication.
    public var entries: SampleEstimate
    /// P(active at the horizon | entered), over the entrants.
    public var survival: ProportionEstimate
    public var profitableFinalYear: ProportionEstimate
    public var mainExitReason: ExitReason?
    /// The most frequent driver of the entrants' exits.
    public var mainExitDriver: ExitDriver? = nil
    /// Kaplan–Meier median months from entry to exit; nil when beyond what was observed.
    public var medianTimeToExit: Double?
    /// `template` (entrants) or `population` (a population's firms, present at the start).
    public var kind = "template"

    public init(name: String, businessModel: String, entries: SampleEstimate, survival: ProportionEstimate,
                profitableFinalYear: ProportionEstimate, mainExitReason: ExitReason?, medianTimeToExit: Double?) {
        self.name = name; self.businessModel = businessModel; self.entries = entries; self.survival = survival
        self.profitableFinalYear = profitableFinalYear; self.mainExitReason = mainExitReason
        self.medianTimeToExit = medianTimeToExit
    }
}

/// The summary of one point.
public struct PointSummary: Sendable {
    public var point: Int
    public var scenario: String
    public var intervalKind: String
    /// Replications of the point.
    public var replications: Int
    public var firms: [FirmSummary]
    public var templates: [TemplateSummary]
    /// Exits of every firm and entrant over the replications, by driver (`ExitDriver.allCases` order).
    public var exitsByDriver: [Int] = Array(repeating: 0, count: ExitDriver.allCases.count)

    public init(point: Int, scenario: String, intervalKind: String, replications: Int, firms: [FirmSummary],
                templates: [TemplateSummary] = []) {
        self.point = point; self.scenario = scenario; self.intervalKind = intervalKind
        self.replications = replications; self.firms = firms; self.templates = templates
    }
}

/// Accumulates one point's replications and turns them into `survival.csv` and
/// `summary.csv` rows.
public struct PointStatistics: Sendable {
    public let point: ExperimentPoint
    /// The firms present at the start, in scenario order.
    public private(set) var firms: [FirmTracker]
    /// Entrant templates: the point's, in scenario order, then any others met in the results
    /// in order of first appearance.
    public private(set) var templates: [TemplateTracker]
    public private(set) var market: MarketTracker
    public private(set) var replications = 0
    /// Exits of every firm and entrant in each replication, by reason and by driver
    /// (`ExitReason.allCases` and `ExitDriver.allCases` order; one value per replication).
    public private(set) var exitsByReason: [[Double]] = Array(repeating: [], count: ExitReason.allCases.count)
    public private(set) var exitsByDriver: [[Double]] = Array(repeating: [], count: ExitDriver.allCases.count)

    /// The market-wide horizon rows of `summary.csv` (`kind` = `market`, `entity` = `all`, `month` empty).
    public static let marketTotals: [(name: String, unit: String, doc: String)] =
        ExitReason.allCases.map {
            ("exits_by_reason_" + $0.rawValue, "count",
             "Exits of every firm and entrant over the horizon whose reason is `\($0.rawValue)`, per replication: "
                + "the mean with its t-interval and the 5/50/95 percentiles over replications.")
        } + ExitDriver.allCases.map {
            ("exits_by_driver_" + $0.rawValue, "count",
             "Exits of every firm and entrant over the horizon whose driver (`exit_driver`) is `\($0.rawValue)`, per "
                + "replication: the mean with its t-interval and the 5/50/95 percentiles over replications.")
        }

    public init(point: ExperimentPoint) {
        self.point = point
        firms = point.firmNames.indices.map {
            FirmTracker(name: point.firmNames[$0],
                        businessModel: $0 < point.firmModels.count ? point.firmModels[$0] : "",
                        start: point.start, horizonMonths: point.horizonMonths)
        }
        templates = point.templateNames.indices.map {
            TemplateTracker(name: point.templateNames[$0],
                            businessModel: $0 < point.templateModels.count ? point.templateModels[$0] : "",
                            start: point.start, horizonMonths: point.horizonMonths)
        } + point.populationNames.indices.map {
            TemplateTracker(name: point.populationNames[$0],
                            businessModel: $0 < point.populationModels.count ? point.populationModels[$0] : "",
                            start: point.start, horizonMonths: point.horizonMonths, kind: "population")
        }
        market = MarketTracker(tierNames: point.tierNames, horizonMonths: point.horizonMonths)
    }

    /// Adds one replication (in replication order).
    ///
    /// Outcomes of firms present at the start go to the firm with that index; entrants'
    /// outcomes are pooled by template (see ``TemplateTracker``).
    /// - Throws: ``OutputError`` when an outcome breaks the records' contract, or an entrant
    ///   has no outcome.
    public mutating func add(_ result: ReplicationResult) throws {
        replications += 1
        let roster = FirmRoster(result, point: point)
        var entrants: [String: [(name: String, entryMonth: Int, outcome: FirmOutcome)]] = [:]
        var seen = Set<Int>()
        do {
            for o in ResultFiles.canonical(result.outcomes, by: { ($0.firm, 0) }) {
                let firm = roster[o.firm]
                if let template = firm.group {
                    guard seen.insert(o.firm).inserted else {
                        throw OutputError(message: "entrant '\(firm.name)' has more than one outcome")
                    }
                    entrants[template, default: []].append((firm.name, firm.entryMonth, o))
                } else if o.firm >= 0 && o.firm < firms.count {
                    try firms[o.firm].add(o)
                }
            }
            for (f, firm) in roster.entries.enumerated() {
                guard let template = firm.group else { continue }
                guard seen.contains(f) else { throw OutputError(message: "entrant '\(firm.name)' has no outcome") }
                if !templates.contains(where: { $0.name == template }) {
                    var tracker = TemplateTracker(name: template, businessModel: firm.businessModel,
                                                  start: point.start, horizonMonths: point.horizonMonths,
                                                  kind: firm.template == nil ? "population" : "template")
                    for _ in 1..<replications { try tracker.add([]) }   // earlier replications had none
                    templates.append(tracker)
                }
            }
            for k in templates.indices { try templates[k].add(entrants[templates[k].name] ?? []) }
        } catch let e as OutputError {
            throw OutputError(message: "scenario '\(point.scenario)', point \(point.index), "
                + "replication \(result.replication): \(e.message)")
        }
        market.add(result.marketMonths)
        var reasons = Array(repeating: 0.0, count: ExitReason.allCases.count)
        var drivers = Array(repeating: 0.0, count: ExitDriver.allCases.count)
        for o in result.outcomes {
            if let r = o.exitReason, let i = ExitReason.allCases.firstIndex(of: r) { reasons[i] += 1 }
            if let d = o.exitDriver, let i = ExitDriver.allCases.firstIndex(of: d) { drivers[i] += 1 }
        }
        for i in reasons.indices { exitsByReason[i].append(reasons[i]) }
        for i in drivers.indices { exitsByDriver[i].append(drivers[i]) }
    }

    /// `survival.csv` rows: firms in order, then templates in order, months ascending.
    public func survivalRows() -> [SurvivalRow] {
        var rows: [SurvivalRow] = []
        func append(kind: String, name: String, _ curve: [FirmTracker.SurvivalPoint]) {
            for s in curve {
                rows.append(SurvivalRow(scenario: point.scenario, point: point.index, entityKind: kind,
                                        entity: name, month: point.monthLabel(s.month), atRisk: s.atRisk,
                                        exits: s.exits, survival: s.survival.estimate, survivalLow: s.survival.low,
                                        survivalHigh: s.survival.high, hazard: s.hazard))
            }
        }
        for f in firms { append(kind: f.entityKind, name: f.name, f.survivalCurve) }
        for t in templates { append(kind: t.kind, name: t.name, t.survivalCurve) }
        return rows
    }

    /// The firm metrics of `summary.csv`, in order, with their documentation.
    public static let firmMetrics: [(name: String, unit: String, doc: String)] = firmMetricsBeforeShares
        + ExitReason.allCases.map {
            ("exit_share_" + $0.rawValue, "share",
             "Share of exits whose reason is `\($0.rawValue)`; Wilson interval; empty without exits.")
        } + driverShareMetrics(of: "exits") + firmMetricsAfterShares

    /// `exit_driver_share_<driver>` rows, in `ExitDriver.allCases` order.
    static func driverShareMetrics(of whose: String) -> [(name: String, unit: String, doc: String)] {
        ExitDriver.allCases.map {
            ("exit_driver_share_" + $0.rawValue, "share",
             "Share of \(whose) whose driver (`exit_driver` in outcomes.csv) is `\($0.rawValue)`; Wilson interval; "
                + "empty without exits. With the exits' count, the number of exits by driver.")
        }
    }

    static let firmMetricsBeforeShares: [(name: String, unit: String, doc: String)] = [
        ("p_survive", "share", "Share of replications in which the firm is active at the horizon; Wilson interval."),
        ("p_profitable_final_year", "share",
         "Share of all replications in which the firm survived and its net income over the final 12 months was "
            + "positive (exits count as not profitable); Wilson interval."),
        ("time_to_exit_months", "months",
         "Among replications with an exit: months from the start to the exit, on the calendar: the months before "
            + "`exit_month` plus the share of it elapsed at `exit_day` (14 for an exit at the close of the 14th month, "
            + "whatever the months' lengths); mean with t-interval, percentiles. Empty without exits."),
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

    /// The template metrics of `summary.csv`, in order, with their documentation.
    public static let templateMetrics: [(name: String, unit: String, doc: String)] = [
        ("entries", "count",
         "Entrants of the template per replication (replications without any count as 0): mean with t-interval, "
            + "percentiles over replications."),
        ("p_survive", "share",
         "P(survive to the horizon | entered): share of the template's entrants, all replications pooled, active at "
            + "the horizon; Wilson interval; empty without entrants."),
        ("p_profitable_final_year", "share",
         "Share of the template's entrants that survived and whose net income over their final 12 months (fewer if "
            + "they entered later) was positive; Wilson interval; empty without entrants."),
        ("time_to_exit_months", "months",
         "Among entrants that exited: months from the start of the entry month to the exit (months from the start, "
            + "counted as for firms, less the entry month's index); mean with t-interval, percentiles. Empty without exits."),
        ("median_time_to_exit_months", "months",
         "Median months from entry to exit, counting entrants still active at the horizon as censored: the first "
            + "month since entry in which the Kaplan–Meier survival by age falls to ≤ 0.5, as the months elapsed "
            + "at its end (1 = the entry month). No interval. Empty when survival stays above 0.5 as long as "
            + "entrants are observed (\"> horizon\")."),
    ] + ExitReason.allCases.map {
        ("exit_share_" + $0.rawValue, "share",
         "Share of the template's exits whose reason is `\($0.rawValue)`; Wilson interval; empty without exits.")
    } + driverShareMetrics(of: "the template's exits") + [
        ("final_cash", "currency", "`final_cash` over the template's entrants: mean with t-interval, percentiles."),
        ("cumulative_profit", "currency",
         "`cumulative_profit` over the template's entrants: mean with t-interval, percentiles."),
        ("irr", "per year", "`irr` over the template's entrants where it exists: mean with t-interval, percentiles."),
    ]

    /// `summary.csv` rows: firms (metrics in ``firmMetrics`` order), templates (metrics in
    /// ``templateMetrics`` order), then market figures (entity `all` then tiers, metric in
    /// ``MarketMetric/all`` order, month ascending; metrics that do not apply to an entity are skipped).
    /// - Parameter threads: threads that may share the market figures' estimates (the rows are
    ///   the same whatever their number).
    public func summaryRows(threads: Int = 1) -> [SummaryRow] {
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
            for d in ExitDriver.allCases { prop("exit_driver_share_" + d.rawValue, f.exitDriverShare(d)) }
            sample("final_cash", f.finalCashEstimate)
            sample("cumulative_profit", f.cumulativeProfitEstimate)
            sample("irr", f.irrEstimate)
        }
        for t in templates {
            func prop(_ metric: String, _ p: ProportionEstimate) {
                rows.append(SummaryRow(scenario: sc, point: pt, kind: t.kind, entity: t.name, metric: metric,
                                       estimate: p.estimate, low: p.estimate == nil ? nil : p.low,
                                       high: p.estimate == nil ? nil : p.high))
            }
            func sample(_ metric: String, _ e: SampleEstimate) {
                rows.append(SummaryRow(scenario: sc, point: pt, kind: t.kind, entity: t.name, metric: metric,
                                       estimate: e.mean, low: e.low, high: e.high, p05: e.p05, p50: e.p50, p95: e.p95))
            }
            sample("entries", t.entries)
            prop("p_survive", t.survival)
            prop("p_profitable_final_year", t.profitableFinalYear)
            sample("time_to_exit_months", t.timeToExit)
            rows.append(SummaryRow(scenario: sc, point: pt, kind: t.kind, entity: t.name,
                                   metric: "median_time_to_exit_months", estimate: t.medianTimeToExit))
            for r in ExitReason.allCases { prop("exit_share_" + r.rawValue, t.exitShare(r)) }
            for d in ExitDriver.allCases { prop("exit_driver_share_" + d.rawValue, t.exitDriverShare(d)) }
            sample("final_cash", t.finalCashEstimate)
            sample("cumulative_profit", t.cumulativeProfitEstimate)
            sample("irr", t.irrEstimate)
        }
        for (k, metric) in Self.marketTotals.enumerated() {
            let values = k < exitsByReason.count ? exitsByReason[k] : exitsByDriver[k - exitsByReason.count]
            let e = SampleEstimate(values)
            rows.append(SummaryRow(scenario: sc, point: pt, kind: "market", entity: "all", metric: metric.name,
                                   estimate: e.mean, low: e.low, high: e.high, p05: e.p05, p50: e.p50, p95: e.p95))
        }
        let months = point.monthLabels
        let estimates = market.allEstimates(threads: threads)
        for (e, entity) in market.entities.enumerated() {
            for (k, metric) in market.metrics.enumerated() where metric.applies(toEntity: e) {
                let s = market.slot[e * market.metrics.count + k]
                for m in 0..<market.horizonMonths {
                    let est = estimates[s * market.horizonMonths + m]
                    rows.append(SummaryRow(scenario: sc, point: pt, kind: "market", entity: entity, metric: metric.name,
                                           month: months[m], estimate: est.mean, low: est.low, high: est.high,
                                           p05: est.p05, p50: est.p50, p95: est.p95))
                }
            }
        }
        return rows
    }

    /// The firm- and template-level summary for the run table.
    public func summary() -> PointSummary {
        var s = PointSummary(point: point.index, scenario: point.scenario, intervalKind: point.intervalKind,
                     replications: replications,
                     firms: firms.map { f in
                         FirmSummary(entityKind: f.entityKind, name: f.name, businessModel: f.businessModel,
                                     replications: f.replications, survival: f.survival,
                                     profitableFinalYear: f.profitableFinalYear, mainExitReason: f.mainExitReason,
                                     medianExitMonth: f.medianExitMonth.month.map(point.monthLabel))
                     },
                     templates: templates.map { t in
                         TemplateSummary(name: t.name, businessModel: t.businessModel, entries: t.entries,
                                         survival: t.survival, profitableFinalYear: t.profitableFinalYear,
                                         mainExitReason: t.mainExitReason, medianTimeToExit: t.medianTimeToExit)
                     })
        for (k, f) in firms.enumerated() {
            s.firms[k].mainExitDriver = f.mainExitDriver
            for i in f.drivers.indices { s.exitsByDriver[i] += f.drivers[i] }
        }
        for (k, t) in templates.enumerated() {
            s.templates[k].mainExitDriver = t.mainExitDriver
            s.templates[k].kind = t.kind
            for i in t.drivers.indices { s.exitsByDriver[i] += t.drivers[i] }
        }
        return s
    }
}
