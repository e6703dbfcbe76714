import Foundation
@testable import MarketModel
import Stochastics
import Testing

/// Equity returns (`npv`, `irr`, `moic` of `outcomes.csv`) on firms whose cash flows are known in closed
/// form: a firm that holds cash and does nothing gets back exactly what was put in, so its MOIC is 1, its
/// IRR 0 and its NPV at cost of capital c over n months is stake × ((1 + c)^(−n/12) − 1).
@Suite struct OutcomeTests {
    /// The Erlang market plus `idle` firms and an entrant template of a broker with no affiliates (it orders
    /// nothing; every potential entrant enters): they never hold a unit, pay nothing and earn nothing.
    static func idleScenario(months: Int, stake: Double, debt: Double) -> Scenario {
        var s = Fixtures.erlang(units: 20, load: 15, months: months)
        var idle = Fixtures.provider(name: "idle", units: 0, cash: stake + debt, debt: debt, softBudget: false,
                                     ltv: 0, rate: 0)
        idle.fleet = []
        s.providers.append(idle)
        var tpl = Fixtures.provider(name: "entrant", units: 0, cash: stake, softBudget: false, rate: 0)
        tpl.fleet = []
        tpl.model = .broker
        s.entrants = [EntrantTemplate(name: "idle-entrant", provider: tpl, firstOrder: [])]
        s.entry.maxRate = 24
        s.entry.medianReturn = -10   // every potential entrant enters
        return s
    }

    static func expectedNPV(stake: Double, months: Int, costOfCapital: Double) -> Double {
        stake * (pow(1 + costOfCapital, -Double(months) / 12) - 1)
    }

    @Test("a firm present at the start that only holds cash: MOIC 1, IRR 0, NPV from the stake alone")
    func idleIncumbent() throws {
        for (stake, debt) in [(5e6, 0.0), (5e6, 2e6)] {
            let scenario = Self.idleScenario(months: 24, stake: stake, debt: debt)
            let result = try MarketReplication.run(scenario, plan: SeedPlan(masterSeed: 7), replication: 0)
            let j = scenario.providers.count - 1
            let o = try #require(result.outcomes.first { $0.firm == j })
            let months = o.exitMonth.map { $0 + 1 } ?? scenario.horizonMonths
            #expect(abs(try #require(o.moic) - 1) < 1e-12, "debt \(debt): moic \(String(describing: o.moic))")
            #expect(abs(try #require(o.irr)) < 1e-8, "debt \(debt): irr \(String(describing: o.irr))")
            let npv = Self.expectedNPV(stake: stake, months: months, costOfCapital: 0.1)
            #expect(abs(o.npv - npv) < 1e-6 * stake, "debt \(debt): npv \(o.npv), expected \(npv)")
        }
    }

    /// An entrant's capital is its stake once: raised at entry, not counted again as equity raised in its
    /// first month.
    @Test("an entrant that only holds cash: MOIC 1, IRR 0, NPV from its entry capital counted once")
    func idleEntrant() throws {
        let stake = 3e6
        let scenario = Self.idleScenario(months: 36, stake: stake, debt: 0)
        let result = try MarketReplication.run(scenario, plan: SeedPlan(masterSeed: 11), replication: 0)
        let entrants = result.firms.indices.filter { result.firms[$0].template != nil }
        try #require(entrants.count >= 3, "the fixture should bring entrants; got \(entrants.count)")
        for f in entrants {
            let o = try #require(result.outcomes.first { $0.firm == f })
            let entry = result.firms[f].entryMonth
            let months = (o.exitMonth.map { $0 + 1 } ?? scenario.horizonMonths) - entry
            let rows = result.firmMonths.filter { $0.firm == f }
            #expect(rows.first?.equityRaised == stake, "the entry capital shows in the first month's equity_raised")
            #expect(abs(try #require(o.moic) - 1) < 1e-12, "\(result.firms[f].name): moic \(String(describing: o.moic))")
            #expect(abs(try #require(o.irr)) < 1e-8, "\(result.firms[f].name): irr \(String(describing: o.irr))")
            let npv = Self.expectedNPV(stake: stake, months: months, costOfCapital: 0.1)
            #expect(abs(o.npv - npv) < 1e-6 * stake, "\(result.firms[f].name): npv \(o.npv), expected \(npv)")
        }
    }
}
