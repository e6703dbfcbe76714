import ArgumentParser
import Experiments
import Foundation
import ScenarioModule

/// `suanli run SCENARIO`: run a scenario's replications and write its results folder.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario's replications and write a results folder.",
        discussion: """
            Writes manifest.json, firms_monthly.csv, market_monthly.csv, supply_monthly.csv, outcomes.csv, \
            params.csv, survival.csv and summary.csv into the output folder (default Results/<scenario name>/), \
            replacing an earlier run's folder only once the new one is complete. The same scenario, \
            seed and version give the same CSV bytes on any number of threads.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String?

    @Option(help: "Replications to run (≥ 1).")
    var replications: Int = 100

    @Option(help: "Master seed of every random stream (0 … 2^64 − 1).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Output folder (default: Results/<scenario name>).", valueName: "dir"))
    var out: String?

    @Option(help: "Worker threads (≥ 1; default: all cores).")
    var threads: Int?

    @Option(name: .customLong("set"),
            help: ArgumentHelp("Override a scenario value; repeatable.", valueName: "key.path=value"))
    var overrides: [String] = []

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    @Flag(help: "Print the data dictionary of the output files (Results/README.md) and exit.")
    var printDataDictionary = false

    func validate() throws {
        if printDataDictionary { return }
        guard let scenario else {
            throw ValidationError("Missing the scenario file, e.g. 'suanli run Scenarios/baseline.yaml'.")
        }
        guard replications >= 1 else { throw ValidationError("--replications must be ≥ 1, got \(replications)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
        for o in overrides {
            guard let eq = o.firstIndex(of: "="), eq != o.startIndex else {
                throw ValidationError("--set expects KEY.PATH=VALUE (e.g. --set finance.base_rate=0.05), got '\(o)'")
            }
        }
        if let out, out.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--out must name a folder, got an empty value")
        }
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: scenario, isDirectory: &isDir) {
            var message = "Scenario file '\(scenario)' not found"
            if let guess = Self.nearestFile(to: scenario) { message += " (did you mean '\(guess)'?)" }
            throw ValidationError(message + ".")
        }
        if isDir.boolValue { throw ValidationError("'\(scenario)' is a folder; give a scenario file (YAML).") }
    }

    func run() throws {
        if printDataDictionary {
            print(DataDictionary.markdown, terminator: "")
            return
        }
        guard let scenario else { throw ExitCode.validationFailure }
        let document: ScenarioDocument
        do {
            document = try ScenarioLoader.load(path: scenario, overrides: overrides)
        } catch {
            StandardError.write(error.description.hasSuffix("\n") ? error.description : error.description + "\n")
            throw ExitCode.failure
        }
        let configuration = RunConfiguration(
            replications: replications, masterSeed: seed,
            threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let point = ExperimentPoint(index: 0, document: document, plan: configuration.seedPlan(point: 0),
                                    overrides: overrides)
        InterruptCleanup.install()
        let report: ExperimentReport
        do {
            report = try Experiment.run(points: [point], configuration: configuration,
                                        outputPath: out ?? "Results/" + document.name,
                                        version: SuanliVersion.string,
                                        progress: quiet ? nil : StandardErrorProgress())
        } catch {
            StandardError.write("suanli: error: \(error)\n")
            throw ExitCode.failure
        }
        if let summary = report.summaries.first { print(RunTable.text(summary), terminator: "") }
        print("results: \(report.outputPath)")
    }

    /// The file in the same folder whose name is closest to `path`'s (edit distance ≤ 3).
    static func nearestFile(to path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        let best = names.filter { !$0.hasPrefix(".") }
            .map { ($0, editDistance($0, name)) }
            .min { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        guard let best, best.1 <= 3 else { return nil }
        let prefix = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) + "/" : ""
        return prefix + best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
