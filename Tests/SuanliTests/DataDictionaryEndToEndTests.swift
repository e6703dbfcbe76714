import Foundation
import Testing

/// Results/README.md from the outside: every column of every CSV the tool writes is documented
/// there, and every documented column is written. (The Experiments suite checks the schemas in
/// process; this only reads the files.)
@Suite("Results/README.md documents the written CSVs")
struct DataDictionaryEndToEndTests {
    @Test("each CSV header column is in the data dictionary, and each documented column is written",
          arguments: ["Scenarios/baseline.yaml", "Scenarios/validation/erlang-loss.yaml"])
    func columnsDocumented(_ scenario: String) throws {
        let dictionary = try Self.documentedColumns(packageText("Results/README.md"))
        try withTemporaryDirectory { tmp in
            let out = tmp.file("out")
            try runScenario(packageFile(scenario).path, out: out, replications: 2, seed: 1)
            let manifest = try jsonObject(Data(contentsOf: out.appendingPathComponent("manifest.json")))
            let tiers = try #require((manifest["points"] as? [[String: Any]])?.first?["tiers"] as? [String])
            let csvs = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".csv") }.sorted()
            #expect(Set(csvs).isSuperset(of: ["firms_monthly.csv", "market_monthly.csv", "outcomes.csv", "params.csv",
                                              "survival.csv", "summary.csv"]), "\(csvs)")
            #expect(Set(csvs).isSubset(of: (manifest["files"] as? [String]) ?? []), "manifest.json lists every CSV")
            for csv in csvs {
                let documented = try #require(dictionary[csv], "Results/README.md has a section `## \(csv)`")
                // `prefix_<tier>` stands for one column per tier
                let expanded = documented.flatMap { column -> [String] in
                    column.hasSuffix("_<tier>") ? tiers.map { String(column.dropLast("<tier>".count)) + $0 } : [column]
                }
                let header = try CSVTable(url: out.appendingPathComponent(csv)).header
                #expect(!header.isEmpty, "\(csv) has a header")
                let undocumented = header.filter { !expanded.contains($0) }
                #expect(undocumented.isEmpty, "\(csv): columns missing from Results/README.md: \(undocumented)")
                let unwritten = expanded.filter { !header.contains($0) }
                #expect(unwritten.isEmpty, "\(csv): documented but not written: \(unwritten)")
            }
        }
    }

    @Test("`suanli run --print-data-dictionary` prints the data dictionary and writes nothing")
    func printedDictionary() throws {
        try withTemporaryDirectory { tmp in
            let result = try suanli(["run", "--print-data-dictionary"], in: tmp.url)
            #expect(result.status == 0, "\(result)")
            // (ExperimentsTests compares it with Results/README.md; here only the command)
            #expect(result.stdout.hasPrefix("# Results: the data dictionary\n"), "\(result)")
            #expect(result.stdout.contains("\n## firms_monthly.csv\n"), "\(result)")
            #expect(tmp.contents().isEmpty)
        }
    }

    /// The column names (first cell, in backticks) of the table under each `## name.csv` (or `### name.csv`) heading.
    static func documentedColumns(_ markdown: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        var section: String? = nil
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") || line.hasPrefix("### ") {
                // `## file.csv`, or `### file.csv` under "Sweeps"; other headings (summary.csv's metric
                // lists) end a section.
                let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                section = title.hasSuffix(".csv") ? title : nil
                if let section { out[section] = [] }
            } else if let section, line.hasPrefix("| `") {
                let cell = line.dropFirst(3).prefix { $0 != "`" }
                out[section, default: []].append(String(cell))
            }
        }
        return out
    }
}
