import MarketModel

/// Receives replication results in canonical order: point by point, replications
/// ascending. All calls come from one thread (the pipeline's writer), so a sink may hold
/// plain mutable state and open files.
public protocol ResultSink: AnyObject {
    /// Called once before any result, with every point of the run.
    func begin(points: [ExperimentPoint], configuration: RunConfiguration) throws
    /// Called for each replication of `point`, in order.
    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int) throws
    /// Called after the last replication of `point`.
    func endPoint(_ point: ExperimentPoint) throws
    /// Called once after the last point; flush and close here.
    func finish() throws
    /// Work a sink can hand to the worker threads, called once after `begin`: a pure function
    /// of one replication's result whose value is passed to ``consume(_:point:replication:prepared:)``
    /// (formatting rows, say), so the single writer thread only appends. nil: no such work.
    func preparer() -> (@Sendable (ReplicationResult, ExperimentPoint, Int) throws -> any Sendable)?
    /// Like ``consume(_:point:replication:)``, with what the sink's preparer returned for it.
    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int, prepared: (any Sendable)?) throws
}

extension ResultSink {
    public func preparer() -> (@Sendable (ReplicationResult, ExperimentPoint, Int) throws -> any Sendable)? { nil }
    public func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int,
                        prepared: (any Sendable)?) throws {
        try consume(result, point: point, replication: replication)
    }
}

/// A sink that writes files of its own into the run's output folder (as `compare.csv`).
///
/// ``Experiment/run(points:configuration:outputPath:version:progress:extraSinks:)`` calls
/// ``open(directory:)`` with the (temporary) folder before ``ResultSink/begin(points:configuration:)``
/// and lists ``fileNames`` in the manifest.
public protocol FolderResultSink: ResultSink {
    /// The files it writes into the folder.
    var fileNames: [String] { get }
    /// Called once, before `begin`, with the folder to write into.
    func open(directory: String) throws
}

extension ResultSink {
    public func begin(points: [ExperimentPoint], configuration: RunConfiguration) throws {}
    public func endPoint(_ point: ExperimentPoint) throws {}
    public func finish() throws {}
}
