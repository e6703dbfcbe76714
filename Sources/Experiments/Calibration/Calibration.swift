import Foundation
import MarketModel
import ScenarioModule
import Stochastics
import Tables

/// Why a calibration stopped before writing its folder.
public struct CalibrationError: Error, Sendable, CustomStringConvertible {
    public enum Cause: Sendable {
        /// The targets file, or its base scenario, has problems (located diagnostics).
        case diagnostics(ScenarioDiagnostics)
        /// The request is unusable (threads out of range, …).
        case invalid(String)
        /// The partial folder, its lock or the output could not be used (see ``SweepError``).
        case files(SweepError)
        /// No proposal could be drawn inside the priors' bounds.
        case proposal(CalibrationEngine.Failure)
        /// A run failed.
        case runFailed(ExperimentError)
        /// Stopped on request after `batches` new batches; the partial folder keeps them.
        case stopped(batches: Int)
    }
    public var cause: Cause
    /// The folder that keeps the finished batches, once the calibration has started.
    public var partialFolder: String?

    public var description: String {
        switch cause {
        case .diagnostics(let d): return d.description
        case .invalid(let s): return s
        case .files(let e): return e.description
        case .proposal(let f): return f.description
        case .runFailed(let e):
            return "\(e)" + (partialFolder.map { "; the finished batches are kept in \($0): run again to resume" } ?? "")
        case .stopped(let n):
            return "stopped after \(n) batch\(n == 1 ? "" : "es"); run again to resume from \(partialFolder ?? "the partial folder")"
        }
    }
}

/// Where a calibration stands, for a progress line.
public struct CalibrationStatus: Sendable {
    /// `fitting` while generations run, `predictive` for the posterior predictive runs.
    public var stage: String
    public var generation: Int
    public var tolerance: Double?
    public var accepted: Int
    public var particles: Int
    public var proposals: Int
    public var simulations: Int
    public var budget: Int
    /// Simulations run by this process and the seconds they took (for a rate; resumed work excluded).
    public var simulationsHere: Int
    public var seconds: Double
    /// Batches of an earlier, interrupted run replayed from the partial folder.
    public var resumedBatches: Int
}

/// What a finished calibration hands back.
public struct CalibrationReport: Sendable {
    public var outputPath: String
    public var generations: [GenerationRow]
    public var stop: ABCSMC.Stop
    public var simulations: Int
    public var posterior: [ABCSMC.Particle]
    public var parameterPaths: [String]
    /// Each observed value with its posterior predictive quantiles.
    public var fit: [FitRow]
    public var files: [String]
    /// Batches replayed from the partial folder of an earlier, interrupted run.
    public var resumedBatches: Int
}

/// `suanli calibrate`: ABC-SMC (``ABCSMC``, ``CalibrationEngine``) of a targets file's parameters
/// against its observations, on the run pipeline (``ExperimentRunner``), resumable through the
/// sweep's journal (``SweepJournal``), written atomically (``OutputFolder``).
public enum Calibration {
    /// The files of a calibration folder, `manifest.json` first.
    public static let fileNames = ["manifest.json", CalibrationSchemas.posterior.file, CalibrationSchemas.generations.file,
                                   CalibrationSchemas.fit.file]
    static let journalData = "proposals.txt"

    /// The base scenario's document and the observation plan of `targets`, every problem located.
    /// - Throws: the base scenario's diagnostics, or the targets file's (a key that cannot be set in the
    ///   base, a tier, firm, column or month that does not exist).
    public static func check(_ targets: TargetsFile) throws(ScenarioDiagnostics) -> (ScenarioBase, ScenarioDocument, ObservationPlan) {
        let base = ScenarioBase(path: targets.basePath)
        let document = try base.document(overrides: [])
        var problems: [Diagnostic] = []
        var plan: ObservationPlan?
        do { plan = try ObservationPlan(targets: targets, document: document) } catch { problems += error.diagnostics }
        for (i, p) in targets.parameters.enumerated() {
            let v = [p.prior.mean, (p.lower + p.upper) / 2, p.lower, p.upper].compactMap { $0 }
                .first { $0.isFinite && $0 >= p.lower && $0 <= p.upper } ?? 0
            do throws(ScenarioDiagnostics) { _ = try base.document(overrides: [override(p, v)]) } catch {
                let first = error.diagnostics.first.map { $0.keyPath + ": " + $0.message } ?? error.description
                problems.append(targets.diagnostic(p.mark, "parameters[\(i)].path",
                                                   "cannot be set in \(targets.basePath): \(first)"))
            }
        }
        guard problems.isEmpty, let plan else { throw ScenarioDiagnostics(diagnostics: problems, file: targets.path) }
        return (base, document, plan)
    }

