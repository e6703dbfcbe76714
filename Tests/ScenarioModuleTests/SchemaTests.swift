import Foundation
import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// The table itself: well formed, complete against `Scenario`, and what `explain` and the docs print.
@Suite struct SchemaTests {
    @Test func tableIsWellFormed() {
        var seen = Set<String>()
        for e in ScenarioSchema.entries {
            #expect(seen.insert(e.keyPath).inserted, "\(e.keyPath) twice")
            if !e.parentPath.isEmpty {
                let parent = e.parentPath.hasSuffix("[]") ? String(e.parentPath.dropLast(2)) : e.parentPath
                #expect(ScenarioSchema.entry(parent) != nil, "\(e.keyPath) has no parent entry")
                #expect(seen.contains(parent), "\(e.keyPath) comes before its parent")
            }
            switch e.type {
            case .number, .integer, .distribution:
                // Every number has a finite range.
                #expect(e.range != nil, "\(e.keyPath) has no range")
            case .section, .list, .namedList:
                #expect(!(ScenarioSchema.children[ScenarioSchema.childPrefix(of: e)] ?? []).isEmpty, "\(e.keyPath) has no keys")
            default: break
            }
            if e.type == .namedList {
                #expect(ScenarioSchema.entry(e.keyPath + "[].name") != nil)
            }
            #expect(!e.doc.isEmpty)
        }
    }

