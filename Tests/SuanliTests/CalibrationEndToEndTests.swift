// `suanli calibrate` end to end: killed (SIGKILL) part-way and started again it ends with the bytes of
// an uninterrupted run; a bad targets file gets a located error and exit 1; and on the known-posterior
// problem its posterior agrees with pyabc's (the peer, in .venv-peers of scripts/setup-peers.sh;
// skipped without it, except in CI).

import Foundation
import Testing

enum PeerEnvironment {
    /// `SUANLI_PEERS_PYTHON` if set, else `.venv-peers/bin/python` at the package root if it exists.
    static let python: URL? = {
        let env = ProcessInfo.processInfo.environment
        if let path = env["SUANLI_PEERS_PYTHON"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let venv = packageFile(".venv-peers/bin/python")
        return FileManager.default.isExecutableFile(atPath: venv.path) ? venv : nil
    }()
    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }
}

private func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

/// Weighted mean and quantiles of posterior.csv's first key, and the weights' ESS.
private func posteriorSummary(_ folder: URL) throws -> (mean: Double, q05: Double, q50: Double, q95: Double, ess: Double) {
    let rows = text(folder.appendingPathComponent("posterior.csv")).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
    let x = rows.map { Double($0[2])! }, w = rows.map { Double($0[1])! }
    let total = w.reduce(0, +)
    let order = x.indices.sorted { x[$0] < x[$1] }
    func q(_ f: Double) -> Double {
        var c = 0.0
        for i in order { c += w[i] / total; if c >= f - 1e-12 { return x[i] } }
        return x[order.last!]
    }
    let ess = total * total / w.reduce(0) { $0 + $1 * $1 }
    return (zip(x, w).reduce(0) { $0 + $1.0 * $1.1 } / total, q(0.05), q(0.5), q(0.95), ess)
}

@Suite("suanli calibrate end to end", .serialized)
struct CalibrationEndToEndTests {
    static func smallTargets(_ dir: TemporaryDirectory) throws -> String {
        try dir.write("small.yaml", """
            base: \(packageFile("Scenarios/validation/poisson-rate.yaml").path)
            seed: 4
            particles: 80
            budget: 2500
            predictive: 20
            parameters:
              - path: demand.segments[tenants].rate
                prior: {dist: gamma, shape: 4, scale: 1}
            observations:
              - {name: arrivals, file: market_monthly, column: tenants_arrived, tier: all, aggregate: sum, value: 20, sd: 1}
            """).path
    }

    @Test("Killed with SIGKILL after some batches, the same command resumes and ends with the uninterrupted bytes")
    func killAndResume() throws {
        try withTemporaryDirectory { dir in
            let targets = try Self.smallTargets(dir)
            let whole = try suanli(["calibrate", targets, "--out", dir.file("whole").path, "--threads", "2", "--quiet"])
            #expect(whole.status == 0, "\(whole)")
            var environment = ProcessInfo.processInfo.environment
            environment["SUANLI_TEST_KILL_AFTER_BATCHES"] = "5"
            let killed = try runProcess(try SuanliBinary.require(), ["calibrate", targets, "--out", dir.file("cut").path, "--threads", "2"],
                                        environment: environment)
            #expect(killed.status == 9, "\(killed)")
            #expect(FileManager.default.fileExists(atPath: dir.file(".cut.calibrate-partial/journal.txt").path))
            #expect(!FileManager.default.fileExists(atPath: dir.file("cut").path))
            let resumed = try suanli(["calibrate", targets, "--out", dir.file("cut").path, "--threads", "1"])
            #expect(resumed.status == 0, "\(resumed)")
            #expect(resumed.stderr.contains("resuming: "), "\(resumed)")
            for f in ["posterior.csv", "generations.csv", "fit.csv"] {
                #expect(text(dir.file("whole/" + f)) == text(dir.file("cut/" + f)), "\(f) differs")
            }
            let head = { (u: URL) in text(u).components(separatedBy: "\"runtime\"")[0] }
            #expect(head(dir.file("whole/manifest.json")) == head(dir.file("cut/manifest.json")))
            #expect(!FileManager.default.fileExists(atPath: dir.file(".cut.calibrate-partial").path))
        }
    }

