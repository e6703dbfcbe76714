import Foundation
import Testing

/// The committed example folders under `Results/examples/` are what their commands write today: each is
/// regenerated with its exact command (listed in Results/examples/README.md) into a temporary folder and
/// compared with the committed one, CSV by CSV byte for byte, and `manifest.json` minus its `runtime` object
/// (creation time, git revision, threads and timings: the only part that may differ between two runs).
@Suite("Committed examples are reproducible")
struct ExamplesTests {
    /// One committed example: its folder under Results/examples/ and the arguments of its command, run from
    /// the package root, without `--out` (added with the folder).
    struct Example: CustomStringConvertible, Sendable {
        let folder: String
        let arguments: [String]
        var description: String { folder }
        /// The command as written in Results/examples/README.md.
        var command: String {
            (["suanli"] + arguments + ["--out", "Results/examples/\(folder)", "--quiet"]).joined(separator: " ")
        }
    }

    static let examples: [Example] = [
        Example(folder: "baseline",
                arguments: ["run", "Scenarios/baseline.yaml", "--replications", "2", "--seed", "4",
                            "--set", "horizon_months=27"]),
        Example(folder: "compare-export-ban-h20",
                arguments: ["compare", "Scenarios/baseline.yaml", "Scenarios/export-ban-h20.yaml",
                            "--replications", "2", "--seed", "1", "--set", "horizon_months=27"]),
        Example(folder: "sweep-smoke", arguments: ["sweep", "Scenarios/sweeps/smoke.yaml"]),
    ]

    /// What all committed examples may weigh together, in bytes: they are illustrations, committed so that
    /// the data dictionary and the notebooks can be read without building anything, not results. Today
    /// 2.59 MB (fleet_monthly.csv and the used-market columns added 0.43 MB, the ban's and data centres'
    /// columns of issue 14 0.02 MB; entry on expected returns, which brings entrants in 2024, and the
    /// baseline's 89 per-replication draws in manifests and params 0.18 MB): baseline 0.83, the comparison
    /// 1.44 (two runs) and the smoke sweep 0.32 MB. Most of it is summary.csv's market rows (every metric,
    /// tier and month).
    static let sizeBudget = 2_700_000

    @Test("Results/examples/README.md gives each example's exact command")
    func readmeCommands() throws {
        let readme = try packageText("Results/examples/README.md")
        for example in Self.examples {
            #expect(readme.contains(example.command), "Results/examples/README.md lacks `\(example.command)`")
        }
        let folders = try FileManager.default.contentsOfDirectory(atPath: packageFile("Results/examples").path)
            .filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
        #expect(folders == Self.examples.map(\.folder).sorted(), "every committed example has a test, and only those")
    }

    @Test("scripts/regenerate-examples.sh reruns each example's exact command")
    func regenerationScript() throws {
        let script = try packageText("scripts/regenerate-examples.sh")
        for example in Self.examples {
            #expect(script.contains("run " + example.command), "scripts/regenerate-examples.sh lacks `run \(example.command)`")
        }
        let runs = script.split(separator: "\n").filter { $0.hasPrefix("run suanli ") }.count
        #expect(runs == Self.examples.count, "scripts/regenerate-examples.sh runs \(runs) commands for \(Self.examples.count) examples")
        #expect(FileManager.default.isExecutableFile(atPath: packageFile("scripts/regenerate-examples.sh").path))
    }

    @Test("the committed examples stay small")
    func size() throws {
        let fm = FileManager.default
        var total = 0
        var sizes: [String] = []
        for example in Self.examples {
            let folder = packageFile("Results/examples/\(example.folder)")
            var bytes = 0
            for name in try fm.contentsOfDirectory(atPath: folder.path) {
                let attributes = try fm.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
                bytes += (attributes[.size] as? Int) ?? 0
            }
            total += bytes
            sizes.append("\(example.folder) \(bytes / 1024) KB")
        }
        #expect(total <= Self.sizeBudget,
                "the committed examples weigh \(total / 1024) KB (\(sizes.joined(separator: ", "))), more than \(Self.sizeBudget / 1024) KB")
    }

    @Test("regenerating an example gives the committed files", arguments: examples)
    func regenerate(_ example: Example) throws {
        let committed = packageFile("Results/examples/\(example.folder)")
        try withTemporaryDirectory { tmp in
            let out = tmp.file(example.folder)
            let result = try suanli(example.arguments + ["--out", out.path, "--quiet"], in: packageRoot, timeout: 600)
            try #require(result.status == 0, "\(result)")
            let fm = FileManager.default
            let written = try fm.contentsOfDirectory(atPath: out.path).sorted()
            let kept = try fm.contentsOfDirectory(atPath: committed.path).sorted()
            let hint = "regenerate with `\(example.command)` from the package root (or scripts/regenerate-examples.sh) if the change is intended"
            #expect(written == kept, "files of \(example.folder): committed \(kept), written \(written); \(hint)")
            for name in Set(written).intersection(kept).sorted() {
                let new = try Data(contentsOf: out.appendingPathComponent(name))
                let old = try Data(contentsOf: committed.appendingPathComponent(name))
                if name == "manifest.json" {
                    var a = try jsonObject(new), b = try jsonObject(old)
                    #expect(a["runtime"] != nil && b["runtime"] != nil, "manifest.json has a runtime object")
                    a["runtime"] = nil
                    b["runtime"] = nil
                    #expect(NSDictionary(dictionary: a).isEqual(to: b),
                            "\(example.folder)/manifest.json differs outside `runtime`; \(hint)")
                } else {
                    // A Bool, not `new == old` inside #expect: on a mismatch the testing library would diff the
                    // two byte arrays element by element (Myers), which took over 20 minutes on a 400 KB CSV.
                    let same = new == old
                    #expect(same, "\(example.folder)/\(name) differs \(Self.firstDifference(new, old)); \(hint)")
                }
            }
        }
    }

    @Test("the CSV lines quoted in the data dictionary's worked example are lines of Results/examples/baseline/")
    func workedExampleQuotes() throws {
        let readme = try packageText("Results/README.md")
        let start = try #require(readme.range(of: "\n## Worked example"), "Results/README.md has a worked example")
        let section = readme[start.upperBound...]
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        let blocks = section[..<end].components(separatedBy: "```csv\n").dropFirst()
            .map { $0.components(separatedBy: "\n```")[0].split(separator: "\n").map(String.init) }
        #expect(blocks.count >= 4, "the worked example quotes CSV blocks")
        let folder = packageFile("Results/examples/baseline")
        var files: [String: Set<String>] = [:] // header line → the file's lines
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".csv") {
            let lines = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n").map(String.init)
            if let header = lines.first { files[header] = Set(lines) }
        }
        for block in blocks {
            let header = try #require(block.first)
            let lines = try #require(files[header], "no CSV of examples/baseline/ has the header `\(header)`")
            for line in block.dropFirst() {
                #expect(lines.contains(line), "the worked example quotes `\(line)`, not in examples/baseline/: update DataDictionary.workedExample and regenerate Results/README.md")
            }
        }
    }

    /// Where two files first differ: the line number and both lines.
    static func firstDifference(_ new: Data, _ old: Data) -> String {
        let a = String(decoding: new, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let b = String(decoding: old, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? String(a[i]) : "<end>", y = i < b.count ? String(b[i]) : "<end>"
            if x != y { return "at line \(i + 1): written `\(x.prefix(300))`, committed `\(y.prefix(300))`" }
        }
        return "(same text, different bytes)"
    }
}