    /// `path=value` for a fitted key, an integer key's value rounded.
    static func override(_ p: TargetsFile.Parameter, _ v: Double) -> String {
        p.integer ? "\(p.path)=\(Int(v.rounded()))" : "\(p.path)=\(CSVFormat.double(v))"
    }

    /// Runs the calibration and writes `posterior.csv`, `generations.csv`, `fit.csv` and
    /// `manifest.json` into `outputPath`, atomically.
    ///
    /// Resumable: each batch's accepted proposals are appended to `proposals.txt` in a partial folder
    /// beside the output (`.<name>.calibrate-partial`) and recorded in its journal; started again after
    /// a kill at any moment, it replays the recorded batches (the proposals are drawn again and must
    /// match) and continues, ending with the same bytes as an uninterrupted run.
    /// - Parameters:
    ///   - stopAfterBatches: stop (throwing ``CalibrationError/Cause/stopped(batches:)``) after this many
    ///     new batches, leaving the partial folder; for tests.
    public static func run(_ targets: TargetsFile, outputPath: String, threads: Int, version: String,
                           progress: ((CalibrationStatus) -> Void)? = nil,
                           stopAfterBatches: Int? = nil) throws(CalibrationError) -> CalibrationReport {
        guard threads >= 1, threads <= RunLimits.maxThreads else {
            throw CalibrationError(cause: .invalid("threads must be in 1 … \(RunLimits.maxThreads), got \(threads)"))
        }
        let base: ScenarioBase, document: ScenarioDocument, plan: ObservationPlan
        do { (base, document, plan) = try check(targets) } catch { throw CalibrationError(cause: .diagnostics(error)) }
        do { try OutputFolder.checkPlace(outputPath) } catch {
            throw CalibrationError(cause: .files(SweepError(.output(reason: error.message), file: outputPath)))
        }
        var truncated = targets.truncate && plan.lastFittedMonth + 1 < document.horizonMonths
            ? ["horizon_months=\(plan.lastFittedMonth + 1)"] : []
        // A scenario with dated events after the cut (a shock in 2025 when the last observation is in
        // 2024) is not valid cut there: its runs go the whole horizon.
        if !truncated.isEmpty, (try? base.unhashedDocument(overrides: truncated)) == nil { truncated = [] }
        let settings = CalibrationEngine.Settings(
            priors: targets.parameters.map { ABCSMC.Prior($0.prior, lower: $0.lower, upper: $0.upper) },
            particles: targets.particles, replications: targets.replications, budget: targets.budget,
            minTolerance: targets.minTolerance, minAcceptance: targets.minAcceptance,
            maxGenerations: targets.maxGenerations, quantile: targets.quantile, seed: targets.seed)
        var engine = CalibrationEngine(settings)

        // The partial folder: lock, journal, the accepted proposals of every recorded batch.
        let partial = SweepJournal.folder(outputPath: outputPath, kind: "calibrate")
        let lock: SweepLock
        do { lock = try SweepLock.acquire(folder: partial, output: outputPath) } catch {
            throw CalibrationError(cause: .files(error))
        }
        defer { lock.release() }
        let journal = SweepJournal(outputPath: outputPath, header: "suanli-calibration-journal 1 version=\(version) "
            + "targets=\(targets.contentHash) base=\(document.contentHash)", kind: "calibrate")
        let recorded: [SweepJournal.Chunk]
        do { recorded = try journal.open(files: [journalData], keep: [SweepLock.fileName]) } catch {
            throw CalibrationError(cause: .files(error))
        }
        func failed(_ cause: CalibrationError.Cause) -> CalibrationError {
            journal.closeFiles()
            return CalibrationError(cause: cause, partialFolder: journal.folder)
        }

        // Replay what an earlier run recorded.
        var replayed = 0
        if !recorded.isEmpty {
            let text = (try? String(contentsOfFile: journal.folder + "/" + journalData, encoding: .utf8)) ?? ""
            guard let logged = JournalBatch.parse(text), logged.count == recorded.count else {
                throw failed(.files(SweepError(.partialMismatch, file: journal.folder)))
            }
            for entry in logged {
                let batch: CalibrationEngine.Batch?
                do { batch = try engine.nextBatch() } catch { throw failed(.proposal(error)) }
                guard let batch, batch.generation == entry.generation, batch.first == entry.first,
                      batch.thetas.count == entry.count else {
                    throw failed(.files(SweepError(.partialMismatch, file: journal.folder)))
                }
                var distances = Array(repeating: [Double](repeating: .infinity, count: targets.replications), count: entry.count)
                for a in entry.accepted {
                    let j = a.proposal - entry.first
                    guard j >= 0, j < entry.count, batch.thetas[j] == a.theta else {
                        throw failed(.files(SweepError(.partialMismatch, file: journal.folder)))
                    }
                    distances[j] = a.distances
                }
                guard engine.apply(batch, distances: distances) == entry.accepted else {
                    throw failed(.files(SweepError(.partialMismatch, file: journal.folder)))
                }
                replayed += 1
            }
        }

        // Run batches until the engine stops.
        let clock = ContinuousClock()
        let started = clock.now
        var ranHere = 0, newBatches = 0
        func status(_ stage: String, simulations: Int? = nil) -> CalibrationStatus {
            CalibrationStatus(stage: stage, generation: engine.generation, tolerance: engine.tolerance,
                              accepted: engine.acceptedInGeneration, particles: targets.particles,
                              proposals: engine.proposalsInGeneration, simulations: simulations ?? engine.simulations,
                              budget: targets.budget, simulationsHere: ranHere, seconds: (clock.now - started).seconds,
                              resumedBatches: replayed)
        }
        progress?(status("fitting"))
        while true {
            let next: CalibrationEngine.Batch?
            do { next = try engine.nextBatch() } catch { throw failed(.proposal(error)) }
            guard let batch = next else { break }
            if let stopAfterBatches, newBatches >= stopAfterBatches {
                try? journal.sync(force: true)
                throw failed(.stopped(batches: newBatches))
            }
            let points = batch.thetas.enumerated().map { j, theta in
                point(index: pointIndex(generation: batch.generation, proposal: batch.first + j), document: document,
                      base: base, overrides: zip(targets.parameters, theta).map { override($0, $1) } + truncated)
            }
            let sink = DistanceSink(plan: plan)
            let configuration = RunConfiguration(replications: targets.replications, masterSeed: targets.seed,
                                                 commonRandomNumbers: false, threads: threads)
            let t0 = clock.now
            let totals: RunTotals
            do {
                totals = try ExperimentRunner.run(points: points, configuration: configuration, sinks: [sink], recordSeconds: false)
            } catch { throw failed(.runFailed(error)) }
            let distances = sink.values.map { runs in runs.map { plan.distance($0) } }
            let accepted = engine.apply(batch, distances: distances)
            ranHere += batch.thetas.count * targets.replications
            newBatches += 1
            let text = JournalBatch(generation: batch.generation, first: batch.first, count: batch.thetas.count,
                                    accepted: accepted).text
            do {
                try journal.append(SweepJournal.Chunk(first: engine.batches - 1, count: batch.thetas.count, events: totals.events,
                                                      wallSeconds: (clock.now - t0).seconds, seconds: RunSeconds()),
                                   bytes: [Array(text.utf8)], withHeader: true)
                // A batch is N runs or more: syncing each one costs little beside them.
                try journal.sync(force: true)
            } catch { throw failed(.files(error)) }
            progress?(status("fitting"))
        }
        do { try journal.sync(force: true) } catch { throw failed(.files(error)) }
        journal.closeFiles()

        // The posterior predictive over the whole horizon, each run a particle drawn by weight.
        let posterior = engine.population
        let predictivePlan = SeedPlan(masterSeed: targets.seed)
        let weights = posterior.map(\.weight)
        let predictivePoints = (0..<targets.predictive).map { m -> ExperimentPoint in
            let i = ABCSMC.drawIndex(weights, predictivePlan.stream(replication: m, kind: "abc-predictive"))
            return point(index: predictiveIndex + m, document: document, base: base,
                         overrides: zip(targets.parameters, posterior[i].theta).map { override($0, $1) })
        }
        var predicted: [[Double?]] = []
        if !predictivePoints.isEmpty {
            progress?(status("predictive", simulations: 0))
            let sink = DistanceSink(plan: plan)
            let configuration = RunConfiguration(replications: 1, masterSeed: targets.seed, commonRandomNumbers: false,
                                                 threads: threads)
            do { _ = try ExperimentRunner.run(points: predictivePoints, configuration: configuration, sinks: [sink], recordSeconds: false) } catch {
                throw CalibrationError(cause: .runFailed(error), partialFolder: journal.folder)
            }
            predicted = sink.values.map { $0[0] }
        }
        let fit = fitRows(plan: plan, document: document, predicted: predicted)

        // The folder.
        let stop = engine.stop ?? .budget
        let folder: OutputFolder
        do { folder = try OutputFolder.create(at: outputPath) } catch {
            throw CalibrationError(cause: .files(SweepError(.output(reason: error.message), file: outputPath)), partialFolder: journal.folder)
        }
        do {
            let dir = folder.temporaryPath
            let paths = targets.parameters.map(\.path)
            try CalibrationSchemas.writePosterior(posterior, paths: paths, to: dir + "/" + CalibrationSchemas.posterior.file)
            try CalibrationSchemas.write(CalibrationSchemas.generations, engine.rows, to: dir + "/" + CalibrationSchemas.generations.file)
            try CalibrationSchemas.write(CalibrationSchemas.fit, fit, to: dir + "/" + CalibrationSchemas.fit.file)
            let json = manifest(targets, document: document, engine: engine, stop: stop, truncated: truncated, plan: plan,
                                version: version, threads: threads, wallSeconds: (clock.now - started).seconds)
            guard FileManager.default.createFile(atPath: dir + "/manifest.json", contents: Data(json.text().utf8)) else {
                throw OutputError(message: "cannot write \(dir)/manifest.json")
            }
            try folder.commit()
        } catch {
            folder.discard()
            let message = (error as? OutputError)?.message ?? "\(error)"
            throw CalibrationError(cause: .files(SweepError(.output(reason: message), file: outputPath)), partialFolder: journal.folder)
        }
        lock.release()
        journal.remove()
        return CalibrationReport(outputPath: folder.path, generations: engine.rows, stop: stop, simulations: engine.simulations,
                                 posterior: posterior, parameterPaths: targets.parameters.map(\.path), fit: fit,
                                 files: fileNames, resumedBatches: replayed)
    }

