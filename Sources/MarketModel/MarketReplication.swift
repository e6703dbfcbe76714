import Foundation
import Stochastics

/// Runs one replication of the market.
public enum MarketReplication {
    /// Simulates `scenario` for replication `replication` with streams from `plan`.
    /// - Returns: the replication's rows in canonical order (firms in scenario order, months ascending),
    ///   with no ``ReplicationResult/parameters`` (whoever drew the scenario's parameters attaches them).
    /// - Throws: ``ReplicationError`` when the event budget is exceeded.
    public static func run(_ scenario: Scenario, plan: SeedPlan, replication: Int) throws(ReplicationError) -> ReplicationResult {
        var market = Market(scenario: scenario, plan: plan, replication: replication)
        let events = try market.simulate()
        var result = ReplicationResult(replication: replication, parameters: [],
                                       firmMonthsByFirm: market.firmRecords.values,
                                       marketMonths: market.marketRecords, outcomes: market.outcomes(),
                                       events: events)
        result.firms = market.firms.values
        result.supplyMonths = market.supplies.flatMap(\.records)
        result.fleetMonths = market.fleetRecords.values.flatMap { $0 }
        return result
    }
}
