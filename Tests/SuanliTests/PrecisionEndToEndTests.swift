import Foundation
import Testing

/// The CSV files of an output folder, by name.
private func csvFiles(_ folder: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".csv") {
        out[name] = try Data(contentsOf: folder.appendingPathComponent(name))
    }
    return out
}

@Suite("suanli run and compare --precision, end to end")
struct PrecisionEndToEndTests {
    static let scenario = packageFile("Scenarios/small-owner.yaml").path

    /// The replications the manifest says were needed.
    private func needed(_ folder: URL) throws -> Int {
        let manifest = try String(contentsOf: folder.appendingPathComponent("manifest.json"), encoding: .utf8)
        let line = try #require(manifest.split(separator: "\n").first { $0.contains("\"replications_needed\"") })
        return try #require(Int(line.filter(\.isNumber)))
    }

    @Test("run --precision prints how many replications it needed and why, and writes what --replications n writes")
    func run() throws {
        try withTemporaryDirectory { tmp in
            let precise = try suanli(["run", Self.scenario, "--precision", "0.08", "--max-replications", "320",
                                      "--threads", "2", "--out", "precise", "--quiet"], in: tmp.url)
            #expect(precise.status == 0, "\(precise)")
            let n = try needed(tmp.url.appendingPathComponent("precise"))
            #expect(n % 32 == 0 && n < 320)
            #expect(precise.stdout.contains("replications: \(n), the first batch end where --precision 0.08 held"), "\(precise)")
            #expect(precise.stdout.contains("(firm owner P(survive)); intervals after sequential stopping are nominal."))
            let fixed = try suanli(["run", Self.scenario, "--replications", "\(n)", "--threads", "1", "--out", "fixed", "--quiet"],
                                   in: tmp.url)
            #expect(fixed.status == 0 && !fixed.stdout.contains("--precision"), "\(fixed)")
            let a = try csvFiles(tmp.url.appendingPathComponent("precise")), b = try csvFiles(tmp.url.appendingPathComponent("fixed"))
            #expect(!a.isEmpty && a == b)
        }
    }

    @Test("compare --precision decides on the paired difference and writes what --replications n writes")
    func compare() throws {
        try withTemporaryDirectory { tmp in
            let args = [Self.scenario, Self.scenario, "--set-variant", "providers[0].prices.h800=10"]
            let precise = try suanli(["compare"] + args + ["--precision", "0.1", "--max-replications", "320", "--out", "precise",
                                                          "--quiet"], in: tmp.url)
            #expect(precise.status == 0, "\(precise)")
            let n = try needed(tmp.url.appendingPathComponent("precise"))
            #expect(precise.stdout.contains("replications: \(n), the first batch end where --precision 0.1 held"), "\(precise)")
            #expect(precise.stdout.contains("firm owner P(survive) difference"))
            let fixed = try suanli(["compare"] + args + ["--replications", "\(n)", "--threads", "1", "--out", "fixed", "--quiet"],
                                   in: tmp.url)
            #expect(fixed.status == 0, "\(fixed)")
            let a = try csvFiles(tmp.url.appendingPathComponent("precise")), b = try csvFiles(tmp.url.appendingPathComponent("fixed"))
            #expect(a["compare.csv"] != nil && a == b)
        }
    }
}
