import Experiments
import Foundation
import MarketModel
import Stochastics
import Testing

/// The files of a finished output folder, by name (CSV files only), and its manifest without `runtime`.
private func folderFiles(_ path: String) throws -> (csv: [String: Data], manifest: String) {
    var csv: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: path) where name.hasSuffix(".csv") {
        csv[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
    }
    let manifest = try String(contentsOfFile: path + "/manifest.json", encoding: .utf8)
    return (csv, String(manifest[..<manifest.range(of: "\n  \"runtime\"")!.lowerBound]))
}

/// A fresh output path in a folder removed after `body`.
private func withScratch<T>(_ body: (String) throws -> T) throws -> T {
    let dir = NSTemporaryDirectory() + "precision-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try body(dir)
}

private func configuration(replications: Int, threads: Int) -> RunConfiguration {
    RunConfiguration(replications: replications, masterSeed: 11, threads: threads)
}

@Suite("--precision: replications in batches until every survival probability is known to ±H")
struct PrecisionTests {
    /// The widest watched half-width of a fixed run of `n` replications.
    private func widest(_ point: ExperimentPoint, replications n: Int, in dir: String) throws -> PrecisionFigure {
        let report = try Experiment.run(points: [point], configuration: configuration(replications: n, threads: 2),
                                        outputPath: dir + "/fixed-\(n)", version: "test")
        return try #require(PrecisionRule.widest(PrecisionRule.figures(report.summaries[0])))
    }

