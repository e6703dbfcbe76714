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
            Writes manifest.json, firms_monthly.csv, market_monthly.csv, supply_monthly.csv, fleet_monthly.csv, \
            outcomes.csv, params.csv, survival.csv and summary.csv into the output folder (default Results/<scenario name>/), \
            and sensitivity.csv when the scenario draws parameters per replication (per: replication), \
            replacing an earlier run's folder only once the new one is complete. The same scenario, \
            seed and version give the same CSV bytes on any number of threads. With --precision H the \
            replications run in batches of 32 until every reported survival probability is known to ±H \
            (95%), and the files are those of --replications n for the n reached.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String?

    @OptionGroup var count: ReplicationOptions

    @Option(parsing: .unconditional, help: "Master seed of every random stream (0 … 2^64 − 1).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Output folder (default: Results/<scenario name>).", valueName: "dir"))
    var out: String?

    @OptionGroup var workers: WorkerOptions

    @OptionGroup var posterior: PosteriorOption

    @Option(name: .customLong("set"),
            help: ArgumentHelp("Override a scenario value; repeatable.", valueName: "key.path=value"))
    var overrides: [String] = []

    @Flag(help: "Print the data dictionary of the output files (Results/README.md) and exit.")
    var printDataDictionary = false

    @Flag(help: "Write every firm of a population (providers[].count > 1) in firms_monthly.csv and outcomes.csv; by default they are pooled in summary.csv and survival.csv only.")
    var members = false

    func validate() throws {
        if printDataDictionary { return }
        guard scenario != nil else {
            throw ValidationError("Missing the scenario file, e.g. 'suanli run Scenarios/baseline.yaml'.")
        }
        try CommandChecks.overrides(overrides)
        try CommandChecks.outputFolder(out)
        if let out { try CommandChecks.outputPlace(out) }
    }

    func run() throws {
        if printDataDictionary {
            print(DataDictionary.markdown, terminator: "")
            return
        }
        guard let scenario else { throw ExitCode.validationFailure }
        var document: ScenarioDocument
        do {
            document = try ScenarioLoader.load(path: scenario, overrides: overrides)
        } catch {
            throw Failure.diagnostics(error, path: scenario)
        }
        document = try PosteriorOption.apply(try posterior.draws(), to: document)
        let outputPath = out ?? "Results/" + document.name
        do { try OutputFolder.checkPlace(outputPath) } catch {
            Failure.write("suanli: error: \(error)")
            throw ExitCode.failure
        }
        var configuration = RunConfiguration(
            replications: count.fixed, masterSeed: seed,
            threads: workers.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        configuration.members = members
        let point = ExperimentPoint(index: 0, document: document,
                                    overrides: overrides)
        Interrupt.install()
        let report: ExperimentReport
        do {
            report = try Experiment.run(points: [point], configuration: configuration,
                                        outputPath: outputPath,
                                        version: SuanliVersion.string,
                                        progress: workers.quiet ? nil : StandardErrorProgress(),
                                        precision: count.target)
        } catch {
            throw Failure.experiment(error)
        }
        if let summary = report.summaries.first { print(RunTable.text(summary), terminator: "") }
        if let precision = report.precision { print(precision.sentence) }
        print("results: \(report.outputPath)")
    }
}
