import ScenarioModule

/// What a finished comparison hands back to the command line.
public struct ComparisonReport: Sendable {
    /// The output folder.
    public var outputPath: String
    /// `compare.csv`'s rows, in file order.
    public var rows: [ComparisonRow]
    /// The run summaries of the base (point 0) and the variant (point 1).
    public var summaries: [PointSummary]
    public var replications: Int
    public var totals: RunTotals
    /// How `--precision` chose ``replications``; nil for a fixed count.
    public var precision: PrecisionOutcome?
}

/// `suanli compare`: a base and a variant as points 0 and 1 of one run, with common random numbers.
public enum Comparison {
    /// Runs `base` as point 0 and `variant` as point 1 through ``Experiment/run(points:configuration:outputPath:version:progress:extraSinks:)``
    /// (the same pipeline and files as `suanli run`, rows of both points in each file) and writes
    /// `compare.csv` into the same folder, atomically with the rest.
    ///
    /// With `configuration.commonRandomNumbers` (the default) both points get the same seed plan,
    /// so replication r of the base and of the variant draw from the same streams and the paired
    /// differences cancel the noise the two share. Without it the point is mixed into the stream
    /// keys: the pairs are independent and the intervals are those of independent runs.
    /// - Parameters:
    ///   - base, variant: their `index` is set to 0 and 1.
    ///   - precision: choose the replications first (`decideReplications`),
    ///     then run that many in place of `configuration.replications`.
    ///   - extraSinks: sinks that see every result after `compare.csv`'s (a sink that throws
    ///     stops the run, and nothing is left at `outputPath`: how `suanli serve` cancels).
    /// - Throws: ``ExperimentError``; nothing is left at `outputPath` then.
    public static func run(base: ExperimentPoint, variant: ExperimentPoint, configuration: RunConfiguration,
                           outputPath: String, version: String, progress: (any ProgressReporter)? = nil,
                           precision: PrecisionTarget? = nil,
                           extraSinks: [any ResultSink] = []) throws(ExperimentError) -> ComparisonReport {
        var b = base, v = variant
        b.index = 0
        v.index = 1
        var configuration = configuration
        var decided: PrecisionOutcome?
        if let precision {
            guard precision.halfWidth > 0, precision.halfWidth < 1 else {
                throw .invalid("--precision must be in (0, 1), got \(precision.halfWidth)")
            }
            do { try OutputFolder.checkPlace(outputPath) } catch { throw .output(error) }
            let outcome = try decideReplications(base: b, variant: v, configuration: configuration, target: precision,
                                                 progress: progress)
            configuration.replications = outcome.replications
            decided = outcome
        }
        let sink = ComparisonSink()
        let report = try Experiment.run(points: [b, v], configuration: configuration, outputPath: outputPath,
                                        version: version, progress: progress, extraSinks: [sink] + extraSinks, decided: decided)
        return ComparisonReport(outputPath: report.outputPath, rows: sink.rows, summaries: report.summaries,
                                replications: configuration.replications, totals: report.totals, precision: decided)
    }

    /// The replications `--precision` needs for a comparison: the base's and the variant's
    /// replication r run side by side (the same seeds as the full run), in batches of
    /// ``PrecisionTarget/batch``, until every firm's paired difference of `p_survive`
    /// (``PrecisionRule``, a comparison's figures) has a 95% half-width ≤ H, or the maximum.
    ///
    /// Only the few numbers per replication the differences need are kept, and the results are
    /// then dropped: the output files are written by a second pass of exactly that many
    /// replications (so they are those of `--replications n` by construction, at the cost of
    /// running the replications twice). The jobs past the stopping batch that were already
    /// running are discarded.
    public static func decideReplications(base: ExperimentPoint, variant: ExperimentPoint,
                                          configuration: RunConfiguration, target: PrecisionTarget,
                                          progress: (any ProgressReporter)? = nil) throws(ExperimentError) -> PrecisionOutcome {
        guard (1...RunLimits.maxReplications).contains(target.maxReplications) else {
            throw .invalid("--max-replications must be in 1 … \(RunLimits.maxReplications), got \(target.maxReplications)")
        }
        let points = [base, variant]
        let plans = points.map { configuration.seedPlan(point: $0.index) }
        var trackers = points.map { ComparisonTracker(point: $0) }
        let total = 2 * target.maxReplications
        let pipeline = OrderedPipeline(threads: configuration.threads, window: configuration.window)
        var outcome: PrecisionOutcome?
        var consumed = 0
        progress?.start(total: total)
        do {
            try pipeline.run(count: total, work: { k in
                try points[k % 2].replicate(k / 2, plans[k % 2])
            }, consume: { k, result in
                trackers[k % 2].add(result)
                consumed = k + 1
                progress?.update(done: k + 1, total: total)
                let n = k / 2 + 1
                guard k % 2 == 1, target.checks(after: n) else { return }
                let widest = PrecisionRule.widest(PrecisionRule.figures(PairedComparison.rows(base: trackers[0],
                                                                                             variant: trackers[1])))
                let met = widest.map { $0.halfWidth <= target.halfWidth } ?? true
                guard met || n >= target.maxReplications else { return }
                outcome = PrecisionOutcome(target: target, replications: n, deciding: widest, met: met)
                if k + 1 < total { throw StopSignal() }
            })
        } catch is StopSignal {
        } catch let failure as OrderedPipeline.JobFailure {
            progress?.finish(done: failure.index, total: total)
            throw .replicationFailed(scenario: points[failure.index % 2].scenario, point: failure.index % 2,
                                     replication: failure.index / 2, underlying: failure.error)
        } catch {
            progress?.finish(done: consumed, total: total)
            throw .output(error)
        }
        progress?.finish(done: consumed, total: consumed)
        guard let outcome else { throw .invalid("no replications ran") }
        return outcome
    }
}
