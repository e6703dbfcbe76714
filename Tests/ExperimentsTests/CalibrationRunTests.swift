// `suanli calibrate` through the library on the market model: the shipped known-posterior targets
// (Scenarios/targets/poisson-rate.yaml) against their analytic gamma posterior; the same bytes on one
// and two threads; stopped part-way and started again, the same bytes; located errors for bad targets.

import Experiments
import Foundation
import MarketModel
import ScenarioModule
import Stochastics
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private func package(_ relative: String) -> String { root.appendingPathComponent(relative).path }

/// The numbers of a targets file's `analytic:` line: prior gamma shape A scale S; observed N arrivals over T years.
func analyticLine(_ path: String) throws -> (shape: Double, scale: Double, count: Int, years: Double) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for line in text.split(separator: "\n") where line.contains("analytic:") {
        let words = line.split(separator: " ").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ";")) }
        func after(_ w: String) -> String? { words.firstIndex(of: w).map { words[$0 + 1] } }
        if let a = after("shape").flatMap(Double.init), let s = after("scale").flatMap(Double.init),
           let n = after("observed").flatMap(Int.init), let t = after("over").flatMap(Double.init) {
            return (a, s, n, t)
        }
    }
    throw CocoaError(.fileReadCorruptFile)
}

/// A small targets file over the Poisson scenario (for the byte tests: a few seconds).
private func smallTargets(_ dir: String, particles: Int = 60, budget: Int = 1500, replications: Int = 2) throws -> TargetsFile {
    let text = """
        base: \(package("Scenarios/validation/poisson-rate.yaml"))
        seed: 9
        particles: \(particles)
        replications: \(replications)
        budget: \(budget)
        predictive: 30
        parameters:
          - path: demand.segments[tenants].rate
            prior: {dist: gamma, shape: 4, scale: 1}
          - path: providers[lessor].fleet[0].units
            prior: {dist: uniform, min: 1, max: 20}
        observations:
          - {name: arrivals, file: market_monthly, column: tenants_arrived, tier: all, aggregate: sum, value: 20, sd: 2}
          - name: first-half
            file: market_monthly
            column: tenants_arrived
            tier: gpu
            values: {2025-03: 2, 2025-06: 1}
            cv: 0.5
          - {name: leased, file: firms_monthly, firm: lessor, column: utilisation, aggregate: mean, value: 0.2, sd: 0.1, fit: false}
        """
    let path = dir + "/small.yaml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return try TargetsFile.load(path: path)
}

private func bytes(_ folder: String, _ file: String) -> Data { FileManager.default.contents(atPath: folder + "/" + file) ?? Data() }

/// The manifest's text up to its `runtime` object (which may differ between identical runs).
private func manifestHead(_ folder: String) -> String {
    let text = String(decoding: bytes(folder, "manifest.json"), as: UTF8.self)
    return text.components(separatedBy: "\"runtime\"")[0]
}