    @Test("run: stops at the first batch end whose widest half-width is ≤ H, and writes the files of --replications n")
    func runStopsAtTheFirstBatchThatHolds() throws {
        try withScratch { dir in
            let point = syntheticPoint(entrants: true)
            let target = PrecisionTarget(halfWidth: 0.1, maxReplications: 640)
            let report = try Experiment.run(points: [point], configuration: configuration(replications: 5, threads: 2),
                                            outputPath: dir + "/precise", version: "test", precision: target)
            let outcome = try #require(report.precision)
            let n = outcome.replications
            #expect(outcome.met && n % PrecisionTarget.batch == 0 && n > PrecisionTarget.batch && n < 640, "\(outcome)")
            #expect(report.replications == n && report.totals.jobs == n && report.summaries[0].replications == n)
            // What the files report is what decided, and nothing watched is wider than H.
            let figures = PrecisionRule.figures(report.summaries[0])
            #expect(figures.contains { $0.name.hasPrefix("template neo") }, "a template entering 1.5 times a run is watched")
            #expect(figures.allSatisfy { $0.halfWidth <= target.halfWidth }, "\(figures)")
            #expect(PrecisionRule.widest(figures) == outcome.deciding)
            // Every earlier batch end was still too wide.
            for m in stride(from: PrecisionTarget.batch, to: n, by: PrecisionTarget.batch) {
                #expect(try widest(point, replications: m, in: dir).halfWidth > target.halfWidth, "batch end \(m)")
            }
            // Byte for byte the run of --replications n, on another thread count.
            let fixed = try Experiment.run(points: [point], configuration: configuration(replications: n, threads: 1),
                                           outputPath: dir + "/fixed", version: "test")
            #expect(fixed.precision == nil)
            let a = try folderFiles(dir + "/precise"), b = try folderFiles(dir + "/fixed")
            #expect(a.csv["survival.csv"] != nil && a.csv.keys.sorted() == b.csv.keys.sorted())
            for (name, bytes) in a.csv { #expect(bytes == b.csv[name], "\(name)") }
            // The manifest records n as the replications, and how they were chosen.
            #expect(a.manifest.contains("\"replications\": \(n),") && b.manifest.contains("\"replications\": \(n),"))
            #expect(a.manifest.contains("\"replications_needed\": \(n),") && a.manifest.contains("\"met\": true"))
            #expect(a.manifest.contains("\"deciding_figure\": \"\(outcome.deciding!.name)\""))
            #expect(a.manifest.contains("nominal") && !b.manifest.contains("\"precision\""))
            #expect(outcome.sentence.contains("replications: \(n)") && outcome.sentence.contains("nominal"))
        }
    }

    @Test("run: an H never reached stops at the maximum (a short last batch), says so, and equals that fixed run")
    func runStopsAtTheMaximum() throws {
        try withScratch { dir in
            let point = syntheticPoint()
            let target = PrecisionTarget(halfWidth: 0.001, maxReplications: 40)
            let report = try Experiment.run(points: [point], configuration: configuration(replications: 5, threads: 2),
                                            outputPath: dir + "/precise", version: "test", precision: target)
            let outcome = try #require(report.precision)
            #expect(outcome.replications == 40 && !outcome.met && outcome.deciding!.halfWidth > 0.001, "\(outcome)")
            #expect(outcome.sentence.contains("without reaching --precision 0.001"))
            _ = try Experiment.run(points: [point], configuration: configuration(replications: 40, threads: 1),
                                   outputPath: dir + "/fixed", version: "test")
            let a = try folderFiles(dir + "/precise"), b = try folderFiles(dir + "/fixed")
            for (name, bytes) in a.csv { #expect(bytes == b.csv[name], "\(name)") }
            #expect(a.manifest.contains("\"met\": false"))
        }
    }

    @Test("the rule watches firms and populations always, entrant templates only when they average ≥ 0.5 entrants")
    func rareTemplatesAreLeftOut() {
        func proportion(_ s: Int, _ n: Int) -> ProportionEstimate { ProportionEstimate(successes: s, trials: n) }
        func template(_ name: String, entrants: [Double], kind: String = "template") -> TemplateSummary {
            var t = TemplateSummary(name: name, businessModel: "owner", entries: SampleEstimate(entrants),
                                    survival: proportion(1, 3), profitableFinalYear: proportion(0, 3),
                                    mainExitReason: nil, medianTimeToExit: nil)
            t.kind = kind
            return t
        }
        let firm = FirmSummary(entityKind: "firm", name: "a", businessModel: "owner", replications: 10,
                               survival: proportion(5, 10), profitableFinalYear: proportion(5, 10),
                               mainExitReason: nil, medianExitMonth: nil)
        let summary = PointSummary(point: 0, scenario: "s", intervalKind: "monte-carlo", replications: 10, firms: [firm],
                                   templates: [template("rare", entrants: [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
                                               template("common", entrants: [1, 0, 1, 0, 1, 0, 1, 0, 1, 0]),
                                               template("pool", entrants: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], kind: "population")])
        let names = PrecisionRule.figures(summary).map(\.name)
        #expect(names == ["firm a P(survive)", "template common P(survive)", "population pool P(survive)"])
        // Each figure's half-width is that of the interval the summary reports.
        let w = Stats.wilson(successes: 5, n: 10)
        #expect(PrecisionRule.figures(summary)[0].halfWidth == (w.high - w.low) / 2)
        // The widest, the first of equals.
        let widest = PrecisionRule.widest([PrecisionFigure(name: "x", halfWidth: 0.2), PrecisionFigure(name: "y", halfWidth: 0.3),
                                           PrecisionFigure(name: "z", halfWidth: 0.3)])
        #expect(widest?.name == "y")
        #expect(PrecisionRule.widest([]) == nil)
    }

    @Test("compare: decides on firms' paired differences, in batches, and writes the files of --replications n")
    func compareStopsOnPairedDifferences() throws {
        try withScratch { dir in
            let base = syntheticPoint(index: 0, scenario: "base")
            let variant = syntheticPoint(index: 1, scenario: "variant", tiers: ["h100"])
            let target = PrecisionTarget(halfWidth: 0.12, maxReplications: 640)
            let report = try Comparison.run(base: base, variant: variant,
                                            configuration: configuration(replications: 5, threads: 2),
                                            outputPath: dir + "/precise", version: "test", precision: target)
            let outcome = try #require(report.precision)
            let n = outcome.replications
            #expect(outcome.met && n % PrecisionTarget.batch == 0 && n > PrecisionTarget.batch,
                    "\(outcome) \(PrecisionRule.figures(report.rows)) \(report.rows.filter { $0.metric == "p_survive" })")
            #expect(report.replications == n)
            let figures = PrecisionRule.figures(report.rows)
            #expect(figures.count == 2 && figures.allSatisfy { $0.halfWidth <= target.halfWidth }, "\(figures)")
            #expect(PrecisionRule.widest(figures) == outcome.deciding)
            // One batch fewer was too wide.
            let earlier = try Comparison.run(base: base, variant: variant,
                                             configuration: configuration(replications: n - PrecisionTarget.batch, threads: 2),
                                             outputPath: dir + "/earlier", version: "test")
            #expect(try #require(PrecisionRule.widest(PrecisionRule.figures(earlier.rows))).halfWidth > target.halfWidth)
            _ = try Comparison.run(base: base, variant: variant, configuration: configuration(replications: n, threads: 1),
                                   outputPath: dir + "/fixed", version: "test")
            let a = try folderFiles(dir + "/precise"), b = try folderFiles(dir + "/fixed")
            #expect(a.csv["compare.csv"] != nil && a.csv.keys.sorted() == b.csv.keys.sorted())
            for (name, bytes) in a.csv { #expect(bytes == b.csv[name], "\(name)") }
            #expect(a.manifest.contains("\"replications_needed\": \(n),") && a.manifest.contains("difference"))
        }
    }

    @Test("--precision is refused for several points, and outside (0, 1)")
    func refusals() throws {
        try withScratch { dir in
            #expect(throws: ExperimentError.self) {
                try Experiment.run(points: [syntheticPoint(index: 0), syntheticPoint(index: 1)],
                                   configuration: configuration(replications: 5, threads: 1), outputPath: dir + "/two",
                                   version: "test", precision: PrecisionTarget(halfWidth: 0.1))
            }
            #expect(throws: ExperimentError.self) {
                try Experiment.run(points: [syntheticPoint()], configuration: configuration(replications: 5, threads: 1),
                                   outputPath: dir + "/wide", version: "test", precision: PrecisionTarget(halfWidth: 1.5))
            }
            #expect(!FileManager.default.fileExists(atPath: dir + "/two") && !FileManager.default.fileExists(atPath: dir + "/wide"))
        }
    }
}
