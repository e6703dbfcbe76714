// `suanli discover`: PRIM over a sweep folder's runs, written to boxes.csv; checked against EMA
// Workbench 2.5.3's `prim.Prim` on the same cases (the peer, in .venv-peers of
// scripts/setup-peers.sh; skipped without it, except in CI).

import Foundation
import Testing

/// A Latin-hypercube sweep of the smallest market that can fail, where the owner fails when its
/// price is low and its overhead high: 120 points × 2 replications with --monthly, into `dir/out`.
private func failingSweep(_ dir: TemporaryDirectory) throws -> URL {
    let file = URL(fileURLWithPath: try writeSmallOwnerSweep(dir, name: "lhs.yaml", design: "design: latin-hypercube\npoints: 120",
                                                             replications: 2, seed: 8))
    let out = dir.file("out")
    let made = try suanli(["sweep", file.path, "--threads", "2", "--monthly", "--out", out.path, "--quiet"], timeout: 300)
    try #require(made.status == 0, "\(made)")
    return out
}

private func rows(_ url: URL) throws -> [[String: String]] {
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init))) }
}

@Suite("suanli discover", .serialized)
struct DiscoverTests {
    @Test("finds the low-price, high-overhead corner where the owner fails, writes boxes.csv, and agrees with EMA Workbench")
    func discoverAndPeer() throws {
        try withTemporaryDirectory { dir in
            let sweep = try failingSweep(dir)
            let cases = dir.file("cases.csv")
            let r = try suanli(["discover", sweep.path, "--outcome", "firm[owner].survived == 0", "--cases", cases.path])
            try #require(r.status == 0, "\(r)")
            #expect(r.stdout.contains("firm[owner].survived == 0: ") && r.stdout.contains("chosen box "), "\(r.stdout)")
            let boxes = try rows(sweep.appendingPathComponent("boxes.csv"))
            let chosen = boxes.filter { $0["chosen"] == "true" }
            let limits = Dictionary(uniqueKeysWithValues: chosen.map { ($0["parameter"]!, $0) })
            // Failing takes a low price and a high overhead: the box bounds the price from above and the overhead from below.
            let price = try #require(limits["providers[owner].prices.h800"], "\(chosen)")
            let opex = try #require(limits["providers[owner].fixed_opex_monthly"], "\(chosen)")
            #expect(price["qp_upper"] != "" && Double(price["upper"]!)! < 10, "\(price)")
            #expect(opex["qp_lower"] != "" && Double(opex["lower"]!)! > 2.5e5, "\(opex)")
            #expect(Double(chosen[0]["coverage"]!)! >= 0.5 && Double(chosen[0]["density"]!)! > 0.5)
            // Steps are numbered from 0 (the initial box: mass 1, coverage 1) and the file is the same on a rerun.
            #expect(boxes.first?["step"] == "0" && boxes.first?["phase"] == "initial" && boxes.first?["mass"] == "1")
            let first = try Data(contentsOf: sweep.appendingPathComponent("boxes.csv"))
            let again = try suanli(["discover", sweep.path, "--outcome", "firm[owner].survived == 0", "--out", dir.file("again").path])
            #expect(again.status == 0 && (try? Data(contentsOf: dir.file("again/boxes.csv"))) == first)

            guard let python = PeerEnvironment.python else {
                #expect(!PeerEnvironment.inCI, "no .venv-peers/bin/python (or SUANLI_PEERS_PYTHON): run scripts/setup-peers.sh")
                return
            }
            let peer = try runProcess(python, [packageFile("Tests/peers/ema_prim.py").path, cases.path, "--alpha", "0.05",
                                               "--paste-alpha", "0.05", "--mass-min", "0.05", "--threshold", "0.5"], timeout: 300)
            try #require(peer.status == 0, "\(peer)")
            let json = try jsonObject(Data(peer.stdout.utf8))
            #expect(json["ema_workbench"] as? String == "2.5.3")
            let source = (json["threshold_met"] as? Bool == true) ? json : try #require(json["before_threshold_check"] as? [String: Any])
            let theirs = try #require(source["trajectory"] as? [[String: Any]])
            let steps = Dictionary(grouping: boxes, by: { Int($0["step"]!)! })
            // The same trajectory: as many boxes; each with the same restricted parameters, cases, coverage,
            // density and limits (to rounding), and quasi-p-values within 10⁻⁶ relative.
            #expect(theirs.count == steps.count, "EMA \(theirs.count) boxes, Suanli \(steps.count)")
            for (i, t) in theirs.enumerated() {
                let mine = try #require(steps[i])
                #expect(t["n"] as? Int == Int(mine[0]["cases"]!) && t["k"] as? Int == Int(mine[0]["cases_of_interest"]!), "box \(i)")
                for key in ["coverage", "density", "mass"] {
                    let a = try #require(t[key] as? Double), b = try #require(Double(mine[0][key]!))
                    #expect(abs(a - b) <= 1e-12, "box \(i) \(key): EMA \(a), Suanli \(b)")
                }
                let emaLimits = try #require(t["limits"] as? [String: [String: Any]])
                let ours = Dictionary(uniqueKeysWithValues: mine.filter { $0["parameter"] != "" }.map { ($0["parameter"]!, $0) })
                #expect(Set(emaLimits.keys) == Set(ours.keys), "box \(i): restricted \(emaLimits.keys.sorted()) vs \(ours.keys.sorted())")
                for (name, l) in emaLimits {
                    guard let o = ours[name] else { continue }
                    for (side, q) in [("lower", "qp_lower"), ("upper", "qp_upper")] {
                        let a = try #require(l[side] as? Double), b = try #require(Double(o[side]!))
                        #expect(abs(a - b) <= 1e-9 * max(1, abs(a)), "box \(i) \(name) \(side): EMA \(a), Suanli \(b)")
                        if let qa = l[q] as? Double {
                            let qb = try #require(Double(o[q]!), "box \(i) \(name) \(q)")
                            #expect(abs(qa - qb) <= 1e-6 * max(qa, 1e-300), "box \(i) \(name) \(q): EMA \(qa), Suanli \(qb)")
                        } else {
                            #expect(o[q] == "", "box \(i) \(name) \(q)")
                        }
                    }
                }
            }
        }
    }

