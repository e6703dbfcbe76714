import Analysis
import Experiments
import Foundation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let smokePath = root.appendingPathComponent("Scenarios/sweeps/smoke.yaml").path

/// A small sweep of the smallest market that can fail (small-owner): three parameters, `design`
/// and its keys, three replications, written into `folder`.
private func smallGlobalSweep(_ design: String, _ keys: [String], folder: String) throws -> Sweep {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/\(design).yaml"
    let text = (["base: " + root.appendingPathComponent("Scenarios/small-owner.yaml").path, "design: \(design)"] + keys + [
        "replications: 3", "seed: 11", "parameters:",
        "  - path: providers[owner].prices.h800", "    range: [4, 10]",
        "  - path: providers[owner].fixed_opex_monthly", "    range: [2.5e5, 1e6]",
        "  - path: demand.segments[tenants].rate", "    range: [60, 180]",
    ]).joined(separator: "\n") + "\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return try Sweep.load(path: path)
}

private func contents(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

@Suite("The analyses of a sweep folder (sensitivity, Sobol, Morris): whole, sharded and merged")
struct SweepAnalysisTests {
    @Test func unshardedAndMergedSensitivityAreByteIdentical() throws {
        let folder = NSTemporaryDirectory() + "sens-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sweep = try Sweep.load(path: smokePath)
        let whole = try SweepRun.run(sweep, outputPath: folder + "/whole", threads: 2, monthly: true, version: "test")
        #expect(whole.files.last == "sensitivity.csv")
        var shardFolders: [String] = []
        for i in 0..<3 {
            let r = try SweepRun.run(sweep, outputPath: folder + "/s\(i)", threads: 1, shard: i, shards: 3,
                                     monthly: true, version: "test")
            #expect(!r.files.contains("sensitivity.csv"))
            #expect(!FileManager.default.fileExists(atPath: folder + "/s\(i)/sensitivity.csv"))
            shardFolders.append(r.outputPath)
        }
        _ = try SweepMerge.merge(shardFolders: shardFolders.reversed(), outputPath: folder + "/merged")
        let a = try #require(FileManager.default.contents(atPath: folder + "/whole/sensitivity.csv"))
        let b = try #require(FileManager.default.contents(atPath: folder + "/merged/sensitivity.csv"))
        #expect(a == b)
        let text = String(decoding: a, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "entity_kind,entity,metric,parameter,src,src_ci95_low,src_ci95_high,prcc,prcc_ci95_low,prcc_ci95_high,rank,runs")
        // In the smoke sweep the owner's overhead decides survival first (more overhead, fewer
        // survivors), its price second (a higher price, more survivors); PRCC agrees in sign.
        func row(_ parameter: String) -> [Substring] {
            let found = lines.filter { $0.hasPrefix("firm,owner,survived,\(parameter),") }
            #expect(found.count == 1, "one row for \(parameter)")
            return found.first.map { $0.split(separator: ",", omittingEmptySubsequences: false) } ?? []
        }
        let opex = row("providers[owner].fixed_opex_monthly"), price = row("providers[owner].prices.h800")
        #expect(opex.count == 12 && (Double(opex[6]) ?? 0) < 0 && opex[10] == "1" && opex[11] == "32",
                "overhead: negative with its whole interval, ranked first: \(opex)")
        #expect(price.count == 12 && (Double(price[5]) ?? 0) > 0 && price[10] == "2" && price[11] == "32",
                "price: positive with its whole interval, ranked second: \(price)")
        let opexPRCC = opex.count == 12 ? (Double(opex[7]) ?? 0, Double(opex[9]) ?? 0) : (0, 0)
        let pricePRCC = price.count == 12 ? (Double(price[7]) ?? 0, Double(price[8]) ?? 0) : (0, 0)
        #expect(opexPRCC.0 >= -1 && opexPRCC.1 < 0, "overhead: PRCC negative with its whole interval: \(opex)")
        #expect(pricePRCC.0 <= 1 && pricePRCC.1 > 0, "price: PRCC positive with its whole interval: \(price)")
    }

    @Test(arguments: [("sobol", ["base_points: 8"], "sobol.csv"),
                      ("morris", ["trajectories: 6", "levels: 4", "candidates: 12"], "morris.csv")])
    func globalDesignsGiveTheSameBytesWholeShardedMergedAndResumed(design: String, keys: [String], file: String) throws {
        let folder = scratchFolder("global-\(design)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sweep = try smallGlobalSweep(design, keys, folder: folder)
        #expect(sweep.pointCount == (design == "sobol" ? 8 * 5 : 6 * 4))
        let whole = try SweepRun.run(sweep, outputPath: folder + "/whole", threads: 2, monthly: true, version: "test")
        #expect(whole.files.suffix(2) == ["sensitivity.csv", file])
        let one = try SweepRun.run(sweep, outputPath: folder + "/one", threads: 1, monthly: true, version: "test")
        #expect(contents(folder + "/one/" + file) == contents(folder + "/whole/" + file), "thread count")
        var shardFolders: [String] = []
        for i in 0..<3 {
            let r = try SweepRun.run(sweep, outputPath: folder + "/s\(i)", threads: 1, shard: i, shards: 3, monthly: true,
                                     version: "test")
            #expect(!r.files.contains(file) && !FileManager.default.fileExists(atPath: folder + "/s\(i)/" + file))
            shardFolders.append(r.outputPath)
        }
        let merged = try SweepMerge.merge(shardFolders: shardFolders, outputPath: folder + "/merged")
        #expect(merged.files.suffix(2) == ["sensitivity.csv", file])
        // Stopped after one chunk, then resumed on another thread count.
        #expect(throws: SweepError.self) {
            try SweepRun.run(sweep, outputPath: folder + "/resumed", threads: 2, monthly: true, version: "test", stopAfterChunks: 1)
        }
        _ = try SweepRun.run(sweep, outputPath: folder + "/resumed", threads: 1, monthly: true, version: "test")
        let reference = contents(folder + "/whole/" + file)
        #expect(!reference.isEmpty)
        for other in ["merged", "resumed"] {
            for name in [file, "sensitivity.csv", "outcomes.csv", "points.csv"] {
                #expect(contents(folder + "/\(other)/" + name) == contents(folder + "/whole/" + name), "\(other)/\(name)")
            }
        }
        // The file: one row per outcome and parameter, the owner's survival moved by all three.
        let lines = String(decoding: reference, as: UTF8.self).split(separator: "\n")
        let header = design == "sobol" ? AnalysisSchemas.sobol.columns.map(\.name) : AnalysisSchemas.morris.columns.map(\.name)
        #expect(lines.first.map(String.init) == header.joined(separator: ","))
        let owner = lines.filter { $0.hasPrefix("firm,owner,survived,") }.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(owner.count == 3)
        for row in owner where row.count == header.count {
            let estimate = Double(row[4]) ?? .nan, low = Double(row[design == "sobol" ? 5 : 7]) ?? .nan
            let high = Double(row[design == "sobol" ? 6 : 8]) ?? .nan
            #expect(low <= estimate && estimate <= high, "\(row)")
            #expect(row.last.flatMap { Double($0) }.map { $0 >= 0 && $0 <= 1 } == true, "noise share in [0, 1]: \(row)")
        }
        let manifest = String(decoding: contents(folder + "/whole/manifest.json"), as: UTF8.self)
        #expect(manifest.contains("\"design\": \"\(design)\""))
        #expect(manifest.contains(design == "sobol" ? "\"base_points\": 8" : "\"trajectories\": 6"))
    }

    @Test func leversRunAgainstTheSameWorldsAndGiveRobustnessCSV() throws {
        let folder = scratchFolder("robust")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/robust.yaml"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try ([
            "base: " + root.appendingPathComponent("Scenarios/small-owner.yaml").path,
            "design: latin-hypercube", "points: 5", "replications: 3", "seed: 2",
            "levers:",
            "  - path: providers[owner].prices.h800", "    values: [4, 9]",
            "  - path: providers[owner].opex_per_unit_monthly", "    values: [0, 100]",
            "uncertainties:",
            "  - path: providers[owner].fixed_opex_monthly", "    range: [2.5e5, 1e6]",
            "  - path: demand.segments[tenants].rate", "    range: [60, 180]",
            "robustness:", "  outcome: firm[owner].survived", "  direction: maximize", "  threshold: 0.5",
        ].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let sweep = try Sweep.load(path: path)
        // 2 × 2 combinations against the same 5 worlds: point c·5 + w.
        #expect(sweep.pointCount == 20 && sweep.file.leverCount == 2)
        for c in 0..<4 { for w in 0..<5 {
            #expect(Array(sweep.values[c * 5 + w].suffix(2)) == Array(sweep.values[w].suffix(2)), "world \(w) of combination \(c)")
        } }
        #expect(sweep.values[0].prefix(2) == ["4", "0"] && sweep.values[5].prefix(2) == ["4", "100"] && sweep.values[10].prefix(2) == ["9", "0"])
        let whole = try SweepRun.run(sweep, outputPath: folder + "/whole", threads: 2, version: "test")
        #expect(whole.files.suffix(2) == ["sensitivity.csv", "robustness.csv"])
        var shards: [String] = []
        for i in 0..<2 {
            shards.append(try SweepRun.run(sweep, outputPath: folder + "/s\(i)", threads: 1, shard: i, shards: 2, version: "test").outputPath)
        }
        _ = try SweepMerge.merge(shardFolders: shards, outputPath: folder + "/merged")
        let text = String(decoding: contents(folder + "/whole/robustness.csv"), as: UTF8.self)
        #expect(contents(folder + "/merged/robustness.csv") == contents(folder + "/whole/robustness.csv"))
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.first == ["combination", "providers[owner].prices.h800", "providers[owner].opex_per_unit_monthly", "outcome",
                                "direction", "threshold", "mean", "p10", "p90", "worst", "regret_mean", "regret_mean_ci95_low",
                                "regret_mean_ci95_high", "regret_p90", "satisficing", "best_share", "worlds", "replications"])
        #expect(lines.count == 5 && lines.dropFirst().map { $0[0] } == ["0", "1", "2", "3"])
        // The higher price survives more: its mean survival is at least the lower price's, its regret no larger.
        let mean = lines.dropFirst().map { Double($0[6])! }, regret = lines.dropFirst().map { Double($0[10])! }
        #expect(mean[2] >= mean[0] && regret[2] <= regret[0], "\(text)")
        #expect(lines.dropFirst().allSatisfy { $0[3] == "firm[owner].survived" && $0[16] == "5" && $0[17] == "3" })
    }

    @Test func aRobustnessOutcomeTheBaseLacksIsRefusedBeforeAnythingRuns() throws {
        let folder = scratchFolder("robust-bad")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/bad.yaml"
        try ([
            "base: " + root.appendingPathComponent("Scenarios/small-owner.yaml").path,
            "design: grid", "replications: 1",
            "levers:", "  - path: providers[owner].prices.h800", "    values: [4, 9]",
            "uncertainties:", "  - path: demand.segments[tenants].rate", "    values: [60, 180]",
            "robustness:", "  outcome: firm[ownr].survived", "  threshold: 0.5",
        ].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let sweep = try Sweep.load(path: path)
        do {
            _ = try SweepRun.run(sweep, outputPath: folder + "/out", threads: 1, version: "test")
            Issue.record("a sweep whose robustness outcome names no firm ran")
        } catch {
            #expect(error.description.contains(path + ":11:12: error: robustness.outcome: no firm 'ownr' in the base scenario; expected one of owner"),
                    "\(error.description)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
    }
}
