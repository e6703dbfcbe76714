import Tables
import Foundation
import ScenarioModule
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a sweep or a merge stopped: a typed cause, and the file (and scenario key, where there is
/// one) it concerns.
///
/// The library words each cause in ``description`` without naming a command or its flags; the
/// command-line tool matches on ``cause`` where it words a message in its own terms (a flag, a
/// command to run next) and chooses the exit status.
public struct SweepError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Cause: Sendable {
        // MARK: The request
        /// Shard `shard` of `shards` does not exist (`shard` must be in `0 ..< shards`, `shards` ≥ 1).
        case shardOutOfRange(shard: Int, shards: Int)
        /// More shards than the sweep has points.
        case moreShardsThanPoints(shards: Int, points: Int)
        /// A worker count below 1 or above ``RunLimits/maxThreads``.
        case threadsOutOfRange(Int)

        // MARK: The points
        /// `failing` of `total` points are not valid scenarios; `details` holds their diagnostics,
        /// grouped (see ``Sweep/documents(_:)``). ``SweepError/file`` is the sweep file.
        case invalidPoints(failing: Int, total: Int, details: String)
        /// The robustness outcome of a sweep file names no firm, tier or template of its base
        /// scenario; `details` holds the located diagnostics.
        case robustnessOutcome(details: String)
        /// A point's scenario no longer resolves to the one validated before the sweep ran (its
        /// base file changed). ``SweepError/file`` is the base scenario.
        case baseChanged(point: Int, hash: String, validated: String)

        // MARK: The partial folder and the files
        /// Another live process holds the lock of the partial folder (``SweepError/file``: the lock).
        case locked(owner: Int32?, output: String)
        /// The lock file could not be made or taken (``SweepError/file``: the lock).
        case lockFailed(reason: String)
        /// Reading, writing or creating ``SweepError/file`` failed; `action` is the verb
        /// (`write`, `create`, `read`, …), `reason` the system's words.
        case io(action: String, reason: String)
        /// The output place (``SweepError/file``) cannot receive the results: `reason` (see
        /// ``OutputFolder/checkPlace(_:)``), or the finished output could not be moved there.
        case output(reason: String)
        /// The partial folder (``SweepError/file``) holds chunks this sweep would not make.
        case partialMismatch
        /// The sweep stopped on request after `chunks` new chunks; the partial folder
        /// (``SweepError/partialFolder``) keeps them.
        case stopped(chunks: Int)
        /// A replication failed or its results could not be written; the points finished before
        /// it are kept in ``SweepError/partialFolder``.
        case runFailed(ExperimentError)

        // MARK: Merging shards
        /// No shard folders were given.
        case noShards
        /// ``SweepError/file`` has no readable `manifest.json`.
        case notAResultsFolder
        /// ``SweepError/file`` is a results folder, but not a shard of a sweep.
        case notAShard
        /// Two shard folders disagree on `what` (their sweep file, tool version, cut or monthly files).
        case shardsDisagree(what: ShardMismatch, first: String, other: String)
        /// Shard `shard` of `of` is given twice, as `first` and `second`.
        case duplicateShard(shard: Int, of: Int, first: String, second: String)
        /// Shards `missing` of `of` are not given. ``SweepError/file``: the sweep file.
        case missingShards([Int], of: Int)
        /// The sweep file the shards were made from cannot be read (its diagnostics).
        case sweepFileUnreadable(diagnostics: String)
        /// The sweep file changed since the shards ran.
        case sweepFileChanged(hash: String, recorded: String)
        /// A shard folder (``SweepError/file``) lacks these files.
        case shardIncomplete(missing: [String])
        /// A shard's file (``SweepError/file``) cannot be merged: `reason`.
        case malformedShardFile(reason: String)
        /// Point `point` resolves to another scenario than in shard folder `shard`.
        case pointChanged(point: Int, shard: String)

        // MARK: Analyses
        /// `sensitivity.csv`, `sobol.csv` or `morris.csv` cannot be computed from the folder's files:
        /// `reason` (``SweepError/file`` names the folder or the file at fault).
        case analysisInput(reason: String)
    }

    /// What two shard folders disagree on.
    public enum ShardMismatch: Sendable, Equatable {
        /// Their sweep files (path and hash, `path (sweep hash …)`).
        case sweepFile
        /// The tool versions that made them.
        case version
        /// Their shard counts (`shard I of N`).
        case cut
        /// Whether they hold the monthly files (`has`/`lacks`).
        case monthly
    }

    public var cause: Cause
    /// The file or folder the error concerns, if any.
    public var file: String?
    /// The scenario key it concerns, if any.
    public var key: String?
    /// Where a stopped sweep's finished points are kept, when it stopped after starting to run.
    public var partialFolder: String?

    public init(_ cause: Cause, file: String? = nil, key: String? = nil, partialFolder: String? = nil) {
        self.cause = cause; self.file = file; self.key = key; self.partialFolder = partialFolder
    }

    /// The library's wording, naming no command or flag.
    public var description: String {
        let f = file ?? "?"
        switch cause {
        case .shardOutOfRange(let shard, let shards):
            return "shard \(shard) does not exist: shards are numbered 0 ..< \(shards)"
        case .moreShardsThanPoints(let shards, let points):
            return "\(shards) shards are more than the sweep's \(points) points"
        case .threadsOutOfRange(let t):
            return "threads must be in 1 … \(RunLimits.maxThreads), got \(t)"
        case .invalidPoints(let failing, let total, let details):
            return details + "\(failing) of \(total) points of \(f) are not valid scenarios; nothing was run."
        case .robustnessOutcome(let details):
            return details + "\(f): the robustness outcome is not one of the base scenario's; nothing was run."
        case .baseChanged(let point, let hash, let validated):
            return "point \(point): \(f) changed while the sweep ran (scenario hash \(hash.prefix(12)), "
                + "validated \(validated.prefix(12)))"
        case .locked(let owner, let output):
            return "the sweep into '\(output)' is already running in process \(owner.map(String.init) ?? "?") "
                + "(it holds \(f)); wait for it to finish or stop it, then run this again"
        case .lockFailed(let reason):
            return "cannot lock \(f): \(reason)"
        case .io(let action, let reason):
            return "cannot \(action) \(f): \(reason)"
        case .output(let reason):
            return reason
        case .partialMismatch:
            return "the partial sweep in \(f) does not match this sweep's chunks; remove it"
        case .stopped(let chunks):
            return "stopped after \(chunks) chunk\(chunks == 1 ? "" : "s"); run again to resume from \(partialFolder ?? f)"
        case .runFailed(let error):
            return "\(error)"
        case .noShards:
            return "no shard folders given"
        case .notAResultsFolder:
            return "'\(f)' is not a sweep shard folder: no readable manifest.json"
        case .notAShard:
            return "'\(f)' is not a shard of a sweep (its manifest has no sweep shard)"
        case .shardsDisagree(let what, let first, let other):
            switch what {
            case .sweepFile: return "shards come from different sweep files: \(first), \(other)"
            case .version: return "shards come from different tool versions: \(first), \(other)"
            case .cut: return "shards were cut differently: \(first), \(other)"
            case .monthly: return "shards differ in their monthly files: \(first), \(other)"
            }
        case .duplicateShard(let shard, let of, let first, let second):
            return "shard \(shard) of \(of) given twice: '\(first)' and '\(second)'"
        case .missingShards(let missing, let of):
            return "missing shard\(missing.count == 1 ? "" : "s") " + missing.map(String.init).joined(separator: ", ")
                + " of \(of) (0-based) of \(f); nothing was merged"
        case .sweepFileUnreadable(let diagnostics):
            return "cannot read the sweep file \(f) the shards were made from (merge from the folder the sweep ran "
                + "in):\n\(diagnostics)"
        case .sweepFileChanged(let hash, let recorded):
            return "the sweep file \(f) has changed since the shards were run (sweep hash \(hash.prefix(12)), "
                + "shards \(recorded.prefix(12)))"
        case .shardIncomplete(let missing):
            return "shard folder '\(f)' lacks " + missing.joined(separator: ", ")
        case .malformedShardFile(let reason):
            return "\(f): \(reason)"
        case .pointChanged(let point, let shard):
            return "point \(point) now resolves to another scenario than in shard '\(shard)' (the base scenario \(f) "
                + "changed since the shards were run?); run the shards again"
        case .analysisInput(let reason):
            return "\(f): \(reason)"
        }
    }

    /// The library's wording (``description``).
    public var message: String { description }

    /// An I/O failure on `file`: `action` is the verb, `error` what the system threw (its reason
    /// is kept, the file named).
    static func io(_ action: String, _ file: String, _ error: (any Error)? = nil) -> SweepError {
        SweepError(.io(action: action, reason: error.map(Self.reason) ?? "failed"), file: file)
    }

    /// The system's reason for `error` in words, without Foundation's domain and code
    /// (`No space left on device`, not `NSCocoaErrorDomain Code=640`).
    static func reason(_ error: any Error) -> String {
        if let e = error as? SweepError { return e.description }
        if let e = error as? OutputError { return e.message }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if ns.domain == NSCocoaErrorDomain && ns.code == CocoaError.fileWriteOutOfSpace.rawValue {
            return String(cString: strerror(ENOSPC))
        }
        return ns.localizedDescription
    }
}

extension SweepError {
    /// This error with ``partialFolder`` set to `folder` unless it names one already.
    func keeping(_ folder: String) -> SweepError {
        var e = self
        if e.partialFolder == nil { e.partialFolder = folder }
        return e
    }
}
