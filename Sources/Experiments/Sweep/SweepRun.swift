import Foundation
import ScenarioModule
import Stochastics
import Synchronization
import Tables

/// What a sweep reports while it runs (see ``SweepRun/run(_:outputPath:threads:shard:shards:monthly:version:progress:stopAfterChunks:onEvent:)``),
/// in this order: `started`, `saved` as chunks are recorded, `assembling`, `committed`. A caller may
/// use them to say how to resume after an interrupt, or (tests) to stop at a known step.
public enum SweepEvent: Sendable, Equatable {
    /// Every point is valid and the partial folder is open: `done` of `points` points were saved
    /// by an earlier run (0 for a fresh sweep).
    case started(partialFolder: String, points: Int, done: Int)
    /// The journal now records `points` points (counting from the first) as finished.
    case saved(points: Int)
    /// Every point is finished; the output is being assembled in `temporaryFolder`.
    case assembling(temporaryFolder: String)
    /// The output is in place at `outputPath`; the partial folder is about to be removed.
    case committed(outputPath: String)

    /// The event's name: `started`, `saved`, `assembling`, `committed`.
    public var name: String {
        switch self {
        case .started: "started"
        case .saved: "saved"
        case .assembling: "assembling"
        case .committed: "committed"
        }
    }
}

/// What a finished sweep (or shard) hands back to the command line.
public struct SweepReport: Sendable {
    public var outputPath: String
    /// The points run, in order.
    public var points: [Int]
    public var totals: RunTotals
    /// The files written, `manifest.json` first.
    public var files: [String]
}

/// Running a sweep through the experiment pipeline (``ExperimentRunner``), whole or one shard.
public enum SweepRun {
    /// The files of a sweep folder besides `manifest.json`, in order.
    public static func fileNames(monthly: Bool) -> [String] {
        [OutputSchemas.pointsFile] + ResultFiles(directory: nil, monthly: monthly).writtenFileNames
    }

