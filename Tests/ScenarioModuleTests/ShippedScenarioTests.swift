import Foundation
import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// The scenario files in Scenarios/: each validates, and each `--set` example in their comments works.
@Suite struct ShippedScenarioTests {
    @Test func thereAreScenarios() {
        let files = shippedScenarios()
        for f in ["Scenarios/baseline.yaml", "Scenarios/validation/erlang-loss.yaml",
                  "Scenarios/validation/exit-insolvent.yaml", "Scenarios/validation/exit-losing.yaml"] {
            #expect(files.contains(f), "\(f) missing")
        }
    }

    @Test(arguments: shippedScenarios())
    func validates(_ file: String) throws {
        let doc = try ScenarioLoader.load(path: packageRoot.appendingPathComponent(file).path)
        #expect(!doc.name.isEmpty)
        _ = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1))
    }

    /// Every `--set '…'` written in a file's comments is a valid override of that file.
    @Test(arguments: shippedScenarios())
    func commentedOverridesWork(_ file: String) throws {
        let text = read(file)
        var overrides: [String] = []
        for line in text.split(separator: "\n") where line.hasPrefix("#") {
            var rest = Substring(line)
            while let r = rest.range(of: "--set '") {
                rest = rest[r.upperBound...]
                guard let end = rest.firstIndex(of: "'") else { break }
                overrides.append(String(rest[..<end]))
                rest = rest[rest.index(after: end)...]
            }
        }
        for o in overrides {
            do { _ = try ScenarioLoader.load(yaml: text, path: file, overrides: [o]) } catch {
                Issue.record("\(file): --set '\(o)' fails:\n\(error)")
            }
        }
    }

    @Test func erlangLossIsTheLossSystem() throws {
        let doc = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/validation/erlang-loss.yaml").path)
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.providers.count == 1 && s.tiers.count == 1 && s.segments.count == 1)
        let p = s.providers[0], g = s.segments[0]
        #expect(p.fleet.map(\.units) == [10] && p.pricing == .fixed && p.softBudget && p.initialPrices == [0: 10])
        #expect(g.rate == 60 && g.units == .constant(value: 1) && g.termMonths == .exponential(mean: 1))
        #expect(g.maxWaitDays == .constant(value: 0) && !g.outsideOption && g.takeOrPayShare == 0 && g.renewProbability == 0)
        if case .constant(let r) = g.reservationPrice { #expect(r > 10) } else { Issue.record("reservation price") }
        #expect(s.contracts.cancelHazard == 0 && s.contracts.cancelHazardSlope == 0 && s.shocks.isEmpty)
        #expect(s.tiers[0].physicalLifeYears * 12 >= Double(s.horizonMonths))
        // The header's two keys: C and A.
        let c7 = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/validation/erlang-loss.yaml").path,
                                         overrides: ["providers[lessor].fleet[0].units=7", "demand.segments[tenants].rate=30"])
        let s7 = c7.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s7.providers[0].fleet[0].units == 7 && s7.segments[0].rate == 30)
    }

    @Test func baselineIsTheChineseMarket() throws {
        let doc = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/baseline.yaml").path)
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.start == YearMonth(year: 2024, month: 1) && s.horizonMonths == 60 && s.currency == "CNY")
        for t in ["a800", "h800", "h20", "ascend-910b"] { #expect(doc.tierNames.contains(t)) }
        #expect(doc.providerModels.allSatisfy { $0 == "owner" })
        #expect(s.regions.contains { $0.pue == 1.42 })
        // Modest size: a few thousand arrivals in all (growth included).
        var arrivals = 0.0
        for g in s.segments {
            guard case .exponential(let r) = g.growth else { continue }
            arrivals += (0..<s.horizonMonths).reduce(0.0) { $0 + g.rate / 12 * pow(1 + r, Double($1) / 12) }
        }
        #expect(arrivals > 1000 && arrivals < 5000)
    }
}
