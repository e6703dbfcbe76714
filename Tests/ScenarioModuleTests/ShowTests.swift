import Foundation
import Testing
import MarketModel
import Stochastics
@testable import ScenarioModule

/// `suanli show`: the resolved scenario as a file of its own loads to the same scenario and runs to the same records.
@Suite struct ShowTests {
    func path(_ file: String) -> String { packageRoot.appendingPathComponent(file).path }

    @Test(arguments: shippedScenarios())
    func standaloneLoadsToTheSameScenario(_ file: String) throws {
        let doc = try ScenarioLoader.load(path: path(file))
        let shown = doc.standaloneYAML()
        #expect(shown.hasPrefix("# The scenario '\(doc.name)' fully resolved"))
        #expect(!shown.contains("\nextends:") && shown.hasSuffix(doc.resolvedYAML))
        let again = try ScenarioLoader.load(yaml: shown, path: "shown.yaml")
        #expect(again.resolvedYAML == doc.resolvedYAML && again.contentHash == doc.contentHash)
        #expect(again.perReplicationKeys == doc.perReplicationKeys)
    }

    @Test func headerNamesSourcesAndOverrides() throws {
        let file = path("Scenarios/ai-demand-bust.yaml")
        let doc = try ScenarioLoader.load(path: file, overrides: ["finance.base_rate=0.05", "description=a\nb"])
        let shown = doc.standaloneYAML(overrides: ["finance.base_rate=0.05", "description=a\nb"])
        let head = shown.split(separator: "\n").prefix(4).map(String.init)
        #expect(head[1] == "# From \(file), which extends \(path("Scenarios/baseline.yaml")).")
        #expect(head[2] == "# With --set 'finance.base_rate=0.05' --set 'description=a?b'.")
        #expect(head[3] == "# Loading this file gives the same scenario (content hash \(doc.contentHash)).")
        #expect(try ScenarioLoader.load(yaml: shown, path: "shown.yaml").contentHash == doc.contentHash)
    }

    /// The shown text and the original give the same records, one replication each (a child of the
    /// baseline with policy, and a file with per-replication draws).
    @Test(arguments: ["Scenarios/compute-vouchers.yaml", "Scenarios/validation/entry.yaml"])
    func runsToTheSameRecords(_ file: String) throws {
        let overrides = ["demand.segments[0].rate={dist: uniform, min: 5, max: 10, per: replication}"]
        let doc = try ScenarioLoader.load(path: path(file), overrides: overrides)
        let shown = try ScenarioLoader.load(yaml: doc.standaloneYAML(overrides: overrides), path: "shown.yaml")
        let plan = SeedPlan(masterSeed: 11)
        let (a, pa) = doc.instantiate(replication: 1, plan: plan)
        let (b, pb) = shown.instantiate(replication: 1, plan: plan)
        #expect(pa.map(\.key) == pb.map(\.key) && pa.map(\.value) == pb.map(\.value))
        let ra = try MarketReplication.run(a, plan: plan, replication: 1)
        let rb = try MarketReplication.run(b, plan: plan, replication: 1)
        #expect(!ra.firmMonths.isEmpty && ra.firmMonths == rb.firmMonths)
        #expect(ra.marketMonths == rb.marketMonths && ra.outcomes == rb.outcomes && ra.supplyMonths == rb.supplyMonths)
        #expect(ra.events == rb.events)
    }
}
