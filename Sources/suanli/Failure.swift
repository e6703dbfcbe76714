import ArgumentParser
import Experiments
import Foundation
import ScenarioModule

/// How the tool words the library's typed errors, and the exit status each gets.
enum Failure {
    /// Writes `text` to standard error, ending it with a newline.
    static func write(_ text: String) {
        StandardError.write(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// A scenario or sweep file's diagnostics (`file:line:col: error: …`), with the nearest file name
    /// when the file does not exist; exit status 1, as `validate` does.
    static func diagnostics(_ error: ScenarioDiagnostics, path: String) -> ExitCode {
        write(error.description)
        if !FileManager.default.fileExists(atPath: path), let guess = CommandChecks.nearestFile(to: path) {
            write("suanli: '\(path)' not found (did you mean '\(guess)'?)")
        }
        return ExitCode.failure
    }

    /// A failed run or comparison.
    static func experiment(_ error: ExperimentError) -> ExitCode {
        write("suanli: error: \(error)")
        return ExitCode.failure
    }

    /// A sweep's or merge's error in the tool's words; every such error exits with status 1.
    static func sweep(_ error: SweepError) -> ExitCode {
        write(text(error))
        return ExitCode.failure
    }

    /// The message of a sweep's or merge's error: flags and commands named as the tool spells them,
    /// and where the finished points are kept when the sweep stopped after it started to run.
    static func text(_ error: SweepError) -> String {
        var text: String
        switch error.cause {
        case .shardOutOfRange(let shard, let shards):
            text = "suanli: error: --shard must be in 0 ..< --shards (\(shards)), got \(shard)"
        case .moreShardsThanPoints(let shards, let points):
            text = "suanli: error: --shards \(shards) is more than the sweep's \(points) points"
        case .threadsOutOfRange(let t):
            text = "suanli: error: --threads must be in 1 … \(RunLimits.maxThreads), got \(t)"
        case .robustnessOutcome(let details):
            text = details + "suanli: the robustness outcome of \(error.file ?? "?") is not one of its base scenario's; nothing was run."
        case .invalidPoints(let failing, let total, let details):
            text = details + "suanli: \(failing) of \(total) points of \(error.file ?? "?") are not valid scenarios; "
                + "nothing was run."
        case .notAShard:
            text = "suanli: error: \(error); make shards with 'suanli sweep FILE --shard I --shards N --out DIR'"
        case .shardsDisagree(.monthly, let first, let other):
            text = "suanli: error: shards differ in --monthly: \(first), \(other)"
        case .missingShards(_, let of):
            text = "suanli: error: \(error). Run them with 'suanli sweep \(error.file ?? "FILE") --shard I --shards \(of) --out DIR'"
        case .stopped:
            return "suanli: error: \(error)"
        default:
            text = "suanli: error: \(error)"
        }
        if let partial = error.partialFolder {
            let what: String
            switch error.cause {
            case .runFailed(.replicationFailed): what = "the sweep stopped at this replication"
            case .io: what = "the sweep stopped: its files could not be written"
            default: what = "the sweep stopped"
            }
            text += "\nsuanli: \(what); the points finished before it are kept in \(partial) "
                + "(the same command carries on after them)"
        }
        return text
    }
}
