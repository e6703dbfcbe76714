import Foundation
import Stochastics
import Testing

/// A fixed sample of mutated shipped scenarios through the release binary: every outcome is a
/// finished run or a located error, never a crash or a hang. (The in-process fuzz test in
/// ScenarioModuleTests mutates thousands; this one checks the whole tool end to end.)
@Suite(.serialized) struct MutantRunTests {
    /// One mutation of a scenario's text.
    static func mutate(_ text: String, _ g: inout SplitMix64) -> String {
        var lines = text.components(separatedBy: "\n")
        let content = lines.indices.filter {
            let l = lines[$0].trimmingCharacters(in: .whitespaces)
            return !l.isEmpty && !l.hasPrefix("#")
        }
        guard !content.isEmpty else { return text }
        let i = content[g.below(content.count)]
        let replacements = ["-1", "0", "1e308", ".nan", "-.inf", "'text'", "[1, 2]", "{a: 1}", "99999999999"]
        switch g.below(6) {
        case 0: lines.remove(at: i)
        case 1: lines.insert(lines[i], at: i)
        case 2:
            // Replace the first number on the line.
            if let r = lines[i].range(of: #"-?[0-9]+(\.[0-9]+)?(e[0-9]+)?"#, options: .regularExpression) {
                lines[i].replaceSubrange(r, with: replacements[g.below(replacements.count)])
            } else { lines[i] += " x" }
        case 3:
            // Transpose two letters of a key.
            var chars = Array(lines[i])
            if let k = chars.firstIndex(where: \.isLetter), k + 1 < chars.count { chars.swapAt(k, k + 1) }
            lines[i] = String(chars)
        case 4: lines = Array(lines.prefix(i))
        default: lines[i] = String(repeating: " ", count: g.below(6)) + lines[i]
        }
        return lines.joined(separator: "\n")
    }

    @Test func fiftyMutantsRunOrFailWithALocatedError() throws {
        let scenarios = shippedScenarios()
        #expect(!scenarios.isEmpty)
        var g = SplitMix64(seed: 20_261_127)
        var ran = 0, rejected = 0
        try withTemporaryDirectory { tmp in
            // Copy the library so `extends` paths resolve next to the mutant.
            for s in scenarios {
                let target = tmp.url.appendingPathComponent(s)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try packageText(s).write(to: target, atomically: true, encoding: .utf8)
            }
            for k in 0..<50 {
                let source = scenarios[g.below(scenarios.count)]
                let original = try packageText(source)
                let mutant = Self.mutate(original, &g)
                let path = tmp.url.appendingPathComponent(source)
                try mutant.write(to: path, atomically: true, encoding: .utf8)
                defer { try? original.write(to: path, atomically: true, encoding: .utf8) }
                let out = tmp.url.appendingPathComponent("out-\(k)")
                let r = try suanli(["run", path.path, "--replications", "1", "--quiet", "--out", out.path], timeout: 60)
                #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Crash"), "mutant \(k) of \(source) crashed:\n\(r)")
                if r.status == 0 {
                    ran += 1
                    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path))
                } else {
                    rejected += 1
                    #expect(r.stderr.contains(": error: ") || r.stderr.contains("Error:"), "mutant \(k) of \(source):\n\(r)")
                    #expect(!FileManager.default.fileExists(atPath: out.path), "a rejected run left \(out.path)")
                }
            }
        }
        #expect(ran > 0 && rejected > 0, "ran \(ran), rejected \(rejected)")
    }
}

private extension SplitMix64 {
    /// A draw from 0 ..< n (modulo; the bias is irrelevant for picking mutations).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
