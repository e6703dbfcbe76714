import MarketModel
import ScenarioModule
import Stochastics

extension ExperimentPoint {
    /// A point that runs a loaded scenario: each replication instantiates the document (drawing
    /// its per-replication parameters from the plan) and runs the market on it.
    ///
    /// A scenario with no per-replication draws is finished once, when loaded, and every
    /// replication runs that one `Scenario`; one with draws copies its decoded draft and writes
    /// each draw into the copy (``ScenarioDocument/instantiate(replication:plan:)``).
    /// - Parameters:
    ///   - plan: the point's seed plan (``RunConfiguration/seedPlan(point:)``).
    ///   - overrides: the `--set` overrides already applied to the document, for the manifest.
    public init(index: Int, document: ScenarioDocument, overrides: [String] = []) {
        self.init(index: index, scenario: document.name, start: document.start, horizonMonths: document.horizonMonths,
                  tierNames: document.tierNames, firmNames: document.providerNames,
                  firmModels: document.providerModels, templateNames: document.templateNames,
                  templateModels: document.templateModels, perReplicationKeys: document.perReplicationKeys,
                  source: Source(path: document.path, contentHash: document.contentHash,
                                 resolvedYAML: document.resolvedYAML, overrides: overrides)) { replication, plan in
            let instance = document.instantiate(replication: replication, plan: plan)
            return try MarketReplication.run(instance.scenario, plan: plan, replication: replication,
                                             parameters: instance.parameters)
        }
        populationNames = document.populations.map(\.name)
        populationModels = document.populations.map(\.model)
        populationCounts = document.populations.map(\.count)
        posteriorKeys = document.posteriorKeys
        posteriorSource = document.posteriorSource
    }
}
