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