    @Test("no case of interest: says so and writes no box; a bad or unknown outcome: a clear error, exit 1")
    func refusals() throws {
        try withTemporaryDirectory { dir in
            let sweep = try failingSweep(dir)
            let none = try suanli(["discover", sweep.path, "--outcome", "market[all].entries >= 1"])
            #expect(none.status == 0 && none.stdout.contains("no case of interest") && none.stdout.contains("no box written"), "\(none)")
            #expect(!FileManager.default.fileExists(atPath: sweep.appendingPathComponent("boxes.csv").path))
            let bad = try suanli(["discover", sweep.path, "--outcome", "firm[owner].survived = 0"])
            #expect(bad.status == 1 && bad.stderr.contains("--outcome: expected KIND[NAME].METRIC OP VALUE"), "\(bad)")
            let unknown = try suanli(["discover", sweep.path, "--outcome", "firm[ownr].survived == 0"])
            #expect(unknown.status == 1 && unknown.stderr.contains("no outcome firm[ownr].survived")
                    && unknown.stderr.contains("firm[owner].survived"), "\(unknown)")
            let notSweep = try suanli(["discover", packageFile("Results/examples/baseline").path, "--outcome", "firm[x].survived == 0"])
            #expect(notSweep.status == 1 && notSweep.stderr.contains("not a sweep folder"), "\(notSweep)")
            #expect(!FileManager.default.fileExists(atPath: packageFile("Results/examples/baseline/boxes.csv").path))
        }
    }
}
