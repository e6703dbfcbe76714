// `design: sobol` and `design: morris` sweeps against SALib 1.6 (the peer, in .venv-peers of
// scripts/setup-peers.sh; skipped without it, except in CI): the same sweep folder's outputs, fed to
// `SALib.analyze.sobol` / `SALib.analyze.morris` by Tests/peers/salib_sensitivity.py, give the same
// indices as sobol.csv / morris.csv, each inside Suanli's bootstrap interval, with intervals of a
// like width (Suanli's are percentile intervals, SALib's normal ones from the bootstrap's sd).

import Foundation
import Testing

/// The rows of a CSV file with a header, as dictionaries (no quoted fields in these files).
private func csvRows(_ url: URL) throws -> [[String: String]] {
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.dropFirst().map { line in
        Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }
}

@Suite("Sobol and Morris sweeps against SALib", .serialized)
struct GlobalSensitivityPeerTests {
    @Test("SALib's analyses of the same sweep folder give Suanli's indices, inside its intervals",
          arguments: ["sobol", "morris"])
    func againstSALib(design: String) throws {
        guard let python = PeerEnvironment.python else {
            #expect(!PeerEnvironment.inCI, "no .venv-peers/bin/python (or SUANLI_PEERS_PYTHON): run scripts/setup-peers.sh")
            return
        }
        try withTemporaryDirectory { dir in
            let keys = design == "sobol" ? "base_points: 64" : "trajectories: 24\nlevels: 4\ncandidates: 60"
            let sweep = try writeSmallOwnerSweep(dir, name: "\(design).yaml", design: "design: \(design)\n" + keys, replications: 4, seed: 3)
            let out = dir.file("out")
            let made = try suanli(["sweep", sweep, "--threads", "2", "--monthly", "--out", out.path, "--quiet"], timeout: 300)
            try #require(made.status == 0, "\(made)")
            let peer = try runProcess(python, [packageFile("Tests/peers/salib_sensitivity.py").path, out.path], timeout: 300)
            try #require(peer.status == 0, "\(peer)")
            let json = try jsonObject(Data(peer.stdout.utf8))
            #expect(json["design"] as? String == design && json["salib"] as? String == "1.6.0")
            let theirs = try #require(json["rows"] as? [[String: Any]])
            let ours = try csvRows(out.appendingPathComponent("\(design).csv"))
            func key(_ r: [String: Any]) -> String {
                ["entity_kind", "entity", "metric", "parameter"].map { (r[$0] as? String) ?? "" }.joined(separator: "/")
            }
            let byKey = Dictionary(uniqueKeysWithValues: ours.map { (key($0), $0) })
            // (SALib's estimate, its half-width, our column, our interval's columns)
            let columns: [(String, String?, String, String?, String?)] = design == "sobol"
                ? [("S1", "S1_conf", "s1", "s1_ci95_low", "s1_ci95_high"), ("ST", "ST_conf", "st", "st_ci95_low", "st_ci95_high")]
                : [("mu", nil, "mu", nil, nil), ("sigma", nil, "sigma", nil, nil),
                   ("mu_star", "mu_star_conf", "mu_star", "mu_star_ci95_low", "mu_star_ci95_high")]
            var compared = 0, widthRatios: [Double] = []
            for row in theirs {
                let k = key(row)
                let mine = try #require(byKey[k], "no row \(k) in \(design).csv")
                if row["constant"] as? Bool == true {
                    // A constant outcome: SALib reports 0 (its 0/0 goes through np.divide's `where`), Suanli
                    // leaves Sobol indices empty and gives Morris effects of 0.
                    if design == "sobol" { #expect(mine["s1"] == "" && mine["st"] == "", "\(k)") }
                    continue
                }
                for (name, conf, column, low, high) in columns {
                    let x = try #require(row[name] as? Double, "\(k): SALib's \(name)")
                    let y = try #require(Double(mine[column] ?? ""), "\(k): our \(column)")
                    #expect(abs(x - y) <= 1e-9 * max(1, abs(x)), "\(k) \(name): SALib \(x), Suanli \(y)")
                    compared += 1
                    guard let conf, let low, let high, let half = row[conf] as? Double,
                          let lo = Double(mine[low] ?? ""), let hi = Double(mine[high] ?? "") else { continue }
                    #expect(lo <= x && x <= hi, "\(k) \(name): SALib's \(x) outside [\(lo), \(hi)]")
                    if half > 1e-9 { widthRatios.append((hi - lo) / 2 / half) }
                }
            }
            #expect(compared >= 12, "compared \(compared) estimates")
            // Percentile and normal bootstrap intervals of the same resampling: like widths (the median
            // ratio within 20%, each within a factor 1.5).
            let sorted = widthRatios.sorted()
            try #require(!sorted.isEmpty)
            let median = sorted[sorted.count / 2]
            #expect(median > 0.8 && median < 1.25, "median width ratio \(median) of \(sorted)")
            #expect(sorted.first! > 0.67 && sorted.last! < 1.5, "width ratios \(sorted)")
        }
    }
}
