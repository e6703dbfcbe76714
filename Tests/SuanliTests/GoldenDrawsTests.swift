import Crypto
import Foundation
import Testing

/// Golden outputs of a scenario with keys drawn once per replication (`Golden/draws.yaml`) and of a
/// sweep over it (`Golden/draws-sweep.yaml`), frozen before the schema-binding restructuring: every
/// output file's SHA-256 is committed in `Golden/expected/*.sha256`, `manifest.json`'s without its
/// `runtime` object (the only part that may differ between two runs). No committed example draws
/// parameters, so without these a change to how draws reach the typed scenario could move numbers
/// unseen. A change that is meant to move numbers regenerates them: see `Golden/README.md`.
@Suite("Golden outputs with per-replication draws")
struct GoldenDrawsTests {
    static let folder = packageFile("Tests/SuanliTests/Golden")

    /// One golden command, run from `Golden/` with `--out` added.
    struct Golden: CustomStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        var description: String { name }
    }

    static let goldens = [
        Golden(name: "run", arguments: ["run", "draws.yaml", "--replications", "3", "--seed", "11"]),
        Golden(name: "sweep", arguments: ["sweep", "draws-sweep.yaml"]),
    ]

    /// The digest of a file as `expected/*.sha256` records it.
    static func digest(_ name: String, _ data: Data) throws -> String {
        var bytes = data
        if name == "manifest.json" {
            let text = String(decoding: data, as: UTF8.self)
            let cut = try #require(text.range(of: "\n  \"runtime\""), "manifest.json has a runtime object")
            bytes = Data(text[..<cut.lowerBound].utf8)
        }
        return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    @Test("regenerating gives the frozen bytes", arguments: goldens)
    func regenerate(_ golden: Golden) throws {
        let expected = try String(contentsOf: Self.folder.appendingPathComponent("expected/\(golden.name).sha256"), encoding: .utf8)
            .split(separator: "\n").map { line -> (String, String) in
                let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
                return (String(parts[1]), String(parts[0]))
            }
        try withTemporaryDirectory { tmp in
            let out = tmp.file(golden.name)
            let result = try suanli(golden.arguments + ["--out", out.path, "--quiet"], in: Self.folder, timeout: 600)
            try #require(result.status == 0, "\(result)")
            let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
            #expect(written == expected.map(\.0).sorted(), "files written by \(golden.name)")
            for (name, digest) in expected {
                let data = try Data(contentsOf: out.appendingPathComponent(name))
                #expect(try Self.digest(name, data) == digest, "\(golden.name)/\(name) differs from the frozen golden output")
            }
        }
    }
}
