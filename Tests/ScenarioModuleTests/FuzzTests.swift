import Foundation
import Stochastics
import Testing
@testable import ScenarioModule

/// Mutation fuzzing of the shipped scenarios at fixed seeds: no mutant may crash or hang the
/// loader, and every error must name a file, a line and a key. A failure names its seed.
@Suite struct FuzzTests {
    static let mutantsPerFile = 300

    static let replacements = ["-1", "0", ".nan", "1e308", "-1e308", "abc", "[1, 2]", "{a: 1}", "\"5\"", "99999999999999999999",
                               "2.5", "~", ".inf", "1e-320", "-0", "{dist: pareto, shape: 0.5, scale: 1, per: replication}",
                               "{dist: normal, mean: 1, sd: 1e300}", "[", "&x 1", "*x", "'", "2024-13", "\u{0}"]

    /// One random edit of the text.
    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return text }
        let i = Int.random(in: 0..<lines.count, using: &rng)
        switch Int.random(in: 0..<9, using: &rng) {
        case 0:   // delete a line (a key, or part of a list)
            lines.remove(at: i)
        case 1:   // transpose two neighbouring letters
            var chars = Array(lines[i])
            let letters = chars.indices.dropLast().filter { chars[$0].isLetter && chars[$0 + 1].isLetter }
            if let j = letters.randomElement(using: &rng) { chars.swapAt(j, j + 1) }
            lines[i] = String(chars)
        case 2:   // replace a number (or any value) with something hostile
            if let colon = lines[i].firstIndex(of: ":") {
                lines[i] = String(lines[i][...colon]) + " " + replacements.randomElement(using: &rng)!
            } else if let r = lines[i].range(of: #"-?[0-9][0-9.e+-]*"#, options: .regularExpression) {
                lines[i].replaceSubrange(r, with: replacements.randomElement(using: &rng)!)
            }
        case 3:   // duplicate a line (a duplicated key)
            lines.insert(lines[i], at: i)
        case 4:   // truncate the file
            let cut = Int.random(in: 0...text.unicodeScalars.count, using: &rng)
            return String(String.UnicodeScalarView(text.unicodeScalars.prefix(cut)))
        case 5:   // swap two lines
            let j = Int.random(in: 0..<lines.count, using: &rng)
            lines.swapAt(i, j)
        case 6:   // change the indentation
            lines[i] = Bool.random(using: &rng) ? "  " + lines[i] : String(lines[i].drop { $0 == " " })
        case 7:   // insert garbage bytes
            let garbage = (0..<Int.random(in: 1...8, using: &rng)).map { _ in
                Character(Unicode.Scalar(UInt8.random(in: 0...255, using: &rng)))
            }
            lines[i] = String(garbage) + lines[i]
        default:  // a numeric value replaced with a negative, zero or huge one
            if let r = lines[i].range(of: #"[0-9]+(\.[0-9]+)?(e[0-9]+)?"#, options: .regularExpression) {
                lines[i].replaceSubrange(r, with: ["-4", "0", "1e15", "1e16", "600", "601", "10000001"].randomElement(using: &rng)!)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Each shipped file, loaded by its full path so that `extends` finds the parent beside it (the
    /// parent is not mutated: a problem may be reported in it, as an inherited value).
    @Test(arguments: shippedScenarios())
    func mutantsNeverCrash(_ file: String) throws {
        let original = read(file)
        try #require(!original.isEmpty)
        Self.fuzz(original, as: packageRoot.appendingPathComponent(file).path, seedName: file)
    }

    /// A child that extends the baseline, with every kind of inheritance (a merged entry, a new one,
    /// a removal, a replaced list, a merged map), mutated.
    @Test func mutantsOfAChildNeverCrash() {
        let child = """
        extends: baseline.yaml
        name: child
        tiers:
          - {name: h800, purchase_cost: 250000}
          - {name: b200, tflops: 2250, power_kw: 1.5, purchase_cost: 400000, reference_price: 40}
        providers:
          - {name: compute-platform, remove: true}
          - name: small-gpu-cloud
            cash: 5e7
            fleet: [{tier: h800, units: 64}]
        pricing: {k_u: 0.2}
        policy:
          vouchers: [{name: v, region: east-hub, share: 0.5, from: 2024-06, budget: 1e8}]

        """
        Self.fuzz(child, as: packageRoot.appendingPathComponent("Scenarios/fuzz-child.yaml").path, seedName: "fuzz-child")
    }

    /// `supplied` sets every key of the supply side and the business models, flow style.
    @Test func mutantsOfEverySupplyKeyNeverCrash() {
        Self.fuzz(supplied, as: "t.yaml")
    }

    /// Loads mutants of `original` under the name `file`: each loads, instantiates and round-trips,
    /// or is rejected with located diagnostics, sorted by line within each file, the file's own first.
    /// - Parameter seedName: names the mutants' seeds (the file as the package names it).
    static func fuzz(_ original: String, as file: String, seedName: String? = nil) {
        var loaded = 0, rejected = 0
        let fileSeed = SHA256.hex((seedName ?? file).utf8).prefix(16)
        let folder = (file as NSString).deletingLastPathComponent + "/"
        for seed in 0..<mutantsPerFile {
            var rng = SplitMix64(seed: (UInt64(fileSeed, radix: 16) ?? 0) &+ UInt64(seed))
            var text = original
            for _ in 0..<Int.random(in: 1...3, using: &rng) { text = mutate(text, &rng) }
            do {
                let doc = try ScenarioLoader.load(yaml: text, path: file)
                loaded += 1
                _ = doc.instantiate(replication: 0, plan: SeedPlan(masterSeed: 1))
                let again = try? ScenarioLoader.load(yaml: doc.resolvedYAML, path: "resolved.yaml")
                #expect(again?.resolvedYAML == doc.resolvedYAML, "\(file) seed \(seed): resolved YAML does not round-trip")
            } catch {
                rejected += 1
                #expect(!error.diagnostics.isEmpty, "\(file) seed \(seed): no diagnostics")
                var last = 0, lastFile = file
                for d in error.diagnostics {
                    // The file itself, or (when a mutant points `extends` elsewhere) a file beside it.
                    #expect(d.file == file || d.file.hasPrefix(folder) || d.file.hasPrefix("<command line>"), "\(file) seed \(seed): \(d.header)")
                    #expect(d.line >= 1 && d.column >= 1, "\(file) seed \(seed): \(d.header)")
                    #expect(!d.keyPath.isEmpty && !d.message.isEmpty, "\(file) seed \(seed): \(d.header)")
                    if d.file != lastFile { last = 0; lastFile = d.file }
                    #expect(d.line >= last, "\(file) seed \(seed): not sorted by line")
                    last = d.line
                }
                let files = error.diagnostics.map(\.file).filter { !$0.hasPrefix("<command line>") }
                #expect((files.firstIndex { $0 != file } ?? files.count) > (files.lastIndex(of: file) ?? -1),
                        "\(file) seed \(seed): the file's own problems come first")
                #expect(error.description.hasSuffix("nothing was run."))
            }
        }
        #expect(rejected > mutantsPerFile / 3, "\(file): only \(rejected) of the mutants were rejected")
        #expect(loaded > 0, "\(file): no mutant loaded (the mutations are too destructive to test the happy path)")
    }

    /// Windows line ends and a byte-order mark are ordinary text.
    @Test func lineEndsAndByteOrderMark() throws {
        let crlf = try ScenarioLoader.load(yaml: minimal.replacingOccurrences(of: "\n", with: "\r\n"), path: "t.yaml")
        let bom = try ScenarioLoader.load(yaml: "\u{FEFF}" + minimal, path: "t.yaml")
        let plain = try ScenarioLoader.load(yaml: minimal, path: "t.yaml")
        #expect(crlf.contentHash == plain.contentHash && bom.contentHash == plain.contentHash)
        #expect(headers(minimal.replacingValue(at: "providers[cloud].cash", with: "-1").replacingOccurrences(of: "\n", with: "\r\n"))
                == ["t.yaml:\(minimal.line(of: "providers[cloud].cash")):11: error: providers[cloud].cash: expected a number in [0, 1e15], got '-1'"])
    }

    /// Hostile whole inputs, each loaded once.
    @Test func hostileDocuments() {
        let inputs: [String] = [
            String(repeating: "a: ", count: 10_000),
            String(repeating: "- ", count: 10_000),
            String(repeating: "{", count: 10_000),
            String(repeating: "[a, ", count: 5_000),
            "name: " + String(repeating: "x", count: 100_000),
            "tiers:\n" + String(repeating: "  - {name: t, tflops: 1}\n", count: 20_000),
            "? [a, b]\n: 1\n",
            "!!binary aGVsbG8=",
            "%YAML 1.1\n---\nname: x\n",
            "name: \"unterminated",
            "\u{FEFF}name: bom\n",
            "a: !!float 1\nb: !custom x\n",
            "description: |\n  " + String(repeating: "&*", count: 1000) + "\n",
        ]
        // Twenty thousand unknown keys: counted, 200 shown.
        let many = diagnostics((0..<20_000).map { "k\($0): 1" }.joined(separator: "\n"))
        #expect(many?.diagnostics.count == DiagnosticSink.limit)
        #expect(many?.summary == "suanli: 20008 errors in t.yaml (200 shown); nothing was run.")   // and 8 missing keys
        let clock = ContinuousClock()
        for (i, text) in inputs.enumerated() {
            let start = clock.now
            let d = diagnostics(text)
            #expect(d != nil, "input \(i) loaded")
            #expect(d?.diagnostics.allSatisfy { $0.line >= 1 && !$0.keyPath.isEmpty } == true, "input \(i)")
            #expect(d?.diagnostics.isEmpty == false, "input \(i) ends with its problems (took \(clock.now - start); timings are in Benchmarks/README.md)")
        }
    }
}
