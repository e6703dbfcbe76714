import MarketModel
import ScenarioModule
import Stochastics

extension ExperimentPoint {
    /// A point that runs a loaded scenario: each replication instantiates the document (drawing
    /// its per-replication parameters from the plan) and runs the market on it.
    ///
    /// The start month and horizon come from instantiating replication 0 once, here.
    /// - Parameters:
    ///   - plan: the point's seed plan (``RunConfiguration/seedPlan(point:)``).
    ///   - overrides: the `--set` overrides already applied to the document, for the manifest.
    public init(index: Int, document: ScenarioDocument, plan: SeedPlan, overrides: [String] = []) {
        let first = document.instantiate(replication: 0, plan: plan).scenario
        self.init(index: index, scenario: document.name, start: first.start, horizonMonths: first.horizonMonths,
                  tierNames: document.tierNames, firmNames: document.providerNames,
                  firmModels: document.providerModels, templateNames: first.entrants.map(\.name),
                  templateModels: first.entrants.map(\.provider.model.rawValue), perReplicationKeys: document.perReplicationKeys,
                  source: Source(path: document.path, contentHash: document.contentHash,
                                 resolvedYAML: document.resolvedYAML, overrides: overrides)) { replication, plan in
            let instance = document.instantiate(replication: replication, plan: plan)
            return try MarketReplication.run(instance.scenario, plan: plan, replication: replication,
                                             parameters: instance.parameters)
        }
    }
}
