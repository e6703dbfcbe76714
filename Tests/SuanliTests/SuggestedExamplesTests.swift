import Foundation
import Testing

/// What the tool and the shipped scenarios tell a user to type must work when typed.
@Suite("Suggested commands work")
struct SuggestedExamplesTests {
    /// Every `--set '…'` example in a shipped scenario's comments, with its file.
    static func headerExamples() -> [String] {
        var out: [String] = []
        for file in shippedScenarios() {
            guard let text = try? packageText(file) else { continue }
            for line in text.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                var rest = Substring(line)
                while let r = rest.range(of: "--set '") {
                    rest = rest[r.upperBound...]
                    guard let end = rest.firstIndex(of: "'") else { break }
                    out.append(file + "\t" + rest[..<end])
                    rest = rest[rest.index(after: end)...]
                }
            }
        }
        return out
    }

    @Test("the --set examples in the scenario files' comments validate against their file",
          arguments: headerExamples())
    func headerExample(_ example: String) throws {
        let parts = example.split(separator: "\t", maxSplits: 1).map(String.init)
        let result = try suanli(["validate", parts[0], "--set", parts[1]], in: packageRoot)
        #expect(result.status == 0, "\(result)")
    }

    @Test("the example in run's --set usage error is a valid override")
    func runSetUsageExample() throws {
        let baseline = packageFile("Scenarios/baseline.yaml").path
        try withTemporaryDirectory { tmp in
            let result = try suanli(["run", baseline, "--set", "horizon_months", "--out", "out"], in: tmp.url)
            #expect(result.status == usageErrorStatus, "\(result)")
            let example = try #require(result.stderr.firstMatch(of: try Regex(#"e\.g\. --set ([^ )]+)"#))?[1].substring,
                                       "an example in \(result.stderr)")
            let check = try suanli(["validate", baseline, "--set", String(example)])
            #expect(check.status == 0, "the suggested `--set \(example)` does not work:\n\(check)")
        }
    }
}