    /// Every stored property of `Scenario` and the types under it has a key (by its snake_case name);
    /// a field added to Scenario.swift or Scenario+Supply.swift without a key fails here.
    @Test func everyScenarioFieldHasAKey() throws {
        // `supplied` sets every list, so every nested type has an instance to reflect.
        let s = try ScenarioLoader.load(yaml: supplied.inserting("prices: {h800: 20}", after: "providers[cloud].cash"), path: "t.yaml")
            .instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        func snake(_ s: String) -> String {
            var out = ""
            let chars = Array(s)
            for (i, c) in chars.enumerated() {
                if c.isUppercase {
                    let prevLower = i > 0 && !chars[i - 1].isUppercase
                    let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase
                    if i > 0 && (prevLower || nextLower) { out += "_" }
                    out += c.lowercased()
                } else { out.append(c) }
            }
            return out
        }
        let renamed = ["initialPrices": "prices", "segments": "demand.segments", "chipSupply": "supply", "supplyShocks": "shocks",
                       "dataCentres": "datacentres", "nationalTargetEFLOPS": "national.target_eflops",
                       "leasingCoverageShare": "national.leasing_coverage_share",
                       "greyPremium": "grey_import.premium", "greyShare": "grey_import.share", "bandwidthTBs": "bandwidth_tbs"]
        func check(_ value: Any, prefix: String, skip: Set<String> = []) {
            for child in Mirror(reflecting: value).children {
                guard let label = child.label, !skip.contains(label) else { continue }
                let key = renamed[label] ?? snake(label)
                let path = prefix.isEmpty ? key : prefix + "." + key
                #expect(ScenarioSchema.entry(path) != nil, "Scenario field \(label) has no key \(path)")
            }
        }
        check(s, prefix: "")
        check(s.tiers[0], prefix: "tiers[]")
        check(s.regions[0], prefix: "regions[]")
        check(s.segments[0], prefix: "demand.segments[]")
        // A provider's `supply` keys sit beside its others; `template` is set only for entrants, and
        // `population` for the firms `providers[].count` makes.
        check(s.providers[0], prefix: "providers[]", skip: ["supply", "template", "population"])
        check(s.providers[0].supply, prefix: "providers[]")
        check(s.providers[0].fleet[0], prefix: "providers[].fleet[]")
        check(s.providers[2].supply.rentIn[0], prefix: "providers[].rent_in[]")
        check(s.chipSupply[0], prefix: "supply[]")
        // A relaxation is written as relax_* keys; the markup is a relaxation's (no key of its own).
        check(s.supplyShocks[0], prefix: "shocks[]", skip: ["priceMarkup", "relaxation"])
        for key in ["relax_probability", "relax_from", "relax_price_markup"] { #expect(ScenarioSchema.entry("shocks[]." + key) != nil) }
        check(s.pricing, prefix: "pricing")
        check(s.contracts, prefix: "contracts")
        check(s.finance, prefix: "finance")
        check(s.exit, prefix: "exit")
        check(s.limits, prefix: "limits")
        check(s.dataCentres, prefix: "datacentres")
        check(s.expansion, prefix: "expansion")
        check(s.sublease, prefix: "sublease")
        check(s.entry, prefix: "entry")
        check(s.entry.premium[0], prefix: "entry.premium[]")
        check(s.starvation, prefix: "starvation")
        // An entrant template: its own keys, then a provider's without fleet and rent-in contracts.
        check(s.entrants[0], prefix: "entrants[]", skip: ["provider"])
        check(s.entrants[0].firstOrder[0], prefix: "entrants[].first_order[]")
        check(s.entrants[0].provider, prefix: "entrants[]", skip: ["fleet", "supply", "template", "population"])
        check(s.entrants[0].provider.supply, prefix: "entrants[]", skip: ["rentIn", "builds"])
    }

    /// The policy types: vouchers and caps under `policy`, site shocks and mass defaults as kinds of shock.
    @Test func everyPolicyFieldHasAKey() throws {
        let s = try ScenarioLoader.load(yaml: policied, path: "t.yaml").instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        let renamed = ["siteShocks": "shocks", "massDefaults": "shocks", "priceCaps": "policy.price_caps", "vouchers": "policy.vouchers",
                       "lagMonths": "lag_months", "electricityMultiplier": "multiplier", "pueMultiplier": "multiplier", "at": "from"]
        func check(_ value: Any, prefix: String) {
            for child in Mirror(reflecting: value).children {
                guard let label = child.label else { continue }
                let key = renamed[label] ?? label
                let path = key.contains(".") || key == "shocks" ? key : prefix + "." + key
                #expect(ScenarioSchema.entry(path) != nil, "policy field \(label) has no key \(path)")
            }
        }
        check(s.policy, prefix: "policy")
        check(s.policy.vouchers[0], prefix: "policy.vouchers[]")
        check(s.policy.priceCaps[0], prefix: "policy.price_caps[]")
        check(s.policy.siteShocks[0], prefix: "shocks[]")
        check(s.policy.massDefaults[0], prefix: "shocks[]")
    }

    @Test func explainWithOrWithoutIndices() throws {
        let a = try #require(ScenarioSchema.explain("demand.segments[0].rate"))
        #expect(ScenarioSchema.explain("demand.segments.rate") == a)
        #expect(ScenarioSchema.explain("demand.segments[llm-training].rate") == a)
        #expect(ScenarioSchema.explain("demand.segments[].rate") == a)
        #expect(a == """
            demand.segments[].rate
              Arrival rate λ0 at the start.
              type:    a number in [0, 1e7]
              unit:    tenants per year
              default: required
              valid:   [0, 1e7]
              per replication: may be written {dist: NAME, …, per: replication} (clamped into the valid range)

            """)
        #expect(ScenarioSchema.explain("providers[cloud].prices.h800")?.hasPrefix("providers[].prices.*\n") == true)
        let tiers = try #require(ScenarioSchema.explain("tiers"))
        #expect(tiers.contains("  keys:\n    name "))
        #expect(tiers.contains("    physical_life_years  (life_years + 2) Physical life: units retire at this age."))
        #expect(ScenarioSchema.explain("tiers[3]") == tiers)
        #expect(ScenarioSchema.explain("")?.hasPrefix("A scenario file is a map with these keys:") == true)
    }

    @Test func unknownPathsHaveSuggestions() {
        #expect(ScenarioSchema.explain("demand.segmnts.rate") == nil)
        #expect(ScenarioSchema.suggestion(for: "demand.segmnts.rate") == "demand.segments[].rate")
        #expect(ScenarioSchema.suggestion(for: "providers[0].csh") == "providers[].cash")
        #expect(ScenarioSchema.suggestion(for: "horizon") == "horizon_months")
        #expect(ScenarioSchema.explain("pricing.k_u.x") == nil)
        #expect(ScenarioSchema.explain("a..b") == nil)
    }

    @Test func schemaPaths() {
        #expect(ScenarioSchema.schemaPath(of: "providers[idc-operator].fleet[2].units") == "providers[].fleet[].units")
        #expect(ScenarioSchema.schemaPath(of: "providers[0].prices.h800") == "providers[].prices.*")
        #expect(ScenarioSchema.schemaPath(of: "pricing.term_discounts[1].months") == "pricing.term_discounts[].months")
        #expect(ScenarioSchema.schemaPath(of: "pricing.nope") == nil)
    }

    /// Regenerate with `suanli explain --markdown > docs/scenario-format.md`, or with
    /// `SUANLI_WRITE_DOCS=1 swift test --filter docsFileMatchesTheTable`.
    @Test func docsFileMatchesTheTable() throws {
        let generated = ScenarioSchema.markdown()
        if ProcessInfo.processInfo.environment["SUANLI_WRITE_DOCS"] == "1" {
            try generated.write(to: packageRoot.appendingPathComponent("docs/scenario-format.md"), atomically: true, encoding: .utf8)
        }
        let committed = read("docs/scenario-format.md")
        #expect(committed == generated, "docs/scenario-format.md is stale: regenerate it with `suanli explain --markdown > docs/scenario-format.md`")
        for e in ScenarioSchema.entries { #expect(generated.contains("`\(e.keyPath)`")) }
        for d in Distribution.catalogue { #expect(generated.contains("`\(d.name)`")) }
    }

    /// Regenerate with `suanli explain --targets-markdown > docs/targets-format.md`, or with
    /// `SUANLI_WRITE_DOCS=1 swift test --filter targetsDocsMatchTheTable`.
    @Test func targetsDocsMatchTheTable() throws {
        let generated = TargetsFile.markdown()
        if ProcessInfo.processInfo.environment["SUANLI_WRITE_DOCS"] == "1" {
            try generated.write(to: packageRoot.appendingPathComponent("docs/targets-format.md"), atomically: true, encoding: .utf8)
        }
        #expect(read("docs/targets-format.md") == generated,
                "docs/targets-format.md is stale: regenerate it with `suanli explain --targets-markdown > docs/targets-format.md`")
        for k in TargetsFile.keys { #expect(generated.contains("| `\(k.name)` |")) }
    }

    @Test func suggestions() {
        #expect(Suggest.distance("grwoth", "growth") == 1)
        #expect(Suggest.distance("kitten", "sitting") == 3)
        #expect(Suggest.closest("grwoth", in: ["growth", "rate", "tier"]) == "growth")
        #expect(Suggest.closest("zzz", in: ["growth", "rate"]) == nil)
    }
}
