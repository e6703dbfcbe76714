import MarketModel
import Stochastics

extension MarketReplication {
    /// Runs one replication of `scenario`, as ``MarketReplication/run(_:plan:replication:)`` does, and
    /// attaches the per-replication draws the runner made when it instantiated the scenario: the model
    /// simulates, the runner records what it drew.
    static func run(_ scenario: Scenario, plan: SeedPlan, replication: Int,
                    parameters: [(key: String, value: Double)]) throws(ReplicationError) -> ReplicationResult {
        var result = try run(scenario, plan: plan, replication: replication)
        result.parameters = parameters
        return result
    }
}
