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
                  "Scenarios/validation/exit-insolvent.yaml", "Scenarios/validation/exit-losing.yaml",
                  "Scenarios/validation/exit-starved.yaml", "Scenarios/validation/export-ban.yaml",
                  "Scenarios/validation/lead-times.yaml", "Scenarios/validation/cobweb.yaml", "Scenarios/validation/entry.yaml",
                  "Scenarios/export-ban-h20.yaml", "Scenarios/ai-demand-bust.yaml", "Scenarios/overbuild-price-war.yaml",
                  "Scenarios/compute-vouchers.yaml", "Scenarios/power-price-spike.yaml", "Scenarios/global-neocloud-2023.yaml"] {
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
            do { _ = try ScenarioLoader.load(yaml: text, path: packageRoot.appendingPathComponent(file).path, overrides: [o]) } catch {
                Issue.record("\(file): --set '\(o)' fails:\n\(error)")
            }
        }
    }

    /// `undercut` is a strategy a scenario may assign, but no shipped what-if assigns it (issue 13):
    /// their price wars must come from capacity. Validation scenarios may test the rule itself.
    @Test(arguments: shippedScenarios().filter { !$0.hasPrefix("Scenarios/validation/") })
    func noWhatIfAssignsUndercut(_ file: String) throws {
        let s = try ScenarioLoader.load(path: packageRoot.appendingPathComponent(file).path)
            .instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.providers.allSatisfy { $0.pricing != .undercut }, "\(file)")
        #expect(s.entrants.allSatisfy { $0.provider.pricing != .undercut }, "\(file)")
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

    /// The library's variants extend the baseline and change what their headers say, nothing else.
    @Test func libraryVariantsOfTheBaseline() throws {
        func load(_ f: String) throws -> (ScenarioDocument, Scenario) {
            let doc = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/" + f).path)
            return (doc, doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario)
        }
        let (baseDoc, base) = try load("baseline.yaml")
        func ym(_ y: Int, _ m: Int) -> YearMonth { YearMonth(year: y, month: m) }
        for f in ["export-ban-h20.yaml", "ai-demand-bust.yaml", "overbuild-price-war.yaml", "compute-vouchers.yaml", "power-price-spike.yaml"] {
            #expect(read("Scenarios/" + f).contains("\nextends: baseline.yaml\n"), "\(f)")
            let (doc, s) = try load(f)
            #expect(doc.files.count == 2 && doc.contentHash != baseDoc.contentHash, "\(f)")
            #expect(doc.tierNames == baseDoc.tierNames && doc.providerNames == baseDoc.providerNames && s.horizonMonths == base.horizonMonths)
            // Every variant keeps the baseline's export bans on H800 and A800.
            for t: TierID in [0, 1] { #expect(s.supplyShocks.contains { $0.tier == t && $0.capacityFactor == 0 && $0.from == ym(2023, 10) }, "\(f)") }
        }
        // The H20 licence requirement: a ban for cn from 2025-04, the only difference from the baseline.
        let ban = try load("export-ban-h20.yaml").1
        #expect(ban.supplyShocks.filter { $0.tier == 2 }.map(\.capacityFactor) == [0] && ban.supplyShocks.filter { $0.tier == 2 }.map(\.from) == [ym(2025, 4)])
        #expect(base.supplyShocks.filter { $0.tier == 2 }.map(\.capacityFactor) == [1])
        let bust = try load("ai-demand-bust.yaml").1
        #expect(bust.policy.massDefaults.map(\.share) == [0.25] && bust.policy.massDefaults[0].at == ym(2025, 9))
        if case .exponential(let g) = bust.segments[0].growth { #expect(g == 0) } else { Issue.record("growth") }
        // The price war assigns no pricing: its firms price as the baseline's, its entrants adaptively; it
        // adds capacity — H800s from the 2023 peak at the start, grey imports, and entrants.
        let war = try load("overbuild-price-war.yaml").1
        #expect(war.entry.maxRate > 5 * base.entry.maxRate && war.entrants.allSatisfy { $0.provider.pricing == .adaptive })
        #expect(war.providers.map(\.pricing) == base.providers.map(\.pricing))
        let h800 = { (s: Scenario) in s.providers.reduce(0) { $0 + $1.fleet.filter { $0.tier == 0 }.reduce(0) { $0 + $1.units } } }
        #expect(h800(war) > h800(base) && war.chipSupply[0].greyPremium != nil && base.chipSupply[0].greyPremium == nil)
        #expect(war.chipSupply.map(\.tier) == base.chipSupply.map(\.tier), "the price war writes out every supply line")
        let v = try load("compute-vouchers.yaml").1.policy.vouchers
        #expect(v.count == 1 && v[0].budget == 6e8 && v[0].share == 0.8 && v[0].region == 0)
        let power = try load("power-price-spike.yaml").1.policy.siteShocks
        #expect(power.count == 4 && power.contains { $0.pueMultiplier == 1.1 })
        // Every other variant keeps the H20 available, as the baseline does.
        for f in ["ai-demand-bust.yaml", "overbuild-price-war.yaml", "compute-vouchers.yaml", "power-price-spike.yaml"] {
            let shocks = try load(f).1.supplyShocks
            #expect(shocks.map(\.tier) == base.supplyShocks.map(\.tier) && shocks.map(\.capacityFactor) == base.supplyShocks.map(\.capacityFactor), "\(f)")
        }
        // The global market: USD, the h100 and its successors h200 (2024-07) and b200 (2025-01), intl, a
        // launch price near $4.70 and a tail of tenants paying ≥ $10.
        let (_, g) = try load("global-neocloud-2023.yaml")
        #expect(g.currency == "USD" && g.tiers.map(\.name) == ["h100", "h200", "b200"] && g.regions.allSatisfy { $0.jurisdiction == "intl" })
        #expect(g.tiers.map(\.release) == [nil, ym(2024, 7), ym(2025, 1)] && g.tiers.map(\.successor) == [1, 2, nil])
        #expect(g.segments.allSatisfy { $0.tier == 0 && $0.substitutes == [1, 2] })
        #expect(g.start == ym(2023, 1) && g.start.adding(months: g.horizonMonths - 1) >= ym(2026, 6) && g.tiers[0].referencePrice == 4.7)
        #expect(g.segments.contains { $0.reservationPrice.cdf(10).map { $0 < 0.97 } ?? false })   // more than 3% at $10 or more
        #expect(g.chipSupply.count == 3 && g.chipSupply[0].premium > 0 && !g.entrants.isEmpty && g.entry.maxRate > 0)
        #expect(g.providers.contains { $0.interestRate == 0.1 } && g.entrants.allSatisfy { $0.provider.interestRate == 0.1 })
    }

    @Test func baselineIsTheChineseMarket() throws {
        let doc = try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Scenarios/baseline.yaml").path)
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.start == YearMonth(year: 2024, month: 1) && s.horizonMonths == 60 && s.currency == "CNY")
        for t in ["a800", "h800", "h20", "ascend-910b", "ascend-910c", "ascend-next"] { #expect(doc.tierNames.contains(t)) }
        #expect(Set(doc.providerModels) == ["owner", "sublessor", "broker", "hybrid"])
        #expect(s.regions.contains { $0.pue == 1.42 })
        // Export rules for cn at the start: A800/H800 banned from 2023-10; the H20 stays available (export-ban-h20.yaml bans it).
        let tier = { (name: String) in TierID(doc.tierNames.firstIndex(of: name)!) }
        func banned(_ t: String) -> YearMonth? {
            s.supplyShocks.first { $0.tier == tier(t) && $0.jurisdiction == "cn" && $0.capacityFactor == 0 }?.from
        }
        #expect(banned("h800") == YearMonth(year: 2023, month: 10) && banned("a800") == YearMonth(year: 2023, month: 10))
        #expect(banned("h20") == nil && banned("ascend-910b") == nil)
        for t in ["h800", "a800", "h20", "ascend-910b"] {
            #expect(s.chipSupply.contains { $0.tier == tier(t) && $0.jurisdiction == "cn" }, "no cn supply of \(t)")
        }
        let ascend = s.tiers[tier("ascend-910b")]
        #expect(ascend.eta == 0.6 && ascend.portingPenalty > 0)
        let domestic = try #require(s.chipSupply.first { $0.tier == tier("ascend-910b") })
        let h20 = try #require(s.chipSupply.first { $0.tier == tier("h20") })
        #expect(domestic.monthlyCapacity < h20.monthlyCapacity)
        // The other business models: a sublessor renting from a named owner, a broker with owner affiliates, a hybrid with buyers.
        let reseller = try #require(s.providers.first { $0.model == .sublessor })
        #expect(reseller.supply.rentIn.contains { $0.lessor.map { s.providers[$0].model == .owner } == true })
        let broker = try #require(s.providers.first { $0.model == .broker })
        #expect(!broker.supply.affiliates.isEmpty && broker.supply.affiliates.allSatisfy { s.providers[$0].model == .owner })
        #expect(s.providers.contains { $0.model == .hybrid } && s.segments.contains { $0.buyShare > 0 })
        #expect(s.providers.filter { $0.model == .owner }.allSatisfy { $0.supply.ownedMW > 0 || $0.supply.colocationKW > 0 })
        #expect(!s.entrants.isEmpty && s.entry.maxRate > 0)
        // Modest size: a few thousand arrivals in all (growth included).
        var arrivals = 0.0
        for g in s.segments {
            guard case .exponential(let r) = g.growth else { continue }
            arrivals += (0..<s.horizonMonths).reduce(0.0) { $0 + g.rate / 12 * pow(1 + r, Double($1) / 12) }
        }
        #expect(arrivals > 1000 && arrivals < 5000)
    }
}
