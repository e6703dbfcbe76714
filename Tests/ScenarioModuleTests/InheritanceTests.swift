import Foundation
import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// Writes files into a new temporary folder; returns the folder's path (no trailing slash).
func scratchFolder(_ files: [String: String], _ tag: String = #function) throws -> String {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("suanli-inherit-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
    for (name, text) in files {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return dir.path
}

/// The parent of most tests: `minimal` with a second segment, a logistic growth, a shock and a drawn price.
let parentYAML = minimal
    .inserting("""
    units: {dist: pareto, shape: 1.6, scale: 16}
    growth: {kind: logistic, rate: 0.5, ceiling: 40}
    """, after: "demand.segments[training].reservation_price")
    .inserting("""
    - name: research
      rate: 100
      tier: a800
      reservation_price: 10
    """, after: "demand.segments[training]") + """
pricing: {k_x: 0.2, term_discounts: [{months: 12, discount: 0.1}]}
shocks:
  - {kind: demand, segment: research, from: 2025-06, multiplier: 2}

"""

/// `extends`: merging by the rules, where errors point, cycles, missing parents, chains, and
/// that the resolved scenario is the same as the flat file's.
@Suite struct InheritanceTests {
    func load(_ dir: String, _ file: String, overrides: [String] = []) throws(ScenarioDiagnostics) -> ScenarioDocument {
        try ScenarioLoader.load(path: dir + "/" + file, overrides: overrides)
    }

    func errors(_ dir: String, _ file: String, overrides: [String] = []) -> [String] {
        do {
            _ = try load(dir, file, overrides: overrides)
            return []
        } catch {
            return error.diagnostics.map { $0.header.replacingOccurrences(of: dir + "/", with: "") }
        }
    }

    @Test func parentIsValid() throws {
        let dir = try scratchFolder(["base.yaml": parentYAML])
        let doc = try load(dir, "base.yaml")
        #expect(doc.segmentNames == ["training", "research"] && doc.files == [dir + "/base.yaml"])
    }

    @Test func mergesByTheRules() throws {
        let child = """
        extends: base.yaml
        name: child                      # scalars replace
        pricing: {k_u: 0.3}              # maps merge key by key
        tiers:
          - {name: h800, tflops: 500}    # a known name merges into the inherited entry
          - {name: h20, tflops: 148, power_kw: 0.6, purchase_cost: 110000, reference_price: 9}   # a new name is appended
        demand:
          segments:
            - name: training
              units: {dist: lognormal, mu: 2, sigma: 0.5}    # a distribution replaces whole
              growth: {kind: exponential, rate: 0.1}         # another kind replaces the map whole
            - {name: research, remove: true}                 # removed
        providers:
          - name: cloud
            fleet: [{tier: h20, units: 8}]                   # other lists replace
        shocks: []

        """
        let dir = try scratchFolder(["base.yaml": parentYAML, "child.yaml": child])
        let doc = try load(dir, "child.yaml")
        #expect(doc.name == "child" && doc.tierNames == ["h800", "a800", "h20"] && doc.segmentNames == ["training"])
        #expect(doc.files == [dir + "/child.yaml", dir + "/base.yaml"])
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.tiers[0].tflops == 500 && s.tiers[0].purchaseCost == 280000 && s.tiers[2].tflops == 148)
        #expect(s.pricing.kU == 0.3 && s.pricing.kX == 0.2 && s.pricing.termDiscounts.count == 1)
        #expect(s.segments[0].units == .lognormal(mu: 2, sigma: 0.5) && s.segments[0].rate == 12)
        if case .exponential(let g) = s.segments[0].growth { #expect(g == 0.1) } else { Issue.record("growth") }
        #expect(s.providers[0].cash == 1e8 && s.providers[0].fleet.map(\.tier) == [2] && s.providers[0].fleet.map(\.units) == [8])
        #expect(s.shocks.isEmpty)
        #expect(!doc.resolvedYAML.contains("extends") && !doc.resolvedYAML.contains("remove"))
    }

    /// A child and the flat file it stands for resolve to the same text and hash.
    @Test func sameAsTheFlatFile() throws {
        let child = "extends: base.yaml\nname: tiny\nproviders:\n  - {name: cloud, cash: 2e8}\n"
        let dir = try scratchFolder(["base.yaml": parentYAML, "child.yaml": child,
                                     "flat.yaml": parentYAML.replacingValue(at: "providers[cloud].cash", with: "2e8")])
        let a = try load(dir, "child.yaml"), b = try load(dir, "flat.yaml")
        #expect(a.resolvedYAML == b.resolvedYAML && a.contentHash == b.contentHash)
        // Overrides apply to the merged tree, inherited keys included.
        let c = try load(dir, "child.yaml", overrides: ["tiers[a800].tflops=300", "providers[cloud].cash=3e8"])
        let s = c.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(s.tiers[1].tflops == 300 && s.providers[0].cash == 3e8)
    }

    @Test func chainsOfParents() throws {
        let dir = try scratchFolder([
            "base.yaml": parentYAML,
            "mid/middle.yaml": "extends: ../base.yaml\nname: middle\ntiers: [{name: a800, tflops: 300}]\n",
            "leaf.yaml": "extends: mid/middle.yaml\nname: leaf\ntiers: [{name: h800, tflops: 900}]\n",
        ])
        let doc = try load(dir, "leaf.yaml")
        let s = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1)).scenario
        #expect(doc.name == "leaf" && s.tiers.map(\.tflops) == [900, 300])
        #expect(doc.files == [dir + "/leaf.yaml", dir + "/mid/middle.yaml", dir + "/base.yaml"])
    }

    /// A problem in a value the child writes is the child's; in an inherited value, the parent's. Child first.
    @Test func errorsPointAtTheFileThatWroteTheValue() throws {
        let child = """
        extends: base.yaml
        horizon_months: 12
        tiers:
          - {name: h800, tflops: -1}

        """
        let dir = try scratchFolder(["base.yaml": parentYAML, "child.yaml": child])
        #expect(errors(dir, "child.yaml") == [
            "child.yaml:4:26: error: tiers[h800].tflops: expected a number in (0, 1000000], got '-1'",
            "base.yaml:\(parentYAML.line(of: "shocks[0]")):45: error: shocks[0].from: expected a month from 2024-01 to 2024-12 (inside the horizon), got '2025-06'",
        ])
        let d = try #require(diagnostics(child, path: dir + "/child.yaml"))
        #expect(d.diagnostics[1].sourceLine == "  - {kind: demand, segment: research, from: 2025-06, multiplier: 2}")
        #expect(d.summary == "suanli: 2 errors in \(dir)/child.yaml; nothing was run.")
    }

    @Test func missingParentsAndCycles() throws {
        let dir = try scratchFolder([
            "nope.yaml": "name: x\nextends: missing.yaml\n",
            "self.yaml": "extends: ./self.yaml\n",
            "a.yaml": "extends: b.yaml\nname: a\n",
            "b.yaml": "extends: sub/../a.yaml\nname: b\n",
            "list.yaml": "extends: [base.yaml]\n",
            "twice.yaml": "extends: base.yaml\nextends: base.yaml\n",
            "base.yaml": parentYAML,
            "folder.yaml": "extends: sub\n",
            "device.yaml": "extends: /dev/zero\n",
            "sub/keep": "",
        ])
        #expect(errors(dir, "nope.yaml") == ["nope.yaml:2:10: error: extends: cannot read the file to extend, 'missing.yaml' (missing.yaml): cannot read the file: no such file"])
        #expect(errors(dir, "self.yaml") == ["self.yaml:1:10: error: extends: extends makes a cycle: self.yaml → self.yaml"])
        #expect(errors(dir, "a.yaml") == ["b.yaml:1:10: error: extends: extends makes a cycle: a.yaml → b.yaml → a.yaml"])
        #expect(errors(dir, "list.yaml") == ["list.yaml:1:10: error: extends: expected the path of the scenario file to extend (relative to this file), got a list"])
        #expect(errors(dir, "twice.yaml") == ["twice.yaml:2:1: error: (top level): duplicate key 'extends' at lines 1 and 2 (a scenario extends one file)"])
        #expect(errors(dir, "device.yaml") == ["device.yaml:1:10: error: extends: cannot read the file to extend, '/dev/zero': cannot read the file: not a regular file"])
        #expect(errors(dir, "folder.yaml") == ["folder.yaml:1:10: error: extends: cannot read the file to extend, 'sub' (sub): cannot read the file: it is a directory"])
    }

    @Test func deepChainsStop() throws {
        var files = ["f0.yaml": parentYAML]
        for i in 1...20 { files["f\(i).yaml"] = "extends: f\(i - 1).yaml\n" }
        let dir = try scratchFolder(files)
        #expect(try load(dir, "f15.yaml").name == "tiny")
        let e = errors(dir, "f16.yaml")
        #expect(e == ["f1.yaml:1:10: error: extends: extends chains at most 16 files: " + (0...16).reversed().map { "f\($0).yaml" }.joined(separator: " → ")])
    }

    @Test func parentProblemsAreTheParents() throws {
        let dir = try scratchFolder([
            "broken.yaml": "name: [unclosed\n",
            "child.yaml": "extends: broken.yaml\n",
            "empty.yaml": "# nothing\n",
            "child2.yaml": "extends: empty.yaml\n",
            "list.yaml": "- a\n",
            "child3.yaml": "extends: list.yaml\n",
        ])
        #expect(errors(dir, "child.yaml") == ["broken.yaml:2:1: error: (top level): not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 7)"])
        #expect(errors(dir, "child2.yaml") == ["empty.yaml:1:1: error: (top level): expected a map of scenario keys to extend, got an empty file"])
        #expect(errors(dir, "child3.yaml") == ["list.yaml:1:1: error: (top level): expected a map of scenario keys to extend, got a list"])
    }

    @Test func removals() throws {
        let flat = minimal + "entrants:\n  - {name: x, remove: true}\n"
        let dir = try scratchFolder([
            "base.yaml": parentYAML,
            "child.yaml": """
            extends: base.yaml
            tiers:
              - {name: a80, remove: true}
              - {name: h800, remove: yes}
              - {name: h800, remove: true, tflops: 1}
            regions:
              - {name: west, remove: true}

            """,
            "flat.yaml": flat,
        ])
        #expect(errors(dir, "child.yaml") == [
            "child.yaml:3:12: error: tiers[a80].name: cannot remove tier 'a80': no inherited tier has that name (did you mean 'a800'?); the inherited tiers are h800, a800",
            "child.yaml:4:26: error: tiers[h800].remove: expected true (remove: true deletes the inherited tier 'h800'), got 'yes'",
            "child.yaml:5:32: error: tiers[h800]: an entry that removes tier 'h800' has no other keys; got 'tflops'",
            "child.yaml:7:12: error: regions[west].name: cannot remove region 'west': no inherited region has that name (did you mean 'east'?); the inherited regions are east",
        ])
        #expect(errors(dir, "flat.yaml") == [
            "flat.yaml:\(flat.line(of: "entrants[x]")):12: error: entrants[x].name: cannot remove entrant 'x': nothing is inherited here (remove: true deletes an entry of the file named by extends)",
        ])
    }

    /// A name written twice in the child is still a duplicate; a key written twice still names both lines.
    @Test func duplicatesInTheChild() throws {
        let dir = try scratchFolder([
            "base.yaml": parentYAML,
            "child.yaml": "extends: base.yaml\ntiers:\n  - {name: h800, tflops: 900}\n  - {name: h800, tflops: 800}\nname: a\nname: b\n",
        ])
        #expect(errors(dir, "child.yaml") == [
            "child.yaml:4:12: error: tiers[2].name: duplicate tier name 'h800' at lines 3 and 4",
            "child.yaml:6:1: error: (top level): duplicate key 'name' at lines 5 and 6 (write each key once)",
        ])
    }

    /// `load(yaml:path:)` reads the parent relative to `path`.
    @Test func textWithAPath() throws {
        let dir = try scratchFolder(["base.yaml": parentYAML])
        let doc = try ScenarioLoader.load(yaml: "extends: base.yaml\nname: from-text\n", path: dir + "/unsaved.yaml")
        #expect(doc.name == "from-text" && doc.providerNames == ["cloud"])
    }

    @Test func paths() {
        #expect(Inheritance.join("Scenarios", "baseline.yaml") == "Scenarios/baseline.yaml")
        #expect(Inheritance.join("", "baseline.yaml") == "baseline.yaml")
        #expect(Inheritance.join("a/b", "../c/./d.yaml") == "a/c/d.yaml")
        #expect(Inheritance.join("a", "../../d.yaml") == "../d.yaml")
        #expect(Inheritance.join("/x/y", "/abs.yaml") == "/abs.yaml")
        #expect(Inheritance.join("/", "../d.yaml") == "/d.yaml")
        #expect(Inheritance.directory(of: "Scenarios/x.yaml") == "Scenarios" && Inheritance.directory(of: "x.yaml") == "")
        #expect(Inheritance.directory(of: "/x.yaml") == "/")
    }
}
