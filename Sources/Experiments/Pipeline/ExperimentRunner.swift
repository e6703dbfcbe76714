import Dispatch
import MarketModel
import ScenarioModule
import Stochastics

/// Why an experiment stopped.
public enum ExperimentError: Error, Sendable, CustomStringConvertible {
    /// A replication threw (e.g. ``ReplicationError/eventBudgetExceeded(limit:month:)``).
    case replicationFailed(scenario: String, point: Int, replication: Int, underlying: any Error)
    /// Writing the results failed, or a replication's records broke their contract.
    case output(any Error)
    /// The request itself is unusable (no points, no replications, …).
    case invalid(String)

    public var description: String {
        switch self {
        case .replicationFailed(let scenario, let point, let replication, let underlying):
            "scenario '\(scenario)', point \(point), replication \(replication): \(underlying)"
        case .output(let error): "\(error)"
        case .invalid(let message): message
        }
    }
}

/// What a finished run measured; the run-time fields vary between identical runs.
public struct RunTotals: Sendable, Equatable {
    /// Replications run (points × replications).
    public var jobs: Int
    /// Events processed, summed over replications (deterministic).
    public var events: Int
    /// Wall-clock seconds of the whole pipeline (run-time).
    public var wallSeconds: Double
    /// Seconds each replication took, in canonical order (run-time).
    public var replicationSeconds: [Double]
}

/// The run pipeline shared by `run`, `compare` and `sweep`: points × replications on
/// worker threads, results streamed in canonical order to sinks.
public enum ExperimentRunner {
    /// Runs every replication of every point.
    ///
    /// Job `k` is (point `k / replications`, replication `k % replications`); its seed plan is
    /// fixed before any worker starts (``RunConfiguration/seedPlan(point:)``). Results reach
    /// the sinks in job order whatever the thread count, so sinks write the same bytes for
    /// any `threads`. Progress is reported after each result is consumed.
    /// - Parameters:
    ///   - recordSeconds: false leaves ``RunTotals/replicationSeconds`` empty (a long sweep keeps
    ///     no per-run list; it reads the seconds through `onTimed`).
    ///   - onTimed: called on the writer thread with each job's index and seconds, before the sinks.
    ///   - stop: for one point only: asked after each replication whether to stop; when it does,
    ///     the point ends there (jobs already running are discarded) and ``RunTotals/jobs`` is the
    ///     replications written, so the sinks see exactly a run of that many replications.
    /// - Throws: ``ExperimentError/replicationFailed(scenario:point:replication:underlying:)`` for the
    ///   first failing replication in canonical order; ``ExperimentError/output(_:)`` when a sink throws.
    public static func run(points: [ExperimentPoint], configuration: RunConfiguration, sinks: [any ResultSink],
                           progress: (any ProgressReporter)? = nil, recordSeconds: Bool = true,
                           onTimed: ((_ job: Int, _ seconds: Double) -> Void)? = nil,
                           stop: SequentialStop? = nil) throws(ExperimentError) -> RunTotals {
        guard !points.isEmpty else { throw .invalid("nothing to run: no points") }
        guard stop == nil || points.count == 1 else { throw .invalid("a run stopped by precision has one point") }
        guard configuration.replications >= 1 else {
            throw .invalid("replications must be ≥ 1, got \(configuration.replications)")
        }
        guard configuration.threads >= 1, configuration.threads <= RunLimits.maxThreads else {
            throw .invalid("threads must be in 1 … \(RunLimits.maxThreads), got \(configuration.threads)")
        }
        guard configuration.replications <= RunLimits.maxReplications else {
            throw .invalid("replications must be at most \(RunLimits.maxReplications), got \(configuration.replications)")
        }
        let clock = ContinuousClock()
        let t0 = clock.now
        let r = configuration.replications
        let plans = points.map { configuration.seedPlan(point: $0.index) }
        let total = points.count * r
        let pipeline = OrderedPipeline(threads: configuration.threads, window: configuration.window)
        var totals = RunTotals(jobs: total, events: 0, wallSeconds: 0, replicationSeconds: [])
        if recordSeconds { totals.replicationSeconds.reserveCapacity(total) }
        var consumed = 0

        do {
            for sink in sinks { try sink.begin(points: points, configuration: configuration) }
        } catch { throw .output(error) }
        progress?.start(total: total)
        let preparers = sinks.map { $0.preparer() }

        do {
            do {
                try pipeline.run(count: total, work: { k in
                    let p = k / r, rep = k % r
                    let started = ContinuousClock.now
                    let result = try points[p].replicate(rep, plans[p])
                    let seconds = (ContinuousClock.now - started).seconds
                    // Sinks' per-replication formatting runs here, on the worker, in parallel.
                    let prepared = try preparers.map { try $0?(result, points[p], rep) }
                    return Timed(result: result, seconds: seconds, prepared: prepared)
                }, consume: { k, timed in
                    let p = k / r, rep = k % r
                    onTimed?(k, timed.seconds)
                    for (i, sink) in sinks.enumerated() {
                        try sink.consume(timed.result, point: points[p], replication: rep, prepared: timed.prepared[i])
                    }
                    totals.events += timed.result.events
                    if recordSeconds { totals.replicationSeconds.append(timed.seconds) }
                    consumed = k + 1
                    if rep == r - 1 {
                        for sink in sinks { try sink.endPoint(points[p]) }
                        points[p].release?()
                    }
                    progress?.update(done: k + 1, total: total)
                    if let stop, stop.stop(replications: k + 1), k + 1 < total { throw StopSignal() }
                })
            } catch is StopSignal {
                // Stopped at a batch end: the point ends with the replications consumed.
                for sink in sinks { try sink.endPoint(points[0]) }
                points[0].release?()
                totals.jobs = consumed
            }
            for sink in sinks { try sink.finish() }
        } catch let failure as OrderedPipeline.JobFailure {
            progress?.finish(done: failure.index, total: total)
            let p = failure.index / r
            throw .replicationFailed(scenario: points[p].scenario, point: points[p].index,
                                     replication: failure.index % r, underlying: failure.error)
        } catch {
            progress?.finish(done: consumed, total: total)
            throw .output(error)
        }
        progress?.finish(done: totals.jobs, total: totals.jobs)
        totals.wallSeconds = (clock.now - t0).seconds
        return totals
    }

    private struct Timed: Sendable {
        var result: ReplicationResult
        var seconds: Double
        var prepared: [(any Sendable)?]
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
