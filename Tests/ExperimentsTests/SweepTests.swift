import Experiments
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScenarioModule
import Stochastics
import Testing

/// The package's Scenarios/sweeps folder.
private let sweepsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scenarios/sweeps").path
private let smokePath = sweepsFolder + "/smoke.yaml"

private func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

/// A sweep file written into `folder`, its base given relative to the folder.
private func writeSweep(_ text: String, in folder: String, name: String = "s.yaml") -> String {
    let path = folder + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
}

private func relativeBase(from folder: String) -> String {
    // A path to validation/erlang-loss.yaml that works from any folder: absolute.
    URL(fileURLWithPath: sweepsFolder).deletingLastPathComponent().appendingPathComponent("validation/erlang-loss.yaml").path
}

@Suite("Sweep designs")
struct SweepDesignTests {
    @Test func gridHasEveryCombinationFirstParameterSlowest() {
        let g = SweepDesign.grid([["a", "b"], ["1", "2", "3"]])
        #expect(g.count == 6)
        #expect(g == [["a", "1"], ["a", "2"], ["a", "3"], ["b", "1"], ["b", "2"], ["b", "3"]])
    }

    @Test func latinHypercubeHitsEveryStratumOncePerParameter() {
        for n in [1, 2, 7, 20] {
            let stream = SeedPlan(masterSeed: 11).stream(replication: 0, kind: "design")
            let lhs = SweepDesign.latinHypercube(points: n, dimensions: 3, stream: stream)
            #expect(lhs.count == n)
            for j in 0..<3 {
                let strata = lhs.map { Int(($0[j] * Double(n)).rounded(.down)) }
                #expect(strata.sorted() == Array(0..<n))
                #expect(lhs.allSatisfy { $0[j] >= 0 && $0[j] < 1 })
            }
        }
    }

    @Test func designsAreDeterministicAndSeeded() throws {
        let folder = scratchFolder()
        func file(_ design: String, seed: Int) throws -> Sweep {
            let path = writeSweep("""
                base: \(relativeBase(from: folder))
                design: \(design)
                points: 10
                replications: 1
                seed: \(seed)
                parameters:
                  - path: demand.segments[tenants].rate
                    range: [10, 110]
                  - path: providers[lessor].fleet[0].units
                    range: [1, 20]
                """, in: folder, name: "\(design)-\(seed).yaml")
            return try Sweep.load(path: path)
        }
        for design in ["random", "latin-hypercube"] {
            let a = try file(design, seed: 3), b = try file(design, seed: 3), c = try file(design, seed: 4)
            #expect(a.values == b.values)
            #expect(a.values != c.values)
            #expect(a.pointCount == 10)
            // Integer keys are rounded; ranges respected.
            for v in a.values {
                let rate = try #require(Double(v[0]))
                #expect(rate >= 10 && rate <= 110)
                let units = try #require(Int(v[1]))
                #expect(units >= 1 && units <= 20)
            }
        }
        let lhs = try file("latin-hypercube", seed: 3)
        let strata = lhs.values.map { Int(((Double($0[0])! - 10) / 100 * 10).rounded(.down)) }
        #expect(strata.sorted() == Array(0..<10))
    }
}

