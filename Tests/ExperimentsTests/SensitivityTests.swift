import Experiments
import Foundation
import Testing

private let smokePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scenarios/sweeps/smoke.yaml").path

@Suite("Sensitivity (standardised regression coefficients)")
struct SensitivityTests {
    @Test func srcRecoversAKnownLinearRelation() {
        // y = 3·x1 − 1·x2 + 0·x3 + small deterministic noise, x's on a 5×4×3 grid (uncorrelated).
        var x1: [Double] = [], x2: [Double] = [], x3: [Double] = [], y: [Double] = []
        var i = 0
        for a in 0..<5 { for b in 0..<4 { for c in 0..<3 {
            x1.append(Double(a)); x2.append(Double(b) * 2); x3.append(Double(c))
            y.append(3 * Double(a) - Double(b) * 2 + 0.01 * sin(Double(i) * 1.7))
            i += 1
        } } }
        func sd(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
        }
        let fit = Sensitivity.src(x: [x1, x2, x3], y: y)
        let expected = [3 * sd(x1) / sd(y), -1 * sd(x2) / sd(y), 0]
        for j in 0..<3 {
            let c = fit[j]!
            #expect(abs(c.src - expected[j]) < 1e-3, "parameter \(j): \(c.src) vs \(expected[j])")
            #expect(c.low <= c.src && c.src <= c.high)
            #expect(c.low <= expected[j] && expected[j] <= c.high)
            #expect(c.high - c.low < 0.01)
        }
    }

    @Test func constantOutcomeOrParameterGivesNoCoefficient() {
        let x = [1.0, 2, 3, 4, 5]
        #expect(Sensitivity.src(x: [x], y: [2, 2, 2, 2, 2]) == [nil])
        let fit = Sensitivity.src(x: [x, [7, 7, 7, 7, 7]], y: [1, 3, 2, 5, 4])
        #expect(fit[0] != nil && fit[1] == nil)
    }

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
        #expect(lines.first == "entity_kind,entity,metric,parameter,src,src_ci95_low,src_ci95_high,rank,runs")
        // In the smoke sweep the owner's overhead decides survival first (more overhead, fewer
        // survivors), its price second (a higher price, more survivors).
        func row(_ parameter: String) -> [Substring] {
            let found = lines.filter { $0.hasPrefix("firm,owner,survived,\(parameter),") }
            #expect(found.count == 1, "one row for \(parameter)")
            return found.first.map { $0.split(separator: ",", omittingEmptySubsequences: false) } ?? []
        }
        let opex = row("providers[owner].fixed_opex_monthly"), price = row("providers[owner].prices.h800")
        #expect(opex.count == 9 && (Double(opex[6]) ?? 0) < 0 && opex[7] == "1" && opex[8] == "32",
                "overhead: negative with its whole interval, ranked first: \(opex)")
        #expect(price.count == 9 && (Double(price[5]) ?? 0) > 0 && price[7] == "2" && price[8] == "32",
                "price: positive with its whole interval, ranked second: \(price)")
    }
}
