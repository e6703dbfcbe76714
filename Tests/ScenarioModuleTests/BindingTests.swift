import Foundation
import MarketModel
import Stochastics
import Testing
@testable import ScenarioModule

/// The schema table's bindings: every key writes into the typed scenario through its own binding,
/// no two keys write the same field, and every field of the scenario is written by some key.
///
/// The check writes another value through each bound node's binding into a copy of the decoded
/// draft, finishes it, and compares every leaf field of the resulting `Scenario` (found by
/// reflection, so a field added later is covered without naming it here) with the unchanged one.
@Suite("Schema bindings")
struct BindingTests {
    /// Scenarios that between them use every key (checked by `everyKeyIsExercised`), each named list
    /// with at least two entries (so a reference can name another): shipped ones, the baseline with
    /// the keys no shipped scenario sets, and the policy fixture.
    struct Fixture: CustomStringConvertible, Sendable {
        let name: String
        let yaml: String
        let path: String
        var overrides: [String] = []
        var description: String { name }

        static func shipped(_ file: String, _ overrides: [String] = []) -> Fixture {
            let url = packageRoot.appendingPathComponent("Scenarios/" + file)
            return Fixture(name: file, yaml: (try? String(contentsOf: url, encoding: .utf8)) ?? "", path: url.path, overrides: overrides)
        }
    }

    static let fixtures: [Fixture] = [
        .shipped("baseline.yaml"),
        .shipped("compute-vouchers.yaml"),
        .shipped("power-price-spike.yaml"),
        .shipped("ai-demand-bust.yaml"),
        .shipped("baseline.yaml", ["demand.segments[inference].growth.kind=logistic", "demand.segments[inference].growth.ceiling=500",
                                   "entrants[crossover].prices.h800=25", "supply[0].grey_import.premium=2",
                                   "supply[0].grey_import.share=0.1", "providers[small-gpu-cloud].accounting=cas",
                                   "entrants[crossover].accounting=ifrs"]),
        Fixture(name: "policied", yaml: policied.inserting("- {kind: base_rate, from: 2024-05, rate: 0.05}", after: "shocks[0]"),
                path: "t.yaml"),
        // A population of six firms drawn among two sites.
        Fixture(name: "sited", yaml: PopulationTests.sited(count: 6), path: "t.yaml"),
    ]

    @Test("sections and keyed maps have no binding; every other key has one")
    func everyKeyHasABinding() {
        for e in ScenarioSchema.entries {
            switch e.type {
            case .section, .keyedBy: #expect(e.binding == nil, "\(e.keyPath) is a container and writes nothing itself")
            default: #expect(e.binding != nil, "\(e.keyPath) has no binding")
            }
        }
    }

    /// Every leaf of a value, by its reflected path (`providers[2].supply.rentIn[0].price`), as text.
    static func leaves(_ value: Any, _ path: String = "", into out: inout [String: String]) {
        // A discrete sampler's table is a GSL pointer, different for two loads of the same distribution.
        if path.hasSuffix(".table") { return }
        let m = Mirror(reflecting: value)
        var children = Array(m.children)
        if m.displayStyle == .dictionary {
            children.sort { String(describing: $0.value) < String(describing: $1.value) }
        }
        if m.displayStyle == .optional && children.isEmpty { out[path] = "nil"; return }
        if children.isEmpty { out[path] = String(describing: value); return }
        for (i, c) in children.enumerated() {
            let label: String
            switch m.displayStyle {
            case .collection, .dictionary, .set: label = "[\(i)]"
            case .optional: label = ""
            default: label = "." + (c.label ?? String(i))
            }
            leaves(c.value, path + label, into: &out)
        }
    }

    /// Another value of the same kind as `v`, for the key `e` (nil: nothing else to write).
    static func other(_ v: RNode.Value, _ e: SchemaEntry, names: NameTables) -> RNode.Value? {
        func otherName(_ list: String, than current: String?) -> String? {
            let table: [String: Int]
            switch list {
            case "tiers": table = names.tiers
            case "regions": table = names.regions
            case "demand.segments": table = names.segments
            case "providers": table = names.providers
            default: return nil
            }
            return table.keys.sorted().first { $0 != current }
        }
        switch (e.type, v) {
        case (.list, .list(let items)), (.namedList, .list(let items)):
            guard let last = items.last else { return nil }
            return .list(items + [last])
        case (.number, _): return .number(Double(bound: v) + 1.375)
        case (.integer, _): return .integer(Int(bound: v) + 1)
        case (.bool, _): return .bool(!Bool(bound: v))
        case (.text, .text(let s)), (.name, .text(let s)): return .text(s + "x")
        case (.month, .month(let m)): return .month(m.adding(months: 13))
        case (.month, .null): return .month(YearMonth(year: 2030, month: 1))
        case (.choice(let options), _): return options.first { $0 != String(bound: v) }.map(RNode.Value.text)
        case (.distribution, _): return .distribution(.constant(value: 1234.5))
        case (.reference(let list), _):
            let current: String? = if case .text(let s) = v { s } else { nil }
            return otherName(list, than: current).map(RNode.Value.text)
        case (.references(let list), _):
            let current = v.names
            guard let name = otherName(list, than: current.first) else { return nil }
            return .list([RNode(value: .text(name), loc: SourceLocation(source: 0, line: 1, column: 1), path: "", entry: -1)])
        default: return nil
        }
    }

