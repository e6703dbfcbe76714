import Analysis
import Experiments
import Foundation
import ScenarioModule
import Testing

/// `suanli run` ranks a scenario's per-replication draws (`sensitivity.csv`) from the rows it
/// gathers as it writes them, not by reading `params.csv`, `outcomes.csv` and
/// `market_monthly.csv` back; what it writes must be what reading the folder gives.
@Suite("Sensitivity from the rows as written, and from the files read back")
struct RunOutcomesCollectorTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("the same sensitivity.csv: drawn parameters, entrants, a population with and without its members",
          arguments: [("baseline.yaml", false, 24), ("global-neocloud-2023.yaml", false, 8),
                      ("china-market-2024.yaml", false, 4), ("china-market-2024.yaml", true, 4)])
    func sameAsReadBack(scenario: String, members: Bool, replications: Int) throws {
        let dir = scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let document = try ScenarioLoader.load(path: Self.root.appendingPathComponent("Scenarios/" + scenario).path)
        let point = ExperimentPoint(index: 0, document: document)
        try #require(!point.perReplicationKeys.isEmpty, "the scenario draws parameters per replication")
        var configuration = RunConfiguration(replications: replications, masterSeed: 5, threads: 2)
        configuration.members = members
        _ = try Experiment.run(points: [point], configuration: configuration, outputPath: dir + "/out", version: "test")
        let written = try String(contentsOfFile: dir + "/out/sensitivity.csv", encoding: .utf8)
        let readBack = try Sensitivity.csv(folder: dir + "/out")
        #expect(written == readBack)
        #expect(written.split(separator: "\n").count > 1 + point.perReplicationKeys.count, "a fit per series")
        // The outcomes themselves, series by series and run by run.
        let outcomes = try RunOutcomes.read(folder: dir + "/out")
        let files = ResultFiles(directory: nil, collectsOutcomes: true)
        _ = try ExperimentRunner.run(points: [point], configuration: configuration, sinks: [files])
        let gathered = try #require(files.runOutcomes)
        #expect(gathered.parameters == outcomes.parameters && gathered.runs == outcomes.runs)
        #expect(gathered.series.map { "\($0.kind)/\($0.entity)/\($0.metric)" }
                == outcomes.series.map { "\($0.kind)/\($0.entity)/\($0.metric)" })
        for (a, b) in zip(gathered.series, outcomes.series) {
            #expect(a.values.map { $0?.bitPattern } == b.values.map { $0?.bitPattern }, "\(a.kind)/\(a.entity)/\(a.metric)")
        }
        for i in outcomes.runs.indices {
            #expect(gathered.parameterValues(at: i)!.map { $0?.bitPattern }
                    == outcomes.parameterValues(at: i)!.map { $0?.bitPattern })
        }
    }

    @Test("a run named first by an outcome, not by params.csv, makes the gathered rows inexact")
    func runsNotNamedByDrawsAreInexact() {
        var c = RunOutcomes.Collector()
        c.draw(point: 0, replication: 0, key: "a", value: 1)
        c.outcome(point: 0, replication: 0, firm: "f", template: "", entered: false, survived: true)
        c.market(point: 0, replication: 0, tier: "all", priceIndex: 2, unitsLost: 3)
        #expect(c.exact)
        c.outcome(point: 0, replication: 1, firm: "f", template: "", entered: false, survived: false)
        #expect(!c.exact)
        let files = ResultFiles(directory: nil)
        #expect(files.runOutcomes == nil, "nothing gathered unless asked")
    }
}
