import MarketModel

/// A figure compared between a base and a variant: one number per replication (nil where it
/// is undefined), whose paired differences `compare.csv` summarises.
///
/// The lists below are data: `compare.csv`'s rows and the metric tables of the data
/// dictionary both come from them.
public struct ComparisonMetric<Input>: Sendable {
    /// The `metric` column.
    public let name: String
    /// How the printed table names it (`P(survive)`).
    public let label: String
    public let unit: String
    /// What one replication's value is.
    public let doc: String
    /// For market figures: which entities (`all`, tiers) have it.
    public let scope: MarketMetric.Scope
    /// The value in one replication; nil (or a non-finite number) where undefined.
    public let value: @Sendable (Input) -> Double?

    public init(_ name: String, label: String, unit: String, doc: String, scope: MarketMetric.Scope = .allAndTiers,
                value: @escaping @Sendable (Input) -> Double?) {
        self.name = name; self.label = label; self.unit = unit; self.doc = doc; self.scope = scope; self.value = value
    }

    /// Whether entity `e` has the figure (0 = `all`, 1… = tiers); always true outside the market.
    func applies(toEntity e: Int) -> Bool {
        switch scope {
        case .allAndTiers: true
        case .allOnly: e == 0
        case .tiersOnly: e > 0
        }
    }
}

/// One firm in one replication, as the firm metrics see it.
public struct FirmReplication: Sendable {
    public var outcome: FirmOutcome
    /// The point's calendar: its months, to turn the exit day into months.
    public var calendar: MonthCalendar
    public var horizonMonths: Int { calendar.starts.count - 1 }
    public init(outcome: FirmOutcome, calendar: MonthCalendar) {
        self.outcome = outcome; self.calendar = calendar
    }
}

/// One entity of the market (`all` or a tier) in one replication: its `market_monthly.csv`
/// records by month index, nil for a month without a record.
public struct MarketSeries: Sendable {
    public var months: [MarketMonthRecord?]
    public init(months: [MarketMonthRecord?]) { self.months = months }

    /// The mean of `f` over the months where it is defined; nil when it never is.
    func mean(_ f: (MarketMonthRecord) -> Double?) -> Double? {
        var sum = 0.0, n = 0
        for case let r? in months { if let v = f(r), v.isFinite { sum += v; n += 1 } }
        return n > 0 ? sum / Double(n) : nil
    }

    /// The sum of `f` over the months with a record; nil without any.
    func total(_ f: (MarketMonthRecord) -> Int) -> Double? {
        var sum = 0, n = 0
        for case let r? in months { sum += f(r); n += 1 }
        return n > 0 ? Double(sum) : nil
    }

    /// The last month of the horizon's record.
    var last: MarketMonthRecord? { months.last ?? nil }
}

/// The metrics of `compare.csv`, in the order of its rows.
public enum ComparisonMetrics {
    /// Firms present at the start, matched by name.
    public static let firm: [ComparisonMetric<FirmReplication>] = [
        ComparisonMetric("p_survive", label: "P(survive)", unit: "share",
                         doc: "1 when the firm is active at the horizon, else 0: `base` and `variant` are P(survive), "
                            + "`diff` the change in it (the mean of the survival indicator differences).") {
            $0.outcome.survived ? 1 : 0
        },
        ComparisonMetric("p_profitable_final_year", label: "P(profitable final year)", unit: "share",
                         doc: "1 when the firm survived and its net income over the final 12 months was positive, "
                            + "else 0.") {
            $0.outcome.survived && $0.outcome.profitableFinalYear ? 1 : 0
        },
        ComparisonMetric("months_active", label: "months active", unit: "months",
                         doc: "Months from the start to the exit (the months before `exit_month` plus the share of it "
                            + "elapsed at `exit_day`: 14 for an exit at the close of the 14th month), or the horizon for a survivor. Its mean is the restricted mean "
                            + "lifetime, defined in every replication: a later exit (or none) raises it.") {
            $0.monthsActive
        },
        ComparisonMetric("final_cash", label: "final cash", unit: "currency", doc: "`final_cash` (outcomes.csv).") {
            $0.outcome.finalCash
        },
        ComparisonMetric("cumulative_profit", label: "cumulative profit", unit: "currency",
                         doc: "`cumulative_profit` (outcomes.csv).") {
            $0.outcome.cumulativeProfit
        },
        ComparisonMetric("npv", label: "NPV", unit: "currency", doc: "`npv` (outcomes.csv).") { $0.outcome.npv },
        ComparisonMetric("irr", label: "IRR", unit: "per year",
                         doc: "`irr` (outcomes.csv), where it exists: `base` and `variant` average the replications "
                            + "where it exists in that scenario, `diff` those where it exists in both.") {
            $0.outcome.irr
        },
    ]

