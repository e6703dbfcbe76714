// Forecasting with a posterior (`--posterior DIR`): each replication draws one particle by weight and
// sets every key it fitted; a base and a variant draw the same particle; the values reach params.csv;
// the intervals say "Monte Carlo + posterior"; a key the scenario lacks is refused with the file named.

import Experiments
import Foundation
import MarketModel
import ScenarioModule
import Stochastics
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let scenario = root.appendingPathComponent("Scenarios/validation/poisson-rate.yaml").path

/// A calibration folder by hand: three particles of (rate, units) with weights 0.7, 0.2, 0.1.
private func posteriorFolder(header: String = "particle,weight,demand.segments[tenants].rate,providers[lessor].fleet[0].units") throws -> String {
    let dir = scratchFolder() + "/calibration"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "{\n  \"tool\": \"suanli\",\n  \"kind\": \"calibration\"\n}\n".write(toFile: dir + "/manifest.json", atomically: true, encoding: .utf8)
    try (header + "\n0,0.7,10.5,3.4\n1,0.2,20.25,7\n2,0.1,30,12.6\n").write(toFile: dir + "/posterior.csv", atomically: true, encoding: .utf8)
    return dir
}

@Suite("Forecasting with a posterior")
struct PosteriorForecastTests {
    @Test("Each replication takes one whole particle, by weight, and params.csv says which values it got")
    func particlesByWeight() throws {
        let draws = try PosteriorFile.load(folder: try posteriorFolder())
        #expect(draws.paths == ["demand.segments[tenants].rate", "providers[lessor].fleet[0].units"])
        let document = try ScenarioLoader.load(path: scenario).withParticles(draws)
        #expect(document.perReplicationKeys == draws.paths)
        let plan = SeedPlan(masterSeed: 3)
        var counts = [0, 0, 0]
        let n = 300
        for r in 0..<n {
            let (s, parameters) = document.instantiate(replication: r, plan: plan)
            let values = parameters.map(\.value)
            // Whole particles (the integer key rounded), never a mix.
            let i = try #require([[10.5, 3], [20.25, 7], [30, 13]].firstIndex(of: values), "\(values)")
            counts[i] += 1
            #expect(s.segments[0].rate == values[0] && s.providers[0].fleet[0].units == Int(values[1]))
        }
        // Shares within 3.29 binomial standard errors of the weights.
        for (c, w) in zip(counts, [0.7, 0.2, 0.1]) {
            #expect(abs(Double(c) / Double(n) - w) <= 3.29 * (w * (1 - w) / Double(n)).squareRoot(), "\(counts)")
        }
        let point = ExperimentPoint(index: 0, document: document)
        #expect(point.intervalKind == "Monte Carlo + posterior")
        #expect(point.posteriorKeys == draws.paths && point.posteriorSource == draws.source)
    }

    @Test("A base and a variant draw the same particle in each replication")
    func sameParticleForBoth() throws {
        let draws = try PosteriorFile.load(folder: try posteriorFolder(header: "particle,weight,demand.segments[tenants].rate"
                                                                            + ",providers[lessor].cash"))
        let base = try ScenarioLoader.load(path: scenario).withParticles(draws)
        let variant = try ScenarioLoader.load(path: scenario, overrides: ["horizon_months=6", "providers[lessor].soft_budget=false"])
            .withParticles(draws)
        let plan = SeedPlan(masterSeed: 8)
        var seen = Set<Double>()
        for r in 0..<40 {
            let a = base.instantiate(replication: r, plan: plan).parameters.map(\.value)
            let b = variant.instantiate(replication: r, plan: plan).parameters.map(\.value)
            #expect(a == b)
            seen.insert(a[0])
        }
        #expect(seen.count == 3)
    }

    @Test("The posterior's values are in params.csv, after the keys drawn per replication; one it sets is no longer drawn")
    func paramsRows() throws {
        let draws = try PosteriorFile.load(folder: try posteriorFolder())
        let drawn = try ScenarioLoader.load(path: scenario, overrides: ["demand.segments[tenants].rate={dist: uniform, min: 1, max: 2, per: replication}",
                                                                        "providers[lessor].cash={dist: uniform, min: 1e11, max: 2e11, per: replication}"])
        #expect(drawn.perReplicationKeys == ["demand.segments[tenants].rate", "providers[lessor].cash"])
        let document = try drawn.withParticles(draws)
        #expect(document.perReplicationKeys == ["providers[lessor].cash"] + draws.paths)
        let point = ExperimentPoint(index: 0, document: document)
        #expect(point.intervalKind == "parameter+Monte Carlo + posterior")
        let files = try runInMemory([point], replications: 4, threads: 2)
        let rows = String(decoding: files["params.csv"]!, as: UTF8.self).split(separator: "\n").dropFirst()
        #expect(rows.count == 4 * 3)
        #expect(rows.prefix(3).map { $0.split(separator: ",")[3] } == ["providers[lessor].cash", "demand.segments[tenants].rate",
                                                                      "providers[lessor].fleet[0].units"])
    }

    @Test("A key the scenario lacks, or a folder that is not a calibration's, is refused with the file named")
    func refused() throws {
        let draws = try PosteriorFile.load(folder: try posteriorFolder(header: "particle,weight,demand.segments[nobody].rate,pricing.k_u"))
        do {
            _ = try ScenarioLoader.load(path: scenario).withParticles(draws)
            Issue.record("accepted a key the scenario lacks")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].file == draws.source && error.diagnostics[0].keyPath == "demand.segments[nobody].rate")
            #expect(error.diagnostics[0].message.contains("column 3 of"))
        }
        let notCalibration = scratchFolder()
        do {
            _ = try PosteriorFile.load(folder: notCalibration)
            Issue.record("accepted a folder without a calibration manifest")
        } catch {
            #expect(error.diagnostics[0].message.contains("not a calibration folder"))
        }
    }
}
