import MarketModel
import Stochastics

/// One point of an experiment: a scenario variant whose replications the pipeline runs.
///
/// `suanli run` has one point (index 0); `compare` has one per scenario; `sweep` one per
/// grid cell. The metadata names the rows; ``replicate`` runs one replication and must be a
/// pure function of its arguments (it owns all its random streams, keyed by the plan).
public struct ExperimentPoint: Sendable {
    /// The point index written in the `point` column.
    public var index: Int
    /// The scenario name written in the `scenario` column.
    public var scenario: String
    /// The first simulated month.
    public var start: YearMonth
    public var horizonMonths: Int
    /// Tier names in scenario order (tier index → name).
    public var tierNames: [String]
    /// Firm names in scenario order (firm index → name).
    public var firmNames: [String]
    /// Business model of each firm (`owner`, …).
    public var firmModels: [String]
    /// Entrant templates in scenario order: firms that enter during a replication are pooled
    /// under these names in `survival.csv` and `summary.csv`.
    public var templateNames: [String]
    /// Business model of each template.
    public var templateModels: [String]
    /// Populations (`providers[].count` > 1) in scenario order: their firms follow ``firmNames``
    /// in a replication and are pooled under these names, as entrants under their template's.
    public var populationNames: [String] = []
    /// Business model of each population.
    public var populationModels: [String] = []
    /// Firms in each population.
    public var populationCounts: [Int] = []
    /// Keys drawn afresh for every replication; when non-empty, intervals mix parameter and
    /// Monte Carlo uncertainty.
    public var perReplicationKeys: [String]
    /// The keys of ``perReplicationKeys`` set by a posterior's particle (`--posterior`), last among them.
    public var posteriorKeys: [String] = []
    /// The posterior's `posterior.csv`, for the manifest; nil without one.
    public var posteriorSource: String?
    /// Where the point came from, for the manifest; nil for points built in code.
    public var source: Source?
    /// Runs one replication with the point's seed plan.
    public var replicate: @Sendable (_ replication: Int, _ plan: SeedPlan) throws -> ReplicationResult
    /// Called by the pipeline after the point's last replication went to the sinks: drops what
    /// the point holds for its replications (a sweep's loaded scenario). nil: nothing to drop.
    public var release: (@Sendable () -> Void)?

    /// The scenario file behind a point.
    public struct Source: Sendable {
        public var path: String
        public var contentHash: String
        public var resolvedYAML: String
        /// `KEY.PATH=VALUE` overrides applied on top of the file.
        public var overrides: [String]
        public init(path: String, contentHash: String, resolvedYAML: String, overrides: [String] = []) {
            self.path = path; self.contentHash = contentHash; self.resolvedYAML = resolvedYAML; self.overrides = overrides
        }
    }

    public init(index: Int, scenario: String, start: YearMonth, horizonMonths: Int, tierNames: [String],
                firmNames: [String], firmModels: [String], templateNames: [String] = [], templateModels: [String] = [],
                perReplicationKeys: [String] = [], source: Source? = nil,
                replicate: @escaping @Sendable (_ replication: Int, _ plan: SeedPlan) throws -> ReplicationResult) {
        self.index = index; self.scenario = scenario; self.start = start; self.horizonMonths = horizonMonths
        self.tierNames = tierNames; self.firmNames = firmNames; self.firmModels = firmModels
        self.templateNames = templateNames; self.templateModels = templateModels
        self.perReplicationKeys = perReplicationKeys; self.source = source; self.replicate = replicate
    }

    /// A point that runs the market on a fixed, already validated scenario (no per-replication
    /// draws; populations already expanded: their firms, which carry `population`, follow the others).
    public init(index: Int, scenario: Scenario) {
        let named = scenario.providers.filter { $0.population == nil }
        self.init(index: index, scenario: scenario.name, start: scenario.start, horizonMonths: scenario.horizonMonths,
                  tierNames: scenario.tiers.map(\.name), firmNames: named.map(\.name),
                  firmModels: named.map(\.model.rawValue), templateNames: scenario.entrants.map(\.name),
                  templateModels: scenario.entrants.map(\.provider.model.rawValue)) { replication, plan in
            try MarketReplication.run(scenario, plan: plan, replication: replication)
        }
        for p in scenario.providers {
            guard let name = p.population, !populationNames.contains(name) else { continue }
            populationNames.append(name)
            populationModels.append(p.model.rawValue)
            populationCounts.append(scenario.providers.filter { $0.population == name }.count)
        }
    }

    /// How the intervals of this point's summary are labelled.
    public var intervalKind: String {
        let drawn = perReplicationKeys.count > posteriorKeys.count
        return (drawn ? "parameter+Monte Carlo" : "Monte Carlo") + (posteriorKeys.isEmpty ? "" : " + posterior")
    }

    /// `YYYY-MM` of every month of the horizon.
    public var monthLabels: [String] { (0..<horizonMonths).map { start.adding(months: $0).description } }

    /// `YYYY-MM` of month index `m` (which may lie outside the horizon).
    public func monthLabel(_ m: Int) -> String { start.adding(months: m).description }
}

/// How an experiment runs: replications, seeds and threads.
public struct RunConfiguration: Sendable, Equatable {
    /// Replications per point (≥ 1).
    public var replications: Int
    public var masterSeed: UInt64
    /// When true (the default) every point uses the same streams for the same replication.
    public var commonRandomNumbers: Bool
    public var generator: Generator
    /// Worker threads (≥ 1).
    public var threads: Int
    /// Results held between the workers and the writer, at most; nil: 4 × threads.
    public var window: Int?
    /// Whether the firms of populations get their own rows in firms_monthly.csv and outcomes.csv
    /// (`--members`); by default only their pooled rows in summary.csv and survival.csv.
    public var members = false

    public init(replications: Int, masterSeed: UInt64, commonRandomNumbers: Bool = true,
                generator: Generator = .default, threads: Int, window: Int? = nil) {
        self.replications = replications; self.masterSeed = masterSeed
        self.commonRandomNumbers = commonRandomNumbers; self.generator = generator
        self.threads = threads; self.window = window
    }

    /// The seed plan of a point: the point is mixed into every stream key only when common
    /// random numbers are off.
    public func seedPlan(point: Int) -> SeedPlan {
        SeedPlan(masterSeed: masterSeed, point: commonRandomNumbers ? nil : point, generator: generator)
    }
}
