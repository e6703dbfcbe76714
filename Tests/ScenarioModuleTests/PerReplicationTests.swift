import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// Keys written `{dist: …, per: replication}`: drawn once per replication, keyed by path, clamped, recorded.
@Suite struct PerReplicationTests {
    static let drawn = minimal
        .replacingValue(at: "demand.segments[training].rate", with: "{dist: uniform, min: 10, max: 14, per: replication}")
        .replacingValue(at: "providers[cloud].cash", with: "{dist: normal, mean: 1e6, sd: 2e6, per: replication}")
        .replacingEntry(at: "providers[cloud].fleet[0]", with: "- {tier: h800, units: {dist: uniform, min: 10, max: 20, per: replication}}")
        .replacingValue(at: "demand.segments[training].reservation_price", with: "{dist: lognormal, mu: 3.4, sigma: 0.3, per: replication}")

    @Test func recordedInResolvedOrder() throws {
        let doc = try ScenarioLoader.load(yaml: Self.drawn, path: "t.yaml")
        #expect(doc.perReplicationKeys == ["demand.segments[training].rate", "demand.segments[training].reservation_price",
                                          "providers[cloud].cash", "providers[cloud].fleet[0].units"])
        let (s, params) = doc.instantiate(replication: 3, plan: SeedPlan(masterSeed: 42))
        #expect(params.map(\.key) == doc.perReplicationKeys)
        #expect(s.segments[0].rate == params[0].value)
        #expect(s.segments[0].reservationPrice == .constant(value: params[1].value))
        #expect(s.providers[0].cash == params[2].value)
        #expect(Double(s.providers[0].fleet[0].units) == params[3].value)
    }

    @Test func deterministicAcrossCallsAndDocuments() throws {
        let a = try ScenarioLoader.load(yaml: Self.drawn, path: "t.yaml")
        let b = try ScenarioLoader.load(yaml: Self.drawn, path: "other.yaml")
        let plan = SeedPlan(masterSeed: 7)
        for r in 0..<5 {
            let x = a.instantiate(replication: r, plan: plan).parameters
            let y = a.instantiate(replication: r, plan: plan).parameters
            let z = b.instantiate(replication: r, plan: plan).parameters
            #expect(x.map(\.value) == y.map(\.value))
            #expect(x.map(\.value) == z.map(\.value))
        }
        let r0 = a.instantiate(replication: 0, plan: plan).parameters.map(\.value)
        let r1 = a.instantiate(replication: 1, plan: plan).parameters.map(\.value)
        #expect(r0 != r1)
        #expect(r0 != a.instantiate(replication: 0, plan: SeedPlan(masterSeed: 8)).parameters.map(\.value))
    }

    @Test func eachKeyHasItsOwnStream() throws {
        let plan = SeedPlan(masterSeed: 99)
        let doc = try ScenarioLoader.load(yaml: Self.drawn, path: "t.yaml")
        let all = Dictionary(uniqueKeysWithValues: doc.instantiate(replication: 2, plan: plan).parameters.map { ($0.key, $0.value) })
        // Dropping two of the draws changes neither of the others.
        let fewer = try ScenarioLoader.load(yaml: Self.drawn.replacingValue(at: "demand.segments[training].rate", with: "12")
            .replacingValue(at: "providers[cloud].cash", with: "1e8"), path: "t.yaml")
        for (k, v) in fewer.instantiate(replication: 2, plan: plan).parameters {
            #expect(all[k] == v, "\(k)")
        }
        // The draw is the key's own stream: plan.stream(replication:kind:"parameters", entity: path).
        let stream = plan.stream(replication: 2, kind: "parameters", entity: "demand.segments[training].rate")
        #expect(all["demand.segments[training].rate"] == Distribution.uniform(min: 10, max: 14).sample(stream))
    }

    @Test func clampedIntoTheRangeAndRounded() throws {
        let doc = try ScenarioLoader.load(yaml: Self.drawn, path: "t.yaml")
        var sawClamp = false
        for r in 0..<200 {
            let p = doc.instantiate(replication: r, plan: SeedPlan(masterSeed: 1)).parameters
            let cash = p[2].value, units = p[3].value
            #expect(cash >= 0 && cash <= 1e15)
            if cash == 0 { sawClamp = true }
            #expect(units == units.rounded() && units >= 10 && units <= 20)
            #expect(p[0].value >= 10 && p[0].value < 14)
        }
        #expect(sawClamp, "normal(1e6, 2e6) falls below 0 about 31% of the time; those draws clamp to 0")
    }

    @Test func aDistributionKeyDrawnPerReplicationBecomesAConstant() throws {
        let doc = try ScenarioLoader.load(yaml: Self.drawn, path: "t.yaml")
        let (s, p) = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 5))
        #expect(s.segments[0].reservationPrice == .constant(value: p[1].value))
    }

    @Test func resolvedYAMLKeepsTheDistributions() throws {
        let doc = try ScenarioLoader.load(yaml: Self.drawn, path: "t.yaml")
        #expect(doc.resolvedYAML.contains("rate: {dist: uniform, min: 10, max: 14, per: replication}"))
        #expect(doc.resolvedYAML.contains("- tier: h800\n        units: {dist: uniform, min: 10, max: 20, per: replication}"))
        let again = try ScenarioLoader.load(yaml: doc.resolvedYAML, path: "resolved.yaml")
        #expect(again.perReplicationKeys == doc.perReplicationKeys)
        let plan = SeedPlan(masterSeed: 3)
        #expect(again.instantiate(replication: 4, plan: plan).parameters.map(\.value)
                == doc.instantiate(replication: 4, plan: plan).parameters.map(\.value))
    }

    @Test func derivedDefaultsFollowADrawnLife() throws {
        let doc = try ScenarioLoader.load(yaml: minimal.inserting("life_years: {dist: uniform, min: 4, max: 6, per: replication}", after: "tiers[h800].reference_price"), path: "t.yaml")
        #expect(doc.resolvedYAML.contains("physical_life_years: null"))
        let (s, p) = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 2))
        #expect(s.tiers[0].lifeYears == p[0].value)
        #expect(s.tiers[0].physicalLifeYears == p[0].value + 2)
    }
}