    /// The scenario a replication without draws runs: populations expanded (`providers[].count`),
    /// their firms' sites at spread uniforms (k·φ mod 1, so that a change of weight moves some
    /// firm), finished.
    static func finished(_ draft: ScenarioDraft) -> Scenario {
        var d = draft
        d.expandPopulations(memberKeys: [], draw: { _, _ in 0 },
                            site: { _, k in (Double(k) * 0.6180339887498949).truncatingRemainder(dividingBy: 1) })
        return d.finished()
    }

    /// For each bound node of `file` that can take another value: its concrete path, its entry, and
    /// the leaf fields of the finished scenario that change when it does.
    static func effects(of fixture: Fixture) throws -> (all: Set<String>, changes: [(path: String, entry: SchemaEntry, leaves: Set<String>)]) {
        let (tree, _) = try ScenarioLoader.checkedTree(yaml: fixture.yaml, path: fixture.path, overrides: fixture.overrides)
        let binder = Binder(tree, recording: true)
        var base: [String: String] = [:]
        leaves(finished(binder.draft), into: &base)
        var changes: [(path: String, entry: SchemaEntry, leaves: Set<String>)] = []
        for (node, context) in binder.written {
            guard let e = node.schema, let b = e.binding, let v = other(node.value, e, names: binder.names) else { continue }
            var draft = binder.draft
            b.write(&draft, v, context)
            var after: [String: String] = [:]
            leaves(finished(draft), into: &after)
            let changed = Set(after.keys.filter { after[$0] != base[$0] }).union(base.keys.filter { after[$0] == nil })
            changes.append((node.path, e, changed))
        }
        // An empty list or map has no field to write.
        return (Set(base.keys.filter { base[$0] != "[]" && base[$0] != "[:]" }), changes)
    }

    @Test("every key writes a field, no two keys write the same field, and every field is written by a key",
          arguments: fixtures)
    func bindingsCoverTheScenario(_ file: Fixture) throws {
        let (all, changes) = try Self.effects(of: file)
        var writers: [String: [String]] = [:]
        var reached = Set<String>()
        // A population drawn among sites (`regions`) puts each firm at its drawn site, not at `region`.
        let sited = Set(changes.filter { $0.entry.keyPath == "providers[].regions.*" }
            .map { String($0.path.prefix(upTo: $0.path.range(of: ".regions.")!.lowerBound)) })
        for c in changes {
            let overridden = c.entry.keyPath == "providers[].region" && sited.contains(String(c.path.dropLast(".region".count)))
            #expect(!c.leaves.isEmpty || overridden, "\(file): \(c.path) writes nothing into the scenario")
            reached.formUnion(c.leaves)
            // A list's own key resizes it, a shock's kind moves it to another list, and a provider's
            // count makes it a population of several firms, and a population's site weights move its
            // firms between sites together: all move many fields.
            if c.entry.type == .list || c.entry.type == .namedList || c.entry.key == "kind"
                || c.entry.keyPath == "providers[].count" || c.entry.keyPath == "providers[].regions.*" { continue }
            for leaf in c.leaves { writers[leaf, default: []].append(c.path) }
        }
        for (leaf, keys) in writers.sorted(by: { $0.key < $1.key }) where keys.count > 1 {
            // The one field derived from two keys: physical life is max(physical_life_years, life_years).
            let derived = leaf.hasSuffix(".physicalLifeYears") && keys.count == 2
                && keys.allSatisfy { $0.hasSuffix(".life_years") || $0.hasSuffix(".physical_life_years") }
            #expect(derived, "\(file): field \(leaf) is written by \(keys.count) keys: \(keys)")
        }
        // Fields no key of this file can write: a provider's template (set for entrants only), a firm's
        // population (set for the firms of a population, and never for an entrant), and a
        // supply's grey-import terms where its optional `grey_import` section is absent.
        let unreached = all.subtracting(reached).filter { leaf in
            !(leaf.hasPrefix(".providers[") && leaf.hasSuffix(".template"))
                && !leaf.hasSuffix(".population")
                && !leaf.hasSuffix(".greyPremium") && !leaf.hasSuffix(".greyShare")
        }.sorted()
        #expect(unreached.isEmpty, "\(file): fields no key writes: \(unreached.prefix(20))")
    }