@Suite("Calibration on the market model", .serialized)
struct CalibrationRunTests {
    @Test("Poisson arrivals: ABC-SMC to tolerance 0 gives the analytic gamma posterior (Scenarios/targets/poisson-rate.yaml)")
    func knownPosterior() throws {
        let path = package("Scenarios/targets/poisson-rate.yaml")
        let (a, s, n, t) = try analyticLine(path)
        let exact = GammaPosterior(shape: a + Double(n), scale: s / (1 + s * t))
        // The file's claim: the posterior mean stands at least 3 posterior sd from the prior mean and from N/T.
        #expect(abs(exact.mean - a * s) >= 3 * exact.sd && abs(exact.mean - Double(n) / t) >= 3 * exact.sd)
        let targets = try TargetsFile.load(path: path)
        let out = scratchFolder() + "/out"
        let report = try Calibration.run(targets, outputPath: out, threads: 2, version: "test")
        #expect(report.stop == .tolerance && report.generations.last?.tolerance == 0)
        let post = PosteriorSummary(report.posterior.map { $0.theta[0] }, weights: report.posterior.map(\.weight))
        let z = 3.29
        #expect(abs(post.mean - exact.mean) <= exact.meanTolerance(ess: post.ess, z: z), "mean \(post.mean) vs \(exact.mean), ESS \(post.ess)")
        for q in [0.05, 0.95] {
            #expect(abs(post.quantiles[q]! - exact.quantile(q)) <= exact.quantileTolerance(q, ess: post.ess, z: z),
                    "q\(q): \(post.quantiles[q]!) vs \(exact.quantile(q)), ESS \(post.ess)")
        }
        // The files say the same: posterior.csv's weights sum to 1, generations.csv ends at tolerance 0.
        let posterior = String(decoding: bytes(out, "posterior.csv"), as: UTF8.self).split(separator: "\n")
        #expect(posterior.first == "particle,weight,demand.segments[tenants].rate" && posterior.count == targets.particles + 1)
        let sum = posterior.dropFirst().reduce(0.0) { $0 + Double($1.split(separator: ",")[1])! }
        #expect(abs(sum - 1) < 1e-9)
        let generations = String(decoding: bytes(out, "generations.csv"), as: UTF8.self).split(separator: "\n")
        #expect(generations.last!.split(separator: ",", omittingEmptySubsequences: false)[1] == "0")
    }

    @Test("Every shipped targets file reads and resolves against its base scenario")
    func shippedTargets() throws {
        let folder = package("Scenarios/targets")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.contains("poisson-rate.yaml") && files.contains("global-neocloud-2023.yaml"))
        for f in files {
            let targets = try TargetsFile.load(path: folder + "/" + f)
            let (_, _, plan) = try Calibration.check(targets)
            #expect(plan.values.contains { $0.fit }, "\(f)")
        }
    }

    @Test("A run cut at a month is the whole run up to that month, so fitting runs may stop at the last observation")
    func truncation() throws {
        let path = package("Scenarios/global-neocloud-2023.yaml")
        let full = try ScenarioLoader.load(path: path)
        let cut = try ScenarioLoader.load(path: path, overrides: ["horizon_months=20"])
        let plan = SeedPlan(masterSeed: 5)
        for r in 0..<2 {
            let a = try MarketReplication.run(full.instantiate(replication: r, plan: plan).scenario, plan: plan, replication: r)
            let b = try MarketReplication.run(cut.instantiate(replication: r, plan: plan).scenario, plan: plan, replication: r)
            #expect(a.marketMonths.filter { $0.month < 20 } == b.marketMonths)
            #expect(a.firmMonths.filter { $0.month < 20 }.map(\.cashEnd) == b.firmMonths.map(\.cashEnd))
            #expect(a.firms.filter { $0.entryMonth < 20 }.map(\.name) == b.firms.map(\.name))
        }
    }

    @Test("Recovery: for rates drawn from the prior, the 90% credible intervals cover the truth as often as binomial(k, 0.9) allows")
    func recovery() throws {
        let k = 16
        let prior = Distribution.gamma(shape: 4, scale: 1)
        let stream = RandomStream(seed: 77)
        let dir = scratchFolder()
        var covered = 0
        for i in 0..<k {
            let truth = prior.sample(stream)
            // Data simulated from the model at the truth: one run's arrivals over the year.
            let document = try ScenarioLoader.load(path: package("Scenarios/validation/poisson-rate.yaml"),
                                                   overrides: ["demand.segments[tenants].rate=\(truth)"])
            let plan = SeedPlan(masterSeed: 5000 + UInt64(i))
            let run = try MarketReplication.run(document.instantiate(replication: 0, plan: plan).scenario, plan: plan, replication: 0)
            let count = run.marketMonths.filter { $0.tier == nil }.reduce(0) { $0 + $1.tenantsArrived }
            let path = dir + "/recovery-\(i).yaml"
            try """
                base: \(package("Scenarios/validation/poisson-rate.yaml"))
                seed: \(i + 1)
                particles: 150
                budget: 200000
                predictive: 0
                parameters:
                  - path: demand.segments[tenants].rate
                    prior: {dist: gamma, shape: 4, scale: 1}
                observations:
                  - {name: arrivals, file: market_monthly, column: tenants_arrived, tier: all, aggregate: sum, value: \(count), sd: 1}
                """.write(toFile: path, atomically: true, encoding: .utf8)
            let report = try Calibration.run(try TargetsFile.load(path: path), outputPath: dir + "/out-\(i)", threads: 2, version: "test")
            #expect(report.stop == .tolerance)
            let xs = report.posterior.map { $0.theta[0] }, ws = report.posterior.map(\.weight)
            let lo = ABCSMC.weightedQuantile(xs, weights: ws, 0.05)!, hi = ABCSMC.weightedQuantile(xs, weights: ws, 0.95)!
            if truth >= lo && truth <= hi { covered += 1 }
        }
        // The 99% two-sided acceptance region of binomial(k, 0.9).
        let binomial = Distribution.binomial(n: k, p: 0.9)
        let low = (0...k).first { binomial.cdf(Double($0))! > 0.005 }!
        let high = (0...k).first { binomial.cdf(Double($0))! >= 0.995 }!
        #expect(covered >= low && covered <= high, "\(covered) of \(k) intervals cover the truth; expected \(low)…\(high)")
    }

    @Test("A scenario with events dated after the last observation is not cut: its fitting runs go the whole horizon")
    func noCutPastDatedEvents() throws {
        let dir = scratchFolder()
        let path = dir + "/t.yaml"
        try """
            base: \(package("Scenarios/baseline.yaml"))
            particles: 10
            budget: 10
            predictive: 0
            parameters:
              - {path: pricing.k_u, prior: {dist: uniform, min: 0.1, max: 0.2}}
            observations:
              - {name: rent, file: market_monthly, column: price_index, tier: h800, values: {2024-06: 20}, cv: 0.25}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let report = try Calibration.run(try TargetsFile.load(path: path), outputPath: dir + "/out", threads: 2, version: "test")
        #expect(report.generations.count == 1 && report.stop == .budget)
        let manifest = try String(contentsOfFile: dir + "/out/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"truncated_overrides\": []"), "\(manifest)")
    }

    @Test("The same targets and seed give the same bytes on one and two threads")
    func threads() throws {
        let dir = scratchFolder()
        let targets = try smallTargets(dir)
        _ = try Calibration.run(targets, outputPath: dir + "/one", threads: 1, version: "test")
        _ = try Calibration.run(targets, outputPath: dir + "/two", threads: 2, version: "test")
        for f in Calibration.fileNames.dropFirst() {
            #expect(bytes(dir + "/one", f) == bytes(dir + "/two", f), "\(f) differs")
            #expect(!bytes(dir + "/one", f).isEmpty)
        }
        #expect(manifestHead(dir + "/one") == manifestHead(dir + "/two"))
        // The held-out observation is in fit.csv but not fitted; a series has a row a month.
        let fit = String(decoding: bytes(dir + "/one", "fit.csv"), as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(fit.count == 1 + 1 + 2 + 1)
        #expect(fit[2].hasPrefix("first-half,2025-03,2,1,true,30,"))
        #expect(fit[4].hasPrefix("leased,,0.2,0.1,false,"))
        // Every column written is documented in Results/README.md, and every documented one written.
        for f in ["fit.csv", "generations.csv"] {
            let header = String(decoding: bytes(dir + "/one", f), as: UTF8.self).split(separator: "\n")[0].split(separator: ",").map(String.init)
            #expect(header == DataDictionary.documentedColumns(of: f), "\(f)")
        }
        let posteriorHeader = String(decoding: bytes(dir + "/one", "posterior.csv"), as: UTF8.self).split(separator: "\n")[0]
        #expect(DataDictionary.documentedColumns(of: "posterior.csv") == ["particle", "weight", "<key path>"])
        #expect(posteriorHeader == "particle,weight,demand.segments[tenants].rate,providers[lessor].fleet[0].units")
    }

    @Test("Stopped after some batches and started again, it ends with the bytes of an uninterrupted run", arguments: [1, 3, 7])
    func resume(after batches: Int) throws {
        let dir = scratchFolder()
        let targets = try smallTargets(dir)
        _ = try Calibration.run(targets, outputPath: dir + "/whole", threads: 2, version: "test")
        do {
            _ = try Calibration.run(targets, outputPath: dir + "/cut", threads: 2, version: "test", stopAfterBatches: batches)
            Issue.record("the calibration did not stop after \(batches) batches")
        } catch {
            guard case .stopped(let n) = error.cause else { Issue.record("unexpected \(error)"); return }
            #expect(n == batches)
            #expect(FileManager.default.fileExists(atPath: dir + "/.cut.calibrate-partial/proposals.txt"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/cut"))
        }
        let report = try Calibration.run(targets, outputPath: dir + "/cut", threads: 1, version: "test")
        #expect(report.resumedBatches == batches)
        for f in Calibration.fileNames.dropFirst() { #expect(bytes(dir + "/whole", f) == bytes(dir + "/cut", f), "\(f) differs") }
        #expect(manifestHead(dir + "/whole") == manifestHead(dir + "/cut"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/.cut.calibrate-partial"))
    }

    @Test("A partial folder of another targets file is not replayed: it starts afresh")
    func otherTargets() throws {
        let dir = scratchFolder()
        let targets = try smallTargets(dir)
        _ = try? Calibration.run(targets, outputPath: dir + "/out", threads: 2, version: "test", stopAfterBatches: 2)
        let other = try smallTargets(dir, particles: 50)
        let report = try Calibration.run(other, outputPath: dir + "/out", threads: 2, version: "test")
        #expect(report.resumedBatches == 0)
        _ = try Calibration.run(other, outputPath: dir + "/fresh", threads: 2, version: "test")
        #expect(bytes(dir + "/out", "posterior.csv") == bytes(dir + "/fresh", "posterior.csv"))
    }

    @Test("Bad targets files get every problem located: file, line, key, what was expected",
          arguments: [
            ("particles: 3\n", "particles", "expected an integer in 10 … 100000, got '3'"),
            ("quantile: 1.5\n", "quantile", "expected a number in (0, 1), got '1.5'"),
            ("partcles: 100\n", "partcles", "unknown key (did you mean 'particles'?)"),
          ])
    func badSettings(line: String, key: String, message: String) throws {
        let dir = scratchFolder()
        let good = try String(contentsOfFile: package("Scenarios/targets/poisson-rate.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "base: ../validation/", with: "base: \(package("Scenarios/validation"))/")
        let text = good.replacingOccurrences(of: "seed: 2025\n", with: "seed: 2025\n" + line)
        let path = dir + "/bad.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let lineNumber = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 + "\n" == line }! + 1
        do {
            _ = try TargetsFile.load(path: path)
            Issue.record("no error for \(line)")
        } catch {
            let d = try #require(error.diagnostics.first)
            #expect(d.file == path && d.line == lineNumber && d.keyPath == key)
            #expect(d.message.contains(message), "\(d.message)")
        }
    }

    @Test("Problems found against the base scenario are placed in the targets file too")
    func badAgainstBase() throws {
        let dir = scratchFolder()
        let text = """
            base: \(package("Scenarios/validation/poisson-rate.yaml"))
            parameters:
              - path: demand.segments[nobody].rate
                prior: {dist: gamma, shape: 4, scale: 1}
              - path: providers[lessor].cash
                prior: {dist: poisson, mean: 3}
            observations:
              - {name: a, file: market_monthly, column: tenants_arived, tier: all, aggregate: sum, value: 20, sd: 1}
              - {name: b, file: market_monthly, column: tenants_arrived, tier: h100, values: {2025-01: 1}, sd: 1}
              - {name: c, file: market_monthly, column: tenants_arrived, tier: all, values: {2031-01: 1}, sd: 1}
              - {name: d, file: firms_monthly, column: revenue, firm: nobody, aggregate: sum, value: 1, sd: 1}
            """
        let path = dir + "/t.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        // The prior that is not continuous is the reader's to find.
        do {
            _ = try TargetsFile.load(path: path)
            Issue.record("a poisson prior was accepted")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].line == 6 && error.diagnostics[0].keyPath == "parameters[1].prior")
            #expect(error.diagnostics[0].message.contains("expected a continuous distribution"))
        }
        try text.replacingOccurrences(of: "{dist: poisson, mean: 3}", with: "{dist: uniform, min: 1, max: 4}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let targets = try TargetsFile.load(path: path)
        do {
            _ = try Calibration.check(targets)
            Issue.record("no error")
        } catch {
            let byLine = Dictionary(grouping: error.diagnostics, by: \.line)
            #expect(byLine[3]?.first?.keyPath == "parameters[0].path")
            #expect(byLine[3]?.first?.message.contains("cannot be set in") == true)
            #expect(byLine[8]?.first?.keyPath == "observations[0].column")
            #expect(byLine[8]?.first?.message.contains("did you mean 'tenants_arrived'") == true)
            #expect(byLine[9]?.first?.keyPath == "observations[1].tier")
            #expect(byLine[10]?.first?.message.contains("outside the scenario's horizon 2025-01 … 2025-12") == true)
            #expect(byLine[11]?.first?.keyPath == "observations[3].firm")
            #expect(error.diagnostics.allSatisfy { $0.file == path })
        }
    }
}
