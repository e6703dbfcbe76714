import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// Populations: a provider entry with `count: N` becomes N firms, with keys drawn `per: firm`.
@Suite struct PopulationTests {
    /// `cloud` and `late` declared by themselves, a population `small` of `n` firms between them, and a
    /// sublessor renting from `late` (declared after the population: its index moves).
    static func scenario(count n: Int, extraKey: Bool = false) -> String {
        minimal + """
          - name: small
            count: \(n)
            region: east
            cash: {dist: uniform, min: 1e6, max: 5e6, per: firm}
            visibility: 0.3
            fleet:
              - {tier: h800, units: {dist: uniform, min: 8, max: 32, per: firm}}
        \(extraKey ? "    reputation: {dist: normal, mean: 0, sd: 1, per: firm}\n" : "")\
          - name: late
            region: east
            cash: 2e7
            fleet:
              - {tier: h800, units: 16}
          - name: sub
            model: sublessor
            region: east
            cash: 1e6
            rent_in:
              - {tier: h800, units: 8, lessor: late}

        """
    }

    @Test func namedFirmsFirstThenTheMembersWithReferencesFollowingTheirFirms() throws {
        let doc = try ScenarioLoader.load(yaml: Self.scenario(count: 4), path: "t.yaml")
        #expect(doc.providerNames == ["cloud", "late", "sub"])
        #expect(doc.populations.map(\.name) == ["small"])
        #expect(doc.populations.map(\.count) == [4])
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 3)).scenario
        #expect(s.providers.map(\.name) == ["cloud", "late", "sub", "small-1", "small-2", "small-3", "small-4"])
        #expect(s.providers.map(\.population) == [nil, nil, nil, "small", "small", "small", "small"])
        // `sub` rents from `late`, now firm 1 (declared third).
        #expect(s.providers[2].supply.rentIn.map { $0.lessor?.index } == [1])
        // Keys not drawn are the entry's.
        #expect(s.providers[3...].allSatisfy { $0.visibility == 0.3 && $0.model == .owner })
        // No draw of a firm's key is recorded as a per-replication parameter.
        #expect(doc.perReplicationKeys.isEmpty)
    }

    @Test func eachFirmDrawsItsOwnValuesWithinRangeAndAnewEachReplication() throws {
        let doc = try ScenarioLoader.load(yaml: Self.scenario(count: 6), path: "t.yaml")
        let plan = SeedPlan(masterSeed: 5)
        let a = doc.instantiate(replication: 0, plan: plan).scenario.providers.filter { $0.population != nil }
        let b = doc.instantiate(replication: 1, plan: plan).scenario.providers.filter { $0.population != nil }
        let again = doc.instantiate(replication: 0, plan: plan).scenario.providers.filter { $0.population != nil }
        #expect(a.map(\.cash) == again.map(\.cash))
        #expect(Set(a.map(\.cash)).count == 6, "every firm draws its own cash")
        #expect(a.allSatisfy { (1e6...5e6).contains($0.cash) })
        #expect(a.allSatisfy { (8...32).contains($0.fleet[0].units) })
        #expect(a.map(\.cash) != b.map(\.cash), "a replication draws the firms anew")
    }

    /// The issue's test: adding one firm to a population, or one more key drawn per firm, leaves
    /// every other firm's draws unchanged.
    @Test func addingAFirmOrAKeyLeavesEveryOtherDrawUnchanged() throws {
        let plan = SeedPlan(masterSeed: 11)
        func members(_ yaml: String, _ r: Int) throws -> [ProviderSpec] {
            try ScenarioLoader.load(yaml: yaml, path: "t.yaml").instantiate(replication: r, plan: plan)
                .scenario.providers.filter { $0.population != nil }
        }
        for r in 0..<3 {
            let five = try members(Self.scenario(count: 5), r)
            let six = try members(Self.scenario(count: 6), r)
            let keyed = try members(Self.scenario(count: 5, extraKey: true), r)
            #expect(six.count == 6)
            #expect(Array(six.prefix(5)).map(\.cash) == five.map(\.cash))
            #expect(Array(six.prefix(5)).map { $0.fleet[0].units } == five.map { $0.fleet[0].units })
            #expect(keyed.map(\.cash) == five.map(\.cash))
            #expect(keyed.map { $0.fleet[0].units } == five.map { $0.fleet[0].units })
            #expect(Set(keyed.map(\.reputation)).count == 5)
        }
    }

    @Test func aPopulationWithoutDrawsIsExpandedOnce() throws {
        let yaml = Self.scenario(count: 3)
            .replacingValue(at: "providers[small].cash", with: "3e6")
            .replacingEntry(at: "providers[small].fleet[0]", with: "- {tier: h800, units: 16}")
        let doc = try ScenarioLoader.load(yaml: yaml, path: "t.yaml")
        let s = doc.instantiate(replication: 4, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.providers.count == 6)
        #expect(s.providers[3...].allSatisfy { $0.cash == 3e6 && $0.fleet[0].units == 16 })
        #expect(doc.summary.contains("6 providers"))
    }

    @Test func perFirmOnlyUnderProviders() {
        let yaml = minimal.replacingValue(at: "demand.segments[training].rate", with: "{dist: uniform, min: 10, max: 14, per: firm}")
        let h = headers(yaml)
        #expect(h.count == 1)
        #expect(h.first?.contains("demand.segments[training].rate.per: expected 'replication'") == true)
        #expect(h.first?.contains("only keys of a provider entry") == true)
        let bad = minimal.replacingValue(at: "providers[cloud].cash", with: "{dist: uniform, min: 1, max: 2, per: tenant}")
        #expect(headers(bad).first?.contains("expected 'replication' (drawn once per replication) or 'firm'") == true)
    }

    @Test func referencesAndNamesThatAPopulationWouldBreakAreRefused() {
        // A lessor naming a population.
        let lessor = Self.scenario(count: 3).replacingValue(at: "providers[sub].rent_in[0].lessor", with: "small")
        let h1 = headers(lessor)
        #expect(h1.contains { $0.contains("providers[sub].rent_in[0].lessor") && $0.contains("'small' is a population") })
        // A firm named as a population's firm.
        let clash = Self.scenario(count: 3).replacingValue(at: "providers[late].name", with: "small-2")
        #expect(headers(clash).contains { $0.contains("left to the firms of population 'small'") })
        // A count out of range, with its line.
        let zero = Self.scenario(count: 0)
        let h3 = headers(zero)
        #expect(h3.count == 1)
        #expect(h3.first?.contains("t.yaml:\(zero.line(of: "providers[small].count")):") == true)
        #expect(h3.first?.contains("providers[small].count") == true)
    }

    /// `small` (count n) drawn among two sites, east and west, weights 1 and 3.
    static func sited(count n: Int) -> String {
        let twoRegions = minimal.replacingOccurrences(
            of: "    electricity_price: 0.65\ndemand:",
            with: "    electricity_price: 0.65\n  - name: west\n    jurisdiction: cn\n    electricity_price: 0.5\ndemand:")
        return twoRegions + """
          - name: small
            count: \(n)
            region: east
            regions: {east: 1, west: 3}
            cash: 2e6

        """
    }

    /// Each firm's site is drawn by the weights (the share at west within its 99.9% binomial
    /// interval of 3/4), keyed by firm: one more firm moves no other firm's site.
    @Test func aPopulationsFirmsAreSitedByTheWeights() throws {
        let plan = SeedPlan(masterSeed: 9)
        let doc = try ScenarioLoader.load(yaml: Self.sited(count: 400), path: "t.yaml")
        let s = doc.instantiate(replication: 0, plan: plan).scenario
        let members = s.providers.filter { $0.population == "small" }
        let west = try #require(s.regions.firstIndex { $0.name == "west" })
        let share = Double(members.filter { $0.region.index == west }.count) / 400
        #expect(abs(share - 0.75) <= 3.29 * (0.75 * 0.25 / 400).squareRoot(), "share at west \(share)")
        #expect(members.allSatisfy { $0.jurisdiction == "cn" })
        let more = try ScenarioLoader.load(yaml: Self.sited(count: 401), path: "t.yaml")
            .instantiate(replication: 0, plan: plan).scenario.providers.filter { $0.population == "small" }
        #expect(Array(more.prefix(400)).map(\.region) == members.map(\.region))
        let other = doc.instantiate(replication: 1, plan: plan).scenario.providers.filter { $0.population == "small" }
        #expect(other.map(\.region) != members.map(\.region), "a replication draws the sites anew")
    }

    @Test func sitesAreForAPopulationOfKnownRegions() {
        let single = Self.sited(count: 1)
        #expect(headers(single).contains { $0.contains("providers[small].regions: sites to draw from are for a population") })
        let unknown = Self.sited(count: 3).replacingOccurrences(of: "{east: 1, west: 3}", with: "{east: 1, wset: 3}")
        #expect(headers(unknown).contains { $0.contains("providers[small].regions.wset: unknown region 'wset'") })
    }

    /// `per: firm` on a firm declared by itself draws for its one firm, with or without populations.
    @Test func aFirmDeclaredByItselfDrawsItsOwnValue() throws {
        let plan = SeedPlan(masterSeed: 2)
        let alone = minimal.replacingValue(at: "providers[cloud].cash", with: "{dist: uniform, min: 1e6, max: 2e6, per: firm}")
        let withPopulation = Self.scenario(count: 3)
            .replacingValue(at: "providers[cloud].cash", with: "{dist: uniform, min: 1e6, max: 2e6, per: firm}")
        for yaml in [alone, withPopulation] {
            let doc = try ScenarioLoader.load(yaml: yaml, path: "t.yaml")
            let a = doc.instantiate(replication: 0, plan: plan).scenario, b = doc.instantiate(replication: 1, plan: plan).scenario
            let cloud = try #require(a.providers.first { $0.name == "cloud" })
            #expect((1e6...2e6).contains(cloud.cash), "drawn: \(cloud.cash)")
            #expect(cloud.cash != b.providers.first { $0.name == "cloud" }?.cash)
        }
    }
}
