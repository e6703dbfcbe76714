@testable import MarketModel
import Stochastics
import Testing

/// How entrants start trading.
@Suite struct EntryTests {
    /// A sublessor entrant rents its first_order in at entry (from the owner's offer, then from abroad),
    /// and sublets it: before, it started with no capacity, was asked for nothing and never rented any in.
    @Test func aSublessorEntrantRentsItsFirstOrderInAtEntryAndSublets() throws {
        // An owner turning tenants away (offered load 30 on 20 units) earns a margin that brings entrants.
        var s = Fixtures.erlang(units: 20, load: 30, months: 24)
        var tpl = Fixtures.provider(name: "entrant", units: 0, price: 9, cash: 1e7, softBudget: false)
        tpl.model = .sublessor
        tpl.fleet = []
        s.entrants = [EntrantTemplate(name: "reseller", provider: tpl, firstOrder: [(0, 8)])]
        // The owner is nearly full, so it offers little: an ample line abroad makes up the rest.
        s.sublease.overseas = [OverseasLine(name: "abroad", tier: 0, units: 100_000, price: 7, jurisdiction: "intl")]
        s.entry.maxRate = 12
        s.entry.marginThreshold = 0
        var entrants = 0, established = 0, sublet = 0
        for seed in UInt64(1)...5 {
            let result = try MarketReplication.run(s, plan: SeedPlan(masterSeed: seed), replication: 0)
            for f in result.firms.indices where result.firms[f].template == "reseller" {
                entrants += 1
                let rows = result.firmMonths.filter { $0.firm == f }
                let first = try #require(rows.first)
                #expect(first.unitsRentedIn == [8], "seed \(seed) \(result.firms[f].name): rented in \(first.unitsRentedIn)")
                // Billed for the whole first month at the line's 7 or the owner's wholesale quote, which lies
                // between its price floor and the price index (at most the owner's fixed 10).
                let perDay = (low: 8.0 * 7 * 24, high: 8.0 * 10 * 24)
                #expect(first.rentInCost >= perDay.low * 28 - 1e-6 && first.rentInCost <= perDay.high * 31 + 1e-6,
                        "seed \(seed): first month's rent-in \(first.rentInCost), \(perDay) a day")
                guard rows.count >= 3 else { continue }   // a quarter in the market at least
                established += 1
                if rows.contains(where: { $0.revenue > 0 }) { sublet += 1 }
            }
        }
        try #require(entrants >= 3, "the fixture should bring sublessor entrants; got \(entrants)")
        try #require(established >= 2, "too few entrants with a quarter in the market: \(established)")
        #expect(sublet == established, "every sublessor entrant sublets some of what it rented in: \(sublet) of \(established)")
    }
}