@Suite("Sweep files")
struct SweepFileTests {
    @Test func smokeListsItsPoints() throws {
        let sweep = try Sweep.load(path: smokePath)
        #expect(sweep.pointCount == 8)
        #expect(sweep.file.replications == 4)
        #expect(sweep.file.commonRandomNumbers)
        let listing = sweep.listing()
        let lines = listing.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + 8)
        #expect(lines[0].hasPrefix("sweep smoke: grid, 8 points × 4 replications"))
        #expect(lines[1].split(separator: " ", omittingEmptySubsequences: true)
                == ["point", "providers[owner].prices.h800", "providers[owner].fixed_opex_monthly"])
        #expect(lines[2].split(separator: " ", omittingEmptySubsequences: true) == ["0", "4", "2.5e5"])
        #expect(lines[9].split(separator: " ", omittingEmptySubsequences: true) == ["7", "10", "1e6"])
        // A shard's listing shows only its points, with their real indices.
        let shard = sweep.listing(indices: sweep.pointIndices(shard: 1, of: 3)).split(separator: "\n").dropFirst(2)
        #expect(shard.map { $0.split(separator: " ").first! } == ["1", "4", "7"])
    }

    @Test(arguments: ["smoke.yaml", "chip-shortage-demand.yaml", "sublessor-leverage-terms.yaml"])
    func everyPointIsAValidScenario(_ name: String) throws {
        let sweep = try Sweep.load(path: sweepsFolder + "/" + name)
        #expect(sweep.pointCount >= 2)
        let docs = try sweep.documents(Array(0..<sweep.pointCount))
        #expect(docs.count == sweep.pointCount)
        #expect(Set(docs.map(\.contentHash)).count == sweep.pointCount)   // every point differs
    }

    @Test func errorsAreLocated() throws {
        let folder = scratchFolder()
        let path = writeSweep("""
            base: nowhere.yaml
            design: grid
            replications: 0
            parameters:
              - path: demand.segments[tenants].rat
                values: [1]
              - path: finance.base_rate
                range: [0, 1]
            colour: red
            """, in: folder)
        #expect(throws: ScenarioDiagnostics.self) { try SweepFile.load(path: path) }
        do { _ = try SweepFile.load(path: path) } catch {
            let text = error.description
            #expect(text.contains(path + ":1:7: error: base: no scenario file"))
            #expect(text.contains(path + ":3:15: error: replications: expected an integer ≥ 1, got '0'"))
            #expect(text.contains(path + ":5:11: error: parameters[0].path: no scenario key"))
            #expect(text.contains(path + ":7:5: error: parameters[1].values: a grid needs a values list"))
            #expect(text.contains(path + ":9:1: error: colour: unknown sweep key"))
        }
    }

    @Test func invalidPointsAreReportedByPoint() throws {
        let folder = scratchFolder()
        let path = writeSweep("""
            base: \(relativeBase(from: folder))
            replications: 1
            parameters:
              - path: demand.segments[tenants].rate
                values: [10, -5]
            """, in: folder)
        let sweep = try Sweep.load(path: path)
        #expect(throws: SweepError.self) { try sweep.documents([0, 1]) }
        do { _ = try sweep.documents([0, 1]) } catch {
            #expect(error.message.contains("point 1 (demand.segments[tenants].rate=-5)"))
            #expect(!error.message.contains("point 0"))
        }
    }

    /// A fault of the base scenario fails every point alike: it is reported once, with the points it
    /// affects, and a point with a problem of its own is reported apart.
    @Test func aFaultSharedByPointsIsReportedOnceWithThePoints() throws {
        let folder = scratchFolder()
        let base = writeSweep("extends: \(relativeBase(from: folder))\nhorizon_months: 0\n", in: folder, name: "base.yaml")
        let path = writeSweep("""
            base: \(base)
            replications: 1
            parameters:
              - path: demand.segments[tenants].rate
                values: [10, 11, -5, 12, 13, 14]
            """, in: folder)
        let sweep = try Sweep.load(path: path)
        func check(_ m: String) {
            let horizon = "horizon_months: expected an integer in [1, 600], got '0'"
            #expect(m.components(separatedBy: horizon).count - 1 == 2, "once per group:\n\(m)")
            #expect(m.contains("points 0–1, 3–5 (5 points; the first: point 0 (demand.segments[tenants].rate=10)):\n"), "\(m)")
            #expect(m.contains("point 2 (demand.segments[tenants].rate=-5):\n"), "\(m)")
            #expect(m.hasSuffix("\n6 of 6 points of \(path) are not valid scenarios; nothing was run."), "\(m)")
        }
        do {
            _ = try sweep.documents(Array(0..<6))
            Issue.record("documents: six invalid points were accepted")
        } catch { check(error.message) }
        do {
            try sweep.forEachDocument(Array(0..<6), threads: 2) { _, _ in }
            Issue.record("forEachDocument: six invalid points were accepted")
        } catch { check(error.message) }
    }
}

