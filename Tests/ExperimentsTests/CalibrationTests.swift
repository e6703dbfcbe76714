// The calibration of Scenarios/global-neocloud-2023.yaml against what was observed up to 2024-12:
// the H100 short-term rent's 2023 spike and fall through 2024, and entry concentrated before 2025
// with no dated entry driver. The targets are those named in the scenario's header.

import Experiments
import Foundation
import MarketModel
import ScenarioModule
import Stochastics
import Testing

private let scenarioPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scenarios/global-neocloud-2023.yaml").path

/// One replication's figures: the h100 `price_index` and `short_term_price` by month (NaN where
/// empty) and the entrants' entry months.
private struct Path {
    var index: [Double]
    var shortTerm: [Double]
    var entryMonths: [Int]
}

/// Collects one tier's series per replication from the run pipeline.
private final class PathSink: ResultSink {
    let tier: Int
    private(set) var paths: [Path] = []
    init(tier: Int) { self.tier = tier }

    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int) throws {
        var p = Path(index: Array(repeating: .nan, count: point.horizonMonths),
                     shortTerm: Array(repeating: .nan, count: point.horizonMonths), entryMonths: [])
        for row in result.marketMonths where row.tier == tier {
            p.index[row.month] = row.priceIndex ?? .nan
            p.shortTerm[row.month] = row.shortTermPrice ?? .nan
        }
        p.entryMonths = result.firms.filter { $0.template != nil }.map(\.entryMonth)
        paths.append(p)
    }
}

/// Every replication's h100 series as `suanli run --seed S` computes them (the same pipeline and
/// seed plan, without writing files), and the resolved scenario.
private func run(seed: UInt64, replications: Int) throws -> (months: [String], paths: [Path], document: ScenarioDocument) {
    let document = try ScenarioLoader.load(path: scenarioPath)
    let configuration = RunConfiguration(replications: replications, masterSeed: seed,
                                         threads: ProcessInfo.processInfo.activeProcessorCount)
    let point = ExperimentPoint(index: 0, document: document)
    let sink = PathSink(tier: try #require(point.tierNames.firstIndex(of: "h100"), "the scenario has a tier h100"))
    _ = try ExperimentRunner.run(points: [point], configuration: configuration, sinks: [sink])
    return (point.monthLabels, sink.paths, document)
}

@Suite("Calibration of global-neocloud-2023")
struct CalibrationTests {
    /// Issue 14's patterns, on medians over replications of per-replication figures, each asserted
    /// with the median's 95% interval inside the observed band: the h100 short-term price (the
    /// figure rental indices quote) peaks at $7–12 in 2023 (public H100 rent series: ≈ $8 at the
    /// 2023 peak, spot offers up to ≈ $12) and is $1.5–3.0 at 2024-12 (≈ $2 reported); most
    /// entrants enter before 2025, with no dated entry premium in the file.
    @Test("short-term H100 rents spike in 2023 and fall through 2024; most entrants come before 2025",
          arguments: [1, 2] as [UInt64])
    func patternsTo2024(seed: UInt64) throws {
        let replications = 200
        let (months, paths, document) = try run(seed: seed, replications: replications)
        try #require(paths.count == replications)
        let scenario = document.instantiate(replication: 0, plan: SeedPlan(masterSeed: seed)).scenario
        #expect(scenario.entry.premium.isEmpty, "no dated entry premium decides the answer")
        let y2023 = months.indices.filter { months[$0].hasPrefix("2023-") }
        let dec2024 = try #require(months.firstIndex(of: "2024-12"))

        let peaks = paths.compactMap { p -> Double? in
            let xs = y2023.map { p.shortTerm[$0] }.filter { !$0.isNaN }
            return xs.max()
        }
        try #require(peaks.count >= replications * 9 / 10, "short contracts were signed in 2023 in most replications")
        let peak = medianInterval(peaks)
        #expect(peak.low >= 7 && peak.high <= 12, "seed \(seed): 2023 peak short-term price, median's 95% interval \(peak), wanted inside $7–12")

        let december = paths.map { $0.shortTerm[dec2024] }.filter { !$0.isNaN }
        try #require(december.count >= replications * 9 / 10, "short contracts were signed in 2024-12 in most replications")
        let dec = medianInterval(december)
        #expect(dec.low >= 1.5 && dec.high <= 3, "seed \(seed): 2024-12 short-term price, median's 95% interval \(dec), wanted inside $1.5–3.0")

        let shares = paths.compactMap { p -> Double? in
            p.entryMonths.isEmpty ? nil : Double(p.entryMonths.filter { $0 <= dec2024 }.count) / Double(p.entryMonths.count)
        }
        let share = medianInterval(shares)
        #expect(share.low > 0.5, "seed \(seed): share of a replication's entrants entering before 2025, median's 95% interval \(share), wanted above 0.5")

        // Reported, not asserted: the median price-index path (the capacity-weighted list price the
        // calibration used before issue 14) and, out of sample, the late-2025 short-term price (observed ≈ $1.70).
        let indexMedian = months.indices.map { t in median(paths.map { $0.index[t] }) }
        let late2025 = months.indices.filter { months[$0] >= "2025-07" && months[$0] <= "2025-12" }
        let lateShort = late2025.map { t in median(paths.map { $0.shortTerm[t] }.filter { !$0.isNaN }) }
        print("calibration seed \(seed): short-term peak \(peak), 2024-12 \(dec), entrants before 2025 \(share); "
              + "index 2024-12 \(String(format: "%.2f", indexMedian[dec2024])); late-2025 short-term low "
              + "\(String(format: "%.2f", lateShort.min() ?? .nan)) (observed ≈ 1.70)")
    }
}
