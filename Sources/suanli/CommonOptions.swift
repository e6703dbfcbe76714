import ArgumentParser
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
