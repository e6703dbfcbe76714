import Analysis
import Foundation
import Stochastics
import Testing

/// A pseudo-random number in [0, 1) from a fixed linear congruential sequence.
private struct Sequence64 {
    var state: UInt64
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) * 0x1.0p-53
    }
}

@Suite("Run outcomes read from a folder, and the fits over them")
struct RunOutcomesTests {
    /// A sweep folder of `points` × `replications` runs: two sweep parameters, and three keys drawn
    /// per replication — `crn` the same at every point (common random numbers), `free` different
    /// in every run, `sparse` only in even replications. One firm whose survival depends on
    /// the parameters, and one run with no outcome row.
    private func writeFolder(_ dir: URL, points: Int, replications: Int) throws
        -> (x: [[Double?]], survived: [Double?]) {
        var rng = Sequence64(state: 42)
        let a = (0..<points).map { _ in rng.next() }, b = (0..<points).map { Double($0 % 3) }
        let crn = (0..<replications).map { _ in rng.next() }
        var pointsCSV = "point,a,b\n", params = "point,replication,key,value\n", outcomes = "point,replication,firm,template,survived,entry_month\n"
        for p in 0..<points { pointsCSV += "\(p),\(a[p]),\(b[p])\n" }
        var x: [[Double?]] = [[], [], [], [], []], survived: [Double?] = []
        for p in 0..<points {
            for r in 0..<replications {
                let free = rng.next()
                params += "\(p),\(r),crn,\(crn[r])\n\(p),\(r),free,\(free)\n"
                if r % 2 == 0 { params += "\(p),\(r),sparse,\(free * 2)\n" }
                x[0].append(a[p]); x[1].append(b[p]); x[2].append(crn[r]); x[3].append(free)
                x[4].append(r % 2 == 0 ? free * 2 : nil)
                if p == 1 && r == 0 { survived.append(nil); continue }   // no outcome row for this run
                let lives = a[p] + 0.5 * crn[r] - 0.3 * free + 0.2 * rng.next() > 0.6
                outcomes += "\(p),\(r),small,,\(lives),\n"
                survived.append(lives ? 1 : 0)
            }
        }
        // The run without an outcome row still has draws: it is listed in params.csv only.
        try pointsCSV.write(to: dir.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8)
        try params.write(to: dir.appendingPathComponent("params.csv"), atomically: true, encoding: .utf8)
        try outcomes.write(to: dir.appendingPathComponent("outcomes.csv"), atomically: true, encoding: .utf8)
        return (x, survived)
    }

    private func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runoutcomes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func drawsKeptPerReplicationOrPerRunReadBackAsWritten() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (x, survived) = try writeFolder(dir, points: 6, replications: 4)
        let outcomes = try RunOutcomes.read(folder: dir.path)
        #expect(outcomes.parameters == ["a", "b", "crn", "free", "sparse"])
        #expect(outcomes.runs.count == 24)
        for i in outcomes.runs.indices {
            let run = outcomes.runs[i]
            #expect(run.point == i / 4 && run.replication == i % 4)
            let values = try #require(outcomes.parameterValues(at: i))
            #expect(values == x.map { $0[i] }, "run \(i)")
            #expect(outcomes.series[0][i] == survived[i])
        }
    }

    /// `sensitivity.csv` keeps a sweep parameter once per point and a draw under common random
    /// numbers once per replication, and sums squares and products in place of holding the runs'
    /// columns; its coefficients must be those of the fits on the full columns.
    @Test func sensitivityFromTheFolderEqualsTheFitsOnFullColumns() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (x, survived) = try writeFolder(dir, points: 40, replications: 12)
        let text = try Sensitivity.csv(folder: dir.path)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        let col = { (name: String) in header.firstIndex(of: name)! }
        // The fit of the firm's survival: over the runs with an outcome; `sparse` lacks a value in
        // half of them, so it is left out.
        let kept = survived.indices.filter { survived[$0] != nil }
        let y = kept.map { survived[$0]! }
        let full = (0..<4).map { j in kept.map { x[j][$0]! } }
        let src = Sensitivity.src(x: full + [[]], y: y), prcc = Sensitivity.prcc(x: full + [[]], y: y)
        let firmRows = rows.dropFirst().filter { $0[col("entity")] == "small" }
        #expect(firmRows.count == 5)
        for row in firmRows {
            let j = ["a", "b", "crn", "free", "sparse"].firstIndex(of: row[col("parameter")])!
            #expect(Int(row[col("runs")]) == y.count)
            if j == 4 {
                #expect(row[col("src")].isEmpty && row[col("prcc")].isEmpty)
                continue
            }
            let s = try #require(src[j]), p = try #require(prcc[j])
            let got = (Double(row[col("src")])!, Double(row[col("src_ci95_low")])!, Double(row[col("prcc")])!,
                       Double(row[col("prcc_ci95_high")])!)
            #expect(abs(got.0 - s.src) < 1e-12 && abs(got.1 - s.low) < 1e-12, "\(row) against \(s)")
            #expect(abs(got.2 - p.prcc) < 1e-12 && abs(got.3 - p.high) < 1e-12, "\(row) against \(p)")
        }
        // The effects the folder was written with: a raises survival, free lowers it.
        let a = try #require(src[0]), free = try #require(src[3])
        #expect(a.src > 0.3 && free.src < -0.1, "a: \(a), free: \(free)")
    }
}
