// The baseline (China 2024–2028) against what was observed up to 2024-12, as patterns that must come
// out together (pattern-oriented modelling): the listed integrator's gross margin, market-wide
// utilisation, entry concentrated in 2024 by the capital-market premium, and the H800 rent's fall with
// the H800s ordered at the 2023 peak.
// Each target names its source in Scenarios/baseline.yaml's header and in docs/MODEL.md.

import Experiments
import Foundation
import MarketModel
import ScenarioModule
import Testing

private let baselinePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scenarios/baseline.yaml").path

/// One replication's 2024 figures.
private struct Year2024 {
    /// The h800 `price_index` at 2024-12 over 2024-01.
    var h800Change = Double.nan
    /// Market-wide units leased over units installed, averaged over 2024's months.
    var utilisation = Double.nan
    /// The listed integrator's revenue-weighted gross margin over 2024.
    var integratorMargin = Double.nan
    /// Entrants by entry year (2024 first).
    var entriesByYear: [Int: Int] = [:]
}

private final class PatternSink: ResultSink {
    let h800: Int, integrator: Int
    private(set) var years: [Year2024] = []
    init(h800: Int, integrator: Int) { self.h800 = h800; self.integrator = integrator }

    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int) throws {
        var y = Year2024()
        var january = Double.nan, december = Double.nan, utilisation: [Double] = []
        for row in result.marketMonths where row.month < 12 {
            if row.tier == h800 && row.month == 0 { january = row.priceIndex ?? .nan }
            if row.tier == h800 && row.month == 11 { december = row.priceIndex ?? .nan }
            if row.tier == nil && row.unitsInstalled > 0 { utilisation.append(Double(row.unitsLeased) / Double(row.unitsInstalled)) }
        }
        y.h800Change = december / january - 1
        y.utilisation = utilisation.isEmpty ? .nan : utilisation.reduce(0, +) / Double(utilisation.count)
        var revenue = 0.0, gross = 0.0
        for row in result.firmMonths where row.firm == integrator && row.month < 12 {
            guard let m = row.grossMargin, row.revenue > 0 else { continue }
            revenue += row.revenue
            gross += row.revenue * m
        }
        y.integratorMargin = revenue > 0 ? gross / revenue : .nan
        for f in result.firms where f.template != nil { y.entriesByYear[2024 + f.entryMonth / 12, default: 0] += 1 }
        years.append(y)
    }
}

