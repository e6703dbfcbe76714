import Foundation
import Testing

/// Same scenario, seed and version: the same CSV bytes on any number of threads and in any
/// process; the manifest may differ only in its `runtime` object.
@Suite("Determinism of `suanli run` output folders", .serialized)
struct DeterminismEndToEndTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let scenario: String
        let replications: Int
        let overrides: [String]
        /// Whether the firms of populations get their own rows (`--members`).
        var members = false
        var testDescription: String { "\(scenario), \(replications) replications" + (members ? ", every member" : "") }
    }

    @Test("--threads 1, --threads 2 and a second process write identical CSVs and manifests (but runtime)",
          arguments: [
              Case(scenario: "Scenarios/baseline.yaml", replications: 8, overrides: []),
              Case(scenario: "Scenarios/validation/erlang-loss.yaml", replications: 12,
                   overrides: ["demand.segments[tenants].rate=120"]),
              // 264 firms in populations, with bounded consideration sets.
              Case(scenario: "Scenarios/china-market-2024.yaml", replications: 4, overrides: [], members: true),
          ])
    func identicalOutput(_ c: Case) throws {
        try withTemporaryDirectory { tmp in
            let scenario = packageFile(c.scenario).path
            let seed: UInt64 = 987_654_321
            let one = tmp.file("one"), two = tmp.file("two"), again = tmp.file("again")
            try runScenario(scenario, out: one, replications: c.replications, seed: seed, threads: 1, overrides: c.overrides, members: c.members)
            try runScenario(scenario, out: two, replications: c.replications, seed: seed, threads: 2, overrides: c.overrides, members: c.members)
            try runScenario(scenario, out: again, replications: c.replications, seed: seed, threads: 2, overrides: c.overrides, members: c.members)

            let files = try folderFiles(one)
            #expect(files == (try folderFiles(two)))
            #expect(files == (try folderFiles(again)))
            let csvs = files.filter { $0.hasSuffix(".csv") }
            #expect(Set(csvs).isSuperset(of: ["firms_monthly.csv", "market_monthly.csv", "outcomes.csv", "params.csv",
                                              "survival.csv", "summary.csv"]))
            for csv in csvs {
                let a = try Data(contentsOf: one.appendingPathComponent(csv))
                #expect(a.count > 0, "\(csv) is not empty")
                // Bools: on a mismatch the testing library would otherwise diff the byte arrays (minutes).
                let sameThreads = a == (try Data(contentsOf: two.appendingPathComponent(csv)))
                let sameProcess = a == (try Data(contentsOf: again.appendingPathComponent(csv)))
                #expect(sameThreads, "\(csv): --threads 1 vs --threads 2")
                #expect(sameProcess, "\(csv): two processes")
            }

            let m1 = try manifest(one), m2 = try manifest(two), m3 = try manifest(again)
            #expect(m1.runtime?["threads"] as? Int == 1)
            #expect(m2.runtime?["threads"] as? Int == 2)
            #expect(NSDictionary(dictionary: m1.rest).isEqual(to: m2.rest), "manifest without runtime, threads 1 vs 2")
            #expect(NSDictionary(dictionary: m2.rest).isEqual(to: m3.rest), "manifest without runtime, two processes")
            #expect(m1.rest["replications"] as? Int == c.replications)
            let seedPlan = m1.rest["seed_plan"] as? [String: Any]
            #expect((seedPlan?["master_seed"] as? NSNumber)?.uint64Value == seed)
            #expect(Set((m1.rest["files"] as? [String]) ?? []) == Set(files), "manifest.json lists the folder's files")
            let version = try suanli(["--version"])
            #expect(m1.rest["tool"] as? String == "suanli")
            #expect(m1.rest["version"] as? String == version.stdout.trimmingCharacters(in: .newlines),
                    "manifest version is `suanli --version`")
        }
    }

    @Test("a different seed gives different replications")
    func seedMatters() throws {
        try withTemporaryDirectory { tmp in
            let scenario = packageFile("Scenarios/validation/erlang-loss.yaml").path
            try runScenario(scenario, out: tmp.file("a"), replications: 4, seed: 1)
            try runScenario(scenario, out: tmp.file("b"), replications: 4, seed: 2)
            let a = try Data(contentsOf: tmp.file("a").appendingPathComponent("market_monthly.csv"))
            let b = try Data(contentsOf: tmp.file("b").appendingPathComponent("market_monthly.csv"))
            #expect(a != b)
        }
    }

    /// Visible and hidden names in a folder, sorted.
    private func folderFiles(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    /// The manifest split into its `runtime` object and everything else.
    private func manifest(_ folder: URL) throws -> (runtime: [String: Any]?, rest: [String: Any]) {
        var object = try jsonObject(Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        let runtime = object.removeValue(forKey: "runtime") as? [String: Any]
        #expect(runtime != nil, "manifest.json has a runtime object")
        return (runtime, object)
    }
}