@Suite("Sweep runs, shards and merges")
struct SweepRunTests {
    @Test func wholeSweepEqualsMergedShardsByteForByte() throws {
        let folder = scratchFolder()
        let sweep = try Sweep.load(path: smokePath)
        let whole = try SweepRun.run(sweep, outputPath: folder + "/whole", threads: 2, version: "test")
        #expect(whole.files == ["manifest.json", "points.csv", "outcomes.csv", "params.csv", "survival.csv", "summary.csv",
                              "sensitivity.csv"])
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/whole").sorted()
        #expect(names == whole.files.sorted())   // no monthly files without --monthly
        for i in 0..<3 {
            let shard = try SweepRun.run(sweep, outputPath: folder + "/shard\(i)", threads: 1, shard: i, shards: 3,
                                         version: "test")
            #expect(shard.points == Array(stride(from: i, to: 8, by: 3)))
        }
        // Shard folders are given in any order.
        let merged = try SweepMerge.merge(shardFolders: [folder + "/shard2", folder + "/shard0", folder + "/shard1"],
                                          outputPath: folder + "/merged")
        #expect(merged.files == whole.files)
        for f in whole.files where f != "manifest.json" {
            #expect(bytes(folder + "/whole/" + f) == bytes(folder + "/merged/" + f), "\(f) differs")
            #expect(bytes(folder + "/whole/" + f).count > 0)
        }
        // The merged manifest lists every point, like the whole one.
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(bytes(folder + "/merged/manifest.json"))) as? [String: Any])
        #expect((json["points"] as? [Any])?.count == 8)
        let wholeJSON = try #require(try JSONSerialization.jsonObject(
            with: Data(bytes(folder + "/whole/manifest.json"))) as? [String: Any])
        #expect((json["events"] as? Int) == (wholeJSON["events"] as? Int))
    }

    @Test func pointsFileHoldsEachPointsValues() throws {
        let folder = scratchFolder()
        let sweep = try Sweep.load(path: smokePath)
        let w = try SweepRun.writePoints(sweep, indices: [0, 5], to: .memory)
        #expect(w.text == "point,providers[owner].prices.h800,providers[owner].fixed_opex_monthly\n0,4,2.5e5\n5,8,1e6\n")
        // A shard's points.csv holds its points with their real indices.
        _ = try SweepRun.run(sweep, outputPath: folder + "/s1", threads: 1, shard: 1, shards: 3, version: "test")
        #expect(String(decoding: bytes(folder + "/s1/points.csv"), as: UTF8.self)
                == "point,providers[owner].prices.h800,providers[owner].fixed_opex_monthly\n1,4,1e6\n4,8,2.5e5\n7,10,1e6\n")
        let outcomes = String(decoding: bytes(folder + "/s1/outcomes.csv"), as: UTF8.self).split(separator: "\n").dropFirst()
        #expect(Set(outcomes.map { $0.split(separator: ",")[1] }) == ["1", "4", "7"])
    }

    @Test func monthlyFilesOnlyWhenAsked() throws {
        let folder = scratchFolder()
        let sweep = try Sweep.load(path: smokePath)
        let r = try SweepRun.run(sweep, outputPath: folder + "/m", threads: 2, shard: 0, shards: 4, monthly: true,
                                 version: "test")
        for f in ResultFiles.monthlyFileNames {
            #expect(r.files.contains(f))
            #expect(FileManager.default.fileExists(atPath: folder + "/m/" + f))
        }
    }

    @Test func mergeRefusesMismatchesAndNamesMissingShards() throws {
        let folder = scratchFolder()
        let sweep = try Sweep.load(path: smokePath)
        for i in 0..<3 {
            _ = try SweepRun.run(sweep, outputPath: folder + "/a\(i)", threads: 1, shard: i, shards: 3, version: "test")
        }
        func refusal(_ folders: [String]) -> String {
            do { _ = try SweepMerge.merge(shardFolders: folders.map { folder + "/" + $0 }, outputPath: folder + "/out") }
            catch { return error.message }
            return ""
        }
        #expect(refusal(["a0", "a2"]).contains("missing shard 1 of 3"))
        #expect(refusal(["a1"]).contains("missing shards 0, 2 of 3"))
        #expect(refusal(["a0", "a0", "a1", "a2"]).contains("shard 0 of 3 given twice"))

        // Another tool version.
        _ = try SweepRun.run(sweep, outputPath: folder + "/v1", threads: 1, shard: 1, shards: 3, version: "other")
        let v = refusal(["a0", "v1", "a2"])
        #expect(v.contains("different tool versions"))
        #expect(v.contains("from version test") && v.contains("from version other"))

        // Another sweep file.
        let copy = writeSweep(String(decoding: bytes(smokePath), as: UTF8.self).replacingOccurrences(of: "seed: 1", with: "seed: 2")
                                .replacingOccurrences(of: "base: ../", with: "base: " + sweepsFolder + "/../"),
                              in: folder, name: "other.yaml")
        _ = try SweepRun.run(try Sweep.load(path: copy), outputPath: folder + "/o1", threads: 1, shard: 1, shards: 3,
                             version: "test")
        let o = refusal(["a0", "o1", "a2"])
        #expect(o.contains("different sweep files"))
        #expect(o.contains("other.yaml"))

        // Not a shard.
        _ = try SweepRun.run(sweep, outputPath: folder + "/whole", threads: 1, version: "test")
        #expect(refusal(["whole"]).contains("not a shard of a sweep"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
    }

    @Test func aStoppedSweepResumesToTheSameBytes() throws {
        let folder = scratchFolder()
        let sweep = try Sweep.load(path: smokePath)
        let whole = try SweepRun.run(sweep, outputPath: folder + "/whole", threads: 2, monthly: true, version: "test")
        let partial = folder + "/.resumed.sweep-partial"
        #expect(throws: SweepError.self) {
            try SweepRun.run(sweep, outputPath: folder + "/resumed", threads: 2, monthly: true, version: "test",
                             stopAfterChunks: 1)
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/resumed"))
        let journal = String(decoding: bytes(partial + "/journal.txt"), as: UTF8.self)
        #expect(journal.split(separator: "\n").count == 2)   // header + 1 chunk of 4 points
        // A kill in the middle of the next chunk: bytes past the journal and a torn journal line.
        let h = try #require(FileHandle(forWritingAtPath: partial + "/outcomes.csv"))
        try h.seekToEnd(); try h.write(contentsOf: Data("erlang-loss,9,garbage\n".utf8)); try h.close()
        let j = try #require(FileHandle(forWritingAtPath: partial + "/journal.txt"))
        try j.seekToEnd(); try j.write(contentsOf: Data("chunk 4 4 12".utf8)); try j.close()
        // Resumed on another thread count.
        let resumed = try SweepRun.run(sweep, outputPath: folder + "/resumed", threads: 1, monthly: true, version: "test")
        #expect(resumed.files == whole.files)
        for f in whole.files where f != "manifest.json" {
            #expect(bytes(folder + "/whole/" + f) == bytes(folder + "/resumed/" + f), "\(f) differs")
        }
        #expect(resumed.totals.events == whole.totals.events)
        #expect(!FileManager.default.fileExists(atPath: partial))
        // A partial folder of another sweep (here: without --monthly) is not resumed from.
        #expect(throws: SweepError.self) {
            try SweepRun.run(sweep, outputPath: folder + "/other", threads: 1, version: "test", stopAfterChunks: 1)
        }
        let again = try SweepRun.run(sweep, outputPath: folder + "/other", threads: 1, monthly: true, version: "test")
        #expect(bytes(folder + "/other/summary.csv") == bytes(folder + "/whole/summary.csv"))
        #expect(again.files.count == whole.files.count)
    }

    @Test func aLockedPartialFolderIsRefusedAndAnUnheldLockIsTakenOver() throws {
        let folder = scratchFolder()
        let sweep = try Sweep.load(path: smokePath)
        let partial = folder + "/.out.sweep-partial"
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
        // Another holder of the lock (an open file description of its own, as another process has).
        let fd = open(partial + "/lock", O_RDWR | O_CREAT, 0o644)
        try #require(fd >= 0)
        try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)
        _ = "4242\n".withCString { write(fd, $0, strlen($0)) }
        do {
            _ = try SweepRun.run(sweep, outputPath: folder + "/out", threads: 1, version: "test")
            Issue.record("a locked partial folder was not refused")
        } catch {
            #expect(error.message.contains("already running in process 4242"), "\(error)")
            #expect(error.message.contains(partial + "/lock"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
        close(fd)
        // The file stays, with a pid nobody holds the lock for: ignored, and the sweep runs.
        let report = try SweepRun.run(sweep, outputPath: folder + "/out", threads: 1, version: "test")
        #expect(report.points.count == 8)
        #expect(!FileManager.default.fileExists(atPath: partial))
    }

    @Test func aResumedSweepRunsOnlyThePointsNotJournalled() throws {
        let folder = scratchFolder()
        let sweep = try Sweep.load(path: smokePath)
        let whole = try SweepRun.run(sweep, outputPath: folder + "/whole", threads: 2, version: "test")
        #expect(throws: SweepError.self) {
            try SweepRun.run(sweep, outputPath: folder + "/out", threads: 2, version: "test", stopAfterChunks: 1)
        }
        let partial = folder + "/.out.sweep-partial"
        let journal = String(decoding: bytes(partial + "/journal.txt"), as: UTF8.self)
        // A stale temporary output of a dead process beside it is cleaned up too.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/sh")
        dead.arguments = ["-c", "exit 0"]
        try dead.run()
        dead.waitUntilExit()
        let stale = folder + "/.out.tmp-\(dead.processIdentifier)"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: false)
        let progress = RecordingProgress()
        let resumed = try SweepRun.run(sweep, outputPath: folder + "/out", threads: 1, version: "test", progress: progress)
        #expect(progress.startedDone == 16, "resumed after the 4 points (16 runs) of the journalled chunk")
        #expect(progress.updates.allSatisfy { $0 > 16 }, "no run of a journalled point ran again")
        for f in whole.files where f != "manifest.json" {
            #expect(bytes(folder + "/whole/" + f) == bytes(folder + "/out/" + f), "\(f) differs")
        }
        #expect(resumed.totals.events == whole.totals.events)
        #expect(journal.split(separator: "\n").count == 2)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(!FileManager.default.fileExists(atPath: partial))
    }

    @Test func sweepProgressCountsPointsAndRunsPerSecond() {
        #expect(StandardErrorProgress.sweepLine(done: 120, total: 640, runsPerPoint: 10, startDone: 40, elapsed: 2)
                == "points 12/64 (18%), 40.0 runs/s, 13 s left")
        #expect(StandardErrorProgress.sweepLine(done: 640, total: 640, runsPerPoint: 10, elapsed: 4)
                == "points 64/64 (100%), 160 runs/s")
        #expect(StandardErrorProgress.sweepLine(done: 40, total: 640, runsPerPoint: 10, startDone: 40, elapsed: 1)
                == "points 4/64 (6%)")
    }

    @Test func dataDictionaryCoversPointsFile() throws {
        #expect(DataDictionary.documentedColumns(of: "points.csv") == ["point", "<parameter path>"])
        #expect(DataDictionary.markdown.contains("## Sweeps"))
        #expect(DataDictionary.markdown.contains("### points.csv"))
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Results/README.md").path
        #expect(String(decoding: bytes(readme), as: UTF8.self) == DataDictionary.markdown)
        // The sweep files besides points.csv are a run's, documented with it.
        for f in SweepRun.fileNames(monthly: true) where f != "points.csv" {
            #expect(DataDictionary.files.contains { $0.file == f })
        }
    }
}

/// Progress calls as they came.
private final class RecordingProgress: ProgressReporter {
    var startedDone: Int?
    var updates: [Int] = []
    func start(total: Int) { startedDone = 0 }
    func start(total: Int, done: Int) { startedDone = done }
    func update(done: Int, total: Int) { updates.append(done) }
    func finish(done: Int, total: Int) {}
}
