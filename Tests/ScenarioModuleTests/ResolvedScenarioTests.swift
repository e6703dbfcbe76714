import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// Defaults, the resolved YAML and its hash.
@Suite struct ResolvedScenarioTests {
    @Test func defaultsAreScenarioSwiftDefaults() throws {
        let doc = try ScenarioLoader.load(yaml: minimal, path: "t.yaml")
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        let p = PricingParameters()
        #expect(s.pricing.kU == p.kU && s.pricing.kX == p.kX && s.pricing.indexWeight == p.indexWeight)
        #expect(s.pricing.targetUtilisation == p.targetUtilisation && s.pricing.capMultiple == p.capMultiple)
        #expect(s.pricing.costPlusMarkup == p.costPlusMarkup && s.pricing.rivalDiscount == p.rivalDiscount && s.pricing.rivalWeight == p.rivalWeight)
        #expect(s.pricing.visibilitySlope == p.visibilitySlope && s.pricing.idlePowerShare == p.idlePowerShare)
        #expect(s.pricing.termDiscounts.map(\.months) == p.termDiscounts.map(\.months))
        #expect(s.pricing.termDiscounts.map(\.discount) == p.termDiscounts.map(\.discount))
        let c = ContractParameters()
        #expect(s.contracts.cancelHazard == c.cancelHazard && s.contracts.cancelHazardSlope == c.cancelHazardSlope)
        #expect(s.contracts.cancelFeeMonths == c.cancelFeeMonths)
        let f = FinanceParameters()
        #expect(s.finance.baseRate == f.baseRate && s.finance.debtTermMonths == f.debtTermMonths)
        let e = ExitParameters()
        #expect(s.exit.lossQuarters == e.lossQuarters && s.exit.fireSaleMaxDiscount == e.fireSaleMaxDiscount)
        #expect(s.exit.marketDepthShare == e.marketDepthShare)
        #expect(s.usedMarket.discountRate == UsedMarketParameters().discountRate && s.usedMarket.scrapShare == UsedMarketParameters().scrapShare)
        #expect(s.limits.maxEvents == Limits().maxEvents)
        #expect(s.description == "" && s.shocks.isEmpty)
    }

    @Test func defaultsOfEntries() throws {
        let s = try ScenarioLoader.load(yaml: minimal, path: "t.yaml").instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        let t = s.tiers[0]
        #expect(t.eta == 1 && t.portingPenalty == 0 && t.lifeYears == 5 && t.physicalLifeYears == 7 && t.usedDecline == 0.25 && t.release == nil)
        #expect(s.regions[0].pue == 1.5)
        let g = s.segments[0]
        guard case .exponential(let rate) = g.growth else { Issue.record("growth"); return }
        #expect(rate == 0 && g.substitutes.isEmpty && g.units == .constant(value: 1) && g.termMonths == .constant(value: 12))
        #expect(g.priceSensitivity == .constant(value: 4) && g.maxWaitDays == .constant(value: 0))
        #expect(g.takeOrPayShare == 0 && g.defaultHazard == 0 && g.recoveryRate == 0.4 && g.renewProbability == 0.5 && g.outsideOption)
        let p = s.providers[0]
        #expect(p.model == .owner && p.jurisdiction == "cn" && p.debt == 0 && p.initialPrices.isEmpty && p.pricing == .adaptive)
        #expect(p.visibility == 0.5 && p.reputation == 0 && p.costOfCapital == 0.1 && p.ltvCap == 0.65 && !p.softBudget && !p.floatingRate)
        #expect(p.interestRate == 0.1 && p.fleet[0].ageMonths == 0 && p.fleet[0].units == 64)
    }

    /// Texts, and shipped files by path (a file that extends another is read from its folder).
    @Test(arguments: [minimal, PerReplicationTests.drawn] + shippedScenarios())
    func roundTrips(_ yamlOrFile: String) throws {
        let doc = yamlOrFile.hasPrefix("Scenarios/")
            ? try ScenarioLoader.load(path: packageRoot.appendingPathComponent(yamlOrFile).path)
            : try ScenarioLoader.load(yaml: yamlOrFile, path: "t.yaml")
        #expect(!doc.resolvedYAML.contains("\nextends:"))
        let again = try ScenarioLoader.load(yaml: doc.resolvedYAML, path: "resolved.yaml")
        #expect(again.resolvedYAML == doc.resolvedYAML)
        #expect(again.contentHash == doc.contentHash)
        #expect(again.name == doc.name)
    }

    @Test func hashIgnoresLayoutButNotValues() throws {
        let base = try ScenarioLoader.load(yaml: minimal, path: "a.yaml").contentHash
        let relaid = minimal.replacingEntry(at: "providers[cloud].fleet[0]", with: "- tier: h800\n  units: 64   # the same cohort, block style")
            .replacingValue(at: "tiers[h800].purchase_cost", with: "2.8e5") + "pricing: {k_u: 0.15}\n# a comment\n"
        #expect(try ScenarioLoader.load(yaml: relaid, path: "b.yaml").contentHash == base)
        #expect(try ScenarioLoader.load(yaml: minimal, path: "a.yaml", overrides: ["pricing.k_u=0.16"]).contentHash != base)
        #expect(base.count == 64 && base.allSatisfy(\.isHexDigit))
    }

    @Test func sha256Vectors() {
        #expect(SHA256.hex("".utf8) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex("算力".utf8) == "cc273cdd14052963b2d772ac4e36527e98fad745193be452730f285e6441e0b1")
    }

    @Test func stringsThatNeedQuotes() throws {
        let yaml = minimal.inserting("description: \"yes: a \\\"quoted\\\" line\\nand a tab\\t, # not a comment\"", after: "name")
        let doc = try ScenarioLoader.load(yaml: yaml, path: "t.yaml")
        #expect(doc.resolvedYAML.contains("description: \"yes: a \\\"quoted\\\" line\\nand a tab\\t, # not a comment\""))
        let again = try ScenarioLoader.load(yaml: doc.resolvedYAML, path: "r.yaml")
        #expect(again.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario.description
                == "yes: a \"quoted\" line\nand a tab\t, # not a comment")
    }

    @Test func numberText() {
        for (v, s) in [(0.0, "0"), (12, "12"), (-3.5, "-3.5"), (1e15, "1e15"), (2.5e7, "2.5e7"), (1e-5, "1e-5"), (0.1, "0.1"),
                       (123456789, "123456789"), (1e300, "1e300")] {
            #expect(NumberText.format(v) == s)
            #expect(NumberText.parse(s) == .finite(v))
        }
        #expect(NumberText.parse("1_000") == .finite(1000))
        for bad in ["1__0", "_1", "0x10", "1e", ".", "-", "1.2.3", "nan", "inf", "12a", "", "1 000"] {
            #expect(NumberText.parse(bad) != .finite(0) && { if case .finite = NumberText.parse(bad) { return false } else { return true } }(), "\(bad)")
        }
        #expect(NumberText.parse(".NaN") == .nonFinite && NumberText.parse("1e999") == .nonFinite)
    }
}
