import Experiments
import Foundation
import Testing

@Suite("Data dictionary: compare.csv")
struct ComparisonDataDictionaryTests {
    @Test("every column compare.csv writes is documented, every documented column is written, in order")
    func columns() throws {
        let points = [syntheticPoint(index: 0, firms: ["alpha", "beta, \"b\""], entrants: true),
                      syntheticPoint(index: 1, firms: ["alpha", "gamma"], tiers: ["h100", "b200"], entrants: true)]
        let sink = ComparisonSink()
        _ = try ExperimentRunner.run(points: points,
                                     configuration: RunConfiguration(replications: 3, masterSeed: 2, threads: 1),
                                     sinks: [sink])
        let lines = String(decoding: sink.bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count > 1)
        let header = lines[0].split(separator: ",").map(String.init)
        let expected = ["entity_kind", "entity", "metric", "base", "variant", "diff", "diff_ci95_low", "diff_ci95_high",
                        "sign_settled"]
        #expect(header == expected)
        #expect(OutputSchemas.compare.documentation.columns.map(\.name) == expected)
        #expect(DataDictionary.documentedColumns(of: "compare.csv") == expected)
        let readme = DataDictionary.markdown
        #expect(DataDictionaryTests.readmeColumns(readme, file: "compare.csv") == expected)
        for line in lines.dropFirst() where !line.contains("\"") {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == header.count, "\(line)")
        }
        #expect(lines.contains { $0.hasPrefix("firm,\"beta, \"\"b\"\"\",p_survive,") })

        // metrics: those written are those documented, kind by kind
        var written: [String: [String]] = [:]
        for line in lines.dropFirst() where !line.contains("\"") {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if !(written[f[0]] ?? []).contains(f[2]) { written[f[0], default: []].append(f[2]) }
        }
        #expect(written["firm"] == ComparisonMetrics.firm.map(\.name))
        #expect(written["template"] == ComparisonMetrics.template.map(\.name))
        #expect(written["market"] == ComparisonMetrics.market.map(\.name))
        #expect(DataDictionaryTests.readmeTableNames(readme, heading: "### compare.csv metrics") == ComparisonMetrics.firm.map(\.name) + ComparisonMetrics.template.map(\.name)
            + ComparisonMetrics.market.map(\.name))
    }

    @Test("the README explains the comparison folder; compare.csv is not among a run's files")
    func sections() {
        let readme = DataDictionary.markdown
        #expect(readme.contains("\n## Comparisons\n"))
        #expect(readme.contains("\n## compare.csv\n"))
        #expect(readme.contains("Results/compare-<base name>-<variant name>/"))
        #expect(!ResultFiles.fileNames.contains("compare.csv"))
        #expect(DataDictionary.files.map(\.file) == ResultFiles.fileNames + ["compare.csv"])
    }
}
