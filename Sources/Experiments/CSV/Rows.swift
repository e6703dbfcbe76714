import MarketModel

// The rows of the output files: a record from the model plus the identifying columns.
// Each file's columns are defined once, in OutputSchemas.

/// A row of `firms_monthly.csv`.
public struct FirmMonthRow: Sendable {
    public var scenario: String
    public var point: Int
    public var replication: Int
    /// `YYYY-MM`.
    public var month: String
    public var firm: String
    public var businessModel: String
    /// The entrant template; nil for firms present at the start.
    public var template: String?
    public var record: FirmMonthRecord
}

/// A row of `market_monthly.csv`.
public struct MarketMonthRow: Sendable {
    public var scenario: String
    public var point: Int
    public var replication: Int
    public var month: String
    /// A tier name, or `all`.
    public var tier: String
    public var record: MarketMonthRecord
}

/// A row of `supply_monthly.csv`.
public struct SupplyMonthRow: Sendable {
    public var scenario: String
    public var point: Int
    public var replication: Int
    public var month: String
    public var tier: String
    public var record: SupplyMonthRecord
}

/// A row of `fleet_monthly.csv`.
public struct FleetMonthRow: Sendable {
    public var scenario: String
    public var point: Int
    public var replication: Int
    public var month: String
    public var tier: String
    public var record: FleetMonthRecord
}

/// A row of `outcomes.csv`.
public struct OutcomeRow: Sendable {
    public var scenario: String
    public var point: Int
    public var replication: Int
    public var firm: String
    public var businessModel: String
    /// The entrant template; nil for firms present at the start.
    public var template: String?
    /// `YYYY-MM` of the entry, nil for firms present at the start.
    public var entryMonth: String?
    /// `YYYY-MM` of the exit, nil for survivors.
    public var exitMonth: String?
    public var outcome: FirmOutcome
}

/// A row of `params.csv`.
public struct ParameterRow: Sendable {
    public var scenario: String
    public var point: Int
    public var replication: Int
    public var key: String
    public var value: Double
}

/// A row of `survival.csv`.
public struct SurvivalRow: Sendable, Equatable {
    public var scenario: String
    public var point: Int
    public var entityKind: String
    public var entity: String
    public var month: String
    public var atRisk: Int
    public var exits: Int
    public var survival: Double?
    public var survivalLow: Double?
    public var survivalHigh: Double?
    public var hazard: Double?
}

/// A row of `summary.csv`.
public struct SummaryRow: Sendable, Equatable {
    public var scenario: String
    public var point: Int
    /// `firm`, `template` or `market`.
    public var kind: String
    public var entity: String
    public var metric: String
    /// `YYYY-MM`, or nil for figures that are not monthly.
    public var month: String?
    public var estimate: Double?
    public var low: Double?
    public var high: Double?
    public var p05: Double?
    public var p50: Double?
    public var p95: Double?

    public init(scenario: String, point: Int, kind: String, entity: String, metric: String, month: String? = nil,
                estimate: Double?, low: Double? = nil, high: Double? = nil,
                p05: Double? = nil, p50: Double? = nil, p95: Double? = nil) {
        self.scenario = scenario; self.point = point; self.kind = kind; self.entity = entity; self.metric = metric
        self.month = month; self.estimate = estimate; self.low = low; self.high = high
        self.p05 = p05; self.p50 = p50; self.p95 = p95
    }
}
