import Analysis
import MarketModel
import ScenarioModule

/// What a completed experiment hands back to the command line.
public struct ExperimentReport: Sendable {
    /// The output folder.
    public var outputPath: String
    /// Firm summaries per point, in point order.
    public var summaries: [PointSummary]
    public var totals: RunTotals
    /// Replications run per point (``RunConfiguration/replications``, or where `--precision` stopped).
    public var replications: Int
    /// How `--precision` decided ``replications``; nil for a fixed count.
    public var precision: PrecisionOutcome?
}

/// A whole experiment: the pipeline plus the output folder and its manifest.
public enum Experiment {
    /// Runs `points` × `configuration.replications` and writes the standard files and
    /// `manifest.json` into `outputPath`, atomically: on success the folder holds the complete
    /// output (replacing an earlier run's), on any error nothing is left behind.
    /// - Parameters:
    ///   - version: the tool version recorded in the manifest.
    ///   - extraSinks: further sinks fed the same results (e.g. a comparison's paired statistics).
    ///     A ``FolderResultSink`` among them is given the folder to write its own files into
    ///     (before `begin`), and its files are listed in the manifest; others keep their
    ///     results in memory or write elsewhere.
    ///   - precision: for one point: run up to `maxReplications` (in place of
    ///     `configuration.replications`) and stop at the first batch end where ``PrecisionRule``
    ///     holds; the files are those of a run of the replications reached.
    ///   - decided: how an earlier pass chose `configuration.replications` (a comparison's), for
    ///     the manifest.
    /// - Throws: ``ExperimentError``.
    public static func run(points: [ExperimentPoint], configuration: RunConfiguration, outputPath: String,
                           version: String, progress: (any ProgressReporter)? = nil,
                           extraSinks: [any ResultSink] = [], precision: PrecisionTarget? = nil,
                           decided: PrecisionOutcome? = nil) throws(ExperimentError) -> ExperimentReport {
        guard !points.isEmpty else { throw .invalid("nothing to run: no points") }
        var configuration = configuration
        if let precision {
            guard points.count == 1 else { throw .invalid("--precision stops a run of one scenario; a comparison decides first") }
            guard precision.halfWidth > 0, precision.halfWidth < 1 else {
                throw .invalid("--precision must be in (0, 1), got \(precision.halfWidth)")
            }
            configuration.replications = precision.maxReplications
        }
        // Refused before anything is made: counts past the limits, and an unusable output place.
        guard (1...RunLimits.maxReplications).contains(configuration.replications) else {
            throw .invalid("replications must be in 1 … \(RunLimits.maxReplications), got \(configuration.replications)")
        }
        guard (1...RunLimits.maxThreads).contains(configuration.threads) else {
            throw .invalid("threads must be in 1 … \(RunLimits.maxThreads), got \(configuration.threads)")
        }
        do { try OutputFolder.checkPlace(outputPath) } catch { throw .output(error) }
        let revision = Manifest.RevisionProbe()
        let folder: OutputFolder
        do { folder = try OutputFolder.create(at: outputPath) } catch { throw .output(error) }
        do throws(ExperimentError) {
            // A single run whose scenario draws parameters per replication ranks them like a sweep's,
            // from the rows as they are written.
            let ranksDraws = points.count == 1 && !points[0].perReplicationKeys.isEmpty
            let files = ResultFiles(directory: folder.temporaryPath, collectsOutcomes: ranksDraws)
            let folderSinks = extraSinks.compactMap { $0 as? any FolderResultSink }
            do {
                for sink in folderSinks { try sink.open(directory: folder.temporaryPath) }
            } catch { throw ExperimentError.output(error) }
            // The summary so far; after the last replication the point has ended and its summary is kept.
            let stop = precision.map { SequentialStop(target: $0, summary: { files.currentSummary ?? files.summaries.last }) }
            let totals = try ExperimentRunner.run(points: points, configuration: configuration,
                                                  sinks: [files] + extraSinks, progress: progress, stop: stop)
            // What was run: the replications reached, as `--replications n` would record them.
            configuration.replications = totals.jobs / points.count
            let outcome = stop?.outcome ?? decided
            var extraFiles = folderSinks.flatMap(\.fileNames)
            if ranksDraws {
                do throws(AnalysisError) {
                    if let outcomes = files.runOutcomes {
                        try Sensitivity.write(Sensitivity.csv(outcomes), folder: folder.temporaryPath)
                    } else {
                        try Sensitivity.write(folder: folder.temporaryPath)
                    }
                } catch {
                    throw ExperimentError.output(error)
                }
                extraFiles.append(Sensitivity.file)
            }
            do {
                try Manifest(version: version, points: points, configuration: configuration, totals: totals,
                             extraFiles: extraFiles, precision: outcome, gitRevision: revision.revision)
                    .write(to: folder.temporaryPath + "/manifest.json")
                try folder.commit()
            } catch { throw ExperimentError.output(error) }
            return ExperimentReport(outputPath: folder.path, summaries: files.summaries, totals: totals,
                                    replications: configuration.replications, precision: outcome)
        } catch {
            folder.discard()
            throw error
        }
    }
}