    @Test("the fixtures exercise every key that has a binding")
    func everyKeyIsExercised() throws {
        var seen = Set<String>()
        for file in Self.fixtures {
            for c in try Self.effects(of: file).changes { seen.insert(c.entry.keyPath) }
        }
        let missing = ScenarioSchema.entries.filter { $0.binding != nil && !seen.contains($0.keyPath) }.map(\.keyPath)
        #expect(missing.isEmpty, "keys no fixture exercises: \(missing)")
    }

    @Test("a drawn key is written through its binding: the same scenario as the value written in the file")
    func drawnKeysPatchLikeWrittenOnes() throws {
        let base = packageRoot.appendingPathComponent("Scenarios/baseline.yaml").path
        let drawn = try ScenarioLoader.load(path: base, overrides: [
            "providers[small-gpu-cloud].cash={dist: uniform, min: 1e7, max: 2e7, per: replication}",
            "tiers[h800].life_years={dist: uniform, min: 4, max: 6, per: replication}",
            "providers[small-gpu-cloud].prices.h800={dist: uniform, min: 20, max: 30, per: replication}",
        ])
        let plan = SeedPlan(masterSeed: 3)
        let (scenario, parameters) = drawn.instantiate(replication: 2, plan: plan)
        #expect(parameters.map { $0.key } == drawn.perReplicationKeys)
        let written = try ScenarioLoader.load(path: base, overrides: parameters.map { "\($0.key)=\(NumberText.format($0.value))" })
        let (same, none) = written.instantiate(replication: 2, plan: plan)
        #expect(none.isEmpty)
        var a: [String: String] = [:], b: [String: String] = [:]
        Self.leaves(scenario, into: &a)
        Self.leaves(same, into: &b)
        #expect(a == b, "fields that differ: \(a.keys.filter { a[$0] != b[$0] }.sorted().prefix(10))")
    }

    /// `MarketModel` cannot see the schema and its tests build scenarios in code, so its types keep
    /// Swift defaults: each must equal the schema's (compared field by field by reflection, so a
    /// field added with a default is covered without naming it here).
    @Test("every Swift initialiser default equals the schema's default")
    func swiftDefaultsAreTheSchemas() throws {
        let s = try ScenarioLoader.load(yaml: minimal, path: "t.yaml").instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        func same(_ decoded: Any, _ swift: Any, _ what: String) {
            var a: [String: String] = [:], b: [String: String] = [:]
            Self.leaves(decoded, into: &a)
            Self.leaves(swift, into: &b)
            #expect(a == b, "\(what): the schema's defaults and the Swift initialiser's differ at \(a.keys.filter { a[$0] != b[$0] }.sorted())")
        }
        same(s.pricing, PricingParameters(), "pricing")
        same(s.contracts, ContractParameters(), "contracts")
        same(s.finance, FinanceParameters(), "finance")
        same(s.exit, ExitParameters(), "exit")
        same(s.limits, Limits(), "limits")
        same(s.dataCentres, DataCentreParameters(), "datacentres")
        same(s.expansion, ExpansionParameters(), "expansion")
        same(s.sublease, SubleaseParameters(), "sublease")
        same(s.entry, EntryParameters(), "entry")
        same(s.starvation, StarvationParameters(), "starvation")
        same(s.policy, PolicyParameters(), "policy")
        same(s.providers[0].supply, ProviderSupplySpec(), "a provider's supply keys")
        let plain = Scenario(name: "", start: s.start, horizonMonths: 1, currency: "", tiers: [], regions: [], segments: [], providers: [])
        same([s.nationalTargetEFLOPS, s.leasingCoverageShare], [plain.nationalTargetEFLOPS, plain.leasingCoverageShare], "national")
        same([s.chipSupply.count, s.supplyShocks.count, s.entrants.count, s.shocks.count],
             [plain.chipSupply.count, plain.supplyShocks.count, plain.entrants.count, plain.shocks.count], "lists")
    }
}