/// The baseline's 2024 figures over `replications` replications at `seed`, with `overrides`.
private func run(seed: UInt64, replications: Int, overrides: [String] = []) throws -> [Year2024] {
    let document = try ScenarioLoader.load(path: baselinePath, overrides: overrides)
    let point = ExperimentPoint(index: 0, document: document)
    let firms = try ScenarioLoader.load(path: baselinePath).instantiate(replication: 0, plan: .init(masterSeed: seed)).scenario.providers
    let sink = PatternSink(h800: try #require(point.tierNames.firstIndex(of: "h800")),
                           integrator: try #require(firms.firstIndex { $0.name == "listed-integrator" }))
    let configuration = RunConfiguration(replications: replications, masterSeed: seed,
                                         threads: ProcessInfo.processInfo.activeProcessorCount)
    _ = try ExperimentRunner.run(points: [point], configuration: configuration, sinks: [sink])
    return sink.years
}

@Suite("Patterns of the baseline to 2024-12")
struct BaselinePatternTests {
    static let replications = 200

    /// On medians over replications of per-replication figures, the median's 95% interval inside the
    /// observed band: the listed integrator's 2024 gross margin within 12–30% (the Economic Daily page:
    /// about 20% on its ¥175M five-year contract); market-wide utilisation over 2024 within 20–40% (many
    /// Chinese intelligent-computing centres were 20–30% utilised, the industry average 58%).
    @Test("the integrator's 2024 gross margin and market utilisation fall in the observed bands")
    func marginAndUtilisation() throws {
        let years = try run(seed: 1, replications: Self.replications)
        try #require(years.count == Self.replications)
        let margin = medianInterval(years.map(\.integratorMargin).filter { !$0.isNaN })
        #expect(margin.low >= 0.12 && margin.high <= 0.30, "integrator's 2024 gross margin: median's 95% interval \(margin)")
        let utilisation = medianInterval(years.map(\.utilisation))
        #expect(utilisation.low >= 0.20 && utilisation.high <= 0.40, "2024 utilisation: median's 95% interval \(utilisation)")
    }

    /// Entry came in 2024, not years later (109 listed firms tagged "compute leasing" by 2024-12; the
    /// rush, the page says): with the capital-market premium most entrants of 2024–2025 enter in 2024
    /// and none after the premium ends (2025-09); without it (the same seeds) renting out new units at
    /// 2024's utilisation does not pay and hardly anyone enters.
    @Test("entrants come in 2024 with the capital-market premium, and hardly at all without it")
    func entryFollowsThePremium() throws {
        let with = try run(seed: 1, replications: Self.replications)
        let without = try run(seed: 1, replications: Self.replications, overrides: ["entry.premium=[]"])
        func total(_ ys: [Year2024], _ years: ClosedRange<Int>) -> Int {
            ys.reduce(0) { acc, y in acc + years.reduce(0) { $0 + (y.entriesByYear[$1] ?? 0) } }
        }
        let in2024 = total(with, 2024...2024), later = total(with, 2025...2028), after = total(with, 2026...2028)
        #expect(in2024 > 0 && Double(in2024) / Double(in2024 + later) > 0.5, "entrants in 2024 \(in2024), later \(later)")
        // Once the premium has ended (2025-09) returns lie ≈ 8–12 spreads below the median hurdle: the expected
        // count over 200 replications is below 1 (0 at seed 1 when this was written).
        #expect(after <= 2, "hardly any entry once the premium has ended: \(after)")
        let none = total(without, 2024...2028)
        // Poisson counts: the premium's entrants are many times those without it.
        #expect(10 * none < in2024 + later, "without the premium \(none) entrants, with it \(in2024 + later)")
    }

    /// Reported about 60% (an 8×H100-class node, ¥120–200k → ¥60–70k a month over 2024). It comes out
    /// with the H800s ordered at the 2023 peak and delivered at the start (256, none yet let); without
    /// them the index falls ≈ 15% (the H800 market is tight: 744 units, a third under the integrator's
    /// contract). Asserted on the median, which must lie in the band: its 95% interval, [−0.43, −0.40]
    /// at seed 1 when this was written, reaches the band's edge, so the pattern is met at the edge.
    @Test("the H800 rent index falls 40–70% over 2024, and about 15% without the 2023 peak's deliveries")
    func h800RentFall() throws {
        let years = try run(seed: 1, replications: Self.replications)
        let changes = years.map(\.h800Change).filter { !$0.isNaN }
        let m = median(changes), interval = medianInterval(changes)
        #expect(m >= -0.70 && m <= -0.40, "h800 price index change over 2024: median \(m), its 95% interval \(interval)")
        // The mechanism: the same seeds without the peak's deliveries.
        let withoutPeak = try run(seed: 1, replications: Self.replications, overrides: [
            "providers[listed-integrator].fleet=[{tier: h800, units: 360, age_months: 9, leased_share: 0.9, lease_price: 12.4, lease_months_left: 45}]",
            "providers[idc-operator].fleet=[{tier: a800, units: 512, age_months: 18, leased_share: 0.3}, {tier: h800, units: 256, age_months: 9, leased_share: 0.3}]",
            "providers[small-gpu-cloud].fleet=[{tier: h800, units: 128, age_months: 6, leased_share: 0.5}]"])
        let without = median(withoutPeak.map(\.h800Change).filter { !$0.isNaN })
        #expect(without > m + 0.15, "without the peak's deliveries the index falls less: \(without) against \(m)")
    }
}
