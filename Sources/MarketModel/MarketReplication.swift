import Foundation
import Stochastics

/// Runs one replication of the market.
public enum MarketReplication {
    /// Simulates `scenario` for replication `replication` with streams from `plan`.
    /// - Parameters:
    ///   - parameters: the per-replication draws already made for this scenario (recorded as is).
    /// - Returns: the replication's rows in canonical order (firms in scenario order, months ascending).
    /// - Throws: ``ReplicationError`` when the event budget is exceeded.
    public static func run(_ scenario: Scenario, plan: SeedPlan, replication: Int,
                           parameters: [(key: String, value: Double)] = []) throws(ReplicationError) -> ReplicationResult {
        let clock = ContinuousClock.now
        var market = Market(scenario: scenario, plan: plan, replication: replication)
        let events = try market.simulate()
        let elapsed = ContinuousClock.now - clock
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var result = ReplicationResult(replication: replication, parameters: parameters,
                                       firmMonths: market.firmRecords.flatMap { $0 },
                                       marketMonths: market.marketRecords, outcomes: market.outcomes(),
                                       events: events, seconds: seconds)
        result.firms = market.firms
        result.supplyMonths = market.supplies.flatMap(\.records)
        return result
    }
}