    /// The point index of proposal `k` of generation `g`: distinct for every proposal, so with common
    /// random numbers off every proposal's runs have streams of their own.
    static func pointIndex(generation g: Int, proposal k: Int) -> Int { g * 1_000_000_000 + k }
    /// The first point index of the predictive runs (beyond any generation's).
    static let predictiveIndex = 1_000_000 * 1_000_000_000

    /// A point that builds its scenario (the base with `overrides`) in the worker that runs it.
    static func point(index: Int, document: ScenarioDocument, base: ScenarioBase, overrides: [String]) -> ExperimentPoint {
        var p = ExperimentPoint(index: index, scenario: document.name, start: document.start,
                                horizonMonths: document.horizonMonths, tierNames: document.tierNames,
                                firmNames: document.providerNames, firmModels: document.providerModels,
                                templateNames: document.templateNames, templateModels: document.templateModels) { replication, plan in
            let doc = try base.unhashedDocument(overrides: overrides)
            let instance = doc.instantiate(replication: replication, plan: plan)
            return try MarketReplication.run(instance.scenario, plan: plan, replication: replication, parameters: instance.parameters)
        }
        p.populationNames = document.populations.map(\.name)
        return p
    }

    /// Each observed value against the predictive runs' values: 5/25/50/75/95% quantiles of the runs
    /// that have a value.
    static func fitRows(plan: ObservationPlan, document: ScenarioDocument, predicted: [[Double?]]) -> [FitRow] {
        plan.values.enumerated().map { i, v in
            let xs = predicted.compactMap { $0[i] }.sorted()
            func q(_ f: Double) -> Double? { Stats.quantile(sorted: xs, f) }
            let p05 = q(0.05), p95 = q(0.95)
            return FitRow(observation: v.observation, month: v.month.map { document.start.adding(months: $0).description },
                          observed: v.observed, sd: v.sd, fitted: v.fit, runs: xs.count,
                          p05: p05, p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: p95,
                          within90: p05.flatMap { lo in p95.map { hi in v.observed >= lo && v.observed <= hi } })
        }
    }

