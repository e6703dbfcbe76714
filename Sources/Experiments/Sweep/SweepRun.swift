import Foundation
import ScenarioModule

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
    /// Resumable: the points run in chunks, each appended to the files of a partial folder beside
    /// the output (`.<name>.sweep-partial`) and then recorded in its `journal.txt`. A sweep that
    /// was stopped (killed, interrupted, or `stopAfterChunks`) and is started again with the same
    /// sweep file, shard, `monthly` and version continues after the last recorded chunk (cutting off
    /// anything written after it) and ends with the same bytes as an uninterrupted run. The
    /// partial folder is removed when the output is committed.
    /// - Parameter stopAfterChunks: stop (throwing) after this many new chunks, leaving the partial
    ///   folder to resume from; for tests and for running a sweep in slices.
    /// - Throws: ``SweepError`` for unusable requests, invalid points and failed replications or output.
    public static func run(_ sweep: Sweep, outputPath: String, threads: Int, shard: Int = 0, shards: Int = 1,
                           monthly: Bool = false, version: String, progress: (any ProgressReporter)? = nil,
                           stopAfterChunks: Int? = nil) throws(SweepError) -> SweepReport {
        guard shards >= 1, shard >= 0, shard < shards else {
            throw SweepError("--shard must be in 0 ..< --shards (\(shards)), got \(shard)")
        }
        guard shards <= sweep.pointCount else {
            throw SweepError("--shards \(shards) is more than the sweep's \(sweep.pointCount) points")
        }
        guard threads >= 1 else { throw SweepError("threads must be ≥ 1, got \(threads)") }
        let configuration = sweep.configuration(threads: threads)
        let indices = sweep.pointIndices(shard: shard, of: shards)
        let points = try sweep.experimentPoints(indices, configuration: configuration)
        // sensitivity.csv needs every point: an unsharded run writes it, a shard leaves it to the merge.
        let names = ["manifest.json"] + fileNames(monthly: monthly) + (shards == 1 ? [Sensitivity.file] : [])
        let dataFiles = ResultFiles(directory: nil, monthly: monthly).writtenFileNames

        // Chunks of points run and recorded together. Points with different tier lists share the
        // monthly header's columns, so they run as one chunk (not resumable part-way).
        let uniformTiers = Set(points.map(\.tierNames)).count <= 1
        // The chunking depends only on the sweep, so a resumed sweep may use another thread count.
        let perChunk = uniformTiers ? max(1, (16 + sweep.file.replications - 1) / sweep.file.replications) : points.count
        let chunks = stride(from: 0, to: points.count, by: perChunk).map { $0..<min($0 + perChunk, points.count) }

        let journal = SweepJournal(outputPath: outputPath, header: "suanli-sweep-journal 1 version=\(version) "
            + "sweep=\(sweep.file.contentHash) shard=\(shard)/\(shards) monthly=\(monthly)")
        var done: [SweepJournal.Chunk]
        do { done = try journal.open(files: dataFiles) } catch { throw SweepError("\(error)") }
        guard done.count <= chunks.count, zip(done, chunks).allSatisfy({ $0.first == $1.lowerBound && $0.count == $1.count }) else {
            throw SweepError("the partial sweep in \(journal.folder) does not match this sweep's chunks; remove it")
        }
        let total = points.count * sweep.file.replications
        progress?.start(total: total)
        let offsetProgress = progress.map { OffsetProgress($0, total: total) }
        var ran = 0
        for c in done.count..<chunks.count {
            if let stopAfterChunks, ran >= stopAfterChunks {
                progress?.finish(done: chunks[c].lowerBound * sweep.file.replications, total: total)
                throw SweepError("stopped after \(ran) chunk\(ran == 1 ? "" : "s"); run again to resume from \(journal.folder)")
            }
            let files = ResultFiles(directory: nil, monthly: monthly)
            offsetProgress?.offset = chunks[c].lowerBound * sweep.file.replications
            let totals: RunTotals
            do {
                totals = try ExperimentRunner.run(points: Array(points[chunks[c]]), configuration: configuration,
                                                  sinks: [files], progress: offsetProgress)
            } catch { throw SweepError("\(error)") }
            let chunk = SweepJournal.Chunk(first: chunks[c].lowerBound, count: chunks[c].count, events: totals.events,
                                           wallSeconds: totals.wallSeconds, seconds: totals.replicationSeconds)
            do {
                try journal.append(chunk, bytes: dataFiles.map { files.bytes(of: $0) }, files: dataFiles,
                                   withHeader: c == 0)
            } catch { throw SweepError("\(error)") }
            done.append(chunk)
            ran += 1
        }
        progress?.finish(done: total, total: total)

        let secs = done.flatMap(\.seconds)
        let totals = RunTotals(jobs: total, events: done.reduce(0) { $0 + $1.events },
                               wallSeconds: done.reduce(0) { $0 + $1.wallSeconds }, replicationSeconds: secs)
        let folder: OutputFolder
        do { folder = try OutputFolder.create(at: outputPath) } catch { throw SweepError("\(error)") }
        do throws(SweepError) {
            do {
                try writePoints(sweep, indices: indices, to: .file(folder.temporaryPath + "/" + OutputSchemas.pointsFile))
                for f in dataFiles {
                    try FileManager.default.moveItem(atPath: journal.folder + "/" + f, toPath: folder.temporaryPath + "/" + f)
                }
            } catch { throw SweepError("\(error)") }
            if shards == 1 { try Sensitivity.write(folder: folder.temporaryPath) }
            let manifest = Manifest(version: version, points: points, configuration: configuration, totals: totals)
            let json = sweepManifest(manifest.json, sweep: sweep, files: names, shard: shards > 1 ? (shard, shards) : nil,
                                     indices: indices, monthly: monthly)
            do {
                try write(json.text(), to: folder.temporaryPath + "/manifest.json")
                try folder.commit()
            } catch { throw SweepError("\(error)") }
            journal.remove()
            return SweepReport(outputPath: folder.path, points: indices, totals: totals, files: names)
        } catch {
            folder.discard()
            journal.remove()
            throw error
        }
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