    @Test("run, compare and sweep forecast with a calibration's posterior: a particle per replication, the same for base and variant")
    func forecastWithPosterior() throws {
        try withTemporaryDirectory { dir in
            let targets = try Self.smallTargets(dir)
            let cal = try suanli(["calibrate", targets, "--out", dir.file("cal").path, "--quiet"])
            #expect(cal.status == 0, "\(cal)")
            let scenario = packageFile("Scenarios/validation/poisson-rate.yaml").path
            let run = try suanli(["run", scenario, "--posterior", dir.file("cal").path, "--replications", "6", "--out", dir.file("run").path, "--quiet"])
            #expect(run.status == 0 && run.stdout.contains("intervals: Monte Carlo + posterior, 6 replications"), "\(run)")
            let params = text(dir.file("run/params.csv")).split(separator: "\n")
            #expect(params.count == 7 && params[1].hasPrefix("poisson-rate,0,0,demand.segments[tenants].rate,"))
            let posterior = Set(text(dir.file("cal/posterior.csv")).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] })
            #expect(params.dropFirst().allSatisfy { posterior.contains($0.split(separator: ",")[4]) }, "values are particles' values")
            let compare = try suanli(["compare", scenario, scenario, "--set-variant", "horizon_months=6", "--posterior", dir.file("cal").path,
                                      "--replications", "4", "--out", dir.file("cmp").path, "--quiet"])
            #expect(compare.status == 0, "\(compare)")
            let rows = text(dir.file("cmp/params.csv")).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
            for r in 0..<4 {
                let values = rows.filter { $0[2] == Substring(String(r)) }.map { $0[4] }
                #expect(values.count == 2 && values[0] == values[1], "replication \(r): \(values)")
            }
            let sweep = try dir.write("sweep.yaml", """
                base: \(scenario)
                replications: 2
                parameters:
                  - path: providers[lessor].fleet[0].units
                    values: [5, 10]
                """).path
            let swept = try suanli(["sweep", sweep, "--posterior", dir.file("cal").path, "--out", dir.file("sw").path, "--quiet"])
            #expect(swept.status == 0, "\(swept)")
            #expect(text(dir.file("sw/params.csv")).split(separator: "\n").count == 1 + 2 * 2)
            let bad = try suanli(["run", packageFile("Scenarios/baseline.yaml").path, "--posterior", dir.file("cal").path, "--out", dir.file("bad").path])
            #expect(bad.status == 1 && bad.stderr.contains("not a number key of scenario"), "\(bad)")
        }
    }

    @Test("A bad targets file: file:line:col, the key, what was expected; exit 1 and no output")
    func badTargets() throws {
        try withTemporaryDirectory { dir in
            let path = try dir.write("bad.yaml", """
                base: \(packageFile("Scenarios/validation/poisson-rate.yaml").path)
                parameters:
                  - path: demand.segments[tenants].rate
                    prior: {dist: gamma, shape: -4, scale: 1}
                observations:
                  - {name: arrivals, file: market_monthly, column: tenants_arrived, tier: all, aggregate: sum, value: 20}
                """).path
            let r = try suanli(["calibrate", path, "--out", dir.file("out").path])
            #expect(r.status == 1)
            #expect(r.stderr.contains("bad.yaml:4:"), "\(r)")
            #expect(r.stderr.contains("parameters[0].prior.shape"), "\(r)")
            #expect(r.stderr.contains("bad.yaml:6:") && r.stderr.contains("observations[0].sd: missing"), "\(r)")
            #expect(!FileManager.default.fileExists(atPath: dir.file("out").path))
        }
    }

    @Test("On the known-posterior problem the posterior agrees with pyabc 0.13's within √2 times the ESS-derived tolerances")
    func againstPyabc() throws {
        guard let python = PeerEnvironment.python else {
            #expect(!PeerEnvironment.inCI, "no .venv-peers/bin/python (or SUANLI_PEERS_PYTHON): run scripts/setup-peers.sh")
            return
        }
        try withTemporaryDirectory { dir in
            let targets = packageFile("Scenarios/targets/poisson-rate.yaml").path
            let ours = try suanli(["calibrate", targets, "--out", dir.file("ours").path, "--threads", "2", "--quiet"], timeout: 600)
            #expect(ours.status == 0, "\(ours)")
            let peer = try runProcess(python, [packageFile("Tests/peers/pyabc_poisson.py").path, targets, "--population", "500",
                                               "--seed", "1", "--epsilons", "12,8,5,3,2,1,0"], timeout: 900)
            #expect(peer.status == 0, "\(peer)")
            let json = try jsonObject(Data(peer.stdout.utf8))
            let p = try #require(json["mean"] as? Double), pq05 = try #require(json["q05"] as? Double)
            let pq95 = try #require(json["q95"] as? Double), pess = try #require(json["ess"] as? Double)
            let analytic = try #require(json["analytic"] as? [String: Any])
            let sd = try #require(analytic["sd"] as? Double)
            #expect(json["final_epsilon"] as? Double == 0)
            let s = try posteriorSummary(dir.file("ours"))
            // The tolerances of the known-posterior test for the smaller ESS of the two, times √2 (two estimates).
            let ess = min(s.ess, pess), z = 3.29
            let density = { (x: Double) -> Double in
                // The analytic gamma density at x (shape, scale from pyabc's report of the same problem).
                let mean = analytic["mean"] as! Double
                let k = mean * mean / (sd * sd), theta = sd * sd / mean
                return exp((k - 1) * log(x) - x / theta - lgamma(k) - k * log(theta))
            }
            let meanTolerance = 2.0.squareRoot() * z * sd / ess.squareRoot()
            #expect(abs(s.mean - p) <= meanTolerance, "mean \(s.mean) vs pyabc \(p) (ESS \(s.ess), \(pess))")
            for (ours, theirs, q) in [(s.q05, pq05, 0.05), (s.q95, pq95, 0.95)] {
                let tolerance = 2.0.squareRoot() * z * (q * (1 - q) / ess).squareRoot() / density(analytic["q\(Int(q * 100) < 10 ? "0" : "")\(Int(q * 100))"] as! Double)
                #expect(abs(ours - theirs) <= tolerance, "q\(q): \(ours) vs pyabc \(theirs)")
            }
        }
    }
}