    static func manifest(_ t: TargetsFile, document: ScenarioDocument, engine: CalibrationEngine, stop: ABCSMC.Stop,
                         truncated: [String], plan: ObservationPlan, version: String, threads: Int,
                         wallSeconds: Double) -> JSONValue {
        .object([
            ("tool", .string("suanli")),
            ("version", .string(version)),
            ("kind", .string("calibration")),
            ("calibration", .object([
                ("file", .string(t.path)),
                ("name", .string(t.name)),
                ("targets_hash", .string(t.contentHash)),
                ("base", .string(t.basePath)),
                ("base_hash", .string(document.contentHash)),
                ("scenario", .string(document.name)),
                ("seed", .uint(t.seed)),
                ("particles", .int(t.particles)),
                ("replications", .int(t.replications)),
                ("budget", .int(t.budget)),
                ("min_tolerance", .double(t.minTolerance)),
                ("min_acceptance", .double(t.minAcceptance)),
                ("max_generations", .int(t.maxGenerations)),
                ("quantile", .double(t.quantile)),
                ("predictive", .int(t.predictive)),
                ("truncated_overrides", .array(truncated.map(JSONValue.string))),
                ("parameters", .array(t.parameters.map { p in
                    .object([("path", .string(p.path)), ("prior", .string(p.priorText)),
                             ("lower", .double(p.lower)), ("upper", .double(p.upper))])
                })),
                ("observed_values", .int(plan.values.count)),
                ("fitted_values", .int(plan.values.filter(\.fit).count)),
            ])),
            ("result", .object([
                ("generations", .int(engine.rows.count)),
                ("stop", .string(stop.rawValue)),
                ("final_tolerance", engine.rows.last?.tolerance.map(JSONValue.double) ?? .null),
                ("ess", .double(engine.rows.last?.ess ?? 0)),
                ("simulations", .int(engine.simulations)),
            ])),
            ("files", .array(fileNames.map(JSONValue.string))),
            ("runtime", .object([
                ("created", .string(Date().ISO8601Format())),
                ("git_revision", .string(Manifest.gitRevision())),
                ("threads", .int(threads)),
                ("wall_seconds", .double(wallSeconds)),
            ])),
        ])
    }
}

