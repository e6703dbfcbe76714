import Testing
@testable import MarketModel
import Stochastics

@Suite struct ErlangLossTests {
    static func erlangB(servers c: Int, load a: Double) -> Double {
        var b = 1.0
        for m in 1...c { b = a * b / (Double(m) + a * b) }
        return b
    }

    @Test(arguments: [(10, 5.0), (7, 2.5)])
    func blockingMatchesErlangB(units: Int, load: Double) throws {
        let scenario = Fixtures.erlang(units: units, load: load, months: 240)
        var perRep: [Double] = []
        for r in 0..<20 {
            let res = try MarketReplication.run(scenario, plan: SeedPlan(masterSeed: 11), replication: r)
            let rows = res.marketMonths.filter { $0.tier == nil && $0.month >= 12 }
            let arrived = rows.reduce(0) { $0 + $1.tenantsArrived }
            let lost = rows.reduce(0) { $0 + $1.tenantsLost }
            perRep.append(Double(lost) / Double(arrived))
        }
        var t = Tally()
        for x in perRep { t.add(x) }
        let b = Self.erlangB(servers: units, load: load)
        let half = Stats.tTwoSided(0.999, dof: t.count - 1) * (t.variance / Double(t.count)).squareRoot()
        print("Erlang(\(units), \(load)): blocking \(t.mean) ± \(half) (99.9%), B = \(b)")
        #expect(abs(t.mean - b) <= half, "blocking \(t.mean) vs Erlang B \(b) ± \(half)")
    }
}
