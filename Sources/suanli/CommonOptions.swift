import ArgumentParser
import Experiments
import ScenarioModule

/// The options `run`, `compare` and `sweep` share, with one wording and one check.
struct WorkerOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads (≥ 1; default: all cores).")
    var threads: Int?

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func validate() throws {
        try CommandChecks.threads(threads)
    }
}

/// `--posterior DIR`, shared by `run`, `compare` and `sweep`: forecast with a calibration's posterior.
struct PosteriorOption: ParsableArguments {
    @Option(help: ArgumentHelp("A calibration folder (suanli calibrate): each replication draws one of its particles by "
                               + "weight and sets the keys it fitted (the same particle for every scenario of a run); "
                               + "the values go to params.csv.", valueName: "dir"))
    var posterior: String?

    /// The posterior's particles, read once; nil without `--posterior`.
    /// - Throws: the exit of a located error when the folder is not a calibration's.
    func draws() throws -> ParticleDraws? {
        guard let posterior else { return nil }
        do { return try PosteriorFile.load(folder: posterior) } catch {
            throw Failure.diagnostics(error, path: posterior)
        }
    }

    /// `document` with the particles of `draws` (unchanged when nil).
    /// - Throws: the exit of a located error when the scenario lacks a key the posterior fitted.
    static func apply(_ draws: ParticleDraws?, to document: ScenarioDocument) throws -> ScenarioDocument {
        guard let draws else { return document }
        do { return try document.withParticles(draws) } catch {
            throw Failure.diagnostics(error, path: draws.source)
        }
    }
}

/// `--replications`, or `--precision` with `--max-replications`, shared by `run` and `compare`.
struct ReplicationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Replications to run (≥ 1; default 100).")
    var replications: Int?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Run replications in batches of \(PrecisionTarget.batch) until every reported survival "
                               + "probability's 95% half-width (for compare: every firm's paired difference's) is at "
                               + "most H, or --max-replications is reached; firms and populations count, entrant "
                               + "templates only when they average at least \(PrecisionRule.minimumEntrantsPerReplication) "
                               + "entrants per replication. The output is that of --replications n for the n reached. "
                               + "In place of --replications.", valueName: "H"))
    var precision: Double?

    @Option(name: .customLong("max-replications"), parsing: .unconditional,
            help: "With --precision: replications at most (default \(PrecisionTarget.defaultMaximum)).")
    var maxReplications: Int?

    func validate() throws {
        if let replications { try CommandChecks.replications(replications) }
        guard let precision else {
            if maxReplications != nil { throw ValidationError("--max-replications needs --precision") }
            return
        }
        guard replications == nil else {
            throw ValidationError("--replications and --precision exclude each other: --precision chooses the replications")
        }
        guard precision > 0, precision < 1 else {
            throw ValidationError("--precision must be a half-width in (0, 1), e.g. 0.05, got \(precision)")
        }
        if let maxReplications {
            guard maxReplications >= 1, maxReplications <= RunLimits.maxReplications else {
                throw ValidationError("--max-replications must be in 1 … \(RunLimits.maxReplications), got \(maxReplications)")
            }
        }
    }

    /// The fixed count (without --precision).
    var fixed: Int { replications ?? 100 }

    /// The rule (with --precision).
    var target: PrecisionTarget? {
        precision.map { PrecisionTarget(halfWidth: $0, maxReplications: maxReplications ?? PrecisionTarget.defaultMaximum) }
    }
}