    /// Runs the points of shard `shard` of `shards` (all points when `shards` is 1) and writes
    /// `points.csv`, the run files (monthly ones only with `monthly`) and `manifest.json` into
    /// `outputPath`, atomically (see ``OutputFolder``).
    ///
    /// Resumable: the points run in chunks (about 16 runs each), appended as they finish to the
    /// files of a partial folder beside the output (`.<name>.sweep-partial`) and recorded in its
    /// `journal.txt` (see ``SweepJournal``). A sweep that was stopped (killed at any moment,
    /// interrupted, or `stopAfterChunks`) and is started again with the same sweep file, shard,
    /// `monthly` and version continues after the last recorded chunk and ends with the same bytes
    /// as an uninterrupted run. The partial folder is locked while a sweep runs (``SweepLock``),
    /// and removed when the output is committed.
    ///
    /// Memory does not grow with the sweep: points are validated up front but their scenarios are
    /// loaded again when they run and dropped when they finish, rows go to the files chunk by
    /// chunk, the manifest's point entries are spooled to a file, and `sensitivity.csv` (with
    /// `sobol.csv` or `morris.csv`) is computed from the files a record at a time.
    /// - Parameters:
    ///   - stopAfterChunks: stop (throwing) after this many new chunks, leaving the partial
    ///     folder to resume from; for tests and for running a sweep in slices.
    ///   - journalInterval: how long finished chunks may wait for their journal line (and the
    ///     `saved` event); nil keeps the journal's own (``SweepJournal/syncInterval``). Zero
    ///     records every chunk as it finishes, so a test that stops at a `saved` count does not
    ///     depend on how fast the chunks run.
    ///   - onEvent: told of each step (``SweepEvent``), on the calling or the writer thread.
    /// - Throws: ``SweepError`` for unusable requests, invalid points, a partial folder locked by
    ///   another process, and failed replications or output; once the sweep has started to run, its
    ///   ``SweepError/partialFolder`` names the folder that keeps the finished points.
    public static func run(_ sweep: Sweep, outputPath: String, threads: Int, shard: Int = 0, shards: Int = 1,
                           monthly: Bool = false, version: String, progress: (any ProgressReporter)? = nil,
                           stopAfterChunks: Int? = nil, journalInterval: Duration? = nil,
                           onEvent: (@Sendable (SweepEvent) -> Void)? = nil) throws(SweepError) -> SweepReport {
        guard shards >= 1, shard >= 0, shard < shards else {
            throw SweepError(.shardOutOfRange(shard: shard, shards: shards))
        }
        guard shards <= sweep.pointCount else {
            throw SweepError(.moreShardsThanPoints(shards: shards, points: sweep.pointCount))
        }
        guard threads >= 1, threads <= RunLimits.maxThreads else { throw SweepError(.threadsOutOfRange(threads)) }
        // The output place is checked before anything runs, so an unusable --out fails at once.
        do { try OutputFolder.checkPlace(outputPath) } catch { throw SweepError(.output(reason: error.message), file: outputPath) }
        let configuration = sweep.configuration(threads: threads)
        let indices = sweep.pointIndices(shard: shard, of: shards)
        // The analyses need every point: an unsharded run writes them, a shard leaves them to the merge.
        let names = ["manifest.json"] + fileNames(monthly: monthly) + (shards == 1 ? sweep.analysisFiles : [])
        let dataFiles = ResultFiles(directory: nil, monthly: monthly).writtenFileNames

        let partialFolder = SweepJournal.folder(outputPath: outputPath)
        let lock = try SweepLock.acquire(folder: partialFolder, output: outputPath)
        defer { lock.release() }
        let folderWasNew = (try? FileManager.default.contentsOfDirectory(atPath: partialFolder)) == [SweepLock.fileName]

        // Validate every point (in parallel); keep each point's manifest entry in a spool file
        // and only its metadata in memory.
        let spoolPath = partialFolder + "/" + manifestPointsSpool
        let points: [ExperimentPoint]
        var pointsHash = FNV1a()
        do throws(SweepError) {
            guard FileManager.default.createFile(atPath: spoolPath, contents: nil),
                  let spool = FileHandle(forWritingAtPath: spoolPath) else { throw SweepError.io("write", spoolPath) }
            defer { try? spool.close() }
            var made: [ExperimentPoint] = []
            made.reserveCapacity(indices.count)
            try sweep.forEachDocument(indices, threads: threads) { (p, doc) throws(SweepError) in
                let full = ExperimentPoint(index: p, document: doc,
                                           overrides: sweep.overrides(point: p))
                if made.isEmpty { try sweep.checkRobustnessOutcome(full) }
                let text = Manifest.pointJSON(full).text().dropLast().replacingOccurrences(of: "\n", with: "\n    ")
                do { try spool.write(contentsOf: Data(((made.isEmpty ? "" : ",\n") + "    " + text).utf8)) } catch {
                    throw SweepError.io("write", spoolPath, error)
                }
                pointsHash.add(doc.contentHash)
                made.append(lazyPoint(full, base: sweep.base, contentHash: doc.contentHash, particles: sweep.particles,
                                      like: made.last))
            }
            points = made
        } catch {
            if folderWasNew { try? FileManager.default.removeItem(atPath: partialFolder) }
            throw error
        }

        // Chunks of points run and recorded together. Points with different tier lists share the
        // monthly header's columns, so they run as one chunk (not resumable part-way).
        let uniformTiers = Set(points.map(\.tierNames)).count <= 1
        // The chunking depends only on the sweep, so a resumed sweep may use another thread count.
        let perChunk = uniformTiers ? max(1, (16 + sweep.file.replications - 1) / sweep.file.replications) : points.count
        let chunks = stride(from: 0, to: points.count, by: perChunk).map { $0..<min($0 + perChunk, points.count) }

        let journal = SweepJournal(outputPath: outputPath, header: "suanli-sweep-journal 2 version=\(version) "
            + "sweep=\(sweep.file.contentHash) points=\(pointsHash.hex) shard=\(shard)/\(shards) monthly=\(monthly)"
            + (sweep.particles.map { " posterior=\(SweepFile.hash((try? String(contentsOfFile: $0.source, encoding: .utf8)) ?? $0.source))" } ?? ""))
        if let journalInterval { journal.syncInterval = journalInterval }
        var done: [SweepJournal.Chunk]
        done = try journal.open(files: dataFiles, keep: [SweepLock.fileName, manifestPointsSpool])
        guard done.count <= chunks.count, zip(done, chunks).allSatisfy({ $0.first == $1.lowerBound && $0.count == $1.count }) else {
            throw SweepError(.partialMismatch, file: journal.folder)
        }
        let r = sweep.file.replications
        let total = points.count * r
        onEvent?(.started(partialFolder: journal.folder, points: points.count,
                          done: done.count == chunks.count ? points.count : chunks[done.count].lowerBound))

        progress?.start(total: total, done: (done.count < chunks.count ? chunks[done.count].lowerBound : points.count) * r)
        if done.count < chunks.count {
            let first = chunks[done.count].lowerBound
            let committer = ChunkCommitter(points: points, chunks: chunks, from: done.count, journal: journal,
                                           monthly: monthly, uniformTiers: uniformTiers, stopAfter: stopAfterChunks)
            committer.onSaved = { n in onEvent?(.saved(points: n)) }
            do {
                _ = try ExperimentRunner.run(points: Array(points[first...]), configuration: configuration, sinks: [committer],
                                             progress: progress.map { OffsetProgress($0, total: total, offset: first * r) },
                                             recordSeconds: false, onTimed: { _, s in committer.seconds.add(s) })
            } catch {
                // Record what finished, so that a rerun starts after it.
                try? committer.syncAll()
                journal.closeFiles()
                if case .output(let e) = error, e is ChunkCommitter.Stop {
                    progress?.finish(done: (first + committer.committedPoints) * r, total: total)
                    throw SweepError(.stopped(chunks: committer.ran), partialFolder: journal.folder)
                }
                // A chunk the files refused names its file; anything else is the run's failure.
                if case .output(let e) = error, var e = e as? SweepError {
                    e.partialFolder = journal.folder
                    throw e
                }
                throw SweepError(.runFailed(error), partialFolder: journal.folder)
            }
            do {
                if try journal.sync(force: true) > 0 { onEvent?(.saved(points: points.count)) }
            } catch { throw error.keeping(journal.folder) }
            done += committer.finished
        }
        progress?.finish(done: total, total: total)
        journal.closeFiles()

        var seconds = RunSeconds()
        for c in done { seconds.add(c.seconds) }
        let totals = RunTotals(jobs: total, events: done.reduce(0) { $0 + $1.events },
                               wallSeconds: done.reduce(0) { $0 + $1.wallSeconds }, replicationSeconds: [])
        let folder: OutputFolder
        do { folder = try OutputFolder.create(at: outputPath) } catch {
            throw SweepError(.output(reason: error.message), file: outputPath, partialFolder: journal.folder)
        }
        onEvent?(.assembling(temporaryFolder: folder.temporaryPath))
        do throws(SweepError) {
            let pointsPath = folder.temporaryPath + "/" + OutputSchemas.pointsFile
            do { try writePoints(sweep, indices: indices, to: .file(pointsPath)) } catch {
                throw SweepError.io("write", pointsPath, error)
            }
            // Linked, not moved: the partial folder stays whole until the output is in place,
            // so a kill during this final step loses no finished chunk.
            for f in dataFiles {
                do { try place(journal.folder + "/" + f, at: folder.temporaryPath + "/" + f) } catch {
                    throw SweepError.io("write", folder.temporaryPath + "/" + f, error)
                }
            }
            if shards == 1 { try sweep.writeAnalyses(folder: folder.temporaryPath) }
            let manifest = Manifest(version: version, points: [], configuration: configuration, totals: totals)
            var json = sweepManifest(manifest.json, sweep: sweep, files: names, shard: shards > 1 ? (shard, shards) : nil,
                                     indices: indices, monthly: monthly)
            json = withReplicationSeconds(json, seconds, jobs: total)
            do { try writeManifest(json, pointsSpool: spoolPath, to: folder.temporaryPath + "/manifest.json") } catch {
                throw SweepError.io("write", folder.temporaryPath + "/manifest.json", error)
            }
            do { try folder.commit() } catch { throw SweepError(.output(reason: error.message), file: outputPath) }
            onEvent?(.committed(outputPath: folder.path))
            lock.release()
            journal.remove()
            return SweepReport(outputPath: folder.path, points: indices, totals: totals, files: names)
        } catch {
            folder.discard()
            throw error.keeping(journal.folder)
        }
    }

