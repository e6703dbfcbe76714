import Experiments
import Foundation
import Testing

@Suite("Data dictionary")
struct DataDictionaryTests {
    static let readmePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Results/README.md").path

    @Test("Results/README.md is the generated text (regenerate: suanli run --print-data-dictionary > Results/README.md)")
    func committedReadme() throws {
        let committed = try String(contentsOfFile: Self.readmePath, encoding: .utf8)
        #expect(committed == DataDictionary.markdown)
    }

    /// Column names in the README table of `file`'s section.
    static func readmeColumns(_ text: String, file: String) -> [String] {
        readmeTableNames(text, heading: "## \(file)")
    }

    /// The names (first cell, in backticks) of the table rows under the line `heading`, up to the
    /// next heading.
    static func readmeTableNames(_ text: String, heading: String) -> [String] {
        guard let start = text.range(of: "\n\(heading)\n") else { return [] }
        var names: [String] = []
        for line in text[start.upperBound...].split(separator: "\n") {
            if line.hasPrefix("## ") || line.hasPrefix("### ") { break }
            guard line.hasPrefix("| `") else { continue }
            let rest = line.dropFirst(3)
            names.append(String(rest[..<rest.firstIndex(of: "`")!]))
        }
        return names
    }

    @Test("every written column is documented, and every documented column is written")
    func columnsMatch() throws {
        let points = [syntheticPoint(tiers: ["h100", "ascend-910b"], entrants: true)]
        let files = try runInMemory(points, replications: 2, threads: 1)
        let readme = DataDictionary.markdown
        #expect(OutputSchemas.documentation.map(\.file) == ["firms_monthly.csv", "market_monthly.csv", "supply_monthly.csv",
                                                            "fleet_monthly.csv", "outcomes.csv", "params.csv", "survival.csv", "summary.csv"])
        for doc in OutputSchemas.documentation {
            let lines = String(decoding: files[doc.file]!, as: UTF8.self).split(separator: "\n")
            #expect(lines.count > 1, "\(doc.file) has rows")
            let header = lines[0].split(separator: ",").map(String.init)
            // every row has as many fields as the header (rows with a quoted firm name aside)
            for line in lines.dropFirst() where !line.contains("\"") {
                #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == header.count,
                        "\(doc.file): \(line)")
            }
            // fold per-tier columns back into their pattern
            var folded: [String] = []
            for name in header {
                var pattern = name
                for tier in ["h100", "ascend-910b"] where name.hasSuffix("_" + tier) {
                    pattern = String(name.dropLast(tier.count)) + "<tier>"
                }
                if folded.last != pattern { folded.append(pattern) }
            }
            #expect(folded == doc.columns.map(\.name), "\(doc.file)")
            #expect(Self.readmeColumns(readme, file: doc.file) == folded, "\(doc.file)")
        }
        #expect(Set(files.keys) == Set(OutputSchemas.documentation.map(\.file)))
        #expect(Set(files.keys).contains("supply_monthly.csv"))
    }

    @Test("the data dictionary documents the new figures and the entrant definitions")
    func newSections() {
        let readme = DataDictionary.markdown
        for c in ["unpowered_<tier>", "on_order_<tier>", "rented_in_<tier>", "commission_revenue", "colocation_kw",
                  "national_target_share", "units_delivered_unpowered", "median_time_to_exit_months", "entry_month"] {
            #expect(readme.contains("| `\(c)` |"), "\(c)")
        }
        #expect(readme.contains("\n## Entrants\n"))
        #expect(readme.contains("\n## supply_monthly.csv\n"))
        #expect(Self.readmeColumns(readme, file: "supply_monthly.csv").count == 17)
    }

    @Test("every column has a meaning; names are snake_case; key columns come first")
    func wellFormed() {
        for doc in OutputSchemas.documentation {
            let names = doc.columns.map(\.name)
            #expect(Set(names).count == names.count, "\(doc.file) has duplicate columns")
            #expect(names.prefix(2) == ["scenario", "point"], "\(doc.file)")
            for c in doc.columns {
                #expect(!c.doc.isEmpty, "\(doc.file): \(c.name)")
                #expect(c.name.allSatisfy { $0.isLowercase || $0.isNumber || "_<>".contains($0) }, "\(c.name)")
            }
        }
    }
}
