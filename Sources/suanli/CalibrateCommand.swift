import ArgumentParser
import Experiments
import Foundation
import ScenarioModule

/// `suanli calibrate TARGETS`: fit a scenario's keys to what was observed (ABC-SMC).
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a scenario's keys to observations by ABC-SMC and write the posterior.",
        discussion: """
            A targets file (Scenarios/targets/*.yaml; docs/targets-format.md) names a base scenario, the keys to fit \
            with their priors, and observations: columns of market_monthly.csv or firms_monthly.csv, by month or \
            aggregated, each with its uncertainty. ABC-SMC runs generations of particles until the tolerance, the \
            acceptance rate, the number of generations or the budget of simulations says stop (docs/MODEL.md, \
            "Calibration"). Writes posterior.csv, generations.csv, fit.csv (the observations against the posterior \
            predictive) and manifest.json into the output folder (default Results/calibrate-<name>/), atomically. \
            The same targets file and seed give the same bytes on any thread count. Resumable: finished batches are \
            kept in .<out>.calibrate-partial beside the output, so after a kill or Ctrl-C the same command carries \
            on and ends with the same bytes. Progress on standard error shows the generation, its tolerance, \
            acceptance, simulations per second and the time the budget leaves at most.
            """
    )

    @Argument(help: "The targets file (YAML).")
    var file: String

    @Option(help: ArgumentHelp("Output folder (default: Results/calibrate-<name>).", valueName: "dir"))
    var out: String?

    @OptionGroup var workers: WorkerOptions

    func validate() throws {
        try CommandChecks.outputFolder(out)
        if let out { try CommandChecks.outputPlace(out) }
    }

    func run() throws {
        let targets: TargetsFile
        do { targets = try TargetsFile.load(path: file) } catch {
            throw Failure.diagnostics(error, path: file)
        }
        Interrupt.install()
        let outputPath = out ?? "Results/calibrate-\(targets.name)"
        let resume = SweepCommand.shellCommand(CommandLine.arguments)
        Interrupt.setNote {
            "suanli: interrupted; the finished batches are kept beside \(outputPath) (.\(URL(fileURLWithPath: outputPath).lastPathComponent).calibrate-partial)\n"
                + "suanli: to resume, run the same command again:\n  \(resume)\n"
        }
        let line = workers.quiet ? nil : CalibrationProgressLine()
        // Test hook: SUANLI_TEST_KILL_AFTER_BATCHES=N kills the process (SIGKILL) once N batches have run.
        let killAfter = ProcessInfo.processInfo.environment["SUANLI_TEST_KILL_AFTER_BATCHES"].flatMap(Int.init)
        var batches = 0
        let report: CalibrationReport
        do {
            report = try Calibration.run(targets, outputPath: outputPath,
                                         threads: workers.threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                         version: SuanliVersion.string, progress: { status in
                line?.show(status)
                if status.stage == "fitting", status.simulationsHere > 0 { batches += 1 }
                if let killAfter, batches >= killAfter { kill(getpid(), SIGKILL) }
            })
        } catch {
            line?.end()
            Interrupt.setNote(nil)
            if case .diagnostics(let d) = error.cause { throw Failure.diagnostics(d, path: file) }
            Failure.write("suanli: error: \(error)")
            throw ExitCode.failure
        }
        line?.end()
        Interrupt.setNote(nil)
        let last = report.generations.last
        print("calibration \(targets.name): \(report.generations.count) generation\(report.generations.count == 1 ? "" : "s"), "
              + "\(report.simulations) simulations, stopped by \(report.stop.rawValue)"
              + (last?.tolerance.map { ", final tolerance \(Self.short($0))" } ?? "")
              + (last.map { ", ESS \(Self.short($0.ess)) of \($0.accepted)" } ?? ""))
        let weights = report.posterior.map(\.weight)
        for (i, path) in report.parameterPaths.enumerated() {
            let xs = report.posterior.map { $0.theta[i] }
            func q(_ f: Double) -> Double { ABCSMC.weightedQuantile(xs, weights: weights, f) ?? .nan }
            let mean = zip(xs, weights).reduce(0) { $0 + $1.0 * $1.1 }
            print("  \(path): mean \(Self.short(mean)), 90% interval \(Self.short(q(0.05))) … \(Self.short(q(0.95)))")
        }
        let covered = report.fit.filter { $0.within90 == true }.count
        if !report.fit.isEmpty {
            print("  observed values inside the predictive 90% band: \(covered) of \(report.fit.count)")
        }
        print("results: \(report.outputPath)")
    }

    static func short(_ x: Double) -> String {
        abs(x) >= 1000 || x == x.rounded() ? String(format: "%.0f", x) : String(format: "%.4g", x)
    }
}

/// The progress line of a calibration on standard error: redrawn in place on a terminal, a line every
/// two seconds otherwise.
final class CalibrationProgressLine {
    private let terminal = isatty(2) != 0
    private var last: ContinuousClock.Instant?
    private var drew = false
    private var toldResume = false

    func show(_ s: CalibrationStatus) {
        if s.resumedBatches > 0 && !toldResume {
            toldResume = true
            StandardError.write("resuming: \(s.resumedBatches) batch\(s.resumedBatches == 1 ? "" : "es") (\(s.simulations) simulations) "
                                + "of an earlier run replayed from the partial folder\n")
        }
        let now = ContinuousClock.now
        if let last, (now - last) < .milliseconds(terminal ? 100 : 2000) { return }
        last = now
        var text: String
        if s.stage == "predictive" {
            text = "posterior predictive runs"
        } else {
            text = "generation \(s.generation)" + (s.tolerance.map { ", tolerance \(CalibrateCommand.short($0))" } ?? " (prior)")
                + ": \(s.accepted)/\(s.particles) accepted of \(s.proposals) proposals"
            if s.proposals > 0 { text += " (\(String(format: "%.1f", 100 * Double(s.accepted) / Double(s.proposals)))%)" }
            text += ", \(s.simulations)/\(s.budget) simulations"
            if s.simulationsHere > 0, s.seconds > 0 {
                let rate = Double(s.simulationsHere) / s.seconds
                text += ", \(StandardErrorProgress.formatRate(rate))/s, at most "
                    + StandardErrorProgress.formatDuration(Double(s.budget - s.simulations) / rate) + " left"
            }
        }
        StandardError.write(terminal ? "\r\u{1B}[K" + text : text + "\n")
        drew = true
    }

    func end() {
        if terminal && drew { StandardError.write("\r\u{1B}[K") }
    }
}