    /// The file in the partial folder that holds the manifest's point entries.
    static let manifestPointsSpool = "manifest-points.json"

    /// A point that loads its scenario when its first replication runs and drops it when released.
    /// - Parameter like: the previous point, whose name lists `full`'s share when equal: a sweep's
    ///   points mostly have the same tiers, firms and drawn keys (the baseline draws 95 keys), and
    ///   a copy of each list per point made memory grow by kilobytes a point.
    static func lazyPoint(_ full: ExperimentPoint, base: ScenarioBase, contentHash: String,
                          particles: ParticleDraws? = nil, like previous: ExperimentPoint? = nil) -> ExperimentPoint {
        let loader = LazyPoint(index: full.index, base: base, overrides: full.source?.overrides ?? [],
                               contentHash: contentHash, particles: particles)
        var p = full
        p.source = nil
        if let previous {
            func share<T: Equatable>(_ path: WritableKeyPath<ExperimentPoint, T>) {
                if p[keyPath: path] == previous[keyPath: path] { p[keyPath: path] = previous[keyPath: path] }
            }
            share(\.scenario); share(\.tierNames); share(\.firmNames); share(\.firmModels); share(\.templateNames)
            share(\.templateModels); share(\.populationNames); share(\.populationModels); share(\.populationCounts)
            share(\.perReplicationKeys); share(\.posteriorKeys); share(\.posteriorSource)
        }
        p.replicate = { replication, plan in try loader.point().replicate(replication, plan) }
        p.release = { loader.release() }
        return p
    }

