import ArgumentParser
import Experiments
import Foundation
import ScenarioModule
import Synchronization

/// `suanli sweep FILE`: run every point of a sweep file (a base scenario and the keys to vary).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a parameter sweep: every point of a sweep file, each the base scenario with --set overrides.",
        discussion: """
            A sweep file (Scenarios/sweeps/*.yaml) names a base scenario, the keys to vary (values or ranges), \
            a design (grid, random, latin-hypercube, sobol, morris; docs/sweeps.md), replications and seed. Every point is validated like a \
            scenario before anything runs. Writes points.csv, outcomes.csv, params.csv, survival.csv, summary.csv \
            (the monthly files too with --monthly) and manifest.json into the output folder (default \
            Results/sweep-<name>/), atomically. With --shard I --shards N only the points p with p mod N = I run \
            (keeping their point indices); 'suanli merge' joins the shard folders into the unsharded output, \
            byte for byte. An unsharded run and a merge also write sensitivity.csv (standardised regression \
            and partial rank correlation coefficients of the parameters on survival and market figures), and \
            for a sobol design sobol.csv (first-order and total Sobol indices), for a morris design morris.csv \
            (elementary effects: mu*, mu, sigma), each with 95% bootstrap intervals. Resumable: finished points are kept \
            in .<out>.sweep-partial beside the output, so after a kill or Ctrl-C the same command carries on where \
            it stopped and ends with the same bytes; a second sweep into the same output is refused while the \
            first runs. Progress on standard error shows points done, runs per second and time left. With --slurm --out DIR nothing runs: \
            DIR gets sweep.sbatch (a job array, one shard per task), merge.sbatch, failed.sbatch and submit.sh \
            (see docs/cluster.md).
            """
    )

    @Argument(help: "The sweep file (YAML).")
    var file: String

    @Option(help: ArgumentHelp("Output folder (default: Results/sweep-<name>, or …-shard-I-of-N for a shard).",
                               valueName: "dir"))
    var out: String?

    @OptionGroup var workers: WorkerOptions

    @OptionGroup var posterior: PosteriorOption

    @Option(parsing: .unconditional, help: "The shard to run, from 0 (with --shards).")
    var shard: Int?

    @Option(parsing: .unconditional, help: "Number of shards (≥ 1); point p belongs to shard p mod N.")
    var shards: Int?

    @Flag(help: "Also write firms_monthly.csv, market_monthly.csv, supply_monthly.csv and fleet_monthly.csv.")
    var monthly = false

    @Flag(help: "Print the points and their values and exit.")
    var list = false

    @Flag(help: "Write Slurm scripts into --out (sweep.sbatch, merge.sbatch, failed.sbatch, submit.sh) instead of running.")
    var slurm = false

    @Option(help: "With --slurm: the Slurm partition (none: the cluster's default).")
    var partition: String?

    @Option(help: "With --slurm: the time limit of each task (sbatch --time, e.g. 02:00:00).")
    var time: String?

    @Option(parsing: .unconditional, help: "With --slurm: run at most K array tasks at once (--array=0-(N-1)%K).")
    var throttle: Int?

    @Flag(help: "With --slurm: also run submit.sh (needs sbatch on PATH).")
    var submit = false

    func validate() throws {
        if !slurm && (partition != nil || time != nil || throttle != nil || submit) {
            throw ValidationError("--partition, --time, --throttle and --submit need --slurm")
        }
        if slurm {
            if shard != nil { throw ValidationError("--slurm makes the shards itself; drop --shard") }
            if out == nil { throw ValidationError("--slurm needs --out DIR (a folder every node sees)") }
            if let shards, shards < 1 { throw ValidationError("--shards must be ≥ 1, got \(shards)") }
            if let throttle, throttle < 1 { throw ValidationError("--throttle must be ≥ 1, got \(throttle)") }
        }
        switch (shard, slurm ? nil : shards) {
        case (nil, nil): break
        case (.some, nil): throw ValidationError("--shard needs --shards N")
        case (nil, .some): throw ValidationError("--shards needs --shard I")
        case (let i?, let n?):
            guard n >= 1 else { throw ValidationError("--shards must be ≥ 1, got \(n)") }
            guard i >= 0 && i < n else { throw ValidationError("--shard must be in 0 ..< \(n) (0-based), got \(i)") }
        }
        try CommandChecks.outputFolder(out)
        if let out, !slurm { try CommandChecks.outputPlace(out) }
    }

    func run() throws {
        var sweep: Sweep
        do { sweep = try Sweep.load(path: file) } catch {
            throw Failure.diagnostics(error, path: file)
        }
        sweep.particles = try posterior.draws()
        if slurm { return try writeSlurm(sweep) }
        let n = shards ?? 1, i = shard ?? 0
        if list {
            print(sweep.listing(indices: n > 1 ? sweep.pointIndices(shard: i, of: n) : nil), terminator: "")
            return
        }
        Interrupt.install()
        let outputPath = out ?? "Results/sweep-\(sweep.file.name)" + (n > 1 ? "-shard-\(i)-of-\(n)" : "")
        let report: SweepReport
        do {
            report = try SweepRun.run(sweep, outputPath: outputPath,
                                      threads: workers.threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                      shard: i, shards: n, monthly: monthly, version: SuanliVersion.string,
                                      progress: workers.quiet ? nil : StandardErrorProgress(runsPerPoint: sweep.file.replications),
                                      journalInterval: TestStop.journalInterval,
                                      onEvent: Self.events(outputPath: outputPath,
                                                           resumeCommand: Self.shellCommand(CommandLine.arguments)))
        } catch {
            throw Failure.sweep(error)
        }
        let runs = report.totals.jobs
        print("sweep \(sweep.file.name): \(report.points.count) of \(sweep.pointCount) points × \(sweep.file.replications) "
              + "replications (\(runs) runs) in \(String(format: "%.1f", report.totals.wallSeconds)) s"
              + (n > 1 ? ", shard \(i) of \(n)" : ""))
        print("results: \(report.outputPath)")
    }

    /// What the sweep's steps do here: once it has started, an interrupt says how many points are saved
    /// and how to resume; and the test hook `SUANLI_TEST_STOP_AT` may stop the process at a step.
    static func events(outputPath: String, resumeCommand: String) -> @Sendable (SweepEvent) -> Void {
        final class Saved: Sendable { let points = Mutex(0) }
        let saved = Saved()
        return { event in
            switch event {
            case .started(let folder, let count, let done):
                saved.points.withLock { $0 = done }
                Interrupt.setNote {
                    let n = saved.points.withLock { $0 }
                    return "suanli: interrupted; \(n) of \(count) point\(count == 1 ? "" : "s") are saved in \(folder) "
                        + "(the results go to \(outputPath) when all are done)\n"
                        + "suanli: to resume, run the same command again:\n  \(resumeCommand)\n"
                }
            case .saved(let points):
                saved.points.withLock { $0 = points }
            case .assembling:
                break
            case .committed:
                Interrupt.setNote(nil)
            }
            TestStop.check(event)
        }
    }

    /// `arguments` as one shell command line (single-quoted where needed), to copy and run again.
    static func shellCommand(_ arguments: [String]) -> String {
        arguments.map { a in
            let plain = !a.isEmpty && a.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_./=:,+@%".unicodeScalars.contains($0)
            }
            return plain ? a : "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    /// `--slurm`: writes the job scripts (and with `--submit` runs submit.sh).
    func writeSlurm(_ sweep: Sweep) throws {
        let n = shards ?? min(sweep.pointCount, 100)
        guard n <= sweep.pointCount else {
            StandardError.write("suanli: error: --shards \(n) is more than the sweep's \(sweep.pointCount) points\n")
            throw ExitCode.failure
        }
        let exe = SlurmScript.quote(Bundle.main.executableURL?.resolvingSymlinksInPath().path
            ?? SlurmScript.absolute(CommandLine.arguments[0]))
        // The commands each task runs; SlurmScript defines the variables they use.
        let shardCommand = "exec \(exe) sweep \"$SWEEP\" --shard \"$SHARD\" --shards \"$SHARDS\" \\\n"
            + "    --out \"$SHARD_OUT\" --threads \"$THREADS\" --quiet"
            + (posterior.posterior.map { " --posterior " + SlurmScript.quote(SlurmScript.absolute($0)) } ?? "")
        let mergeCommand = "\(exe) merge \"${SHARD_FOLDERS[@]}\" --out \"$MERGED\""
        let script = SlurmScript(shardCommand: shardCommand, mergeCommand: mergeCommand,
                                 sweepFile: SlurmScript.absolute(file), out: SlurmScript.absolute(out!),
                                 shards: n, partition: partition, time: time, throttle: throttle)
        do { try script.write() } catch {
            throw Failure.sweep(error)
        }
        print("slurm scripts for \(sweep.pointCount) points in \(n) shards: \(script.out)/sweep.sbatch, merge.sbatch, "
              + "failed.sbatch, submit.sh")
        guard submit else {
            print("submit with: bash \(script.out)/submit.sh")
            return
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        guard path.split(separator: ":").contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/sbatch") }) else {
            StandardError.write("suanli: error: --submit: sbatch is not on PATH (is this a Slurm login node?); the scripts "
                                + "are written, submit later with: bash \(script.out)/submit.sh\n")
            throw ExitCode.failure
        }
        fflush(nil)  // our lines before those of submit.sh, which writes to the same output
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script.out + "/submit.sh"]
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { throw ExitCode(p.terminationStatus) }
    }
}