/// Collects each point's runs' observed values, in order (computed on the workers).
final class DistanceSink: ResultSink {
    let plan: ObservationPlan
    /// `values[point][replication]`: the run's observed values.
    private(set) var values: [[[Double?]]] = []
    private var lastPoint: Int?

    init(plan: ObservationPlan) { self.plan = plan }

    func preparer() -> (@Sendable (ReplicationResult, ExperimentPoint, Int) throws -> any Sendable)? {
        let plan = self.plan
        return { result, _, _ in plan.read(result) }
    }

    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int) throws {
        try consume(result, point: point, replication: replication, prepared: plan.read(result))
    }

    func consume(_ result: ReplicationResult, point: ExperimentPoint, replication: Int, prepared: (any Sendable)?) throws {
        let read = (prepared as? [Double?]) ?? plan.read(result)
        if lastPoint != point.index { values.append([]); lastPoint = point.index }
        values[values.count - 1].append(read)
    }
}

/// One batch as the journal's data file records it:
/// `batch G FIRST COUNT`, then `accepted K θ1,θ2,… d1,d2,…` for each proposal it accepted.
struct JournalBatch: Equatable {
    var generation: Int
    var first: Int
    var count: Int
    var accepted: [CalibrationEngine.Accepted]

    var text: String {
        var s = "batch \(generation) \(first) \(count)\n"
        for a in accepted {
            s += "accepted \(a.proposal) " + a.theta.map { "\($0)" }.joined(separator: ",") + " "
                + a.distances.map { "\($0)" }.joined(separator: ",") + "\n"
        }
        return s
    }

    /// The batches of a data file; nil when a line is not one of these (the file is not this journal's).
    static func parse(_ text: String) -> [JournalBatch]? {
        var out: [JournalBatch] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.first == "batch", f.count == 4, let g = Int(f[1]), let k = Int(f[2]), let n = Int(f[3]) {
                out.append(JournalBatch(generation: g, first: k, count: n, accepted: []))
            } else if f.first == "accepted", f.count == 4, let k = Int(f[1]), !out.isEmpty {
                let theta = f[2].split(separator: ",").compactMap { Double($0) }
                let d = f[3].split(separator: ",").compactMap { Double($0) }
                out[out.count - 1].accepted.append(CalibrationEngine.Accepted(proposal: k, theta: theta, distances: d))
            } else {
                return nil
            }
        }
        return out
    }
}