    /// Entrant templates, matched by name: per-replication totals over the template's entrants
    /// (0 in a replication without any), so each replication gives one number in both scenarios.
    public static let template: [ComparisonMetric<[FirmOutcome]>] = [
        ComparisonMetric("entries", label: "entrants", unit: "count",
                         doc: "Entrants of the template in the replication.") { Double($0.count) },
        ComparisonMetric("survivors", label: "surviving entrants", unit: "count",
                         doc: "Its entrants still active at the horizon.") {
            Double($0.filter(\.survived).count)
        },
        ComparisonMetric("exits", label: "entrant exits", unit: "count", doc: "Its entrants that exited.") {
            Double($0.filter { !$0.survived }.count)
        },
        ComparisonMetric("cumulative_profit", label: "entrants' cumulative profit", unit: "currency",
                         doc: "`cumulative_profit` summed over its entrants.") {
            $0.reduce(0) { $0 + $1.cumulativeProfit }
        },
        ComparisonMetric("final_cash", label: "entrants' final cash", unit: "currency",
                         doc: "`final_cash` summed over its entrants.") {
            $0.reduce(0) { $0 + $1.finalCash }
        },
    ]

    /// A population's firms: the template metrics over them, labelled for firms present at the start.
    public static let population: [ComparisonMetric<[FirmOutcome]>] = template.map { m in
        let label = m.label.replacingOccurrences(of: "entrants'", with: "its firms'")
            .replacingOccurrences(of: "surviving entrants", with: "surviving firms")
            .replacingOccurrences(of: "entrant exits", with: "exits of its firms")
            .replacingOccurrences(of: "entrants", with: "firms")
        return ComparisonMetric(m.name, label: label, unit: m.unit, doc: m.doc, value: m.value)
    }

    /// Market figures over the horizon, per entity (`all`, then tiers matched by name), from
    /// `market_monthly.csv`.
    public static let market: [ComparisonMetric<MarketSeries>] = [
        ComparisonMetric("mean_price_index", label: "mean price index", unit: "currency per accelerator-hour",
                         doc: "Mean of `price_index` over the months of the horizon where it is defined.") {
            $0.mean(\.priceIndex)
        },
        ComparisonMetric("final_price_index", label: "final price index", unit: "currency per accelerator-hour",
                         doc: "`price_index` in the last month of the horizon.") {
            $0.last?.priceIndex
        },
        ComparisonMetric("mean_utilisation", label: "mean utilisation", unit: "share",
                         doc: "Mean of `units_leased` / `units_installed` over the months with installed units.") {
            $0.mean { $0.unitsInstalled > 0 ? Double($0.unitsLeased) / Double($0.unitsInstalled) : nil }
        },
        ComparisonMetric("units_lost", label: "units lost", unit: "units",
                         doc: "`units_lost` summed over the horizon.") { $0.total(\.unitsLost) },
        ComparisonMetric("tenants_lost", label: "tenants lost", unit: "count",
                         doc: "`tenants_lost` summed over the horizon.") { $0.total(\.tenantsLost) },
        ComparisonMetric("exits", label: "exits", unit: "count", doc: "`exits` summed over the horizon.") {
            $0.total(\.exits)
        },
        ComparisonMetric("entries", label: "entries", unit: "count",
                         doc: "`entries` summed over the horizon; `all` only.", scope: .allOnly) {
            $0.total(\.entries)
        },
        ComparisonMetric("final_active_firms", label: "active firms at the horizon", unit: "count",
                         doc: "`active_firms` in the last month of the horizon.") {
            $0.last.map { Double($0.activeFirms) }
        },
    ]
}

extension FirmReplication {
    /// Months from the start to the exit, or the horizon for a survivor (capped at the horizon).
    var monthsActive: Double {
        let h = Double(horizonMonths)
        guard !outcome.survived else { return h }
        let t = outcome.exitMonth.map { calendar.months(atDay: outcome.exitDay, inMonth: $0) } ?? h
        return min(max(t, 0), h)
    }
}
