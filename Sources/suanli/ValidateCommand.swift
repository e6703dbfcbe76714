import ArgumentParser
import Experiments
import Foundation
import ScenarioModule

/// `suanli validate FILE…`: checks scenario files (and `--set` overrides) without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files without running them.",
        discussion: """
        Prints 'FILE: ok (…)' for each valid file, or every problem found in it, each as
        FILE:LINE:COLUMN: error: KEY.PATH: expected …, got … with the source line and a caret.
        A sweep file (one with top-level 'base:' and 'parameters:' keys) is checked as a sweep:
        the file itself, then every point as the scenario it runs. A targets file (with
        'observations:' too) is checked as suanli calibrate would: the file, then its keys,
        tiers, firms, columns and months against its base scenario.
        Exits with a non-zero status if any file has a problem.
        """
    )

    @Argument(help: "Scenario, sweep or targets files (YAML).")
    var files: [String]

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one value before checking: KEY.PATH=VALUE, VALUE a YAML scalar or flow value (repeatable).",
        valueName: "KEY.PATH=VALUE"))
    var overrides: [String] = []

    @Flag(help: "Print each valid file's resolved scenario (defaults included) after its ok line.")
    var resolved = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one scenario file.") }
        try CommandChecks.overrides(overrides)
    }

    func run() throws {
        var failed = 0
        for file in files {
            if Self.isTargetsFile(file) {
                if !validateTargets(file) { failed += 1 }
                continue
            }
            if Self.isSweepFile(file) {
                if !validateSweep(file) { failed += 1 }
                continue
            }
            do {
                let doc = try ScenarioLoader.load(path: file, overrides: overrides)
                print("\(file): ok (\(doc.summary))")
                if resolved { print(doc.resolvedYAML, terminator: "") }
            } catch {
                failed += 1
                _ = Failure.diagnostics(error, path: file)
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    /// Whether `path` reads as a sweep file: top-level `base:` and `parameters:` keys (a scenario has neither).
    static func isSweepFile(_ path: String) -> Bool { hasTopLevel(path, ["base", "parameters"]) }

    /// Whether `path` reads as a targets file: top-level `base:` and `observations:` keys.
    static func isTargetsFile(_ path: String) -> Bool { hasTopLevel(path, ["base", "observations"]) }

    static func hasTopLevel(_ path: String, _ keys: [String]) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), data.count < 1 << 20 else { return false }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        return keys.allSatisfy { key in lines.contains { $0.hasPrefix(key + ":") } }
    }

    /// Checks a targets file against its base scenario; prints its ok line or its problems.
    /// - Returns: whether it is valid.
    func validateTargets(_ file: String) -> Bool {
        do {
            let targets = try TargetsFile.load(path: file)
            let (_, document, plan) = try Calibration.check(targets)
            let fitted = plan.values.filter(\.fit).count
            print("\(file): ok (targets '\(targets.name)': \(targets.parameters.count) key\(targets.parameters.count == 1 ? "" : "s") "
                  + "to fit, \(fitted) observed value\(fitted == 1 ? "" : "s") to fit and \(plan.values.count - fitted) held out; "
                  + "base \(document.name))")
            return true
        } catch {
            _ = Failure.diagnostics(error, path: file)
            return false
        }
    }

    /// Checks a sweep file and every point of it; prints its ok line or its problems.
    /// - Returns: whether it is valid.
    func validateSweep(_ file: String) -> Bool {
        let sweep: Sweep
        do { sweep = try Sweep.load(path: file) } catch {
            _ = Failure.diagnostics(error, path: file)
            return false
        }
        do {
            try sweep.forEachDocument(sweep.pointIndices(), threads: ProcessInfo.processInfo.activeProcessorCount) { _, _ in }
        } catch {
            _ = Failure.sweep(error)
            return false
        }
        let n = sweep.pointCount, r = sweep.file.replications
        print("\(file): ok (sweep '\(sweep.file.name)': \(n) point\(n == 1 ? "" : "s") × \(r) replication\(r == 1 ? "" : "s"), "
              + "base \(sweep.file.basePath); every point is a valid scenario)")
        return true
    }
}
