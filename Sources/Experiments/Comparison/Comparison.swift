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
    /// - Throws: ``ExperimentError``; nothing is left at `outputPath` then.
    public static func run(base: ExperimentPoint, variant: ExperimentPoint, configuration: RunConfiguration,
                           outputPath: String, version: String,
                           progress: (any ProgressReporter)? = nil) throws(ExperimentError) -> ComparisonReport {
        var b = base, v = variant
        b.index = 0
        v.index = 1
        let sink = ComparisonSink()
        let report = try Experiment.run(points: [b, v], configuration: configuration, outputPath: outputPath,
                                        version: version, progress: progress, extraSinks: [sink])
        return ComparisonReport(outputPath: report.outputPath, rows: sink.rows, summaries: report.summaries,
                                replications: configuration.replications, totals: report.totals)
    }
}