    /// `path` linked at `destination` (copied where links are not possible).
    static func place(_ path: String, at destination: String) throws {
        if link(path, destination) == 0 { return }
        try FileManager.default.copyItem(atPath: path, toPath: destination)
    }

    /// The manifest with `runtime.replication_seconds` set from summed seconds.
    static func withReplicationSeconds(_ json: JSONValue, _ s: RunSeconds, jobs: Int) -> JSONValue {
        guard case .object(var members) = json, let r = members.firstIndex(where: { $0.0 == "runtime" }),
              case .object(var runtime) = members[r].1 else { return json }
        for (i, (k, _)) in runtime.enumerated() where k == "replication_seconds" {
            runtime[i].1 = .object([
                ("mean", .double(jobs > 0 ? s.total / Double(jobs) : 0)),
                ("min", .double(s.min.isFinite ? s.min : 0)),
                ("max", .double(s.max)),
                ("total", .double(s.total)),
            ])
        }
        members[r].1 = .object(runtime)
        return .object(members)
    }

    /// Writes the manifest `json` (whose `points` is empty) with the point entries of the spool
    /// file streamed into its `points` array: the bytes `JSONValue.text()` gives for the whole.
    static func writeManifest(_ json: JSONValue, pointsSpool: String, to path: String) throws {
        let text = json.text()
        let marker = "\n  \"points\": []"
        guard let range = text.range(of: marker) else { throw OutputError(message: "manifest without points") }
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path),
              let spool = FileHandle(forReadingAtPath: pointsSpool) else {
            throw OutputError(message: "cannot write \(path)")
        }
        defer { try? out.close(); try? spool.close() }
        try out.write(contentsOf: Data((text[..<range.lowerBound] + "\n  \"points\": [\n").utf8))
        while let block = try spool.read(upToCount: 1 << 20), !block.isEmpty { try out.write(contentsOf: block) }
        try out.write(contentsOf: Data(("\n  ]" + text[range.upperBound...]).utf8))
    }

    /// Writes `points.csv`: `point`, then one column per parameter path, one row per point of `indices`.
    @discardableResult
    public static func writePoints(_ sweep: Sweep, indices: [Int], to destination: CSVWriter.Destination) throws -> CSVWriter {
        let w = try CSVWriter(destination)
        try w.writeRow((["point"] + sweep.parameterPaths).map(CSVValue.text))
        for p in indices { try w.writeRow([.int(p)] + sweep.values[p].map(CSVValue.text)) }
        try w.close()
        return w
    }

    /// The run manifest with the sweep's object after `version` and `files` set to `files`.
    static func sweepManifest(_ json: JSONValue, sweep: Sweep, files: [String], shard: (index: Int, count: Int)?,
                              indices: [Int], monthly: Bool, mergedFrom: [String]? = nil) -> JSONValue {
        guard case .object(let members) = json else { return json }
        var sweepMembers: [(String, JSONValue)] = [
            ("file", .string(sweep.file.path)),
            ("name", .string(sweep.file.name)),
            ("sweep_hash", .string(sweep.file.contentHash)),
            ("base", .string(sweep.file.basePath)),
            ("design", .string(sweep.file.design.rawValue)),
        ]
        if let n = sweep.file.basePoints { sweepMembers.append(("base_points", .int(n))) }
        if let r = sweep.file.trajectories { sweepMembers.append(("trajectories", .int(r))) }
        if let p = sweep.file.levels { sweepMembers.append(("levels", .int(p))) }
        if let c = sweep.file.candidates { sweepMembers.append(("candidates", .int(c))) }
        sweepMembers += [
            ("parameters", .array(sweep.parameterPaths.map(JSONValue.string))),
            ("points", .int(sweep.pointCount)),
            ("monthly", .bool(monthly)),
        ]
        if let shard {
            sweepMembers += [("shard", .int(shard.index)), ("shards", .int(shard.count)),
                             ("shard_points", .array(indices.map(JSONValue.int)))]
        }
        if let mergedFrom { sweepMembers.append(("merged_from", .array(mergedFrom.map(JSONValue.string)))) }
        var out: [(String, JSONValue)] = []
        for (k, v) in members {
            if k == "files" { out.append((k, .array(files.map(JSONValue.string)))); continue }
            out.append((k, v))
            if k == "version" { out.append(("sweep", .object(sweepMembers))) }
        }
        return .object(out)
    }

    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw OutputError(message: "cannot write \(path)")
        }
    }
}
