import ArgumentParser
import Experiments
import Foundation
import ScenarioModule

/// `suanli compare BASE VARIANT`: run two scenarios with common random numbers and write the
/// paired differences.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two scenarios with common random numbers: paired differences with 95% intervals.",
        discussion: """
            Runs BASE as point 0 and VARIANT as point 1 of one run, with the same master seed and seed plan, so \
            replication r of both sees the same tenants and noise. Writes the files of 'suanli run' (rows of both \
            points), manifest.json and compare.csv (per firm, entrant template and market figure: base, variant, the \
            mean paired difference and its 95% t-interval, and whether its sign is settled) into the output folder \
            (default Results/compare-<base name>-<variant name>/), replacing an earlier folder only once the new one \
            is complete. Prints the largest changes first: those whose interval excludes 0, then the rest, each \
            group by |diff| divided by the figure's spread across replications. BASE and VARIANT may be the same \
            file with different --set-base / --set-variant values. With --precision H the pairs first run in \
            batches of 32 until every firm's paired difference of P(survive) is known to ±H (95%); then that \
            many replications are run and written, as --replications n would.
            """
    )

    @Argument(help: "The base scenario file (YAML).")
    var base: String

    @Argument(help: "The variant scenario file (YAML); may be the base file with --set-variant overrides.")
    var variant: String

    @OptionGroup var count: ReplicationOptions

    @Option(parsing: .unconditional, help: "Master seed of every random stream, shared by both scenarios (0 … 2^64 − 1).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Output folder (default: Results/compare-<base name>-<variant name>).", valueName: "dir"))
    var out: String?

    @OptionGroup var workers: WorkerOptions

    @OptionGroup var posterior: PosteriorOption

    @Option(name: .customLong("set"),
            help: ArgumentHelp("Override a value in both scenarios (applied first); repeatable.", valueName: "key.path=value"))
    var overrides: [String] = []

    @Option(name: .customLong("set-base"),
            help: ArgumentHelp("Override a value in the base scenario; repeatable.", valueName: "key.path=value"))
    var baseOverrides: [String] = []

    @Option(name: .customLong("set-variant"),
            help: ArgumentHelp("Override a value in the variant scenario; repeatable.", valueName: "key.path=value"))
    var variantOverrides: [String] = []

    @Option(parsing: .unconditional, help: "Changes to print (≥ 0); every change is in compare.csv.")
    var top: Int = 20

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be ≥ 0, got \(top)") }
        for (flag, values) in [("--set", overrides), ("--set-base", baseOverrides), ("--set-variant", variantOverrides)] {
            try CommandChecks.overrides(values, flag: flag)
        }
        try CommandChecks.outputFolder(out)
        if let out { try CommandChecks.outputPlace(out) }
    }

    func run() throws {
        // Load both before stopping, so every problem of either is reported at once.
        var failed = false
        func load(_ path: String, _ extra: [String]) -> ScenarioDocument? {
            do { return try ScenarioLoader.load(path: path, overrides: overrides + extra) } catch {
                _ = Failure.diagnostics(error, path: path)
                failed = true
                return nil
            }
        }
        let loadedBase = load(base, baseOverrides)
        let loadedVariant = load(variant, variantOverrides)
        guard !failed, let loadedBase, let loadedVariant else { throw ExitCode.failure }
        // The same particles for both: replication r draws the same one in each (common random numbers).
        let draws = try posterior.draws()
        let baseDocument = try PosteriorOption.apply(draws, to: loadedBase)
        let variantDocument = try PosteriorOption.apply(draws, to: loadedVariant)

        let configuration = RunConfiguration(
            replications: count.fixed, masterSeed: seed,
            threads: workers.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        // Common random numbers: both points run on the configuration's plan (the point is not mixed in).
        let basePoint = ExperimentPoint(index: 0, document: baseDocument,
                                        overrides: overrides + baseOverrides)
        let variantPoint = ExperimentPoint(index: 1, document: variantDocument,
                                           overrides: overrides + variantOverrides)
        let outputPath = out ?? "Results/compare-\(baseDocument.name)-\(variantDocument.name)"
        do { try OutputFolder.checkPlace(outputPath) } catch {
            Failure.write("suanli: error: \(error)")
            throw ExitCode.failure
        }
        Interrupt.install()
        let report: ComparisonReport
        do {
            report = try Comparison.run(
                base: basePoint, variant: variantPoint, configuration: configuration, outputPath: outputPath,
                version: SuanliVersion.string, progress: workers.quiet ? nil : StandardErrorProgress(),
                precision: count.target)
        } catch {
            throw Failure.experiment(error)
        }
        print("base:    \(Self.describe(baseDocument, overrides + baseOverrides))")
        print("variant: \(Self.describe(variantDocument, overrides + variantOverrides))")
        print(ComparisonTable.text(report.rows, replications: report.replications, top: top), terminator: "")
        if let precision = report.precision { print(precision.sentence) }
        print("results: \(report.outputPath)")
    }

    /// `baseline (Scenarios/baseline.yaml; entry.max_rate=0)`.
    static func describe(_ document: ScenarioDocument, _ overrides: [String]) -> String {
        "\(document.name) (" + ([document.path] + overrides).joined(separator: "; ") + ")"
    }
}
