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
            and sensitivity.csv when the scenario draws parameters per replication (per: replication), \
            replacing an earlier run's folder only once the new one is complete. The same scenario, \
            seed and version give the same CSV bytes on any number of threads.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String?

    @Option(parsing: .unconditional, help: "Replications to run (≥ 1).")
    var replications: Int = 100

    @Option(parsing: .unconditional, help: "Master seed of every random stream (0 … 2^64 − 1).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Output folder (default: Results/<scenario name>).", valueName: "dir"))
    var out: String?

    @Option(parsing: .unconditional, help: "Worker threads (≥ 1; default: all cores).")
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
        try CommandChecks.threads(threads)
        try CommandChecks.overrides(overrides)
        try CommandChecks.outputFolder(out)
        try CommandChecks.inputFile(scenario, kind: "scenario")
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
}
