import Foundation
import Testing

/// The edges a new user hits with `--out` and with sweep sizes, through the binary.
@Suite("Output folder and sweep size edges, end to end")
struct OutputEdgesEndToEndTests {
    @Test("--out at an earlier results folder holding a user's file is refused and nothing in it is touched")
    func userFileInResultsFolder() throws {
        try withTemporaryDirectory { tmp in
            let scenario = packageFile("Scenarios/validation/erlang-loss.yaml").path
            try runScenario(scenario, out: tmp.file("mine"), replications: 2, seed: 1)
            try Data("my thesis\n".utf8).write(to: tmp.file("mine").appendingPathComponent("thesis.tex"))
            let before = try FileManager.default.contentsOfDirectory(atPath: tmp.file("mine").path).sorted()
            let result = try suanli(["run", scenario, "--out", "mine", "--replications", "2", "--quiet"], in: tmp.url)
            // An unusable --out is a bad flag value, refused before anything runs: a usage error.
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains("'thesis.tex'") && result.stderr.contains("choose another output folder"), "\(result)")
            #expect(tmp.contents() == ["mine"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.file("mine").path).sorted() == before)
            #expect(try String(contentsOf: tmp.file("mine").appendingPathComponent("thesis.tex"), encoding: .utf8) == "my thesis\n")
        }
    }

    @Test("sweep --list of a grid of 10^10 points is refused at the parameter that makes it too large")
    func hugeGridList() throws {
        try withTemporaryDirectory { tmp in
            let values = "[" + (1...10).map(String.init).joined(separator: ", ") + "]"
            let lines = ["base: " + packageFile("Scenarios/validation/erlang-loss.yaml").path, "design: grid",
                         "replications: 1", "parameters:"]
                + (0..<10).map { "  - {path: \"demand.segments[s\($0)].rate\", values: \(values)}" }
            _ = try tmp.write("big.yaml", lines.joined(separator: "\n") + "\n")
            let result = try suanli(["sweep", "big.yaml", "--list"], in: tmp.url, timeout: 60)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("big.yaml:11:48: error: parameters[6].values: the grid has "), "\(result)")
            #expect(result.stderr.contains("= 10000000000 points"), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }
    }
}
